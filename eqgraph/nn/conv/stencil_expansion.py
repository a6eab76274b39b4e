"""StencilExpansion: learnable coefficients to a dense filter on a pixel or voxel stencil."""
from __future__ import annotations

import numpy as np
import torch

from ...fields.grid_transform import grid_positions
from ..constant_buffers import ConstantBuffers
from .layout import KernelLayout


def stencil_points(kernel_size: int, dilation: int, d: int) -> np.ndarray:
    """``[k^d, d]`` offsets of a dilated ``k^d`` stencil, centred, in the filter's memory order."""
    return dilation * grid_positions((kernel_size,) * d)


class StencilExpansion(ConstantBuffers, torch.nn.Module):
    r"""Expands a :class:`KernelLayout`'s ``weights`` into the dense filter
    :math:`W[c_{out}, c_{in}, \delta] = K(\delta)` on the stencil offsets :math:`\delta`.

    Every pair of field groups costs one GEMM ``[m_out m_in, B] @ [B, d_out d_in P]`` against
    its basis sampled once at construction (non-persistent buffers, so they follow ``.to()``
    but never enter a ``state_dict``); with ``recompute=True`` the bases are sampled on every
    call instead, trading time for memory.

    Shapes:
        - **weights:** :math:`(\text{layout.size},)`
        - **output:** :math:`(c_{out}, c_{in}, k, \dots, k)`
    """

    def __init__(self, layout: KernelLayout, kernel_size: int, dilation: int, recompute: bool = False):
        super().__init__()
        self.layout = layout
        self.kernel_size = kernel_size
        d = layout.in_type.gspace.dimensionality
        self.spatial = (kernel_size,) * d
        self.recompute = recompute
        self.register_constant("points", stencil_points(kernel_size, dilation, d))
        self._blocks = {(b.out_group, b.in_group): n for n, b in enumerate(layout.blocks)}
        if not recompute:
            for n in range(len(layout.blocks)):
                self.register_constant(f"basis_{n}", self._sample(n, self._constants["points"]))
        for name, order in (("out_inverse", layout.out_order), ("in_inverse", layout.in_order)):
            inverse = None if order is None else torch.as_tensor(np.argsort(order))
            self.register_buffer(name, inverse, persistent=False)

    def _sample(self, n: int, points: torch.Tensor) -> torch.Tensor:
        """``[B, d_out * d_in * P]``: block ``n``'s basis on the stencil."""
        basis = self.layout.blocks[n].basis
        values = basis.sample(points.to(torch.float64)).to(points.dtype)  # [P, B, d_out, d_in], solved in float64
        return values.permute(1, 2, 3, 0).reshape(len(basis), -1)

    def element_norms(self) -> list[torch.Tensor]:
        """Per block, ``[B]``: each element's root-mean-square norm per output channel on the
        stencil (what an initialisation needs to preserve the signal's scale)."""
        norms = []
        for n, block in enumerate(self.layout.blocks):
            d_out = self.layout.out_groups[block.out_group].representation.size
            norms.append((self.sampled_basis(n).double() ** 2).sum(1).div(d_out).sqrt())
        return norms

    def sampled_basis(self, n: int) -> torch.Tensor:
        return self._sample(n, self.points) if self.recompute else getattr(self, f"basis_{n}")

    def forward(self, weights: torch.Tensor) -> torch.Tensor:
        layout = self.layout
        P = self.points.shape[0]
        rows = []
        for o, out_group in enumerate(layout.out_groups):
            d_out = out_group.representation.size
            columns = []
            for i, in_group in enumerate(layout.in_groups):
                d_in = in_group.representation.size
                n = self._blocks.get((o, i))
                if n is None:
                    columns.append(weights.new_zeros(len(out_group.fields) * d_out, len(in_group.fields) * d_in, P))
                    continue
                block = layout.blocks[n]
                w = weights[block.offset:block.offset + block.size].view(block.m_out * block.m_in, -1)
                values = (w @ self.sampled_basis(n)).view(block.m_out, block.m_in, d_out, d_in, P)
                columns.append(values.permute(0, 2, 1, 3, 4).reshape(block.m_out * d_out, block.m_in * d_in, P))
            rows.append(concatenate(columns, dim=1))
        filter = concatenate(rows, dim=0)
        if self.out_inverse is not None:
            filter = filter.index_select(0, self.out_inverse)
        if self.in_inverse is not None:
            filter = filter.index_select(1, self.in_inverse)
        return filter.reshape(filter.shape[0], filter.shape[1], *self.spatial)


def concatenate(parts: list[torch.Tensor], dim: int) -> torch.Tensor:
    """``torch.cat``, without its copy when there is one part (every filter between two groups
    of one field kind)."""
    return parts[0] if len(parts) == 1 else torch.cat(parts, dim=dim)

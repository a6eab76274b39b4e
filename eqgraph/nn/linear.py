"""Linear: the most general equivariant linear map between field types, node by node."""
from __future__ import annotations

import numpy as np
import torch

from ..fields import FieldType, GeometricTensor
from .constant_buffers import ConstantBuffers
from .conv.irrep_paths import IrrepPaths, field_major_blocks, irreps_only
from .conv.layout import KernelLayout
from .conv.stencil_expansion import StencilExpansion
from .equivariant_module import EquivariantModule
from .init import generalized_he_init
from .trivial_bias import trivial_bias_expansion


class Linear(ConstantBuffers, EquivariantModule):
    r"""An equivariant linear map applied at every node or pixel:

    .. math::
        y = W x + b, \qquad W \rho_{in}(g) = \rho_{out}(g) W,

    with :math:`W = \sum_h w_h H_h` spanned by a basis of intertwiners (the kernel basis of a
    one-point stencil, so blocks between equal representations are solved once) and
    :math:`b` on the trivial irreps of the output.

    Args:
        in_type, out_type: field types on the same gspace.
        bias: learn an invariant bias.
        initialize: draw ``weights`` with :func:`eqgraph.nn.init.generalized_he_init`.

    Shapes:
        - **input:** :math:`(N, c_{in})` or :math:`(B, c_{in}, *S)`
        - **output:** :math:`(N, c_{out})` or :math:`(B, c_{out}, *S)`
    """

    def __init__(self, in_type: FieldType, out_type: FieldType, bias: bool = True, *, initialize: bool = True):
        super().__init__()
        self.in_type, self.out_type = in_type, out_type
        self.layout = KernelLayout.intertwiners(in_type, out_type, type(self).__name__)
        self.basisexpansion = StencilExpansion(self.layout, kernel_size=1, dilation=1)
        self.weights = torch.nn.Parameter(torch.zeros(self.layout.size))
        expansion = trivial_bias_expansion(out_type) if bias else None
        self.register_constant("bias_expansion", expansion)
        self.bias = None if expansion is None else torch.nn.Parameter(torch.zeros(expansion.shape[1]))
        if initialize:
            generalized_he_init(self.weights.data, self.basisexpansion)
        self.blockwise = irreps_only(in_type) and irreps_only(out_type)
        if self.blockwise:  # irrep fields (e3nn's types): one GEMM per irrep instead of a dense matrix
            self.paths = IrrepPaths(self.layout, radial_size=1)
            self._in_blocks = field_major_blocks(self.paths.in_copies, in_type.size)
            self._out_blocks = field_major_blocks(self.paths.out_copies, out_type.size)
            trivial = in_type.fibergroup.trivial_representation.irreps[0]
            self._biased = {}  # output irrep -> buffer of its channels, for the trivial irrep when biased
            for o, copies in enumerate(self.paths.out_copies):
                if bias and copies.irrep == trivial:
                    self._biased[o] = f"bias_channels_{o}"
                    self.register_buffer(self._biased[o], torch.as_tensor(copies.channels[:, 0]), persistent=False)
            self.register_buffer("in_order", torch.as_tensor(self.paths.in_order), persistent=False)
            self.register_buffer("out_inverse", torch.as_tensor(np.argsort(self.paths.out_order)), persistent=False)
            self._scales = []
            for n, path in enumerate(self.paths.paths):
                maps = path.angular_maps[..., 0]  # [A, d, d]: the endomorphisms of the irrep
                scale = maps[0, 0, 0]
                multiple = maps.shape[0] == 1 and np.allclose(maps[0], scale * np.eye(maps.shape[1]))
                self._scales.append(float(scale) if multiple else None)
                self.register_constant(f"endomorphisms_{n}", None if multiple else maps)
                index = np.where(path.weight_index < 0, self.layout.size, path.weight_index)
                self.register_buffer(f"weight_index_{n}", torch.as_tensor(index.reshape(-1)), persistent=False)

    def matrix(self) -> torch.Tensor:
        """``[c_out, c_in]``: the equivariant matrix W."""
        return self.basisexpansion(self.weights).reshape(self.out_type.size, self.in_type.size)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        bias = None if self.bias is None else self.bias_expansion @ self.bias
        rows = input.tensor.movedim(1, -1)
        if self.blockwise:
            out = self._blockwise(rows.reshape(-1, rows.shape[-1]), bias).view(*rows.shape[:-1], self.out_type.size)
        else:
            out = torch.nn.functional.linear(rows, self.matrix(), bias)
        return GeometricTensor(out.movedim(-1, 1), self.out_type, input.coords)

    def _blockwise(self, rows: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        M = rows.shape[0]
        padded = torch.cat([self.weights, self.weights.new_zeros(1)])
        if self._in_blocks is not None:  # field-major blocks [m, d]: split (no gather) and transpose
            inputs = [block.view(M, c.multiplicity, c.dimension).transpose(1, 2) for block, c in
                      zip(rows.split(self._in_blocks, dim=1), self.paths.in_copies)]
        else:
            grouped = rows.index_select(1, self.in_order)
            inputs = [part.view(M, c.dimension, c.multiplicity) for part, c in
                      zip(grouped.split([c.multiplicity * c.dimension for c in self.paths.in_copies], dim=1),
                          self.paths.in_copies)]
        paths = {p.out_index: (n, p) for n, p in enumerate(self.paths.paths)}
        pieces = []
        for o, copies in enumerate(self.paths.out_copies):
            d = copies.dimension
            piece_bias = None if bias is None or o not in self._biased else bias[getattr(self, self._biased[o])]
            if o not in paths:
                zeros = rows.new_zeros(M, d, copies.multiplicity)
                pieces.append(zeros if piece_bias is None else zeros + piece_bias)
                continue
            n, path = paths[o]
            m_out, m_in, A, _ = path.weight_index.shape
            x = inputs[path.in_index]  # [M, d, m_in]
            if self._scales[n] is not None:
                z = x.reshape(M * d, m_in)
                w = padded[getattr(self, f"weight_index_{n}")].view(m_out, m_in).T * self._scales[n]
            else:
                z = torch.einsum("aoi,Mic->Moac", getattr(self, f"endomorphisms_{n}"), x).reshape(M * d, A * m_in)
                w = padded[getattr(self, f"weight_index_{n}")].view(m_out, m_in, A).permute(2, 1, 0).reshape(A * m_in, m_out)
            product = z @ w if piece_bias is None else torch.addmm(piece_bias, z, w)  # bias fused into the GEMM
            pieces.append(product.view(M, d, m_out))
        if self._out_blocks is not None:
            return torch.cat([p.transpose(1, 2).reshape(M, p.shape[1] * p.shape[2]) for p in pieces], dim=1)
        return torch.cat([p.reshape(M, p.shape[1] * p.shape[2]) for p in pieces], dim=1).index_select(1, self.out_inverse)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])

    def export(self) -> torch.nn.Module:
        """A ``torch.nn.Linear`` for node features ``[N, c_in]``."""
        module = torch.nn.Linear(self.in_type.size, self.out_type.size, bias=self.bias is not None,
                                 dtype=self.weights.dtype, device=self.weights.device)
        with torch.no_grad():
            module.weight.copy_(self.matrix())
            if self.bias is not None:
                module.bias.copy_(self.bias_expansion @ self.bias)
        return module

    def extra_repr(self) -> str:
        return f"{self.in_type} -> {self.out_type}, weights={self.weights.numel()}"

from __future__ import annotations

import math

import numpy as np
import torch

from ...fields import FieldType, GeometricTensor
from ...group import clebsch_gordan
from ..constant_buffers import ConstantBuffers
from ..conv.irrep_paths import irrep_copies
from ..equivariant_module import EquivariantModule


class TensorProductModule(ConstantBuffers, EquivariantModule):
    r"""A learnable Clebsch-Gordan tensor product of two typed inputs, node by node (e3nn's
    fully connected tensor product, for any compact group):

    .. math::
        y^{\psi_o}_{w} = \sum_{\psi_1 \psi_2 \to \psi_o} \sum_{u, v, s}
        W_{u v w s}\; T_s\big(x^{\psi_1}_u \otimes x^{\psi_2}_v\big)

    over every pair of irreps (one of ``in_type1``, one of ``in_type2``) that couples to an
    irrep of ``out_type`` ("path"), :math:`T_s` running over the intertwiners
    :math:`\psi_1 \otimes \psi_2 \to \psi_o` (Clebsch-Gordan coefficients times :math:`\psi_o`'s
    endomorphisms) and :math:`u, v, w` over the copies of the irreps. Fields that are not
    irreps (regular, quotient, ...) are handled through their changes of basis.

    Args:
        in_type1, in_type2, out_type: field types on the same gspace.

    Shapes:
        - **input1:** :math:`(N, c_1)` or :math:`(B, c_1, *S)`; **input2** alike with :math:`c_2`
        - **output:** :math:`(N, c_{out})` or :math:`(B, c_{out}, *S)`
    """

    def __init__(self, in_type1: FieldType, in_type2: FieldType, out_type: FieldType):
        super().__init__()
        if not (in_type1.gspace == in_type2.gspace == out_type.gspace):
            raise ValueError(f"the three types must share a gspace, got {in_type1.gspace}, {in_type2.gspace}, {out_type.gspace}")
        self.in_type1, self.in_type2, self.out_type = in_type1, in_type2, out_type
        self.in_type = in_type1
        group = in_type1.fibergroup
        self.copies = [irrep_copies(t) for t in (in_type1, in_type2, out_type)]
        self.paths: list[tuple[int, int, int, int]] = []  # (irrep of input 1, of input 2, of output, intertwiners)
        offset = 0
        self._weight_slices = []
        fan_in = np.zeros(len(self.copies[2]))
        for a, first in enumerate(self.copies[0]):
            for b, second in enumerate(self.copies[1]):
                for o, out in enumerate(self.copies[2]):
                    maps = _intertwiners(group, first.irrep, second.irrep, out.irrep)
                    if maps.shape[0] == 0:
                        continue
                    n = maps.shape[0]
                    # [n * d_out, d1 * d2]: applied to the flattened outer product of two irrep vectors
                    self.register_constant(f"maps_{len(self.paths)}", maps.transpose(0, 3, 1, 2).reshape(n * out.dimension, -1))
                    size = n * first.multiplicity * second.multiplicity * out.multiplicity
                    self._weight_slices.append((offset, offset + size))
                    offset += size
                    fan_in[o] += n * first.multiplicity * second.multiplicity
                    self.paths.append((a, b, o, n))
        if not self.paths:
            raise ValueError(f"no irrep of {in_type1} (x) {in_type2} couples to {out_type}: the tensor product is zero")
        self.weights = torch.nn.Parameter(torch.randn(offset))
        with torch.no_grad():
            for (start, end), (_, _, o, _) in zip(self._weight_slices, self.paths):
                self.weights[start:end] /= math.sqrt(fan_in[o])
        for label, field_type, copies, inverse in (("in1", in_type1, self.copies[0], True),
                                                  ("in2", in_type2, self.copies[1], True),
                                                  ("out", out_type, self.copies[2], False)):
            order = np.concatenate([c.channels.T.reshape(-1) for c in copies])
            if inverse:
                matrix = field_type.change_of_basis_inv.toarray()[order]
            else:
                matrix = field_type.change_of_basis.toarray()[:, order]
            identity = np.allclose(matrix, np.eye(matrix.shape[0]), atol=1e-12)
            self.register_constant(f"{label}_matrix", None if identity else matrix)

    def forward(self, input1: GeometricTensor, input2: GeometricTensor) -> GeometricTensor:
        self.check_type(input1)
        if not isinstance(input2, GeometricTensor) or input2.type != self.in_type2:
            got = input2.type if isinstance(input2, GeometricTensor) else type(input2).__name__
            raise ValueError(f"TensorProductModule expects a second input of type {self.in_type2}, got {got}")
        if input1.shape[0] != input2.shape[0] or input1.shape[2:] != input2.shape[2:]:
            raise ValueError(f"the two inputs must have the same nodes or pixels, got shapes {tuple(input1.shape)} "
                             f"and {tuple(input2.shape)}")
        x1, x2 = _rows(input1.tensor), _rows(input2.tensor)
        f1 = x1 if self.in1_matrix is None else x1 @ self.in1_matrix.T
        f2 = x2 if self.in2_matrix is None else x2 @ self.in2_matrix.T
        parts1 = f1.split([c.multiplicity * c.dimension for c in self.copies[0]], dim=1)
        parts2 = f2.split([c.multiplicity * c.dimension for c in self.copies[1]], dim=1)
        N = x1.shape[0]
        pieces = []
        for o, out in enumerate(self.copies[2]):
            contracted, mixing = [], []
            for k, (a, b, path_out, n) in enumerate(self.paths):
                if path_out != o:
                    continue
                first, second = self.copies[0][a], self.copies[1][b]
                u = parts1[a].view(N, first.dimension, 1, first.multiplicity, 1)
                v = parts2[b].view(N, 1, second.dimension, 1, second.multiplicity)
                outer = (u * v).reshape(N, first.dimension * second.dimension, -1)  # [N, d1 d2, m1 m2]
                projected = torch.matmul(getattr(self, f"maps_{k}"), outer)  # [N, n d_out, m1 m2]
                contracted.append(projected.view(N, n, out.dimension, -1).transpose(1, 2).reshape(N, out.dimension, -1))
                start, end = self._weight_slices[k]
                mixing.append(self.weights[start:end].view(n * first.multiplicity * second.multiplicity, out.multiplicity))
            if not contracted:
                pieces.append(x1.new_zeros(N, out.dimension * out.multiplicity))
                continue
            z = torch.cat(contracted, dim=2)
            pieces.append((z.reshape(N * out.dimension, -1) @ torch.cat(mixing, dim=0)).view(N, -1))
        out = torch.cat(pieces, dim=1)
        if self.out_matrix is not None:
            out = out @ self.out_matrix.T
        return GeometricTensor(_unrows(out, input1.tensor), self.out_type, input1.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])


def _intertwiners(group, id1, id2, id_out) -> np.ndarray:
    """``[n, d1, d2, d_out]``: a basis of the equivariant maps psi1 (x) psi2 -> psi_out."""
    psi1, psi2, psi3 = (group.irrep(*(i if isinstance(i, tuple) else (i,))) for i in (id1, id2, id_out))
    cg = clebsch_gordan(psi1, psi2, psi3)
    if cg.shape[0] == 0:
        return cg
    return np.einsum("mijc,ecf->meijf", cg, psi3.endomorphism_basis()).reshape(-1, psi1.size, psi2.size, psi3.size)


def _rows(x: torch.Tensor) -> torch.Tensor:
    """Node features as they are; grids ``[B, C, *S]`` as rows ``[B * S, C]``."""
    return x if x.dim() == 2 else x.movedim(1, -1).reshape(-1, x.shape[1])


def _unrows(rows: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    if like.dim() == 2:
        return rows
    return rows.view(like.shape[0], *like.shape[2:], rows.shape[1]).movedim(-1, 1)

from __future__ import annotations

import math

import numpy as np
import torch

from ...fields import FieldType, GeometricTensor
from ...group import clebsch_gordan
from ..constant_buffers import ConstantBuffers
from ..conv.irrep_paths import irrep_copies
from ..equivariant_module import EquivariantModule
from ..plain.node_function import ExportedNodeFunction


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

    Input 2 is contracted with the coefficients first (one GEMM per pair of irreps), then with
    input 1 and the weights: the product is cheapest when input 2 is the narrow one (spherical
    harmonics of edges, say).

    Args:
        in_type1, in_type2, out_type: field types on the same gspace.

    Shapes:
        - **input1:** :math:`(N, c_1)` or :math:`(B, c_1, *S)`; **input2** alike with :math:`c_2`
        - **output:** :math:`(N, c_{out})` or :math:`(B, c_{out}, *S)`
    """

    def __init__(self, in_type1: FieldType, in_type2: FieldType, out_type: FieldType | None = None):
        super().__init__()
        if out_type is None:
            raise TypeError("TensorProductModule(in_type1, in_type2, out_type) multiplies two inputs (e3nn's product); "
                            "escnn's TensorProductModule(in_type, out_type), a quadratic nonlinearity of one input, "
                            "is eqgraph.nn.TensorProductNonLinearity")
        if not (in_type1.gspace == in_type2.gspace == out_type.gspace):
            raise ValueError(f"the three types must share a gspace, got {in_type1.gspace}, {in_type2.gspace}, {out_type.gspace}")
        self.in_type1, self.in_type2, self.out_type = in_type1, in_type2, out_type
        self.in_type = in_type1
        group = in_type1.fibergroup
        self.copies = [irrep_copies(t) for t in (in_type1, in_type2, out_type)]
        self.paths: list[tuple[int, int, int, int]] = []  # (irrep of input 1, of input 2, of output, intertwiners)
        self._pairs: dict[tuple[int, int], list[int]] = {}  # (irrep of input 1, of input 2) -> its paths
        self._scales: dict[tuple[int, int], float] = {}  # pairs whose projection is a multiple of the identity
        offset, fan_in = 0, np.zeros(len(self.copies[2]))
        self._weight_slices = []
        for a, first in enumerate(self.copies[0]):
            for b, second in enumerate(self.copies[1]):
                maps = []
                for o, out in enumerate(self.copies[2]):
                    path_maps = _intertwiners(group, first.irrep, second.irrep, out.irrep)  # [n, d1, d2, d_out]
                    if path_maps.shape[0] == 0:
                        continue
                    n = path_maps.shape[0]
                    maps.append(path_maps.transpose(2, 1, 0, 3).reshape(second.dimension, first.dimension, -1))
                    size = first.multiplicity * second.multiplicity * n * out.multiplicity
                    self._weight_slices.append((offset, offset + size))
                    offset += size
                    fan_in[o] += n * first.multiplicity * second.multiplicity
                    self._pairs.setdefault((a, b), []).append(len(self.paths))
                    self.paths.append((a, b, o, n))
                if maps:  # [d2, d1 R], R the pair's paths' n d_out: contracts input 2 with the coefficients in one GEMM
                    maps = np.concatenate(maps, axis=2)
                    square = maps.reshape(-1, maps.shape[2])
                    scale = square[0, 0]
                    if square.shape[0] == square.shape[1] and np.allclose(square, scale * np.eye(len(square)), atol=1e-12):
                        self._scales[(a, b)] = float(scale)  # a product with a scalar irrep: nothing to project
                    else:
                        self.register_constant(f"maps_{a}_{b}", maps.reshape(second.dimension, -1))
        if not self.paths:
            raise ValueError(f"no irrep of {in_type1} (x) {in_type2} couples to {out_type}: the tensor product is zero")
        self.weights = torch.nn.Parameter(torch.randn(offset))
        with torch.no_grad():
            for (start, end), (_, _, o, _) in zip(self._weight_slices, self.paths):
                self.weights[start:end] /= math.sqrt(fan_in[o])
        for label, field_type, copies, inverse in (("in1", in_type1, self.copies[0], True),
                                                  ("in2", in_type2, self.copies[1], True),
                                                  ("out", out_type, self.copies[2], False)):
            order = np.concatenate([c.channels.reshape(-1) for c in copies])  # irrep-major, then [m, d]
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
        if input1.shape[0] != input2.shape[0] or input1.shape[2:] != input2.shape[2:] or \
                input1.tensor.dtype != input2.tensor.dtype:
            raise ValueError(f"the two inputs must have the same nodes or pixels and dtype, got {tuple(input1.shape)} "
                             f"{input1.tensor.dtype} and {tuple(input2.shape)} {input2.tensor.dtype}")
        x1, x2 = _rows(input1.tensor), _rows(input2.tensor)
        N = x1.shape[0]
        f1 = x1 if self.in1_matrix is None else x1 @ self.in1_matrix.T
        f2 = x2 if self.in2_matrix is None else x2 @ self.in2_matrix.T
        parts1 = [p.view(N, c.multiplicity, c.dimension).transpose(1, 2).contiguous() for p, c in  # [N, d1, m1]
                  zip(f1.split([c.multiplicity * c.dimension for c in self.copies[0]], dim=1), self.copies[0])]
        parts2 = [p.view(N, c.multiplicity, c.dimension) for p, c in
                  zip(f2.split([c.multiplicity * c.dimension for c in self.copies[1]], dim=1), self.copies[1])]
        contracted: list[list[torch.Tensor]] = [[] for _ in self.copies[2]]  # per output irrep: [N, d_out, m2 n m1]
        mixing: list[list[torch.Tensor]] = [[] for _ in self.copies[2]]
        for (a, b), path_ids in self._pairs.items():
            (d1, m1), (m2, d2) = parts1[a].shape[1:], parts2[b].shape[1:]
            scale = self._scales.get((a, b))
            if scale is None:  # z[N, m2, r, m1] = sum_i (x2 . maps)[N, m2, i, r] x1[N, i, m1]
                maps = getattr(self, f"maps_{a}_{b}")
                coupled = (parts2[b].reshape(N * m2, d2) @ maps).view(N, m2, d1, maps.shape[1] // d1, 1)
                z = (coupled * parts1[a].view(N, 1, d1, 1, m1)).sum(2)
            else:  # one input is a scalar irrep: the product is the projection
                z = parts2[b].view(N, m2, d2, 1) * parts1[a].view(N, 1, d1, m1)
            start = 0
            for k in path_ids:
                _, _, o, n = self.paths[k]
                d_out, m_out = self.copies[2][o].dimension, self.copies[2][o].multiplicity
                block = z[:, :, start:start + n * d_out].reshape(N, m2, n, d_out, m1)
                start += n * d_out
                contracted[o].append(block.permute(0, 3, 1, 2, 4).reshape(N, d_out, m2 * n * m1))
                begin, end = self._weight_slices[k]
                weights = self.weights[begin:end].view(m2 * n * m1, m_out)
                mixing[o].append(weights if scale is None else weights * scale)
        pieces = []
        for o, out in enumerate(self.copies[2]):
            if not contracted[o]:
                pieces.append(x1.new_zeros(N, out.multiplicity * out.dimension))
                continue
            z = torch.cat(contracted[o], dim=2)
            mixed = (z.reshape(N * out.dimension, z.shape[2]) @ torch.cat(mixing[o], dim=0)).view(N, out.dimension,
                                                                                                  out.multiplicity)
            pieces.append(mixed.transpose(1, 2).reshape(N, out.dimension * out.multiplicity))
        out = torch.cat(pieces, dim=1)
        if self.out_matrix is not None:
            out = out @ self.out_matrix.T
        return GeometricTensor(_unrows(out, input1.tensor), self.out_type, input1.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])

    @torch.no_grad()
    def coefficients(self) -> torch.Tensor:
        """``[c_2, c_out * c_1]``: the product as one bilinear map,
        ``y[o] = sum_{i, j} x1[i] x2[j] coefficients[j, o * c_1 + i]``, read off the module on pairs of
        basis vectors."""
        c1, c2 = self.in_type1.size, self.in_type2.size
        weight = self.weights
        eye1, eye2 = torch.eye(c1, dtype=weight.dtype, device=weight.device), torch.eye(c2, dtype=weight.dtype,
                                                                                          device=weight.device)
        pairs1 = GeometricTensor(eye1.repeat(c2, 1), self.in_type1)  # row j * c1 + i: e_i (x) e_j
        pairs2 = GeometricTensor(eye2.repeat_interleave(c1, dim=0), self.in_type2)
        values = self(pairs1, pairs2).tensor.view(c2, c1, -1)  # [j, i, o]
        return values.permute(0, 2, 1).reshape(c2, -1)

    def export(self) -> torch.nn.Module:
        """A plain module taking the two tensors, the product folded into one bilinear map."""
        return ExportedNodeFunction(bilinear, {"coefficients": self.coefficients()})


def bilinear(x1: torch.Tensor, x2: torch.Tensor, coefficients: torch.Tensor) -> torch.Tensor:
    """``y[o] = sum_{i, j} x1[i] x2[j] coefficients[j, o * c_1 + i]`` for node features or grids."""
    rows1, rows2 = _rows(x1), _rows(x2)
    maps = (rows2 @ coefficients).view(rows1.shape[0], coefficients.shape[1] // rows1.shape[1], rows1.shape[1])  # [N, c_out, c_1]
    return _unrows(torch.bmm(maps, rows1.unsqueeze(2)).squeeze(2), x1)


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

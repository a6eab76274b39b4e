from __future__ import annotations


from ...fields import FieldType, GeometricTensor
from ..constant_buffers import ConstantBuffers
from ..equivariant_module import EquivariantModule
from .iid_batch_norm import IIDBatchNorm


class GNormBatchNorm(ConstantBuffers, EquivariantModule):
    r"""Batch normalisation for any representation, irrep by irrep: features move to the irrep
    basis (:math:`\tilde x = Q^{-1} x`), where every copy of an irrep gets its own variance and
    scale and the trivial irreps their mean and bias, then move back:

    .. math::
        y = Q\, \mathrm{BN}_{\text{irreps}}(Q^{-1} x).

    Finer than :class:`IIDBatchNorm` (one variance per field) when a field holds several irreps.

    Args:
        in_type: the input (and output) type.
        eps, momentum, affine: as ``torch.nn.BatchNorm2d``.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True):
        super().__init__()
        self.in_type = self.out_type = in_type
        group = in_type.fibergroup
        irreps = FieldType(in_type.gspace, [group.irrep(*(i if isinstance(i, tuple) else (i,))) for i in in_type.irreps])
        self.irrep_norm = IIDBatchNorm(irreps, eps, momentum, affine)
        self.register_constant("to_irreps", in_type.change_of_basis_inv.toarray())
        self.register_constant("from_irreps", in_type.change_of_basis.toarray())

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor.movedim(1, -1)
        coefficients = (x @ self.to_irreps.T).movedim(-1, 1)
        normalised = self.irrep_norm(GeometricTensor(coefficients, self.irrep_norm.in_type)).tensor
        out = (normalised.movedim(1, -1) @ self.from_irreps.T).movedim(-1, 1)
        return GeometricTensor(out, self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

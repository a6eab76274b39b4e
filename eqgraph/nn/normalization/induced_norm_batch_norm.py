from __future__ import annotations

from ...fields import FieldType
from ..induced_blocks import induced_blocks
from .norm_batch_norm import NormBatchNorm


class InducedNormBatchNorm(NormBatchNorm):
    r"""Batch normalisation of induced fields without invariant part (escnn's semantics): one
    variance per field, shared by its blocks, and one scale per field,
    :math:`y_f = x_f / \sqrt{\mathbb{E}\lVert x_f \rVert^2 / d_f + \epsilon}\, \gamma_f`
    (the statistics of :class:`NormBatchNorm`, restricted to induced fields).

    Args:
        in_type: a type of induced fields whose inducing representations lack the trivial irrep.
        eps, momentum, affine: as ``torch.nn.BatchNorm2d``.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True):
        induced_blocks(in_type, type(self).__name__)
        super().__init__(in_type, eps, momentum, affine)

from __future__ import annotations

from ...fields import FieldType
from ..capabilities import contains_trivial, require
from .field_batch_norm import FieldBatchNorm


class NormBatchNorm(FieldBatchNorm):
    r"""Batch normalisation of the norms of fields without invariant part (escnn's semantics):
    their mean is zero by symmetry, so only the scale is normalised,

    .. math::
        y_f = \frac{x_f}{\sqrt{\mathbb{E}\lVert x_f \rVert^2 / d_f + \epsilon}}\, \gamma_f .

    Args:
        in_type: the input (and output) type; no field may contain the trivial irrep.
        eps, momentum, affine: as ``torch.nn.BatchNorm2d`` (``affine``: a scale per field).

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    centre = False

    def __init__(self, in_type: FieldType, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True):
        require(in_type, lambda rep: not contains_trivial(rep), "it contains the trivial irrep, whose mean is not "
                "zero by symmetry; use IIDBatchNorm", type(self).__name__)
        super().__init__(in_type, eps, momentum, affine, track_running_stats=True)

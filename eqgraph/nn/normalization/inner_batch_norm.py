from __future__ import annotations

from ...fields import FieldType
from ..capabilities import is_permutation, require
from .field_batch_norm import FieldBatchNorm


class InnerBatchNorm(FieldBatchNorm):
    r"""Batch normalisation for fields acting by permutations (escnn's semantics): each field's
    channels share one mean, one variance, one scale and one bias, computed over the batch,
    the spatial positions (or nodes) and the field's channels:

    .. math::
        y_f = \frac{x_f - \mu_f}{\sqrt{\sigma_f^2 + \epsilon}}\, \gamma_f + \beta_f .

    On trivial fields it is exactly ``torch.nn.BatchNorm``; ``export()`` gives one.

    Args:
        in_type: the input (and output) type; fields must act by permutations.
        eps, momentum, affine, track_running_stats: as ``torch.nn.BatchNorm2d``.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True):
        require(in_type, is_permutation, "its channels are not permuted by the group, so they cannot share statistics; "
                "use NormBatchNorm or IIDBatchNorm", type(self).__name__)
        super().__init__(in_type, eps, momentum, affine, track_running_stats)

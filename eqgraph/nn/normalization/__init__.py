"""Equivariant normalisation layers."""
from .field_batch_norm import FieldBatchNorm
from .field_norm import FieldNorm
from .gnorm_batch_norm import GNormBatchNorm
from .iid_batch_norm import IIDBatchNorm, IIDBatchNorm1d, IIDBatchNorm2d, IIDBatchNorm3d
from .induced_norm_batch_norm import InducedNormBatchNorm
from .inner_batch_norm import InnerBatchNorm
from .norm_batch_norm import NormBatchNorm
from .update_batch_norm import update_batch_norm

__all__ = ["FieldBatchNorm", "FieldNorm", "GNormBatchNorm", "IIDBatchNorm", "IIDBatchNorm1d", "IIDBatchNorm2d", "IIDBatchNorm3d", "InducedNormBatchNorm", "InnerBatchNorm",
           "NormBatchNorm", "update_batch_norm"]

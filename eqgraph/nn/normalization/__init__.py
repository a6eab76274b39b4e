"""Equivariant normalisation layers."""
from .field_batch_norm import FieldBatchNorm
from .field_norm import FieldNorm
from .iid_batch_norm import IIDBatchNorm1d, IIDBatchNorm2d, IIDBatchNorm3d
from .inner_batch_norm import InnerBatchNorm
from .norm_batch_norm import NormBatchNorm

__all__ = ["FieldBatchNorm", "FieldNorm", "IIDBatchNorm1d", "IIDBatchNorm2d", "IIDBatchNorm3d", "InnerBatchNorm",
           "NormBatchNorm"]

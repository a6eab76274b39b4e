"""Invariant maps and pooling over fields, pixels and graphs."""
from .antialiased import PointwiseAvgPoolAntialiased, PointwiseMaxPoolAntialiased
from .global_pool import GlobalPool
from .group_pooling import GroupPooling
from .induced_norm_pool import InducedNormPool
from .max_pool_channels import MaxPoolChannels
from .norm_max_pool import NormMaxPool
from .norm_pool import NormPool
from .pointwise_adaptive_avg_pool import PointwiseAdaptiveAvgPool
from .pointwise_adaptive_max_pool import PointwiseAdaptiveMaxPool
from .pointwise_avg_pool import PointwiseAvgPool
from .pointwise_max_pool import PointwiseMaxPool
from .upsampling import R2Upsampling, R3Upsampling, Upsampling

__all__ = ["GlobalPool", "GroupPooling", "InducedNormPool", "MaxPoolChannels", "NormMaxPool", "NormPool", "PointwiseAdaptiveAvgPool",
           "PointwiseAdaptiveMaxPool", "PointwiseAvgPool", "PointwiseAvgPoolAntialiased", "PointwiseMaxPool",
           "PointwiseMaxPoolAntialiased", "R2Upsampling", "R3Upsampling",
           "Upsampling"]

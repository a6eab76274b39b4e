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
from .scale_space_chirality import ScaleSpaceChirality
from .scale_space_triple_products import ScaleSpaceTripleProducts
from .triple_product_pooling import TripleProductPooling
from .field_triple_products import FieldTripleProducts
from .upsampling import R2Upsampling, R3Upsampling, Upsampling

# escnn's per-dimension names: the classes above choose 2D or 3D from the gspace
PointwiseMaxPool2D = PointwiseMaxPool3D = PointwiseMaxPool
PointwiseAvgPool2D = PointwiseAvgPool3D = PointwiseAvgPool
PointwiseAdaptiveAvgPool2D = PointwiseAdaptiveAvgPool3D = PointwiseAdaptiveAvgPool
PointwiseAdaptiveMaxPool2D = PointwiseAdaptiveMaxPool3D = PointwiseAdaptiveMaxPool
PointwiseMaxPoolAntialiased2D = PointwiseMaxPoolAntialiased3D = PointwiseMaxPoolAntialiased
PointwiseAvgPoolAntialiased2D = PointwiseAvgPoolAntialiased3D = PointwiseAvgPoolAntialiased
ESCNN_ALIASES = [
    "PointwiseMaxPool2D", "PointwiseMaxPool3D", "PointwiseAvgPool2D", "PointwiseAvgPool3D",
    "PointwiseAdaptiveAvgPool2D", "PointwiseAdaptiveAvgPool3D", "PointwiseAdaptiveMaxPool2D", "PointwiseAdaptiveMaxPool3D",
    "PointwiseMaxPoolAntialiased2D", "PointwiseMaxPoolAntialiased3D", "PointwiseAvgPoolAntialiased2D",
    "PointwiseAvgPoolAntialiased3D",
]

__all__ = ESCNN_ALIASES + ["GlobalPool", "GroupPooling", "InducedNormPool", "MaxPoolChannels", "NormMaxPool", "NormPool", "PointwiseAdaptiveAvgPool",
           "PointwiseAdaptiveMaxPool", "PointwiseAvgPool", "PointwiseAvgPoolAntialiased", "PointwiseMaxPool",
           "PointwiseMaxPoolAntialiased", "R2Upsampling", "R3Upsampling", "ScaleSpaceChirality", "ScaleSpaceTripleProducts",
           "FieldTripleProducts", "TripleProductPooling", "Upsampling"]

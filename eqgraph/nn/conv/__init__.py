"""Steerable convolutions on grids and graphs, sharing one kernel parametrisation."""
from .channelwise_point_conv import ChannelwisePointConv
from .edge_geometry import EdgeGeometry
from .layout import KernelLayout
from .point_conv import PointConv
from .point_graph_layer import PointGraphLayer
from .r2_diffop import R2Diffop
from .r2_point_conv import R2PointConv
from .r2conv import R2Conv
from .r2conv_transposed import R2ConvTransposed
from .r3_diffop import R3Diffop
from .r3_point_conv import R3PointConv
from .r3conv import R3Conv
from .r3conv_transposed import R3ConvTransposed
from .radial_network import RadialNetwork
from .stencil_expansion import StencilExpansion

__all__ = [
    "R2Conv", "R3Conv", "R2ConvTransposed", "R3ConvTransposed", "R2PointConv", "R3PointConv",
    "R2Diffop", "R3Diffop", "ChannelwisePointConv", "RadialNetwork",
    "PointConv", "PointGraphLayer", "EdgeGeometry", "KernelLayout", "StencilExpansion",
]

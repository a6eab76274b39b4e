"""Equivariant modules: convolutions, linear maps, nonlinearities, normalisation, pooling,
dropout and the modules that route fields. Every module maps GeometricTensors of ``in_type``
to ``out_type`` with the channel axis 1, on grids ``[B, C, *S]`` and graph nodes ``[N, C]``."""
from ..fields import FieldType, GeometricTensor, tensor_directsum
from . import init
from .conv import (
    ChannelwisePointConv,
    EdgeGeometry,
    R2Conv,
    R2ConvTransposed,
    R2Diffop,
    R2PointConv,
    R3Conv,
    R3ConvTransposed,
    R3Diffop,
    R3PointConv,
    RadialNetwork,
)
from .equivariant_module import EquivariantModule
from .field_dropout import FieldDropout
from .identity import IdentityModule
from .linear import Linear
from .mlp import MLP
from .nonlinearities import (
    ELU,
    ConcatenatedNonLinearity,
    FourierELU,
    FourierPointwise,
    band_limited_regular,
    Gate,
    GatedNonLinearity1,
    GatedNonLinearity2,
    GatedNonLinearityUniform,
    InducedGatedNonLinearity1,
    InducedNormNonLinearity,
    LeakyReLU,
    NormNonLinearity,
    PointwiseNonLinearity,
    QuotientFourierELU,
    QuotientFourierPointwise,
    ReLU,
    TensorProductNonLinearity,
    VectorFieldNonLinearity,
)
from .normalization import (
    FieldBatchNorm,
    FieldNorm,
    GNormBatchNorm,
    IIDBatchNorm,
    IIDBatchNorm1d,
    IIDBatchNorm2d,
    IIDBatchNorm3d,
    InducedNormBatchNorm,
    InnerBatchNorm,
    NormBatchNorm,
    update_batch_norm,
)
from .pointwise_dropout import PointwiseDropout
from .pooling import (  # escnn's per-dimension names of the pools
    PointwiseAdaptiveAvgPool2D,
    PointwiseAdaptiveAvgPool3D,
    PointwiseAdaptiveMaxPool2D,
    PointwiseAdaptiveMaxPool3D,
    PointwiseAvgPool2D,
    PointwiseAvgPool3D,
    PointwiseAvgPoolAntialiased2D,
    PointwiseAvgPoolAntialiased3D,
    PointwiseMaxPool2D,
    PointwiseMaxPool3D,
    PointwiseMaxPoolAntialiased2D,
    PointwiseMaxPoolAntialiased3D,
)
from .pooling import (
    GlobalPool,
    GroupPooling,
    InducedNormPool,
    MaxPoolChannels,
    NormMaxPool,
    NormPool,
    PointwiseAdaptiveAvgPool,
    PointwiseAdaptiveMaxPool,
    PointwiseAvgPool,
    PointwiseAvgPoolAntialiased,
    PointwiseMaxPool,
    PointwiseMaxPoolAntialiased,
    R2Upsampling,
    R3Upsampling,
    FieldTripleProducts,
    ScaleSpaceChirality,
    ScaleSpaceTripleProducts,
    TripleProductPooling,
)
from .sequential import SequentialModule
from .tensor_products import ElementwiseTensorProduct, TensorProductModule
from .structure import (
    BranchingModule,
    DisentangleModule,
    MaskModule,
    MergeModule,
    ModuleList,
    MultipleModule,
    ReshuffleModule,
    RestrictionModule,
)

__all__ = [
    "EquivariantModule", "IdentityModule", "SequentialModule", "ModuleList",
    "R2Conv", "R3Conv", "R2ConvTransposed", "R3ConvTransposed", "R2PointConv", "R3PointConv", "EdgeGeometry",
    "R2Diffop", "R3Diffop", "ChannelwisePointConv", "RadialNetwork",
    "Linear", "MLP", "TensorProductModule", "ElementwiseTensorProduct",
    "PointwiseNonLinearity", "ReLU", "ELU", "NormNonLinearity", "GatedNonLinearity1", "GatedNonLinearity2", "Gate",
    "GatedNonLinearityUniform", "TensorProductNonLinearity", "VectorFieldNonLinearity",
    "ConcatenatedNonLinearity", "FourierPointwise", "band_limited_regular", "QuotientFourierPointwise", "FourierELU", "QuotientFourierELU",
    "LeakyReLU", "InducedGatedNonLinearity1", "InducedNormNonLinearity", "InducedNormPool", "InducedNormBatchNorm", "GNormBatchNorm",
    "FieldBatchNorm", "InnerBatchNorm", "NormBatchNorm", "IIDBatchNorm", "IIDBatchNorm1d", "IIDBatchNorm2d", "IIDBatchNorm3d",
    "FieldNorm", "update_batch_norm",
    "GroupPooling", "NormPool", "MaxPoolChannels", "NormMaxPool", "PointwiseMaxPool", "PointwiseAvgPool",
    "PointwiseAdaptiveAvgPool", "PointwiseAdaptiveMaxPool", "PointwiseMaxPoolAntialiased", "PointwiseAvgPoolAntialiased",
    "GlobalPool", "R2Upsampling", "R3Upsampling", "TripleProductPooling", "FieldTripleProducts",
    "ScaleSpaceChirality", "ScaleSpaceTripleProducts",
    "FieldDropout", "PointwiseDropout",
    "BranchingModule", "MergeModule", "MultipleModule", "RestrictionModule", "DisentangleModule", "ReshuffleModule",
    "MaskModule",
    "PointwiseMaxPool2D", "PointwiseMaxPool3D", "PointwiseAvgPool2D", "PointwiseAvgPool3D", "PointwiseAdaptiveAvgPool2D",
    "PointwiseAdaptiveAvgPool3D", "PointwiseAdaptiveMaxPool2D", "PointwiseAdaptiveMaxPool3D", "PointwiseMaxPoolAntialiased2D",
    "PointwiseMaxPoolAntialiased3D", "PointwiseAvgPoolAntialiased2D", "PointwiseAvgPoolAntialiased3D",
    "init", "FieldType", "GeometricTensor", "tensor_directsum",
]

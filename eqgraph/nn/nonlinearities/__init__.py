"""Equivariant nonlinearities."""
from .concatenated import ConcatenatedNonLinearity
from .elu import ELU
from .fourier_elu import FourierELU, QuotientFourierELU
from .fourier_pointwise import FourierPointwise, band_limited_regular
from .gate import Gate
from .gated1 import GatedNonLinearity1
from .gated2 import GatedNonLinearity2
from .gated_uniform import GatedNonLinearityUniform
from .induced_gated1 import InducedGatedNonLinearity1
from .induced_norm_nonlinearity import InducedNormNonLinearity
from .leaky_relu import LeakyReLU
from .norm_nonlinearity import NormNonLinearity
from .pointwise import PointwiseNonLinearity
from .quotient_fourier_pointwise import QuotientFourierPointwise
from .relu import ReLU
from .tensor_product_nonlinearity import TensorProductNonLinearity
from .vector_field import VectorFieldNonLinearity

__all__ = ["ConcatenatedNonLinearity", "ELU", "FourierELU", "QuotientFourierELU", "LeakyReLU", "InducedGatedNonLinearity1", "InducedNormNonLinearity", "FourierPointwise", "band_limited_regular", "QuotientFourierPointwise", "Gate", "GatedNonLinearity1", "GatedNonLinearity2", "GatedNonLinearityUniform", "NormNonLinearity",
           "PointwiseNonLinearity", "ReLU", "TensorProductNonLinearity", "VectorFieldNonLinearity"]

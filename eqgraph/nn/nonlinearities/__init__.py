"""Equivariant nonlinearities."""
from .concatenated import ConcatenatedNonLinearity
from .elu import ELU
from .gate import Gate
from .gated1 import GatedNonLinearity1
from .gated2 import GatedNonLinearity2
from .norm_nonlinearity import NormNonLinearity
from .pointwise import PointwiseNonLinearity
from .relu import ReLU

__all__ = ["ConcatenatedNonLinearity", "ELU", "Gate", "GatedNonLinearity1", "GatedNonLinearity2", "NormNonLinearity",
           "PointwiseNonLinearity", "ReLU"]

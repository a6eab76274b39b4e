"""Equivariant modules."""
from ..fields import FieldType, GeometricTensor, tensor_directsum
from . import init
from .conv import (
    EdgeGeometry,
    R2Conv,
    R2ConvTransposed,
    R2PointConv,
    R3Conv,
    R3ConvTransposed,
    R3PointConv,
)
from .equivariant_module import EquivariantModule
from .identity import IdentityModule
from .sequential import SequentialModule

__all__ = [
    "EquivariantModule", "IdentityModule", "SequentialModule",
    "R2Conv", "R3Conv", "R2ConvTransposed", "R3ConvTransposed", "R2PointConv", "R3PointConv", "EdgeGeometry",
    "init", "FieldType", "GeometricTensor", "tensor_directsum",
]

"""Equivariant modules."""
from ..fields import FieldType, GeometricTensor, tensor_directsum
from .equivariant_module import EquivariantModule
from .identity import IdentityModule
from .sequential import SequentialModule

__all__ = ["EquivariantModule", "IdentityModule", "SequentialModule", "FieldType", "GeometricTensor", "tensor_directsum"]

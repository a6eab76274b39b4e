"""Field types and geometric tensors: the data types of feature spaces."""
from .field_type import FieldType
from .geometric_tensor import GeometricTensor, tensor_directsum
from .grid_transform import InterpolatedTransformWarning, grid_positions

__all__ = ["FieldType", "GeometricTensor", "tensor_directsum", "InterpolatedTransformWarning", "grid_positions"]

"""The shared machinery of channel-wise pooling over pixels and voxels."""
from __future__ import annotations

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule


class SpatialPool(EquivariantModule):
    """Base of the pointwise pools: a ``torch.nn.functional`` pooling applied to a grid tensor,
    chosen by the gspace's dimension. Subclasses set ``functions`` (2D, 3D) and ``modules``."""

    functions: tuple
    modules: tuple

    def __init__(self, in_type: FieldType, **options):
        super().__init__()
        self.in_type = self.out_type = in_type
        self.dimensionality = in_type.gspace.dimensionality
        self.options = options

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        if not input.is_grid:
            raise ValueError(f"{type(self).__name__} pools pixels or voxels: it takes a grid tensor [B, C] + "
                             f"{self.dimensionality} spatial axes, got node features {tuple(input.shape)}")
        function = self.functions[self.dimensionality - 2]
        return GeometricTensor(function(input.tensor, **self.options), self.out_type)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        import torch

        return tuple(self.forward(GeometricTensor(torch.zeros(input_shape), self.in_type)).shape)

    def export(self):
        return self.modules[self.dimensionality - 2](**self.options)

    def extra_repr(self) -> str:
        return f"{self.in_type}, " + ", ".join(f"{k}={v}" for k, v in self.options.items())

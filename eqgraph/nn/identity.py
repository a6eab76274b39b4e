from __future__ import annotations

import torch

from ..fields import FieldType, GeometricTensor
from .equivariant_module import EquivariantModule


class IdentityModule(EquivariantModule):
    r"""Returns its input unchanged: :math:`f(x) = x`.

    Args:
        in_type: the input (and output) field type.

    Shapes:
        - **input:** any layout of ``in_type``
        - **output:** the same
    """

    def __init__(self, in_type: FieldType):
        super().__init__()
        if not isinstance(in_type, FieldType):
            raise TypeError(f"IdentityModule needs a FieldType, got {type(in_type).__name__}")
        self.in_type = in_type
        self.out_type = in_type

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        return input

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def export(self) -> torch.nn.Module:
        return torch.nn.Identity()

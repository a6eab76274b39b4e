from __future__ import annotations

import torch

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule


class RestrictionModule(EquivariantModule):
    r"""The same data seen by a subgroup: :math:`y = x` typed by ``in_type.restrict(id)``.

    Args:
        in_type: the input type.
        id: a subgroup id of ``in_type.gspace`` (see ``gspace.restrict``).

    Shapes:
        - **input:** any layout of ``in_type``
        - **output:** the same tensor
    """

    def __init__(self, in_type: FieldType, id):
        super().__init__()
        self.in_type, self.id = in_type, id
        self.out_type = in_type.restrict(id)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        return GeometricTensor(input.tensor, self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def export(self) -> torch.nn.Module:
        return torch.nn.Identity()

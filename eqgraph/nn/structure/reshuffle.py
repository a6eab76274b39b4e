from __future__ import annotations

from typing import Sequence

import torch

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule


class ReshuffleModule(EquivariantModule):
    r"""Reorders the fields: output field k is input field ``permutation[k]``.

    Args:
        in_type: the input type.
        permutation: a permutation of ``range(len(in_type))``.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same size
    """

    def __init__(self, in_type: FieldType, permutation: Sequence[int]):
        super().__init__()
        permutation = [int(p) for p in permutation]
        if sorted(permutation) != list(range(len(in_type))):
            raise ValueError(f"permutation must reorder all {len(in_type)} fields, got {permutation}")
        self.in_type = in_type
        self.out_type = in_type.index_select(permutation)
        self.register_buffer("channels", torch.as_tensor(in_type.field_channels(permutation)), persistent=False)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        return GeometricTensor(input.tensor.index_select(1, self.channels), self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

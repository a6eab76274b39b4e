from __future__ import annotations

import numpy as np

from ...fields import FieldType, GeometricTensor
from ...fields.grid_transform import grid_positions
from ..constant_buffers import ConstantBuffers
from ..equivariant_module import EquivariantModule


class MaskModule(ConstantBuffers, EquivariantModule):
    r"""Multiplies a grid by a disc (ball) mask: 1 within radius
    :math:`\tfrac{S-1}{2}(1 - \text{margin}/100)` of the centre, fading smoothly (Gaussian) to
    0 outside, so that content a rotation would move off the grid is removed. Invariant under
    every rotation, so equivariant for any representation.

    Args:
        in_type: the input (and output) type.
        S: the grid's side; inputs must be ``S x S`` (``S x S x S``).
        margin: a margin, in percent of the radius.

    Shapes:
        - **input:** :math:`(B, C, S, S)` or :math:`(B, C, S, S, S)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, S: int, margin: float = 0.0):
        super().__init__()
        self.in_type = self.out_type = in_type
        d = in_type.gspace.dimensionality
        self.S = S
        radius = (S - 1) / 2 * (1 - margin / 100)
        distance = np.linalg.norm(grid_positions((S,) * d), axis=1).reshape((S,) * d)
        mask = np.where(distance <= radius, 1.0, np.exp(-((distance - radius) ** 2) / 2))
        self.register_constant("mask", mask)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        if tuple(input.shape[2:]) != tuple(self.mask.shape):
            raise ValueError(f"MaskModule expects a grid of spatial shape {tuple(self.mask.shape)}, got {tuple(input.shape)}")
        return GeometricTensor(input.tensor * self.mask, self.out_type)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

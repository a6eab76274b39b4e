from __future__ import annotations

import math

import torch

from ...fields import FieldType, GeometricTensor
from ...group import CyclicGroup
from ..equivariant_module import EquivariantModule


class VectorFieldNonLinearity(EquivariantModule):
    r"""Regular fields of :math:`C_N` to planar vectors (escnn's semantics): the rotation
    :math:`k^*` with the largest response sets the direction and that response, rectified, the
    length:

    .. math::
        k^* = \arg\max_k x_k, \qquad
        y = \max(x_{k^*}, 0)\, \big(\cos(2\pi k^*/N), \sin(2\pi k^*/N)\big),

    typed by ``irrep(1)``. Rotating the input cyclically shifts :math:`x` and so rotates
    :math:`y` by the same angle. Gradients flow through the maximum, not through :math:`k^*`.

    Args:
        in_type: regular fields of a cyclic group :math:`C_N`, :math:`N \ge 3`.

    Shapes:
        - **input:** :math:`(N_{nodes}, C N)` or :math:`(B, C N, *S)`
        - **output:** :math:`(N_{nodes}, 2 C)` or :math:`(B, 2 C, *S)`
    """

    def __init__(self, in_type: FieldType):
        super().__init__()
        name = type(self).__name__
        group = in_type.fibergroup
        if not isinstance(group, CyclicGroup) or group.order() < 3:
            raise ValueError(f"{name} needs a cyclic group of order at least 3 (its rotations give the directions), "
                             f"got {group.name}")
        regular = group.regular_representation
        for index, rep in enumerate(in_type.representations):
            if rep != regular:
                raise ValueError(f"{name} cannot act on field {index} ({rep.name}) of {in_type}: "
                                 f"it needs the regular representation of {group.name}")
        self.in_type = in_type
        self.out_type = FieldType(in_type.gspace, [group.irrep(1)] * len(in_type))
        self.rotations = group.order()

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        fields = x.view(x.shape[0], x.shape[1] // self.rotations, self.rotations, *x.shape[2:])
        response, index = fields.max(dim=2)
        length = torch.relu(response)
        angle = index.to(x.dtype) * (2 * math.pi / self.rotations)
        vectors = torch.stack([length * torch.cos(angle), length * torch.sin(angle)], dim=2)
        return GeometricTensor(vectors.reshape(x.shape[0], self.out_type.size, *x.shape[2:]), self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])

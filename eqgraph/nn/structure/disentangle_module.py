from __future__ import annotations

import numpy as np
import torch

from ...fields import FieldType, GeometricTensor
from ...group import disentangle
from ..constant_buffers import ConstantBuffers
from ..equivariant_module import EquivariantModule


class DisentangleModule(ConstantBuffers, EquivariantModule):
    r"""Splits every field into the smallest representations acting on disjoint channels
    (:func:`eqgraph.group.disentangle`): :math:`y_f = P_f^\top x_f` with the permutation
    :math:`P_f` such that :math:`\rho_f = P_f (\oplus_k \rho_{f,k}) P_f^\top`.

    Args:
        in_type: the input type.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same size, more (smaller) fields
    """

    def __init__(self, in_type: FieldType):
        super().__init__()
        self.in_type = in_type
        order, reps = [], []
        for rep, start in zip(in_type.representations, in_type.fields_start):
            permutation, parts = disentangle(rep)
            order.extend(int(start) + np.argmax(permutation, axis=0))  # column j of P holds the channel of output j
            reps.extend(parts)
        self.out_type = FieldType(in_type.gspace, reps)
        self.register_buffer("order", torch.as_tensor(np.array(order, dtype=np.int64)), persistent=False)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        return GeometricTensor(input.tensor.index_select(1, self.order), self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

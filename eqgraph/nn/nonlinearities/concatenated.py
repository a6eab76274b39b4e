from __future__ import annotations

import numpy as np
import torch

from ...fields import FieldType, GeometricTensor
from ...group import Representation, decompose
from ...group.representation import CONCATENATED, GATED, NORM, POINTWISE
from ..capabilities import is_signed_permutation, require
from ..equivariant_module import EquivariantModule

FUNCTIONS = {"c_relu": torch.relu, "c_sigmoid": torch.sigmoid, "c_tanh": torch.tanh}


class ConcatenatedNonLinearity(EquivariantModule):
    r"""Each channel and its opposite through a pointwise function, doubling every field:
    :math:`y_f = \sigma(x_f) \oplus \sigma(-x_f)`.

    Fields must act by signed permutations. A sign flip of a channel then swaps its two outputs
    between the halves, so the output field transforms by the permutation representation
    :math:`\begin{pmatrix} P^+ & P^- \\ P^- & P^+ \end{pmatrix}` (:math:`P^\pm` the positive
    and negative parts of :math:`\rho_f(g)`), which is :math:`\rho_f \oplus \rho_f` for
    permutation fields.

    Args:
        in_type: the input type.
        function: ``c_relu``, ``c_sigmoid`` or ``c_tanh``.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** :math:`2C` channels
    """

    def __init__(self, in_type: FieldType, function: str = "c_relu"):
        super().__init__()
        if function not in FUNCTIONS:
            raise ValueError(f"unknown concatenated function {function!r}; choose one of {sorted(FUNCTIONS)}")
        require(in_type, is_signed_permutation, "concatenated maps need representations acting by signed permutations",
                type(self).__name__)
        self.in_type, self.function = in_type, function
        doubled = {rep: _doubled(rep) for rep in dict.fromkeys(in_type.representations)}
        self.out_type = FieldType(in_type.gspace, [doubled[r] for r in in_type.representations])

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        f = FUNCTIONS[self.function]
        pieces = []
        for start, end in zip(self.in_type.fields_start, self.in_type.fields_end):
            field = x[:, int(start):int(end)]
            pieces += [f(field), f(-field)]
        return GeometricTensor(torch.cat(pieces, dim=1), self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])


def _doubled(rep: Representation) -> Representation:
    """The permutation representation on ``[sigma(x), sigma(-x)]`` of a signed-permutation one."""
    group = rep.group

    def matrix_of(param):
        from ...group import GroupElement

        m = rep(GroupElement(group, param))
        positive, negative = np.clip(m, 0, None), np.clip(-m, 0, None)
        return np.block([[positive, negative], [negative, positive]])

    ids, q = decompose(group, matrix_of, 2 * rep.size)
    return Representation(group, f"concatenated({rep.name})", ids, q, {POINTWISE, NORM, GATED, CONCATENATED}, q.T)

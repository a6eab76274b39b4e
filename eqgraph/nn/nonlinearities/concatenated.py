from __future__ import annotations

import torch

from ...fields import FieldType, GeometricTensor
from ...group import directsum
from ..capabilities import is_permutation, require
from ..equivariant_module import EquivariantModule

FUNCTIONS = {"c_relu": torch.relu, "c_sigmoid": torch.sigmoid, "c_tanh": torch.tanh}


class ConcatenatedNonLinearity(EquivariantModule):
    r"""Each channel and its opposite through a pointwise function, doubling every field:
    :math:`y_f = \sigma(x_f) \oplus \sigma(-x_f)`, typed by :math:`\rho_f \oplus \rho_f`.

    The two halves of each field stay adjacent. Fields must act by permutation matrices (then
    both halves transform by :math:`\rho_f`); signed permutations, which would swap channels
    between the halves, are not supported yet.

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
        require(in_type, is_permutation, "concatenated maps need representations acting by permutations",
                type(self).__name__)
        self.in_type, self.function = in_type, function
        self.out_type = FieldType(in_type.gspace, [directsum([r, r]) for r in in_type.representations])

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

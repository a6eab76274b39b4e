from __future__ import annotations

import torch

from ...fields import FieldType, GeometricTensor
from ..capabilities import is_permutation, require
from ..equivariant_module import EquivariantModule

FUNCTIONS = {
    "p_relu": (torch.relu, torch.nn.ReLU),
    "p_elu": (torch.nn.functional.elu, torch.nn.ELU),
    "p_sigmoid": (torch.sigmoid, torch.nn.Sigmoid),
    "p_tanh": (torch.tanh, torch.nn.Tanh),
    "p_softplus": (torch.nn.functional.softplus, torch.nn.Softplus),
    "p_silu": (torch.nn.functional.silu, torch.nn.SiLU),
}


class PointwiseNonLinearity(EquivariantModule):
    r"""The same scalar function on every channel, :math:`y_c = \sigma(x_c)`.

    Equivariant exactly when every field's representation acts by permutation matrices
    (trivial, regular, quotient representations); other fields are refused at construction.

    Args:
        in_type: the input (and output) type.
        function: one of ``p_relu``, ``p_elu``, ``p_sigmoid``, ``p_tanh``, ``p_softplus``, ``p_silu``.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, function: str = "p_relu"):
        super().__init__()
        if function not in FUNCTIONS:
            raise ValueError(f"unknown pointwise function {function!r}; choose one of {sorted(FUNCTIONS)}")
        require(in_type, is_permutation, "pointwise maps need representations acting by permutations "
                "(trivial, regular, quotient); use NormNonLinearity or a gate for this field", type(self).__name__)
        self.in_type = self.out_type = in_type
        self.function = function

    def activation(self, x: torch.Tensor) -> torch.Tensor:
        return FUNCTIONS[self.function][0](x)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        return GeometricTensor(self.activation(input.tensor), self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def export(self) -> torch.nn.Module:
        return FUNCTIONS[self.function][1]()

    def extra_repr(self) -> str:
        return f"{self.in_type}, function={self.function}"

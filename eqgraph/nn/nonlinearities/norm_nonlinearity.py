from __future__ import annotations

import torch

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule
from ..field_index import common_size, field_norms, field_of_channel, per_field, scale_fields

FUNCTIONS = ("n_relu", "n_sigmoid", "squash")


class NormNonLinearity(EquivariantModule):
    r"""A function of each field's norm scales the field:

    .. math::
        y_f = x_f \cdot \frac{\sigma(\lVert x_f \rVert - b_f)}{\lVert x_f \rVert}
        \;(\texttt{n\_relu}), \qquad
        y_f = x_f\, \sigma(\lVert x_f \rVert - b_f) \;(\texttt{n\_sigmoid}), \qquad
        y_f = x_f \frac{\lVert x_f \rVert}{1 + \lVert x_f \rVert^2} \;(\texttt{squash}).

    Equivariant for every field, since representations are orthogonal and norms invariant.

    Args:
        in_type: the input (and output) type.
        function: ``n_relu``, ``n_sigmoid`` or ``squash``.
        bias: learn one bias :math:`b_f` per field (not with ``squash``).

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, function: str = "n_relu", bias: bool = True):
        super().__init__()
        if function not in FUNCTIONS:
            raise ValueError(f"unknown norm function {function!r}; choose one of {FUNCTIONS}")
        if function == "squash" and bias:
            raise ValueError("the squash nonlinearity takes no bias; pass bias=False")
        self.in_type = self.out_type = in_type
        self.function = function
        self.register_buffer("field_of_channel", field_of_channel(in_type), persistent=False)
        self.field_size = common_size(in_type)
        self.bias = torch.nn.Parameter(torch.zeros(len(in_type))) if bias else None

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        norms = field_norms(x, self.field_of_channel, len(self.in_type))
        shifted = norms if self.bias is None else norms - per_field(self.bias, x.dim())
        if self.function == "n_relu":
            scale = torch.relu(shifted) / norms
        elif self.function == "n_sigmoid":
            scale = torch.sigmoid(shifted)
        else:
            scale = norms / (1 + norms * norms)
        return GeometricTensor(scale_fields(x, scale, self.field_of_channel, self.field_size), self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def extra_repr(self) -> str:
        return f"{self.in_type}, function={self.function}"

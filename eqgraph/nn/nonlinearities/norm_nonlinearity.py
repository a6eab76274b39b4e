from __future__ import annotations

import torch

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule
from ..field_index import common_size, field_norms, field_of_channel, per_field, scale_fields
from ..plain.node_function import ExportedNodeFunction

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
        out = norm_nonlinearity(input.tensor, self.field_of_channel, self.bias, len(self.in_type), self.field_size,
                                self.function)
        return GeometricTensor(out, self.out_type, input.coords)

    def export(self) -> torch.nn.Module:
        """A plain module computing this nonlinearity on tensors ``[N, C]`` or ``[B, C, *S]``."""
        return ExportedNodeFunction(norm_nonlinearity, {"field_of_channel": self.field_of_channel, "bias": self.bias},
                                    {"n_fields": len(self.in_type), "field_size": self.field_size,
                                     "function": self.function})

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def extra_repr(self) -> str:
        return f"{self.in_type}, function={self.function}"


def norm_nonlinearity(x: torch.Tensor, field_of_channel: torch.Tensor, bias: torch.Tensor | None, n_fields: int,
                      field_size: int | None, function: str) -> torch.Tensor:
    """:class:`NormNonLinearity` on plain tensors: every field scaled by ``function`` of its norm."""
    norms = field_norms(x, field_of_channel, n_fields)
    shifted = norms if bias is None else norms - per_field(bias, x.dim())
    if function == "n_relu":
        scale = torch.relu(shifted) / norms
    elif function == "n_sigmoid":
        scale = torch.sigmoid(shifted)
    else:
        scale = norms / (1 + norms * norms)
    return scale_fields(x, scale, field_of_channel, field_size)

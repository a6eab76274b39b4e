from __future__ import annotations

from typing import Sequence

import torch

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule
from ..field_index import common_size, scale_fields
from .gate_roles import gated_output, split_gate_roles, two_runs


class GatedNonLinearity1(EquivariantModule):
    r"""Gates in the same tensor as the fields they gate (escnn's semantics):

    .. math::
        y_k = \sigma(s_k + b_k)\; x_k

    for the k-th ``"gate"`` field :math:`s_k` (trivial) and the k-th ``"gated"`` field
    :math:`x_k`, in order of appearance.

    Args:
        in_type: gates and gated fields together.
        gates: ``"gate"`` or ``"gated"`` per field; default: the first half are gates.
        drop_gates: drop the gates from the output (default), or keep their activations
            :math:`\sigma(s_k + b_k)` in place (the output type then equals ``in_type``).

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the gated fields (and the gates unless dropped)
    """

    def __init__(self, in_type: FieldType, gates: Sequence[str] | None = None, drop_gates: bool = True):
        super().__init__()
        gate_fields, gated_fields = split_gate_roles(in_type, gates, type(self).__name__)
        for i in gate_fields:
            if not in_type.representations[i].is_trivial():
                raise ValueError(f"gate field {i} ({in_type.representations[i].name}) must be trivial")
        self.in_type = in_type
        self.drop_gates = drop_gates
        self.out_type = in_type.index_select(gated_fields) if drop_gates else in_type
        sizes = [in_type.representations[i].size for i in gated_fields]
        self.register_buffer("gate_channels", torch.as_tensor(in_type.field_channels(gate_fields)), persistent=False)
        self.register_buffer("gated_channels", torch.as_tensor(in_type.field_channels(gated_fields)), persistent=False)
        self.register_buffer("gate_of_channel", torch.repeat_interleave(torch.arange(len(sizes)), torch.tensor(sizes)),
                             persistent=False)
        self.bias = torch.nn.Parameter(torch.zeros(len(gate_fields)))
        self.halves = two_runs(in_type, gate_fields, gated_fields)
        self.gated_size = common_size(in_type.index_select(gated_fields))

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        shape = (1, -1) + (1,) * (x.dim() - 2)
        if self.halves is not None:  # one split: its gradient is a concatenation, not zero-filled slices
            gates_first, sizes = self.halves
            first, second = x.split(sizes, dim=1)
            gate_values, gated_values = (first, second) if gates_first else (second, first)
        else:
            gate_values, gated_values = x.index_select(1, self.gate_channels), x.index_select(1, self.gated_channels)
        gates = torch.sigmoid(gate_values + self.bias.view(shape))
        gated = scale_fields(gated_values, gates, self.gate_of_channel, self.gated_size)
        return gated_output(self, input, gated, gates)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])


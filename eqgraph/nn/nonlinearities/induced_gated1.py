from __future__ import annotations

from typing import Sequence

import torch

from ...fields import FieldType, GeometricTensor
from ...group import InducedRepresentation
from ..equivariant_module import EquivariantModule
from .gate_roles import gated_output, split_gate_roles


class InducedGatedNonLinearity1(EquivariantModule):
    r"""Gates for induced fields (escnn's semantics). The k-th gated field,
    :math:`\mathrm{Ind}_H^G \sigma`, is :math:`|G/H|` blocks that the group permutes like the
    cosets :math:`G/H`; the k-th gate field is the quotient representation on the same cosets,
    so block :math:`q` is scaled by entry :math:`q` of its gate:

    .. math::
        y_{k, q} = \mathrm{sigmoid}(s_{k, q} + b_k)\; x_{k, q},

    with one bias per gate field (shared by its cosets, as equivariance needs).

    Args:
        in_type: gates (``gspace.quotient_repr(H)``) and gated fields (``gspace.induced_repr(H, sigma)``).
        gates: ``"gate"`` or ``"gated"`` per field; default: the first half are gates.
        drop_gates: drop the gates from the output (default), or keep their activations in place.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the gated fields (and the gates unless dropped)
    """

    def __init__(self, in_type: FieldType, gates: Sequence[str] | None = None, drop_gates: bool = True):
        super().__init__()
        name = type(self).__name__
        gate_fields, gated_fields = split_gate_roles(in_type, gates, name)
        group = in_type.fibergroup
        gate_of_channel = []  # for every gated channel, the gate channel that scales it
        bias_of_gate = []  # for every gate channel, its gate field
        for k, (gate, gated) in enumerate(zip(gate_fields, gated_fields)):
            gated_rep, gate_rep = in_type.representations[gated], in_type.representations[gate]
            if not isinstance(gated_rep, InducedRepresentation):
                raise ValueError(f"{name} cannot gate field {gated} ({gated_rep.name}) of {in_type}: it needs an "
                                 "induced representation (gspace.induced_repr)")
            cosets = group.quotient_representation(gated_rep.subgroup_id)
            if gate_rep != cosets:
                raise ValueError(f"{name}: gate field {gate} ({gate_rep.name}) must be the quotient representation "
                                 f"{cosets.name} of the cosets that gated field {gated} ({gated_rep.name}) permutes")
            first_gate = sum(in_type.representations[g].size for g in gate_fields[:k])
            for q in range(cosets.size):
                gate_of_channel += [first_gate + q] * gated_rep.block_size
            bias_of_gate += [k] * cosets.size
        self.in_type = in_type
        self.drop_gates = drop_gates
        self.out_type = in_type.index_select(gated_fields) if drop_gates else in_type
        self.register_buffer("gate_channels", torch.as_tensor(in_type.field_channels(gate_fields)), persistent=False)
        self.register_buffer("gated_channels", torch.as_tensor(in_type.field_channels(gated_fields)), persistent=False)
        self.register_buffer("gate_of_channel", torch.tensor(gate_of_channel), persistent=False)
        self.register_buffer("bias_of_gate", torch.tensor(bias_of_gate), persistent=False)
        self.bias = torch.nn.Parameter(torch.zeros(len(gate_fields)))

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        shape = (1, -1) + (1,) * (x.dim() - 2)
        gates = torch.sigmoid(x.index_select(1, self.gate_channels) + self.bias[self.bias_of_gate].view(shape))
        gated = x.index_select(1, self.gated_channels) * gates.index_select(1, self.gate_of_channel)
        return gated_output(self, input, gated, gates)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])

from __future__ import annotations

from typing import Callable

import torch

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule
from ..plain.node_function import ExportedNodeFunction


class Gate(EquivariantModule):
    r"""e3nn's gate: the input is ``scalars (+) gates (+) gated``, the output
    ``act_scalars(scalars) (+) act_gates(gates) * gated``:

    .. math::
        y = \phi(s) \oplus \big(\sigma(g_k)\, x_k\big)_k .

    Scalars and gates are one-dimensional fields. A scalar field that changes sign under the
    group (e3nn's ``0o``) needs an odd ``act_scalars`` (checked); gates must be invariant.

    Args:
        scalars, gates, gated: the three parts of the input type (``scalars`` may be None).
        act_scalars: applied to the scalars (default SiLU).
        act_gates: applied to the gates (default sigmoid).

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)` with ``C = scalars + gates + gated``
        - **output:** ``scalars + gated`` channels
    """

    def __init__(self, scalars: FieldType | None, gates: FieldType, gated: FieldType,
                 act_scalars: Callable = torch.nn.functional.silu, act_gates: Callable = torch.sigmoid):
        super().__init__()
        if len(gates) != len(gated):
            raise ValueError(f"{len(gates)} gates for {len(gated)} gated fields: the counts must match")
        for i, rep in enumerate(gates.representations):
            if not rep.is_trivial():
                raise ValueError(f"gate field {i} ({rep.name}) must be invariant (trivial)")
        parts = [t for t in (scalars, gates, gated) if t is not None]
        self.in_type = parts[0]
        for t in parts[1:]:
            self.in_type = self.in_type + t
        self.out_type = gated if scalars is None else scalars + gated
        n_scalars = 0 if scalars is None else scalars.size
        if scalars is not None:
            _check_scalars(scalars, act_scalars)
        self.act_scalars, self.act_gates = act_scalars, act_gates
        self.split_sizes = [n_scalars, gates.size, gated.size]
        sizes = torch.tensor([r.size for r in gated.representations])
        self.register_buffer("gate_of_channel", torch.repeat_interleave(torch.arange(len(sizes)), sizes), persistent=False)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        out = gate(input.tensor, self.gate_of_channel, self.split_sizes, self.act_scalars, self.act_gates)
        return GeometricTensor(out, self.out_type, input.coords)

    def export(self) -> torch.nn.Module:
        """A plain module computing the gate on tensors ``[N, C]`` or ``[B, C, *S]``."""
        return ExportedNodeFunction(gate, {"gate_of_channel": self.gate_of_channel},
                                    {"split_sizes": tuple(self.split_sizes), "act_scalars": self.act_scalars,
                                     "act_gates": self.act_gates})

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])


def gate(x: torch.Tensor, gate_of_channel: torch.Tensor, split_sizes: tuple, act_scalars: Callable,
         act_gates: Callable) -> torch.Tensor:
    """:class:`Gate` on plain tensors: ``x`` split into scalars, gates and gated fields (``split_sizes``
    channels), each gated channel multiplied by its field's gate (``gate_of_channel``)."""
    scalars, gates, gated = x.split(list(split_sizes), dim=1)
    out = gated * act_gates(gates).index_select(1, gate_of_channel)
    return torch.cat([act_scalars(scalars), out], dim=1) if split_sizes[0] else out


def _check_scalars(scalars: FieldType, act: Callable) -> None:
    probe = torch.linspace(-3, 3, 13, dtype=torch.float64)
    for i, rep in enumerate(scalars.representations):
        if rep.size != 1:
            raise ValueError(f"scalar field {i} ({rep.name}) must be one-dimensional")
        if not rep.is_trivial() and not torch.allclose(act(-probe), -act(probe)):
            raise ValueError(f"scalar field {i} ({rep.name}) changes sign under the group, so act_scalars must be "
                             "odd (e.g. tanh); the given function is not")

"""Which fields of a type are gates and which are gated, as escnn's gated nonlinearities say
it, and the output those modules assemble."""
from __future__ import annotations

from typing import Sequence

import numpy as np

import torch

from ...fields import FieldType, GeometricTensor


def split_gate_roles(in_type: FieldType, gates: Sequence[str] | None, module: str) -> tuple[list[int], list[int]]:
    """``(gate_fields, gated_fields)``: the indices of the fields marked ``"gate"`` and
    ``"gated"`` (default: the first half are gates), the k-th gate going with the k-th gated."""
    n = len(in_type)
    if gates is None:
        if n % 2:
            raise ValueError(f"{module} needs as many gates as gated fields; {in_type} has {n} fields")
        gates = ["gate"] * (n // 2) + ["gated"] * (n // 2)
    gates = list(gates)
    if len(gates) != n or any(g not in ("gate", "gated") for g in gates):
        raise ValueError(f"gates must hold 'gate' or 'gated' for each of the {n} fields, got {gates}")
    gate_fields = [i for i, g in enumerate(gates) if g == "gate"]
    gated_fields = [i for i, g in enumerate(gates) if g == "gated"]
    if len(gate_fields) != len(gated_fields):
        raise ValueError(f"{len(gate_fields)} gates for {len(gated_fields)} gated fields: the counts must match")
    return gate_fields, gated_fields


def two_runs(in_type: FieldType, gate_fields: list[int], gated_fields: list[int]) -> tuple[bool, list[int]] | None:
    """``(gates_first, [size of the first run, size of the second])`` when the gates and the
    gated fields are two consecutive runs of channels; None when they interleave."""
    gate_channels, gated_channels = in_type.field_channels(gate_fields), in_type.field_channels(gated_fields)
    for gates_first, (first, second) in ((True, (gate_channels, gated_channels)), (False, (gated_channels, gate_channels))):
        if np.array_equal(np.concatenate([first, second]), np.arange(in_type.size)):
            return gates_first, [len(first), len(second)]
    return None


def gated_output(module, input: GeometricTensor, gated: torch.Tensor, gates: torch.Tensor) -> GeometricTensor:
    """The gated fields alone (``module.drop_gates``), or the input with the gated fields and the
    gates' activations written in place."""
    if module.drop_gates:
        return GeometricTensor(gated, module.out_type, input.coords)
    out = input.tensor.index_copy(1, module.gated_channels, gated).index_copy(1, module.gate_channels, gates)
    return GeometricTensor(out, module.out_type, input.coords)

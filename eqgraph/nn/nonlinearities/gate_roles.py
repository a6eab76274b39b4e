"""Which fields of a type are gates and which are gated, as escnn's gated nonlinearities say it."""
from __future__ import annotations

from typing import Sequence

from ...fields import FieldType


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


def as_slice(channels) -> slice | None:
    """The channels as a slice when they are one consecutive run (cheaper than indexing)."""
    channels = list(channels)
    if channels and channels == list(range(channels[0], channels[-1] + 1)):
        return slice(channels[0], channels[-1] + 1)
    return None

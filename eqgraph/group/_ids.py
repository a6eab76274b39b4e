"""Irrep and subgroup identifiers: ``irrep(*args)`` takes the parts of a tuple id as arguments."""
from typing import Hashable


def as_args(id: Hashable) -> tuple:
    return id if isinstance(id, tuple) else (id,)


def id_str(id: Hashable) -> str:
    return ",".join(str(i) for i in id) if isinstance(id, tuple) else str(id)

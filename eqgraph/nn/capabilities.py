"""What each representation allows a nonlinearity, pooling or normalisation to do: one place."""
from __future__ import annotations

import numpy as np

from ..group import Representation

_TOL = 1e-9


def is_permutation(rep: Representation) -> bool:
    """True when every element acts by a permutation matrix (trivial, regular and quotient
    representations): then channel-wise maps (ReLU, max-pooling, dropout) commute with it."""
    key = ("is_permutation", rep)
    cached = rep.group._cache.get(key)
    if cached is None:
        elements = rep.group.elements if rep.group.order() > 0 else rep.group.testing_elements()
        cached = all(_is_permutation_matrix(rep(g)) for g in elements)
        rep.group._cache[key] = cached
    return cached


def is_signed_permutation(rep: Representation) -> bool:
    """True when every element acts by a permutation matrix with signs (concatenated maps)."""
    key = ("is_signed_permutation", rep)
    cached = rep.group._cache.get(key)
    if cached is None:
        elements = rep.group.elements if rep.group.order() > 0 else rep.group.testing_elements()
        cached = all(_is_permutation_matrix(np.abs(rep(g))) for g in elements)
        rep.group._cache[key] = cached
    return cached


def contains_trivial(rep: Representation) -> bool:
    return rep.group.trivial_representation.irreps[0] in rep.irreps


def require(field_type, check, what: str, module: str) -> None:
    """Raise a ValueError naming the first field that fails ``check`` and why it matters."""
    for index, rep in enumerate(field_type.representations):
        if not check(rep):
            raise ValueError(f"{module} cannot act on field {index} ({rep.name}) of {field_type}: {what}")


def _is_permutation_matrix(m: np.ndarray) -> bool:
    rounded = np.round(m)
    return bool(np.allclose(m, rounded, atol=_TOL) and np.all((rounded == 0) | (rounded == 1))
                and np.all(rounded.sum(0) == 1) and np.all(rounded.sum(1) == 1))

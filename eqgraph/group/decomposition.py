"""Decomposing a representation given by its matrices into irreps, with a canonical basis."""
from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any, Callable, Hashable

import numpy as np

from ._ids import as_args
from ._linalg import homomorphism_space, module_gram_schmidt, projector_columns

if TYPE_CHECKING:
    from .group import Group

def decompose(group: "Group", matrix_of: Callable[[Any], np.ndarray], size: int) -> tuple[list[Hashable], np.ndarray]:
    """Irreps and change of basis of the representation ``param -> matrix_of(param)``.

    Returns ``(ids, Q)`` with ``rho(g) = Q [(+) psi_ids(g)] Q^T`` and Q orthogonal (rho must be
    orthogonal). Irreps come in the group's canonical order; the basis of every isotypic part is
    canonical (see :mod:`eqgraph.group._linalg`).
    """
    gens = group.generators
    rho_gens = [np.asarray(matrix_of(g.param), dtype=float) for g in gens]
    exact = _equal_to_an_irrep(group, rho_gens, size)
    if exact is not None:
        return [exact], np.eye(size)
    characters = None
    if not group.continuous:
        characters = np.array([np.trace(matrix_of(g.param)) for g in group.elements])
    ids: list[Hashable] = []
    columns: list[np.ndarray] = []
    found = 0
    for psi_id in _candidates(group, size):
        psi = group.irrep(*as_args(psi_id))
        if psi.size > size - found:
            if group.continuous:
                break  # continuous groups list their irreps by nondecreasing size
            continue
        endomorphisms = psi.endomorphism_basis()
        if characters is not None:
            psi_characters = np.array([np.trace(psi(g)) for g in group.elements])
            count = int(round(characters @ psi_characters / (group.order() * endomorphisms.shape[0])))
            if count == 0:
                continue
        basis = homomorphism_space([psi(g) for g in gens], rho_gens)
        count = basis.shape[0] // endomorphisms.shape[0]
        for b in module_gram_schmidt(projector_columns(basis, (size, psi.size)), endomorphisms, count):
            ids.append(psi.id)
            columns.append(b)
        found += count * psi.size
        if found == size:
            break
    if found != size:
        raise RuntimeError(f"decomposing a {size}-dimensional representation of {group.name} found {found} dimensions")
    return ids, snap(np.concatenate(columns, axis=1))


def _candidates(group: "Group", size: int):
    """The group's irreps in order; for a continuous group only the first ``64 + 2 size``
    (enough for frequencies up to that bound), so that every search ends."""
    candidates = group._irrep_candidates()
    return islice(candidates, 64 + 2 * size) if group.continuous else candidates


def _equal_to_an_irrep(group: "Group", rho_gens: list[np.ndarray], size: int) -> Hashable | None:
    """The id of an irrep whose matrices equal rho's on the generators (no change of basis)."""
    for psi_id in _candidates(group, size):
        psi = group.irrep(*as_args(psi_id))
        if psi.size > size:
            if group.continuous:
                return None
            continue
        if psi.size == size and all(np.allclose(psi(g), m, atol=1e-10) for g, m in zip(group.generators, rho_gens)):
            return psi.id
    return None


def snap(matrix: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """Round entries within ``tol`` of an integer (floating-point noise around 0 and +-1), so
    that an identity change of basis is recognised exactly."""
    rounded = np.round(matrix)
    close = np.abs(matrix - rounded) < tol
    matrix[close] = rounded[close] + 0.0
    return matrix

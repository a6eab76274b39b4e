"""Restricting representations to subgroups."""
from __future__ import annotations

from typing import Hashable

import numpy as np

from ._ids import as_args
from ._linalg import block_diagonal
from .decomposition import decompose
from .element import GroupElement
from .representation import Representation


def restricted_irrep(group, irrep_id: Hashable, subgroup_id) -> tuple[list, np.ndarray]:
    """``(ids, C)``: irrep ``irrep_id`` of ``group`` restricted to the subgroup is
    ``C [(+) phi_ids] C^T`` in the subgroup's irreps, C orthogonal."""
    sub, include, _ = group.subgroup(subgroup_id)
    key = ("restricted_irrep", irrep_id, group._normalize_subgroup_id(subgroup_id))
    cached = group._cache.get(key)
    if cached is None:
        psi = group.irrep(*as_args(irrep_id))

        def matrix_of(param):
            return psi(include(GroupElement(sub, param)))

        cached = decompose(sub, matrix_of, psi.size)
        group._cache[key] = cached
    return cached


def restrict_representation(rho: Representation, subgroup_id) -> Representation:
    sub = rho.group.subgroup(subgroup_id)[0]
    parts = [restricted_irrep(rho.group, i, subgroup_id) for i in rho.irreps]
    ids = [i for part_ids, _ in parts for i in part_ids]
    blocks = block_diagonal([c for _, c in parts])
    return Representation(
        sub,
        f"{rho.name}|{subgroup_id}",
        ids,
        rho.change_of_basis @ blocks,
        rho.supported_nonlinearities,
        blocks.T @ rho.change_of_basis_inv,
    )

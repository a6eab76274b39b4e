"""The angular part of the steerable-kernel constraint, solved per irrep pair and harmonic degree.

A kernel block between irreps psi_in and psi_out built from the harmonics of degree J that
transform by the G-irrep phi (one copy, ``Y~ = (Y_J C_J)[:, copy]``) has the form
``kappa(x) = sum_c T[:, :, c] Y~_c(x)``; it is steerable iff T, read as a map from phi to
psi_out (x) psi_in, is an intertwiner. Those are the Clebsch-Gordan embeddings composed with
phi's endomorphisms, so the solution is a product of two cached, canonical pieces.
"""
from __future__ import annotations

from typing import Hashable, NamedTuple

import numpy as np
import torch

from ..group import Group, Representation
from ..group._ids import as_args
from ..group.intertwiners import tensor_decomposition
from .disk_cache import disk_cached
from .harmonics import harmonic_decomposition


class AngularSolution(NamedTuple):
    """Steerable angular maps between one irrep pair from one copy of an irrep in the
    degree-J harmonics. ``maps[t]`` is ``[d_out, d_in, d_phi]``; ``columns`` selects the
    copy's components among the degree-J harmonics (after their change of basis)."""

    J: int
    copy: int
    phi: Hashable
    columns: slice
    maps: np.ndarray


def angular_solutions(group: Group, action: Representation, J: int, out_id: Hashable, in_id: Hashable) -> list[AngularSolution]:
    key = ("angular", action, J, out_id, in_id)
    cached = group._cache.get(key)
    if cached is None:
        cached = disk_cached(("angular", group, action, J, out_id, in_id), lambda: _solve(group, action, J, out_id, in_id),
                             _encode_solutions, _decode_solutions)
        group._cache[key] = cached
    return cached


def _encode_solutions(solutions: list[AngularSolution]) -> list[tuple]:
    return [(s.J, s.copy, s.phi, s.columns.start, s.columns.stop, torch.from_numpy(s.maps)) for s in solutions]


def _decode_solutions(stored: list[tuple]) -> list[AngularSolution]:
    return [AngularSolution(int(J), int(copy), _as_hashable(phi), slice(int(start), int(stop)), maps.numpy())
            for J, copy, phi, start, stop, maps in stored]


def _as_hashable(value):
    return tuple(_as_hashable(v) for v in value) if isinstance(value, (list, tuple)) else value


def _solve(group: Group, action: Representation, J: int, out_id: Hashable, in_id: Hashable) -> list[AngularSolution]:
    ids, _ = harmonic_decomposition(group, action, J)
    psi_out, psi_in = group.irrep(*as_args(out_id)), group.irrep(*as_args(in_id))
    product_ids, product_change = tensor_decomposition(group, psi_out.id, psi_in.id)
    product_offsets = np.cumsum([0] + [group._irrep_size(i) for i in product_ids])
    solutions = []
    start = 0
    for copy, phi_id in enumerate(ids):
        phi = group.irrep(*as_args(phi_id))
        columns = slice(start, start + phi.size)
        start += phi.size
        # the Clebsch-Gordan embeddings of phi into psi_out (x) psi_in: [m, d_out, d_in, d_phi]
        cg = np.array([product_change[:, product_offsets[k]:product_offsets[k + 1]].reshape(psi_out.size, psi_in.size, phi.size)
                       for k, product_id in enumerate(product_ids) if product_id == phi.id])
        if cg.shape[0] == 0:
            continue
        maps = np.einsum("moic,ecf->meoif", cg, phi.endomorphism_basis()).reshape(-1, psi_out.size, psi_in.size, phi.size)
        solutions.append(AngularSolution(J, copy, phi.id, columns, maps))
    return solutions


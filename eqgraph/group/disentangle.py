"""Splitting a representation into independent blocks of channels."""
from __future__ import annotations

import numpy as np

from .representation import GATED, NORM, Representation


def disentangle(rho: Representation, tol: float = 1e-9) -> tuple[np.ndarray, list[Representation]]:
    """Split ``rho`` into smaller representations acting on disjoint sets of channels.

    Channels and irreps are linked where the change of basis (or its inverse) couples them; each
    connected component is one smaller representation. Returns ``(P, reps)`` with ``P`` a
    permutation matrix and ``rho(g) = P @ directsum(reps)(g) @ P.T``.
    """
    group = rho.group
    sizes = [group._irrep_size(i) for i in rho.irreps]
    offsets = np.cumsum([0] + sizes)
    n, k = rho.size, len(sizes)
    parent = list(range(n + k))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for b in range(k):
        cols = slice(offsets[b], offsets[b + 1])
        coupled = (np.abs(rho.change_of_basis[:, cols]) > tol).any(axis=1) | (
            np.abs(rho.change_of_basis_inv[cols, :]) > tol
        ).any(axis=0)
        for c in np.flatnonzero(coupled):
            parent[find(int(c))] = find(n + b)

    components: dict[int, tuple[list[int], list[int]]] = {}
    for c in range(n):
        components.setdefault(find(c), ([], []))[0].append(c)
    for b in range(k):
        components.setdefault(find(n + b), ([], []))[1].append(b)

    order: list[int] = []
    reps: list[Representation] = []
    parts = sorted(components.values(), key=lambda part: part[0][0])
    supported = rho.supported_nonlinearities if len(parts) == 1 else rho.supported_nonlinearities & {NORM, GATED}
    for index, (channels, blocks) in enumerate(parts):
        cols = np.concatenate([np.arange(offsets[b], offsets[b + 1]) for b in blocks])
        q = rho.change_of_basis[np.ix_(channels, cols)]
        q_inv = rho.change_of_basis_inv[np.ix_(cols, channels)]
        name = rho.name if len(parts) == 1 else f"{rho.name}[{index}]"
        reps.append(Representation(group, name, [rho.irreps[b] for b in blocks], q, supported, q_inv))
        order.extend(channels)
    permutation = np.zeros((n, n))
    permutation[order, np.arange(n)] = 1.0
    return permutation, reps

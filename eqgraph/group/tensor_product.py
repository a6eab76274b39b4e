"""Tensor products of representations, decomposed into irreps."""
from __future__ import annotations

import numpy as np

from .intertwiners import tensor_decomposition
from .representation import POINTWISE, Representation


def _kron_apply(a: np.ndarray, b: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``(a kron b) @ m`` without forming the Kronecker product."""
    n1, n2 = a.shape[1], b.shape[1]
    t = np.tensordot(a, m.reshape(n1, n2, -1), axes=(1, 0))  # [n1', n2, k]
    t = np.tensordot(t, b, axes=(1, 1))  # [n1', k, n2']
    return t.transpose(0, 2, 1).reshape(a.shape[0] * b.shape[0], -1)


def tensor_product(rho1: Representation, rho2: Representation) -> Representation:
    r"""The tensor product :math:`\rho_1 \otimes \rho_2` (channel index ``a * size2 + b``).

    Every pair of irreps is decomposed by its Clebsch-Gordan coefficients, so the change of
    basis is ``(Q1 kron Q2) P (+)_ij C_ij`` with P the permutation grouping irrep pairs; nothing
    is solved on the whole product space.
    """
    if rho1.group is not rho2.group:
        raise ValueError(f"cannot tensor representations of different groups: {rho1.group.name} and {rho2.group.name}")
    group = rho1.group
    key = ("tensor_product", rho1, rho2)
    cached = group._cache.get(key)
    if cached is None:
        cached = _build_tensor_product(rho1, rho2)
        group._cache[key] = cached
    return cached


def _build_tensor_product(rho1: Representation, rho2: Representation) -> Representation:
    group = rho1.group
    n1, n2 = rho1.size, rho2.size
    n = n1 * n2
    offsets1 = np.cumsum([0] + [group._irrep_size(i) for i in rho1.irreps])
    offsets2 = np.cumsum([0] + [group._irrep_size(i) for i in rho2.irreps])
    mixing = np.zeros((n, n))
    ids = []
    column = 0
    for i, id1 in enumerate(rho1.irreps):
        a = np.arange(offsets1[i], offsets1[i + 1])
        for j, id2 in enumerate(rho2.irreps):
            b = np.arange(offsets2[j], offsets2[j + 1])
            pair_ids, cg = tensor_decomposition(group, id1, id2)
            rows = (a[:, None] * n2 + b[None, :]).reshape(-1)
            mixing[rows, column:column + cg.shape[1]] = cg
            column += cg.shape[1]
            ids.extend(pair_ids)
    if rho1._identity_basis and rho2._identity_basis:
        q, q_inv = mixing, mixing.T
    else:
        q = _kron_apply(rho1.change_of_basis, rho2.change_of_basis, mixing)
        q_inv = _kron_apply(rho1.change_of_basis_inv.T, rho2.change_of_basis_inv.T, mixing).T
    supported = {"norm", "gated"} | (
        {POINTWISE} if POINTWISE in rho1.supported_nonlinearities & rho2.supported_nonlinearities else set()
    )
    return Representation(group, f"({rho1.name})x({rho2.name})", ids, q, supported, q_inv)

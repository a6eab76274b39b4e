"""Intertwiners (equivariant linear maps) and Clebsch-Gordan coefficients.

Everything is solved per irrep pair and lifted through the representations' changes of basis:
Hom_G(psi_a, psi_b) is zero unless a == b, where it is the endomorphism algebra of psi_a
(dimension 1, 2 or 4 for irreps of real, complex or quaternionic type).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Hashable

import numpy as np

from ._ids import as_args
from ._linalg import homomorphism_space, module_gram_schmidt, projector_columns

if TYPE_CHECKING:
    from .group import Group
    from .representation import IrreducibleRepresentation, Representation


def irrep_endomorphism_basis(irrep: "IrreducibleRepresentation") -> np.ndarray:
    """``[e, d, d]`` basis of End_G(psi): the identity, then skew orthogonal maps.

    The skew part is built canonically (projections of E_ab - E_ba, a > b, in order, then
    Gram-Schmidt), so the complex structure of an irrep of complex type has a fixed sign.
    """
    group = irrep.group
    key = ("endomorphisms", irrep.id)
    cached = group._cache.get(key)
    if cached is not None:
        return cached
    gens = [irrep(g) for g in group.generators]
    commutant = homomorphism_space(gens, gens)  # orthonormal in Frobenius norm
    d = irrep.size
    basis = [np.eye(d)]
    flat = commutant.reshape(commutant.shape[0], -1)
    for a in range(d):
        for b in range(a):
            if len(basis) == commutant.shape[0]:
                break
            skew = np.zeros((d, d))
            skew[a, b], skew[b, a] = 1.0, -1.0
            r = ((flat @ skew.reshape(-1)) @ flat).reshape(d, d)
            for e in basis:
                r -= (np.sum(e * r) / d) * e
            norm2 = np.sum(r * r) / d
            if norm2 > 1e-6:
                basis.append(r / np.sqrt(norm2))
    result = np.array(basis)
    if result.shape[0] not in (1, 2, 4) or result.shape[0] != commutant.shape[0]:
        raise RuntimeError(f"irrep {irrep.id} of {group.name} has a commutant of dimension {commutant.shape[0]}")
    result.setflags(write=False)
    group._cache[key] = result
    return result


def homomorphism_basis(rho_in: "Representation", rho_out: "Representation") -> np.ndarray:
    """``[h, rho_out.size, rho_in.size]``: a basis of Hom_G(rho_in, rho_out).

    Ordered by output irrep block, then input irrep block, then endomorphism.
    """
    if rho_in.group is not rho_out.group:
        raise ValueError(
            f"representations of different groups have no intertwiners: {rho_in.group.name} and {rho_out.group.name}"
        )
    group = rho_in.group
    offsets_in = np.concatenate([[0], np.cumsum([group._irrep_size(i) for i in rho_in.irreps])])
    offsets_out = np.concatenate([[0], np.cumsum([group._irrep_size(i) for i in rho_out.irreps])])
    blocks = []
    for o, id_out in enumerate(rho_out.irreps):
        for i, id_in in enumerate(rho_in.irreps):
            if id_in != id_out:
                continue
            for e in group.irrep(*as_args(id_in)).endomorphism_basis():
                m = np.zeros((rho_out.size, rho_in.size))
                m[offsets_out[o]:offsets_out[o + 1], offsets_in[i]:offsets_in[i + 1]] = e
                blocks.append(rho_out.change_of_basis @ m @ rho_in.change_of_basis_inv)
    if not blocks:
        return np.zeros((0, rho_out.size, rho_in.size))
    return np.array(blocks)


def clebsch_gordan(psi1: "IrreducibleRepresentation", psi2: "IrreducibleRepresentation", psi3: "IrreducibleRepresentation") -> np.ndarray:
    """``C[m, d1, d2, d3]``: orthonormal embeddings of psi3 into psi1 (x) psi2 (m = multiplicity).

    For every ``k``, ``(psi1(g) kron psi2(g)) C_k = C_k psi3(g)`` with ``C_k = C[k].reshape(d1*d2, d3)``,
    and the columns of all ``C_k`` together are orthonormal. SO(3) and O(3) use e3nn's
    ``wigner_3j`` (scaled by sqrt(2l+1)), SO(2) and O(2) a closed form, finite groups a canonical
    numerical solve: one fixed sign convention, the same on every machine.
    """
    group = psi1.group
    if psi2.group is not group or psi3.group is not group:
        raise ValueError("Clebsch-Gordan coefficients need three irreps of the same group")
    key = ("cg", psi1.id, psi2.id, psi3.id)
    cached = group._cache.get(key)
    if cached is None:
        cached = group._clebsch_gordan(psi1.id, psi2.id, psi3.id)
        cached.setflags(write=False)
        group._cache[key] = cached
    return cached


def numerical_clebsch_gordan(group: "Group", id1: Hashable, id2: Hashable, id3: Hashable) -> np.ndarray:
    psi1, psi2, psi3 = (group.irrep(*as_args(i)) for i in (id1, id2, id3))
    gens = group.generators
    product = [np.kron(psi1(g), psi2(g)) for g in gens]
    basis = homomorphism_space([psi3(g) for g in gens], product)
    endomorphisms = psi3.endomorphism_basis()
    count = basis.shape[0] // endomorphisms.shape[0]
    shape = (psi1.size * psi2.size, psi3.size)
    copies = module_gram_schmidt(projector_columns(basis, shape), endomorphisms, count)
    return np.array(copies).reshape(count, psi1.size, psi2.size, psi3.size)


def tensor_decomposition(group: "Group", id1: Hashable, id2: Hashable) -> tuple[list, np.ndarray]:
    """``(irrep ids, C)`` with psi1 (x) psi2 = C [(+) psi_k] C^T and C orthogonal ``[d1*d2, d1*d2]``."""
    key = ("tensor", id1, id2)
    cached = group._cache.get(key)
    if cached is not None:
        return cached
    psi1, psi2 = group.irrep(*as_args(id1)), group.irrep(*as_args(id2))
    ids, columns = [], []
    for id3 in group._tensor_candidates(psi1.id, psi2.id):
        cg = clebsch_gordan(psi1, psi2, group.irrep(*as_args(id3)))
        for copy in cg:
            ids.append(group.irrep(*as_args(id3)).id)
            columns.append(copy.reshape(psi1.size * psi2.size, -1))
    change = np.concatenate(columns, axis=1)
    if change.shape[1] != psi1.size * psi2.size:
        raise RuntimeError(f"tensor product {psi1.id} x {psi2.id} of {group.name} decomposed into {change.shape[1]} dims")
    change.setflags(write=False)
    group._cache[key] = (ids, change)
    return ids, change

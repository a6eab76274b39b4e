"""Numerical linear algebra behind intertwiners and decompositions.

Everything here is deterministic: a basis is never taken straight from an SVD (whose signs
and rotations vary between LAPACK builds) but rebuilt from the orthogonal projector onto the
solution space, which is unique, by Gram-Schmidt over a fixed list of candidates. That is what
gives every Clebsch-Gordan coefficient and change of basis one reproducible sign convention.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

NULL_TOL = 1e-8
"""Singular values below this (relative to 1) span a solution space."""


def block_diagonal(blocks: Sequence[np.ndarray]) -> np.ndarray:
    """Dense block-diagonal matrix of square or rectangular blocks."""
    rows = sum(b.shape[0] for b in blocks)
    cols = sum(b.shape[1] for b in blocks)
    out = np.zeros((rows, cols))
    r = c = 0
    for b in blocks:
        out[r:r + b.shape[0], c:c + b.shape[1]] = b
        r += b.shape[0]
        c += b.shape[1]
    return out


def homomorphism_space(gens_in: Sequence[np.ndarray], gens_out: Sequence[np.ndarray]) -> np.ndarray:
    """Orthonormal (Frobenius) basis ``[h, n_out, n_in]`` of {B : out(g) B = B in(g) for all gens}.

    The basis is canonical: see :func:`canonical_subspace_basis`.
    """
    n_in, n_out = gens_in[0].shape[0], gens_out[0].shape[0]
    eye_in, eye_out = np.eye(n_in), np.eye(n_out)
    # row-major vec: vec(A B C) = (A kron C^T) vec(B)
    constraint = np.concatenate(
        [np.kron(a_out, eye_in) - np.kron(eye_out, a_in.T) for a_in, a_out in zip(gens_in, gens_out)]
    )
    _, s, vt = np.linalg.svd(constraint, full_matrices=True)
    rank = int(np.sum(s > NULL_TOL * max(1.0, s[0] if s.size else 1.0)))
    null = vt[rank:]
    if null.shape[0] == 0:
        return np.zeros((0, n_out, n_in))
    projector = null.T @ null
    basis = canonical_subspace_basis(projector)
    return basis.reshape(-1, n_out, n_in)


def canonical_subspace_basis(projector: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    """Orthonormal basis (rows) of the range of an orthogonal projector, independent of how the
    projector was computed: Gram-Schmidt over the projector's columns in index order."""
    dim = int(round(np.trace(projector)))
    basis: list[np.ndarray] = []
    for column in projector.T:
        r = column.copy()
        for _ in range(2):
            for b in basis:
                r -= (b @ r) * b
        norm = np.linalg.norm(r)
        if norm > tol:
            basis.append(r / norm)
            if len(basis) == dim:
                break
    if len(basis) != dim:
        raise RuntimeError(f"could not extract a basis of dimension {dim} from a projector")
    return np.array(basis).reshape(dim, -1)


def module_gram_schmidt(
    candidates: Iterable[np.ndarray],
    endomorphisms: np.ndarray,
    count: int,
    tol: float = 1e-4,
) -> list[np.ndarray]:
    """Pick ``count`` intertwiners ``B_k: psi -> rho`` (each ``n x d``) whose columns are jointly
    orthonormal, from candidates that all lie in Hom_G(psi, rho).

    Two candidates that differ by an endomorphism of psi (say by the complex structure J of an
    irrep of complex type) embed the same copy of psi, so each chosen copy removes its whole
    orbit ``{B_k E}`` from later candidates.

    Args:
        candidates: matrices in Hom_G(psi, rho), tried in order.
        endomorphisms: ``[e, d, d]`` orthogonal basis of End_G(psi) with ``E^T E = I``.
        count: how many copies of psi rho contains.
    """
    if count == 0:
        return []
    d = endomorphisms.shape[1]
    orbit: list[np.ndarray] = []
    copies: list[np.ndarray] = []
    for candidate in candidates:
        r = np.array(candidate, dtype=float)
        for _ in range(2):
            for w in orbit:
                r -= (np.sum(w * r) / d) * w
        scale = np.sum(r * r) / d  # r^T r = scale * I for an intertwiner out of an irrep
        if scale < tol:
            continue
        b = r / np.sqrt(scale)
        copies.append(b)
        orbit.extend(b @ e for e in endomorphisms)
        if len(copies) == count:
            return copies
    raise RuntimeError(f"found {len(copies)} of {count} copies of an irrep; the candidates do not span")


def projector_columns(basis: np.ndarray, shape: tuple[int, int]) -> Iterable[np.ndarray]:
    """Columns of the orthogonal projector onto span(basis), reshaped to ``shape``, lazily."""
    flat = basis.reshape(basis.shape[0], -1)
    for i in range(flat.shape[1]):
        yield (flat[:, i] @ flat).reshape(shape)


def is_orthogonal(matrix: np.ndarray, atol: float = 1e-9) -> bool:
    return matrix.shape[0] == matrix.shape[1] and np.allclose(matrix.T @ matrix, np.eye(matrix.shape[0]), atol=atol)

"""The rotation groups of the cube (octahedral, 24) and of the icosahedron (60).

Their irreps are derived once from SO(3)'s: each Wigner-D matrix of degree l <= 3 restricted
to the group splits into irreducible pieces, found as eigenspaces of a canonical element of
its commutant; every new character gives a new irrep. Bases are canonical (Gram-Schmidt of
the projector onto each piece), so the irreps are the same on every machine, and the
3-dimensional irrep from l = 1 is the rotation matrix itself.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._linalg import canonical_subspace_basis, homomorphism_space
from .cyclic import cyclic_group
from .finite import FiniteGroup
from .rotations import frozen, matrix_key, quaternion_to_matrix, rotation_z, wigner_d

_GOLDEN = (1 + np.sqrt(5)) / 2


def _axis_rotation(axis, angle) -> np.ndarray:
    axis = np.asarray(axis, dtype=float) / np.linalg.norm(axis)
    return quaternion_to_matrix(np.concatenate([[np.cos(angle / 2)], np.sin(angle / 2) * axis]))


def _closure(generators: list[np.ndarray]) -> list[np.ndarray]:
    """All products of the generators, in breadth-first order from the identity."""
    elements = [np.eye(3)]
    seen = {matrix_key(elements[0])}
    frontier = list(elements)
    while frontier:
        new = []
        for a in frontier:
            for g in generators:
                m = g @ a
                key = matrix_key(m)
                if key not in seen:
                    seen.add(key)
                    new.append(m)
        elements.extend(new)
        frontier = new
    return elements


def _irreducible_pieces(tables: np.ndarray, generators: list[int]) -> list[np.ndarray]:
    """Isometries ``[n, d]`` onto the irreducible pieces of a multiplicity-free representation."""
    gens = [tables[g] for g in generators]
    commutant = homomorphism_space(gens, gens)
    # a canonical element of the commutant with (generically) distinct eigenvalues per piece
    weights = np.sqrt(np.arange(2, commutant.shape[0] + 2))
    element = np.tensordot(weights, commutant, axes=1)
    values, vectors = np.linalg.eigh(element + element.T)
    pieces = []
    start = 0
    for end in range(1, len(values) + 1):
        if end == len(values) or values[end] - values[end - 1] > 1e-6:
            v = vectors[:, start:end]
            pieces.append(canonical_subspace_basis(v @ v.T).T)
            start = end
    if len(pieces) != commutant.shape[0]:
        raise RuntimeError("representation is not multiplicity-free")
    return sorted(pieces, key=lambda b: (b.shape[1], tuple(np.round(b[:, 0], 9))))


class PolyhedralGroup(FiniteGroup):
    """A finite rotation group of R^3. Elements: an index into ``matrices``. Irreps:
    ``irrep(k)`` for k in 0..4, ordered by dimension (see the concrete groups)."""

    def __init__(self, name: str, generator_matrices: list[np.ndarray], max_degree: int, factory):
        matrices = _closure(generator_matrices)
        self.matrices = [frozen(m) for m in matrices]
        self._matrix_index = {matrix_key(m): i for i, m in enumerate(matrices)}
        self._factory_function = factory
        generator_params = [self._matrix_index[matrix_key(g)] for g in generator_matrices]
        super().__init__(name, list(range(len(matrices))), generator_params)
        self._max_degree = max_degree

    def _factory(self):
        return (self._factory_function, ())

    def index_of_matrix(self, matrix: np.ndarray) -> int | None:
        return self._matrix_index.get(matrix_key(matrix))

    def _identity_param(self):
        return 0

    def _combine(self, p, q):
        return int(self.multiplication_table()[p, q])

    def multiplication_table(self) -> np.ndarray:
        table = self._cache.get("multiplication")
        if table is None:
            table = np.array([[self._matrix_index[matrix_key(a @ b)] for b in self.matrices] for a in self.matrices])
            table.setflags(write=False)
            self._cache["multiplication"] = table
        return table

    def _inverse(self, p):
        return self._matrix_index[matrix_key(self.matrices[p].T)]

    def _check_param(self, p):
        if isinstance(p, (int, np.integer)) and not isinstance(p, bool) and 0 <= p < len(self.matrices):
            return int(p)
        raise ValueError(f"an element of {self.name} is an index in 0..{len(self.matrices) - 1}, got {p!r}")

    # irreps
    def _derived_irreps(self) -> list[np.ndarray]:
        tables = self._cache.get("derived_irreps")
        if tables is None:
            tables, characters = [], []
            for l in range(self._max_degree + 1):
                d_l = np.array([wigner_d(l, m) for m in self.matrices])
                for piece in _irreducible_pieces(d_l, self._generator_params):
                    table = np.einsum("ai,gab,bj->gij", piece, d_l, piece)
                    chi = np.einsum("gii->g", table)
                    if not any(np.allclose(chi, c, atol=1e-8) for c in characters):
                        tables.append(frozen(table))
                        characters.append(chi)
            order = sorted(range(len(tables)), key=lambda i: tables[i].shape[1])
            tables = [tables[i] for i in order]
            if sum(t.shape[1] ** 2 for t in tables) != len(self.matrices):
                raise RuntimeError(f"{self.name}: derived irreps do not exhaust the group")
            self._cache["derived_irreps"] = tables
        return tables

    def _normalize_irrep_id(self, id):
        if len(id) == 1 and isinstance(id[0], (int, np.integer)) and 0 <= id[0] < 5:
            return int(id[0])
        raise ValueError(f"irreps of {self.name} are irrep(k) with k in 0..4, got irrep{id!r}")

    def _irrep_size(self, k):
        return self._derived_irreps()[k].shape[1]

    def _irrep_matrix(self, k, p):
        return self._derived_irreps()[k][p]

    def _irrep_ids(self):
        return list(range(5))

    @property
    def _trivial_irrep_id(self):
        return 0

    def _normalize_subgroup_id(self, id):
        if id == 1:
            return 1
        raise ValueError(f"{self.name} offers the trivial subgroup 1; got {id!r}")

    def _build_subgroup(self, id):

        return cyclic_group(1)

    def _include(self, id, p):
        return 0

    def _restrict(self, id, p):
        return 0 if p == 0 else None


@lru_cache(maxsize=None)
def octa_group() -> PolyhedralGroup:
    """The 24 rotations of the cube. Irreps 0..4 of dimensions 1, 1, 2, 3, 3 (A1, A2, E, T1, T2);
    ``irrep(3)`` is the rotation matrix."""
    return PolyhedralGroup("Octahedral", [rotation_z(np.pi / 2), _axis_rotation([1, 0, 0], np.pi / 2)], 3, octa_group)


@lru_cache(maxsize=None)
def ico_group() -> PolyhedralGroup:
    """The 60 rotations of the icosahedron with vertices (0, +-1, +-phi) and cyclic permutations.
    Irreps 0..4 of dimensions 1, 3, 3, 4, 5 (A, T1, T2, G, H); ``irrep(1)`` is the rotation matrix."""
    generators = [_axis_rotation([0, 1, _GOLDEN], 2 * np.pi / 5), rotation_z(np.pi)]
    return PolyhedralGroup("Icosahedral", generators, 3, ico_group)

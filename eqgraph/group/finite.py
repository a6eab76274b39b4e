"""Finite groups: element tables and the representations only finite groups have."""
from __future__ import annotations

from typing import Any, Hashable

import numpy as np

from ._linalg import module_gram_schmidt
from .decomposition import decompose
from .element import GroupElement
from .group import Group
from .representation import CONCATENATED, GATED, NORM, POINTWISE, InducedRepresentation, Representation


class FiniteGroup(Group):
    """A finite group. Subclasses give the element parameters (hashable values), generators,
    the composition law and the irreps; this class adds indexing, tables, the regular,
    quotient and induced representations."""

    continuous = False

    def __init__(self, name: str, params: list, generator_params: list):
        super().__init__(name)
        self._params = list(params)
        self._index = {p: i for i, p in enumerate(self._params)}
        if len(self._index) != len(self._params):
            raise RuntimeError(f"{name}: element parameters are not distinct")
        self._generator_params = list(generator_params)

    # ------------------------------------------------------------------ elements
    def order(self) -> int:
        return len(self._params)

    @property
    def elements(self) -> list[GroupElement]:
        return [GroupElement(self, p) for p in self._params]

    @property
    def generators(self) -> list[GroupElement]:
        return [GroupElement(self, p) for p in self._generator_params]

    def index(self, element: GroupElement) -> int:
        """Position of ``element`` in ``elements``."""
        return self._index[element.param]

    def _equal(self, p, q) -> bool:
        return p == q

    def _hash_param(self, p) -> Hashable:
        return p

    def _sample_param(self, rng):
        return self._params[int(rng.integers(len(self._params)))]

    def _testing_params(self) -> list:
        return list(self._params)

    def _check_param(self, p):
        try:
            if p in self._index:
                return p
        except TypeError:
            pass
        raise ValueError(f"{p!r} is not an element of {self.name}; elements are {self._describe_params()}")

    def _describe_params(self) -> str:
        shown = ", ".join(repr(p) for p in self._params[:6])
        return f"[{shown}{', ...' if len(self._params) > 6 else ''}]"

    def multiplication_table(self) -> np.ndarray:
        """``T[i, j]`` = index of ``elements[i] @ elements[j]``."""
        table = self._cache.get("multiplication")
        if table is None:
            table = np.array([[self._index[self._combine(p, q)] for q in self._params] for p in self._params])
            table.setflags(write=False)
            self._cache["multiplication"] = table
        return table

    def irrep_table(self, id: Hashable) -> np.ndarray:
        """``[order, d, d]``: the irrep's matrix of every element."""
        key = ("irrep_table", id)
        table = self._cache.get(key)
        if table is None:
            table = np.array([self._irrep_matrix(id, p) for p in self._params])
            table.setflags(write=False)
            self._cache[key] = table
        return table

    def _tensor_candidates(self, id1, id2) -> list:
        chi = np.einsum("gii->g", self.irrep_table(id1)) * np.einsum("gii->g", self.irrep_table(id2))
        out = []
        for psi in self.irreps():
            e = psi.endomorphism_basis().shape[0]
            if round(chi @ np.einsum("gii->g", self.irrep_table(psi.id)) / (self.order() * e)) > 0:
                out.append(psi.id)
        return out

    # ------------------------------------------------------------------ representations
    @property
    def regular_representation(self) -> Representation:
        """The permutation representation on the group itself: rho(g) e_h = e_{gh}.

        It contains every irrep psi with multiplicity dim(psi) / e(psi) (e = 1, 2, 4 for real,
        complex, quaternionic type); its change of basis is the real Fourier transform.
        """
        rep = self._cache.get("regular")
        if rep is None:
            n = self.order()
            ids, columns = [], []
            for psi in self.irreps():
                table = self.irrep_table(psi.id) * np.sqrt(psi.size / n)
                endomorphisms = psi.endomorphism_basis()
                count = psi.size // endomorphisms.shape[0]
                # column j of psi, as a function of the group element, spans one copy of psi
                candidates = (table[:, :, j] for j in range(psi.size))
                for b in module_gram_schmidt(candidates, endomorphisms, count):
                    ids.append(psi.id)
                    columns.append(b)
            q = np.concatenate(columns, axis=1)
            rep = Representation(self, "regular", ids, q, {POINTWISE, NORM, GATED, CONCATENATED}, q.T)
            self._cache["regular"] = rep
        return rep

    def _cosets(self, subgroup_id) -> tuple[list[int], list[int]]:
        """``(coset_of, representatives)``: the left coset index of every element, and one
        representative (the first element in order) per coset."""
        sub, include, _ = self.subgroup(subgroup_id)
        h_indices = [self._index[include(h).param] for h in sub.elements]
        table = self.multiplication_table()
        coset_of = [-1] * self.order()
        representatives = []
        for g in range(self.order()):
            if coset_of[g] < 0:
                for h in h_indices:
                    coset_of[table[g, h]] = len(representatives)
                representatives.append(g)
        return coset_of, representatives

    def quotient_representation(self, subgroup_id) -> Representation:
        """The permutation representation on the left cosets G/H of the subgroup ``subgroup_id``."""
        key = ("quotient", self._normalize_subgroup_id(subgroup_id))
        rep = self._cache.get(key)
        if rep is None:
            coset_of, representatives = self._cosets(subgroup_id)
            table = self.multiplication_table()
            k = len(representatives)

            def matrix_of(p):
                m = np.zeros((k, k))
                g = self._index[p]
                for c, r in enumerate(representatives):
                    m[coset_of[table[g, r]], c] = 1.0
                return m

            ids, q = decompose(self, matrix_of, k)
            rep = Representation(self, f"quotient[{key[1]}]", ids, q, {POINTWISE, NORM, GATED, CONCATENATED}, q.T)
            self._cache[key] = rep
        return rep

    def induced_representation(self, subgroup_id, representation: Representation) -> Representation:
        """Ind_H^G of a representation of the subgroup H = ``subgroup(subgroup_id)[0]``:
        block (i, j) of Ind(g) is sigma(r_i^-1 g r_j) when that lies in H, r_i the coset representatives."""
        sub, _, restrict = self.subgroup(subgroup_id)
        if not isinstance(representation, Representation) or representation.group is not sub:
            got = representation.group.name if isinstance(representation, Representation) else type(representation).__name__
            raise ValueError(f"induced_representation needs a representation of {sub.name}, got one of {got}")
        coset_of, representatives = self._cosets(subgroup_id)
        reps = [GroupElement(self, self._params[r]) for r in representatives]
        d, k = representation.size, len(representatives)

        def matrix_of(p):
            g = GroupElement(self, p)
            m = np.zeros((k * d, k * d))
            for j, rj in enumerate(reps):
                gr = g @ rj
                i = coset_of[self._index[gr.param]]
                h = restrict(~reps[i] @ gr)
                m[i * d:(i + 1) * d, j * d:(j + 1) * d] = representation(h)
            return m

        ids, q = decompose(self, matrix_of, k * d)
        supported = {NORM, GATED} | ({POINTWISE} & representation.supported_nonlinearities)
        return InducedRepresentation(self, f"induced[{subgroup_id}]({representation.name})", ids, q, supported, q.T,
                                     subgroup_id, representation)

    def _restrict_by_lookup(self, sub: "FiniteGroup", subgroup_id, p) -> Any | None:
        """Generic restriction for finite subgroups: search the inclusion's image."""
        key = ("restriction_map", subgroup_id)
        lookup = self._cache.get(key)
        if lookup is None:
            lookup = {self._include(subgroup_id, h): h for h in sub._params}
            self._cache[key] = lookup
        return lookup.get(p)


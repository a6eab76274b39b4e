"""Direct products G1 x G2 of two groups (escnn's ``direct_product`` and ``double_group``)."""
from __future__ import annotations

import heapq
from functools import lru_cache
from itertools import product

import numpy as np

from ._ids import as_args
from .continuous import ContinuousGroup
from .cyclic import CyclicGroup, cyclic_group
from .dihedral import DihedralGroup
from .element import GroupElement
from .finite import FiniteGroup
from .group import Group
from .o2 import O2Group
from .so2 import SO2Group

# escnn's names of the products of the inversion C_2 with a planar group
_FAMILY_NAMES = {SO2Group: "Cylindrical", O2Group: "FullCylindrical", CyclicGroup: "CylindricalDiscrete",
                 DihedralGroup: "FullCylindricalDiscrete"}


class _DirectProduct:
    r"""The law of :math:`G_1 \times G_2`, shared by the finite and the continuous products.

    Elements: pairs ``(p1, p2)`` of element parameters of G1 and G2, composed factor by factor.

    Irreps (escnn's ids): ``irrep(id1, id2, i)`` with ``id1`` an irrep id of G1 and ``id2`` one of
    G2, written as tuples (``(k,)`` for a one-number id), and ``i = 0`` by default. It is the tensor
    product :math:`\psi_1 \otimes \psi_2` when one factor is of real type. When both are of complex
    type (SO(2)'s and C_N's rotations) the product splits in two: ``i = 0`` is the half on which the
    complex structures agree (frequency :math:`k_1 + k_2` for rotations), ``i = 1`` the other
    (:math:`k_1 - k_2`).

    Subgroups: ``(id1, id2)`` is :math:`H_1 \times H_2` for subgroups ``id1`` of G1 and ``id2`` of
    G2 (just :math:`H_2` or :math:`H_1` when the other is trivial); for G x G, ``"diagonal"`` is
    the pairs ``(g, g)``, a copy of G.
    """

    G1: "object"
    G2: "object"

    def _setup(self, G1, G2, name):
        self.G1, self.G2 = G1, G2
        self._split_bases: dict = {}

    def _factory(self):
        return (direct_product, (self.G1, self.G2, self.name))

    # ------------------------------------------------------------------ elements
    def _identity_param(self):
        return (self.G1._identity_param(), self.G2._identity_param())

    def _combine(self, p, q):
        return (self.G1._combine(p[0], q[0]), self.G2._combine(p[1], q[1]))

    def _inverse(self, p):
        return (self.G1._inverse(p[0]), self.G2._inverse(p[1]))

    def _equal(self, p, q):
        return self.G1._equal(p[0], q[0]) and self.G2._equal(p[1], q[1])

    def _hash_param(self, p):
        return (self.G1._hash_param(p[0]), self.G2._hash_param(p[1]))

    def _sample_param(self, rng):
        return (self.G1._sample_param(rng), self.G2._sample_param(rng))

    def _testing_params(self):
        return list(product(self.G1._testing_params(), self.G2._testing_params()))

    def _check_param(self, p):
        if isinstance(p, (tuple, list)) and len(p) == 2:
            return (self.G1._check_param(p[0]), self.G2._check_param(p[1]))
        raise ValueError(f"an element of {self.name} is a pair (element of {self.G1.name}, element of {self.G2.name}), "
                         f"got {p!r}")

    def _param_repr(self, p):
        return f"({self.G1._param_repr(p[0])} | {self.G2._param_repr(p[1])})"

    def _generator_params(self):
        e1, e2 = self.G1._identity_param(), self.G2._identity_param()
        return [(g.param, e2) for g in self.G1.generators] + [(e1, g.param) for g in self.G2.generators]

    def pair_elements(self, g1: GroupElement, g2: GroupElement) -> GroupElement:
        """The element ``(g1, g2)`` (escnn's name)."""
        if g1.group is not self.G1 or g2.group is not self.G2:
            raise ValueError(f"pair_elements needs an element of {self.G1.name} and one of {self.G2.name}, "
                             f"got {g1.group.name} and {g2.group.name}")
        return GroupElement(self, (g1.param, g2.param))

    def split_element(self, g: GroupElement) -> tuple[GroupElement, GroupElement]:
        """``(g1, g2)`` with ``g = (g1, g2)`` (escnn's name)."""
        if g.group is not self:
            raise ValueError(f"expected an element of {self.name}, got one of {g.group.name}")
        return GroupElement(self.G1, g.param[0]), GroupElement(self.G2, g.param[1])

    # ------------------------------------------------------------------ irreps
    def _factors(self, id):
        """The factors' irreps of the product irrep ``id``."""
        return self.G1.irrep(*id[0]), self.G2.irrep(*id[1])

    def _splits(self, psi1, psi2) -> bool:
        e1, e2 = psi1.endomorphism_basis().shape[0], psi2.endomorphism_basis().shape[0]
        if 4 in (e1, e2):
            raise ValueError(f"irreps of quaternionic type are not supported in direct products ({self.name})")
        return e1 == e2 == 2

    def _normalize_irrep_id(self, id):
        if len(id) in (2, 3):
            i = id[2] if len(id) == 3 else 0
            try:
                psi1, psi2 = self.G1.irrep(*as_args(id[0])), self.G2.irrep(*as_args(id[1]))
            except (ValueError, TypeError):
                psi1 = None
            if psi1 is not None and isinstance(i, (int, np.integer)) and not isinstance(i, bool) \
                    and (i == 0 or (i == 1 and self._splits(psi1, psi2))):
                return (as_args(psi1.id), as_args(psi2.id), int(i))
        raise ValueError(
            f"irreps of {self.name} are irrep(id1, id2, i): id1 an irrep id of {self.G1.name}, id2 one of "
            f"{self.G2.name}, i = 0, or i in {{0, 1}} when both are of complex type; got irrep{id!r}"
        )

    def _irrep_size(self, id):
        psi1, psi2 = self._factors(id)
        return psi1.size * psi2.size // (2 if self._splits(psi1, psi2) else 1)

    def _irrep_matrix(self, id, p):
        psi1, psi2 = self._factors(id)
        m = np.kron(self.G1._irrep_matrix(psi1.id, p[0]), self.G2._irrep_matrix(psi2.id, p[1]))
        if not self._splits(psi1, psi2):
            return m
        q = self._split_basis(id)
        return q.T @ m @ q

    def _split_basis(self, id) -> np.ndarray:
        r"""``[d1 d2, d1 d2 / 2]`` orthonormal basis of half ``i`` of a product of two complex irreps:
        the eigenspace of :math:`J_1 \otimes J_2` (eigenvalue -1 for i = 0, +1 for i = 1), spanned by
        the projection of the first standard vector that survives and its image under
        :math:`J_1 \otimes 1`, so the half's complex structure is the standard one."""
        q = self._split_bases.get(id)
        if q is None:
            psi1, psi2 = self._factors(id)
            j1, j2 = psi1.endomorphism_basis()[1], psi2.endomorphism_basis()[1]
            n = psi1.size * psi2.size
            projector = (np.eye(n) + (1 if id[2] else -1) * np.kron(j1, j2)) / 2
            lift = np.kron(j1, np.eye(psi2.size))
            columns = []
            for e in np.eye(n):
                v = projector @ e
                for c in columns:
                    v -= (c @ v) * c
                if v @ v > 1e-6:
                    v /= np.linalg.norm(v)
                    w = lift @ v
                    columns += [v, w]
                if len(columns) == n // 2:
                    break
            q = np.array(columns).T
            q.setflags(write=False)
            self._split_bases[id] = q
        return q

    def _pair_ids(self, psi1, psi2) -> list:
        a, b = as_args(psi1.id), as_args(psi2.id)
        return [(a, b, i) for i in ((0, 1) if self._splits(psi1, psi2) else (0,))]

    def _irrep_ids(self):
        return [pid for k1 in self.G1._irrep_ids() for k2 in self.G2._irrep_ids()
                for pid in self._pair_ids(self.G1.irrep(*as_args(k1)), self.G2.irrep(*as_args(k2)))]

    @property
    def _trivial_irrep_id(self):
        return (as_args(self.G1._trivial_irrep_id), as_args(self.G2._trivial_irrep_id), 0)

    def _tensor_candidates(self, a, b):
        (a1, a2), (b1, b2) = self._factors(a), self._factors(b)
        out = []
        for c1 in self.G1._tensor_candidates(a1.id, b1.id):
            for c2 in self.G2._tensor_candidates(a2.id, b2.id):
                out += self._pair_ids(self.G1.irrep(*as_args(c1)), self.G2.irrep(*as_args(c2)))
        return list(dict.fromkeys(out))

    # ------------------------------------------------------------------ subgroups
    def _normalize_subgroup_id(self, id):
        if id == "diagonal" and self.G1 is self.G2:
            return id
        if isinstance(id, tuple) and len(id) == 2:
            return (self.G1._normalize_subgroup_id(id[0]), self.G2._normalize_subgroup_id(id[1]))
        raise ValueError(f"subgroups of {self.name} are pairs (subgroup id of {self.G1.name}, subgroup id of "
                         f"{self.G2.name})" + (" or 'diagonal'" if self.G1 is self.G2 else "") + f"; got {id!r}")

    def _build_subgroup(self, id):
        if id == "diagonal":
            return self.G1
        H1, H2 = self.G1.subgroup(id[0])[0], self.G2.subgroup(id[1])[0]
        if H1.order() == 1:
            return H2
        if H2.order() == 1:
            return H1
        return direct_product(H1, H2)

    def _include(self, id, p):
        if id == "diagonal":
            return (p, p)
        H1, H2 = self.G1.subgroup(id[0])[0], self.G2.subgroup(id[1])[0]
        p1, p2 = ((H1._identity_param(), p) if H1.order() == 1 else
                  (p, H2._identity_param()) if H2.order() == 1 else p)
        return (self.G1._include(id[0], p1), self.G2._include(id[1], p2))

    def _restrict(self, id, p):
        if id == "diagonal":
            return p[0] if self.G1._equal(p[0], p[1]) else None
        r1, r2 = self.G1._restrict(id[0], p[0]), self.G2._restrict(id[1], p[1])
        if r1 is None or r2 is None:
            return None
        H1, H2 = self.G1.subgroup(id[0])[0], self.G2.subgroup(id[1])[0]
        return r2 if H1.order() == 1 else r1 if H2.order() == 1 else (r1, r2)


class FiniteDirectProductGroup(_DirectProduct, FiniteGroup):
    __doc__ = _DirectProduct.__doc__

    def __init__(self, G1, G2, name: str):
        self._setup(G1, G2, name)
        FiniteGroup.__init__(self, name, list(product(G1._params, G2._params)),
                             self._generator_params())

    def _check_param(self, p):
        return FiniteGroup._check_param(self, _DirectProduct._check_param(self, p))


class ContinuousDirectProductGroup(_DirectProduct, ContinuousGroup):
    __doc__ = _DirectProduct.__doc__

    def __init__(self, G1, G2, name: str):
        self._setup(G1, G2, name)
        ContinuousGroup.__init__(self, name)

    @property
    def generators(self):
        return [GroupElement(self, p) for p in self._generator_params()]

    def _irrep_candidates(self):
        """Every irrep, by nondecreasing size: a best-first walk over pairs of the factors' irreps
        (each factor's listed by nondecreasing size)."""
        lists = [_LazyCandidates(self.G1), _LazyCandidates(self.G2)]
        heap, seen, order = [], {(0, 0)}, 0

        def push(i, j):
            nonlocal order
            psi1, psi2 = lists[0].get(i), lists[1].get(j)
            if psi1 is not None and psi2 is not None:
                size = psi1.size * psi2.size // (2 if self._splits(psi1, psi2) else 1)
                heapq.heappush(heap, (size, order, i, j))
                order += 1

        push(0, 0)
        while heap:
            _, _, i, j = heapq.heappop(heap)
            yield from self._pair_ids(lists[0].get(i), lists[1].get(j))
            for step in ((i + 1, j), (i, j + 1)):
                if step not in seen:
                    seen.add(step)
                    push(*step)


class _LazyCandidates:
    """A group's irreps in ``_irrep_candidates`` order (sorted by size for finite groups), read on demand."""

    def __init__(self, group):
        ids = group._irrep_candidates()
        if not group.continuous:
            ids = iter(sorted(ids, key=group._irrep_size))
        self.group, self.ids, self.irreps = group, ids, []

    def get(self, index):
        while len(self.irreps) <= index:
            next_id = next(self.ids, None)
            if next_id is None:
                return None
            self.irreps.append(self.group.irrep(*as_args(next_id)))
        return self.irreps[index]


def _default_name(G1, G2) -> str:
    if G1 is cyclic_group(2):
        if G2 is cyclic_group(2):
            return "Klein4"
        for kind, name in _FAMILY_NAMES.items():
            if type(G2) is kind:
                return name + (f"{G2.N}" if G2.order() > 0 else "")
    return f"{G1.name}x{G2.name}"


def direct_product(G1, G2, name: str | None = None):
    r"""The direct product :math:`G_1 \times G_2` (escnn's ``direct_product``): finite when both
    factors are. One instance per factors and name; ``name=None`` gives the default name (the
    cylinder families' names for :math:`C_2` times a planar group, ``"G1xG2"`` otherwise)."""
    if not isinstance(G1, Group) or not isinstance(G2, Group):
        raise TypeError(f"direct_product needs two eqgraph Groups, got {type(G1).__name__} and {type(G2).__name__}")
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string or None, got {type(name).__name__}")
    return _direct_product(G1, G2, name or _default_name(G1, G2))


@lru_cache(maxsize=None)
def _direct_product(G1, G2, name: str):
    if G1.continuous or G2.continuous:
        return ContinuousDirectProductGroup(G1, G2, name)
    return FiniteDirectProductGroup(G1, G2, name)


def double_group(G, name: str | None = None):
    r""":math:`G \times G` (escnn's ``double_group``), with the ``"diagonal"`` subgroup of pairs
    ``(g, g)``."""
    return direct_product(G, G, name)

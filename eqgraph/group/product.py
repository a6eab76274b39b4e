"""Groups with inversion: G x {1, -1} for a rotation group G: O(3), the full octahedral and the
full icosahedral groups."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .axial import AxialSubgroup, axial_group, axial_matrix, axial_restrict, parse_axial_id
from .continuous import ContinuousGroup, check_maximum_frequency
from .cyclic import cyclic_group, inversion_group
from .element import GroupElement
from .finite import FiniteGroup
from .intertwiners import clebsch_gordan
from .polyhedral import ico_group, octa_group
from .rotations import as_float_matrix, frozen, rotation_z
from .so3 import so3_group

_MIRROR_ROTATION = frozen(rotation_z(np.pi))  # inversion after this rotation reflects z -> -z


class _WithInversion:
    r"""Shared law of G x {identity, inversion} with G a rotation group.

    Elements: ``(i, r)`` with ``i`` in {0, 1} and ``r`` an element parameter of G: the map
    :math:`(-1)^i r` of R^3. Irreps: ``irrep(j, k)`` is the irrep k of G times the sign
    :math:`(-1)^{ij}`; in e3nn's notation ``irrep(0, l)`` of O(3) is ``"le"`` and ``irrep(1, l)``
    is ``"lo"``.
    """

    base: "object"

    def _identity_param(self):
        return (0, self.base._identity_param())

    def _combine(self, p, q):
        return ((p[0] + q[0]) % 2, self.base._combine(p[1], q[1]))

    def _inverse(self, p):
        return (p[0], self.base._inverse(p[1]))

    def _equal(self, p, q):
        return p[0] == q[0] and self.base._equal(p[1], q[1])

    def _hash_param(self, p):
        return (p[0], self.base._hash_param(p[1]))

    def _sample_param(self, rng):
        return (int(rng.integers(2)), self.base._sample_param(rng))

    def _param_repr(self, p):
        return f"({p[0]}, {self.base._param_repr(p[1])})"

    def _product_generator_params(self):
        return [(0, g.param) for g in self.base.generators] + [(1, self.base._identity_param())]

    # irreps
    def _normalize_irrep_id(self, id):
        if len(id) == 2 and id[0] in (0, 1):
            try:
                return (int(id[0]), self.base._normalize_irrep_id((id[1],)))
            except ValueError:
                pass
        raise ValueError(
            f"irreps of {self.name} are irrep(j, k): j in {{0, 1}} the inversion sign, k an irrep of {self.base.name}; "
            f"got irrep{id!r}"
        )

    def _irrep_size(self, id):
        return self.base._irrep_size(id[1])

    def _irrep_matrix(self, id, p):
        m = self.base._irrep_matrix(id[1], p[1])
        return -m if id[0] and p[0] else m

    def _irrep_ids(self):
        return [(j, k) for k in self.base._irrep_ids() for j in (0, 1)]

    def _irrep_candidates(self):
        for k in self.base._irrep_candidates():
            yield (0, k)
            yield (1, k)

    @property
    def _trivial_irrep_id(self):
        return (0, self.base._trivial_irrep_id)

    def _tensor_candidates(self, a, b):
        return [((a[0] + b[0]) % 2, k) for k in self.base._tensor_candidates(a[1], b[1])]

    def _clebsch_gordan(self, a, b, c):
        if (a[0] + b[0]) % 2 != c[0]:
            sizes = (self._irrep_size(a), self._irrep_size(b), self._irrep_size(c))
            return np.zeros((0, *sizes))

        base = self.base
        return np.array(clebsch_gordan(base.irrep(a[1]), base.irrep(b[1]), base.irrep(c[1])))

    # subgroups: the rotations and the inversion; O(3) adds more below
    def _normalize_subgroup_id(self, id):
        if id in self._subgroup_names():
            return id
        raise ValueError(f"subgroups of {self.name} are {sorted(self._subgroup_names())}; got {id!r}")

    def _subgroup_names(self) -> set:
        return {"rotations", "inv"}

    def _build_subgroup(self, id):
        return self.base if id == "rotations" else inversion_group()

    def _include(self, id, p):
        if id == "rotations":
            return (0, p)
        return (p, self.base._identity_param())

    def _restrict(self, id, p):
        if id == "rotations":
            return p[1] if p[0] == 0 else None
        return p[0] if self.base._equal(p[1], self.base._identity_param()) else None


class O3Group(_WithInversion, ContinuousGroup):
    r"""The orthogonal group O(3) = SO(3) x {identity, inversion}.

    Elements: ``(i, R)``, the map :math:`(-1)^i R` with R a rotation matrix; ``element`` also
    takes any orthogonal ``3 x 3`` matrix. Irreps: ``irrep(j, l)`` (see below), equal to
    e3nn's ``Irrep(l, (-1)^j).D_from_matrix``.

    Subgroups: ``"so3"`` (alias ``"rotations"``), ``"inv"`` the inversion, ``"fullocta"``,
    ``"fullico"``, ``"octa"``, ``"ico"``, ``"mir"`` the reflection z -> -z, and escnn's subgroups
    keeping an axis: ``(False, False, N)`` rotations about z, ``(False, 2 a, N)`` with rotations by
    pi about a horizontal line at angle a, ``('cone', 2 a, N)`` with mirrors, ``(True, False, N)``
    the cylinder and ``(True, 2 a, N)`` the full cylinder groups (N = -1 continuous; an optional
    fourth entry conjugates by an element; see :mod:`eqgraph.group.axial`).
    """

    __doc__ += _WithInversion.__doc__

    def __init__(self, maximum_frequency: int):
        ContinuousGroup.__init__(self, "O(3)")
        self.base = so3_group(maximum_frequency)
        self.maximum_frequency = maximum_frequency

    def _factory(self):
        return (o3_group, (self.maximum_frequency,))

    def _testing_params(self):
        params = self.base._testing_params()
        return [(i % 2, p) for i, p in enumerate(params)] + [(1, self.base._identity_param())]

    def _check_param(self, p):
        if isinstance(p, tuple) and len(p) == 2 and p[0] in (0, 1):
            return (int(p[0]), self.base._check_param(p[1]))
        m = as_float_matrix(p) if not isinstance(p, tuple) else None
        if m is not None and m.shape == (3, 3) and np.allclose(m.T @ m, np.eye(3), atol=1e-6):
            inverted = np.linalg.det(m) < 0
            return (int(inverted), self.base._check_param(-m if inverted else m))
        raise ValueError(f"an element of O(3) is a pair (inversion in {{0, 1}}, rotation matrix) or an orthogonal 3 x 3 matrix, got {p!r}")

    @property
    def generators(self):

        return [GroupElement(self, p) for p in self._product_generator_params()]

    def _subgroup_names(self):
        return {"rotations", "so3", "inv", "fullocta", "fullico", "octa", "ico", "mir"}

    def _normalize_subgroup_id(self, id):
        axial = parse_axial_id(id)
        if axial is not None:
            return axial
        if id == "so3":
            return "rotations"
        try:
            return super()._normalize_subgroup_id(id)
        except (ValueError, TypeError):
            raise ValueError(f"subgroups of O(3) are {sorted(self._subgroup_names())} or escnn's axial ids "
                             f"(False, False, N), (False, 2a, N), ('cone', 2a, N), (True, False, N), (True, 2a, N); "
                             f"got {id!r}") from None

    def _build_subgroup(self, id):
        if isinstance(id, AxialSubgroup):
            return axial_group(id, self.maximum_frequency)
        if id in ("octa", "ico"):
            return self.base.subgroup(id)[0]
        if id == "fullocta":
            return full_octa_group()
        if id == "fullico":
            return full_ico_group()
        if id == "mir":
            return cyclic_group(2)
        return super()._build_subgroup(id)

    def _include(self, id, p):
        if isinstance(id, AxialSubgroup):
            return self._check_param(axial_matrix(id, p))
        if id in ("octa", "ico"):
            return (0, self.base._include(id, p))
        if id in ("fullocta", "fullico"):
            return (p[0], self.base._include(id[4:], p[1]))
        if id == "mir":
            return (p, _MIRROR_ROTATION if p else self.base._identity_param())
        return super()._include(id, p)

    def _restrict(self, id, p):
        if isinstance(id, AxialSubgroup):
            return axial_restrict(id, (-1) ** p[0] * p[1])
        if id in ("octa", "ico"):
            return self.base._restrict(id, p[1]) if p[0] == 0 else None
        if id in ("fullocta", "fullico"):
            r = self.base._restrict(id[4:], p[1])
            return None if r is None else (p[0], r)
        if id == "mir":
            expected = _MIRROR_ROTATION if p[0] else self.base._identity_param()
            return p[0] if self.base._equal(p[1], expected) else None
        return super()._restrict(id, p)


class FullPolyhedralGroup(_WithInversion, FiniteGroup):
    """A finite rotation group with the inversion added (48 or 120 elements)."""

    def __init__(self, name: str, base, rotations_id: str, factory):
        self.base = base
        self.rotations_id = rotations_id
        self._factory_function = factory
        params = [(i, p) for i in (0, 1) for p in base._params]
        FiniteGroup.__init__(self, name, params, self._product_generator_params())

    def _factory(self):
        return (self._factory_function, ())

    def _check_param(self, p):
        if isinstance(p, (tuple, list)) and len(p) == 2:
            return FiniteGroup._check_param(self, (p[0], p[1]))
        raise ValueError(f"an element of {self.name} is a pair (inversion in {{0, 1}}, rotation index), got {p!r}")

    def _subgroup_names(self):
        return {"rotations", "inv", self.rotations_id}

    def _normalize_subgroup_id(self, id):
        return "rotations" if id == self.rotations_id else super()._normalize_subgroup_id(id)


@lru_cache(maxsize=None)
def o3_group(maximum_frequency: int = 2) -> O3Group:
    """O(3); ``maximum_frequency`` bounds the degrees l listed by ``irreps()``."""
    return O3Group(check_maximum_frequency(maximum_frequency, "o3_group"))


@lru_cache(maxsize=None)
def full_octa_group() -> FullPolyhedralGroup:
    """The 48 symmetries of the cube: ``octa_group()`` with the inversion. Subgroups ``"octa"``, ``"inv"``."""
    return FullPolyhedralGroup("FullOctahedral", octa_group(), "octa", full_octa_group)


@lru_cache(maxsize=None)
def full_ico_group() -> FullPolyhedralGroup:
    """The 120 symmetries of the icosahedron: ``ico_group()`` with the inversion. Subgroups ``"ico"``, ``"inv"``."""
    return FullPolyhedralGroup("FullIcosahedral", ico_group(), "ico", full_ico_group)

"""The rotation group SO(3), with e3nn's real Wigner-D matrices and Clebsch-Gordan coefficients."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .axial import PROPER_KINDS, AxialSubgroup, axial_group, axial_matrix, axial_restrict, parse_axial_id
from .continuous import ContinuousGroup, check_maximum_frequency
from .cyclic import cyclic_group
from .dihedral import dihedral_group
from .o2 import o2_group
from .polyhedral import ico_group, octa_group
from .rotations import (
    MATRIX_TOL,
    ROTATION_X_PI,
    as_float_matrix,
    e3nn_float64,
    frozen,
    quaternion_to_matrix,
    rotation_z,
    wigner_d,
)
from .so2 import so2_group

class SO3Group(ContinuousGroup):
    r"""The group SO(3) of rotations of R^3.

    Elements: a ``3 x 3`` rotation matrix (read-only float64 array).

    Irreps: ``irrep(l)`` for ``l >= 0``, of dimension ``2l + 1``, in e3nn's real basis (the
    matrices of ``e3nn.o3.Irrep(l, 1).D_from_matrix``; ``irrep(1)`` is the rotation matrix
    itself). Clebsch-Gordan coefficients are e3nn's ``wigner_3j`` times :math:`\sqrt{2l+1}`.

    Subgroups (rotations about the z axis; reflections of O(2) and D_N are rotations by
    :math:`\pi` about the x axis): ``(False, -1)`` SO(2), ``(True, -1)`` O(2), ``(False, N)``
    :math:`C_N`, ``(True, N)`` :math:`D_N`, ``"octa"`` the octahedral and ``"ico"`` the
    icosahedral rotation group; escnn's ``(False, False, N)`` and ``(False, 2 a, N)`` (flips about
    the horizontal line at angle a), with an optional conjugating fourth entry (see
    :mod:`eqgraph.group.axial`).
    """

    def __init__(self, maximum_frequency: int):
        super().__init__("SO(3)")
        self.maximum_frequency = maximum_frequency

    def _factory(self):
        return (so3_group, (self.maximum_frequency,))

    # elements
    def _identity_param(self):
        return frozen(np.eye(3))

    def _combine(self, p, q):
        return frozen(p @ q)

    def _inverse(self, p):
        return frozen(p.T)

    def _equal(self, p, q):
        return bool(np.allclose(p, q, atol=1e-9))

    def _sample_param(self, rng):
        return frozen(quaternion_to_matrix(rng.normal(size=4)))

    def _testing_params(self):
        rng = np.random.default_rng(20261122)
        return [frozen(rotation_z(np.pi / 2))] + [self._sample_param(rng) for _ in range(9)]

    def _check_param(self, p):
        m = as_float_matrix(p)
        if m is not None and m.shape == (3, 3) and np.allclose(m.T @ m, np.eye(3), atol=MATRIX_TOL) \
                and np.linalg.det(m) > 0:
            return frozen(m)
        raise ValueError(f"an element of SO(3) is a 3 x 3 rotation matrix (orthogonal, det +1), got {p!r}")

    def _param_repr(self, p):
        return np.array2string(p, precision=3, suppress_small=True).replace("\n", "")

    @property
    def generators(self):
        rng = np.random.default_rng(7)
        return [self.element(quaternion_to_matrix(rng.normal(size=4))) for _ in range(2)]

    # irreps
    def _normalize_irrep_id(self, id):
        if len(id) == 1 and isinstance(id[0], (int, np.integer)) and not isinstance(id[0], bool) and id[0] >= 0:
            return int(id[0])
        raise ValueError(f"irreps of SO(3) are irrep(l) with an integer l >= 0, got irrep{id!r}")

    def _irrep_size(self, l):
        return 2 * l + 1

    def _irrep_matrix(self, l, p):
        return wigner_d(l, p)

    def _irrep_ids(self):
        return list(range(self.maximum_frequency + 1))

    def _irrep_candidates(self):
        l = 0
        while True:
            yield l
            l += 1

    @property
    def _trivial_irrep_id(self):
        return 0

    # tensor products
    def _tensor_candidates(self, l1, l2):
        return list(range(abs(l1 - l2), l1 + l2 + 1))

    def _clebsch_gordan(self, l1, l2, l3):
        if not abs(l1 - l2) <= l3 <= l1 + l2:
            return np.zeros((0, 2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1))
        import torch
        from e3nn import o3

        with e3nn_float64():
            c = o3.wigner_3j(l1, l2, l3, dtype=torch.float64).numpy() * np.sqrt(2 * l3 + 1)
        return c[None]

    # subgroups
    def _normalize_subgroup_id(self, id):
        axial = parse_axial_id(id, PROPER_KINDS)
        if axial is not None:
            return axial
        if id in ("octa", "ico"):
            return id
        if isinstance(id, tuple) and len(id) == 2 and isinstance(id[0], (bool, np.bool_)) \
                and isinstance(id[1], (int, np.integer)) and (id[1] >= 1 or id[1] == -1):
            return (bool(id[0]), int(id[1]))
        raise ValueError(
            "subgroups of SO(3) are (False, -1) SO(2), (True, -1) O(2), (False, N) C_N, (True, N) D_N about the z axis, "
            f"'octa', 'ico', and escnn's axial ids (False, False, N) and (False, 2a, N); got {id!r}"
        )

    def _build_subgroup(self, id):
        if isinstance(id, AxialSubgroup):
            return axial_group(id, self.maximum_frequency)
        if id == "octa":
            return octa_group()
        if id == "ico":
            return ico_group()
        flips, N = id
        if N == -1:
            return o2_group(self.maximum_frequency) if flips else so2_group(self.maximum_frequency)
        return dihedral_group(N) if flips else cyclic_group(N)

    def _planar(self, id, p) -> tuple[int, float]:
        """(flip, angle) of an element of the planar subgroup ``id``."""
        flips, N = id
        if N == -1:
            return p if flips else (0, p)
        if flips:
            return (p[0], 2 * np.pi * p[1] / N)
        return (0, 2 * np.pi * p / N)

    def _include(self, id, p):
        if isinstance(id, AxialSubgroup):
            return frozen(axial_matrix(id, p))
        if id in ("octa", "ico"):
            return self.subgroup(id)[0].matrices[p]
        f, theta = self._planar(id, p)
        return frozen(rotation_z(theta) @ (ROTATION_X_PI if f else np.eye(3)))

    def _restrict(self, id, p):
        if isinstance(id, AxialSubgroup):
            return axial_restrict(id, p)
        if id in ("octa", "ico"):
            return self.subgroup(id)[0].index_of_matrix(p)
        f = 1 if p[2, 2] < 0 else 0
        planar = p @ (ROTATION_X_PI if f else np.eye(3))
        if not np.isclose(planar[2, 2], 1.0, atol=1e-9):
            return None
        theta = float(np.mod(np.arctan2(planar[1, 0], planar[0, 0]), 2 * np.pi))
        flips, N = id
        if f and not flips:
            return None
        if N == -1:
            return (f, theta) if flips else theta
        j = int(round(theta * N / (2 * np.pi))) % N
        candidate = (f, j) if flips else j
        return candidate if self._equal(self._include(id, candidate), p) else None


@lru_cache(maxsize=None)
def so3_group(maximum_frequency: int = 2) -> SO3Group:
    """SO(3); ``maximum_frequency`` bounds the irreps listed by ``irreps()``."""
    return SO3Group(check_maximum_frequency(maximum_frequency, "so3_group"))

"""The rotation group SO(2)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .continuous import TWO_PI, ContinuousGroup, check_maximum_frequency, same_angle, wrap_angle
from .cyclic import cyclic_group
from .planar import complex_product_cg, planar_rotation

class SO2Group(ContinuousGroup):
    r"""The group SO(2) of planar rotations.

    Elements: an angle :math:`\theta` in :math:`[0, 2\pi)`.

    Irreps: ``irrep(k)`` for integers ``k >= 0``: ``k = 0`` trivial, ``k >= 1`` the rotation by
    :math:`k\theta` (2-dimensional, complex type). ``irreps()`` lists those up to
    ``maximum_frequency``; any frequency can be asked for.

    Subgroups: ``subgroup(M)`` is :math:`C_M` (element ``j`` maps to :math:`2\pi j/M`);
    ``subgroup(-1)`` is SO(2) itself.
    """

    def __init__(self, maximum_frequency: int):
        super().__init__("SO(2)")
        self.maximum_frequency = maximum_frequency

    def _factory(self):
        return (so2_group, (self.maximum_frequency,))

    # elements
    def _identity_param(self):
        return 0.0

    def _combine(self, p, q):
        return wrap_angle(p + q)

    def _inverse(self, p):
        return wrap_angle(-p)

    def _equal(self, p, q):
        return same_angle(p, q)

    def _sample_param(self, rng):
        return float(rng.uniform(0, TWO_PI))

    def _testing_params(self):
        return [wrap_angle(0.3 + TWO_PI * k / 7) for k in range(7)] + [np.pi / 2]

    def _check_param(self, p):
        if isinstance(p, (int, float, np.integer, np.floating)) and np.isfinite(p):
            return wrap_angle(float(p))
        raise ValueError(f"an element of SO(2) is a finite angle in radians, got {p!r}")

    @property
    def generators(self):
        return [self.element(1.0), self.element(np.sqrt(2.0))]

    # irreps
    def _normalize_irrep_id(self, id):
        if len(id) == 1 and isinstance(id[0], (int, np.integer)) and not isinstance(id[0], bool) and id[0] >= 0:
            return int(id[0])
        raise ValueError(f"irreps of SO(2) are irrep(k) with an integer frequency k >= 0, got irrep{id!r}")

    def _irrep_size(self, k):
        return 1 if k == 0 else 2

    def _irrep_matrix(self, k, p):
        return np.ones((1, 1)) if k == 0 else planar_rotation(k * p)

    def _irrep_ids(self):
        return list(range(self.maximum_frequency + 1))

    def _irrep_candidates(self):
        k = 0
        while True:
            yield k
            k += 1

    @property
    def _trivial_irrep_id(self):
        return 0

    # tensor products
    def _tensor_candidates(self, a, b):
        if a == 0 or b == 0:
            return [a + b]
        return [abs(a - b), a + b]

    def _clebsch_gordan(self, a, b, c):
        if a == 0 or b == 0:
            d = 1 if a + b == 0 else 2
            return (np.eye(d).reshape(1, self._irrep_size(a), self._irrep_size(b), d) if c == a + b
                    else np.zeros((0, self._irrep_size(a), self._irrep_size(b), self._irrep_size(c))))
        for frequency, cg in complex_product_cg(a, b):
            if frequency == c:
                return cg.transpose(2, 0, 1)[:, :, :, None] if c == 0 else cg[None]
        return np.zeros((0, 2, 2, self._irrep_size(c)))

    # subgroups
    def _normalize_subgroup_id(self, id):
        if isinstance(id, (int, np.integer)) and not isinstance(id, bool) and (id >= 1 or id == -1):
            return int(id)
        raise ValueError(f"subgroups of SO(2) are subgroup(M) for the rotations C_M, M >= 1, and subgroup(-1) for "
                         f"SO(2) itself; got {id!r}")

    def _build_subgroup(self, M):
        return self if M == -1 else cyclic_group(M)

    def _include(self, M, p):
        return p if M == -1 else wrap_angle(TWO_PI * p / M)

    def _restrict(self, M, p):
        if M == -1:
            return p
        j = int(round(p * M / TWO_PI)) % M
        return j if same_angle(p, TWO_PI * j / M) else None


@lru_cache(maxsize=None)
def so2_group(maximum_frequency: int = 6) -> SO2Group:
    """SO(2); ``maximum_frequency`` bounds the irreps listed by ``irreps()``."""
    return SO2Group(check_maximum_frequency(maximum_frequency, "so2_group"))

"""Cyclic groups C_N and the two-element inversion group."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .finite import FiniteGroup

_FLIP = np.diag([1.0, -1.0])


def _rotation(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


class CyclicGroup(FiniteGroup):
    r"""The cyclic group :math:`C_N` of rotations by multiples of :math:`2\pi/N`.

    Elements: an integer ``k`` in ``0..N-1``, the rotation by :math:`2\pi k/N`.

    Irreps: ``irrep(k)`` for ``0 <= k <= N // 2``. ``k = 0`` is trivial; ``0 < k < N/2`` is
    the 2-dimensional rotation by :math:`2\pi k \cdot g / N` (complex type); for even ``N``,
    ``k = N/2`` is the 1-dimensional sign :math:`(-1)^g`.

    Subgroups: ``subgroup(M)`` for ``M`` dividing ``N`` is :math:`C_M` (element ``j`` maps to
    ``j * N / M``).
    """

    def __init__(self, N: int, name: str | None = None):
        self.N = N
        super().__init__(name or f"C{N}", list(range(N)), [1 % N])

    def _factory(self):
        return (cyclic_group, (self.N,))

    def _identity_param(self):
        return 0

    def _combine(self, p, q):
        return (p + q) % self.N

    def _inverse(self, p):
        return (-p) % self.N

    def _check_param(self, p):
        if isinstance(p, (int, np.integer)) and not isinstance(p, bool):
            return super()._check_param(int(p) % self.N)
        raise ValueError(f"an element of {self.name} is an integer rotation index, got {p!r}")

    def _normalize_irrep_id(self, id):
        if len(id) == 1 and isinstance(id[0], (int, np.integer)) and 0 <= id[0] <= self.N // 2:
            return int(id[0])
        raise ValueError(f"irreps of {self.name} are irrep(k) with 0 <= k <= {self.N // 2}, got irrep{id!r}")

    def _irrep_size(self, k):
        return 1 if k == 0 or 2 * k == self.N else 2

    def _irrep_matrix(self, k, p):
        if k == 0:
            return np.ones((1, 1))
        if 2 * k == self.N:
            return np.array([[(-1.0) ** p]])
        return _rotation(2 * np.pi * k * p / self.N)

    def _irrep_ids(self):
        return list(range(self.N // 2 + 1))

    @property
    def _trivial_irrep_id(self):
        return 0

    # tensor products: SO(2)'s closed form, frequencies folded into 0..N/2
    def _products(self, a, b) -> list[tuple[int, np.ndarray]]:
        """``[(irrep id, C[d_a, d_b, d_out])]``: the decomposition of irrep(a) (x) irrep(b)."""
        N = self.N
        da, db = self._irrep_size(a), self._irrep_size(b)
        if da == 1 and db == 1:
            return [((a + b) % N, np.ones((1, 1, 1)))]
        if da == 1 or db == 1:
            one, two = (a, b) if da == 1 else (b, a)
            # the sign (-1)^g times a rotation of frequency k is frequency N/2 - k in the flipped basis
            out, c = (two, np.eye(2)) if one == 0 else (N // 2 - two, _FLIP)
            return [(out, c.reshape(da, db, 2))]
        from .so2 import complex_product_cg

        products = []
        for f, c in complex_product_cg(a, b):
            if f == 0 or 2 * f == N:  # rotation by 0 or pi: two one-dimensional irreps
                products += [(f, c[:, :, :1]), (f, c[:, :, 1:])]
            elif 2 * f < N:
                products.append((f, c))
            else:
                products.append((N - f, c * np.array([1.0, -1.0])))
        return products

    def _tensor_candidates(self, a, b):
        return list(dict.fromkeys(k for k, _ in self._products(a, b)))

    def _clebsch_gordan(self, a, b, c):
        copies = [m for k, m in self._products(a, b) if k == c]
        if not copies:
            return np.zeros((0, self._irrep_size(a), self._irrep_size(b), self._irrep_size(c)))
        return np.array(copies)

    def _normalize_subgroup_id(self, id):
        if isinstance(id, (int, np.integer)) and not isinstance(id, bool) and id > 0 and self.N % id == 0:
            return int(id)
        raise ValueError(f"subgroups of {self.name} are subgroup(M) with M dividing {self.N}, got {id!r}")

    def _build_subgroup(self, M):
        return cyclic_group(M)

    def _include(self, M, p):
        return p * (self.N // M)

    def _restrict(self, M, p):
        step = self.N // M
        return p // step if p % step == 0 else None


class InversionGroup(CyclicGroup):
    """The group {identity, inversion}; element ``1`` acts on R^3 as x -> -x in ``invOnR3``.
    Irreps: ``irrep(0)`` trivial and ``irrep(1)`` the sign."""

    def __init__(self):
        super().__init__(2, "Inversion")

    def _factory(self):
        return (inversion_group, ())


@lru_cache(maxsize=None)
def cyclic_group(N: int) -> CyclicGroup:
    """The cyclic group C_N (N >= 1)."""
    if not isinstance(N, (int, np.integer)) or isinstance(N, bool) or N < 1:
        raise ValueError(f"cyclic_group needs an integer N >= 1, got {N!r}")
    return CyclicGroup(int(N))


@lru_cache(maxsize=None)
def inversion_group() -> InversionGroup:
    """The two-element group generated by the inversion x -> -x."""
    return InversionGroup()

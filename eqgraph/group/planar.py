"""Rotations of the plane and the Clebsch-Gordan maps of their 2-dimensional irreps: what the planar
groups (C_N, D_N, SO(2), O(2)) share."""
from __future__ import annotations

import numpy as np


def planar_rotation(angle: float) -> np.ndarray:
    """The 2x2 rotation by ``angle``."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


_S = 1 / np.sqrt(2)


def complex_product_cg(a: int, b: int) -> list[tuple[int, np.ndarray]]:
    r"""Clebsch-Gordan maps of two 2-dimensional rotation irreps of frequencies ``a, b >= 1``.

    With the irreps acting on :math:`z = x_0 + i x_1` by :math:`e^{ik\theta}`, the products
    :math:`z_1 z_2` (frequency a + b) and :math:`z_1 \bar z_2` or :math:`\bar z_1 z_2`
    (frequency |a - b|) give the output components (real part, imaginary part), each scaled by
    :math:`1/\sqrt 2`. Returns ``[(frequency, C[2, 2, d3])]`` for the difference then the sum;
    for ``a == b`` the difference is two invariant components, returned as one ``C[2, 2, 2]``.
    """
    total = np.zeros((2, 2, 2))
    total[0, 0, 0], total[1, 1, 0] = _S, -_S
    total[0, 1, 1], total[1, 0, 1] = _S, _S
    difference = np.zeros((2, 2, 2))
    difference[0, 0, 0], difference[1, 1, 0] = _S, _S
    sign = 1.0 if a >= b else -1.0  # imaginary part of z1 conj(z2), or of conj(z1) z2
    difference[1, 0, 1], difference[0, 1, 1] = sign * _S, -sign * _S
    return [(abs(a - b), difference), (a + b, total)]

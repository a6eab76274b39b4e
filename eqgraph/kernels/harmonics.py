"""Angular harmonics on the circle and the sphere, and how a group acting on R^d sees them.

Circular harmonics (d = 2): ``Y_0 = 1`` and, for J >= 1, ``sqrt(2) (Re z^J, Im z^J)`` with
``z = x + i y``; they carry O(2)'s ``irrep(1, J)``. Spherical harmonics (d = 3): e3nn's real
basis with ``normalization="component"``; degree l carries O(3)'s ``irrep(l % 2, l)``. Both
are normalised so that the squares of one degree sum to its dimension on unit vectors.

They are evaluated as homogeneous polynomials of ``x / max(|x|, eps)``: exact harmonics of the
direction for ``|x| >= eps``, zero at the origin for J >= 1, and finite with finite gradients
everywhere (the kernels' value at the origin keeps only the invariant J = 0 part).
"""
from __future__ import annotations

import numpy as np
import torch

from ..group import Group, Representation, decompose, o2_group, o3_group

ORIGIN_EPS = 1e-9
"""Below this distance from the origin (relative to 1), directions fade to zero smoothly."""

_FLIP = np.diag([1.0, -1.0])


def safe_norm(points: torch.Tensor) -> torch.Tensor:
    """|x| with a zero (not NaN) gradient at the origin."""
    return torch.sqrt(torch.clamp((points * points).sum(-1), min=ORIGIN_EPS ** 2))


def harmonic_size(d: int, J: int) -> int:
    return 1 if (d == 2 and J == 0) else (2 if d == 2 else 2 * J + 1)


def harmonics(points: torch.Tensor, max_degree: int) -> list[torch.Tensor]:
    """``[Y_0, ..., Y_max]`` at ``points [P, d]``, each ``[P, harmonic_size(d, J)]``."""
    d = points.shape[-1]
    directions = points / safe_norm(points).unsqueeze(-1)
    if d == 2:
        return _circular(directions, max_degree)
    return _spherical(directions, max_degree)


def _circular(v: torch.Tensor, max_degree: int) -> list[torch.Tensor]:
    out = [torch.ones_like(v[:, :1])]
    re, im = v[:, 0], v[:, 1]
    power_re, power_im = torch.ones_like(re), torch.zeros_like(re)
    for _ in range(max_degree):
        power_re, power_im = power_re * re - power_im * im, power_re * im + power_im * re
        out.append(np.sqrt(2.0) * torch.stack([power_re, power_im], dim=-1))
    return out


def _spherical(v: torch.Tensor, max_degree: int) -> list[torch.Tensor]:
    from e3nn import o3

    values = o3.spherical_harmonics(list(range(max_degree + 1)), v, normalize=False, normalization="component")
    return list(torch.split(values, [2 * l + 1 for l in range(max_degree + 1)], dim=-1))


def orthogonal_group_irrep(d: int, J: int) -> Representation:
    """The O(d) irrep carried by the harmonics of degree J."""
    if d == 2:
        return o2_group(1).irrep(0, 0) if J == 0 else o2_group(1).irrep(1, J)
    return o3_group(1).irrep(J % 2, J)


def orthogonal_group_element(matrix: np.ndarray):
    """The O(2) or O(3) element of an orthogonal matrix."""
    if matrix.shape == (2, 2):
        f = int(np.linalg.det(matrix) < 0)
        rotation = matrix @ _FLIP if f else matrix
        return o2_group(1).element((f, float(np.arctan2(rotation[1, 0], rotation[0, 0]))))
    return o3_group(1).element(matrix)


def harmonic_decomposition(group: Group, action: Representation, J: int) -> tuple[list, np.ndarray]:
    """``(ids, C)``: the degree-J harmonics restricted to G (acting on R^d through ``action``)
    are ``C [(+) psi_ids] C^T``; the columns of ``Y_J @ C`` transform by G's irreps."""
    key = ("harmonic_decomposition", action, J)
    cached = group._cache.get(key)
    if cached is None:
        irrep = orthogonal_group_irrep(action.size, J)

        def matrix_of(param):
            from ..group import GroupElement

            return irrep(orthogonal_group_element(action(GroupElement(group, param))))

        cached = decompose(group, matrix_of, irrep.size)
        group._cache[key] = cached
    return cached

r"""Brute-force checks that a steerable kernel basis is complete, for finite groups.

On a finite point set X closed under the group, the kernels :math:`K: X \to \mathbb{R}^{c_{out}
\times c_{in}}` with :math:`K(g x) = \rho_{out}(g) K(x) \rho_{in}(g)^{-1}` form a space whose
dimension is the trace of the Reynolds projection,
:math:`\frac{1}{|G|} \sum_g |\{x : g x = x\}| \chi_{out}(g) \chi_{in}(g)`. A complete basis,
sampled on X, lies in that space and spans it.
"""
from __future__ import annotations

import numpy as np
import torch

ROUND = 6  # decimals identifying a point after the group moved it


def orbit_points(gspace, seeds) -> np.ndarray:
    """``[P, d]``: the union of the orbits of ``seeds`` under the (finite) fiber group."""
    points: dict = {}
    for seed in np.atleast_2d(np.asarray(seeds, dtype=np.float64)):
        for g in gspace.fibergroup.elements:
            p = gspace.action_matrix(g) @ seed
            points.setdefault(tuple(np.round(p, ROUND) + 0.0), p)
    return np.array(list(points.values()))


def reynolds_projection(gspace, in_repr, out_repr, points: np.ndarray, kernels: np.ndarray) -> np.ndarray:
    """The projection of kernels ``[n, P, c_out, c_in]`` on ``points`` onto the steerable ones:
    the mean over g of :math:`\\rho_{out}(g) K(g^{-1} x) \\rho_{in}(g)^{-1}` (the points must be
    closed under the group)."""
    group = gspace.fibergroup
    index = {tuple(np.round(p, ROUND) + 0.0): i for i, p in enumerate(points)}
    projected = np.zeros_like(kernels)
    for g in group.elements:
        moved = [index.get(tuple(np.round(gspace.action_matrix(g) @ p, ROUND) + 0.0)) for p in points]
        if None in moved:
            raise ValueError(f"the points are not closed under {group.name}")
        projected[:, moved] += out_repr(g) @ kernels @ in_repr(g).T
    return projected / group.order()


def brute_force_dimension(gspace, in_repr, out_repr, points: np.ndarray) -> int:
    """The dimension of the steerable kernels on ``points`` (the trace of the Reynolds projection)."""
    group = gspace.fibergroup
    total = 0.0
    for g in group.elements:
        fixed = sum(np.allclose(gspace.action_matrix(g) @ p, p, atol=10.0 ** -ROUND) for p in points)
        total += fixed * out_repr.character(g) * in_repr.character(g)
    return int(round(total / group.order()))


def assert_kernel_basis_complete(gspace, in_repr, out_repr, points: np.ndarray, maximum_frequency: int,
                                 generator=None) -> int:
    """Build the basis on rings at the points' radii (band limit ``maximum_frequency`` on every
    ring) and check it lies in the steerable kernels on ``points`` and spans them: the rank of a
    random sketch, which cannot exceed the true rank, equals :func:`brute_force_dimension`.
    Returns that dimension."""
    points = np.asarray(points, dtype=np.float64)
    radii = sorted({round(float(np.linalg.norm(p)), 9) for p in points})
    basis = gspace.build_kernel_basis(in_repr, out_repr, rings=radii, sigma=0.2, frequencies_cutoff=lambda r: 100,
                                      maximum_frequency=maximum_frequency)
    ours = basis.sample(torch.tensor(points)).permute(1, 0, 2, 3).numpy()
    projected = reynolds_projection(gspace, in_repr, out_repr, points, ours)
    assert np.allclose(projected, ours, atol=1e-9), "the basis has elements that are not steerable on the points"
    dim = brute_force_dimension(gspace, in_repr, out_repr, points)
    rng = np.random.default_rng(generator)
    sketch = ours.reshape(len(basis), -1) @ rng.normal(size=(ours[0].size, dim + 8))
    singular = np.linalg.svd(sketch, compute_uv=False)
    rank = int((singular > 1e-8 * singular[0]).sum()) if singular.size else 0
    assert rank == dim, f"the basis spans {rank} of the {dim} dimensions of steerable kernels on the points"
    return dim

"""Sampled Gaussians and their gradients on voxel grids and at points (for ScaleSpaceChirality)."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def gaussian_taps(sigma: float) -> tuple[torch.Tensor, torch.Tensor]:
    r"""A 1D Gaussian of standard deviation ``sigma`` voxels sampled at the integers
    :math:`|t| \le \lceil 4\sigma \rceil`, normalised to sum 1, and its derivative
    :math:`-t/\sigma^2\, g(t)` with the same normalisation (float64)."""
    reach = math.ceil(4 * sigma)
    t = torch.arange(-reach, reach + 1, dtype=torch.float64)
    g = torch.exp(-t.square() / (2 * sigma ** 2))
    g = g / g.sum()
    return g, -t / sigma ** 2 * g


def separable_filter(volumes: torch.Tensor, taps: tuple[torch.Tensor, torch.Tensor, torch.Tensor]) -> torch.Tensor:
    r"""``volumes [N, C, D, H, W]`` convolved with the product of three 1D kernels (one per
    axis, odd lengths, centred), zero outside the grid, same size:
    :math:`(k * v)(x) = \sum_t k_0(t_0) k_1(t_1) k_2(t_2)\, v(x - t)`."""
    out = volumes
    for axis, kernel in enumerate(taps):
        out = filter_along(out, kernel, axis)
    return out


def gaussian_gradient(volumes: torch.Tensor, g: torch.Tensor, dg: torch.Tensor) -> torch.Tensor:
    r"""``[N, C, 3, D, H, W]``: the volumes' gradient at one width, component :math:`j` the
    :func:`separable_filter` with ``dg`` along axis :math:`j` and ``g`` along the others, in eight
    1D passes (the Gaussian along axis 0 is shared by components 1 and 2)."""
    along_0 = filter_along(volumes, g, 0)
    components = (filter_along(filter_along(filter_along(volumes, dg, 0), g, 1), g, 2),
                  filter_along(filter_along(along_0, dg, 1), g, 2),
                  filter_along(filter_along(along_0, g, 1), dg, 2))
    return torch.stack(components, 2)


def filter_along(volumes: torch.Tensor, kernel: torch.Tensor, axis: int) -> torch.Tensor:
    """``volumes [N, C, D, H, W]`` convolved along spatial ``axis`` with the odd, centred 1D
    ``kernel``, zero outside the grid, same size."""
    n, c = volumes.shape[:2]
    shape = [1, 1, 1, 1, 1]
    shape[2 + axis] = len(kernel)
    padding = [0, 0, 0]
    padding[axis] = len(kernel) // 2
    out = F.conv3d(volumes.reshape(n * c, 1, *volumes.shape[2:]), kernel.flip(0).view(shape).to(volumes.dtype),
                   padding=tuple(padding))  # flip: a convolution
    return out.reshape(volumes.shape)


def pairwise_gaussian(offsets: torch.Tensor, sigma: float) -> torch.Tensor:
    r"""What :func:`separable_filter` weighs a voxel ``offsets [..., 3]`` away by for the Gaussian:
    the same normalised product of 1D Gaussians, evaluated at any offset, zero past
    :math:`\lceil 4\sigma \rceil` along an axis. Its derivative along axis :math:`j` is this times
    :math:`-t_j / \sigma^2`."""
    reach = math.ceil(4 * sigma)
    peak = float(gaussian_taps(sigma)[0].max())  # the normalised Gaussian at 0: 1 / its unnormalised sum
    values = torch.exp(-offsets.square() / (2 * sigma ** 2)) * peak * (offsets.abs() <= reach + 1e-9)
    return values.prod(-1)

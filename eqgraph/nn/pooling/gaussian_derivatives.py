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
    n, c = volumes.shape[:2]
    out = volumes.reshape(n * c, 1, *volumes.shape[2:])
    for axis, kernel in enumerate(taps):
        shape = [1, 1, 1, 1, 1]
        shape[2 + axis] = len(kernel)
        padding = [0, 0, 0]
        padding[axis] = len(kernel) // 2
        out = F.conv3d(out, kernel.flip(0).view(shape).to(out.dtype), padding=tuple(padding))  # flip: a convolution
    return out.reshape(n, c, *volumes.shape[2:])


def pairwise_gaussian(offsets: torch.Tensor, sigma: float) -> torch.Tensor:
    r"""What :func:`separable_filter` weighs a voxel ``offsets [..., 3]`` away by for the Gaussian:
    the same normalised product of 1D Gaussians, evaluated at any offset, zero past
    :math:`\lceil 4\sigma \rceil` along an axis. Its derivative along axis :math:`j` is this times
    :math:`-t_j / \sigma^2`."""
    reach = math.ceil(4 * sigma)
    peak = float(gaussian_taps(sigma)[0].max())  # the normalised Gaussian at 0: 1 / its unnormalised sum
    values = torch.exp(-offsets.square() / (2 * sigma ** 2)) * peak * (offsets.abs() <= reach + 1e-9)
    return values.prod(-1)

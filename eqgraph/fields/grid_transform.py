"""Moving feature fields on grids and point sets under a linear map of space."""
from __future__ import annotations

import warnings

import numpy as np
import torch
import torch.nn.functional as F

EXACT_TOL = 1e-6


class InterpolatedTransformWarning(UserWarning):
    """A transformation that is not a symmetry of the grid was applied by interpolation."""


def grid_positions(shape: tuple[int, ...]) -> np.ndarray:
    """``[prod(shape), d]`` centred coordinates of the grid points: spatial axis k is
    coordinate k, the centre of the grid is the origin, spacing 1."""
    axes = [np.arange(n) - (n - 1) / 2 for n in shape]
    return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, len(shape))


def transform_grid(tensor: torch.Tensor, action: np.ndarray) -> torch.Tensor:
    """``out(x) = tensor(action^-1 x)`` on the spatial axes (2, 3, ...) of ``tensor``.

    Exact (a permutation of grid points) when the action maps the grid onto itself, as 90
    degree rotations and flips of a square grid do; otherwise interpolated (bilinear or
    trilinear, zeros outside) with an :class:`InterpolatedTransformWarning`.
    """
    shape = tuple(tensor.shape[2:])
    centre = (np.array(shape) - 1) / 2
    source = grid_positions(shape) @ np.linalg.inv(action).T + centre
    rounded = np.round(source)
    inside = np.all((rounded >= 0) & (rounded <= np.array(shape) - 1), axis=1)
    if np.all(np.abs(source - rounded) < EXACT_TOL) and inside.all():
        flat = np.ravel_multi_index(rounded.astype(np.int64).T, shape)
        index = torch.as_tensor(flat, device=tensor.device)
        return tensor.reshape(*tensor.shape[:2], index.numel())[:, :, index].reshape(tensor.shape)
    warnings.warn(
        "this element does not map the grid onto itself (only 90 degree rotations and flips of a square "
        "or cubic grid do); the transformed tensor is interpolated, so equivariance holds only approximately",
        InterpolatedTransformWarning,
        stacklevel=3,
    )
    scale = np.where(np.array(shape) > 1, np.array(shape) - 1, 1) / 2
    normalized = (source - centre) / scale  # align_corners=True: -1 and 1 are the outer grid points
    grid = torch.as_tensor(normalized[:, ::-1].copy(), dtype=tensor.dtype, device=tensor.device)
    grid = grid.reshape(1, *shape, len(shape)).expand(tensor.shape[0], *shape, len(shape))
    return F.grid_sample(tensor, grid, mode="bilinear", padding_mode="zeros", align_corners=True)


def transform_fibers(tensor: torch.Tensor, matrix: np.ndarray) -> torch.Tensor:
    """Multiply every feature vector (channel axis 1) by ``matrix``."""
    m = torch.as_tensor(matrix, dtype=tensor.dtype, device=tensor.device)
    return torch.einsum("ij,bj...->bi...", m, tensor)

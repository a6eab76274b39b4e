"""Pixel and voxel grids as graphs, and back."""
from __future__ import annotations

import itertools
import math
from typing import NamedTuple, Sequence

import torch

from ..fields import GeometricTensor
from ..fields.grid_transform import grid_positions


class GridGraph(NamedTuple):
    """A grid tensor as a graph: node features with coords, ``edge_index [2, E]`` (source,
    target) and ``batch [N]`` (which grid of the batch each node came from)."""

    x: GeometricTensor
    edge_index: torch.Tensor
    batch: torch.Tensor


def grid_to_graph(x: GeometricTensor, kernel_size: int, dilation: int = 1) -> GridGraph:
    r"""Every pixel (voxel) of every grid of the batch becomes a node at its centred grid
    coordinates (spatial axis k is coordinate k, as in :mod:`eqgraph.fields`), with an edge
    :math:`j \to i` for every stencil offset :math:`x_j - x_i` of a ``kernel_size`` stencil
    (self-loops included) that stays inside the grid. A point convolution on this graph
    computes what the grid convolution with zero padding ``(kernel_size - 1) // 2 * dilation``
    computes: missing neighbours are the zero padding.

    Shapes:
        - **x:** :math:`(B, C, S_1, \dots, S_d)`
        - **output:** nodes :math:`(B \prod S_k, C)`, coords :math:`(B \prod S_k, d)`,
          edge_index :math:`(2, E)`, batch :math:`(B \prod S_k,)`
    """
    if not isinstance(x, GeometricTensor) or not x.is_grid:
        got = tuple(x.shape) if isinstance(x, GeometricTensor) else type(x).__name__
        raise ValueError(f"grid_to_graph takes a grid GeometricTensor [B, C, *spatial], got {got}")
    if not isinstance(kernel_size, int) or kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError(f"grid_to_graph needs an odd kernel_size >= 1 (a centred stencil), got {kernel_size!r}")
    if not isinstance(dilation, int) or isinstance(dilation, bool) or dilation < 1:
        raise ValueError(f"grid_to_graph needs an integer dilation >= 1, got {dilation!r}")
    B, C = x.shape[:2]
    spatial = tuple(x.shape[2:])
    if B == 0 or min(spatial) == 0:
        raise ValueError(f"grid_to_graph needs a non-empty grid, got shape {tuple(x.shape)}")
    n = math.prod(spatial)
    device = x.tensor.device
    nodes = x.tensor.reshape(B, C, n).transpose(1, 2).reshape(B * n, C)
    coords = torch.tensor(grid_positions(spatial), dtype=x.tensor.dtype, device=device).repeat(B, 1)
    index = torch.arange(B * n, device=device).view(B, *spatial)
    half = (kernel_size - 1) // 2
    sources, targets = [], []
    for offset in itertools.product(range(-half, half + 1), repeat=len(spatial)):
        shift = [o * dilation for o in offset]
        target_slices = [slice(max(0, -s), size - max(0, s)) for s, size in zip(shift, spatial)]
        source_slices = [slice(max(0, s), size - max(0, -s)) for s, size in zip(shift, spatial)]
        if any(t.start >= t.stop for t in target_slices):
            continue
        targets.append(index[(slice(None), *target_slices)].reshape(-1))
        sources.append(index[(slice(None), *source_slices)].reshape(-1))
    edge_index = torch.stack([torch.cat(sources), torch.cat(targets)])
    batch = torch.arange(B, device=device).repeat_interleave(n)
    return GridGraph(GeometricTensor(nodes, x.type, coords), edge_index, batch)


def graph_to_grid(x: GeometricTensor, spatial_shape: Sequence[int]) -> GeometricTensor:
    """The inverse of :func:`grid_to_graph`: node features ``[B * prod(spatial_shape), C]`` in
    grid order back to ``[B, C, *spatial_shape]``."""
    spatial = tuple(int(s) for s in spatial_shape)
    if not isinstance(x, GeometricTensor) or x.is_grid:
        raise ValueError("graph_to_grid takes node features [N, C] (a GeometricTensor from a grid graph)")
    if len(spatial) != x.type.gspace.dimensionality:
        raise ValueError(f"spatial_shape must have {x.type.gspace.dimensionality} sizes, got {spatial}")
    n = math.prod(spatial)
    N, C = x.shape
    if n == 0 or N % n:
        raise ValueError(f"{N} nodes do not form whole grids of shape {spatial} ({n} nodes each)")
    return GeometricTensor(x.tensor.reshape(N // n, n, C).transpose(1, 2).reshape(N // n, C, *spatial), x.type)


"""Points at grid coordinates: stencil neighbourhoods and pooling into coarser grid cells."""
from __future__ import annotations

import math
from typing import NamedTuple, Sequence

import torch
from torch_geometric.utils import scatter

from ..fields import GeometricTensor
from ..fields.grid_transform import grid_positions
from .radius import radius_graph


def box_graph(pos: torch.Tensor, half_width: int, batch: torch.Tensor | None = None) -> torch.Tensor:
    r"""``edge_index [2, E]`` linking every point to the points of the same graph whose offset
    rounds to a position of its ``(2 h + 1)``-wide stencil, :math:`\|x_j - x_i\|_\infty < h + 1/2`
    (self-loops included): on the points of a grid (spacing 1) exactly the edges of
    :func:`grid_to_graph`; on jittered or subsampled pixels the neighbours a grid convolution's
    stencil would cover, with no neighbour lost to a small displacement.

    Shapes:
        - **pos:** :math:`(N, d)`, **batch:** :math:`(N,)`
        - **output:** :math:`(2, E)`, sources first, sorted by target
    """
    if pos.dim() != 2:
        raise ValueError(f"box_graph needs positions [N, d], got shape {tuple(pos.shape)}")
    if not isinstance(half_width, int) or half_width < 0:
        raise ValueError(f"half_width must be an integer >= 0, got {half_width!r}")
    reach = half_width + 0.5  # offsets that round to a stencil position: integers up to h on a grid
    edge_index = radius_graph(pos, reach * math.sqrt(pos.shape[1]), batch, loop=True)
    inside = (pos[edge_index[0]] - pos[edge_index[1]]).abs().amax(1) < reach
    return edge_index[:, inside]


class GridStencil(NamedTuple):
    """Box-stencil edges of points at grid coordinates and, per node, the number of stencil
    positions inside the grid over the number of neighbours present (1 on a full grid): the
    factor that makes a sum over the neighbours present estimate the sum over the full stencil."""

    edge_index: torch.Tensor
    node_scale: torch.Tensor


def grid_stencil(pos: torch.Tensor, batch: torch.Tensor, grid_shape: Sequence[int], half_width: int) -> GridStencil:
    r""":func:`box_graph` of points at the centred coordinates of a ``grid_shape`` grid and the
    scale :math:`|S_i \cap \text{grid}| / |\mathcal{N}(i)|` of every node: a convolution whose
    sums are multiplied by it is the grid convolution with zero padding on a full grid, and stays
    on the same scale where pixels are missing (as a partial convolution does).

    Shapes:
        - **pos:** :math:`(N, d)`, **batch:** :math:`(N,)`
        - **output:** edge_index :math:`(2, E)`, node_scale :math:`(N,)`
    """
    shape = torch.tensor([int(s) for s in grid_shape], device=pos.device)
    if len(shape) != pos.shape[1]:
        raise ValueError(f"grid_shape {tuple(grid_shape)} has {len(shape)} axes but the points have {pos.shape[1]}")
    edge_index = box_graph(pos, half_width, batch)
    index = torch.round(pos + (shape - 1) / 2).long().clamp(min=0)
    index = torch.minimum(index, shape - 1)
    inside = (torch.minimum(index + half_width, shape - 1) - torch.clamp(index - half_width, min=0) + 1).prod(1)
    present = torch.bincount(edge_index[1], minlength=len(pos))
    return GridStencil(edge_index, inside.to(pos.dtype) / present.clamp(min=1).to(pos.dtype))


class PooledCells(NamedTuple):
    """Node features of the occupied cells of the coarse grid, their ``batch`` and the coarse
    grid's shape."""

    x: GeometricTensor
    batch: torch.Tensor
    grid_shape: tuple[int, ...]


def pool_grid_cells(x: GeometricTensor, batch: torch.Tensor, grid_shape: Sequence[int], factor: int = 2) -> PooledCells:
    r"""Average pooling of points into the ``factor``-wide cells of their grid: the points of
    every cell are averaged into one node at the cell's centre, in the coarse grid's
    coordinates (spacing 1 again, centred as :func:`eqgraph.fields.grid_transform.grid_positions`).
    Points are at the centred coordinates of a ``grid_shape`` grid (jittered points go to the
    cell they fall in). On a full grid this is ``avg_pool(factor)``, and the nodes come out in
    :func:`graph_to_grid` order.

    Shapes:
        - **x:** nodes :math:`(N, C)` with coords :math:`(N, d)`; **batch:** :math:`(N,)`
        - **output:** :math:`(M, C)` at the occupied cells, :math:`M \le N`
    """
    shape = tuple(int(s) for s in grid_shape)
    if x.is_grid or x.coords is None:
        raise ValueError("pool_grid_cells needs node features [N, C] with coords")
    if len(shape) != x.coords.shape[1]:
        raise ValueError(f"grid_shape {shape} has {len(shape)} axes but the points have {x.coords.shape[1]} coordinates")
    if any(s % factor for s in shape):
        raise ValueError(f"grid_shape {shape} is not divisible by the pooling factor {factor}")
    coarse = tuple(s // factor for s in shape)
    sizes = torch.tensor(shape, dtype=x.coords.dtype, device=x.coords.device)
    upper = torch.tensor(coarse, device=x.coords.device) - 1
    cells = torch.div(x.coords + sizes / 2, factor, rounding_mode="floor").long().clamp(min=0)
    cells = torch.minimum(cells, upper)
    strides = [math.prod(coarse[k + 1:]) for k in range(len(coarse))]
    key = batch * math.prod(coarse) + (cells * torch.tensor(strides, device=cells.device)).sum(1)
    occupied, inverse = torch.unique(key, sorted=True, return_inverse=True)
    features = scatter(x.tensor, inverse, dim=0, dim_size=len(occupied), reduce="mean")
    centres = torch.as_tensor(grid_positions(coarse), dtype=x.coords.dtype, device=x.coords.device)
    coords = centres[occupied % math.prod(coarse)]
    return PooledCells(GeometricTensor(features, x.type, coords), occupied // math.prod(coarse), coarse)

"""Down-sampling point clouds: farthest-point and voxel-grid centres, and the bipartite radius
graph from the points to the centres."""
from __future__ import annotations

import torch
from torch_geometric.utils import scatter

from .checks import check_batch, check_points
from .radius import radius_graph


def farthest_point_sampling(pos: torch.Tensor, batch: torch.Tensor | None, samples: int) -> torch.Tensor:
    r"""Indices of ``samples`` points of every cloud of the batch, chosen greedily: first the
    point farthest from the cloud's centroid, then always the point farthest from those chosen.
    Rotating or translating a cloud rotates or translates the choice (up to ties).

    Shapes:
        - **pos:** :math:`(N, d)`, **batch:** :math:`(N,)` sorted (None: one cloud)
        - **output:** :math:`(B \cdot \text{samples},)`, cloud after cloud
    """
    check_points("farthest_point_sampling", pos)
    if batch is None:
        batch = torch.zeros(pos.shape[0], dtype=torch.long, device=pos.device)
    check_batch("farthest_point_sampling", batch, pos.shape[0], ordered=True)
    if not isinstance(samples, int) or samples < 1:
        raise ValueError(f"farthest_point_sampling needs a positive number of samples per cloud, got {samples!r}")
    counts = torch.bincount(batch)
    if len(counts) and int(counts.min()) < samples:
        cloud = int(counts.argmin())
        raise ValueError(f"farthest_point_sampling asks for {samples} points per cloud, but cloud {cloud} has "
                         f"{int(counts[cloud])}")
    chosen = []
    for start, n in zip((torch.cumsum(counts, 0) - counts).tolist(), counts.tolist()):
        points = pos[start:start + n]
        distance = (points - points.mean(0)).norm(dim=1)
        picks = []
        for _ in range(samples):
            pick = int(distance.argmax())
            picks.append(pick)
            distance = torch.minimum(distance, (points - points[pick]).norm(dim=1))
            distance[pick] = -1.0
        chosen.append(torch.tensor(picks, device=pos.device) + start)
    return torch.cat(chosen) if chosen else torch.zeros(0, dtype=torch.long, device=pos.device)


def voxel_grid_centres(pos: torch.Tensor, batch: torch.Tensor, size: float) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The mean position of the points in every occupied cube of side ``size`` (an axis-aligned
    grid through the origin, as PyG's ``voxel_grid``), per cloud: ``(centres, batch)``. Not
    rotation-equivariant (the grid is fixed); use :func:`farthest_point_sampling` where that matters.

    Shapes:
        - **pos:** :math:`(N, d)`, **batch:** :math:`(N,)`
        - **output:** :math:`(M, d)` and :math:`(M,)`
    """
    check_points("voxel_grid_centres", pos)
    check_batch("voxel_grid_centres", batch, pos.shape[0])
    if not 0 < size < float("inf"):
        raise ValueError(f"voxel size must be positive and finite, got {size!r}")
    cells = torch.floor(pos / size).long()
    key = torch.cat([batch[:, None], cells], dim=1)
    unique, inverse = torch.unique(key, dim=0, return_inverse=True)
    return scatter(pos, inverse, dim=0, dim_size=len(unique), reduce="mean"), unique[:, 0]


def bipartite_radius_graph(source_pos: torch.Tensor, target_pos: torch.Tensor, r: float, source_batch: torch.Tensor,
                           target_batch: torch.Tensor) -> torch.Tensor:
    r"""``edge_index [2, E]`` from every source point to every target point of the same cloud at
    distance :math:`\le r` (row 0 indexes the sources, row 1 the targets).

    Shapes:
        - **output:** :math:`(2, E)`
    """
    name = "bipartite_radius_graph"
    check_points(name, source_pos, "source positions")
    check_points(name, target_pos, "target positions")
    if source_pos.shape[1] != target_pos.shape[1] or source_pos.dtype != target_pos.dtype:
        raise ValueError(f"{name}: sources and targets must have one dimension and dtype, got {tuple(source_pos.shape)} "
                         f"{source_pos.dtype} and {tuple(target_pos.shape)} {target_pos.dtype}")
    check_batch(name, source_batch, source_pos.shape[0], "source_batch")
    check_batch(name, target_batch, target_pos.shape[0], "target_batch")
    n = len(source_pos)
    edges = radius_graph(torch.cat([source_pos, target_pos]), r, torch.cat([source_batch, target_batch]), loop=False)
    keep = (edges[0] < n) & (edges[1] >= n)
    return torch.stack([edges[0, keep], edges[1, keep] - n])

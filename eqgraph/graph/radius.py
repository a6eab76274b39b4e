"""Radius graphs of point clouds in plain torch (no torch-cluster or pyg-lib needed)."""
from __future__ import annotations

import itertools
import math

import torch

from .checks import check_batch, check_points

PAIRS_PER_CHUNK = 1 << 24
"""Distances computed at once by the brute-force search: ~64 MB of float32."""

CELL_LIST_ABOVE = 4096
"""Point counts above which the search bins points into cells of side r (O(N) for bounded
density) instead of comparing all pairs (O(N^2))."""


def radius_graph(pos: torch.Tensor, r: float, batch: torch.Tensor | None = None, loop: bool = False,
                 max_num_neighbors: int | None = None) -> torch.Tensor:
    r"""``edge_index [2, E]`` linking every pair of points at distance :math:`\le r` within the
    same graph of the batch, as PyG's ``radius_graph``: ``edge_index[0]`` is the neighbour
    (source j), ``edge_index[1]`` the centre (target i), sorted by target then source.

    Args:
        pos: ``[N, d]`` positions.
        r: the radius.
        batch: ``[N]`` graph of every point (None: one graph).
        loop: include self-loops.
        max_num_neighbors: keep only the nearest this many neighbours of each point.

    The search is exact and does not track gradients (edges are discrete): all pairs in
    bounded-memory chunks for up to ``CELL_LIST_ABOVE`` points, cells of side r beyond.
    """
    _check(pos, r, batch, max_num_neighbors)
    with torch.no_grad():
        source, target, distance = radius_pairs(pos, r, batch, loop)
        order = torch.argsort(target * pos.shape[0] + source)
        source, target, distance = source[order], target[order], distance[order]
        if max_num_neighbors is not None:
            keep = _nearest(target, distance, max_num_neighbors)
            source, target = source[keep], target[keep]
    return torch.stack([source, target])


def radius_pairs(pos: torch.Tensor, r: float, batch: torch.Tensor | None, loop: bool, n_targets: int | None = None):
    """``(source, target, distance)`` of every pair within ``r`` whose target is one of the first
    ``n_targets`` points (all by default): all pairs in chunks for few points, cells beyond."""
    search = _all_pairs if pos.shape[0] <= CELL_LIST_ABOVE else _cell_pairs
    return search(pos, float(r), batch, loop, pos.shape[0] if n_targets is None else n_targets)


def _all_pairs(pos, r, batch, loop, n_targets):
    N = pos.shape[0]
    chunk = max(1, PAIRS_PER_CHUNK // max(N, 1))
    sources, targets, distances = [pos.new_zeros(0, dtype=torch.long)], [pos.new_zeros(0, dtype=torch.long)], [pos.new_zeros(0)]
    for start in range(0, n_targets, chunk):
        block = pos[start:min(start + chunk, n_targets)]
        dist = torch.cdist(block, pos, compute_mode="donot_use_mm_for_euclid_dist")
        mask = dist <= r
        if batch is not None:
            mask &= batch[start:start + block.shape[0], None] == batch[None, :]
        if not loop:
            rows = torch.arange(block.shape[0], device=pos.device)
            mask[rows, rows + start] = False
        t, s = mask.nonzero(as_tuple=True)
        targets.append(t + start)
        sources.append(s)
        distances.append(dist[t, s])
    return torch.cat(sources), torch.cat(targets), torch.cat(distances)


def _cell_pairs(pos, r, batch, loop, n_targets):
    """Candidates from the 3^d cells (of side r) around each point's own, then the distance test."""
    N, d = pos.shape
    cell = torch.floor((pos - pos.min(0).values) / r).long() + 1  # a margin of one cell on each side
    extent = cell.max(0).values + 2
    strides = torch.cumprod(torch.cat([extent.new_ones(1), extent[:-1]]), 0)
    graphs = 1 if batch is None else int(batch.max()) + 1
    if float(extent.double().prod()) * graphs >= 2 ** 62:
        return _all_pairs(pos, r, batch, loop, n_targets)  # cell keys would overflow: points too spread out
    offset_of_graph = 0 if batch is None else batch * int(extent.prod())
    key = (cell * strides).sum(1) + offset_of_graph
    order = torch.argsort(key)
    cells, counts = torch.unique_consecutive(key[order], return_counts=True)
    starts = torch.cumsum(counts, 0) - counts
    sources, targets = [], []
    for shift in itertools.product((-1, 0, 1), repeat=d):
        wanted = key[:n_targets] + (torch.tensor(shift, device=pos.device) * strides).sum()
        index = torch.searchsorted(cells, wanted).clamp(max=cells.numel() - 1)
        found = cells[index] == wanted
        count = torch.where(found, counts[index], torch.zeros_like(counts[index]))
        target = torch.repeat_interleave(torch.arange(n_targets, device=pos.device), count)
        first = torch.repeat_interleave(starts[index], count)
        within = torch.arange(target.numel(), device=pos.device) - torch.repeat_interleave(torch.cumsum(count, 0) - count, count)
        sources.append(order[first + within])
        targets.append(target)
    source, target = torch.cat(sources), torch.cat(targets)
    distance = (pos[source] - pos[target]).norm(dim=1)
    keep = (distance <= r) & ((source != target) | loop)
    return source[keep], target[keep], distance[keep]


def _nearest(target: torch.Tensor, distance: torch.Tensor, k: int) -> torch.Tensor:
    """Positions of the ``k`` shortest edges of every target (edges sorted by target), in order."""
    by_distance = torch.sort(distance, stable=True).indices
    order = by_distance[torch.sort(target[by_distance], stable=True).indices]
    counts = torch.bincount(target)
    first = torch.cumsum(counts, 0) - counts
    rank = torch.arange(order.numel(), device=target.device) - first[target[order]]
    return torch.sort(order[rank < k]).values


def _check(pos, r, batch, max_num_neighbors) -> None:
    check_points("radius_graph", pos)
    if not 0 < r < math.inf:
        raise ValueError(f"radius_graph needs a finite radius r > 0, got {r!r}")
    if batch is not None:
        check_batch("radius_graph", batch, pos.shape[0])
    if max_num_neighbors is not None and (not isinstance(max_num_neighbors, int) or max_num_neighbors < 1):
        raise ValueError(f"max_num_neighbors must be a positive integer or None, got {max_num_neighbors!r}")

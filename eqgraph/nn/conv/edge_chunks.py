"""Aggregating per-edge messages onto nodes, in chunks of edges on large graphs."""
from __future__ import annotations

from typing import Callable, Sequence

import torch
from torch.utils.checkpoint import checkpoint

CHUNK_VALUES = 2 ** 27
"""How many per-edge intermediate values (messages, angular maps, radial features) one chunk may
hold: 512 MiB in float32. A layer with ``v`` such values per edge takes ``CHUNK_VALUES // v`` edges
per chunk. Each chunk's intermediates are recomputed in the backward pass instead of kept
(``torch.utils.checkpoint``), so memory stays bounded by one chunk whatever the edge count."""

WHOLE_UP_TO_CHUNKS = 4
"""Graphs of up to this many chunks (2 GiB of float32 intermediates) are aggregated at once: the
recomputation costs about a third more time (R3PointConv 32x0e+32x1o+32x2e, 100,000 edges: 7.3
against 5.6 s), worth paying only where memory runs short."""


def chunk_edges(values_per_edge: int) -> int:
    """The number of edges per chunk of a layer holding ``values_per_edge`` intermediates per edge."""
    return max(1024, CHUNK_VALUES // max(1, int(values_per_edge)))


def aggregate_edges(messages: Callable[..., torch.Tensor], edge_index: torch.Tensor, per_edge: Sequence[torch.Tensor],
                    num_targets: int, mean: bool, chunk: int | None) -> torch.Tensor:
    r"""``[num_targets, C]``: the messages of all edges summed (or averaged) on their targets,

    .. math::
        y_i = \sum_{e = (j \to i)} m_e \qquad \Big(\text{or } \tfrac{1}{\max(1, \deg i)} \sum m_e\Big).

    Args:
        messages: ``messages(sources, *per_edge)``, for a slice of the edges: ``[E', C]``, or a list of
            ``[E', C_k]`` pieces aggregated one by one (no edge-sized concatenation) and joined along C.
        edge_index: ``[2, E]`` (sources, targets).
        per_edge: tensors with one row per edge, sliced along with the edges.
        num_targets: the number of target nodes.
        mean: average instead of sum (targets without edges get zeros).
        chunk: edges per chunk, used on graphs of more than ``WHOLE_UP_TO_CHUNKS`` chunks; ``None``
            aggregates all edges at once (and keeps every intermediate).
    """
    E = edge_index.shape[1]
    if chunk is None or E <= WHOLE_UP_TO_CHUNKS * chunk:
        out = _scatter(messages, num_targets, edge_index[0], edge_index[1], *per_edge)
    else:
        out = None
        for start in range(0, E, chunk):
            rows = slice(start, start + chunk)
            part = checkpoint(_scatter, messages, num_targets, edge_index[0, rows], edge_index[1, rows],
                              *[t[rows] for t in per_edge], use_reentrant=False)
            out = part if out is None else out + part
    if mean:
        ones = torch.ones(E, dtype=out.dtype, device=out.device)
        degree = torch.zeros(num_targets, dtype=out.dtype, device=out.device).index_add(0, edge_index[1], ones)
        out = out / degree.clamp(min=1).unsqueeze(1)
    return out


def _scatter(messages, num_targets: int, sources: torch.Tensor, targets: torch.Tensor, *per_edge) -> torch.Tensor:
    values = messages(sources, *per_edge)
    pieces = [values] if isinstance(values, torch.Tensor) else values
    sums = [piece.new_zeros(num_targets, piece.shape[1]).index_add(0, targets, piece) for piece in pieces]
    return sums[0] if len(sums) == 1 else torch.cat(sums, dim=1)

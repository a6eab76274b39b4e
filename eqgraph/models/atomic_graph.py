"""The graph of an atomic structure batch: validated inputs, edges, offsets and strain."""
from __future__ import annotations

from typing import NamedTuple

import torch

from ..graph import periodic_radius_graph, radius_graph


class AtomicGraph(NamedTuple):
    """What every atomistic model reads from a PyG batch.

    Attributes:
        pos: ``[N, 3]`` positions (strained when stress is asked for; the tensor forces are taken against).
        batch: ``[N]`` structure of every atom.
        num_graphs: B.
        edge_index: ``[2, E]`` source j, target i.
        edge_delta: ``[E, 3]`` offsets ``pos[j] - pos[i] + shifts @ cell`` (differentiable).
        cell: ``[B, 3, 3]`` (strained) cells, or None for molecules.
    """

    pos: torch.Tensor
    batch: torch.Tensor
    num_graphs: int
    edge_index: torch.Tensor
    edge_delta: torch.Tensor
    cell: torch.Tensor | None


def structure_tensors(data) -> tuple[torch.Tensor, torch.Tensor, int, torch.Tensor | None, torch.Tensor | None]:
    """``(pos, batch, B, cell [B, 3, 3] or None, pbc [B, 3] or None)`` of a PyG ``Data`` or ``Batch``,
    checked: clear errors for missing or malformed fields before any computation."""
    pos = getattr(data, "pos", None)
    if not isinstance(pos, torch.Tensor) or pos.dim() != 2 or pos.shape[1] != 3 or not pos.is_floating_point():
        raise ValueError(f"the batch needs float positions `pos` [N, 3], got {getattr(pos, 'shape', pos)!r}")
    N = pos.shape[0]
    batch = getattr(data, "batch", None)
    if batch is None:
        batch = torch.zeros(N, dtype=torch.long, device=pos.device)
    elif batch.shape != (N,):
        raise ValueError(f"`batch` must be [N] = [{N}], got {tuple(batch.shape)}")
    num_graphs = int(getattr(data, "num_graphs", None) or (int(batch.max()) + 1 if N else 1))
    if not torch.compiler.is_compiling() and not torch.isfinite(pos).all():
        bad = int((~torch.isfinite(pos)).any(1).nonzero()[0])
        raise ValueError(f"positions contain NaN or infinite values (atom {bad}: {pos[bad].tolist()})")
    cell, pbc = getattr(data, "cell", None), getattr(data, "pbc", None)
    if pbc is not None:
        pbc = torch.as_tensor(pbc, dtype=torch.bool, device=pos.device).reshape(-1, 3)
        if pbc.shape[0] != num_graphs:
            raise ValueError(f"`pbc` must be [B, 3] = [{num_graphs}, 3] (one row per structure), got {tuple(pbc.shape)}")
        if not bool(pbc.any()):
            pbc = None
    if pbc is not None and cell is None:
        raise ValueError("`pbc` is set but the batch has no `cell`: periodic structures need cell [B, 3, 3]")
    if cell is not None:
        cell = torch.as_tensor(cell, dtype=pos.dtype, device=pos.device)
        if cell.numel() != 9 * num_graphs:
            raise ValueError(f"`cell` must be [B, 3, 3] = [{num_graphs}, 3, 3], got {tuple(cell.shape)}")
        cell = cell.reshape(num_graphs, 3, 3)
        if not torch.isfinite(cell).all():
            raise ValueError("the cell contains NaN or infinite values")
    return pos, batch, num_graphs, cell, pbc


def build_atomic_graph(data, cutoff: float, pos: torch.Tensor, batch: torch.Tensor, num_graphs: int,
                       cell: torch.Tensor | None, pbc: torch.Tensor | None) -> AtomicGraph:
    """Edges of ``data`` within ``cutoff``: ``data.edge_index`` (with integer ``data.cell_shifts``
    for periodic structures) when given, else a radius graph, periodic where ``pbc`` is set."""
    edge_index = getattr(data, "edge_index", None)
    shifts = getattr(data, "cell_shifts", None)
    if edge_index is None:
        if pbc is None:
            edge_index = radius_graph(pos.detach(), cutoff, batch)
        else:
            graph = periodic_radius_graph(pos.detach(), cell.detach(), cutoff, pbc=pbc, batch=batch)
            edge_index, shifts = graph.edge_index, graph.shifts
    elif not isinstance(edge_index, torch.Tensor) or edge_index.dim() != 2 or edge_index.shape[0] != 2:
        raise ValueError(f"`edge_index` must be [2, E], got {getattr(edge_index, 'shape', edge_index)!r}")
    elif pbc is not None and shifts is None:
        raise ValueError("periodic structures with a given `edge_index` also need integer `cell_shifts` [E, 3] "
                         "(eqgraph.data.RadiusGraph or eqgraph.graph.periodic_radius_graph give both)")
    delta = pos.index_select(0, edge_index[0]) - pos.index_select(0, edge_index[1])
    if shifts is not None and cell is not None:
        if shifts.shape != (edge_index.shape[1], 3):
            raise ValueError(f"`cell_shifts` must be [E, 3] = [{edge_index.shape[1]}, 3], got {tuple(shifts.shape)}")
        delta = delta + torch.einsum("ek,ekl->el", shifts.to(pos.dtype), cell[batch[edge_index[1]]])
    return AtomicGraph(pos, batch, num_graphs, edge_index, delta, cell)

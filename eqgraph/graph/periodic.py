"""Neighbour lists in periodic cells, through ase."""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np
import torch


class PeriodicGraph(NamedTuple):
    """``edge_index [2, E]`` (source j, target i), ``edge_delta [E, 3]`` the offset from i to
    the image of j (``pos[j] - pos[i] + shifts @ cell``, differentiable with respect to ``pos``
    and ``cell``) and ``shifts [E, 3]`` the integer cell shifts of the images."""

    edge_index: torch.Tensor
    edge_delta: torch.Tensor
    shifts: torch.Tensor


def periodic_radius_graph(pos: torch.Tensor, cell: torch.Tensor, r: float,
                          pbc: bool | Sequence[bool] = True, loop: bool = False) -> PeriodicGraph:
    r"""All pairs (i, image of j) at distance :math:`< r` in a periodic cell, from
    ``ase.neighborlist.neighbor_list``; a point may neighbour several images of another point,
    and its own images when the cell is smaller than ``2 r``.

    Args:
        pos: ``[N, 3]`` Cartesian positions.
        cell: ``[3, 3]`` cell vectors as rows.
        r: the cutoff radius.
        pbc: periodicity along each cell vector.
        loop: include the zero-offset self-pair of every point.

    Pass ``edge_delta`` to a point convolution (``conv(x, edge_index, edge_delta=...)``).
    """
    from ase import Atoms
    from ase.neighborlist import neighbor_list

    if not isinstance(pos, torch.Tensor) or pos.dim() != 2 or pos.shape[1] != 3:
        raise ValueError(f"periodic_radius_graph needs positions [N, 3], got {getattr(pos, 'shape', type(pos).__name__)}")
    cell = torch.as_tensor(cell, dtype=pos.dtype, device=pos.device)
    if cell.shape != (3, 3):
        raise ValueError(f"cell must be [3, 3] (vectors as rows), got {tuple(cell.shape)}")
    if not r > 0:
        raise ValueError(f"periodic_radius_graph needs a radius r > 0, got {r!r}")
    atoms = Atoms(numbers=np.ones(pos.shape[0], dtype=int), positions=pos.detach().cpu().double().numpy(),
                  cell=cell.detach().cpu().double().numpy(), pbc=pbc)
    i, j, shifts = neighbor_list("ijS", atoms, float(r), self_interaction=loop)
    edge_index = torch.as_tensor(np.stack([j, i]), dtype=torch.long, device=pos.device)
    shifts = torch.as_tensor(shifts, dtype=pos.dtype, device=pos.device)
    edge_delta = pos[edge_index[0]] - pos[edge_index[1]] + shifts @ cell
    return PeriodicGraph(edge_index, edge_delta, shifts)

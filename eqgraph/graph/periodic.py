"""Neighbour lists in periodic cells, batched over structures, in plain torch."""
from __future__ import annotations

import itertools
from typing import NamedTuple, Sequence

import torch

from .radius import radius_pairs

MAX_IMAGES_PER_ATOM = 4096
"""Periodic images searched per atom above which the cutoff is refused as too large for the cell."""


class PeriodicGraph(NamedTuple):
    """``edge_index [2, E]`` (source j, target i), ``edge_delta [E, 3]`` the offset from i to
    the image of j (``pos[j] - pos[i] + shifts @ cell``, differentiable with respect to ``pos``
    and ``cell``) and ``shifts [E, 3]`` the integer cell shifts of the images."""

    edge_index: torch.Tensor
    edge_delta: torch.Tensor
    shifts: torch.Tensor


def periodic_radius_graph(pos: torch.Tensor, cell: torch.Tensor, r: float,
                          pbc: bool | Sequence[bool] | torch.Tensor = True, loop: bool = False,
                          batch: torch.Tensor | None = None) -> PeriodicGraph:
    r"""All pairs (i, image of j) with :math:`|x_j + s\,C - x_i| \le r` in periodic cells,
    for many structures at once (no Python loop over them). A point may neighbour several
    images of another point, and its own images when the cell is narrower than ``2 r``.

    Every atom is wrapped into its cell; the images of atoms within ``r`` of the cell (in
    every periodic direction) join them as ghost points, and one radius search over atoms and
    ghosts, keeping atoms as targets, gives the edges. Cost: linear in atoms for cells wider
    than ``r``.

    Args:
        pos: ``[N, 3]`` Cartesian positions.
        cell: ``[3, 3]`` cell vectors as rows, or ``[B, 3, 3]``, one cell per structure.
        r: the cutoff radius.
        pbc: periodicity along each cell vector: a bool, ``[3]`` or ``[B, 3]``.
        loop: include the zero-offset self-pair of every point.
        batch: ``[N]`` structure of every atom (None: one structure).

    Pass ``edge_delta`` to a point convolution (``conv(x, edge_index, edge_delta=...)``).
    """
    cell, pbc, batch = _check(pos, cell, r, pbc, batch)
    N = pos.shape[0]
    with torch.no_grad():
        points, owner, image_shift, wrap = _atoms_and_ghosts(pos.detach(), cell.detach(), float(r), pbc, batch)
        source, target, _ = radius_pairs(points, r, batch[owner], loop, n_targets=N)
        order = torch.argsort(target * points.shape[0] + source)
        source, target = source[order], target[order]
        j = owner[source]
        shifts = image_shift[source] - wrap[j] + wrap[target]
    edge_index = torch.stack([j, target])
    shifts = shifts.to(pos.dtype)
    edge_delta = pos[j] - pos[target] + torch.einsum("ek,ekl->el", shifts, cell[batch[target]])
    return PeriodicGraph(edge_index, edge_delta, shifts)


def _atoms_and_ghosts(pos, cell, r, pbc, batch):
    """``(points, owner, shift, wrap)``: the wrapped atoms followed by their images near the cell,
    the atom each point is an image of, its integer shift, and each atom's wrapping shift."""
    inverse = torch.linalg.inv(cell)  # [B, 3, 3]; column k of the inverse is the k-th reciprocal vector
    periodic = pbc.to(pos.dtype)
    fractional = torch.einsum("nk,nkl->nl", pos, inverse[batch])
    wrap = torch.floor(fractional) * periodic[batch]
    wrapped = pos - torch.einsum("nk,nkl->nl", wrap, cell[batch])
    fractional = fractional - wrap
    reach = r * inverse.norm(dim=1) * periodic  # [B, 3]: r in units of each periodic direction's width
    count = torch.ceil(reach).long()
    largest = count.max(0).values.tolist()
    shifts = torch.tensor([s for s in itertools.product(*(range(-n, n + 1) for n in largest)) if any(s)],
                          dtype=pos.dtype, device=pos.device).view(-1, 3)
    moved = fractional[:, None, :] + shifts
    near = ((moved >= -reach[batch][:, None, :]) & (moved <= 1 + reach[batch][:, None, :])
            & (shifts.abs() <= count[batch][:, None, :])).all(-1)  # [N, S]: images within r of the cell
    atom, which = near.nonzero(as_tuple=True)
    ghosts = wrapped[atom] + torch.einsum("gk,gkl->gl", shifts[which], cell[batch[atom]])
    N = pos.shape[0]
    points = torch.cat([wrapped, ghosts])
    owner = torch.cat([torch.arange(N, device=pos.device), atom])
    image_shift = torch.cat([torch.zeros_like(wrapped), shifts[which]])
    return points, owner, image_shift, wrap


def _check(pos, cell, r, pbc, batch):
    name = "periodic_radius_graph"
    if not isinstance(pos, torch.Tensor) or pos.dim() != 2 or pos.shape[1] != 3 or not pos.is_floating_point():
        raise ValueError(f"{name} needs float positions [N, 3], got {getattr(pos, 'shape', type(pos).__name__)}")
    if not isinstance(r, (int, float)) or not 0 < r < float("inf"):
        raise ValueError(f"{name} needs a finite radius r > 0, got {r!r}")
    N = pos.shape[0]
    if batch is None:
        batch = torch.zeros(N, dtype=torch.long, device=pos.device)
    elif not isinstance(batch, torch.Tensor) or batch.shape != (N,) or batch.dtype != torch.long:
        raise ValueError(f"{name}: batch must be a long tensor [N] = [{N}], got {getattr(batch, 'shape', batch)}")
    structures = int(batch.max()) + 1 if N else 1
    cell = torch.as_tensor(cell, dtype=pos.dtype, device=pos.device)
    if cell.shape == (3, 3):
        cell = cell.expand(structures, 3, 3)
    if cell.dim() != 3 or cell.shape[1:] != (3, 3) or cell.shape[0] < structures:
        raise ValueError(f"{name}: cell must be [3, 3] or [B, 3, 3] (vectors as rows) with B = {structures} structures, "
                         f"got {tuple(cell.shape)}")
    pbc = torch.as_tensor(pbc, dtype=torch.bool, device=pos.device)
    if pbc.dim() == 0:
        pbc = pbc.expand(3)
    if pbc.shape[-1] != 3 or pbc.dim() > 2 or (pbc.dim() == 2 and pbc.shape[0] != cell.shape[0]):
        raise ValueError(f"{name}: pbc must be a bool, [3] or [B, 3] with B = {cell.shape[0]}, got shape {tuple(pbc.shape)}")
    pbc = pbc.expand(cell.shape[0], 3)
    if not torch.isfinite(pos).all():
        raise ValueError(f"{name}: positions contain NaN or infinite values")
    if not torch.isfinite(cell).all():
        raise ValueError(f"{name}: the cell contains NaN or infinite values")
    volume = torch.linalg.det(cell.double()).abs()
    scale = cell.double().norm(dim=2).prod(dim=1)
    singular = (volume <= 1e-9 * scale) | (scale == 0)
    if bool((singular & pbc.any(1)).any()):
        b = int((singular & pbc.any(1)).nonzero()[0])
        raise ValueError(f"{name}: the cell of structure {b} is singular (volume {float(volume[b]):.3g}), "
                         f"but it is periodic; give three independent cell vectors, got {cell[b].tolist()}")
    if bool(singular.any()):  # non-periodic structures without a cell: searched as open clusters
        cell = torch.where(singular[:, None, None], torch.eye(3, dtype=cell.dtype, device=cell.device), cell)
    if bool(pbc.any()):
        widths = 1 / torch.linalg.inv(cell[pbc.any(1)].double()).norm(dim=1)
        images = torch.prod(2 * torch.ceil(r / widths) + 1, dim=1)
        if float(images.max()) > MAX_IMAGES_PER_ATOM:
            raise ValueError(f"{name}: the cutoff {r} needs {int(images.max())} periodic images per atom for cell widths "
                             f"{[round(w, 4) for w in widths[images.argmax()].tolist()]} (at most {MAX_IMAGES_PER_ATOM}); "
                             "use a larger cell or a smaller cutoff")
    return cell, pbc, batch

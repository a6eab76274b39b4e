"""EdgeGeometry: the per-edge quantities every point convolution of a network can share."""
from __future__ import annotations

from typing import NamedTuple

import torch

from ...kernels.harmonics import harmonics as harmonic_values


class EdgeGeometry(NamedTuple):
    """Computed once per graph by ``conv.edge_geometry(...)`` and passed to every layer with the
    same band limit and radial profile (``conv(x, edge_index, geometry=geometry)``).

    Attributes:
        delta: ``[E, d]`` edge offsets :math:`x_j - x_i` (source minus target).
        harmonics: ``[E, S]`` angular harmonics of the offsets in the group's irrep basis.
        radial: ``[E, R]`` the fixed radial profile at :math:`|x_j - x_i|` (cutoff envelope included).
    """

    delta: torch.Tensor
    harmonics: torch.Tensor
    radial: torch.Tensor


def edge_offsets(pos_src: torch.Tensor, pos_dst: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
    """``[E, d]``: ``pos_src[edge_index[0]] - pos_dst[edge_index[1]]``."""
    return pos_src.index_select(0, edge_index[0]) - pos_dst.index_select(0, edge_index[1])


def edge_harmonics(delta: torch.Tensor, maximum_frequency: int, harmonic_change: torch.Tensor | None) -> torch.Tensor:
    """``[E, S]``: the harmonics of degree up to ``maximum_frequency`` of the offsets ``delta [E, d]``,
    moved to the group's irrep basis by ``harmonic_change`` (None: already there)."""
    values = torch.cat(harmonic_values(delta, maximum_frequency), dim=-1)
    return values if harmonic_change is None else values @ harmonic_change

"""The per-edge contraction of a point convolution's kernel, path by path, in plain torch."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch


@dataclass(frozen=True)
class PathGroup:
    """The paths into one output irrep: its ``multiplicity`` and ``dimension``, and per path
    ``(path number, input irrep, input multiplicity m_in, angular elements A, input dimension d_in)``."""

    multiplicity: int
    dimension: int
    paths: tuple[tuple[int, int, int, int, int], ...]


def contract_paths(x_j: torch.Tensor, harmonics: torch.Tensor, radial: torch.Tensor, angular: Sequence[torch.Tensor],
                   mixing: Sequence[torch.Tensor | None], in_sizes: Sequence[int],
                   groups: Sequence[PathGroup]) -> torch.Tensor:
    r"""``[E, c_out]``: every edge's message in the irrep basis (irrep by irrep, component-major),

    .. math::
        m^{o}_{e} = \sum_r \phi_r(e) \sum_{p \to o} W_p \big[(T_p \cdot Y(e))\, f^{\psi_p}_{j}\big]_r .

    Args:
        x_j: ``[E, c_in]`` the sources' features in the irrep basis, irrep by irrep.
        harmonics: ``[E, S]``; radial: ``[E, R]``.
        angular: per path ``[S, d_out * A * d_in]``, the angular maps applied to the harmonics.
        mixing: per group ``[sum_p A m_in, R m_out]``, the learnable coefficients (None: no path).
        in_sizes: channels of each input irrep's block.
        groups: the :class:`PathGroup` of every output irrep.
    """
    E, R = x_j.shape[0], radial.shape[1]
    inputs = x_j.split(list(in_sizes), dim=1)
    pieces = []
    for group, matrix in zip(groups, mixing):
        m_out, d_out = group.multiplicity, group.dimension
        if matrix is None:
            pieces.append(x_j.new_zeros(E, m_out * d_out))
            continue
        contracted = []
        for n, i, m_in, A, d_in in group.paths:
            maps = (harmonics @ angular[n]).view(E, d_out * A, d_in)
            contracted.append(torch.bmm(maps, inputs[i].view(E, d_in, m_in)).view(E, d_out, A * m_in))
        z = torch.cat(contracted, dim=2)
        mixed = (z.reshape(E * d_out, z.shape[2]) @ matrix).view(E, d_out, R, m_out)
        pieces.append(torch.matmul(radial[:, None, None, :], mixed).view(E, d_out * m_out))
    return torch.cat(pieces, dim=1)


def values_per_edge(in_size: int, radial_size: int, groups: Sequence[PathGroup]) -> int:
    """About how many intermediate values :func:`contract_paths` holds per edge."""
    total = in_size + radial_size
    for group in groups:
        width = sum(A * m_in for _, _, m_in, A, _ in group.paths)
        maps = sum(group.dimension * A * d_in for _, _, _, A, d_in in group.paths)
        total += group.dimension * (width + (radial_size + 1) * group.multiplicity) + maps
    return total

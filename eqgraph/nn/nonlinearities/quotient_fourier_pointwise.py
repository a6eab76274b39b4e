from __future__ import annotations

import numpy as np
import torch

from ...fields import FieldType
from ...group import directsum
from ...group.so3 import SO3Group
from ...kernels.harmonics import harmonics
from .sampled_pointwise import SampledPointwise
from .sampling_grids import SAMPLES_PER_COEFFICIENT, sphere_grid


class QuotientFourierPointwise(SampledPointwise):
    r"""A pointwise nonlinearity on band-limited functions on the sphere
    :math:`S^2 = SO(3)/SO(2)`: each field holds spherical-harmonic coefficients
    :math:`f(x) = \sum_{l \le L} c_l \cdot Y_l(x)` (e3nn's real basis, transforming by
    :math:`\bigoplus_l \psi_l`); the layer samples f on ``N`` points of a Fibonacci lattice,
    applies ``function`` and projects back.

    Args:
        gspace: a gspace of SO(3).
        channels: the number of fields.
        L: the band limit (degrees 0..L).
        function: a pointwise function name.
        N: the number of sample points (default 20 per coefficient).

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`, ``C = channels * (L + 1)^2``
        - **output:** the same
    """

    def __init__(self, gspace, channels: int, L: int, function: str = "p_relu", N: int | None = None):
        if not isinstance(gspace.fibergroup, SO3Group):
            raise ValueError(f"QuotientFourierPointwise samples the sphere SO(3)/SO(2); got {gspace.fibergroup.name}")
        if not isinstance(channels, int) or channels < 1 or not isinstance(L, int) or L < 0:
            raise TypeError(f"{type(self).__name__}(gspace, channels, L): a positive number of fields and a band limit "
                            f"L >= 0, got channels={channels!r}, L={L!r} (escnn's (gspace, subgroup_id, channels, irreps) "
                            "form: eqgraph's quotient is always the sphere, so give channels and L)")
        field = directsum([gspace.irrep(l) for l in range(L + 1)], name="sphere_functions")
        points = torch.tensor(sphere_grid(N or SAMPLES_PER_COEFFICIENT * field.size))
        sampling = torch.cat(harmonics(points, L), dim=1).numpy() / np.sqrt(field.size)
        super().__init__(FieldType(gspace, [field] * channels), sampling, function)

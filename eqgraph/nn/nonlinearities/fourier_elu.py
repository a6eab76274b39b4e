from __future__ import annotations

from typing import Sequence

from ...group import Representation
from .fourier_pointwise import FourierPointwise
from .quotient_fourier_pointwise import QuotientFourierPointwise


class FourierELU(FourierPointwise):
    """:class:`FourierPointwise` with the ELU (escnn's name)."""

    def __init__(self, gspace, channels: int, irreps: Sequence[Representation], inplace: bool = True, *,
                 N: int | None = None, grid_symmetric: bool = False):
        super().__init__(gspace, channels, irreps, "p_elu", inplace, N=N, grid_symmetric=grid_symmetric)


class QuotientFourierELU(QuotientFourierPointwise):
    """:class:`QuotientFourierPointwise` with the ELU (escnn's name)."""

    def __init__(self, gspace, channels: int, L: int, N: int | None = None):
        super().__init__(gspace, channels, L, "p_elu", N)

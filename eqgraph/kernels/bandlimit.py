"""Band limits and ring defaults, relative to the kernel's support radius (escnn-compatible on grids)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

POINT_MAXIMUM_FREQUENCY = {2: 3, 3: 2}
"""Default band limit of point-cloud kernels (no rings), per dimension."""


@dataclass(frozen=True)
class UniformBandLimit:
    """The same band limit on every ring, the centre included: what escnn's gspace-level
    ``build_kernel_basis(..., maximum_frequency=L)`` builds."""

    limit: int

    def __call__(self, r: float) -> float:
        return float(self.limit)


def default_frequencies_cutoff(max_radius: float) -> Callable[[float], float]:
    """escnn's default band limit for ring r of a kernel whose outer ring has radius ``max_radius``:
    0 at the centre, about 2r inside, and 2 on the outer ring (to avoid aliasing at the corners)."""

    def cutoff(r: float) -> float:
        if r == 0:
            return 0.0
        return min(2 * r, 2.0 if r == max_radius else 2 * r - (r + 1) % 2)

    return cutoff


def as_cutoff(frequencies_cutoff, rings: Sequence[float]) -> Callable[[float], float]:
    """A callable ``radius -> maximum frequency`` from None (the default rule), a float factor
    (J <= factor * r) or a callable."""
    if frequencies_cutoff is None:
        return default_frequencies_cutoff(max(rings))
    if isinstance(frequencies_cutoff, (int, float)):
        factor = float(frequencies_cutoff)
        return lambda r: factor * r
    if callable(frequencies_cutoff):
        return frequencies_cutoff
    raise TypeError(f"frequencies_cutoff must be None, a number or a callable, got {type(frequencies_cutoff).__name__}")


def grid_rings(kernel_size: int, dilation: int = 1) -> list[float]:
    """escnn's default rings for a ``kernel_size`` stencil: ceil(k / 2) radii from 0 to (k - 1) // 2."""
    if kernel_size < 1:
        raise ValueError(f"kernel_size must be >= 1, got {kernel_size}")
    n = math.ceil(kernel_size / 2)
    top = (kernel_size - 1) // 2
    return [dilation * top * i / (n - 1) if n > 1 else 0.0 for i in range(n)]


def default_sigma(rings: Sequence[float]) -> list[float]:
    """escnn's default ring widths: 0.6, 0.4 on the outer ring, 0.005 at the centre."""
    sigma = [0.6] * (len(rings) - 1) + [0.4]
    return [0.005 if r == 0 else s for r, s in zip(rings, sigma)]

"""Shared pieces of the continuous groups."""
from __future__ import annotations

import numpy as np

from .group import Group

ANGLE_TOL = 1e-9
TWO_PI = 2 * np.pi


def wrap_angle(theta: float) -> float:
    return float(np.mod(theta, TWO_PI))


def same_angle(a: float, b: float) -> bool:
    d = np.mod(a - b, TWO_PI)
    return bool(min(d, TWO_PI - d) < ANGLE_TOL)


def check_maximum_frequency(maximum_frequency, factory: str) -> int:
    if not isinstance(maximum_frequency, (int, np.integer)) or isinstance(maximum_frequency, bool) or maximum_frequency < 0:
        raise ValueError(f"{factory} needs an integer maximum_frequency >= 0, got {maximum_frequency!r}")
    return int(maximum_frequency)


class ContinuousGroup(Group):
    """A compact Lie group. Elements compare within a tolerance, so they all hash alike."""

    continuous = True

    def order(self) -> int:
        return -1

    def _hash_param(self, p):
        return None

"""Test helpers for equivariance, usable on users' own modules."""
from .equivariance import assert_equivariant, random_elements, random_input
from .grid_symmetries import grid_symmetries

__all__ = ["assert_equivariant", "random_elements", "random_input", "grid_symmetries"]

"""Test helpers for equivariance, usable on users' own modules."""
from .equivariance import assert_equivariant, random_elements, random_input
from .grid_symmetries import grid_symmetries
from .kernel_completeness import assert_kernel_basis_complete, brute_force_dimension, orbit_points

__all__ = ["assert_equivariant", "random_elements", "random_input", "grid_symmetries", "assert_kernel_basis_complete",
           "brute_force_dimension", "orbit_points"]

"""Test helpers for equivariance, usable on users' own modules."""
from .equivariance import assert_equivariant, random_elements, random_input

__all__ = ["assert_equivariant", "random_elements", "random_input"]

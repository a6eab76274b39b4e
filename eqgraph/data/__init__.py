"""Data for the models: structures as PyG ``Data`` objects."""
from .emt import EMT_ELEMENTS, atoms_to_data, emt_structures

__all__ = ["emt_structures", "atoms_to_data", "EMT_ELEMENTS"]

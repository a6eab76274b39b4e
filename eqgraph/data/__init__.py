"""Data for the models: PyG datasets of structures and molecules, and the transforms they need."""
from ..graph.radius_transform import RadiusGraph
from .emt import EMT_ELEMENTS, atoms_to_data, emt_structures
from .emt_dataset import EMTDataset
from .extxyz import ExtXYZDataset
from .processed import ProcessedDataset, default_root
from .qm9 import QM9, QM9_TARGETS
from .random_rotate import RandomRotate, random_orthogonal

__all__ = ["QM9", "QM9_TARGETS", "ExtXYZDataset", "EMTDataset", "ProcessedDataset", "default_root", "RadiusGraph",
           "RandomRotate", "random_orthogonal", "emt_structures", "atoms_to_data", "EMT_ELEMENTS"]

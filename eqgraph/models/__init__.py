"""Ready models built only from eqgraph's public layers: interatomic potentials and molecular
property regressors (O(3) message passing in the NequIP/MACE family), steerable CNNs for images
and volumes that also run on graphs, and a point-cloud classifier, with one-file checkpoints."""
from .atomic_graph import AtomicGraph, build_atomic_graph, structure_tensors
from .grid_graph_blur import GridGraphBlur
from .grid_graph_conv import GridGraphConv
from .grid_graph_pool import GridGraphPool
from .interaction import InteractionBlock, SymmetricProduct
from .point_cloud_classifier import PointCloudClassifier
from .potential import EquivariantPotential
from .regressor import EquivariantRegressor
from .saving import SavableModel, atomic_save, load_checkpoint
from .schnet import SchNetModel
from .steerable_cnn import SteerableCNN, SteerableCNN3d
from .trunk import AtomicTrunk

__all__ = ["EquivariantPotential", "EquivariantRegressor", "SchNetModel", "SteerableCNN", "SteerableCNN3d", "PointCloudClassifier", "GridGraphConv",
           "GridGraphPool", "GridGraphBlur", "AtomicTrunk", "InteractionBlock", "SymmetricProduct",
           "AtomicGraph", "build_atomic_graph", "structure_tensors", "SavableModel", "atomic_save", "load_checkpoint"]

"""eqgraph: E(n)-equivariant steerable neural networks on graphs, point clouds and grids.

Subpackages: :mod:`eqgraph.group` (groups and representations), :mod:`eqgraph.gspaces`
(groups acting on R^2 and R^3), :mod:`eqgraph.fields` (FieldType and GeometricTensor),
:mod:`eqgraph.nn` (modules), :mod:`eqgraph.graph` (grids, radius and periodic graphs),
:mod:`eqgraph.testing` (equivariance checks); :mod:`eqgraph.models` (ready potentials and
regressors), :mod:`eqgraph.data` (structures as PyG data) and :mod:`eqgraph.calculators` (ASE),
imported on demand.
"""
from . import fields, graph, group, gspaces, nn, testing
from ._version import __version__
from .fields import FieldType, GeometricTensor

__all__ = ["group", "gspaces", "fields", "nn", "graph", "testing", "FieldType", "GeometricTensor", "__version__"]

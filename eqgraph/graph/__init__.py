"""Adapters between grids, point clouds and graphs."""
from .grid_cells import GridStencil, PooledCells, box_graph, grid_stencil, pool_grid_cells
from .grid_graph import GridGraph, graph_to_grid, grid_to_graph
from .periodic import PeriodicGraph, periodic_radius_graph
from .radius import radius_graph
from .radius_transform import RadiusGraph
from .sampling import bipartite_radius_graph, farthest_point_sampling, voxel_grid_centres

__all__ = ["grid_to_graph", "graph_to_grid", "GridGraph", "radius_graph", "RadiusGraph",
           "periodic_radius_graph", "PeriodicGraph",
           "box_graph", "grid_stencil", "GridStencil", "pool_grid_cells", "PooledCells",
           "farthest_point_sampling", "voxel_grid_centres", "bipartite_radius_graph"]

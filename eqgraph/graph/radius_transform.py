"""RadiusGraph: PyG's transform, periodic cells included."""
from __future__ import annotations

import torch
from torch_geometric.transforms import BaseTransform

from .periodic import periodic_radius_graph
from .radius import radius_graph


class RadiusGraph(BaseTransform):
    """A PyG transform setting ``data.edge_index`` to :func:`radius_graph` of ``data.pos`` (a
    drop-in for ``torch_geometric.transforms.RadiusGraph`` without pyg-lib). A periodic
    structure (``data.pbc`` set, with ``data.cell`` [1, 3, 3]) gets the edges of
    :func:`periodic_radius_graph` to every periodic image within ``r`` and their integer
    ``data.cell_shifts`` [E, 3], as eqgraph's atomistic models read them."""

    def __init__(self, r: float, loop: bool = False, max_num_neighbors: int | None = None):
        self.r, self.loop, self.max_num_neighbors = r, loop, max_num_neighbors

    def forward(self, data):
        batch = getattr(data, "batch", None)
        pbc = getattr(data, "pbc", None)
        if pbc is not None and bool(torch.as_tensor(pbc).any()):
            if self.max_num_neighbors is not None:
                raise ValueError("RadiusGraph: max_num_neighbors is not supported for periodic structures")
            if getattr(data, "cell", None) is None:
                raise ValueError("RadiusGraph: `pbc` is set but the structure has no `cell` [1, 3, 3]")
            graph = periodic_radius_graph(data.pos, data.cell.reshape(-1, 3, 3), self.r,
                                          pbc=torch.as_tensor(pbc).reshape(-1, 3), loop=self.loop, batch=batch)
            data.edge_index, data.cell_shifts = graph.edge_index, graph.shifts
            return data
        data.edge_index = radius_graph(data.pos, self.r, batch, self.loop, self.max_num_neighbors)
        return data

    def __repr__(self) -> str:
        return f"{type(self).__name__}(r={self.r})"

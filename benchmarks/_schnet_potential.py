"""The SchNet baseline of the benchmarks: PyG's ``SchNet`` as a potential (forces by autograd,
periodic cells through eqgraph's neighbour list, the same statistics as eqgraph's models).
A benchmark reference, not part of the library."""
from __future__ import annotations

import torch
from torch_geometric.nn.models import SchNet
from torch_geometric.utils import scatter

from eqgraph.models import build_atomic_graph, structure_tensors
from eqgraph.models.species import SpeciesIndex
from eqgraph.models.statistics import dataset_statistics


class SchNetPotential(torch.nn.Module):
    def __init__(self, species, cutoff=5.0, hidden_channels=64, num_filters=64, num_interactions=3, num_gaussians=25):
        super().__init__()
        self.species_index = SpeciesIndex(species)
        self.cutoff = cutoff
        self._edges = None
        self.schnet = SchNet(hidden_channels, num_filters, num_interactions, num_gaussians, cutoff,
                             interaction_graph=self._interaction_graph)
        self.register_buffer("energy_shift", torch.zeros(len(species)))
        self.register_buffer("energy_scale", torch.ones(()))

    def _interaction_graph(self, pos, batch):
        return self._edges

    @torch.no_grad()
    def fit_statistics(self, data):
        stats = dataset_statistics(data, self.species_index, self.cutoff, use_forces=True)
        self.energy_shift.copy_(stats.shift.to(self.energy_shift))
        self.energy_scale.fill_(stats.scale)

    def forward(self, data, compute_forces=True):
        pos, batch, num_graphs, cell, pbc = structure_tensors(data)
        with torch.enable_grad():
            pos = pos.detach().requires_grad_(True)
            graph = build_atomic_graph(data, self.cutoff, pos, batch, num_graphs, cell, pbc)
            self._edges = (graph.edge_index, graph.edge_delta.norm(dim=1))
            index = self.species_index(data.z)
            raw = self.schnet(data.z, pos, batch).view(-1)
            shift = scatter(self.energy_shift[index], batch, dim=0, dim_size=num_graphs)
            energy = raw * self.energy_scale + shift
            out = {"energy": energy}
            if compute_forces:
                out["forces"] = -torch.autograd.grad(energy.sum(), pos, create_graph=self.training)[0]
        self._edges = None
        return out

"""SchNetModel: PyG's SchNet as an eqgraph model, the baseline the benchmarks and configs train beside ours."""
from __future__ import annotations

from typing import Sequence

import torch
from torch_geometric.utils import scatter

from .atomic_graph import build_atomic_graph, structure_tensors
from .saving import SavableModel
from .species import SpeciesIndex
from .statistics import dataset_statistics

OUTPUTS = ("energy", "scalar")


class SchNetModel(SavableModel):
    r"""``torch_geometric.nn.models.SchNet`` (continuous-filter convolutions on interatomic
    distances: invariant, not equivariant) with eqgraph's graph building (periodic cells, no
    pyg-lib), statistics and outputs, so the same trainer, configs and checkpoints serve both:

    - ``output="energy"``: a potential, returning ``energy`` [B] and, with ``compute_forces``,
      ``forces`` = :math:`-\partial E / \partial r` [N, 3];
    - ``output="scalar"``: a property, returning ``scalar`` [B].

    Args:
        species: the atomic numbers the model knows.
        output: ``"energy"`` or ``"scalar"``.
        reduce: ``"sum"`` or ``"mean"`` over the atoms (for ``"scalar"``).
        cutoff, hidden_channels, num_filters, num_interactions, num_gaussians: SchNet's.
    """

    def __init__(self, species: Sequence[int], output: str = "energy", reduce: str = "sum", cutoff: float = 5.0,
                 hidden_channels: int = 64, num_filters: int = 64, num_interactions: int = 3, num_gaussians: int = 25):
        super().__init__()
        from torch_geometric.nn.models import SchNet

        if output not in OUTPUTS:
            raise ValueError(f"SchNetModel: output must be one of {OUTPUTS}, got {output!r}")
        if reduce not in ("sum", "mean"):
            raise ValueError(f"SchNetModel: reduce must be 'sum' or 'mean', got {reduce!r}")
        self.config = dict(species=[int(z) for z in species], output=output, reduce=reduce, cutoff=float(cutoff),
                           hidden_channels=hidden_channels, num_filters=num_filters, num_interactions=num_interactions,
                           num_gaussians=num_gaussians)
        self.output, self.reduce, self.cutoff = output, reduce, float(cutoff)
        self.species_index = SpeciesIndex(species)
        self._edges = None
        self.schnet = SchNet(hidden_channels, num_filters, num_interactions, num_gaussians, cutoff,
                             interaction_graph=self._interaction_graph, readout="add")
        self.register_buffer("shift", torch.zeros(len(self.config["species"])))
        self.register_buffer("scale", torch.ones(()))

    def _interaction_graph(self, pos, batch):
        return self._edges

    @torch.no_grad()
    def fit_statistics(self, dataset_or_loader, target: str | None = None) -> dict:
        """Per-species shift and scale of the energy (scale from the forces) or of ``target``."""
        energy = self.output == "energy"
        stats = dataset_statistics(dataset_or_loader, self.species_index, self.cutoff,
                                   target="energy" if energy else (target or "y"), use_forces=energy,
                                   intensive=not energy and self.reduce == "mean")
        self.shift.copy_(stats.shift.to(self.shift))
        self.scale.fill_(stats.scale)
        return {"shift": self.shift.tolist(), "scale": float(self.scale)}

    def forward(self, data, compute_forces: bool = True) -> dict[str, torch.Tensor]:
        pos, batch, num_graphs, cell, pbc = structure_tensors(data)
        forces = compute_forces and self.output == "energy"
        with torch.set_grad_enabled(torch.is_grad_enabled() or forces):
            if forces:
                pos = pos.detach().requires_grad_(True)
            graph = build_atomic_graph(data, self.cutoff, pos, batch, num_graphs, cell, pbc)
            self._edges = (graph.edge_index, graph.edge_delta.norm(dim=1))
            try:
                index = self.species_index(data.z)
                atoms = scatter(torch.ones_like(pos[:, 0]), batch, dim=0, dim_size=num_graphs)
                raw = self.schnet(data.z, pos, batch).view(-1)
                shift = scatter(self.shift[index], batch, dim=0, dim_size=num_graphs)
                if self.reduce == "mean":  # SchNet sums over atoms; the shift is fitted per fraction of each species
                    raw, shift = raw / atoms, shift / atoms
                value = raw * self.scale + shift
            finally:
                self._edges = None
            out = {self.output: value}
            if forces:
                out["forces"] = -torch.autograd.grad(value.sum(), pos, create_graph=self.training)[0]
        return out

"""The e3nn reference of the benchmarks: a NequIP-style potential built from e3nn's modules.

Same structure as eqgraph's ``EquivariantPotential(interaction="channelwise", correlation=1)``
(species embedding, blocks of Linear -> channel-wise ``uvu`` tensor product with the spherical
harmonics weighted by a radial MLP -> Linear, a species-dependent self-connection, gate,
residual; readouts of every layer's scalars; the same Bessel embedding, statistics and
neighbour normalisation), so that a comparison isolates the layers. A benchmark reference,
not part of the library.
"""
from __future__ import annotations

import torch
from e3nn import nn as e3nn_nn
from e3nn import o3
from torch_geometric.utils import scatter

from eqgraph.kernels import BesselRadial
from eqgraph.models import build_atomic_graph, structure_tensors
from eqgraph.models.species import SpeciesIndex
from eqgraph.models.statistics import dataset_statistics


class E3nnBlock(torch.nn.Module):
    def __init__(self, irreps_in, irreps_hidden, irreps_sh, num_species, num_radial, radial_mlp):
        super().__init__()
        self.linear_up = o3.Linear(irreps_in, irreps_in)
        mid, instructions = [], []
        for i, (mul, ir_in) in enumerate(irreps_in):
            for j, (_, ir_sh) in enumerate(irreps_sh):
                for ir_out in ir_in * ir_sh:
                    if ir_out in [ir for _, ir in irreps_hidden]:
                        instructions.append((i, j, len(mid), "uvu", True))
                        mid.append((mul, ir_out))
        mid = o3.Irreps(mid)
        self.tp = o3.TensorProduct(irreps_in, irreps_sh, mid, instructions, shared_weights=False, internal_weights=False)
        self.radial = e3nn_nn.FullyConnectedNet([num_radial, *radial_mlp, self.tp.weight_numel], torch.nn.functional.silu)
        scalars = o3.Irreps([(m, ir) for m, ir in irreps_hidden if ir.l == 0])
        gated = o3.Irreps([(m, ir) for m, ir in irreps_hidden if ir.l > 0])
        self.gate = e3nn_nn.Gate(scalars, [torch.nn.functional.silu], o3.Irreps(f"{gated.num_irreps}x0e"), [torch.sigmoid], gated)
        self.linear_down = o3.Linear(mid, self.gate.irreps_in)
        self.self_connection = o3.FullyConnectedTensorProduct(irreps_in, o3.Irreps(f"{num_species}x0e"), self.gate.irreps_in)
        self.residual = o3.Irreps(irreps_in) == o3.Irreps(irreps_hidden)

    def forward(self, h, species, edge_index, sh, radial, normalization):
        x = self.linear_up(h)
        messages = self.tp(x[edge_index[0]], sh, self.radial(radial))
        m = scatter(messages, edge_index[1], dim=0, dim_size=h.shape[0]) * normalization
        out = self.gate(self.linear_down(m) + self.self_connection(h, species))
        return out + h if self.residual else out


class E3nnNequIP(torch.nn.Module):
    def __init__(self, species, cutoff=5.0, hidden_irreps="16x0e+8x1o+8x2e", lmax=2, num_layers=2, num_radial=8,
                 radial_mlp=(64, 64), readout_hidden=16):
        super().__init__()
        self.species_index = SpeciesIndex(species)
        self.cutoff = cutoff
        S = len(species)
        hidden = o3.Irreps(hidden_irreps)
        self.scalars = sum(m for m, ir in hidden if ir.l == 0)
        self.embedding = torch.nn.Embedding(S, self.scalars)
        torch.nn.init.normal_(self.embedding.weight)
        self.irreps_sh = o3.Irreps.spherical_harmonics(lmax)
        self.radial = BesselRadial(num_radial, cutoff)
        irreps_in = o3.Irreps(f"{self.scalars}x0e")
        self.blocks = torch.nn.ModuleList()
        for _ in range(num_layers):
            self.blocks.append(E3nnBlock(irreps_in, hidden, self.irreps_sh, S, num_radial, radial_mlp))
            irreps_in = hidden
        self.readouts = torch.nn.ModuleList(
            [torch.nn.Linear(self.scalars, 1) for _ in range(num_layers - 1)]
            + [torch.nn.Sequential(torch.nn.Linear(self.scalars, readout_hidden), torch.nn.SiLU(),
                                   torch.nn.Linear(readout_hidden, 1))])
        self.register_buffer("energy_shift", torch.zeros(S))
        self.register_buffer("energy_scale", torch.ones(()))
        self.register_buffer("normalization", torch.ones(()))

    @torch.no_grad()
    def fit_statistics(self, data):
        stats = dataset_statistics(data, self.species_index, self.cutoff, use_forces=True)
        self.energy_shift.copy_(stats.shift.to(self.energy_shift))
        self.energy_scale.fill_(stats.scale)
        self.normalization.fill_(stats.num_neighbors ** -0.5)

    def forward(self, data, compute_forces=True):
        pos, batch, num_graphs, cell, pbc = structure_tensors(data)
        with torch.enable_grad():
            pos = pos.detach().requires_grad_(True)
            graph = build_atomic_graph(data, self.cutoff, pos, batch, num_graphs, cell, pbc)
            index = self.species_index(data.z)
            species = torch.nn.functional.one_hot(index, len(self.species_index.species)).to(pos.dtype)
            sh = o3.spherical_harmonics(self.irreps_sh, graph.edge_delta, normalize=True, normalization="component")
            radial = self.radial(graph.edge_delta.norm(dim=1))
            h = self.embedding(index)
            node = 0
            for block, readout in zip(self.blocks, self.readouts):
                h = block(h, species, graph.edge_index, sh, radial, self.normalization)
                node = node + readout(h[:, :self.scalars]).squeeze(-1)
            node = node * self.energy_scale + self.energy_shift[index]
            energy = scatter(node, batch, dim=0, dim_size=num_graphs)
            out = {"energy": energy, "node_energy": node}
            if compute_forces:
                out["forces"] = -torch.autograd.grad(energy.sum(), pos, create_graph=self.training)[0]
        return out

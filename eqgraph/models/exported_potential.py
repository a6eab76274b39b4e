"""ExportedPotential: an EquivariantPotential's atomic energies on plain tensors."""
from __future__ import annotations

import copy

import torch


class ExportedPotential(torch.nn.Module):
    r"""What :meth:`EquivariantPotential.export` returns: a plain module (exported convolutions,
    ``torch.nn.Linear`` layers, gates; no field types, no graph building, no input checks) computing
    every atom's energy

    .. math::
        E_i = s \sum_t \mathrm{readout}_t\big(h^{(t)}_i\big)_{\text{scalars}} + \mu_{z_i}

    from atomic numbers, positions and a given graph. The energy of a structure is the sum over its
    atoms; forces are ``-torch.autograd.grad(energy, pos)``. Works with ``torch.export.export`` for
    any number of atoms and edges.

    Shapes:
        - **z:** :math:`(N,)` atomic numbers (of the model's species); **pos:** :math:`(N, 3)`;
          **edge_index:** :math:`(2, E)`; **edge_delta** (optional, periodic cells):
          :math:`(E, 3)` offsets ``pos[j] - pos[i] + shift @ cell``
        - **output:** :math:`(N,)` atomic energies
    """

    def __init__(self, model):
        super().__init__()
        trunk = model.trunk
        self.register_buffer("species_table", trunk.species_index.table.clone())
        self.species_count = len(trunk.species_index.species)
        self.embedding = copy.deepcopy(trunk.embedding)
        self.blocks = torch.nn.ModuleList(block.export(trunk.neighbor_normalization) for block in trunk.blocks)
        self.scalar_channels = trunk.scalar_channels
        self.readouts = copy.deepcopy(model.readouts)
        self.register_buffer("energy_scale", model.energy_scale.clone())
        self.register_buffer("energy_shift", model.energy_shift.clone())

    def forward(self, z: torch.Tensor, pos: torch.Tensor, edge_index: torch.Tensor,
                edge_delta: torch.Tensor | None = None) -> torch.Tensor:
        index = self.species_table[z]
        species = torch.nn.functional.one_hot(index, self.species_count).to(pos.dtype)
        h = self.embedding(index)
        raw = None
        for block, readout in zip(self.blocks, self.readouts):
            h = block(h, species, pos, edge_index, edge_delta)
            energy = readout(h[:, :self.scalar_channels])
            raw = energy if raw is None else raw + energy
        return raw.squeeze(-1) * self.energy_scale + self.energy_shift[index]

"""Atomic numbers to the rows of a model's species tables."""
from __future__ import annotations

from typing import Sequence

import torch
from ase.data import chemical_symbols


class SpeciesIndex(torch.nn.Module):
    """Maps atomic numbers ``z [N]`` to indices ``0..S-1`` into the model's ``species``; an element
    the model does not know is a ValueError naming it and the known ones."""

    def __init__(self, species: Sequence[int]):
        super().__init__()
        species = [int(z) for z in species]
        if not species or len(set(species)) != len(species) or not all(1 <= z < len(chemical_symbols) for z in species):
            raise ValueError(f"species must be distinct atomic numbers in 1..{len(chemical_symbols) - 1}, got {species}")
        self.species = tuple(species)
        table = torch.full((len(chemical_symbols),), -1, dtype=torch.long)
        table[torch.tensor(species)] = torch.arange(len(species))
        self.register_buffer("table", table, persistent=False)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if not isinstance(z, torch.Tensor) or z.dim() != 1 or z.is_floating_point():
            raise ValueError(f"the batch needs integer atomic numbers `z` [N], got {getattr(z, 'shape', z)!r}")
        if torch.compiler.is_compiling():
            return self.table[z]
        if z.numel() and (int(z.min()) < 0 or int(z.max()) >= len(chemical_symbols)):
            raise ValueError(f"atomic numbers must be in 1..{len(chemical_symbols) - 1}, got {int(z.min())}..{int(z.max())}")
        index = self.table[z]
        if bool((index < 0).any()):
            unknown = sorted(set(z[index < 0].tolist()))
            raise ValueError(f"the model was not trained on element(s) {[chemical_symbols[u] for u in unknown]} "
                             f"(Z = {unknown}); it knows {[chemical_symbols[s] for s in self.species]}")
        return index

    def extra_repr(self) -> str:
        return ", ".join(chemical_symbols[z] for z in self.species)

"""AtomicTrunk: species embedding, shared edge geometry and interaction blocks."""
from __future__ import annotations

from typing import Sequence

import torch

from .. import gspaces
from ..fields import FieldType, GeometricTensor
from ..kernels import BesselRadial, GaussianRadial
from .atomic_graph import AtomicGraph
from .interaction import INTERACTIONS, InteractionBlock, hidden_irreps_string
from .species import SpeciesIndex


RADIAL_BASES = {"bessel": BesselRadial, "gaussian": GaussianRadial}
"""The radial embeddings of the edges, by the name the models take as ``radial_basis``."""


class AtomicTrunk(torch.nn.Module):
    r"""The representation part of the atomistic models: atoms embedded by species as
    ``channels`` scalars, then ``num_layers`` :class:`InteractionBlock` s over the edges within
    ``cutoff``, all reading one edge geometry (offsets, harmonics up to ``lmax``, the
    ``radial_basis``'s functions with a polynomial envelope) computed once per forward.

    ``hidden_irreps`` (e3nn notation, scalars first) replaces ``channels`` copies of every degree.
    ``parity=True`` works with O(3) (``flipRot3dOnR3``, features ``0e + 1o + 2e + ...``),
    ``parity=False`` with SO(3). ``forward`` returns the node features after every block.
    """

    def __init__(self, species: Sequence[int], cutoff: float, channels: int, lmax: int, num_layers: int,
                 correlation: int, num_radial: int, radial_mlp: Sequence[int], parity: bool, interaction: str,
                 envelope_exponent: int = 6, hidden_irreps: str | None = None, radial_basis: str = "bessel"):
        super().__init__()
        _check_arguments(cutoff, channels, lmax, num_layers, correlation, num_radial, interaction, radial_basis)
        self.species_index = SpeciesIndex(species)
        self.gspace = gspaces.flipRot3dOnR3() if parity else gspaces.rot3dOnR3()
        self.cutoff = float(cutoff)
        S = len(self.species_index.species)
        self.species_type = FieldType(self.gspace, [self.gspace.trivial_repr] * S)
        self.embedding = torch.nn.Embedding(S, channels)
        torch.nn.init.normal_(self.embedding.weight)
        radial = RADIAL_BASES[radial_basis](num_radial, cutoff, p=envelope_exponent)
        hidden_irreps = hidden_irreps or hidden_irreps_string(channels, lmax)
        self.input_type = in_type = FieldType(self.gspace, [self.gspace.trivial_repr] * channels)
        self.blocks = torch.nn.ModuleList()
        for _ in range(num_layers):
            block = InteractionBlock(in_type, hidden_irreps, lmax, self.species_type, radial, radial_mlp, interaction,
                                     correlation)
            self.blocks.append(block)
            in_type = block.out_type
        self.scalar_channels = sum(rep == self.gspace.trivial_repr for rep in self.blocks[-1].out_type.representations)
        self.register_buffer("neighbor_normalization", torch.ones(()))

    def set_num_neighbors(self, average: float) -> None:
        """Divide every aggregated message by ``sqrt(average)`` (the mean neighbour count)."""
        if not average > 0:
            raise ValueError(f"the average number of neighbours must be positive, got {average}")
        self.neighbor_normalization.fill_(average ** -0.5)

    def forward(self, index: torch.Tensor, graph: AtomicGraph) -> list[GeometricTensor]:
        """The features after every block, for atoms of species ``index`` (``self.species_index(z)``)."""
        if index.shape[0] != graph.pos.shape[0]:
            raise ValueError(f"`z` has {index.shape[0]} atoms but `pos` has {graph.pos.shape[0]}")
        one_hot = torch.nn.functional.one_hot(index, len(self.species_index.species)).to(graph.pos.dtype)
        species = GeometricTensor(one_hot, self.species_type, graph.pos)
        geometry = self.blocks[0].conv.geometry_of_offsets(graph.edge_delta)
        h = GeometricTensor(self.embedding(index), self.input_type, graph.pos)
        features = []
        for block in self.blocks:
            h = block(h, species, graph.edge_index, geometry, self.neighbor_normalization)
            features.append(h)
        return features


def _check_arguments(cutoff, channels, lmax, num_layers, correlation, num_radial, interaction, radial_basis) -> None:
    checks = [("cutoff", cutoff, isinstance(cutoff, (int, float)) and 0 < cutoff < float("inf"), "a finite number > 0"),
              ("channels", channels, isinstance(channels, int) and channels >= 1, "an integer >= 1"),
              ("lmax", lmax, isinstance(lmax, int) and 0 <= lmax <= 4, "an integer in 0..4"),
              ("num_layers", num_layers, isinstance(num_layers, int) and num_layers >= 1, "an integer >= 1"),
              ("correlation", correlation, isinstance(correlation, int) and 1 <= correlation <= 3, "1, 2 or 3"),
              ("radial_basis", radial_basis, isinstance(radial_basis, str) and radial_basis in RADIAL_BASES,
               f"one of {tuple(RADIAL_BASES)}"),
              ("num_radial", num_radial, isinstance(num_radial, int) and num_radial >= (2 if radial_basis == "gaussian" else 1),
               "an integer >= 1 (>= 2 for Gaussians)"),
              ("interaction", interaction, interaction in INTERACTIONS, f"one of {INTERACTIONS}")]
    for name, value, ok, expected in checks:
        if not ok:
            raise ValueError(f"{name} must be {expected}, got {value!r}")

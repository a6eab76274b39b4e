"""ExportedGraphLayer: the edge geometry of an exported point convolution, in plain torch."""
from __future__ import annotations

import copy
import math

import torch

from ...kernels.harmonics import safe_norm
from ..conv.edge_geometry import edge_harmonics, edge_offsets


class ExportedGraphLayer(torch.nn.Module):
    """Base of the exported point convolutions: plain ``torch.nn.Module``s (no field types, kernel
    bases or message-passing machinery) whose ``forward(x, pos, edge_index, edge_delta=None)``
    takes tensors. Holds the layer's radial profile, band limit and harmonic change of basis, its
    aggregation and neighbour normalisation; subclasses add the contraction."""

    def __init__(self, layer):
        super().__init__()
        self.maximum_frequency = int(layer.maximum_frequency)
        self.radial_profile = copy.deepcopy(layer.radial_profile)
        self.keep("harmonic_change", layer.harmonic_change)
        self.mean = layer.aggr == "mean"
        self.neighbor_scale = None if layer.num_neighbors is None else 1.0 / math.sqrt(layer.num_neighbors)

    def keep(self, name: str, value: torch.Tensor | None) -> None:
        """Register a detached copy of ``value`` (or None) as a buffer saved in the state_dict."""
        self.register_buffer(name, None if value is None else value.detach().clone())

    def edge_features(self, pos: torch.Tensor, edge_index: torch.Tensor,
                      edge_delta: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        """``(harmonics [E, S], radial profile [E, R])`` of the edges' offsets ``pos[j] - pos[i]``
        (or ``edge_delta``)."""
        delta = edge_offsets(pos, pos, edge_index) if edge_delta is None else edge_delta
        return edge_harmonics(delta, self.maximum_frequency, self.harmonic_change), self.radial_profile(safe_norm(delta))

    def normalised(self, out: torch.Tensor) -> torch.Tensor:
        return out if self.neighbor_scale is None else out * self.neighbor_scale

"""Readout: from the last hidden fields to class logits or vectors, on grids and graphs."""
from __future__ import annotations

import torch
from torch_geometric.utils import scatter

from ..fields import FieldType, GeometricTensor
from ..nn import GroupPooling
from .feature_fields import FeatureFields
from .grid_graph_conv import GridGraphConv

POOLS = {2: torch.nn.AdaptiveAvgPool2d, 3: torch.nn.AdaptiveAvgPool3d}


class Readout(torch.nn.Module):
    r"""The head of the vision models, on a grid ``[B, C, *S]`` or on graph nodes ``[N, C]``:

    - ``"invariant"``: invariant features per position (``GroupPooling`` for finite groups, a
      1x1 convolution onto invariant fields for continuous ones), their mean over the positions
      of each image or graph, and a linear layer: logits ``[B, num_classes]``;
    - ``"vector"``: a 1x1 convolution onto ``num_classes`` fields transforming as the space's
      vectors and their mean: ``[B, num_classes, d]``, equivariant.
    """

    def __init__(self, in_type: FieldType, fields: FeatureFields, num_classes: int, head: str):
        super().__init__()
        gs = in_type.gspace
        self.head, self.num_classes, self.dimensionality = head, num_classes, gs.dimensionality
        if head == "invariant":
            scalars = gs.type(*[gs.trivial_repr] * len(in_type))
            self.features = GroupPooling(in_type) if fields.finite else GridGraphConv(in_type, scalars, 1)
            self.linear = torch.nn.Linear(len(in_type), num_classes)
        else:
            self.features = GridGraphConv(in_type, gs.type(*[gs.basespace_action] * num_classes), 1)
            self.linear = None

    def forward(self, x: GeometricTensor, batch: torch.Tensor | None = None, num_graphs: int | None = None) -> torch.Tensor:
        if isinstance(self.features, GridGraphConv) and not x.is_grid:
            self_loops = torch.arange(x.shape[0], device=x.tensor.device).repeat(2, 1)
            h = self.features(x, self_loops).tensor
        else:
            h = self.features(x).tensor
        pooled = h.flatten(2).mean(2) if x.is_grid else scatter(h, batch, dim=0, dim_size=num_graphs, reduce="mean")
        return self.linear(pooled) if self.linear is not None else pooled.unflatten(1, (self.num_classes, self.dimensionality))

    def export(self) -> torch.nn.Module:
        finish = self.linear if self.linear is not None else torch.nn.Unflatten(1, (self.num_classes, self.dimensionality))
        return torch.nn.Sequential(self.features.export(), POOLS[self.dimensionality](1), torch.nn.Flatten(), finish)

"""Readout: from the last hidden fields to class logits or vectors, on grids and graphs."""
from __future__ import annotations

import torch
from torch_geometric.utils import scatter

from ..fields import FieldType, GeometricTensor
from ..nn import GroupPooling, TripleProductPooling
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

    With ``handedness`` (SO(3) fields, invariant head) the invariant features also hold every
    field's :class:`TripleProductPooling`, which tells mirror images apart.
    """

    def __init__(self, in_type: FieldType, fields: FeatureFields, num_classes: int, head: str,
                 handedness: bool = False):
        super().__init__()
        gs = in_type.gspace
        self.head, self.num_classes, self.dimensionality = head, num_classes, gs.dimensionality
        if handedness and head != "invariant":
            raise ValueError(f"handedness adds invariant features: it needs head='invariant', got head={head!r}")
        self.handedness = TripleProductPooling(in_type) if handedness else None
        if head == "invariant":
            scalars = gs.type(*[gs.trivial_repr] * len(in_type))
            self.features = GroupPooling(in_type) if fields.finite else GridGraphConv(in_type, scalars, 1)
            self.linear = torch.nn.Linear(len(in_type) * (2 if handedness else 1), num_classes)
        else:
            self.features = GridGraphConv(in_type, gs.type(*[gs.basespace_action] * num_classes), 1)
            self.linear = None

    def forward(self, x: GeometricTensor, batch: torch.Tensor | None = None, num_graphs: int | None = None) -> torch.Tensor:
        if isinstance(self.features, GridGraphConv) and not x.is_grid:
            self_loops = torch.arange(x.shape[0], device=x.tensor.device).repeat(2, 1)
            h = self.features(x, self_loops).tensor
        else:
            h = self.features(x).tensor
        if self.handedness is not None:
            h = torch.cat([h, self.handedness(x).tensor], 1)
        pooled = h.flatten(2).mean(2) if x.is_grid else scatter(h, batch, dim=0, dim_size=num_graphs, reduce="mean")
        return self.linear(pooled) if self.linear is not None else pooled.unflatten(1, (self.num_classes, self.dimensionality))

    def export(self) -> torch.nn.Module:
        finish = self.linear if self.linear is not None else torch.nn.Unflatten(1, (self.num_classes, self.dimensionality))
        features = self.features.export()
        if self.handedness is not None:
            features = ConcatenatedChannels(features, self.handedness.export())
        return torch.nn.Sequential(features, POOLS[self.dimensionality](1), torch.nn.Flatten(), finish)


class ConcatenatedChannels(torch.nn.Module):
    """Plain PyTorch: the outputs of several modules on one input, concatenated along axis 1."""

    def __init__(self, *branches: torch.nn.Module):
        super().__init__()
        self.branches = torch.nn.ModuleList(branches)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([branch(x) for branch in self.branches], 1)

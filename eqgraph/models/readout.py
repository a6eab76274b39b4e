"""Readout: from the last hidden fields to class logits or vectors, on grids and graphs."""
from __future__ import annotations

import torch
from torch_geometric.utils import scatter

from ..fields import FieldType, GeometricTensor
from ..nn import GroupPooling, ScaleSpaceChirality
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

    Two ways to read invariants that change sign with a mirror image (invariant head only):
    ``pseudoscalars`` (O(3) fields) adds one pseudo-scalar field per field to the 1x1
    convolution, so the logits are invariant under rotations but not reflections, as in e3nn's
    tetris example; ``handedness_type`` (SO(3) scalar fields, the model's input) adds the
    :class:`~eqgraph.nn.ScaleSpaceChirality` invariants of the fields passed to :meth:`forward`
    as ``handed``.
    """

    def __init__(self, in_type: FieldType, fields: FeatureFields, num_classes: int, head: str,
                 handedness_type: FieldType | None = None, pseudoscalars: bool = False):
        super().__init__()
        gs = in_type.gspace
        self.head, self.num_classes, self.dimensionality = head, num_classes, gs.dimensionality
        if (handedness_type is not None or pseudoscalars) and head != "invariant":
            raise ValueError(f"handedness adds invariant features: it needs head='invariant', got head={head!r}")
        self.handedness = None if handedness_type is None else ScaleSpaceChirality(handedness_type)
        if head == "invariant":
            scalars = [gs.trivial_repr] * len(in_type) + ([gs.irrep(1, 0)] * len(in_type) if pseudoscalars else [])
            self.features = GroupPooling(in_type) if fields.finite else GridGraphConv(in_type, gs.type(*scalars), 1)
            handed = 0 if self.handedness is None else len(self.handedness.out_type)
            self.linear = torch.nn.Linear(len(scalars) + handed, num_classes)
        else:
            self.features = GridGraphConv(in_type, gs.type(*[gs.basespace_action] * num_classes), 1)
            self.linear = None

    def forward(self, x: GeometricTensor, batch: torch.Tensor | None = None, num_graphs: int | None = None,
                handed: GeometricTensor | None = None, handed_batch: torch.Tensor | None = None) -> torch.Tensor:
        if isinstance(self.features, GridGraphConv) and not x.is_grid:
            self_loops = torch.arange(x.shape[0], device=x.tensor.device).repeat(2, 1)
            h = self.features(x, self_loops).tensor
        else:
            h = self.features(x).tensor
        pooled = _mean(h, x.is_grid, batch, num_graphs)
        if self.handedness is not None:
            chirality = self.handedness(handed, handed_batch, num_graphs).tensor
            pooled = torch.cat([pooled, chirality], 1)
        return self.linear(pooled) if self.linear is not None else pooled.unflatten(1, (self.num_classes, self.dimensionality))

    def export(self) -> torch.nn.Module:
        """The head, plain, when it reads the last stage only (no handedness): features,
        spatial mean, then logits (or vectors)."""
        if self.handedness is not None:
            raise NotImplementedError("this head also reads the input's handedness invariants: the model's export() "
                                      "builds it (PlainHandedClassifier)")
        finish = self.linear if self.linear is not None else torch.nn.Unflatten(1, (self.num_classes, self.dimensionality))
        return torch.nn.Sequential(*self.export_mean(self.features), finish)

    def export_mean(self, module: torch.nn.Module) -> list[torch.nn.Module]:
        """``module`` exported, then the mean over the grid's positions."""
        return [module.export(), POOLS[self.dimensionality](1), torch.nn.Flatten()]


def _mean(h: torch.Tensor, is_grid: bool, batch: torch.Tensor | None, num_graphs: int | None) -> torch.Tensor:
    """Per image the mean over the grid's positions, per graph over its nodes: ``[B, C]``."""
    return h.flatten(2).mean(2) if is_grid else scatter(h, batch, dim=0, dim_size=num_graphs, reduce="mean")

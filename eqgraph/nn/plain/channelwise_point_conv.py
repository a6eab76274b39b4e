"""ExportedChannelwisePointConv: a ChannelwisePointConv as a plain torch module."""
from __future__ import annotations

import copy

import torch

from ..conv.channelwise_messages import channelwise_messages
from ..conv.edge_chunks import aggregate_edges
from .graph_layer import ExportedGraphLayer


class ExportedChannelwisePointConv(ExportedGraphLayer):
    r"""What :meth:`ChannelwisePointConv.export` returns: every channel convolved with its own radial
    weights (the layer's radial network) on plain tensors. Works with ``torch.export.export`` for any
    number of nodes and edges.

    Shapes:
        - **x:** :math:`(N, c_{in})`; **pos:** :math:`(N, d)`; **edge_index:** :math:`(2, E)`;
          **edge_delta** (optional): :math:`(E, d)`
        - **output:** :math:`(N, c_{out})`, the layer's ``out_type``
    """

    def __init__(self, conv):
        super().__init__(conv)
        self.radial_network = copy.deepcopy(conv.radial_network)
        self.plan = conv.plan
        self.keep("in_order", conv.in_order)
        self.keep("out_order", conv.out_order)
        for i, maps in enumerate(conv.angular_maps()):
            self.keep(f"angular_{i}", maps)

    def forward(self, x: torch.Tensor, pos: torch.Tensor, edge_index: torch.Tensor,
                edge_delta: torch.Tensor | None = None) -> torch.Tensor:
        harmonics, radial = self.edge_features(pos, edge_index, edge_delta)
        features = x if self.in_order is None else x.index_select(1, self.in_order)
        angular = [getattr(self, f"angular_{i}") for i in range(len(self.plan))]
        no_rows = [None] * len(self.plan)  # the rows' gather serves the fused path only

        def messages(sources, harmonics, radial):
            # block by block: no branch on the edge count, so one exported program serves every graph size
            return channelwise_messages(features.index_select(0, sources), harmonics, self.radial_network(radial),
                                        angular, no_rows, self.plan, fused=False)

        out = aggregate_edges(messages, edge_index, (harmonics, radial), x.shape[0], self.mean, None)
        return self.normalised(out).index_select(1, self.out_order)

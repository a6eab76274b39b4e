"""ExportedPointConv: an R2PointConv/R3PointConv as a plain torch module."""
from __future__ import annotations

import copy

import torch

from ..conv.edge_chunks import aggregate_edges
from ..conv.path_contraction import contract_paths
from .graph_layer import ExportedGraphLayer


class ExportedPointConv(ExportedGraphLayer):
    r"""What :meth:`PointConv.export` returns: the layer's function

    .. math::
        y_i = Q_{out} \bigoplus_{j \in \mathcal{N}(i)} K(p_j - p_i)\, Q_{in}^{-1} x_j + b

    with the learnable coefficients folded into fixed mixing matrices, on plain tensors. Works with
    ``torch.export.export`` for any number of nodes and edges.

    Shapes:
        - **x:** :math:`(N, c_{in})`; **pos:** :math:`(N, d)`; **edge_index:** :math:`(2, E)`;
          **edge_delta** (optional): :math:`(E, d)` offsets replacing ``pos[j] - pos[i]``
        - **output:** :math:`(N, c_{out})`
    """

    def __init__(self, conv):
        super().__init__(conv)
        self.radial_mlp = copy.deepcopy(conv.radial_mlp)
        self.in_sizes, self.groups = conv._in_sizes, conv._groups
        self.keep("in_matrix", conv.in_matrix)
        self.keep("out_matrix", conv.out_matrix)
        for n, maps in enumerate(conv.angular_maps()):
            self.keep(f"angular_{n}", maps)
        self.path_count = len(conv.angular_maps())
        with torch.no_grad():
            for o, matrix in enumerate(conv.mixing_matrices()):
                self.keep(f"mixing_{o}", matrix)
            self.keep("bias", None if conv.bias is None else conv.bias_expansion @ conv.bias)

    def forward(self, x: torch.Tensor, pos: torch.Tensor, edge_index: torch.Tensor,
                edge_delta: torch.Tensor | None = None) -> torch.Tensor:
        harmonics, radial = self.edge_features(pos, edge_index, edge_delta)
        if self.radial_mlp is not None:
            radial = self.radial_mlp(radial)
        features = x if self.in_matrix is None else x @ self.in_matrix.T
        angular = [getattr(self, f"angular_{n}") for n in range(self.path_count)]
        mixing = [getattr(self, f"mixing_{o}") for o in range(len(self.groups))]

        def messages(sources, harmonics, radial):
            return contract_paths(features.index_select(0, sources), harmonics, radial, angular, mixing,
                                  self.in_sizes, self.groups)

        out = self.normalised(aggregate_edges(messages, edge_index, (harmonics, radial), x.shape[0], self.mean, None))
        if self.out_matrix is not None:
            out = out @ self.out_matrix.T
        return out if self.bias is None else out + self.bias

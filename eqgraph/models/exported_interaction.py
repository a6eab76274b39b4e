"""ExportedInteraction: an InteractionBlock on plain tensors."""
from __future__ import annotations

import torch


class ExportedInteraction(torch.nn.Module):
    r"""What :meth:`InteractionBlock.export` returns: the block's

    .. math::
        h_i' = \mathrm{Gate}\big(W_{down}\, P(m_i) + S_{z_i} h_i\big) \;[+\, h_i]

    from the exported convolution, linears, product and gate.

    Shapes:
        - **h:** :math:`(N, c_{in})`; **species:** one-hot :math:`(N, S)`; **pos:** :math:`(N, 3)`;
          **edge_index:** :math:`(2, E)`; **edge_delta** (optional): :math:`(E, 3)`
        - **output:** :math:`(N, c_{out})`
    """

    def __init__(self, block, normalization: torch.Tensor):
        super().__init__()
        self.linear_up = block.linear_up.export()
        self.conv = block.conv.export()
        self.register_buffer("normalization", normalization.detach().clone())
        self.to_features = None if block.to_features is None else block.to_features.export()
        self.product = None if block.product is None else block.product.export()
        self.linear_down = block.linear_down.export()
        self.self_connection = block.self_connection.export()
        self.gate = torch.nn.SiLU() if block.gate is None else block.gate.export()
        self.residual = block.residual

    def forward(self, h: torch.Tensor, species: torch.Tensor, pos: torch.Tensor, edge_index: torch.Tensor,
                edge_delta: torch.Tensor | None = None) -> torch.Tensor:
        m = self.conv(self.linear_up(h), pos, edge_index, edge_delta) * self.normalization
        if self.product is not None:
            m = self.product(self.to_features(m))
        out = self.gate(self.linear_down(m) + self.self_connection(h, species))
        return out + h if self.residual else out

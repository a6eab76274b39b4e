"""The messages of a ChannelwisePointConv, in plain torch."""
from __future__ import annotations

from typing import Sequence

import torch

FUSED_MESSAGE_ELEMENTS = 2 ** 23
"""Up to this many message values per input irrep (32 MiB in float32) the radial weights are spread
over the rows by one gather and the messages aggregated per input irrep; beyond, per block. Measured
on a force-training step (32 channels, lmax 2): the gather saved 16% at 11,000 edges and cost 15% at
43,000."""


def channelwise_messages(x_j: torch.Tensor, harmonics: torch.Tensor, weights: torch.Tensor,
                         angular: Sequence[torch.Tensor], weight_rows: Sequence[torch.Tensor],
                         plan: Sequence[tuple], fused: bool | None) -> list[torch.Tensor]:
    """A :class:`ChannelwisePointConv`'s messages in pieces to aggregate one by one, in its internal
    order (input irrep, target, element, component, copy): one piece per input irrep when the radial
    weights are spread over all rows by one gather (``fused``; None: on graphs of at most
    ``FUSED_MESSAGE_ELEMENTS`` values per irrep), one per (input irrep, target) block otherwise.

    Args:
        x_j: ``[E, c_in]`` source features, irrep by irrep (``[m, d]`` blocks).
        harmonics: ``[E, S]``; weights: ``[E, paths]`` the radial network's output.
        angular: per input irrep ``[S, K * d]``; weight_rows: per input irrep the path of each row.
        plan: :attr:`ChannelwisePointConv.plan`.
    """
    E = x_j.shape[0]
    inputs = x_j.split([m * d for m, d, _, _ in plan], dim=1)
    path_weights = weights.split([m * sum(A for A, _ in blocks) for m, _, _, blocks in plan], dim=1)
    pieces = []
    for f, w, maps, rows, (m, d, K, blocks) in zip(inputs, path_weights, angular, weight_rows, plan):
        z = (harmonics @ maps).view(E, K, d)
        if d == 1:  # a scalar input: an outer product, cheaper broadcast than batched
            z = z * f.view(E, 1, m)
        else:
            z = torch.bmm(z, f.view(E, m, d).transpose(1, 2))  # [E, K, m]
        w = w.view(E, w.shape[1] // m, m)
        if fused or (fused is None and E * K * m <= FUSED_MESSAGE_ELEMENTS):
            pieces.append((z * w.index_select(1, rows)).view(E, K * m))
            continue
        z_blocks = z.split([A * d_out for A, d_out in blocks], dim=1)
        for (A, d_out), z_block, w_block in zip(blocks, z_blocks, w.split([A for A, _ in blocks], dim=1)):
            pieces.append((z_block.view(E, A, d_out, m) * w_block.view(E, A, 1, m)).reshape(E, A * d_out * m))
    return pieces

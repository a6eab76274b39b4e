from __future__ import annotations

from typing import Sequence

import torch


class MaxPoolChannels(torch.nn.Module):
    """Plain PyTorch: the maximum of the channels of each group along axis 1 (what
    :class:`GroupPooling` exports to).

    Args:
        field_of_channel: the group index of every channel.
    """

    def __init__(self, field_of_channel: Sequence[int]):
        super().__init__()
        self.register_buffer("field_of_channel", torch.as_tensor(list(field_of_channel), dtype=torch.long))
        self.fields = int(self.field_of_channel.max()) + 1 if len(self.field_of_channel) else 0
        size = len(self.field_of_channel) // max(self.fields, 1)
        contiguous = torch.arange(self.fields).repeat_interleave(size)
        self.field_size = size if torch.equal(contiguous, self.field_of_channel) else None  # then a reshape will do

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.field_size is not None:
            return x.unflatten(1, (self.fields, self.field_size)).amax(2)
        index = self.field_of_channel.view(1, -1, *[1] * (x.dim() - 2)).expand_as(x)
        out = x.new_zeros(x.shape[0], self.fields, *x.shape[2:])
        return out.scatter_reduce(1, index, x, reduce="amax", include_self=False)

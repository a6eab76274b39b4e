from __future__ import annotations

import torch

from ...fields import FieldType
from .pointwise import PointwiseNonLinearity


class ReLU(PointwiseNonLinearity):
    r""":math:`y_c = \max(x_c, 0)` on every channel, for fields acting by permutations.

    Args:
        in_type: the input (and output) type.
        inplace: modify the input tensor in place.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, inplace: bool = False):
        super().__init__(in_type, "p_relu")
        self.inplace = inplace

    def activation(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu_(x) if self.inplace else torch.relu(x)

    def export(self) -> torch.nn.Module:
        return torch.nn.ReLU(inplace=self.inplace)

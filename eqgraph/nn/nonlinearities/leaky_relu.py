from __future__ import annotations

import torch

from ...fields import FieldType
from .pointwise import PointwiseNonLinearity


class LeakyReLU(PointwiseNonLinearity):
    r""":math:`y_c = \max(x_c, 0) + s \min(x_c, 0)` on every channel, for fields acting by
    permutations.

    Args:
        in_type: the input (and output) type.
        negative_slope: s.
        inplace: modify the input tensor in place.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__(in_type, "p_relu")
        self.negative_slope, self.inplace = negative_slope, inplace

    def activation(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.leaky_relu(x, self.negative_slope, self.inplace)

    def export(self) -> torch.nn.Module:
        return torch.nn.LeakyReLU(self.negative_slope, self.inplace)

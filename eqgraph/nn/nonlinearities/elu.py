from __future__ import annotations

import torch

from ...fields import FieldType
from .pointwise import PointwiseNonLinearity


class ELU(PointwiseNonLinearity):
    r""":math:`y_c = x_c` for :math:`x_c > 0`, :math:`\alpha (e^{x_c} - 1)` otherwise, on every
    channel, for fields acting by permutations.

    Args:
        in_type: the input (and output) type.
        alpha: the negative saturation.
        inplace: modify the input tensor in place.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, alpha: float = 1.0, inplace: bool = False):
        super().__init__(in_type, "p_elu")
        self.alpha, self.inplace = alpha, inplace

    def activation(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.elu(x, self.alpha, self.inplace)

    def export(self) -> torch.nn.Module:
        return torch.nn.ELU(self.alpha, self.inplace)

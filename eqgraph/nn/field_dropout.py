from __future__ import annotations

import torch

from ..fields import FieldType, GeometricTensor
from .equivariant_module import EquivariantModule
from .field_index import field_of_channel


class FieldDropout(EquivariantModule):
    r"""In training, zeroes whole fields with probability ``p`` and scales the rest by
    :math:`1/(1-p)`; the identity in eval mode. Equivariant for any representation (in
    distribution in training, exactly in eval).

    Args:
        in_type: the input (and output) type.
        p: the probability of dropping a field.
        inplace: accepted for escnn compatibility; the output is always a new tensor.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"FieldDropout needs 0 <= p < 1, got {p}")
        self.in_type = self.out_type = in_type
        self.p = p
        self.register_buffer("field_of_channel", field_of_channel(in_type), persistent=False)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        if not self.training or self.p == 0:
            return input
        x = input.tensor
        keep = (torch.rand(x.shape[0], len(self.in_type), *x.shape[2:], device=x.device) >= self.p).to(x.dtype)
        mask = keep.index_select(1, self.field_of_channel) / (1 - self.p)
        return GeometricTensor(x * mask, self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

from __future__ import annotations

import torch

from ..fields import FieldType, GeometricTensor
from .capabilities import is_permutation, require
from .equivariant_module import EquivariantModule


class PointwiseDropout(EquivariantModule):
    r"""``torch.nn.functional.dropout`` on every channel, for fields acting by permutations.

    Args:
        in_type: the input (and output) type.
        p: the probability of dropping a channel.
        inplace: as ``torch.nn.Dropout``.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"PointwiseDropout needs 0 <= p < 1, got {p}")
        require(in_type, is_permutation, "dropping single channels breaks fields that are not permuted by the "
                "group; use FieldDropout", type(self).__name__)
        self.in_type = self.out_type = in_type
        self.p, self.inplace = p, inplace

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        out = torch.nn.functional.dropout(input.tensor, self.p, self.training, self.inplace)
        return GeometricTensor(out, self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def export(self) -> torch.nn.Module:
        return torch.nn.Dropout(self.p, self.inplace).train(self.training)

from __future__ import annotations

import torch

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule
from ..field_index import field_norms
from ..induced_blocks import induced_blocks


class InducedNormNonLinearity(EquivariantModule):
    r"""A norm nonlinearity on every block of induced fields (the copies of the inducing
    representation that the group permutes), with one bias per field shared by its blocks:

    .. math::
        y_{f,k} = x_{f,k}\, \frac{\sigma(\lVert x_{f,k} \rVert - b_f)}{\lVert x_{f,k} \rVert}.

    Args:
        in_type: a type of induced fields (``gspace.induced_repr``).
        function: ``n_relu`` or ``n_sigmoid`` (the latter without the division).
        bias: learn the biases.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, function: str = "n_relu", bias: bool = True):
        super().__init__()
        if function not in ("n_relu", "n_sigmoid"):
            raise ValueError(f"unknown induced norm function {function!r}; choose n_relu or n_sigmoid")
        block_of_channel, field_of_block = induced_blocks(in_type, type(self).__name__)
        self.in_type = self.out_type = in_type
        self.function = function
        self.register_buffer("block_of_channel", block_of_channel, persistent=False)
        self.register_buffer("field_of_block", field_of_block, persistent=False)
        self.bias = torch.nn.Parameter(torch.zeros(len(in_type))) if bias else None

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        norms = field_norms(x, self.block_of_channel, len(self.field_of_block))
        shifted = norms
        if self.bias is not None:
            shifted = norms - self.bias.index_select(0, self.field_of_block).view(1, -1, *[1] * (x.dim() - 2))
        scale = torch.relu(shifted) / norms if self.function == "n_relu" else torch.sigmoid(shifted)
        return GeometricTensor(x * scale.index_select(1, self.block_of_channel), self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

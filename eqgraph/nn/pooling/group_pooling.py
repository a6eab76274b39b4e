from __future__ import annotations

import torch

from ...fields import FieldType, GeometricTensor
from ..capabilities import is_permutation, require
from ..equivariant_module import EquivariantModule
from ..field_index import common_size, field_of_channel, invariant_per_field
from .max_pool_channels import MaxPoolChannels


class GroupPooling(EquivariantModule):
    r"""The largest channel of every field, :math:`y_f = \max_{c \in f} x_c`: an invariant
    (trivial) field per input field. Fields must act by permutations (regular, quotient,
    trivial).

    Args:
        in_type: the input type.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** one channel per field
    """

    def __init__(self, in_type: FieldType):
        super().__init__()
        require(in_type, is_permutation, "the maximum over a field is invariant only for permutation representations; "
                "use NormPool", type(self).__name__)
        self.in_type = in_type
        self.out_type = invariant_per_field(in_type)
        self.register_buffer("field_of_channel", field_of_channel(in_type), persistent=False)
        self.field_size = common_size(in_type)  # equal sizes: a reshape replaces the scatter

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        if self.field_size is not None:
            out = x.unflatten(1, (len(self.in_type), self.field_size)).amax(2)
        else:
            index = self.field_of_channel.view(1, -1, *[1] * (x.dim() - 2)).expand_as(x)
            out = x.new_zeros(x.shape[0], len(self.in_type), *x.shape[2:])
            out = out.scatter_reduce(1, index, x, reduce="amax", include_self=False)
        return GeometricTensor(out, self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], len(self.in_type), *input_shape[2:])

    def export(self) -> torch.nn.Module:
        return MaxPoolChannels(self.field_of_channel.tolist())

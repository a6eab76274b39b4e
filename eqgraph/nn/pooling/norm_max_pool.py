from __future__ import annotations

import torch.nn.functional as F

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule
from ..field_index import field_norms, field_of_channel
from .spatial_pool import check_pool_options, check_pooled_size


class NormMaxPool(EquivariantModule):
    r"""In every pooling window, each field keeps its value at the pixel where its norm is
    largest: max-pooling by norm, equivariant for any (orthogonal) representation.

    Args:
        in_type: the input (and output) type.
        kernel_size, stride, padding, dilation, ceil_mode: as ``torch.nn.MaxPool2d``.

    Shapes:
        - **input:** :math:`(B, C, *S)`
        - **output:** :math:`(B, C, *S')`
    """

    def __init__(self, in_type: FieldType, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False):
        super().__init__()
        self.in_type = self.out_type = in_type
        self.options = dict(kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode)
        check_pool_options(type(self).__name__, self.options)
        self.register_buffer("field_of_channel", field_of_channel(in_type), persistent=False)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        self.check_grid(input, "pools pixels or voxels")
        check_pooled_size(self, tuple(input.shape[2:]), self.options)
        x = input.tensor
        pool = F.max_pool2d if x.dim() == 4 else F.max_pool3d
        norms = field_norms(x, self.field_of_channel, len(self.in_type))
        _, where = pool(norms, return_indices=True, **self.options)
        where = where.index_select(1, self.field_of_channel)
        picked = x.flatten(2).gather(2, where.flatten(2)).view(where.shape)
        return GeometricTensor(picked, self.out_type)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        import torch

        return tuple(self.forward(GeometricTensor(torch.zeros(input_shape), self.in_type)).shape)

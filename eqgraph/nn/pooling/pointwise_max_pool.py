from __future__ import annotations

import torch
import torch.nn.functional as F

from ...fields import FieldType
from ..capabilities import is_permutation, require
from .spatial_pool import SpatialPool


class PointwiseMaxPool(SpatialPool):
    r"""Channel-wise max-pooling over pixels or voxels, as ``torch.nn.MaxPool2d``/``MaxPool3d``.
    Fields must act by permutations (a maximum of rotated vectors is not a rotated maximum).
    Exactly equivariant under grid symmetries when the windows tile the grid symmetrically
    (e.g. an even size divisible by the stride).

    Args:
        in_type: the input (and output) type.
        kernel_size, stride, padding, dilation, ceil_mode: as ``torch.nn.MaxPool2d``.

    Shapes:
        - **input:** :math:`(B, C, *S)`
        - **output:** :math:`(B, C, *S')`
    """

    functions = (F.max_pool2d, F.max_pool3d)
    modules = (torch.nn.MaxPool2d, torch.nn.MaxPool3d)

    def __init__(self, in_type: FieldType, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False):
        require(in_type, is_permutation, "max-pooling channel by channel needs permutation representations; use "
                "NormMaxPool", type(self).__name__)
        super().__init__(in_type, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation,
                         ceil_mode=ceil_mode)

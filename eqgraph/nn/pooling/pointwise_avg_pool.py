from __future__ import annotations

import torch
import torch.nn.functional as F

from ...fields import FieldType
from .spatial_pool import SpatialPool


class PointwiseAvgPool(SpatialPool):
    r"""Channel-wise average-pooling over pixels or voxels, as ``torch.nn.AvgPool2d``/``AvgPool3d``:
    linear, so equivariant for every representation (exactly, under grid symmetries, when the
    windows tile the grid symmetrically).

    Args:
        in_type: the input (and output) type.
        kernel_size, stride, padding, ceil_mode: as ``torch.nn.AvgPool2d``.

    Shapes:
        - **input:** :math:`(B, C, *S)`
        - **output:** :math:`(B, C, *S')`
    """

    functions = (F.avg_pool2d, F.avg_pool3d)
    modules = (torch.nn.AvgPool2d, torch.nn.AvgPool3d)

    def __init__(self, in_type: FieldType, kernel_size, stride=None, padding=0, ceil_mode: bool = False):
        super().__init__(in_type, kernel_size=kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode)

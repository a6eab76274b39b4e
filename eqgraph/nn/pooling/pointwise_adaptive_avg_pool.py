from __future__ import annotations

import torch
import torch.nn.functional as F

from ...fields import FieldType
from .spatial_pool import SpatialPool


class PointwiseAdaptiveAvgPool(SpatialPool):
    r"""Channel-wise adaptive average-pooling to ``output_size``, as ``torch.nn.AdaptiveAvgPool2d``;
    any representation. ``output_size=1`` gives a global, exactly invariant average.

    Args:
        in_type: the input (and output) type.
        output_size: the output's spatial size.

    Shapes:
        - **input:** :math:`(B, C, *S)`
        - **output:** :math:`(B, C, *\text{output\_size})`
    """

    functions = (F.adaptive_avg_pool2d, F.adaptive_avg_pool3d)
    modules = (torch.nn.AdaptiveAvgPool2d, torch.nn.AdaptiveAvgPool3d)

    def __init__(self, in_type: FieldType, output_size):
        super().__init__(in_type, output_size=output_size)

from __future__ import annotations

import torch
import torch.nn.functional as F

from ...fields import FieldType
from ..capabilities import is_permutation, require
from .spatial_pool import SpatialPool


class PointwiseAdaptiveMaxPool(SpatialPool):
    r"""Channel-wise adaptive max-pooling to ``output_size``, as ``torch.nn.AdaptiveMaxPool2d``;
    fields must act by permutations.

    Args:
        in_type: the input (and output) type.
        output_size: the output's spatial size.

    Shapes:
        - **input:** :math:`(B, C, *S)`
        - **output:** :math:`(B, C, *\text{output\_size})`
    """

    functions = (F.adaptive_max_pool2d, F.adaptive_max_pool3d)
    modules = (torch.nn.AdaptiveMaxPool2d, torch.nn.AdaptiveMaxPool3d)

    def __init__(self, in_type: FieldType, output_size):
        require(in_type, is_permutation, "max-pooling channel by channel needs permutation representations",
                type(self).__name__)
        super().__init__(in_type, output_size=output_size)

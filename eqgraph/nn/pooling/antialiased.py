"""Anti-aliased pooling (Zhang, "Making Convolutional Networks Shift-Invariant Again"): blur
with an isotropic Gaussian before subsampling, so the blur commutes with grid rotations."""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from ...fields import FieldType, GeometricTensor
from ...fields.grid_transform import grid_positions
from ..capabilities import is_permutation, require
from ..constant_buffers import ConstantBuffers
from ..equivariant_module import EquivariantModule


class PointwiseAvgPoolAntialiased(ConstantBuffers, EquivariantModule):
    r"""Channel-wise Gaussian blur with stride: :math:`y = (G_\sigma * x)[\text{stride}]`, the
    filter spanning three standard deviations; linear, so for every representation.

    Args:
        in_type: the input (and output) type.
        sigma: the blur's standard deviation, in pixels.
        stride: the subsampling step.
        padding: zero padding (default: keeps the size at stride 1).

    Shapes:
        - **input:** :math:`(B, C, *S)`
        - **output:** :math:`(B, C, *S')`
    """

    def __init__(self, in_type: FieldType, sigma: float, stride: int, padding: int | None = None):
        super().__init__()
        self.in_type = self.out_type = in_type
        self.d = in_type.gspace.dimensionality
        size = 2 * int(math.ceil(3 * sigma)) + 1
        self.stride = stride
        self.padding = (size - 1) // 2 if padding is None else padding
        self.register_constant("blur", gaussian_stencil(size, sigma, self.d))

    def _blur(self, x: torch.Tensor, stride: int) -> torch.Tensor:
        return depthwise_stencil(x, self.blur, stride, self.padding)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        self.check_grid(input, "pools pixels or voxels")
        return GeometricTensor(self._blur(input.tensor, self.stride), self.out_type)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(self.forward(GeometricTensor(torch.zeros(input_shape), self.in_type)).shape)

    def export(self) -> torch.nn.Module:
        """A frozen depthwise ``Conv2d``/``Conv3d`` holding the blur."""
        return self._exported_blur()

    def _exported_blur(self) -> torch.nn.Module:
        return frozen_depthwise_conv(self.blur, self.in_type.size, self.stride, self.padding)


class PointwiseMaxPoolAntialiased(PointwiseAvgPoolAntialiased):
    r"""Channel-wise max over ``kernel_size`` windows at stride 1, then a Gaussian blur with
    stride (escnn's semantics); fields must act by permutations.

    Args:
        in_type: the input (and output) type.
        kernel_size: the max window.
        stride: the subsampling step (default ``kernel_size``).
        padding: zero padding of the max window.
        sigma: the blur's standard deviation.

    Shapes:
        - **input:** :math:`(B, C, *S)`
        - **output:** :math:`(B, C, *S')`
    """

    def __init__(self, in_type: FieldType, kernel_size: int, stride: int | None = None, padding: int = 0, *,
                 sigma: float = 0.6):  # escnn's next positions are dilation, ceil_mode: sigma by name only
        require(in_type, is_permutation, "max-pooling channel by channel needs permutation representations",
                type(self).__name__)
        super().__init__(in_type, sigma, stride or kernel_size)
        self.kernel_size, self.max_padding = kernel_size, padding

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        self.check_grid(input, "pools pixels or voxels")
        pool = F.max_pool2d if self.d == 2 else F.max_pool3d
        pooled = pool(input.tensor, self.kernel_size, stride=1, padding=self.max_padding)
        return GeometricTensor(self._blur(pooled, self.stride), self.out_type)

    def export(self) -> torch.nn.Module:
        """``MaxPool2d``/``MaxPool3d`` at stride 1, then the blur as a frozen depthwise convolution."""
        pool = torch.nn.MaxPool2d if self.d == 2 else torch.nn.MaxPool3d
        return torch.nn.Sequential(pool(self.kernel_size, stride=1, padding=self.max_padding), self._exported_blur())


def depthwise_stencil(x: torch.Tensor, stencil: torch.Tensor, stride: int, padding: int) -> torch.Tensor:
    """``stencil`` (``[k] * d``) applied to every channel of the grid ``x`` on its own."""
    channels = x.shape[1]
    conv = F.conv2d if stencil.dim() == 2 else F.conv3d
    return conv(x, stencil.expand(channels, 1, *stencil.shape), stride=stride, padding=padding, groups=channels)


def frozen_depthwise_conv(stencil: torch.Tensor, channels: int, stride: int, padding: int) -> torch.nn.Module:
    """:func:`depthwise_stencil` as a plain ``Conv2d``/``Conv3d`` whose weights take no gradient."""
    conv_class = torch.nn.Conv2d if stencil.dim() == 2 else torch.nn.Conv3d
    conv = conv_class(channels, channels, stencil.shape[0], stride=stride, padding=padding, groups=channels,
                      bias=False, dtype=stencil.dtype, device=stencil.device)
    conv.weight.requires_grad_(False).copy_(stencil.expand(channels, 1, *stencil.shape))
    return conv


def gaussian_stencil(size: int, sigma: float, d: int) -> np.ndarray:
    """The centred isotropic Gaussian of standard deviation ``sigma`` on a ``size^d`` stencil, summing to 1."""
    distances = (grid_positions((size,) * d) ** 2).sum(1).reshape((size,) * d)
    kernel = np.exp(-distances / (2 * sigma ** 2))
    return kernel / kernel.sum()


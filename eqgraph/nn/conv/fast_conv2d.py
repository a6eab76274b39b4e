r"""Training-time 2D convolution through NNPACK's fast (Winograd and FFT) algorithms.

On CPUs, ``torch.nn.functional.conv2d`` runs oneDNN's direct convolution. NNPACK, compiled into
PyTorch's CPU builds, computes the same stride-1 convolution with Winograd transforms (3 x 3
stencils) or FFTs (larger ones), in 0.45x (28 x 28 maps) to 0.65x (14 x 14) of oneDNN's time on
an image network's feature maps. PyTorch only picks it when no gradient is needed and oneDNN is
switched off, and its gradient runs oneDNN again. :func:`fast_conv2d` uses NNPACK for the forward pass
and for the gradient of the input (a convolution of the output gradient with the flipped,
transposed filter; oneDNN when that convolution has fewer than 16 input channels, where NNPACK's
transforms cost more than they save). The gradient of the filter is a correlation of the input with the output
gradient, whose "stencil" is the whole output map: NNPACK's FFT takes it when the map and the
filter fit in one 16 x 16 tile (14 x 14 maps under 3 x 3 filters: 0.64x of oneDNN's time at 64
channels, batch 32), oneDNN otherwise. The backward pass is built from differentiable operations,
so second derivatives work.
"""
from __future__ import annotations

import functools

import torch
import torch.nn.functional as F

from ..transforms import inside_transform

#: Below this many output pixels per image, oneDNN's direct convolution is the faster one
#: (measured on 7 x 7 and 14 x 14 maps, 32 to 96 channels, batch 32, one thread).
MIN_PIXELS = 14 * 14
#: NNPACK's largest stencil, and its largest FFT tile.
MAX_KERNEL = 16
#: Below this many input channels, oneDNN's direct convolution is the faster one: NNPACK's
#: transforms cost about as much as the products they save (28 x 28 maps, batch 32, to 32 output
#: channels: 3.0x oneDNN's time with one input channel, 1.1x to 1.6x with 4 to 8, 0.4x to 0.9x
#: with 16, 3 x 3 to 7 x 7 stencils).
MIN_CHANNELS = 16


@functools.cache
def nnpack_ready() -> bool:
    """Whether NNPACK is compiled in; asking initialises it, which its convolutions need."""
    return torch.backends.nnpack.is_available()


def fast_conv2d_applies(x: torch.Tensor, filter: torch.Tensor, stride=1, padding=0, dilation=1, groups: int = 1) -> bool:
    """Whether :func:`fast_conv2d` would use NNPACK: a gradient is being recorded outside
    ``torch.compile`` and ``torch.func`` transforms, float32 on the CPU, stride and dilation 1,
    no groups, at least 16 input channels, a stencil of at most 16 whose padding keeps the input
    gradient a convolution, and maps of at least 14 x 14 output pixels. The input gradient is
    NNPACK's too when the output has at least 16 channels."""
    if not (torch.is_grad_enabled() and (x.requires_grad or filter.requires_grad)) or inside_transform():
        return False
    if x.device.type != "cpu" or x.dtype != torch.float32 or filter.dtype != torch.float32 or x.dim() != 4:
        return False
    stride, padding, dilation = _pair(stride), _pair(padding), _pair(dilation)
    if stride != (1, 1) or dilation != (1, 1) or groups != 1 or x.shape[1] < MIN_CHANNELS:
        return False
    kernel = filter.shape[2:]
    if max(kernel) > MAX_KERNEL or any(p > k - 1 for p, k in zip(padding, kernel)):
        return False
    pixels = (x.shape[2] + 2 * padding[0] - kernel[0] + 1) * (x.shape[3] + 2 * padding[1] - kernel[1] + 1)
    return pixels >= MIN_PIXELS and nnpack_ready()


def fast_conv2d(x: torch.Tensor, filter: torch.Tensor, bias: torch.Tensor | None, stride=1, padding=0,
                dilation=1, groups: int = 1) -> torch.Tensor:
    r"""``torch.nn.functional.conv2d`` with NNPACK in training where :func:`fast_conv2d_applies`,
    the same function otherwise.

    .. math::
        y_{b,o} = \text{bias}_o + \sum_i x_{b,i} \star w_{o,i}

    Args:
        x: the input ``[B, C_in, H, W]``.
        filter: ``[C_out, C_in, k_h, k_w]``.
        bias: ``[C_out]`` or None.
        stride, padding, dilation, groups: as in ``torch.nn.functional.conv2d`` (integers or
            pairs).

    Shapes:
        output ``[B, C_out, H + 2 p_h - k_h + 1, W + 2 p_w - k_w + 1]`` (stride 1). NNPACK's sums
        differ from oneDNN's by about 1e-5 relative.
    """
    if fast_conv2d_applies(x, filter, stride, padding, dilation, groups):
        return _NNPACKConv2d.apply(x, filter, bias, _pair(padding))
    return F.conv2d(x, filter, bias, stride, padding, dilation, groups)


def _pair(value) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


class _NNPACKConv2d(torch.autograd.Function):
    """NNPACK forward and input gradient, oneDNN filter gradient."""

    @staticmethod
    def forward(ctx, x, filter, bias, padding):
        x, filter = x.contiguous(), filter.contiguous()
        ctx.save_for_backward(x, filter)
        ctx.padding = padding
        return torch._nnpack_spatial_convolution(x, filter, bias, list(padding))

    @staticmethod
    def backward(ctx, grad):
        x, filter = ctx.saved_tensors
        padding = list(ctx.padding)
        grad = grad.contiguous()
        grad_x = grad_filter = grad_bias = None
        if ctx.needs_input_grad[0] and grad.shape[1] < MIN_CHANNELS:
            grad_x = torch.ops.aten.convolution_backward(
                grad, x, filter, None, [1, 1], padding, [1, 1], False, [0, 0], 1, [True, False, False])[0]
        elif ctx.needs_input_grad[0]:
            full = [k - 1 - p for k, p in zip(filter.shape[2:], padding)]
            grad_x = torch._nnpack_spatial_convolution(grad, filter.flip(2, 3).transpose(0, 1).contiguous(), None, full)
        if ctx.needs_input_grad[1]:
            grad_filter = _filter_gradient(grad, x, filter, padding)
        if ctx.needs_input_grad[2]:
            grad_bias = grad.sum((0, 2, 3))
        return grad_x, grad_filter, grad_bias, None


def _filter_gradient(grad: torch.Tensor, x: torch.Tensor, filter: torch.Tensor, padding: list[int]) -> torch.Tensor:
    r""":math:`\partial L / \partial w_{o,i} = \sum_b \text{pad}(x_{b,i}) \star g_{b,o}`: a convolution
    with the batch as its channels and the output gradient as its stencil. Through NNPACK when map
    plus filter minus one fits its 16 x 16 FFT tile (faster than oneDNN there), oneDNN otherwise."""
    fits = all(m + k - 1 <= MAX_KERNEL for m, k in zip(grad.shape[2:], filter.shape[2:]))
    if not fits:
        return torch.ops.aten.convolution_backward(
            grad, x, filter, None, [1, 1], padding, [1, 1], False, [0, 0], 1, [False, True, False])[1]
    inputs = F.pad(x, (padding[1], padding[1], padding[0], padding[0])).transpose(0, 1).contiguous()
    return torch._nnpack_spatial_convolution(inputs, grad.transpose(0, 1).contiguous(), None, [0, 0]).transpose(0, 1)

from __future__ import annotations

from .rd_conv import RdConvTransposed


class R2ConvTransposed(RdConvTransposed):
    r"""Transposed steerable convolution on images (upsampling with ``stride > 1``):

    .. math::
        y = \mathrm{conv\_transpose2d}(f, \tilde K) + b,
        \qquad \tilde K[c_{in}, c_{out}, \delta] = K(-\delta)[c_{out}, c_{in}],

    with :math:`K` a steerable kernel from ``in_type`` to ``out_type``, so each output pixel
    gathers :math:`K(\delta) f` from its neighbours and the layer is equivariant like
    :class:`R2Conv`. ``export()`` gives a plain ``torch.nn.ConvTranspose2d``.

    Args:
        in_type, out_type, kernel_size, padding: as :class:`R2Conv`.
        output_padding: as ``torch.nn.ConvTranspose2d`` (fifth, as in escnn).
        stride, dilation, groups, bias, sigma, frequencies_cutoff, rings, maximum_frequency,
            recompute, basis_filter, initialize: as :class:`R2Conv` (zero padding only).

    Shapes:
        - **input:** :math:`(B, c_{in}, H, W)`
        - **output:** :math:`(B, c_{out}, H', W')` as ``torch.nn.ConvTranspose2d``
    """

    dimensionality = 2

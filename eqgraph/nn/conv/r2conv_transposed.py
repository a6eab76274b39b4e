from __future__ import annotations

from .rd_conv import RdConv


class R2ConvTransposed(RdConv):
    r"""Transposed steerable convolution on images (upsampling with ``stride > 1``):

    .. math::
        y = \mathrm{conv\_transpose2d}(f, \tilde K) + b,
        \qquad \tilde K[c_{in}, c_{out}, \delta] = K(-\delta)[c_{out}, c_{in}],

    with :math:`K` a steerable kernel from ``in_type`` to ``out_type``, so each output pixel
    gathers :math:`K(\delta) f` from its neighbours and the layer is equivariant like
    :class:`R2Conv`. ``export()`` gives a plain ``torch.nn.ConvTranspose2d``.

    Args:
        in_type, out_type, kernel_size, padding, stride, dilation, groups, bias, sigma, rings,
            frequencies_cutoff, maximum_frequency, basis_filter, recompute, initialize:
            as :class:`R2Conv` (``padding_mode`` must be ``"zeros"``).
        output_padding: as ``torch.nn.ConvTranspose2d``.

    Shapes:
        - **input:** :math:`(B, c_{in}, H, W)`
        - **output:** :math:`(B, c_{out}, H', W')` as ``torch.nn.ConvTranspose2d``
    """

    dimensionality = 2
    transposed = True

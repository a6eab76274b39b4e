from __future__ import annotations

from .rd_conv import RdConvTransposed


class R3ConvTransposed(RdConvTransposed):
    r"""Transposed steerable convolution on volumes:

    .. math::
        y = \mathrm{conv\_transpose3d}(f, \tilde K) + b,
        \qquad \tilde K[c_{in}, c_{out}, \delta] = K(-\delta)[c_{out}, c_{in}].

    As :class:`R2ConvTransposed` in three dimensions; ``export()`` gives a plain
    ``torch.nn.ConvTranspose3d``.

    Args:
        as :class:`R2ConvTransposed`.

    Shapes:
        - **input:** :math:`(B, c_{in}, D, H, W)`
        - **output:** :math:`(B, c_{out}, D', H', W')` as ``torch.nn.ConvTranspose3d``
    """

    dimensionality = 3

from __future__ import annotations

from .rd_conv import RdConv


class R3Conv(RdConv):
    r"""Steerable convolution on volumes, with escnn's arguments:

    .. math::
        y(x) = \sum_{\delta \in \text{stencil}} K(\delta)\, f(x + \delta) + b,
        \qquad K(g\delta) = \rho_{out}(g)\, K(\delta)\, \rho_{in}(g)^{-1},

    with :math:`K` spanned by Gaussian rings times spherical harmonics. Exactly equivariant
    under the 24 rotations (48 with reflections) that map the voxel grid onto itself.
    ``export()`` gives a plain ``torch.nn.Conv3d``; everything else is as :class:`R2Conv`.

    Args:
        in_type, out_type: field types on a 3D gspace.
        kernel_size, padding, stride, dilation, padding_mode, groups, bias, sigma, rings,
            frequencies_cutoff, maximum_frequency, basis_filter, recompute, initialize:
            as :class:`R2Conv`.

    Shapes:
        - **input:** :math:`(B, c_{in}, D, H, W)`
        - **output:** :math:`(B, c_{out}, D', H', W')` as ``torch.nn.Conv3d``
    """

    dimensionality = 3

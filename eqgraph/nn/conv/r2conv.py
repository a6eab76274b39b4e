from __future__ import annotations

from .rd_conv import RdConv


class R2Conv(RdConv):
    r"""Steerable convolution on images, with escnn's arguments:

    .. math::
        y(x) = \sum_{\delta \in \text{stencil}} K(\delta)\, f(x + \delta) + b,
        \qquad K(g\delta) = \rho_{out}(g)\, K(\delta)\, \rho_{in}(g)^{-1},

    with :math:`K = \sum_b w_b K_b` spanned by the steerable basis (Gaussian rings times
    circular harmonics, escnn's default rings, widths and band limit) and :math:`b` an
    invariant bias on the fields that contain the trivial irrep. Equivariant under the grid's
    own symmetries exactly (90 degree rotations and flips) and approximately otherwise.

    In eval mode the expanded filter is cached while no gradient can reach ``weights``;
    ``state_dict`` keys are ``weights`` and ``bias`` in both modes. ``export()`` gives a plain
    ``torch.nn.Conv2d``.

    Args:
        in_type, out_type: field types on a 2D gspace.
        kernel_size: side of the square stencil.
        padding, stride: as ``torch.nn.Conv2d`` (an int or a pair).
        dilation: spacing of the stencil (an int; the rings scale with it).
        padding_mode: ``"zeros"``, ``"reflect"``, ``"replicate"`` or ``"circular"``.
        groups: split both types into this many identical consecutive slices.
        bias: learn an invariant bias.
        sigma, rings, frequencies_cutoff, maximum_frequency, basis_filter: the kernel basis
            (see :func:`eqgraph.kernels.build_kernel_basis`).
        recompute: sample the basis on every call instead of storing it.
        initialize: draw ``weights`` with :func:`eqgraph.nn.init.generalized_he_init`
            (``False`` leaves zeros and is cheaper).

    Shapes:
        - **input:** :math:`(B, c_{in}, H, W)`
        - **output:** :math:`(B, c_{out}, H', W')` as ``torch.nn.Conv2d``
    """

    dimensionality = 2

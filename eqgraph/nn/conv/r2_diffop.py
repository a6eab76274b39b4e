from __future__ import annotations

from .rd_diffop import RdDiffop


class R2Diffop(RdDiffop):
    r"""Steerable partial differential operator on images (escnn's ``R2Diffop``):

    .. math::
        y(x) = \sum_b w_b\, \big(P_b(\partial) f\big)(x) + b,
        \qquad P_b(g x) = \rho_{out}(g)\, P_b(x)\, \rho_{in}(g)^{-1},

    a learnable combination of the equivariant polynomials :math:`P_b` in the partial
    derivatives (:class:`~eqgraph.kernels.DiffopBasis`: harmonics times powers of the
    Laplacian, total order up to ``maximum_order``), discretised as a ``kernel_size`` stencil by
    finite differences or, with ``smoothing``, by derivatives of a Gaussian. Exactly equivariant
    under the grid's 90 degree rotations and flips. Everything about the convolution itself
    (padding, stride, groups, bias, the eval-mode cache, ``export()`` to ``torch.nn.Conv2d``)
    is as :class:`R2Conv`.

    Args:
        in_type, out_type: field types on a 2D gspace.
        kernel_size, maximum_order, accuracy: any two fix the third through
            ``kernel_size = maximum_order + accuracy`` (finite differences exact on polynomials
            of degree ``kernel_size - 1``, so the error of an order-n operator falls like
            :math:`h^{k - n}`); ``kernel_size`` alone takes ``accuracy = 2``, ``maximum_order``
            alone the smallest odd ``kernel_size`` with ``accuracy >= 2``.
        padding, stride, dilation, padding_mode, groups, bias, initialize, recompute: as :class:`R2Conv`.
        maximum_power: the highest power of the Laplacian in the basis (default: no limit).
        basis_filter: keeps the operators whose attributes (``order``, ``power``, ``frequency``,
            irreps) it returns True for.
        smoothing: standard deviation in pixels of the Gaussian whose derivatives discretise
            the operators (``kernel_size / 4`` is a reasonable start); None: finite differences.

    Shapes:
        - **input:** :math:`(B, c_{in}, H, W)`
        - **output:** :math:`(B, c_{out}, H', W')` as ``torch.nn.Conv2d``
    """

    dimensionality = 2

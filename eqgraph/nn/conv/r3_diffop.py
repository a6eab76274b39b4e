from __future__ import annotations

from .rd_diffop import RdDiffop


class R3Diffop(RdDiffop):
    r"""Steerable partial differential operator on volumes (escnn's ``R3Diffop``):

    .. math::
        y(x) = \sum_b w_b\, \big(P_b(\partial) f\big)(x) + b,
        \qquad P_b(g x) = \rho_{out}(g)\, P_b(x)\, \rho_{in}(g)^{-1},

    with :math:`P_b` spherical harmonics times powers of the Laplacian, discretised on a
    ``kernel_size`` cube. Exactly equivariant under the rotations (and reflections) that map
    the voxel grid onto itself. Arguments as :class:`R2Diffop`; ``export()`` gives a
    ``torch.nn.Conv3d``.

    Shapes:
        - **input:** :math:`(B, c_{in}, D, H, W)`
        - **output:** :math:`(B, c_{out}, D', H', W')` as ``torch.nn.Conv3d``
    """

    dimensionality = 3

from __future__ import annotations

from .point_conv import PointConv


class R3PointConv(PointConv):
    r"""Steerable convolution on molecules and 3D point clouds, a PyG ``MessagePassing`` layer:

    .. math::
        y_i = \bigoplus_{j \in \mathcal{N}(i)} K(x_j - x_i)\, f_j + b,
        \qquad K(g x) = \rho_{out}(g)\, K(x)\, \rho_{in}(g)^{-1},

    with :math:`K` spanned by radial functions times spherical harmonics (e3nn's real basis).
    Plain differentiable torch throughout, so forces (gradients with respect to positions) and
    their double backward work. See :class:`R2PointConv` for the arguments (the default band
    limit is 2 without rings); ``rings`` make it :class:`R3Conv`-compatible on voxel graphs.

    Shapes:
        - **input:** node features :math:`(N, c_{in})` with coords :math:`(N, 3)`, or a pair
          (sources, targets); **edge_index** :math:`(2, E)`; **edge_delta** :math:`(E, 3)`
        - **output:** :math:`(N_{target}, c_{out})` on the targets' coords
    """

    dimensionality = 3

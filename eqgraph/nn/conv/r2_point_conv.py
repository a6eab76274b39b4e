from __future__ import annotations

from .point_conv import PointConv


class R2PointConv(PointConv):
    r"""Steerable convolution on planar graphs and point clouds, a PyG ``MessagePassing`` layer:

    .. math::
        y_i = \bigoplus_{j \in \mathcal{N}(i)} K(x_j - x_i)\, f_j + b,
        \qquad K(g x) = \rho_{out}(g)\, K(x)\, \rho_{in}(g)^{-1},

    with :math:`\bigoplus` a sum or mean and :math:`K = \sum_b w_b K_b` spanned by radial
    functions times circular harmonics. With ``rings`` (or escnn's ``width`` and ``n_rings``)
    the basis is :class:`R2Conv`'s, so the same ``weights`` give the same output on a grid and
    on ``eqgraph.graph.grid_to_graph`` of it; with ``cutoff`` it uses Bessel functions with a
    smooth cutoff, optionally followed by a learnable radial MLP (``radial_mlp``).

    Args:
        in_type, out_type: field types on a 2D gspace.
        cutoff: support radius of the default Bessel radial functions.
        n_radial: number of Bessel functions.
        radial: any fixed :class:`eqgraph.kernels.RadialProfile` instead.
        radial_mlp: hidden widths of a learnable MLP on top of the radial profile.
        rings, sigma, width, n_rings, frequencies_cutoff: Gaussian rings (grid-compatible).
        maximum_frequency: band limit of the harmonics (default 3 without rings).
        basis_filter: keep only basis elements whose attributes pass this test.
        aggr: ``"add"`` (``"sum"``) or ``"mean"``.
        num_neighbors: divide the aggregated messages by its square root (e3nn's normalisation of
            sums over neighbourhoods of about this size); None leaves sums as they are.
        bias: learn an invariant bias.
        initialize: draw ``weights`` with :func:`eqgraph.nn.init.generalized_he_init`.

    Shapes:
        - **input:** node features :math:`(N, c_{in})` with coords :math:`(N, 2)`, or a pair
          (sources, targets) for bipartite graphs; **edge_index** :math:`(2, E)`;
          **edge_delta** (optional) :math:`(E, 2)`
        - **output:** :math:`(N_{target}, c_{out})` on the targets' coords
    """

    dimensionality = 2

"""GridGraphBlur: an isotropic Gaussian blur of every channel, on grids and on points at grid
coordinates."""
from __future__ import annotations

import math

import torch

from ..fields import FieldType, GeometricTensor
from ..graph import GridStencil
from ..nn import EquivariantModule
from ..nn.constant_buffers import ConstantBuffers
from ..nn.pooling.antialiased import depthwise_stencil, frozen_depthwise_conv, gaussian_stencil


class GridGraphBlur(ConstantBuffers, EquivariantModule):
    r"""Blurs every channel with a sampled isotropic Gaussian, keeping the grid's size:

    .. math::
        y = G_\sigma * x, \qquad G_\sigma(\delta) \propto e^{-\|\delta\|^2 / 2\sigma^2},
        \quad \|\delta\|_\infty \le h = \lceil 3 \sigma \rceil .

    The stencil is centred, odd-sized and sums to 1, and the padding is zeros, so the blur
    commutes exactly with the grid's rotations and reflections; being linear and channel-wise,
    it maps every field type to itself. Before a convolution it removes the high frequencies a
    nonlinearity puts into a feature map, which the convolution's stencil would otherwise sample
    differently in every direction off the grid's axes.

    On points at grid coordinates (a :class:`eqgraph.graph.GridStencil` of half width
    :attr:`half_width`) it is the sum over each point's stencil neighbours weighted by the
    Gaussian of their true offsets, normalised on the full stencil and rescaled by the stencil's
    ``node_scale`` where points are missing: on all the points of a grid, the grid's numbers.

    Args:
        in_type: the (unchanged) field type, on a 2D or 3D gspace.
        sigma: the standard deviation in pixels (voxels).

    Shapes:
        - **input:** :math:`(B, C, *S)`, or node features :math:`(N, C)` with coords and a
          ``GridStencil``
        - **output:** the input's shape
    """

    def __init__(self, in_type: FieldType, sigma: float):
        super().__init__()
        self.in_type = self.out_type = in_type
        self.sigma = checked_sigma(sigma)
        self.half_width = int(math.ceil(3 * self.sigma))
        d = in_type.gspace.dimensionality
        self.register_constant("stencil", gaussian_stencil(2 * self.half_width + 1, self.sigma, d))
        # the unnormalised Gaussian's sum over the full stencil: the points' weights divide by it
        self.full_stencil_mass = sum(math.exp(-k * k / (2 * self.sigma ** 2))
                                     for k in range(-self.half_width, self.half_width + 1)) ** d

    def forward(self, x: GeometricTensor, graph: GridStencil | None = None) -> GeometricTensor:
        self.check_type(x)
        if x.is_grid:
            return GeometricTensor(depthwise_stencil(x.tensor, self.stencil, 1, self.half_width), self.out_type)
        if not isinstance(graph, GridStencil):
            raise ValueError(f"GridGraphBlur on node features [N, C] needs a GridStencil of half width "
                             f"{self.half_width}, got {type(graph).__name__}")
        source, target = graph.edge_index
        offsets = x.coords[source] - x.coords[target]
        weights = torch.exp(-offsets.square().sum(1) / (2 * self.sigma ** 2)) / self.full_stencil_mass
        sums = torch.zeros_like(x.tensor).index_add_(0, target, x.tensor[source] * weights[:, None].to(x.tensor.dtype))
        return GeometricTensor(sums * graph.node_scale[:, None].to(sums.dtype), self.out_type, x.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def export(self) -> torch.nn.Module:
        """A frozen depthwise ``Conv2d``/``Conv3d`` holding the stencil."""
        return frozen_depthwise_conv(self.stencil, self.in_type.size, 1, self.half_width)

    def extra_repr(self) -> str:
        return f"sigma={self.sigma}"


def checked_sigma(sigma, name: str = "the blur's sigma") -> float:
    """A blur's standard deviation: a finite number > 0 (``name`` says which argument it was)."""
    if isinstance(sigma, bool) or not (isinstance(sigma, (int, float)) and 0 < sigma < float("inf")):
        raise ValueError(f"{name} must be a finite number > 0, got {sigma!r}")
    return float(sigma)

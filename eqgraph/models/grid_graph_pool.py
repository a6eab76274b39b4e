"""GridGraphPool: the 2x pooling between a steerable CNN's stages, on grids and on points at grid
coordinates."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import torch
from scipy.signal import convolve

from ..fields import FieldType, GeometricTensor
from ..graph import PooledCells, grid_stencil, pool_grid_cells
from ..nn import EquivariantModule, PointwiseAvgPool, PointwiseAvgPoolAntialiased
from ..nn.constant_buffers import ConstantBuffers
from ..nn.pooling.antialiased import depthwise_stencil, frozen_depthwise_conv, gaussian_stencil
from ..nn.pooling.spatial_pool import check_pooled_size

POOLINGS = ("average", "antialiased")


class GridGraphPool(ConstantBuffers, EquivariantModule):
    r"""Halves a grid by averaging its 2x2 (2x2x2) cells; with ``kind="antialiased"`` after an
    isotropic Gaussian blur:

    .. math::
        y = \operatorname{avg}_{2}\left(G_\sigma * x\right), \qquad
        G_\sigma(\delta) \propto e^{-\|\delta\|^2 / 2\sigma^2} .

    The blur is centred and odd-sized and the cells are aligned with the grid's centre, so the
    pooling commutes exactly with the grid's rotations and reflections (on sides divisible by
    2); the blur removes the frequencies the subsampling would alias, which brings the network
    closer to equivariant under the rotations the grid does not have. On grids the blur and the
    cell average run as one depthwise convolution at stride 2 (the blur's stencil convolved with
    the 2x2 cell, one tap wider), a quarter (2D) or an eighth (3D) of the blur's work at stride 1.

    On points at grid coordinates (:meth:`forward_graph`) the blur is a sum over each point's
    stencil neighbours weighted by the Gaussian of their true offsets (normalised on the full
    stencil, rescaled by :class:`eqgraph.graph.GridStencil` where points are missing), then
    :func:`eqgraph.graph.pool_grid_cells`: on all the pixels of an image the same numbers.

    Args:
        in_type: the (unchanged) field type.
        kind: ``"average"`` or ``"antialiased"``.
        sigma: the blur's standard deviation in pixels (the filter spans three of them).

    Shapes:
        - **input:** :math:`(B, C, *S)` with even sides
        - **output:** :math:`(B, C, *S / 2)`
    """

    def __init__(self, in_type: FieldType, kind: str = "average", sigma: float = 0.66):
        super().__init__()
        if kind not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {kind!r}")
        if not (isinstance(sigma, (int, float)) and 0 < sigma < float("inf")):
            raise ValueError(f"the blur's sigma must be a finite number > 0, got {sigma!r}")
        self.in_type = self.out_type = in_type
        self.kind, self.sigma = kind, float(sigma)
        self.blur = PointwiseAvgPoolAntialiased(in_type, sigma, stride=1) if kind == "antialiased" else None
        self.pool = PointwiseAvgPool(in_type, 2)
        d = in_type.gspace.dimensionality
        self.register_constant("blurred_cells", None if self.blur is None else convolve(
            gaussian_stencil(self.blur.blur.shape[0], self.sigma, d), np.full((2,) * d, 0.5 ** d)))

    def forward(self, x: GeometricTensor) -> GeometricTensor:
        if self.blur is None:
            return self.pool(x)
        self.check_type(x)
        self.check_grid(x, "pools pixels or voxels")
        check_pooled_size(self, tuple(x.shape[2:]), dict(kernel_size=2))
        return GeometricTensor(depthwise_stencil(x.tensor, self.blurred_cells, 2, self.blur.padding), self.out_type)

    def forward_graph(self, x: GeometricTensor, batch: torch.Tensor, grid_shape: Sequence[int]) -> PooledCells:
        """The pooling on node features with coords at the centred coordinates of ``grid_shape``."""
        if self.blur is not None:
            x = self._blurred_points(x, batch, grid_shape)
        return pool_grid_cells(x, batch, grid_shape)

    def _blurred_points(self, x: GeometricTensor, batch: torch.Tensor, grid_shape: Sequence[int]) -> GeometricTensor:
        half = self.blur.padding
        stencil = grid_stencil(x.coords, batch, grid_shape, half)
        source, target = stencil.edge_index
        squared = (x.coords[source] - x.coords[target]).square().sum(1)
        weights = torch.exp(-squared / (2 * self.sigma ** 2)) / _full_stencil_mass(half, self.sigma, len(grid_shape))
        sums = torch.zeros_like(x.tensor).index_add_(0, target, x.tensor[source] * weights[:, None].to(x.tensor.dtype))
        return GeometricTensor(sums * stencil.node_scale[:, None], x.type, x.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return self.pool.evaluate_output_shape(input_shape)

    def export(self) -> torch.nn.Module:
        """``AvgPool2d``/``AvgPool3d``, or with the blur one frozen depthwise ``Conv2d``/``Conv3d`` at
        stride 2 holding the blurred cell stencil."""
        if self.blur is None:
            return self.pool.export()
        return frozen_depthwise_conv(self.blurred_cells, self.in_type.size, 2, self.blur.padding)

    def extra_repr(self) -> str:
        return f"{self.kind}" + (f", sigma={self.sigma}" if self.blur is not None else "")


def _full_stencil_mass(half: int, sigma: float, d: int) -> float:
    """The sum of the unnormalised Gaussian over a full ``(2 half + 1)^d`` stencil."""
    return sum(math.exp(-k * k / (2 * sigma ** 2)) for k in range(-half, half + 1)) ** d

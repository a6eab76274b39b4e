"""GridGraphPool: the 2x pooling between a steerable CNN's stages, on grids and on points at grid
coordinates."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from scipy.signal import convolve

from ..fields import FieldType, GeometricTensor
from ..graph import PooledCells, grid_stencil, pool_grid_cells
from ..nn import EquivariantModule, PointwiseAvgPool
from ..nn.constant_buffers import ConstantBuffers
from ..nn.pooling.antialiased import depthwise_stencil, frozen_depthwise_conv, gaussian_stencil
from ..nn.pooling.spatial_pool import check_pooled_size
from .grid_graph_blur import GridGraphBlur, checked_sigma

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

    On points at grid coordinates (:meth:`forward_graph`) the blur is :class:`GridGraphBlur`'s
    (a sum over each point's stencil neighbours weighted by the Gaussian of their true offsets),
    then :func:`eqgraph.graph.pool_grid_cells`: on all the pixels of an image the same numbers.

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
        self.in_type = self.out_type = in_type
        self.kind, self.sigma = kind, checked_sigma(sigma)
        self.blur = GridGraphBlur(in_type, sigma) if kind == "antialiased" else None
        self.pool = PointwiseAvgPool(in_type, 2)
        d = in_type.gspace.dimensionality
        self.register_constant("blurred_cells", None if self.blur is None else convolve(
            gaussian_stencil(2 * self.blur.half_width + 1, self.sigma, d), np.full((2,) * d, 0.5 ** d)))

    def forward(self, x: GeometricTensor) -> GeometricTensor:
        if self.blur is None:
            return self.pool(x)
        self.check_type(x)
        self.check_grid(x, "pools pixels or voxels")
        check_pooled_size(self, tuple(x.shape[2:]), dict(kernel_size=2))
        return GeometricTensor(depthwise_stencil(x.tensor, self.blurred_cells, 2, self.blur.half_width), self.out_type)

    def forward_graph(self, x: GeometricTensor, batch: torch.Tensor, grid_shape: Sequence[int]) -> PooledCells:
        """The pooling on node features with coords at the centred coordinates of ``grid_shape``."""
        if self.blur is not None:
            x = self.blur(x, grid_stencil(x.coords, batch, grid_shape, self.blur.half_width))
        return pool_grid_cells(x, batch, grid_shape)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return self.pool.evaluate_output_shape(input_shape)

    def export(self) -> torch.nn.Module:
        """``AvgPool2d``/``AvgPool3d``, or with the blur one frozen depthwise ``Conv2d``/``Conv3d`` at
        stride 2 holding the blurred cell stencil."""
        if self.blur is None:
            return self.pool.export()
        return frozen_depthwise_conv(self.blurred_cells, self.in_type.size, 2, self.blur.half_width)

    def extra_repr(self) -> str:
        return f"{self.kind}" + (f", sigma={self.sigma}" if self.blur is not None else "")


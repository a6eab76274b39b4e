"""GridGraphConv: one set of steerable-kernel weights run as a grid or a graph convolution."""
from __future__ import annotations

import torch

from ..fields import FieldType, GeometricTensor
from ..graph import GridStencil
from ..kernels import grid_rings
from ..nn import EquivariantModule, R2Conv, R2PointConv, R3Conv, R3PointConv

GRID_CONVS = {2: (R2Conv, R2PointConv), 3: (R3Conv, R3PointConv)}


class GridGraphConv(EquivariantModule):
    r"""A ``kernel_size`` steerable convolution with "same" zero padding on pixel (voxel) grids
    and, with the same weights, a point convolution on graphs whose nodes sit at grid
    coordinates (spacing 1):

    .. math::
        y_i = \sum_{j:\ \|x_j - x_i\|_\infty \le h} K(x_j - x_i)\, f_j + b,
        \qquad h = (k - 1) / 2 .

    On :func:`eqgraph.graph.grid_to_graph` of an image both give the same numbers (missing
    neighbours are the zero padding); on irregular points the kernel is evaluated at the true
    offsets. The point layer holds no parameters of its own: it runs on the grid layer's.

    Args:
        in_type, out_type: field types on a 2D or 3D gspace.
        kernel_size: odd stencil size.
        bias: learn an invariant bias.
        maximum_frequency: band limit of the kernels' angular frequencies (None: the stencil's
            default); lower limits give smoother kernels, closer to equivariant off the grid.

    Shapes:
        - **input:** :math:`(B, c_{in}, *S)`, or node features :math:`(N, c_{in})` with coords
          and **edge_index** :math:`(2, E)` (see :func:`eqgraph.graph.box_graph`) or a
          :class:`eqgraph.graph.GridStencil`, whose ``node_scale`` multiplies the sums
        - **output:** :math:`(B, c_{out}, *S)` or :math:`(N, c_{out})`
    """

    def __init__(self, in_type: FieldType, out_type: FieldType, kernel_size: int, bias: bool = True,
                 maximum_frequency: int | None = None):
        super().__init__()
        d = in_type.gspace.dimensionality
        if d not in GRID_CONVS:
            raise ValueError(f"GridGraphConv needs a 2D or 3D gspace, got {in_type.gspace} of dimension {d}")
        if not isinstance(kernel_size, int) or kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be an odd integer >= 1, got {kernel_size!r}")
        grid_conv, point_conv = GRID_CONVS[d]
        self.in_type, self.out_type, self.kernel_size = in_type, out_type, kernel_size
        self.grid = grid_conv(in_type, out_type, kernel_size, padding=(kernel_size - 1) // 2, bias=bias,
                              maximum_frequency=maximum_frequency)
        self.graph = point_conv(in_type, out_type, rings=grid_rings(kernel_size), bias=bias, initialize=False,
                                maximum_frequency=maximum_frequency)
        for name in ("weights", "bias"):  # the point layer runs on the grid layer's parameters
            if name in self.graph._parameters:
                del self.graph._parameters[name]
                setattr(self.graph, name, None)

    def forward(self, x: GeometricTensor, graph: torch.Tensor | GridStencil | None = None) -> GeometricTensor:
        if x.is_grid:
            return self.grid(x)
        if graph is None:
            raise ValueError("GridGraphConv on node features [N, C] needs edge_index [2, E] or a GridStencil")
        parameters = {name: getattr(self.grid, name) for name in ("weights", "bias")
                      if getattr(self.grid, name) is not None}
        if not isinstance(graph, GridStencil):
            return torch.func.functional_call(self.graph, parameters, (x, graph))
        if self.grid.bias is not None:
            raise ValueError("GridGraphConv rescales its sums by a GridStencil's node_scale only without a bias")
        y = torch.func.functional_call(self.graph, parameters, (x, graph.edge_index))
        return GeometricTensor(y.tensor * graph.node_scale[:, None], y.type, y.coords)

    @property
    def half_width(self) -> int:
        return (self.kernel_size - 1) // 2

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return self.grid.evaluate_output_shape(input_shape)

    def export(self) -> torch.nn.Module:
        return self.grid.export()

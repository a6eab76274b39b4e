"""eqgraph quickstart: steerable convolutions on a point cloud and on an image, and their errors.

Builds a two-layer O(3)-equivariant network on a random point cloud (e3nn's "4x0e+2x1o" in, a
scalar and a vector out): R3PointConv, a norm gate written here with the public API, and
R3PointConv again, on a radius graph. It prints how far the network is from exact
equivariance under random rotations and reflections, in float64 and float32. Then it runs a
C8 network of R2Conv layers on an image, checks it under the grid's exact 90 degree rotations,
and runs the same weights as R2PointConv layers on the image turned into a graph.

    python examples/quickstart.py
"""
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.graph import graph_to_grid, grid_to_graph, radius_graph
from eqgraph.kernels import grid_rings
from eqgraph.nn import EquivariantModule, R2Conv, R2PointConv, R3PointConv
from eqgraph.testing import assert_equivariant, grid_symmetries, random_elements, random_input


class NormGate(EquivariantModule):
    """f -> f * sigmoid(|f| - b) per field: the norm of an orthogonal representation is invariant."""

    def __init__(self, in_type: FieldType):
        super().__init__()
        self.in_type = self.out_type = in_type
        sizes = torch.tensor([r.size for r in in_type])
        self.register_buffer("field_of_channel", torch.repeat_interleave(torch.arange(len(in_type)), sizes))
        self.bias = torch.nn.Parameter(torch.zeros(len(in_type)))

    def forward(self, x: GeometricTensor) -> GeometricTensor:
        self.check_type(x)
        t = x.tensor
        squares = torch.zeros(t.shape[0], len(self.in_type), *t.shape[2:], dtype=t.dtype, device=t.device)
        squares.index_add_(1, self.field_of_channel, t * t)
        gate = torch.sigmoid(squares.sqrt() - self.bias.view(1, -1, *[1] * (t.dim() - 2)))
        return GeometricTensor(t * gate.index_select(1, self.field_of_channel), self.out_type, x.coords)

    def evaluate_output_shape(self, shape):
        return shape


class TwoLayers(EquivariantModule):
    """conv -> norm gate -> conv, for grid convolutions (``forward(x)``) and point convolutions
    (``forward(x, edge_index)``) alike."""

    def __init__(self, first: EquivariantModule, second: EquivariantModule):
        super().__init__()
        self.first, self.gate, self.second = first, NormGate(first.out_type), second
        self.in_type, self.out_type = first.in_type, second.out_type

    def forward(self, x: GeometricTensor, *graph) -> GeometricTensor:
        return self.second(self.gate(self.first(x, *graph)), *graph)

    def evaluate_output_shape(self, shape):
        return self.second.evaluate_output_shape(self.first.evaluate_output_shape(shape))


def point_cloud_demo() -> None:
    gs = gspaces.flipRot3dOnR3()
    in_type = FieldType.from_e3nn("4x0e+2x1o", gs)
    hidden = FieldType.from_e3nn("8x0e+4x1o+4x1e+2x2e", gs)
    out_type = FieldType.from_e3nn("1x0e+1x1o", gs)
    elements = random_elements(gs.fibergroup, 20, generator=0)
    for dtype in (torch.float64, torch.float32):
        torch.manual_seed(0)
        conv = lambda a, b: R3PointConv(a, b, cutoff=1.5, aggr="mean")  # mean over neighbours keeps the scale
        model = TwoLayers(conv(in_type, hidden), conv(hidden, out_type)).to(dtype)
        x = random_input(in_type, points=100, dtype=dtype)
        edge_index = radius_graph(x.coords, 1.5)  # rotations keep the graph: distances do not change
        errors = assert_equivariant(model, elements=elements, input=x, args=(edge_index,), atol=1e-4)
        size = model(x, edge_index).tensor.abs().mean()
        print(f"O(3) point cloud, {str(dtype)[6:]}: max equivariance error {max(e for _, e in errors):.2e} "
              f"over {len(errors)} random rotations and reflections ({edge_index.shape[1]} edges, outputs of size {size:.2f})")


def grid_demo() -> None:
    gs = gspaces.rot2dOnR2(8)
    in_type = FieldType(gs, [gs.trivial_repr] * 3)
    hidden = FieldType(gs, [gs.regular_repr] * 4 + [gs.irrep(1)] * 2)
    out_type = FieldType(gs, [gs.trivial_repr, gs.irrep(1)])
    torch.manual_seed(0)
    model = TwoLayers(R2Conv(in_type, hidden, 5, padding=2), R2Conv(hidden, out_type, 5, padding=2)).double()
    x = random_input(in_type, spatial_shape=(33, 33), dtype=torch.float64)
    errors = assert_equivariant(model, elements=grid_symmetries(gs), input=x, atol=1e-10)
    print(f"C8 image grid {tuple(x.shape)}, float64: max equivariance error {max(e for _, e in errors):.2e} "
          "under the 90 degree rotations")
    on_graph = TwoLayers(R2PointConv(in_type, hidden, rings=grid_rings(5)), R2PointConv(hidden, out_type, rings=grid_rings(5)))
    on_graph.double().load_state_dict(model.state_dict())
    graph = grid_to_graph(x, kernel_size=5)
    with torch.no_grad():
        difference = (graph_to_grid(on_graph(graph.x, graph.edge_index), (33, 33)).tensor - model(x).tensor).abs().max()
    print(f"Same weights as R2PointConv on the image's graph ({graph.edge_index.shape[1]} edges): "
          f"max difference from R2Conv {difference:.2e}")


if __name__ == "__main__":
    point_cloud_demo()
    grid_demo()

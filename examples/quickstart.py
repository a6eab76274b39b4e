"""eqgraph quickstart: typed feature fields, a small equivariant network, its measured error.

Builds a two-layer network on O(3) point features (e3nn's "4x0e+2x1o" in, a scalar and a
vector out) from two modules written here with the public API (an intertwiner-based linear
map and a norm gate), and prints how far it is from exact equivariance under random rotations
and reflections, in float64 and float32. Then runs the same kind of network node-wise on a
C8-typed image grid and checks it under the grid's exact 90 degree rotations.

    python examples/quickstart.py
"""
import math

import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.group import homomorphism_basis
from eqgraph.nn import EquivariantModule, SequentialModule
from eqgraph.testing import assert_equivariant, random_elements, random_input


class IntertwinerLinear(EquivariantModule):
    """y = W x per node (or pixel), W a learned combination of a basis of Hom_G(in, out)."""

    def __init__(self, in_type: FieldType, out_type: FieldType):
        super().__init__()
        self.in_type, self.out_type = in_type, out_type
        basis = torch.as_tensor(homomorphism_basis(in_type.representation, out_type.representation))
        self.register_buffer("basis", basis.to(torch.get_default_dtype()))
        self.weights = torch.nn.Parameter(torch.randn(len(basis)) / math.sqrt(len(basis) / out_type.size))

    def forward(self, x: GeometricTensor) -> GeometricTensor:
        self.check_type(x)
        matrix = torch.einsum("k,koi->oi", self.weights, self.basis)
        return GeometricTensor(torch.einsum("oi,ni...->no...", matrix, x.tensor), self.out_type, x.coords)

    def evaluate_output_shape(self, shape):
        return (shape[0], self.out_type.size, *shape[2:])


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


def network(in_type, hidden_type, out_type):
    return SequentialModule(
        IntertwinerLinear(in_type, hidden_type), NormGate(hidden_type), IntertwinerLinear(hidden_type, out_type)
    )


def point_cloud_demo() -> None:
    gs = gspaces.flipRot3dOnR3()
    in_type = FieldType.from_e3nn("4x0e+2x1o", gs)
    hidden = FieldType.from_e3nn("8x0e+4x1o+4x1e+2x2e", gs)
    out_type = FieldType.from_e3nn("1x0e+1x1o", gs)
    elements = random_elements(gs.fibergroup, 20, generator=0)
    for dtype in (torch.float64, torch.float32):
        torch.manual_seed(0)
        model = network(in_type, hidden, out_type).to(dtype)
        x = random_input(in_type, points=100, dtype=dtype)
        errors = assert_equivariant(model, elements=elements, input=x, atol=1e-4)
        print(f"O(3) point cloud, {str(dtype)[6:]}: max equivariance error {max(e for _, e in errors):.2e} "
              f"over {len(errors)} random rotations and reflections (outputs of size {model(x).tensor.abs().mean():.2f})")


def grid_demo() -> None:
    gs = gspaces.rot2dOnR2(8)
    in_type = FieldType(gs, [gs.trivial_repr] * 3)
    hidden = FieldType(gs, [gs.regular_repr] * 4 + [gs.irrep(1)] * 2)
    out_type = FieldType(gs, [gs.trivial_repr, gs.irrep(1)])
    torch.manual_seed(0)
    model = network(in_type, hidden, out_type).double()
    x = random_input(in_type, spatial_shape=(33, 33), dtype=torch.float64)
    quarter_turns = [gs.fibergroup.element(k) for k in (0, 2, 4, 6)]  # exact symmetries of the pixel grid
    errors = assert_equivariant(model, elements=quarter_turns, input=x, atol=1e-10)
    print(f"C8 image grid {tuple(x.shape)}, float64: max equivariance error {max(e for _, e in errors):.2e} "
          "under the 90 degree rotations")


if __name__ == "__main__":
    point_cloud_demo()
    grid_demo()

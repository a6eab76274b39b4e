"""The core convolutions under torch.compile with the default (inductor) backend: slow, C++ codegen."""
import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.graph import radius_graph
from eqgraph.nn import R2Conv, R3PointConv

pytestmark = pytest.mark.slow


def test_r2conv_compiles_fullgraph_with_inductor():
    gs = gspaces.rot2dOnR2(8)
    in_type, out_type = gs.type(gs.regular_repr, gs.irrep(1)), gs.type(gs.regular_repr, gs.trivial_repr)
    conv = R2Conv(in_type, out_type, 3, padding=1)
    compiled = torch.compile(lambda t: conv(GeometricTensor(t, in_type)).tensor, fullgraph=True, dynamic=True)
    torch.manual_seed(0)
    for shape in ((2, in_type.size, 8, 8), (3, in_type.size, 11, 7)):
        x = torch.randn(shape)
        assert torch.allclose(compiled(x), conv(in_type(x)).tensor, atol=1e-5)


def test_r3pointconv_compiles_fullgraph_with_inductor_including_forces():
    gs = gspaces.flipRot3dOnR3()
    ft = FieldType.from_e3nn("4x0e+2x1o+1x2e", gs)
    conv = R3PointConv(ft, FieldType.from_e3nn("2x0e", gs), cutoff=2.0)

    def energy(features, positions, edges):
        return conv(GeometricTensor(features, ft, positions), edges).tensor.sum()

    compiled = torch.compile(energy, fullgraph=True, dynamic=True)
    torch.manual_seed(0)
    for n in (20, 31):
        features, positions = torch.randn(n, ft.size), torch.randn(n, 3, requires_grad=True)
        edges = radius_graph(positions.detach(), 2.0)
        forces = torch.autograd.grad(compiled(features, positions, edges), positions)[0]
        expected = torch.autograd.grad(energy(features, positions, edges), positions)[0]
        # float32 sums reordered by the compiler: compare relative to the forces' scale
        assert torch.allclose(forces, expected, atol=1e-5 * expected.abs().max().item(), rtol=1e-4)


def test_equivariant_potential_compiles_with_forces():
    from torch_geometric.data import Data

    from eqgraph.models import EquivariantPotential

    torch.manual_seed(0)
    model = EquivariantPotential([1, 8], cutoff=3.0, channels=4, radial_mlp=(8,)).eval()
    compiled = torch.compile(model)
    pos = torch.randn(12, 3) * 1.5
    data = Data(z=torch.tensor([1, 8] * 6), pos=pos, edge_index=radius_graph(pos, 3.0))
    got, expected = compiled(data), model(data)
    assert torch.allclose(got["energy"], expected["energy"], rtol=1e-5)
    scale = expected["forces"].abs().max().item()
    assert scale > 1e-4 and torch.allclose(got["forces"], expected["forces"], atol=1e-5 * scale)

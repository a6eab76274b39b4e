"""Graph export: point convolutions, node-wise modules and the potential as plain torch modules that
equal the layers and go through ``torch.export`` with dynamic node and edge counts."""
import pytest
import torch
from torch_geometric.data import Data

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.graph import radius_graph
from eqgraph.models import EquivariantPotential
from eqgraph.nn import (ChannelwisePointConv, ElementwiseTensorProduct, EquivariantModule, Gate, NormNonLinearity,
                        R2PointConv, R3PointConv, TensorProductModule)

O3 = gspaces.flipRot3dOnR3()


def _point_convs():
    ft = FieldType.from_e3nn("4x0e+2x1o+1x2e", O3)
    c8 = gspaces.rot2dOnR2(8)
    regular = c8.type(c8.regular_repr, c8.irrep(1))
    return {
        "R3PointConv": R3PointConv(ft, FieldType.from_e3nn("3x0e+2x1o+2x2e", O3), cutoff=2.0, radial_mlp=(8,)),
        "R3PointConv mean, no bias": R3PointConv(ft, ft, cutoff=2.0, aggr="mean", bias=False, num_neighbors=5.0),
        "ChannelwisePointConv": ChannelwisePointConv(ft, cutoff=2.0, radial_mlp=(8,), num_neighbors=4.0),
        "R2PointConv C8 rings": R2PointConv(regular, regular, rings=[0.0, 0.8, 1.6]),
    }


def _is_plain(module: torch.nn.Module) -> bool:
    return not any(isinstance(m, EquivariantModule) for m in module.modules()) and not any(
        isinstance(v, FieldType) for m in module.modules() for v in vars(m).values())


def _graph(conv, n, dtype):
    d = conv.in_type.gspace.dimensionality
    pos = torch.rand(n, d, dtype=dtype) * 2.5
    return torch.randn(n, conv.in_type.size, dtype=dtype), pos, radius_graph(pos, 1.6)


@pytest.mark.parametrize("name", list(_point_convs()))
def test_point_conv_export_equals_the_layer_with_forces_and_torch_export_on_other_sizes(name):
    torch.manual_seed(0)
    conv = _point_convs()[name].double()
    plain = conv.export()
    assert _is_plain(plain)
    x, pos, edges = _graph(conv, 25, torch.float64)

    def both(p, x, edges, module):
        p = p.clone().requires_grad_(True)
        out = module(x, p, edges) if module is not conv else conv(GeometricTensor(x, conv.in_type, p), edges).tensor
        return out, torch.autograd.grad(out.square().sum(), p)[0]

    (expected, expected_grad), (got, got_grad) = both(pos, x, edges, conv), both(pos, x, edges, plain)
    assert expected.abs().max() > 1e-3
    assert torch.allclose(got, expected, rtol=1e-10, atol=1e-12)
    assert torch.allclose(got_grad, expected_grad, rtol=1e-9, atol=1e-10)

    nodes, edge_count = torch.export.Dim("nodes", min=2), torch.export.Dim("edges", min=2)
    program = torch.export.export(plain, (x, pos, edges), dynamic_shapes=({0: nodes}, {0: nodes}, {1: edge_count}))
    x2, pos2, edges2 = _graph(conv, 41, torch.float64)
    assert edges2.shape[1] != edges.shape[1]
    expected2 = conv(GeometricTensor(x2, conv.in_type, pos2), edges2).tensor
    assert torch.allclose(program.module()(x2, pos2, edges2), expected2, rtol=1e-10, atol=1e-12)


def test_point_conv_export_in_float32_within_1e_5():
    torch.manual_seed(1)
    conv = _point_convs()["R3PointConv"]
    x, pos, edges = _graph(conv, 30, torch.float32)
    expected = conv(GeometricTensor(x, conv.in_type, pos), edges).tensor
    assert (conv.export()(x, pos, edges) - expected).abs().max() <= 1e-5 * expected.abs().max()


def _node_modules():
    torch.manual_seed(2)
    scalars, gates = FieldType.from_e3nn("3x0e", O3), FieldType.from_e3nn("2x0e", O3)
    gated = FieldType.from_e3nn("1x1o+1x2e", O3)
    vectors = FieldType.from_e3nn("2x1o+1x2e+1x0e", O3)
    norm = NormNonLinearity(vectors, "n_sigmoid")
    with torch.no_grad():
        norm.bias.normal_()
    return {
        "Gate": (Gate(scalars, gates, gated), 1),
        "NormNonLinearity": (norm, 1),
        "ElementwiseTensorProduct": (ElementwiseTensorProduct(vectors, vectors), 2),
        "TensorProductModule": (TensorProductModule(vectors, FieldType.from_e3nn("1x0e+1x1o", O3),
                                                    FieldType.from_e3nn("2x0e+1x1e+2x1o+1x2o", O3)), 2),
    }


@pytest.mark.parametrize("name", list(_node_modules()))
def test_node_module_export_equals_the_module_and_torch_exports(name):
    module, arity = _node_modules()[name]
    module = module.double()
    plain = module.export()
    assert _is_plain(plain)
    types = [module.in_type] + ([getattr(module, "in_type2")] if arity == 2 else [])
    inputs = [torch.randn(7, t.size, dtype=torch.float64) for t in types]
    expected = module(*[GeometricTensor(x, t) for x, t in zip(inputs, types)]).tensor
    assert expected.abs().max() > 1e-3
    assert torch.allclose(plain(*inputs), expected, rtol=1e-11, atol=1e-12)
    nodes = torch.export.Dim("nodes", min=2)
    program = torch.export.export(plain, tuple(inputs), dynamic_shapes=tuple({0: nodes} for _ in inputs))
    others = [torch.randn(13, t.size, dtype=torch.float64) for t in types]
    expected = module(*[GeometricTensor(x, t) for x, t in zip(others, types)]).tensor
    assert torch.allclose(program.module()(*others), expected, rtol=1e-11, atol=1e-12)
    grids = [torch.randn(2, t.size, 3, 4, 2, dtype=torch.float64) for t in types]  # voxel-wise alike
    expected = module(*[GeometricTensor(x, t) for x, t in zip(grids, types)]).tensor
    assert torch.allclose(plain(*grids), expected, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("kwargs", [{}, {"correlation": 2}, {"interaction": "full"},
                                    {"radial_basis": "gaussian", "num_radial": 12}], ids=["nequip", "mace", "full", "gaussian"])
def test_potential_export_gives_the_energies_and_forces_and_torch_exports(kwargs):
    torch.manual_seed(3)
    model = EquivariantPotential([1, 8], cutoff=3.0, channels=4, radial_mlp=(8,), **kwargs).double().eval()
    with torch.no_grad():
        model.energy_shift.normal_()
    plain = model.export()
    assert _is_plain(plain)

    def structure(n):
        pos = torch.randn(n, 3, dtype=torch.float64) * 1.5
        return torch.tensor([1, 8] * (n // 2)), pos, radius_graph(pos, 3.0)

    z, pos, edges = structure(12)
    expected = model(Data(z=z, pos=pos, edge_index=edges))
    p = pos.clone().requires_grad_(True)
    energies = plain(z, p, edges)
    forces = -torch.autograd.grad(energies.sum(), p)[0]
    assert torch.allclose(energies, expected["node_energy"], rtol=1e-10, atol=1e-12)
    assert expected["forces"].abs().max() > 1e-4
    assert torch.allclose(forces, expected["forces"], rtol=1e-9, atol=1e-11)

    atoms, edge_count = torch.export.Dim("atoms", min=2), torch.export.Dim("edges", min=2)
    program = torch.export.export(plain, (z, pos, edges), dynamic_shapes=({0: atoms}, {0: atoms}, {1: edge_count}))
    z2, pos2, edges2 = structure(20)
    expected2 = model(Data(z=z2, pos=pos2, edge_index=edges2), compute_forces=False)["node_energy"]
    assert torch.allclose(program.module()(z2, pos2, edges2), expected2, rtol=1e-10, atol=1e-12)

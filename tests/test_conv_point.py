"""Point convolutions: equivariance, grid equivalence, gradients, graphs of every shape, errors."""
import pickle

import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.graph import graph_to_grid, grid_to_graph, periodic_radius_graph, radius_graph
from eqgraph.kernels import grid_rings
from eqgraph.nn import R2Conv, R2PointConv, R3Conv, R3PointConv
from eqgraph.testing import assert_equivariant, random_elements, random_input


def types(name):
    if name == "SO2":
        gs = gspaces.rot2dOnR2()
        return gs, gs.type(gs.irrep(0), gs.irrep(1), gs.irrep(2)), gs.type(gs.irrep(2), gs.irrep(0), gs.irrep(1), gs.irrep(3))
    if name == "O2":
        gs = gspaces.flipRot2dOnR2()
        return gs, gs.type(gs.irrep(0, 0), gs.irrep(1, 0), gs.irrep(1, 1)), gs.type(gs.irrep(1, 2), gs.irrep(0, 0), gs.irrep(1, 1))
    if name == "SO3":
        gs = gspaces.rot3dOnR3()
        return gs, gs.type(gs.irrep(0), gs.irrep(1), gs.irrep(2)), gs.type(gs.irrep(1), gs.irrep(2), gs.irrep(0), gs.irrep(0))
    if name == "O3":
        gs = gspaces.flipRot3dOnR3()
        return gs, FieldType.from_e3nn("2x0e+1x1o+1x1e+1x2e", gs), FieldType.from_e3nn("1x0e+1x0o+2x1o+1x2e+1x2o", gs)
    if name == "C8":
        gs = gspaces.rot2dOnR2(8)
        return gs, gs.type(gs.regular_repr, gs.irrep(1)), gs.type(gs.regular_repr, gs.trivial_repr)
    gs = gspaces.octaOnR3()
    return gs, gs.type(gs.regular_repr), gs.type(gs.irrep(1), gs.trivial_repr)


def conv_class(gs):
    return R2PointConv if gs.dimensionality == 2 else R3PointConv


def full_graph(n):
    edges = torch.cartesian_prod(torch.arange(n), torch.arange(n)).T
    return edges[:, edges[0] != edges[1]]


RADIAL = [{"cutoff": 2.5}, {"cutoff": 2.5, "radial_mlp": (12, 12)}, {"rings": [0.0, 1.0, 2.0]}, {"cutoff": 2.5, "aggr": "mean"}]


@pytest.mark.parametrize("name", ["SO2", "O2", "SO3", "O3"])
@pytest.mark.parametrize("radial", RADIAL, ids=["bessel", "mlp", "rings", "mean"])
def test_point_convs_are_equivariant_under_random_rotations_and_reflections(name, radial, float64):
    gs, in_type, out_type = types(name)
    conv = conv_class(gs)(in_type, out_type, **radial)
    x = random_input(in_type, points=10)
    errors = assert_equivariant(conv, random_elements(gs.fibergroup, 6, generator=1), atol=1e-9, rtol=0, input=x,
                                args=(full_graph(10),))
    assert max(e for _, e in errors) < 1e-9


@pytest.mark.parametrize("name", ["SO2", "O2", "SO3", "O3", "C8", "octa"])
def test_point_convs_are_equivariant_in_float32(name):
    gs, in_type, out_type = types(name)
    conv = conv_class(gs)(in_type, out_type, cutoff=2.5)
    x = random_input(in_type, points=12, dtype=torch.float32)
    elements = random_elements(gs.fibergroup, 4, generator=2) if gs.fibergroup.order() < 0 else None
    assert_equivariant(conv, elements, atol=1e-4, rtol=0, input=x, args=(full_graph(12),))


@pytest.mark.parametrize("dtype, tolerance", [(torch.float32, 1e-5), (torch.float64, 1e-10)])
@pytest.mark.parametrize("kernel_size, dilation", [(5, 1), (3, 2)])
def test_r2conv_on_a_grid_equals_r2pointconv_on_its_graph(dtype, tolerance, kernel_size, dilation):
    gs = gspaces.rot2dOnR2(8)
    in_type = gs.type(gs.regular_repr, gs.irrep(1), gs.trivial_repr)
    out_type = gs.type(gs.irrep(2), gs.regular_repr, gs.regular_repr)
    grid = R2Conv(in_type, out_type, kernel_size, padding=(kernel_size - 1) // 2 * dilation, dilation=dilation).to(dtype)
    point = R2PointConv(in_type, out_type, rings=grid_rings(kernel_size, dilation)).to(dtype)
    point.load_state_dict(grid.state_dict())
    x = random_input(in_type, spatial_shape=(9, 11), dtype=dtype)
    graph = grid_to_graph(x, kernel_size, dilation)
    with torch.no_grad():
        on_grid = grid(x).tensor
        on_graph = graph_to_grid(point(graph.x, graph.edge_index), (9, 11)).tensor
    assert torch.allclose(on_grid, on_graph, atol=tolerance, rtol=0)


@pytest.mark.parametrize("make_types", [lambda: types("SO3"), lambda: types("octa")], ids=["SO3", "octa"])
def test_r3conv_on_a_voxel_grid_equals_r3pointconv_on_its_graph(make_types):
    gs, in_type, out_type = make_types()
    grid = R3Conv(in_type, out_type, 3, padding=1)
    point = R3PointConv(in_type, out_type, rings=grid_rings(3))
    point.load_state_dict(grid.state_dict())
    x = random_input(in_type, spatial_shape=(4, 5, 3), batch=2)
    graph = grid_to_graph(x, 3)
    with torch.no_grad():
        on_graph = graph_to_grid(point(graph.x, graph.edge_index), (4, 5, 3)).tensor
        assert torch.allclose(grid(x).tensor, on_graph, atol=1e-5, rtol=0)


def test_gradcheck_with_respect_to_features_and_positions(float64):
    gs, in_type, out_type = types("O3")
    conv = R3PointConv(in_type, out_type, cutoff=3.0, radial_mlp=(8,))
    edges = full_graph(5)
    features = torch.randn(5, in_type.size, requires_grad=True)
    positions = torch.randn(5, 3, requires_grad=True)

    def run(f, p):
        return conv(GeometricTensor(f, in_type, p), edges).tensor

    assert torch.autograd.gradcheck(run, (features, positions))
    assert torch.autograd.gradgradcheck(run, (features, positions))


def test_forces_train_through_a_double_backward(float64):
    gs, in_type, _ = types("SO3")
    conv = R3PointConv(in_type, gs.type(gs.trivial_repr), cutoff=3.0)
    positions = torch.randn(6, 3, requires_grad=True)
    energy = conv(GeometricTensor(torch.randn(6, in_type.size), in_type, positions), full_graph(6)).tensor.sum()
    forces = -torch.autograd.grad(energy, positions, create_graph=True)[0]
    forces.square().sum().backward()
    assert conv.weights.grad.abs().sum() > 0


def test_bipartite_graphs_are_equivariant(float64):
    gs, in_type, out_type = types("O3")
    conv = R3PointConv(in_type, out_type, cutoff=3.0)
    source = random_input(in_type, points=7)
    target = GeometricTensor(torch.zeros(3, 1), FieldType(gs, [gs.trivial_repr]), torch.randn(3, 3))
    edges = torch.cartesian_prod(torch.arange(7), torch.arange(3)).T
    out = conv((source, target), edges)
    assert out.shape == (3, out_type.size) and torch.equal(out.coords, target.coords)
    for g in random_elements(gs.fibergroup, 3, generator=3):
        moved = conv((source.transform(g), target.transform(g)), edges)
        assert torch.allclose(moved.tensor, out.transform(g).tensor, atol=1e-10)


def test_batched_graphs_isolated_nodes_and_empty_graphs():
    gs, in_type, out_type = types("SO3")
    conv = R3PointConv(in_type, out_type, cutoff=2.0)
    with torch.no_grad():
        conv.bias.fill_(0.5)
    a, b = random_input(in_type, points=6), random_input(in_type, points=4)
    a.coords[2] = a.coords[1] + 0.5  # within the cutoff
    ea, eb = radius_graph(a.coords, 2.0), radius_graph(b.coords, 2.0)
    batched = GeometricTensor(torch.cat([a.tensor, b.tensor]), in_type, torch.cat([a.coords, b.coords]))
    with torch.no_grad():
        together = conv(batched, torch.cat([ea, eb + 6], dim=1)).tensor
        assert torch.allclose(together, torch.cat([conv(a, ea).tensor, conv(b, eb).tensor]), atol=1e-5)
        empty = conv(a, torch.zeros(2, 0, dtype=torch.long)).tensor
    bias = conv.bias_expansion @ conv.bias
    assert torch.allclose(empty, bias.expand(6, -1))
    isolated = torch.tensor([[1, 2], [2, 1]])  # nodes 0, 3, 4, 5 receive nothing
    with torch.no_grad():
        out = conv(a, isolated).tensor
    assert torch.allclose(out[[0, 3, 4, 5]], bias.expand(4, -1)) and not torch.allclose(out[1], bias)


def test_mean_aggregation_divides_by_the_in_degree(float64):
    gs, in_type, out_type = types("O2")
    total = R2PointConv(in_type, out_type, cutoff=3.0, bias=False)
    mean = R2PointConv(in_type, out_type, cutoff=3.0, aggr="mean", bias=False)
    mean.load_state_dict(total.state_dict())
    x = random_input(in_type, points=6)
    edges = torch.tensor([[1, 2, 3, 4, 5], [0, 0, 0, 1, 1]])
    degree = torch.tensor([3.0, 2.0, 1, 1, 1, 1]).clamp(min=1)[:, None]
    assert torch.allclose(mean(x, edges).tensor, total(x, edges).tensor / degree, atol=1e-12)


def test_num_neighbors_scales_the_sums(float64):
    gs, in_type, out_type = types("SO3")
    plain = R3PointConv(in_type, out_type, cutoff=3.0, bias=False)
    scaled = R3PointConv(in_type, out_type, cutoff=3.0, bias=False, num_neighbors=16.0)
    scaled.load_state_dict(plain.state_dict())
    x, edges = random_input(in_type, points=6), full_graph(6)
    assert torch.allclose(scaled(x, edges).tensor * 4, plain(x, edges).tensor, atol=1e-12)
    with pytest.raises(ValueError, match="num_neighbors"):
        R3PointConv(in_type, out_type, cutoff=3.0, num_neighbors=0)


def test_edge_geometry_is_shared_between_layers(float64):
    gs, in_type, out_type = types("SO3")
    first = R3PointConv(in_type, out_type, cutoff=2.0)
    second = R3PointConv(out_type, in_type, cutoff=2.0, radial_mlp=(8,))
    x = random_input(in_type, points=8)
    edges = full_graph(8)
    geometry = first.edge_geometry(x, edges)
    shared = second(first(x, edges, geometry=geometry), edges, geometry=geometry)
    assert torch.allclose(shared.tensor, second(first(x, edges), edges).tensor, atol=1e-12)
    other = R3PointConv(in_type, out_type, cutoff=2.0, n_radial=4)
    with pytest.raises(ValueError, match="EdgeGeometry does not fit"):
        other(x, edges, geometry=geometry)


def test_periodic_edges_through_edge_delta(float64):
    gs, in_type, out_type = types("O3")
    conv = R3PointConv(in_type, out_type, cutoff=1.6)
    cell = torch.eye(3) * 2.0
    x = random_input(in_type, points=4)
    graph = periodic_radius_graph(x.coords, cell, 1.6)
    out = conv(x, graph.edge_index, edge_delta=graph.edge_delta)
    for g in random_elements(gs.fibergroup, 3, generator=4):
        rotation = torch.as_tensor(gs.action_matrix(g))
        moved = x.transform(g)
        moved_graph = periodic_radius_graph(moved.coords, cell @ rotation.T, 1.6)
        result = conv(moved, moved_graph.edge_index, edge_delta=moved_graph.edge_delta)
        assert torch.allclose(result.tensor, out.transform(g).tensor, atol=1e-9)


def test_state_dict_keys_and_pickling():
    gs, in_type, out_type = types("C8")
    conv = R2PointConv(in_type, out_type, cutoff=2.0, radial_mlp=(8,))
    train_keys = set(conv.state_dict())
    assert set(conv.eval().state_dict()) == train_keys and "weights" in train_keys
    x = random_input(in_type, points=6)
    edges = full_graph(6)
    with torch.no_grad():
        assert torch.equal(pickle.loads(pickle.dumps(conv))(x, edges).tensor, conv(x, edges).tensor)


def test_point_convs_compile_without_graph_breaks():
    gs, in_type, out_type = types("O3")
    conv = R3PointConv(in_type, out_type, cutoff=2.0)

    def run(features, positions, edges):
        return conv(GeometricTensor(features, in_type, positions), edges).tensor

    compiled = torch.compile(run, fullgraph=True, dynamic=True, backend="eager")
    for n in (6, 9):
        features, positions, edges = torch.randn(n, in_type.size), torch.randn(n, 3), full_graph(n)
        assert torch.allclose(compiled(features, positions, edges), run(features, positions, edges), atol=1e-5)


def test_bad_inputs_are_refused_before_computing():
    gs, in_type, out_type = types("SO3")
    conv = R3PointConv(in_type, out_type, cutoff=2.0)
    x = random_input(in_type, points=4)
    edges = full_graph(4)
    with pytest.raises(ValueError, match="expects input of type"):
        conv(random_input(out_type, points=4), edges)
    with pytest.raises(ValueError, match="R3Conv on grids"):
        conv(random_input(in_type, spatial_shape=(3, 3, 3)), edges)
    with pytest.raises(ValueError, match="no coords"):
        conv(GeometricTensor(x.tensor, in_type), edges)
    with pytest.raises(ValueError, match="out of range"):
        conv(x, torch.tensor([[0, 4], [1, 0]]))
    with pytest.raises(ValueError, match="long tensor"):
        conv(x, edges.float())
    with pytest.raises(ValueError, match="edge_delta"):
        conv(x, edges, edge_delta=torch.zeros(3, 3))
    with pytest.raises(ValueError, match="cutoff"):
        R3PointConv(in_type, out_type)
    with pytest.raises(ValueError, match="R\\^2"):
        R2PointConv(in_type, out_type, cutoff=1.0)
    with pytest.raises(ValueError, match="aggr"):
        R3PointConv(in_type, out_type, cutoff=1.0, aggr="max")

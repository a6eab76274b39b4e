"""ChannelwisePointConv, RadialNetwork and the batched periodic neighbour list."""
import math

import numpy as np
import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType
from eqgraph.graph import periodic_radius_graph, radius_graph
from eqgraph.nn import ChannelwisePointConv, RadialNetwork
from eqgraph.nn.conv.radial_network import SILU_SCALE
from eqgraph.testing import assert_equivariant, random_elements, random_input


def graph_input(field_type, n=25, seed=0, scale=1.0):
    g = torch.Generator().manual_seed(seed)
    pos = torch.randn(n, field_type.gspace.dimensionality, generator=g, dtype=torch.float64) * scale
    return field_type(torch.randn(n, field_type.size, generator=g, dtype=torch.float64), coords=pos)


@pytest.mark.parametrize("gspace, irreps", [
    (gspaces.flipRot3dOnR3(), "4x0e+3x1o+2x2e+1x1e"),
    (gspaces.rot3dOnR3(), "4x0e+3x1o+2x2e"),
    (gspaces.flipRot3dOnR3(), "2x0e+2x0o+2x1o"),
])
def test_equivariant_on_random_continuous_elements(gspace, irreps):
    torch.set_default_dtype(torch.float64)
    try:
        t = FieldType.from_e3nn(irreps, gspace)
        conv = ChannelwisePointConv(t, cutoff=2.0, num_neighbors=4.0, radial_mlp=(16,))
        x = graph_input(t)
        edges = radius_graph(x.coords, 2.0)
        results = assert_equivariant(conv, random_elements(gspace.fibergroup, 6, 0), input=x, args=(edges,), atol=1e-10)
        assert max(e for _, e in results) < 1e-10
        assert conv(x, edges).tensor.abs().max() > 1e-3
    finally:
        torch.set_default_dtype(torch.float32)


def test_equivariant_in_2d_and_on_finite_groups():
    for gspace in (gspaces.rot2dOnR2(-1), gspaces.flipRot2dOnR2(-1), gspaces.rot2dOnR2(8)):
        irreps = [gspace.trivial_repr] * 3 + [r for r in gspace.irreps if r.size == 2][:1] * 2
        t = FieldType(gspace, irreps)
        conv = ChannelwisePointConv(t, cutoff=2.0).double()
        x = graph_input(t)
        elements = gspace.fibergroup.testing_elements() if gspace.fibergroup.order() > 0 else \
            random_elements(gspace.fibergroup, 6, 1)
        assert_equivariant(conv, elements, input=x, args=(radius_graph(x.coords, 2.0),), atol=1e-10)


def test_paths_match_e3nn_uvu_instructions_and_cost_is_linear_in_channels():
    o3 = gspaces.flipRot3dOnR3()
    conv = ChannelwisePointConv(FieldType.from_e3nn("4x0e+3x1o+2x2e", o3), cutoff=2.0)
    # e3nn's uvu paths into {0e, 1o, 2e} with spherical harmonics up to l = 2
    assert str(conv.out_type.to_e3nn()) == "9x0e+12x1o+11x2e"
    weights = [ChannelwisePointConv(FieldType.from_e3nn(f"{c}x0e+{c}x1o+{c}x2e", o3), cutoff=2.0).weight_numel
               for c in (4, 8)]
    assert weights[1] == 2 * weights[0]


def test_messages_have_unit_variance_at_initialisation():
    torch.manual_seed(0)
    o3 = gspaces.flipRot3dOnR3()
    t = FieldType.from_e3nn("64x0e+64x1o+64x2e", o3)
    conv = ChannelwisePointConv(t, cutoff=2.0, radial_mlp=(64,)).double()
    pos = torch.randn(400, 3, dtype=torch.float64) * 2.0
    features = torch.randn(400, t.size, dtype=torch.float64)
    edges = radius_graph(pos, 2.0)
    geometry = conv.geometry_of_offsets(pos[edges[0]] - pos[edges[1]])
    # with unit weights every path's message has unit second moment (angular maps normalised)
    unit = torch.ones(edges.shape[1], conv.weight_numel, dtype=torch.float64)
    messages = conv.message(features[edges[0]], geometry.harmonics, unit)
    assert float(messages.pow(2).mean()) == pytest.approx(1.0, abs=0.05)
    weights = conv.radial_network(geometry.radial)
    # the radial network keeps the second moment of its embedding's order, with no shrinking
    assert 0.2 < float(weights.pow(2).mean() / geometry.radial.pow(2).mean()) < 5


def test_empty_graphs_isolated_nodes_and_bad_types():
    o3 = gspaces.flipRot3dOnR3()
    t = FieldType.from_e3nn("2x0e+1x1o", o3)
    conv = ChannelwisePointConv(t, cutoff=1.0).double()
    x = graph_input(t, n=4, scale=100.0)
    y = conv(x, torch.zeros(2, 0, dtype=torch.long))
    assert y.tensor.shape == (4, conv.out_type.size) and y.tensor.abs().max() == 0
    with pytest.raises(ValueError, match="not irreps"):
        ChannelwisePointConv(FieldType(gspaces.rot2dOnR2(8), [gspaces.rot2dOnR2(8).regular_repr]), cutoff=1.0)
    with pytest.raises(ValueError, match="cutoff"):
        ChannelwisePointConv(t, cutoff=math.inf)
    with pytest.raises(ValueError, match="reaches none"):
        ChannelwisePointConv(FieldType.from_e3nn("1x0e+1x2e", o3), out_irreps=[o3.irrep(1, 1)], cutoff=1.0,
                             maximum_frequency=0)


def test_radial_network_parametrisation():
    network = RadialNetwork(8, [64, 64], 10)
    assert [tuple(w.shape) for w in network.weights] == [(8, 64), (64, 64), (64, 10)]
    z = torch.randn(200000, dtype=torch.float64)
    assert float((torch.nn.functional.silu(z) * SILU_SCALE).pow(2).mean()) == pytest.approx(1.0, abs=0.02)
    with torch.no_grad():
        out = network(torch.randn(20000, 8))
    assert 0.5 < float(out.pow(2).mean()) < 2.0
    assert network(torch.zeros(3, 8)).abs().max() == 0  # no bias: vanishes with the embedding


def test_periodic_graph_matches_ase_batched_and_mixed():
    from ase.build import bulk
    from ase.neighborlist import neighbor_list

    rng = np.random.default_rng(0)
    structures = []
    for k, (repeat, pbc) in enumerate([((2, 2, 2), True), ((1, 1, 1), True), ((3, 1, 2), [True, False, True])]):
        atoms = bulk("Cu", "fcc", a=3.6, cubic=True).repeat(repeat)
        atoms.rattle(0.1, seed=k)
        atoms.positions += rng.normal(size=3) * 5  # outside the cell: wrapped
        atoms.set_cell(atoms.cell + rng.normal(size=(3, 3)) * 0.2, scale_atoms=False)
        atoms.pbc = pbc
        structures.append(atoms)
    pos = torch.tensor(np.concatenate([a.positions for a in structures]))
    cell = torch.tensor(np.stack([np.array(a.cell) for a in structures]))
    pbc = torch.tensor(np.stack([a.pbc for a in structures]))
    batch = torch.cat([torch.full((len(a),), k) for k, a in enumerate(structures)])
    graph = periodic_radius_graph(pos, cell, 4.5, pbc=pbc, batch=batch)
    offsets = np.cumsum([0] + [len(a) for a in structures])
    expected = []
    for k, a in enumerate(structures):
        i, j, S = neighbor_list("ijS", a, 4.5)
        expected += list(zip((j + offsets[k]).tolist(), (i + offsets[k]).tolist(), map(tuple, S.tolist())))
    got = list(zip(graph.edge_index[0].tolist(), graph.edge_index[1].tolist(), map(tuple, graph.shifts.long().tolist())))
    assert sorted(got) == sorted(expected)
    delta = pos[graph.edge_index[0]] - pos[graph.edge_index[1]] + torch.einsum("ek,ekl->el", graph.shifts, cell[batch[graph.edge_index[1]]])
    assert torch.allclose(graph.edge_delta, delta) and float(graph.edge_delta.norm(dim=1).max()) <= 4.5


def test_periodic_graph_refuses_bad_cells():
    pos = torch.rand(10, 3, dtype=torch.float64)
    with pytest.raises(ValueError, match="singular"):
        periodic_radius_graph(pos, torch.zeros(3, 3), 2.0)
    with pytest.raises(ValueError, match="NaN"):
        periodic_radius_graph(pos, torch.full((3, 3), float("nan")), 2.0)
    with pytest.raises(ValueError, match="periodic images"):
        periodic_radius_graph(pos, torch.eye(3) * 0.5, 20.0)
    with pytest.raises(ValueError, match="pbc"):
        periodic_radius_graph(pos, torch.eye(3) * 4, 2.0, pbc=[True, True])
    with pytest.raises(ValueError, match="radius"):
        periodic_radius_graph(pos, torch.eye(3) * 4, float("inf"))
    # a molecule without a cell: an open cluster, the same edges as radius_graph
    open_graph = periodic_radius_graph(pos * 3, torch.zeros(3, 3), 1.0, pbc=False)
    assert torch.equal(open_graph.edge_index, radius_graph(pos * 3, 1.0))


@pytest.mark.parametrize("layer", ["R3PointConv", "ChannelwisePointConv"])
def test_learnable_radial_kernels_vanish_at_the_cutoff(layer):
    """An edge just inside the cutoff contributes nothing measurable (no bias lifts the radial
    features off zero where the embedding vanishes), so energies stay continuous."""
    from eqgraph.nn import R3PointConv

    o3 = gspaces.flipRot3dOnR3()
    t = FieldType.from_e3nn("3x0e+2x1o", o3)
    torch.manual_seed(0)
    conv = (R3PointConv(t, t, cutoff=2.0, radial_mlp=(8, 8)) if layer == "R3PointConv"
            else ChannelwisePointConv(t, cutoff=2.0, radial_mlp=(8, 8))).double()
    pos = torch.tensor([[0.0, 0.0, 0.0], [2.0 - 1e-7, 0.0, 0.0], [0.6, 0.8, 0.0]], dtype=torch.float64)
    x = t(torch.randn(3, t.size, dtype=torch.float64), coords=pos)
    near = torch.tensor([[1, 2], [0, 0]])
    without = torch.tensor([[2], [0]])
    difference = (conv(x, near).tensor - conv(x, without).tensor)[0].abs().max()
    assert difference < 1e-9
    assert (conv(x, torch.tensor([[2], [0]])).tensor[0]).abs().max() > 1e-3  # the inner edge does contribute


def test_fused_and_blockwise_messages_agree(monkeypatch, float64):
    import eqgraph.nn.conv.channelwise_messages as module

    gs = gspaces.flipRot3dOnR3()
    field = FieldType.from_e3nn("3x0e+2x1o+2x2e", gs)
    conv = ChannelwisePointConv(field, cutoff=2.0)
    x = random_input(field, points=9)
    nodes = torch.arange(9)
    pairs = torch.cartesian_prod(nodes, nodes)
    edges = pairs[pairs[:, 0] != pairs[:, 1]].T.contiguous()
    fused = conv(x, edges).tensor
    monkeypatch.setattr(module, "FUSED_MESSAGE_ELEMENTS", 0)
    assert torch.allclose(conv(x, edges).tensor, fused, atol=1e-12)

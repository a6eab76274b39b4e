"""Graph adapters: grids as graphs and back, radius graphs, periodic neighbour lists."""
import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from eqgraph import gspaces
from eqgraph.graph import RadiusGraph, graph_to_grid, grid_to_graph, periodic_radius_graph, radius_graph
from eqgraph.graph import radius as radius_module
from eqgraph.testing import random_input


def test_grid_to_graph_links_every_stencil_neighbour_and_round_trips():
    gs = gspaces.rot2dOnR2(4)
    ft = gs.type(gs.regular_repr, gs.trivial_repr)
    x = random_input(ft, spatial_shape=(4, 6), batch=3)
    graph = grid_to_graph(x, 3)
    H, W = 4, 6
    expected = sum((H - abs(dy)) * (W - abs(dx)) for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    assert graph.edge_index.shape == (2, 3 * expected)
    assert graph.x.shape == (3 * H * W, ft.size) and graph.batch.bincount().tolist() == [H * W] * 3
    src, dst = graph.edge_index
    offsets = graph.x.coords[src] - graph.x.coords[dst]
    assert offsets.abs().max() == 1 and torch.equal(graph.batch[src], graph.batch[dst])
    assert torch.equal(graph_to_grid(graph.x, (H, W)).tensor, x.tensor)
    assert graph.x.coords[:H * W].mean(0).abs().max() < 1e-6  # centred coordinates
    dilated = grid_to_graph(x, 3, dilation=2)
    src, dst = dilated.edge_index
    assert set((dilated.x.coords[src] - dilated.x.coords[dst]).abs().unique().tolist()) == {0.0, 2.0}


def test_grid_adapters_refuse_bad_input():
    gs = gspaces.rot2dOnR2(4)
    ft = gs.type(gs.regular_repr)
    with pytest.raises(ValueError, match="grid GeometricTensor"):
        grid_to_graph(random_input(ft, points=4), 3)
    with pytest.raises(ValueError, match="odd kernel_size"):
        grid_to_graph(random_input(ft, spatial_shape=(3, 3)), 4)
    with pytest.raises(ValueError, match="whole grids"):
        graph_to_grid(random_input(ft, points=10), (3, 3))


def reference_radius_graph(pos, r, batch, loop):
    distances = np.linalg.norm(pos[:, None] - pos[None], axis=-1)
    pairs = [(j, i) for i in range(len(pos)) for j in range(len(pos))
             if distances[i, j] <= r and (loop or i != j) and (batch is None or batch[i] == batch[j])]
    return sorted(pairs, key=lambda p: (p[1], p[0]))


@pytest.mark.parametrize("loop", [False, True])
@pytest.mark.parametrize("with_batch", [False, True])
@pytest.mark.parametrize("search", ["all pairs", "cells"])
def test_radius_graph_matches_a_brute_force_reference(loop, with_batch, search, monkeypatch):
    monkeypatch.setattr(radius_module, "PAIRS_PER_CHUNK", 100)  # exercise the chunking
    monkeypatch.setattr(radius_module, "CELL_LIST_ABOVE", 10 ** 9 if search == "all pairs" else 0)
    generator = torch.Generator().manual_seed(0)
    pos = torch.rand(40, 3, generator=generator) * 3
    batch = torch.tensor([0] * 15 + [1] * 25) if with_batch else None
    edge_index = radius_graph(pos, 1.0, batch, loop=loop)
    expected = reference_radius_graph(pos.numpy(), 1.0, None if batch is None else batch.numpy(), loop)
    assert list(zip(*edge_index.tolist())) == expected


@pytest.mark.parametrize("cells", [False, True])
def test_radius_graph_limits_neighbours_to_the_nearest(cells, monkeypatch):
    monkeypatch.setattr(radius_module, "CELL_LIST_ABOVE", 0 if cells else 10 ** 9)
    pos = torch.tensor([[0.0, 0, 0], [0.1, 0, 0], [0.3, 0, 0], [0.6, 0, 0]])
    edges = radius_graph(pos, 1.0, max_num_neighbors=2)
    neighbours = {i: sorted(edges[0, edges[1] == i].tolist()) for i in range(4)}
    assert neighbours == {0: [1, 2], 1: [0, 2], 2: [0, 1], 3: [1, 2]}


def test_radius_graph_edge_cases_and_errors():
    assert radius_graph(torch.zeros(0, 3), 1.0).shape == (2, 0)
    assert radius_graph(torch.tensor([[0.0, 0.0], [5.0, 5.0]]), 1.0).shape == (2, 0)
    with pytest.raises(ValueError, match="radius r > 0"):
        radius_graph(torch.zeros(3, 3), 0.0)
    with pytest.raises(ValueError, match="positions"):
        radius_graph(torch.zeros(3, 3, dtype=torch.long), 1.0)
    with pytest.raises(ValueError, match="batch"):
        radius_graph(torch.zeros(3, 3), 1.0, batch=torch.zeros(2, dtype=torch.long))


def test_radius_graph_transform_sets_edges_on_pyg_data():
    data = Data(pos=torch.tensor([[0.0, 0, 0], [0.5, 0, 0], [3.0, 0, 0]]))
    data = RadiusGraph(1.0)(data)
    assert data.edge_index.tolist() == [[1, 0], [0, 1]]


def test_periodic_neighbours_include_images_with_their_shifts():
    cell = torch.eye(3) * 2.0
    pos = torch.tensor([[0.1, 0.1, 0.1]], requires_grad=True)
    graph = periodic_radius_graph(pos, cell, 2.1)
    assert graph.edge_index.shape == (2, 6)  # the six face neighbours are images of the point itself
    assert torch.allclose(graph.edge_delta.norm(dim=1), torch.full((6,), 2.0))
    assert torch.equal(graph.shifts.abs().sum(1), torch.ones(6))
    two = torch.tensor([[0.0, 0, 0], [1.9, 0, 0]], requires_grad=True)
    graph = periodic_radius_graph(two, cell, 0.5)
    assert sorted(graph.edge_delta[:, 0].tolist()) == pytest.approx([-0.1, 0.1])  # across the boundary
    graph.edge_delta[0, 0].backward()  # differentiable with respect to the positions
    source, target = graph.edge_index[:, 0].tolist()
    assert two.grad[source, 0] == 1 and two.grad[target, 0] == -1
    with pytest.raises(ValueError, match="cell"):
        periodic_radius_graph(two, torch.eye(2), 1.0)

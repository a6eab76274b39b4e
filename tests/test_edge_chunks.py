"""Point convolutions on large graphs aggregate edges chunk by chunk (recomputing each chunk in the
backward pass): the results, forces and second derivatives equal the one-shot aggregation."""
import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.graph import radius_graph
from eqgraph.nn import ChannelwisePointConv, R2PointConv, R3PointConv


def _layers():
    torch.manual_seed(0)
    o3 = gspaces.flipRot3dOnR3()
    ft = FieldType.from_e3nn("3x0e+2x1o+1x2e", o3)
    so2 = gspaces.rot2dOnR2(-1, maximum_frequency=2)
    planar = so2.type(so2.trivial_repr, so2.irrep(1), so2.irrep(2))
    return [
        (R3PointConv(ft, FieldType.from_e3nn("2x0e+1x1o+1x2e", o3), cutoff=2.0, radial_mlp=(8,), aggr="mean"), 3),
        (R3PointConv(ft, ft, cutoff=2.0), 3),
        (ChannelwisePointConv(ft, cutoff=2.0, radial_mlp=(8,)), 3),
        (ChannelwisePointConv(ft, cutoff=2.0, radial_mlp=(8,), aggr="mean"), 3),
        (R2PointConv(planar, planar, cutoff=2.0), 2),
    ]


@pytest.mark.parametrize("case", range(5))
def test_chunked_aggregation_equals_one_shot_with_forces_and_second_derivatives(case):
    conv, d = _layers()[case]
    conv = conv.double()
    torch.manual_seed(1)
    features = torch.randn(30, conv.in_type.size, dtype=torch.float64)
    positions = (torch.rand(30, d, dtype=torch.float64) * 3).requires_grad_(True)
    edges = radius_graph(positions.detach(), 2.0)
    assert edges.shape[1] > 50

    def run(chunk):
        conv.edge_chunk_size = chunk
        out = conv(GeometricTensor(features, conv.in_type, positions), edges).tensor
        energy = (out ** 2).sum()
        forces = torch.autograd.grad(energy, positions, create_graph=True)[0]
        second = torch.autograd.grad((forces ** 2).sum(), [positions, *conv.parameters()])
        return [out, forces, *second]

    one_shot, chunked = run(None), run(17)
    for expected, got in zip(one_shot, chunked):
        assert expected.abs().max() > 0
        assert torch.allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_layers_choose_a_chunk_that_bounds_their_intermediates():
    for conv, _ in _layers():
        assert 1024 <= conv.edge_chunk_size <= 2 ** 27


def _saved_bytes(conv, features, positions, edges) -> int:
    """Bytes the autograd graph keeps for the backward pass of one forward."""
    total = 0

    def pack(tensor):
        nonlocal total
        total += tensor.numel() * tensor.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        conv(GeometricTensor(features, conv.in_type, positions), edges)
    return total


@pytest.mark.parametrize("layer", [R3PointConv, ChannelwisePointConv])
def test_chunking_keeps_memory_for_the_backward_pass_bounded(layer):
    ft = FieldType.from_e3nn("16x0e+8x1o+4x2e", gspaces.flipRot3dOnR3())
    conv = R3PointConv(ft, ft, cutoff=2.0) if layer is R3PointConv else ChannelwisePointConv(ft, cutoff=2.0)
    torch.manual_seed(2)
    positions = (torch.rand(400, 3) * 4).requires_grad_(True)
    features = torch.randn(400, conv.in_type.size)
    edges = radius_graph(positions.detach(), 2.0)
    conv.edge_chunk_size = None
    whole = _saved_bytes(conv, features, positions, edges)
    conv.edge_chunk_size = edges.shape[1] // 20
    chunked = _saved_bytes(conv, features, positions, edges)
    assert chunked < 0.25 * whole, (chunked, whole)


"""Every convolution's forward under ``torch.compile(fullgraph=True)``: no graph breaks, outputs and
first derivatives equal eager. The ``aot_eager`` backend traces forward and backward without C++
code generation; one small inductor case runs in the default suite (the rest of inductor in
``test_compile.py``, slow)."""
import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.graph import radius_graph
from eqgraph.nn import (ChannelwisePointConv, R2Conv, R2ConvTransposed, R2Diffop, R2PointConv, R3Conv,
                        R3ConvTransposed, R3Diffop, R3PointConv)


def _grid_cases():
    c4 = gspaces.rot2dOnR2(4)
    planar = c4.type(c4.regular_repr, c4.trivial_repr)
    so3 = gspaces.rot3dOnR3(maximum_frequency=1)
    spatial = so3.type(so3.trivial_repr, so3.irrep(1))
    return {
        "R2Conv": (R2Conv(planar, planar, 3, padding=1), (2, planar.size, 7, 6)),
        "R2ConvTransposed": (R2ConvTransposed(planar, planar, 3, stride=2), (1, planar.size, 4, 5)),
        "R2Diffop": (R2Diffop(planar, planar, 3, padding=1), (2, planar.size, 6, 6)),
        "R3Conv": (R3Conv(spatial, spatial, 3, padding=1), (1, spatial.size, 4, 5, 4)),
        "R3ConvTransposed": (R3ConvTransposed(spatial, spatial, 3, stride=2), (1, spatial.size, 3, 3, 3)),
        "R3Diffop": (R3Diffop(spatial, spatial, 3, padding=1), (1, spatial.size, 4, 4, 4)),
    }


def _point_cases():
    o3 = gspaces.flipRot3dOnR3()
    ft = FieldType.from_e3nn("3x0e+2x1o+1x2e", o3)
    d4 = gspaces.flipRot2dOnR2(4)
    planar = d4.type(d4.regular_repr, d4.trivial_repr)
    return {
        "R3PointConv": R3PointConv(ft, ft, cutoff=2.0, radial_mlp=(8,)),
        "ChannelwisePointConv": ChannelwisePointConv(ft, cutoff=2.0, radial_mlp=(8,)),
        "R2PointConv": R2PointConv(planar, planar, cutoff=2.0),
    }


@pytest.mark.parametrize("name", list(_grid_cases()))
def test_grid_convolution_compiles_without_graph_breaks_with_equal_gradients(name):
    torch.manual_seed(0)
    conv, shape = _grid_cases()[name]
    in_type = conv.in_type

    def output(t):
        return conv(GeometricTensor(t, in_type)).tensor

    compiled = torch.compile(output, fullgraph=True, backend="aot_eager")
    x = torch.randn(shape, requires_grad=True)
    got, expected = compiled(x), output(x)
    assert torch.allclose(got, expected, atol=1e-5)
    grad_got = torch.autograd.grad(got.square().sum(), x)[0]
    grad_expected = torch.autograd.grad(expected.square().sum(), x)[0]
    assert grad_expected.abs().max() > 0 and torch.allclose(grad_got, grad_expected, atol=1e-4)


@pytest.mark.parametrize("name", list(_point_cases()))
def test_point_convolution_compiles_without_graph_breaks_with_equal_forces(name):
    torch.manual_seed(0)
    conv = _point_cases()[name]
    in_type, d = conv.in_type, conv.in_type.gspace.dimensionality

    def energy(features, positions, edges):
        return conv(GeometricTensor(features, in_type, positions), edges).tensor.square().sum()

    compiled = torch.compile(energy, fullgraph=True, backend="aot_eager", dynamic=True)
    for n in (15, 22):
        features, positions = torch.randn(n, in_type.size), (torch.rand(n, d) * 2.5).requires_grad_(True)
        edges = radius_graph(positions.detach(), 2.0)
        got, expected = compiled(features, positions, edges), energy(features, positions, edges)
        assert torch.allclose(got, expected, rtol=1e-5)
        forces = torch.autograd.grad(got, positions)[0]
        expected_forces = torch.autograd.grad(expected, positions)[0]
        scale = expected_forces.abs().max()
        assert scale > 0 and torch.allclose(forces, expected_forces, atol=1e-5 * scale)


def test_one_point_convolution_compiles_with_inductor():
    torch.manual_seed(1)
    o3 = gspaces.flipRot3dOnR3()
    ft = FieldType.from_e3nn("2x0e+1x1o", o3)
    conv = R3PointConv(ft, FieldType.from_e3nn("1x0e", o3), cutoff=2.0)

    def energy(features, positions, edges):
        return conv(GeometricTensor(features, ft, positions), edges).tensor.sum()

    compiled = torch.compile(energy, fullgraph=True)
    features, positions = torch.randn(10, ft.size), (torch.rand(10, 3) * 2).requires_grad_(True)
    edges = radius_graph(positions.detach(), 2.0)
    forces = torch.autograd.grad(compiled(features, positions, edges), positions)[0]
    expected = torch.autograd.grad(energy(features, positions, edges), positions)[0]
    assert torch.allclose(forces, expected, atol=1e-5 * expected.abs().max().item(), rtol=1e-4)

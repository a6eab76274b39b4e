"""Steerable partial differential operators: the polynomials, their discretisation, the layers."""
import itertools
import math

import numpy as np
import pytest
import torch

from eqgraph import gspaces
from eqgraph.kernels import DiffopBasis
from eqgraph.kernels.diffops import monomial_values, monomials
from eqgraph.nn import R2Diffop, R3Diffop, init
from eqgraph.nn.conv.rd_diffop import resolve_stencil
from eqgraph.nn.conv.stencil_expansion import stencil_points
from eqgraph.testing import assert_equivariant, grid_symmetries, random_elements, random_input

SO2 = gspaces.rot2dOnR2()
O2 = gspaces.flipRot2dOnR2()
SO3 = gspaces.rot3dOnR3()
O3 = gspaces.flipRot3dOnR3()


def basis(gs, in_repr, out_repr, order, **kwargs):
    return DiffopBasis(gs.fibergroup, gs.basespace_action, in_repr, out_repr, order, **kwargs)


@pytest.mark.parametrize("gs, in_repr, out_repr", [
    (SO2, SO2.irrep(1), SO2.irrep(2)),
    (O2, O2.irrep(1, 1), O2.irrep(1, 0)),
    (SO3, SO3.irrep(1), SO3.irrep(1)),
    (O3, O3.irrep(1, 1), O3.irrep(0, 2)),
], ids=["SO2", "O2", "SO3", "O3"])
def test_operator_polynomials_are_equivariant(gs, in_repr, out_repr):
    b = basis(gs, in_repr, out_repr, 3)
    assert len(b) > 0
    x = np.random.default_rng(0).standard_normal((6, gs.dimensionality))

    def polynomials(points):  # [P, B, c_out, c_in]
        return np.einsum("pm,bmoi->pboi", monomial_values(points, b.exponents), b.coefficients)

    for g in random_elements(gs.fibergroup, 4, generator=0):
        moved = polynomials(x @ gs.basespace_action(g).T)
        expected = np.einsum("oa,pbac,ci->pboi", out_repr(g), polynomials(x), in_repr(~g))
        assert np.allclose(moved, expected, atol=1e-10)


def test_finite_differences_are_exact_on_polynomials_up_to_the_stencil_degree():
    b = basis(SO2, SO2.trivial_repr, SO2.irrep(1), 3)  # the gradient and the gradient of the Laplacian
    assert sorted(a["order"] for a in b.attributes()) == [1, 1, 3, 3]  # and each rotated by 90 degrees
    points = torch.as_tensor(stencil_points(5, 2, 2), dtype=torch.float64)  # dilation 2
    weights = b.sample(points).numpy()  # [P, B, 2, 1]
    for gamma in itertools.product(range(5), repeat=2):  # degree below 5 in each variable
        moments = np.einsum("p,pboi->boi", monomial_values(points.numpy(), [gamma])[:, 0], weights)
        column = b.exponents.index(gamma) if sum(gamma) <= 3 else None
        expected = 0 if column is None else math.prod(map(math.factorial, gamma)) * b.coefficients[:, column]
        assert np.allclose(moments, expected, atol=1e-9), gamma


def test_the_order_zero_finite_difference_is_the_identity():
    b = basis(SO3, SO3.irrep(1), SO3.irrep(1), 2)
    identity = [a["index"] for a in b.attributes() if a["order"] == 0]
    weights = b.sample(torch.as_tensor(stencil_points(3, 1, 3), dtype=torch.float64))[:, identity]
    centre = 13  # the middle of the 27 voxels
    assert torch.count_nonzero(weights.abs() > 1e-12) == torch.count_nonzero(weights[centre].abs() > 1e-12) > 0


def test_gaussian_derivatives_approach_the_exact_operators():
    """On a quadratic field f, smoothing changes f by (s^2 / 2) Laplacian f but none of its
    derivatives of order >= 1: those must match the finite differences (up to the truncated
    Gaussian's tails)."""
    points = torch.as_tensor(stencil_points(9, 1, 2), dtype=torch.float64)
    field = monomial_values(points.numpy(), [(1, 0), (0, 1), (2, 0), (0, 2)]) @ np.array([3.0, -2.0, 0.5, 1.5])
    for in_repr, out_repr, order in ((SO2.trivial_repr, SO2.trivial_repr, 2), (SO2.trivial_repr, SO2.irrep(1), 1)):
        finite, smoothed = (basis(SO2, in_repr, out_repr, order, smoothing=s) for s in (None, 1.0))
        derivatives = [a["order"] >= 1 for a in finite.attributes()]
        exact, approximate = (np.einsum("p,pboi->boi", field, b.sample(points).numpy())[derivatives]
                              for b in (finite, smoothed))
        assert np.allclose(approximate, exact, rtol=1e-3) and np.abs(exact).min() > 1


def test_laplacian_of_a_quadratic_image(float64):
    t = SO2.type(SO2.trivial_repr)
    layer = R2Diffop(t, t, kernel_size=3, maximum_order=2, bias=False)
    laplacian = [a["index"] for a in layer.layout.blocks[0].basis.attributes() if a["power"] == 1]
    scale = layer.layout.blocks[0].basis.coefficients[laplacian[0], monomials(2, 2).index((2, 0)), 0, 0]
    with torch.no_grad():
        layer.weights.zero_()
        layer.weights[laplacian[0]] = 1.0
    y, x = torch.meshgrid(torch.arange(7.0), torch.arange(7.0), indexing="ij")
    image = (x ** 2 + 3 * y ** 2 + 5 * x * y - 2 * x)[None, None]
    out = layer(t(image)).tensor
    assert out.shape == (1, 1, 5, 5)
    assert torch.allclose(out, torch.full_like(out, 8.0 * scale))


@pytest.mark.parametrize("make, spatial", [
    (lambda: R2Diffop(gspaces.rot2dOnR2(8).type(gspaces.rot2dOnR2(8).regular_repr, gspaces.rot2dOnR2(8).irrep(1)),
                      gspaces.rot2dOnR2(8).type(gspaces.rot2dOnR2(8).irrep(3), gspaces.rot2dOnR2(8).regular_repr),
                      kernel_size=5, padding=2), (9, 9)),
    (lambda: R2Diffop(O2.type(O2.irrep(0, 0), O2.irrep(1, 1)), O2.type(O2.irrep(1, 2), O2.irrep(1, 0)),
                      maximum_order=2, stride=2), (9, 9)),
    (lambda: R2Diffop(SO2.type(SO2.irrep(1), SO2.irrep(2)), SO2.type(SO2.irrep(0), SO2.irrep(1)), kernel_size=5,
                      smoothing=1.25, padding_mode="circular", padding=2), (8, 8)),
    (lambda: R3Diffop(SO3.type(SO3.irrep(0), SO3.irrep(1)), SO3.type(SO3.irrep(1), SO3.irrep(2)), kernel_size=3,
                      maximum_order=2), (5, 5, 5)),
    (lambda: R3Diffop(O3.type(O3.irrep(0, 0), O3.irrep(1, 1)), O3.type(O3.irrep(1, 1), O3.irrep(0, 0)),
                      kernel_size=3, smoothing=0.8), (5, 5, 5)),
], ids=["C8 finite differences", "O2 order 2 stride 2", "SO2 Gaussian circular", "SO3", "O3 Gaussian"])
def test_diffops_are_equivariant_under_grid_symmetries_and_export(make, spatial, float64):
    layer = make()
    x = random_input(layer.in_type, spatial_shape=spatial, batch=2)
    assert_equivariant(layer, grid_symmetries(layer.in_type.gspace), atol=1e-9, input=x)
    assert torch.allclose(layer.eval()(x).tensor, layer.export()(x.tensor), atol=1e-10)


def test_stencil_sizes_orders_and_accuracies():
    assert resolve_stencil(5, None, None, "R2Diffop") == (5, 3, 2)
    assert resolve_stencil(None, 2, None, "R2Diffop") == (5, 2, 3)  # odd: centred on a pixel
    assert resolve_stencil(None, 3, None, "R2Diffop") == (5, 3, 2)
    assert resolve_stencil(3, 2, None, "R2Diffop") == (3, 2, 1)
    assert resolve_stencil(None, 1, 4, "R2Diffop") == (5, 1, 4)
    assert resolve_stencil(1, None, None, "R2Diffop") == (1, 0, 1)
    with pytest.raises(ValueError, match="kernel_size = maximum_order \\+ accuracy"):
        resolve_stencil(3, 3, None, "R2Diffop")
    with pytest.raises(ValueError, match="needs kernel_size or maximum_order"):
        resolve_stencil(None, None, 2, "R2Diffop")
    with pytest.raises(ValueError, match="maximum_order must be an integer >= 0"):
        resolve_stencil(5, -1, None, "R2Diffop")


def test_diffop_bad_input_is_named():
    t = SO2.type(SO2.trivial_repr)
    with pytest.raises(ValueError, match="discretises derivatives up to order 2, but maximum_order is 3"):
        basis(SO2, SO2.trivial_repr, SO2.trivial_repr, 3).sample(torch.as_tensor(stencil_points(3, 1, 2)))
    with pytest.raises(ValueError, match="smoothing"):
        R2Diffop(t, t, kernel_size=3, smoothing=0.0)
    with pytest.raises(ValueError, match="R\\^2"):
        R3Diffop(t, t, kernel_size=3)
    with pytest.raises(ValueError, match="no basis element maps"):
        R2Diffop(t, SO2.type(SO2.irrep(3)), kernel_size=3)  # frequency 3 needs a third-order operator


def test_delta_orthonormal_init_uses_the_order_zero_operators(float64):
    c4 = gspaces.rot2dOnR2(4)
    t = c4.type(c4.regular_repr, c4.irrep(1))
    layer = R2Diffop(t, t, kernel_size=3, initialize=False)
    init.deltaorthonormal_init(layer.weights.data, layer.basisexpansion)
    filter, _ = layer.expand_parameters()
    centre = filter[:, :, 1, 1]
    assert torch.allclose(centre.T @ centre, torch.eye(t.size), atol=1e-10)
    assert filter.abs().sum() - centre.abs().sum() < 1e-10
    with pytest.raises(ValueError, match="vanish off the stencil's centre"):
        init.deltaorthonormal_init(layer.weights.data, R2Diffop(t, t, kernel_size=3, smoothing=1.0).basisexpansion)


def test_basis_filter_and_maximum_power_select_operators():
    c4 = gspaces.rot2dOnR2(4)
    t = c4.type(c4.regular_repr)
    full = R2Diffop(t, t, kernel_size=5)
    orders = [a["order"] for a in full.layout.blocks[0].basis.attributes()]
    assert max(orders) == 3 and min(orders) == 0
    low = R2Diffop(t, t, kernel_size=5, basis_filter=lambda a: a["order"] <= 1)
    assert len(low.layout.blocks[0].basis) == sum(o <= 1 for o in orders)
    no_laplacian = R2Diffop(t, t, kernel_size=5, maximum_power=0)
    assert all(a["power"] == 0 for a in no_laplacian.layout.blocks[0].basis.attributes())
    assert len(no_laplacian.layout.blocks[0].basis) < len(orders)

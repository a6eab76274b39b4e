"""Regression tests for what the fuzz suite (tests/test_fuzz.py) found: each failed before its fix."""
import math

import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.graph import bipartite_radius_graph, farthest_point_sampling, radius_graph
from eqgraph.kernels import BesselRadial
from eqgraph.nn import (FieldNorm, FourierELU, Linear, NormBatchNorm, NormMaxPool, PointwiseMaxPool2D, R2Conv, R2Upsampling, R3PointConv,
                        TensorProductModule, TensorProductNonLinearity, VectorFieldNonLinearity)

C4 = gspaces.rot2dOnR2(4)
O3 = gspaces.flipRot3dOnR3()


def test_bessel_envelope_stays_finite_for_edges_far_beyond_the_cutoff():
    distances = torch.tensor([1.0, 5.0, 7.0, 1e7], requires_grad=True)
    values = BesselRadial(8, 5.0)(distances)
    assert bool(torch.isfinite(values).all()) and values[1:].abs().max() == 0
    assert bool(torch.isfinite(torch.autograd.grad(values.sum(), distances)[0]).all())
    conv = R3PointConv(FieldType.from_e3nn("1x0e", O3), FieldType.from_e3nn("1x0e", O3), cutoff=1e-3)
    x = GeometricTensor(torch.ones(2, 1), conv.in_type, torch.tensor([[0.0, 0, 0], [1.0, 0, 0]]))
    assert bool(torch.isfinite(conv(x, torch.tensor([[0, 1], [1, 0]])).tensor).all())


def test_modules_take_empty_inputs():
    ft = C4.type(C4.regular_repr, C4.irrep(1))
    empty = GeometricTensor(torch.zeros(0, ft.size), ft)
    assert Linear(ft, ft)(empty).shape == (0, ft.size)
    product = TensorProductModule(ft, ft, ft)
    assert product(empty, empty).shape == (0, ft.size)
    assert product.export()(empty.tensor, empty.tensor).shape == (0, ft.size)
    quadratic = TensorProductNonLinearity(FieldType(C4, [C4.regular_repr]), FieldType(C4, [C4.regular_repr]))
    assert quadratic(GeometricTensor(torch.zeros(0, 4), quadratic.in_type)).shape == (0, 4)
    vectors = VectorFieldNonLinearity(FieldType(C4, [C4.regular_repr]))
    assert vectors(GeometricTensor(torch.zeros(0, 4, 3, 3), vectors.in_type)).shape == (0, 2, 3, 3)


def test_a_module_of_another_dtype_is_a_clear_type_error():
    ft = C4.type(C4.regular_repr)
    with pytest.raises(TypeError, match="module is torch.float32 but the input is torch.float64"):
        Linear(ft, ft)(GeometricTensor(torch.randn(3, 4, dtype=torch.float64), ft))
    product = TensorProductModule(ft, ft, ft)
    with pytest.raises(ValueError, match="same nodes or pixels and dtype"):
        product(GeometricTensor(torch.randn(3, 4), ft), GeometricTensor(torch.randn(2, 4), ft))


def test_grids_too_small_for_the_window_are_value_errors():
    ft = C4.type(C4.regular_repr)
    with pytest.raises(ValueError, match="too small for kernel 3"):
        R2Conv(ft, ft, 3)(GeometricTensor(torch.randn(1, 4, 2, 2), ft))
    with pytest.raises(ValueError, match="grid is empty"):
        PointwiseMaxPool2D(ft, 2)(GeometricTensor(torch.randn(1, 4, 0, 3), ft))
    with pytest.raises(ValueError, match="too small for the window"):
        NormMaxPool(ft, 2)(GeometricTensor(torch.randn(1, 4, 1, 1), ft))
    with pytest.raises(ValueError, match="kernel_size must be a positive integer"):
        PointwiseMaxPool2D(ft, 0)
    with pytest.raises(ValueError, match="scale_factor must be positive"):
        R2Upsampling(ft, scale_factor=0)


def test_grid_conv_refuses_an_empty_grid_even_with_padding():
    ft = C4.type(C4.regular_repr)
    with pytest.raises(ValueError, match="too small"):
        R2Conv(ft, ft, 3, padding=2)(GeometricTensor(torch.randn(1, 4, 0, 0), ft))


def test_fourier_elu_names_bad_irreps():
    with pytest.raises(ValueError, match="non-empty list of irreps"):
        FourierELU(C4, 2, [C4.regular_repr])
    with pytest.raises(ValueError, match="positive number of channels"):
        FourierELU(C4, 0, [C4.irrep(0)])


def test_sampling_helpers_check_their_inputs():
    pos = torch.rand(6, 3)
    with pytest.raises(ValueError, match="integer tensor"):
        farthest_point_sampling(pos, torch.zeros(6), 2)
    with pytest.raises(ValueError, match="must be sorted"):
        farthest_point_sampling(pos, torch.tensor([1, 0, 0, 0, 0, 0]), 2)
    assert farthest_point_sampling(pos, None, 2).shape == (2,)
    with pytest.raises(ValueError, match="one dimension and dtype"):
        bipartite_radius_graph(pos, torch.rand(3, 2), 1.0, torch.zeros(6, dtype=torch.long),
                               torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="integer tensor"):
        radius_graph(pos, 1.0, batch=torch.zeros(6))
    with pytest.raises(ValueError, match="NaN or infinite"):
        farthest_point_sampling(torch.tensor([[0.0, math.nan, 0.0]]), None, 1)


def test_normalisations_refuse_a_non_positive_eps_and_a_momentum_outside_0_1():
    ft = C4.type(C4.irrep(1))
    with pytest.raises(ValueError, match="eps must be a positive number, got -1.0"):
        NormBatchNorm(ft, eps=-1.0)
    with pytest.raises(ValueError, match="eps must be a positive"):
        FieldNorm(ft, eps=0.0)
    with pytest.raises(ValueError, match="momentum must be in"):
        NormBatchNorm(ft, momentum=-1.0)

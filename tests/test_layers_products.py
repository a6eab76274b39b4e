"""Tensor products, the MLP helper and the sampled Fourier nonlinearities."""
import pytest
import torch
from e3nn import o3

from eqgraph import gspaces
from eqgraph.fields import FieldType
from eqgraph.nn import (
    MLP,
    ElementwiseTensorProduct,
    FourierELU,
    FourierPointwise,
    QuotientFourierELU,
    QuotientFourierPointwise,
    TensorProductModule,
)
from eqgraph.testing import assert_equivariant, grid_symmetries, random_elements, random_input

O3 = gspaces.flipRot3dOnR3()
C8 = gspaces.rot2dOnR2(8)


def check_pair(module, x1, x2, elements, atol):
    out = module(x1, x2)
    for g in elements:
        moved = module(x1.transform(g), x2.transform(g))
        assert torch.allclose(moved.tensor, out.transform(g).tensor, atol=atol), f"{type(module).__name__} at {g}"
    return out


@pytest.mark.parametrize("irreps", [("2x0e+1x1o+1x2e", "1x0e+1x1o", "1x0e+2x1o+1x1e+1x2e+1x2o"),
                                    ("4x0e+3x1o+2x2e", "1x0e+1x1o+1x2e", "3x0e+2x1o+2x1e+1x2e")])
def test_tensor_product_is_equivariant_and_as_wide_as_e3nns(irreps, float64):
    a, b, c = (FieldType.from_e3nn(s, O3) for s in irreps)
    module = TensorProductModule(a, b, c)
    assert module.weights.numel() == o3.FullyConnectedTensorProduct(*irreps).weight_numel
    check_pair(module, random_input(a, points=6), random_input(b, points=6), random_elements(O3.fibergroup, 4, generator=0),
               1e-10)


def test_tensor_product_of_regular_fields_on_grids(float64):
    a = C8.type(C8.regular_repr, C8.irrep(1))
    b = C8.type(C8.irrep(2), C8.regular_repr)
    module = TensorProductModule(a, b, C8.type(C8.regular_repr, C8.irrep(3)))
    x1, x2 = random_input(a, spatial_shape=(5, 5)), random_input(b, spatial_shape=(5, 5))
    check_pair(module, x1, x2, grid_symmetries(C8), 1e-10)
    check_pair(module, random_input(a, points=4), random_input(b, points=4), C8.fibergroup.elements, 1e-10)
    with pytest.raises(ValueError, match="second input"):
        module(x1, x1)


def test_elementwise_tensor_product_is_the_kronecker_product(float64):
    a = FieldType.from_e3nn("1x0e+1x1o", O3)
    b = FieldType.from_e3nn("1x1o+1x2e", O3)
    module = ElementwiseTensorProduct(a, b)
    x1, x2 = random_input(a, points=3), random_input(b, points=3)
    out = check_pair(module, x1, x2, random_elements(O3.fibergroup, 3, generator=1), 1e-10)
    assert out.shape == (3, 3 + 15)
    assert torch.allclose(out.tensor[:, 3:], (x1.tensor[:, 1:, None] * x2.tensor[:, None, 3:]).flatten(1))


def test_mlp_is_equivariant_and_trains(float64):
    a = FieldType.from_e3nn("2x0e+1x1o", O3)
    model = MLP(a, [FieldType.from_e3nn("4x0e+2x1o+1x2e", O3)], FieldType.from_e3nn("1x0e+1x1o", O3))
    assert_equivariant(model, random_elements(O3.fibergroup, 4, generator=2), atol=1e-10, input=random_input(a, points=5))
    assert len(model) == 3


FOURIER = {
    "SO(2)": lambda N: FourierPointwise(gspaces.rot2dOnR2(), 2, [gspaces.rot2dOnR2().irrep(k) for k in range(4)], N=N),
    "O(2)": lambda N: FourierPointwise(gspaces.flipRot2dOnR2(), 2, [gspaces.flipRot2dOnR2().irrep(0, 0),
                                                                    gspaces.flipRot2dOnR2().irrep(1, 0)]
                                       + [gspaces.flipRot2dOnR2().irrep(1, k) for k in (1, 2, 3)], N=N),
    "SO(3)": lambda N: FourierPointwise(gspaces.rot3dOnR3(), 2, [gspaces.rot3dOnR3().irrep(l) for l in range(3)], N=N),
    "sphere": lambda N: QuotientFourierPointwise(gspaces.rot3dOnR3(), 2, 2, N=N),
}


@pytest.mark.parametrize("name", sorted(FOURIER))
def test_fourier_nonlinearities_converge_to_equivariance_as_samples_grow(name, float64):
    errors = []
    x = None
    for N in (200, 2000, 20000):
        module = FOURIER[name](N)
        x = random_input(module.in_type, points=8) if x is None else x
        results = assert_equivariant(module, random_elements(module.in_type.fibergroup, 4, generator=3), atol=10, input=x)
        errors.append(max(e for _, e in results))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 2e-3  # the documented bound at 20,000 samples (for |x| ~ 1 inputs)


def test_fourier_nonlinearity_is_exact_for_the_sampled_rotations(float64):
    gs = gspaces.rot2dOnR2()
    module = FourierPointwise(gs, 3, [gs.irrep(k) for k in range(3)], N=16)
    x = random_input(module.in_type, points=5)
    exact = [gs.fibergroup.element(2 * torch.pi * k / 16) for k in range(16)]
    assert_equivariant(module, exact, atol=1e-10, input=x)
    grid = random_input(module.in_type, spatial_shape=(5, 5))  # quarter turns are among the 16 samples
    assert_equivariant(module, grid_symmetries(gs), atol=1e-10, input=grid)
    finite = FourierPointwise(C8, 2, [C8.irrep(k) for k in range(5)])
    assert_equivariant(finite, atol=1e-10, input=random_input(finite.in_type, points=4))


def test_fourier_nonlinearity_needs_enough_samples():
    gs = gspaces.rot3dOnR3()
    with pytest.raises(ValueError, match="raise N"):
        FourierPointwise(gs, 1, [gs.irrep(l) for l in range(3)], N=10)


def test_fourier_elus_are_the_elu_variants(float64):
    gs = gspaces.rot2dOnR2()
    elu = FourierELU(gs, 2, [gs.irrep(k) for k in range(3)], N=64)
    assert elu.function == "p_elu"
    assert_equivariant(elu, [gs.fibergroup.element(2 * torch.pi * k / 64) for k in range(5)], atol=1e-10,
                       input=random_input(elu.in_type, points=4))
    sphere = QuotientFourierELU(gspaces.rot3dOnR3(), 1, 1, N=500)
    assert sphere.function == "p_elu" and sphere.in_type.size == 4


@pytest.mark.parametrize("gspace", [gspaces.rot3dOnR3(1), gspaces.flipRot3dOnR3(1), gspaces.rot2dOnR2(-1, 3)],
                         ids=["SO(3)", "O(3)", "SO(2)"])
def test_grid_symmetric_fourier_sampling_is_exact_under_the_grid_rotations(gspace, float64):
    from eqgraph.nn import FourierELU
    from eqgraph.testing import grid_symmetries

    x = None
    errors = {}
    for symmetric in (False, True):
        module = FourierELU(gspace, 2, gspace.irreps, N=150, grid_symmetric=symmetric)
        x = random_input(module.in_type, points=6) if x is None else x
        errors[symmetric] = max(e for _, e in assert_equivariant(module, grid_symmetries(gspace), atol=10, input=x))
    assert errors[True] < 1e-12
    assert errors[False] > 1e-6  # 150 spiral or equally spaced samples (150 % 4 != 0) miss the grid rotations


def test_grid_symmetric_so3_sampling_is_as_close_to_equivariant_off_the_grid_as_a_spiral(float64):
    from eqgraph.nn.nonlinearities import sampling_grids

    gs = gspaces.rot3dOnR3(1)
    x = random_input(FourierELU(gs, 4, gs.irreps, N=216).in_type, points=50)
    elements = random_elements(gs.fibergroup, 10, generator=3)
    errors = {}
    for symmetric in (False, True):
        module = FourierELU(gs, 4, gs.irreps, N=216, grid_symmetric=symmetric)
        errors[symmetric] = max(e for _, e in assert_equivariant(module, elements, atol=10, input=x, modes=("eval",)))
    assert len(sampling_grids.group_grid(gs.fibergroup, 216, grid_symmetric=True)) == 216
    # the cube's rotations times 9 spiral rotations had 2.5x the spiral's error here
    assert errors[True] < 0.8 * errors[False], errors


def test_centroidal_coset_representatives_lie_in_distinct_cosets_of_the_cube_group():
    import numpy as np

    from eqgraph.nn.nonlinearities.sampling_grids import _centroidal_cosets, _cube_quaternions, _quaternion_product

    representatives = _centroidal_cosets(9)
    assert np.allclose(np.linalg.norm(representatives, axis=1), 1)
    orbits = _quaternion_product(_cube_quaternions()[None], representatives[:, None])  # [9, 48, 4]
    closeness = np.abs(np.einsum("ik,jck->ijc", representatives, orbits)).max(-1)  # cos(half the coset distance)
    np.fill_diagonal(closeness, 0)
    assert closeness.max() < np.cos(np.radians(10))  # no two within 20 degrees of each other's coset
    assert not representatives.flags.writeable  # cached: callers cannot change it

@pytest.mark.parametrize("grad", [False, True], ids=["eval", "training"])
def test_fourier_nonlinearity_in_chunks_gives_the_unchunked_numbers(monkeypatch, grad, float64):
    from eqgraph.nn.nonlinearities import sampled_pointwise

    gs = gspaces.rot3dOnR3(1)
    module = FourierELU(gs, 3, gs.irreps, N=60)
    x = random_input(module.in_type, spatial_shape=(4, 3, 5), batch=2)
    x.tensor.requires_grad_(grad)
    whole = module(x).tensor
    assert len(module.sampling) * 2 * 4 * 3 * 5 * 3 <= sampled_pointwise.CHUNK_SAMPLES  # one chunk above
    monkeypatch.setattr(sampled_pointwise, "CHUNK_SAMPLES", 7 * len(module.sampling))  # 7 fields per chunk
    chunked = module(x).tensor
    assert torch.allclose(chunked, whole, atol=1e-12)
    if grad:
        weights = torch.randn_like(whole)
        first, = torch.autograd.grad((chunked * weights).sum(), x.tensor, create_graph=True)
        expected, = torch.autograd.grad((whole * weights).sum(), x.tensor, create_graph=True)
        assert torch.allclose(first, expected, atol=1e-12)
        second, = torch.autograd.grad(first.square().sum(), x.tensor)
        expected_second, = torch.autograd.grad(expected.square().sum(), x.tensor)
        assert torch.allclose(second, expected_second, atol=1e-10)

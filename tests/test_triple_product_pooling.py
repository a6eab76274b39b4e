"""TripleProductPooling: an SO(3) invariant per field that changes sign under reflections."""
import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import GeometricTensor
from eqgraph.nn import FourierELU, TripleProductPooling, band_limited_regular
from eqgraph.testing import assert_equivariant, grid_symmetries, random_elements, random_input

SO3 = gspaces.rot3dOnR3(maximum_frequency=2)


def spectral_type(gs, fields=3):
    return gs.type(*[band_limited_regular(gs.irreps)] * fields)


def test_invariant_under_random_rotations_and_the_voxel_symmetries(float64):
    t = spectral_type(SO3)
    pool = TripleProductPooling(t)
    assert_equivariant(pool, random_elements(SO3.fibergroup, 6, generator=1), atol=1e-10, input=random_input(t, points=7))
    assert_equivariant(pool, grid_symmetries(SO3), atol=1e-10, input=random_input(t, spatial_shape=(3, 3, 3), batch=2))


def test_is_the_determinant_of_the_three_vectors_and_flips_with_them(float64):
    t = spectral_type(gspaces.rot3dOnR3(maximum_frequency=1), fields=2)  # each field: l=0, then three l=1 copies
    x = torch.randn(4, t.size, dtype=torch.float64)
    out = TripleProductPooling(t)(GeometricTensor(x, t)).tensor
    vectors = x.view(4, 2, 10)[:, :, 1:].unflatten(2, (3, 3))  # [nodes, fields, copy, component]
    assert torch.allclose(out, torch.linalg.det(vectors), atol=1e-12)
    inverted = x.view(4, 2, 10).clone()
    inverted[:, :, 1:] *= -1  # what the inversion x -> -x does to polar vectors
    assert torch.allclose(TripleProductPooling(t)(GeometricTensor(inverted.view(4, -1), t)).tensor, -out, atol=1e-12)
    assert out.abs().min() > 0


def test_export_gives_equal_outputs(float64):
    t = spectral_type(SO3, fields=2)
    pool = TripleProductPooling(t)
    x = random_input(t, spatial_shape=(4, 4, 4), batch=2)
    assert torch.allclose(pool.export()(x.tensor), pool(x).tensor, atol=1e-12)
    assert pool.evaluate_output_shape(tuple(x.shape)) == tuple(pool(x).shape)


def test_after_a_fourier_elu_and_bad_input():
    t = spectral_type(SO3, fields=2)
    x = random_input(t, spatial_shape=(3, 3, 3), batch=2)
    assert TripleProductPooling(t)(FourierELU(SO3, 2, SO3.irreps)(x)).shape == (2, 2, 3, 3, 3)
    o3 = gspaces.flipRot3dOnR3(maximum_frequency=1)
    with pytest.raises(ValueError, match=r"needs fields of SO\(3\).*got fields of O\(3\)"):
        TripleProductPooling(o3.type(*[o3.irrep(1, 1)] * 3))
    with pytest.raises(ValueError, match=r"the frequency-1 irrep exactly 3 times, got \[1, 3\]"):
        TripleProductPooling(SO3.type(SO3.irrep(1), band_limited_regular(SO3.irreps)))

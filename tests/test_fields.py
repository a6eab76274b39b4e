"""FieldType and GeometricTensor."""
import numpy as np
import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, InterpolatedTransformWarning, tensor_directsum
from eqgraph.group.so3 import e3nn_float64


@pytest.fixture
def c4_type():
    gs = gspaces.rot2dOnR2(4)
    return FieldType(gs, [gs.regular_repr, gs.irrep(1), gs.trivial_repr, gs.irrep(2)])


def test_field_type_structure(c4_type):
    t = c4_type
    assert t.size == 4 + 2 + 1 + 1 and len(t) == 4
    assert t.fields_start.tolist() == [0, 4, 6, 7] and t.fields_end.tolist() == [4, 6, 7, 8]
    assert t.irreps == [0, 1, 2, 1, 0, 2]  # C4's regular: irrep 1 is of complex type, so once
    assert t.representation.size == 8
    assert np.allclose(t.change_of_basis.toarray() @ t.change_of_basis_inv.toarray(), np.eye(8))
    assert list(t) == list(t.representations)
    assert (t + t).size == 16
    assert t.index_select([1, 0]).representations == (t.representations[1], t.representations[0])
    assert [r.size for r in t.sorted()] == [1, 1, 2, 4]
    groups = t.group_by_labels(["a", "b", "a", "b"])
    assert groups["a"].size == 5 and groups["b"].size == 3
    assert t == FieldType(t.gspace, list(t.representations)) and hash(t) == hash(FieldType(t.gspace, list(t)))
    assert t != t.index_select([0, 1, 2])


def test_restrict_field_type(c4_type, rng):
    restricted = c4_type.restrict(2)
    assert restricted.gspace == gspaces.rot2dOnR2(2) and restricted.size == c4_type.size
    x = torch.randn(3, c4_type.size, dtype=torch.float64)
    h = restricted.fibergroup.element(1)
    g = c4_type.fibergroup.element(2)
    assert torch.allclose(restricted.transform_fibers(x, h), c4_type.transform_fibers(x, g))


def test_from_e3nn_matches_e3nn_wigner_d(rng):
    from e3nn import o3

    gs = gspaces.flipRot3dOnR3()
    ft = FieldType.from_e3nn("2x0e+1x1o+1x2e", gs)
    irreps = o3.Irreps("2x0e+1x1o+1x2e")
    assert ft.size == irreps.dim
    assert str(ft.to_e3nn()) == "2x0e+1x1o+1x2e"
    with e3nn_float64():  # e3nn's own matrices are exact only when built in float64
        for _ in range(6):
            g = gs.fibergroup.sample(rng)
            matrix = gs.action_matrix(g)  # a rotation or a rotoinversion
            assert (np.linalg.det(matrix) < 0) == bool(g.param[0])
            expected = irreps.D_from_matrix(torch.tensor(matrix)).numpy()
            assert np.abs(ft.representation(g) - expected).max() < 1e-9
    for _ in range(3):  # both signs of the determinant are covered
        g = gs.fibergroup.element((1, gs.fibergroup.sample(rng).param[1]))
        with e3nn_float64():
            expected = irreps.D_from_matrix(torch.tensor(gs.action_matrix(g))).numpy()
        assert np.abs(ft.representation(g) - expected).max() < 1e-9


def test_e3nn_on_so3_and_errors():
    so3 = gspaces.rot3dOnR3()
    ft = FieldType.from_e3nn("3x0e + 2x1o", so3)
    assert ft.size == 9 and str(ft.to_e3nn()) == "3x0e+2x1o"
    with pytest.raises(ValueError, match="cannot read"):
        FieldType.from_e3nn("3x0q", so3)
    with pytest.raises(ValueError, match="rot3dOnR3"):
        FieldType.from_e3nn("1x0e", gspaces.rot2dOnR2(4))
    octa = gspaces.octaOnR3()
    with pytest.raises(ValueError, match="only SO\\(3\\) and O\\(3\\)"):
        FieldType(octa, [octa.regular_repr]).to_e3nn()


def test_point_cloud_transform_agrees_with_rotating_by_hand(rng, float64):
    gs = gspaces.flipRot3dOnR3()
    ft = FieldType.from_e3nn("1x0e+1x1o+1x1e", gs)
    x = torch.randn(5, ft.size)
    pos = torch.randn(5, 3)
    g = gs.fibergroup.sample(rng)
    out = ft(x, pos).transform(g)
    inversion, rotation = g.param
    full = torch.tensor((-1) ** inversion * rotation)
    assert torch.allclose(out.coords, pos @ full.T)
    assert torch.allclose(out.tensor[:, 0], x[:, 0])
    assert torch.allclose(out.tensor[:, 1:4], x[:, 1:4] @ full.T)  # vector: rotates and flips
    assert torch.allclose(out.tensor[:, 4:7], x[:, 4:7] @ torch.tensor(rotation).T)  # pseudovector: no flip


@pytest.mark.parametrize("k", [1, 2, 3])
def test_grid_rotation_is_exact_pixel_permutation(k, float64):
    gs = gspaces.rot2dOnR2(4)
    ft = FieldType(gs, [gs.trivial_repr, gs.irrep(1)])
    x = torch.randn(2, 3, 5, 5)
    out = ft(x).transform(gs.fibergroup.element(k)).tensor
    rotated = torch.rot90(x, k, dims=(2, 3))
    assert torch.allclose(out[:, :1], rotated[:, :1])
    r = torch.tensor(gs.irrep(1)(gs.fibergroup.element(k)))
    assert torch.allclose(out[:, 1:], torch.einsum("ij,bjhw->bihw", r, rotated[:, 1:]))


def test_grid_transform_composes(float64, rng):
    gs = gspaces.flipRot2dOnR2(4)
    ft = FieldType(gs, [gs.regular_repr])
    x = ft(torch.randn(1, 8, 6, 6))
    for g in gs.fibergroup.elements:
        h = gs.fibergroup.sample(rng)
        assert torch.allclose(x.transform(g).transform(h).tensor, x.transform(h @ g).tensor)


def test_voxel_grid_octahedral_transform_is_exact(float64):
    gs = gspaces.octaOnR3()
    ft = FieldType(gs, [gs.trivial_repr])
    x = ft(torch.randn(1, 1, 3, 4, 4)[:, :, :, :3, :3].contiguous().expand(1, 1, 3, 3, 3).clone())
    norms = []
    for g in gs.fibergroup.elements:
        y = x.transform(g)
        norms.append(torch.sort(y.tensor.flatten()).values)
    assert all(torch.equal(norms[0], n) for n in norms)  # permutations of the same voxels


def test_non_grid_rotation_interpolates_with_warning(float64):
    gs = gspaces.rot2dOnR2(8)
    ft = FieldType(gs, [gs.trivial_repr])
    x = ft(torch.ones(1, 1, 9, 9))
    with pytest.warns(InterpolatedTransformWarning):
        y = x.transform(gs.fibergroup.element(1))
    assert torch.allclose(y.tensor[0, 0, 4, 4], torch.tensor(1.0))  # the centre stays


def test_geometric_tensor_arithmetic_and_slicing(c4_type):
    x = c4_type(torch.randn(3, 8, 5, 5))
    y = c4_type(torch.randn(3, 8, 5, 5))
    assert torch.allclose((x + y).tensor, x.tensor + y.tensor)
    assert torch.allclose((x - y).tensor, x.tensor - y.tensor)
    assert torch.allclose((2 * x).tensor, 2 * x.tensor) and torch.allclose((x * 0.5).tensor, 0.5 * x.tensor)
    z = x * 1.0
    z += y
    assert torch.allclose(z.tensor, x.tensor + y.tensor)
    z *= 3
    z -= y
    assert torch.allclose(z.tensor, 3 * (x.tensor + y.tensor) - y.tensor)
    part = x[1, 1:3, 2:4]
    assert part.shape == (1, 3, 2, 5) and part.type == c4_type.index_select([1, 2])
    assert torch.equal(part.tensor, x.tensor[1:2, 4:7, 2:4])
    every_other = x[:, ::2]
    assert every_other.type == c4_type.index_select([0, 2])
    assert torch.equal(every_other.tensor, x.tensor[:, [0, 1, 2, 3, 6]])
    pieces = x.split([1, 3])
    assert [p.shape[1] for p in pieces] == [4, 3, 1]
    joined = tensor_directsum(pieces)
    assert joined.type == c4_type and torch.equal(joined.tensor, x.tensor)
    assert x.to(torch.float64).tensor.dtype == torch.float64


def test_node_tensors_carry_coords(float64):
    gs = gspaces.rot3dOnR3()
    ft = FieldType.from_e3nn("2x0e+1x1o", gs)
    pos = torch.randn(6, 3)
    x = ft(torch.randn(6, 5), pos)
    sub = x[[0, 2, 4]]
    assert torch.equal(sub.coords, pos[[0, 2, 4]])
    with pytest.raises(ValueError, match="different points"):
        x + ft(torch.randn(6, 5), torch.randn(6, 3))
    fibers = x.transform_fibers(gs.fibergroup.sample(0))
    assert torch.equal(fibers.coords, pos)
    restricted = x.restrict((False, -1))
    assert restricted.type.gspace.fibergroup.name == "SO(2)" and restricted.tensor is x.tensor

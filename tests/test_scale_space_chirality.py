"""ScaleSpaceChirality: SO(3) invariants of a volume that change sign with its mirror image and
stay put under rotations off the voxel grid's axes."""
import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import GeometricTensor
from eqgraph.fields.grid_transform import grid_positions
from eqgraph.nn import ScaleSpaceChirality
from eqgraph.testing import assert_equivariant, grid_symmetries, random_elements, random_input

SO3 = gspaces.rot3dOnR3(maximum_frequency=1)
SCALARS = SO3.type(SO3.trivial_repr, SO3.trivial_repr)


def calibrated(module, x, *args):
    """The module with its running scale set from ``x`` (one training forward, momentum 1), in
    eval mode: outputs of order one, so that tolerances mean something."""
    module.train()
    module(x, *args)
    return module.eval()


def blobs(centres, grid=16, width=1.2):
    """``[1, 1, grid, grid, grid]``: a Gaussian blob (sigma ``width`` voxels) at every centre."""
    axis = torch.arange(grid, dtype=torch.float64) - (grid - 1) / 2
    voxels = torch.stack(torch.meshgrid(axis, axis, axis, indexing="ij"), -1)
    squared = (voxels[None] - centres[:, None, None, None]).square().sum(-1)
    return torch.exp(-squared / (2 * width ** 2)).sum(0)[None, None]


def test_invariant_under_the_voxel_grid_rotations_and_odd_under_its_mirrors(float64):
    torch.manual_seed(0)
    x = random_input(SCALARS, spatial_shape=(7, 7, 7), batch=3)
    chirality = calibrated(ScaleSpaceChirality(SCALARS, fields=3, momentum=1.0), x)
    assert_equivariant(chirality, grid_symmetries(SO3), atol=1e-10, rtol=1e-9, input=x)
    out = chirality(x).tensor
    assert out.abs().min() > 1e-3
    for axis in (2, 3, 4):
        mirrored = chirality(GeometricTensor(x.tensor.flip(axis), SCALARS)).tensor
        assert torch.allclose(mirrored, -out, atol=1e-10)


def test_points_invariant_under_random_rotations_and_odd_under_inversion(float64):
    torch.manual_seed(1)
    # scales whose reach (4 sigma, rounded up) exceeds every pair's distance: no truncation
    chirality = ScaleSpaceChirality(SCALARS, fields=2, gradient_scales=(1.5, 2.0), weight_scales=(1.0,), momentum=1.0)
    x = random_input(SCALARS, points=9)
    x = GeometricTensor(x.tensor, SCALARS, x.coords / x.coords.norm(dim=1).max() * 1.9)
    chirality = calibrated(chirality, x)
    assert_equivariant(chirality, random_elements(SO3.fibergroup, 5, generator=2), atol=1e-10, rtol=1e-9, input=x)
    out = chirality(x).tensor
    assert out.abs().min() > 1e-3
    assert torch.allclose(chirality(GeometricTensor(x.tensor, SCALARS, -x.coords)).tensor, -out, atol=1e-10)


def test_a_chiral_shape_keeps_its_sign_under_rotations_off_the_grid(float64):
    """Four blobs in the arrangement of a chiral tetris piece (3 voxels per cube side) on 16^3
    voxels: its mirror image has the opposite sign, and random rotations (voxelised afresh)
    move the invariants by far less than their size; a flat shape's stay near zero."""
    torch.manual_seed(0)
    chiral = torch.tensor([[0, 0, 0], [0, 0, 1], [1, 0, 0], [1, 1, 0]], dtype=torch.float64) * 3
    flat = torch.tensor([[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 1, 1]], dtype=torch.float64) * 3
    chiral, flat = chiral - chiral.mean(0), flat - flat.mean(0)
    density = SO3.type(SO3.trivial_repr)
    chirality = calibrated(ScaleSpaceChirality(density, fields=3, momentum=1.0), GeometricTensor(blobs(chiral), density))
    upright = chirality(GeometricTensor(blobs(chiral), chirality.in_type)).tensor[0]
    mirror = chirality(GeometricTensor(blobs(chiral * torch.tensor([1.0, 1.0, -1.0])), chirality.in_type)).tensor[0]
    assert torch.allclose(mirror, -upright, atol=1e-6)
    rotations = [torch.as_tensor(SO3.action_matrix(g)) for g in random_elements(SO3.fibergroup, 6, generator=3)]
    turned = torch.stack([chirality(GeometricTensor(blobs(chiral @ r.T), chirality.in_type)).tensor[0] for r in rotations])
    assert ((turned - upright).abs() < 0.1 * upright.abs()).all(), (turned, upright)
    flat_turned = torch.stack([chirality(GeometricTensor(blobs(flat @ r.T), chirality.in_type)).tensor[0]
                               for r in rotations])
    assert (flat_turned.abs() < 0.1 * upright.abs()).all(), (flat_turned, upright)


def test_graph_path_on_the_voxels_and_export_match_the_grid(float64):
    torch.manual_seed(2)
    x = random_input(SCALARS, spatial_shape=(5, 6, 4), batch=2)
    chirality = calibrated(ScaleSpaceChirality(SCALARS, fields=3, momentum=1.0), x)
    out = chirality(x).tensor
    positions = torch.as_tensor(grid_positions((5, 6, 4)), dtype=torch.float64)
    nodes = GeometricTensor(x.tensor.flatten(2).transpose(1, 2).reshape(-1, 2), SCALARS, positions.repeat(2, 1))
    on_graph = chirality(nodes, torch.arange(2).repeat_interleave(120)).tensor
    assert torch.allclose(on_graph, out, atol=1e-10)
    assert torch.allclose(chirality.export()(x.tensor), out, atol=1e-12)
    assert chirality.evaluate_output_shape(tuple(x.shape)) == tuple(out.shape) == (2, 3)


def test_training_scales_the_outputs_to_unit_root_mean_square(float64):
    chirality = ScaleSpaceChirality(SCALARS, fields=2, momentum=0.5)
    x = random_input(SCALARS, spatial_shape=(6, 6, 6), batch=4)
    out = chirality.train()(x).tensor
    assert torch.allclose(out.square().mean(0), torch.ones(2, dtype=torch.float64))
    out.sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in chirality.parameters())
    # the first batch sets the running scale (the raw products here are far below one), so eval
    # mode gives the training outputs from the first step on; the next batches move it by momentum
    raw = chirality.triple_products.running_rms.clone()
    assert (raw < 1e-2).all()
    assert torch.allclose(chirality.eval()(x).tensor, out)
    y = random_input(SCALARS, spatial_shape=(6, 6, 6), batch=4)
    chirality.train()(y)
    torch.testing.assert_close(chirality.triple_products.running_rms,
                               0.5 * raw + 0.5 * _batch_rms(chirality.triple_products, y.tensor))


def _batch_rms(triple_products, x):
    """The root mean square of the unscaled outputs over the batch ``x``."""
    scale = triple_products.running_rms.clone()
    raw = triple_products.eval()(x) * scale
    triple_products.train()
    return raw.square().mean(0).sqrt()


def test_a_checkpoint_without_the_batch_count_loads_as_already_scaled(float64):
    chirality = ScaleSpaceChirality(SCALARS, fields=2)
    chirality.train()(random_input(SCALARS, spatial_shape=(5, 5, 5), batch=3))
    state = chirality.state_dict()
    del state["triple_products.num_batches_tracked"]
    restored = ScaleSpaceChirality(SCALARS, fields=2)
    restored.load_state_dict(state)
    assert int(restored.triple_products.num_batches_tracked) == 1
    torch.testing.assert_close(restored.triple_products.running_rms, chirality.triple_products.running_rms)


def test_bad_input():
    o3 = gspaces.flipRot3dOnR3(maximum_frequency=1)
    with pytest.raises(ValueError, match=r"needs fields of SO\(3\) on R\^3 .*got fields of O\(3\) on R\^3"):
        ScaleSpaceChirality(o3.type(o3.trivial_repr))
    with pytest.raises(ValueError, match="reads scalar \\(trivial\\) fields, got"):
        ScaleSpaceChirality(SO3.type(SO3.irrep(1)))
    with pytest.raises(ValueError, match="fields must be a positive integer, got 0"):
        ScaleSpaceChirality(SCALARS, fields=0)
    with pytest.raises(ValueError, match=r"gradient_scales must be a non-empty list of positive widths, got \(1.0, -2.0\)"):
        ScaleSpaceChirality(SCALARS, gradient_scales=(1.0, -2.0))
    chirality = ScaleSpaceChirality(SCALARS)
    x = random_input(SCALARS, points=5)
    with pytest.raises(ValueError, match="needs their coordinates"):
        chirality(GeometricTensor(x.tensor, SCALARS))
    with pytest.raises(ValueError, match=r"batch must be \[N\] = \[5\], got \(4,\)"):
        chirality(x, torch.zeros(4, dtype=torch.long))

"""The vision models: invariance and equivariance under the exact grid symmetries, export to
plain PyTorch, the graph path on an image's pixels, and bad input."""
import pytest
import torch

from eqgraph.fields import GeometricTensor
from eqgraph.fields.grid_transform import grid_positions
from eqgraph.models import PointCloudClassifier, SteerableCNN, SteerableCNN3d
from eqgraph.nn import EquivariantModule
from eqgraph.testing import grid_symmetries

GROUPS_2D = ["C8", "D4", "SO2", "O2"]


def trained_a_little(model, images):
    """One training step, so that batch norms hold non-trivial running statistics."""
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    output = model(images)
    output.square().mean().backward()
    optimizer.step()
    return model.eval()


def image_batch(shape, channels=1, batch=3, dtype=torch.float32, seed=0):
    return torch.randn(batch, channels, *shape, generator=torch.Generator().manual_seed(seed)).to(dtype)


def assert_grid_symmetric(model, inputs, head) -> torch.Tensor:
    """The model's outputs under every exact symmetry of the grid: unchanged logits, or vectors
    turned by the symmetry; with ``handedness``, logits that change under reflections. Returns
    the outputs on ``inputs``."""
    with torch.no_grad():
        out = model(inputs)
        gs = model.gspace
        for g in grid_symmetries(gs):
            moved = model(GeometricTensor(inputs, model.in_type).transform(g).tensor)
            action = torch.as_tensor(gs.action_matrix(g), dtype=out.dtype)
            expected = out if head == "invariant" else out @ action.T
            close = torch.allclose(moved, expected, rtol=1e-4, atol=1e-4 * out.abs().max())
            assert close != (model.config.get("handedness", False) and bool(torch.det(action) < 0)), g
    assert out.abs().max() > 1e-3
    return out


@pytest.mark.parametrize("head,pooling", [("invariant", "average"), ("vector", "average"), ("invariant", "antialiased")])
@pytest.mark.parametrize("group", GROUPS_2D)
def test_steerable_cnn_grid_symmetries(group, head, pooling):
    torch.manual_seed(0)
    images = image_batch((16, 16), channels=2)
    model = SteerableCNN(group, in_channels=2, num_classes=3, channels=(2, 3), head=head, pooling=pooling)
    model = trained_a_little(model, images)
    assert_grid_symmetric(model, images, head)


@pytest.mark.parametrize("group,pooling,feature_blur", [(g, "average", None) for g in GROUPS_2D]
                         + [("D4", "antialiased", None), ("C8", "antialiased", 0.66)])
def test_steerable_cnn_export_matches(group, pooling, feature_blur):
    torch.manual_seed(1)
    images = image_batch((8, 8))
    model = SteerableCNN(group, num_classes=4, channels=(2, 2), pooling=pooling, feature_blur=feature_blur)
    model = trained_a_little(model, images)
    plain = model.export()
    assert not any(isinstance(m, EquivariantModule) for m in plain.modules())
    with torch.no_grad():
        assert torch.allclose(plain(images), model(images), atol=1e-5, rtol=1e-5)
        exported = torch.export.export(plain, (images,)).module()
        assert torch.allclose(exported(images), model(images), atol=1e-5, rtol=1e-5)
    train_keys = set(model.train().state_dict())
    assert train_keys == set(model.eval().state_dict())


@pytest.mark.parametrize("group,pooling,feature_blur", [("C4", "average", None), ("O2", "average", None),
                                                        ("C4", "antialiased", None), ("C4", "antialiased", 0.5)])
def test_steerable_cnn_on_the_image_graph_gives_the_image_logits(group, pooling, feature_blur):
    torch.manual_seed(2)
    images = image_batch((8, 12), batch=2, dtype=torch.float64)
    model = SteerableCNN(group, num_classes=3, channels=(2, 2), kernel_size=5, pooling=pooling,
                         feature_blur=feature_blur).double()
    model = trained_a_little(model, images)
    positions = torch.as_tensor(grid_positions((8, 12)), dtype=torch.float64).repeat(2, 1)
    nodes = images.flatten(2).transpose(1, 2).reshape(-1, 1)
    batch = torch.arange(2).repeat_interleave(96)
    with torch.no_grad():
        on_graph = model.forward_graph(nodes, positions, batch, (8, 12))
        assert torch.allclose(on_graph, model(images), atol=1e-10)
        kept = torch.rand(len(nodes), generator=torch.Generator().manual_seed(0)) < 0.7
        partial = model.forward_graph(nodes[kept], positions[kept], batch[kept], (8, 12))
    assert partial.shape == (2, 3) and torch.isfinite(partial).all()



@pytest.mark.parametrize("gspace, spatial", [("rot2dOnR2", (10, 12)), ("rot2dOnR2", (9, 7)), ("rot3dOnR3", (6, 8, 4))])
def test_grid_graph_pool_blurs_and_averages_in_one_convolution(gspace, spatial):
    from eqgraph import gspaces
    from eqgraph.models import GridGraphPool

    gs = getattr(gspaces, gspace)(4) if gspace == "rot2dOnR2" else getattr(gspaces, gspace)(1)
    field = gs.type(*[gs.regular_repr if gspace == "rot2dOnR2" else gs.irrep(1)] * 2)
    pool = GridGraphPool(field, "antialiased").double()
    x = GeometricTensor(image_batch(spatial, channels=field.size, dtype=torch.float64), field)
    two_steps = pool.pool(pool.blur(x)).tensor
    fused = pool(x).tensor
    assert fused.shape == two_steps.shape
    assert torch.allclose(fused, two_steps, atol=1e-12)
    assert pool.blurred_cells.shape == (6,) * len(spatial)
    assert torch.allclose(pool.export()(x.tensor), two_steps, atol=1e-12)
    with pytest.raises(ValueError, match="too small for the window"):
        pool(GeometricTensor(torch.zeros(1, field.size, *(1,) * len(spatial), dtype=torch.float64), field))

@pytest.mark.parametrize("spatial", [(9, 9), (5, 5, 5)])
def test_grid_graph_blur_commutes_with_the_grid_and_runs_on_points(spatial):
    from eqgraph import gspaces
    from eqgraph.graph import grid_stencil
    from eqgraph.models import GridGraphBlur

    gs = gspaces.rot2dOnR2(4) if len(spatial) == 2 else gspaces.rot3dOnR3(1)
    field = gs.type(gs.regular_repr if len(spatial) == 2 else gs.irrep(1), gs.trivial_repr)
    blur = GridGraphBlur(field, 0.66).double()
    assert blur.half_width == 2 and abs(float(blur.stencil.sum()) - 1) < 1e-12
    x = GeometricTensor(image_batch(spatial, channels=field.size, batch=2, dtype=torch.float64), field)
    y = blur(x)
    assert y.shape == x.shape and not torch.allclose(y.tensor, x.tensor)
    for g in grid_symmetries(gs):
        moved = x.transform(g)
        assert torch.allclose(blur(moved).tensor, y.transform(g).tensor, atol=1e-12)
    assert torch.allclose(blur.export()(x.tensor), y.tensor, atol=1e-12)
    positions = torch.as_tensor(grid_positions(spatial), dtype=torch.float64).repeat(2, 1)
    batch = torch.arange(2).repeat_interleave(len(positions) // 2)
    nodes = GeometricTensor(x.tensor.flatten(2).transpose(1, 2).reshape(-1, field.size), field, positions)
    on_points = blur(nodes, grid_stencil(positions, batch, spatial, blur.half_width)).tensor
    assert torch.allclose(on_points, y.tensor.flatten(2).transpose(1, 2).reshape(-1, field.size), atol=1e-12)
    with pytest.raises(ValueError, match="needs a GridStencil of half width 2, got NoneType"):
        blur(nodes)
    with pytest.raises(ValueError, match=r"the blur's sigma must be a finite number > 0, got -1"):
        GridGraphBlur(field, -1)


def test_steerable_cnn_bad_input():
    model = SteerableCNN("C4", in_channels=3, num_classes=2, channels=(2, 2, 2))
    with pytest.raises(ValueError, match="built for 3 input channels, got 1"):
        model(torch.zeros(1, 1, 16, 16))
    with pytest.raises(ValueError, match=r"divisible by 4 .*got \(18, 16\)"):
        model(torch.zeros(1, 3, 18, 16))
    with pytest.raises(ValueError, match=r"\[B, C, \*spatial\] with 2 spatial axes, got \(3, 16, 16\)"):
        model(torch.zeros(3, 16, 16))
    with pytest.raises(ValueError, match="group must be one of"):
        SteerableCNN("SO3")
    with pytest.raises(ValueError, match="head must be one of"):
        SteerableCNN("C4", head="orientation")
    with pytest.raises(ValueError, match=r"pooling must be one of \('average', 'antialiased'\), got 'max'"):
        SteerableCNN("C4", pooling="max")
    with pytest.raises(ValueError, match=r"feature_blur \(a standard deviation in pixels, or None\) must be a finite "
                                         r"number > 0, got 0"):
        SteerableCNN("C4", feature_blur=0)
    with pytest.raises(ValueError, match=r"handedness .* needs head='invariant', got head='vector'"):
        SteerableCNN3d("SO3", channels=(2,), head="vector", handedness=True)
    with pytest.raises(ValueError, match=r"handedness needs group 'SO3' or 'O3', got"):
        SteerableCNN3d("octa", channels=(2,), handedness=True)


@pytest.mark.parametrize("group,head,kernel_frequency,pooling,handedness,feature_blur", [
    ("SO3", "invariant", None, "average", False, None), ("SO3", "vector", 1, "antialiased", False, None),
    ("SO3", "invariant", 1, "antialiased", True, None), ("SO3", "invariant", 2, "antialiased", True, 0.66),
    ("O3", "vector", None, "average", False, None), ("O3", "invariant", None, "average", True, None),
    ("octa", "vector", None, "average", False, 0.5), ("fullocta", "invariant", 1, "antialiased", False, None)])
def test_steerable_cnn3d_grid_symmetries_export_and_graph(group, head, kernel_frequency, pooling, handedness,
                                                          feature_blur):
    torch.manual_seed(3)
    volumes = image_batch((6, 6, 6), batch=2)
    model = SteerableCNN3d(group, num_classes=2, channels=(2, 2), head=head, kernel_frequency=kernel_frequency,
                           pooling=pooling, handedness=handedness, feature_blur=feature_blur)
    model = trained_a_little(model, volumes)
    out = assert_grid_symmetric(model, volumes, head)
    with torch.no_grad():
        assert torch.allclose(model.export()(volumes), out, atol=1e-5, rtol=1e-5)
        positions = torch.as_tensor(grid_positions((6, 6, 6)), dtype=volumes.dtype).repeat(2, 1)
        on_graph = model.forward_graph(volumes.flatten(2).transpose(1, 2).reshape(-1, 1), positions,
                                       torch.arange(2).repeat_interleave(216), (6, 6, 6))
        assert torch.allclose(on_graph, out, atol=1e-4 * out.abs().max())


def test_o3_handedness_reads_pseudoscalars_that_flip_with_a_mirror_image():
    torch.manual_seed(0)
    volumes = image_batch((6, 6, 6), batch=2)
    model = trained_a_little(SteerableCNN3d("O3", num_classes=3, channels=(2, 2), handedness=True), volumes)
    mirrored = volumes.flip(2)
    with torch.no_grad():
        out, out_mirrored = model(volumes), model(mirrored)
        model.readout.linear.weight[:, 2:] = 0  # the pseudo-scalars' columns: without them, blind to reflections
        blind = model(volumes)
        assert torch.allclose(model(mirrored), blind, atol=1e-5)
    assert torch.allclose(out + out_mirrored, 2 * blind, atol=1e-5)
    assert not torch.allclose(out, out_mirrored, atol=1e-3)


def clouds(count, points, seed, d=3):
    from torch_geometric.data import Data

    generator = torch.Generator().manual_seed(seed)
    return [Data(pos=torch.randn(points, d, generator=generator, dtype=torch.float64),
                 x=torch.randn(points, 2, generator=generator, dtype=torch.float64)) for _ in range(count)]


@pytest.mark.parametrize("group", ["SO3", "O3", "SO2", "O2"])
def test_point_cloud_classifier_is_invariant_under_random_rotations(group):
    from torch_geometric.data import Batch

    from eqgraph.models import PointCloudClassifier
    from eqgraph.testing import random_elements

    torch.manual_seed(4)
    model = PointCloudClassifier(group, num_classes=3, in_channels=2, channels=8, radii=(1.5, 3.0), samples=(6, 2)).double()
    gs = model.in_type.gspace
    items = clouds(3, 16, seed=5, d=gs.dimensionality)
    out = model(Batch.from_data_list(items))
    for g in random_elements(gs.fibergroup, 4, generator=6):
        rotation = torch.as_tensor(gs.action_matrix(g))
        shift = torch.randn(gs.dimensionality, dtype=torch.float64)
        moved = [type(d)(pos=d.pos @ rotation.T + shift, x=d.x) for d in items]
        assert torch.allclose(model(Batch.from_data_list(moved)), out, atol=1e-10)
    assert out.abs().max() > 1e-4
    assert set(model.train().state_dict()) == set(model.eval().state_dict())


@pytest.mark.parametrize("group", ["SO3", "O3"])
def test_point_cloud_classifier_features_keep_their_scale_through_the_stages(group):
    from torch_geometric.data import Batch, Data

    from eqgraph.models import PointCloudClassifier

    cubes = torch.tensor([(0, 0, 0), (0, 0, 1), (0, 0, 2), (0, 1, 1)], dtype=torch.float32)  # a tetris T
    batch = Batch.from_data_list([Data(pos=cubes), Data(pos=cubes.flip(1))])
    for seed in range(4):  # without the per-point norm seed 3's convolutions grew the features 5x each: logits ~200
        torch.manual_seed(seed)
        model = PointCloudClassifier(group, num_classes=8, channels=16, lmax=2, radii=(1.1, 2.5), samples=(4, 4))
        scales = []
        for block in model.blocks:
            block.register_forward_hook(lambda module, args, out: scales.append(out.tensor.square().mean().sqrt()))
        with torch.no_grad():
            logits = model(batch)
        assert max(scales) < 3, (seed, scales)
        assert logits.abs().max() < 10, (seed, logits)

def test_point_cloud_classifier_bad_input_and_voxel_sampling():
    from torch_geometric.data import Batch, Data

    from eqgraph.models import PointCloudClassifier

    model = PointCloudClassifier("SO3", num_classes=2, in_channels=2, channels=4, lmax=1, radii=(1.5,), samples=(10,))
    with pytest.raises(ValueError, match="asks for 10 points per cloud, but cloud 1 has 6"):
        model(Batch.from_data_list([Data(pos=torch.randn(12, 3), x=torch.randn(12, 2)),
                                    Data(pos=torch.randn(6, 3), x=torch.randn(6, 2))]))
    with pytest.raises(ValueError, match=r"in_channels=2: data.x must be \[12, 2\], got \(12, 3\)"):
        model(Batch.from_data_list([Data(pos=torch.randn(12, 3), x=torch.randn(12, 3))]))
    with pytest.raises(ValueError, match="needs samples"):
        PointCloudClassifier("SO3", radii=(1.0,), samples=None)
    with pytest.raises(ValueError, match="group must be one of"):
        PointCloudClassifier("octa", radii=(1.0,), samples=(4,))
    with pytest.raises(ValueError, match=r"needs data.pos \[N, 3\], got \(12, 2\)"):
        model(Batch.from_data_list([Data(pos=torch.randn(12, 2), x=torch.randn(12, 2))]))
    voxel = PointCloudClassifier("O3", num_classes=2, channels=4, lmax=1, radii=(1.0, 2.0), sampling="voxel")
    assert voxel(Batch.from_data_list([Data(pos=torch.randn(30, 3))] * 2)).shape == (2, 2)


def test_farthest_point_sampling_turns_with_the_cloud():
    from eqgraph.graph import farthest_point_sampling

    pos = torch.randn(40, 3, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    batch = torch.zeros(40, dtype=torch.long)
    rotation, _ = torch.linalg.qr(torch.randn(3, 3, generator=torch.Generator().manual_seed(8), dtype=torch.float64))
    first = farthest_point_sampling(pos, batch, 10)
    assert len(set(first.tolist())) == 10
    assert torch.equal(farthest_point_sampling(pos @ rotation.T + 1.0, batch, 10), first)


def test_vision_models_save_and_load(tmp_path):
    from eqgraph import gspaces
    from eqgraph.models import SavableModel

    model = SteerableCNN("D4", num_classes=3, channels=(2, 2)).eval()
    model.save(tmp_path / "cnn.pt")
    loaded = SavableModel.from_checkpoint(tmp_path / "cnn.pt").eval()
    images = image_batch((8, 8))
    assert torch.equal(loaded(images), model(images))
    with pytest.raises(ValueError, match="cannot be saved: its argument group="):
        SteerableCNN(gspaces.rot2dOnR2(4), channels=(2,)).save(tmp_path / "other.pt")
    assert not (tmp_path / "other.pt").exists()


def test_vision_models_print():
    """``print(model)`` lists every layer, the point layers that run on the grid layers' weights too."""
    for model in (SteerableCNN("C8", channels=(2, 4)), SteerableCNN3d("SO3", channels=(2,)),
                  PointCloudClassifier("SO3", num_classes=3, samples=(8, 2))):
        text = repr(model)
        assert "Conv" in text and text.count("\n") > 10
    assert "R2PointConv" in repr(SteerableCNN("C8", channels=(2,)))

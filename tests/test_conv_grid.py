"""Grid convolutions: equivariance under pixel/voxel symmetries, export, parameters, state, errors."""
import io
import pickle

import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import GeometricTensor
from eqgraph.nn import R2Conv, R2ConvTransposed, R3Conv, R3ConvTransposed, init
from eqgraph.testing import assert_equivariant, grid_symmetries, random_input


def c4_types():
    gs = gspaces.rot2dOnR2(4)
    return gs, gs.type(gs.regular_repr, gs.irrep(1), gs.trivial_repr), gs.type(gs.irrep(2), gs.regular_repr, gs.irrep(1))


def d4_types():
    gs = gspaces.flipRot2dOnR2(4)
    return gs, gs.type(gs.regular_repr, gs.irrep(1, 1)), gs.type(gs.irrep(0, 0), gs.irrep(1, 0), gs.quotient_repr((None, 4)))


def c8_types():
    gs = gspaces.rot2dOnR2(8)
    return gs, gs.type(gs.regular_repr, gs.irrep(3)), gs.type(gs.regular_repr, gs.regular_repr)


def o2_types():
    gs = gspaces.flipRot2dOnR2()
    irreps = [gs.irrep(0, 0), gs.irrep(1, 0), gs.irrep(1, 1), gs.irrep(1, 2)]
    return gs, gs.type(*irreps), gs.type(*reversed(irreps), gs.irrep(1, 1))


def so3_types():
    gs = gspaces.rot3dOnR3()
    return gs, gs.type(gs.irrep(0), gs.irrep(1), gs.irrep(2)), gs.type(gs.irrep(1), gs.irrep(0), gs.irrep(2))


def octa_types():
    gs = gspaces.octaOnR3()
    return gs, gs.type(gs.regular_repr), gs.type(gs.irrep(1), gs.trivial_repr, gs.irrep(2))


PLANAR = {"C4": c4_types, "D4": d4_types, "C8": c8_types, "O2": o2_types}
SPATIAL = {"SO3": so3_types, "octa": octa_types}


@pytest.mark.parametrize("name", sorted(PLANAR))
@pytest.mark.parametrize("cls", [R2Conv, R2ConvTransposed])
def test_planar_convs_are_equivariant_under_pixel_symmetries(name, cls, float64):
    gs, in_type, out_type = PLANAR[name]()
    conv = cls(in_type, out_type, 5, padding=2)
    x = random_input(in_type, spatial_shape=(9, 9))
    errors = assert_equivariant(conv, grid_symmetries(gs), atol=1e-9, rtol=0, input=x)
    assert len(errors) in (4, 8)


@pytest.mark.parametrize("name", sorted(PLANAR))
def test_planar_convs_are_equivariant_in_float32(name):
    gs, in_type, out_type = PLANAR[name]()
    conv = R2Conv(in_type, out_type, 3, padding=1, stride=2)
    x = random_input(in_type, spatial_shape=(9, 9), dtype=torch.float32)
    assert_equivariant(conv, grid_symmetries(gs), atol=1e-4, rtol=0, input=x)


@pytest.mark.parametrize("name", sorted(SPATIAL))
@pytest.mark.parametrize("cls", [R3Conv, R3ConvTransposed])
def test_volume_convs_are_equivariant_under_the_24_voxel_rotations(name, cls, float64):
    gs, in_type, out_type = SPATIAL[name]()
    conv = cls(in_type, out_type, 3, padding=1)
    x = random_input(in_type, spatial_shape=(5, 5, 5), batch=1)
    errors = assert_equivariant(conv, grid_symmetries(gs), atol=1e-9, rtol=0, input=x)
    assert len(errors) == 24


def test_the_checker_would_catch_a_broken_filter(float64):
    gs, in_type, out_type = c8_types()
    conv = R2Conv(in_type, out_type, 5, padding=2)
    with torch.no_grad():
        conv.basisexpansion.basis_0.add_(torch.randn_like(conv.basisexpansion.basis_0))
    with pytest.raises(AssertionError, match="not equivariant"):
        assert_equivariant(conv, grid_symmetries(gs), atol=1e-6, input=random_input(in_type, spatial_shape=(9, 9)))


CONFIGS = [
    (R2Conv, c8_types, {"kernel_size": 5, "padding": 2}),
    (R2Conv, d4_types, {"kernel_size": 3, "padding": 1, "stride": 2, "dilation": 2, "padding_mode": "reflect"}),
    (R2Conv, c4_types, {"kernel_size": 3, "padding": 1, "padding_mode": "circular"}),
    (R2ConvTransposed, c8_types, {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}),
    (R3Conv, so3_types, {"kernel_size": 3, "padding": 1, "padding_mode": "replicate"}),
    (R3ConvTransposed, octa_types, {"kernel_size": 3, "stride": 2}),
]


@pytest.mark.parametrize("cls, types, kwargs", CONFIGS)
def test_export_gives_a_plain_conv_with_equal_outputs(cls, types, kwargs):
    gs, in_type, out_type = types()
    conv = cls(in_type, out_type, **kwargs)
    shape = (7,) * gs.dimensionality
    x = random_input(in_type, spatial_shape=shape)
    exported = conv.export()
    assert type(exported).__module__.startswith("torch.nn")
    with torch.no_grad():
        assert torch.allclose(conv(x).tensor, exported(x.tensor), atol=1e-5)
    assert conv.evaluate_output_shape(tuple(x.shape)) == tuple(conv(x).shape)


def test_transposed_convs_take_escnns_positional_order():
    gs, in_type, out_type = c8_types()
    conv = R2ConvTransposed(in_type, out_type, 3, 1, 1, 2)  # kernel, padding, output_padding, stride
    assert (conv.padding, conv.output_padding, conv.stride) == ((1, 1), (1, 1), (2, 2))
    assert conv(random_input(in_type, spatial_shape=(5, 5))).shape[2:] == (10, 10)


def test_groups_split_the_types_and_stay_equivariant(float64):
    gs = gspaces.rot2dOnR2(4)
    in_type = gs.type(gs.regular_repr, gs.irrep(1), gs.regular_repr, gs.irrep(1))
    out_type = gs.type(*[gs.regular_repr] * 4)
    conv = R2Conv(in_type, out_type, 3, padding=1, groups=2)
    x = random_input(in_type, spatial_shape=(7, 7))
    assert_equivariant(conv, grid_symmetries(gs), atol=1e-9, input=x)
    filter, _ = conv.expand_parameters()
    assert filter.shape == (out_type.size, in_type.size // 2, 3, 3)
    assert torch.allclose(conv(x).tensor, conv.export()(x.tensor), atol=1e-10)
    with pytest.raises(ValueError, match="groups=3"):
        R2Conv(in_type, out_type, 3, groups=3)


def test_expand_parameters_and_bias_on_trivial_fields_only():
    gs, in_type, out_type = c8_types()
    conv = R2Conv(in_type, out_type, 5)
    filter, bias = conv.expand_parameters()
    assert filter.shape == (out_type.size, in_type.size, 5, 5)
    assert conv.bias.shape == (2,)  # one trivial irrep per regular field
    with torch.no_grad():
        conv.bias.fill_(1.0)
    _, bias = conv.expand_parameters()
    assert torch.allclose(bias, torch.full((out_type.size,), 1 / 8 ** 0.5), atol=1e-6)  # invariant vector of regular
    no_trivial = gs.type(gs.irrep(1), gs.irrep(2))
    conv = R2Conv(in_type, no_trivial, 5)
    assert conv.bias is None and conv.expand_parameters()[1] is None
    assert R2Conv(in_type, out_type, 5, bias=False).bias is None


def test_initialize_false_is_zero_and_init_functions_fill_the_weights():
    gs, in_type, out_type = c8_types()
    conv = R2Conv(in_type, out_type, 5, initialize=False)
    assert torch.count_nonzero(conv.weights) == 0
    init.generalized_he_init(conv.weights.data, conv.basisexpansion)
    x = random_input(in_type, spatial_shape=(32, 32), batch=8)
    with torch.no_grad():
        std = conv(x).tensor[..., 4:-4, 4:-4].std().item()
    assert 0.5 < std < 2.0


def test_deltaorthonormal_init_gives_an_orthogonal_delta_kernel(float64):
    gs = gspaces.rot2dOnR2(8)
    t = gs.type(gs.regular_repr, gs.regular_repr)
    conv = R2Conv(t, t, 5, initialize=False)
    init.deltaorthonormal_init(conv.weights.data, conv.basisexpansion)
    filter, _ = conv.expand_parameters()
    centre = filter[:, :, 2, 2]
    assert torch.allclose(centre @ centre.T, torch.eye(t.size), atol=1e-8)
    off_centre = filter.clone()
    off_centre[:, :, 2, 2] = 0
    assert off_centre.abs().max() < 1e-6
    assert_equivariant(conv, grid_symmetries(gs), atol=1e-9, input=random_input(t, spatial_shape=(7, 7)))
    no_centre = R2Conv(t, t, 5, rings=[1.0, 2.0], initialize=False)
    with pytest.raises(ValueError, match="radius 0"):
        init.deltaorthonormal_init(no_centre.weights.data, no_centre.basisexpansion)


def test_state_dict_round_trips_between_train_and_eval():
    gs, in_type, out_type = c8_types()
    trained = R2Conv(in_type, out_type, 3)
    x = random_input(in_type, spatial_shape=(8, 8))
    for source_mode, target_mode in ((True, False), (False, True)):
        trained.train(source_mode)
        buffer = io.BytesIO()
        torch.save(trained.state_dict(), buffer)
        fresh = R2Conv(in_type, out_type, 3).train(target_mode)
        assert set(fresh.state_dict()) == set(trained.state_dict()) == {"weights", "bias"}
        fresh.load_state_dict(torch.load(io.BytesIO(buffer.getvalue())))
        with torch.no_grad():
            assert torch.allclose(fresh(x).tensor, trained(x).tensor, atol=1e-6)


def test_eval_mode_caches_the_filter_until_the_weights_change():
    gs, in_type, out_type = c8_types()
    conv = R2Conv(in_type, out_type, 3).eval()
    x = random_input(in_type, spatial_shape=(8, 8))
    with torch.no_grad():
        first = conv(x).tensor
        cached = conv._cached_parameters[1][0]
        assert conv(x).tensor.equal(first) and conv._cached_parameters[1][0] is cached
        other = R2Conv(in_type, out_type, 3)
        conv.load_state_dict(other.state_dict())
        assert torch.allclose(conv(x).tensor, other(x).tensor, atol=1e-6)
    y = conv(x).tensor.sum()  # with gradients enabled the filter is rebuilt, so weights get gradients
    y.backward()
    assert conv.weights.grad is not None and conv.weights.grad.abs().sum() > 0


def test_convs_pickle_and_keep_their_outputs():
    gs, in_type, out_type = so3_types()
    conv = R3Conv(in_type, out_type, 3).eval()
    x = random_input(in_type, spatial_shape=(4, 4, 4), batch=1)
    with torch.no_grad():
        before = conv(x).tensor
        restored = pickle.loads(pickle.dumps(conv))
        assert torch.equal(restored(x).tensor, before)


def test_recompute_gives_the_same_filter():
    gs, in_type, out_type = c4_types()
    a = R2Conv(in_type, out_type, 5)
    b = R2Conv(in_type, out_type, 5, recompute=True)
    b.load_state_dict(a.state_dict())
    assert torch.allclose(a.expand_parameters()[0], b.expand_parameters()[0], atol=1e-6)
    assert not any(name.startswith("basisexpansion.basis_") for name, _ in b.named_buffers())


def test_training_step_reaches_the_weights_and_the_input():
    gs, in_type, out_type = c8_types()
    conv = R2Conv(in_type, out_type, 3, padding=1)
    x = random_input(in_type, spatial_shape=(6, 6))
    x.tensor.requires_grad_(True)
    conv(x).tensor.square().sum().backward()
    assert conv.weights.grad.abs().sum() > 0 and conv.bias.grad.abs().sum() > 0 and x.tensor.grad.abs().sum() > 0


def test_grid_convs_compile_without_graph_breaks():
    gs, in_type, out_type = c8_types()
    conv = R2Conv(in_type, out_type, 3, padding=1)
    compiled = torch.compile(lambda t: conv(GeometricTensor(t, in_type)).tensor, fullgraph=True, dynamic=True, backend="eager")
    x = torch.randn(2, in_type.size, 6, 6)
    assert torch.allclose(compiled(x), conv(in_type(x)).tensor, atol=1e-6)
    other = torch.randn(3, in_type.size, 9, 7)  # a new shape reuses the dynamic graph
    assert torch.allclose(compiled(other), conv(in_type(other)).tensor, atol=1e-6)


def test_bad_inputs_are_refused_with_clear_messages():
    gs, in_type, out_type = c8_types()
    conv = R2Conv(in_type, out_type, 3)
    other = gs.type(gs.regular_repr)
    with pytest.raises(ValueError, match=r"expects input of type .* got"):
        conv(random_input(other, spatial_shape=(5, 5)))
    with pytest.raises(TypeError, match="GeometricTensor"):
        conv(torch.randn(1, in_type.size, 5, 5))
    with pytest.raises(ValueError, match="R2PointConv"):
        conv(random_input(in_type, points=5))
    with pytest.raises(ValueError, match="R\\^3"):
        R3Conv(in_type, out_type, 3)
    with pytest.raises(ValueError, match="kernel_size"):
        R2Conv(in_type, out_type, 0)
    with pytest.raises(ValueError, match="padding_mode"):
        R2Conv(in_type, out_type, 3, padding_mode="mirror")
    with pytest.raises(TypeError, match="padding_mode"):  # as in escnn, transposed convs pad with zeros only
        R2ConvTransposed(in_type, out_type, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="same gspace"):
        R2Conv(in_type, gspaces.rot2dOnR2(4).type(gspaces.rot2dOnR2(4).regular_repr), 3)
    with pytest.raises(ValueError, match="stride"):
        R2Conv(in_type, out_type, 3, stride=0)
    with pytest.raises(ValueError, match="no steerable kernel"):
        R2Conv(gs.type(gs.irrep(4)), gs.type(gs.irrep(1)), 1)

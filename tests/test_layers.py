"""Equivariant layers: every module on grids (exact symmetries) and graphs (random elements)."""
import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.nn import (
    ELU,
    BranchingModule,
    ConcatenatedNonLinearity,
    DisentangleModule,
    FieldDropout,
    FieldNorm,
    Gate,
    GatedNonLinearity1,
    GatedNonLinearity2,
    GatedNonLinearityUniform,
    GlobalPool,
    GNormBatchNorm,
    GroupPooling,
    IIDBatchNorm1d,
    IIDBatchNorm2d,
    IIDBatchNorm3d,
    InducedNormBatchNorm,
    InducedGatedNonLinearity1,
    InducedNormNonLinearity,
    InducedNormPool,
    InnerBatchNorm,
    LeakyReLU,
    Linear,
    MaskModule,
    MergeModule,
    ModuleList,
    MultipleModule,
    NormBatchNorm,
    NormMaxPool,
    NormNonLinearity,
    NormPool,
    PointwiseAdaptiveAvgPool,
    PointwiseAdaptiveMaxPool,
    PointwiseAvgPool,
    PointwiseAvgPoolAntialiased,
    PointwiseDropout,
    PointwiseMaxPool,
    PointwiseMaxPoolAntialiased,
    PointwiseNonLinearity,
    R2Upsampling,
    ReLU,
    ReshuffleModule,
    RestrictionModule,
    SequentialModule,
    TensorProductModule,
    TensorProductNonLinearity,
    VectorFieldNonLinearity,
)
from eqgraph.testing import assert_equivariant, grid_symmetries, random_elements, random_input

C8 = gspaces.rot2dOnR2(8)
O2 = gspaces.flipRot2dOnR2()
O3 = gspaces.flipRot3dOnR3()


def permutation_type():
    return C8.type(C8.regular_repr, C8.trivial_repr, C8.quotient_repr(2), C8.regular_repr)


def mixed_o2_type():
    return O2.type(O2.irrep(0, 0), O2.irrep(1, 1), O2.irrep(1, 0), O2.irrep(1, 2), O2.irrep(0, 0))


def mixed_o3_type():
    return FieldType.from_e3nn("2x0e+1x0o+2x1o+1x1e+1x2e", O3)


def no_trivial_o3_type():
    return FieldType.from_e3nn("1x0o+2x1o+1x1e+1x2e", O3)


def check_everywhere(module, in_type, grid_shape, atol=1e-9, train=False, modes=("eval", "train")):
    """Equivariance on a grid under its exact symmetries and on a point cloud under random
    elements (all elements for finite groups), in float64, in the given modes."""
    gs = in_type.gspace
    grid_input = random_input(in_type, spatial_shape=grid_shape, batch=3)
    node_input = random_input(in_type, points=12)
    elements = random_elements(gs.fibergroup, 5, generator=0) if gs.fibergroup.order() < 0 else None
    if train:
        _check_train_mode(module, grid_input, grid_symmetries(gs), atol)
        _check_train_mode(module, node_input, elements or gs.fibergroup.elements, atol)
    else:
        assert_equivariant(module, grid_symmetries(gs), atol=atol, input=grid_input, modes=modes)
        assert_equivariant(module, elements, atol=atol, input=node_input, modes=modes)


def _check_train_mode(module, x, elements, atol):
    module.train()
    out = module(x)
    for g in elements:
        assert torch.allclose(module(x.transform(g)).tensor, out.transform(g).tensor, atol=atol), f"{type(module).__name__} at {g}"


def signed_type():
    d4 = gspaces.flipRot2dOnR2(4)
    return d4.type(d4.irrep(1, 0), d4.regular_repr, d4.irrep(1, 2), d4.irrep(0, 2))


def induced_type():
    d4 = gspaces.flipRot2dOnR2(4)
    c4 = d4.fibergroup.subgroup((None, 4))[0]
    return d4.type(d4.induced_repr((None, 4), c4.irrep(1)), d4.induced_repr((None, 4), c4.irrep(1)),
                   d4.induced_repr((None, 4), c4.irrep(2)))


def _induced_gated_type(interleaved=False):
    d4 = gspaces.flipRot2dOnR2(4)
    flips = d4.fibergroup.subgroup((0, 1))[0]  # four cosets that D4 permutes like a square's corners
    cosets = d4.quotient_repr((0, 1))
    gated = [d4.induced_repr((0, 1), flips.irrep(1)), d4.induced_repr((0, 1), flips.regular_representation)]
    return d4.type(cosets, *gated, cosets) if interleaved else d4.type(cosets, cosets, *gated)


def _gated_o3_type():
    return FieldType.from_e3nn("1x0e+1x1o+1x0e+1x2e", O3)


def _gated_uniform_o3_type():
    gates_and_gated = FieldType.from_e3nn("2x0e+1x1o+1x2e", O3).representation  # two gates, then what they gate
    return FieldType(O3, [gates_and_gated] * 3)


def _gate_o3_type():
    return FieldType.from_e3nn("2x0e+1x0o+2x0e+1x1o+1x2e", O3)


def _with_bias(module):
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.randn_like(p) * 0.5 + (1.0 if name == "weight" else 0.0))
    return module


def _multiple():
    t = mixed_o3_type()
    labels = ["scalar" if r.size == 1 else "other" for r in t.representations]
    parts = t.group_by_labels(labels)
    return MultipleModule(t, labels, [(NormNonLinearity(parts["other"]), "other"), (Linear(parts["scalar"], parts["scalar"]), "scalar")])


NODEWISE = {
    "Linear C8": (lambda: Linear(permutation_type(), C8.type(C8.irrep(1), C8.regular_repr, C8.irrep(4))), permutation_type),
    "Linear O3": (lambda: Linear(mixed_o3_type(), FieldType.from_e3nn("1x0e+1x1o+2x2e+1x0o", O3)), mixed_o3_type),
    "PointwiseNonLinearity": (lambda: PointwiseNonLinearity(permutation_type(), "p_sigmoid"), permutation_type),
    "ReLU": (lambda: ReLU(permutation_type()), permutation_type),
    "ELU": (lambda: ELU(permutation_type()), permutation_type),
    "LeakyReLU": (lambda: LeakyReLU(permutation_type(), 0.1), permutation_type),
    "NormNonLinearity n_relu": (lambda: _with_bias(NormNonLinearity(mixed_o3_type())), mixed_o3_type),
    "NormNonLinearity n_sigmoid": (lambda: NormNonLinearity(mixed_o2_type(), "n_sigmoid"), mixed_o2_type),
    "NormNonLinearity squash": (lambda: NormNonLinearity(mixed_o3_type(), "squash", bias=False), mixed_o3_type),
    "GatedNonLinearity1": (lambda: GatedNonLinearity1(_gated_o3_type(), gates=["gate", "gated", "gate", "gated"]),
                           _gated_o3_type),
    "GatedNonLinearity1 keep gates": (lambda: GatedNonLinearity1(_gated_o3_type(), gates=["gate", "gated", "gate", "gated"],
                                                                 drop_gates=False), _gated_o3_type),
    "Gate": (lambda: Gate(FieldType.from_e3nn("2x0e+1x0o", O3), FieldType.from_e3nn("2x0e", O3),
                          FieldType.from_e3nn("1x1o+1x2e", O3), act_scalars=torch.tanh), _gate_o3_type),
    "GatedNonLinearityUniform": (lambda: _with_bias(GatedNonLinearityUniform(_gated_uniform_o3_type())),
                                 _gated_uniform_o3_type),
    "TensorProductNonLinearity C8": (lambda: TensorProductNonLinearity(C8.type(*[C8.regular_repr] * 2),
                                                                       C8.type(*[C8.irrep(1)] * 2)),
                                     lambda: C8.type(*[C8.regular_repr] * 2)),
    "TensorProductNonLinearity O3": (lambda: TensorProductNonLinearity(FieldType.from_e3nn("3x1o", O3),
                                                                       FieldType.from_e3nn("3x2e", O3)),
                                     lambda: FieldType.from_e3nn("3x1o", O3)),
    "VectorFieldNonLinearity": (lambda: VectorFieldNonLinearity(C8.type(*[C8.regular_repr] * 3)),
                                lambda: C8.type(*[C8.regular_repr] * 3)),
    "ConcatenatedNonLinearity": (lambda: ConcatenatedNonLinearity(permutation_type()), permutation_type),
    "ConcatenatedNonLinearity signed": (lambda: ConcatenatedNonLinearity(signed_type()), signed_type),
    "FieldNorm": (lambda: _with_bias(FieldNorm(mixed_o3_type())), mixed_o3_type),
    "GroupPooling": (lambda: GroupPooling(permutation_type()), permutation_type),
    "NormPool": (lambda: NormPool(mixed_o3_type()), mixed_o3_type),
    "InducedNormPool": (lambda: InducedNormPool(induced_type()), induced_type),
    "InducedGatedNonLinearity1": (lambda: _with_bias(InducedGatedNonLinearity1(_induced_gated_type())),
                                  _induced_gated_type),
    "InducedGatedNonLinearity1 keep gates": (lambda: _with_bias(InducedGatedNonLinearity1(
        _induced_gated_type(True), gates=["gate", "gated", "gated", "gate"], drop_gates=False)),
        lambda: _induced_gated_type(True)),
    "InducedNormNonLinearity": (lambda: _with_bias(InducedNormNonLinearity(induced_type())), induced_type),
    "FieldDropout (eval)": (lambda: FieldDropout(mixed_o3_type(), 0.3), mixed_o3_type),
    "PointwiseDropout (eval)": (lambda: PointwiseDropout(permutation_type(), 0.3), permutation_type),
    "DisentangleModule": (lambda: DisentangleModule(C8.type(C8.regular_repr.tensor(C8.irrep(1)), C8.regular_repr)),
                          lambda: C8.type(C8.regular_repr.tensor(C8.irrep(1)), C8.regular_repr)),
    "ReshuffleModule": (lambda: ReshuffleModule(mixed_o3_type(), [3, 0, 6, 1, 2, 5, 4]), mixed_o3_type),
    "MultipleModule": (lambda: _multiple(), mixed_o3_type),
    "SequentialModule": (lambda: SequentialModule(Linear(mixed_o3_type(), mixed_o3_type()), NormNonLinearity(mixed_o3_type())),
                         mixed_o3_type),
}


@pytest.mark.parametrize("name", sorted(NODEWISE))
def test_nodewise_modules_are_equivariant_on_grids_and_graphs(name, float64):
    make_module, make_type = NODEWISE[name]
    module = make_module()
    in_type = make_type()
    shape = (5, 5) if in_type.gspace.dimensionality == 2 else (3, 3, 3)
    # dropout draws its masks per pixel: equivariant in distribution in train mode, exactly in eval mode
    check_everywhere(module, in_type, shape, modes=("eval",) if name.endswith("(eval)") else ("eval", "train"))


@pytest.mark.parametrize("make", [
    lambda: (InnerBatchNorm(permutation_type()), permutation_type()),
    lambda: (NormBatchNorm(no_trivial_o3_type()), no_trivial_o3_type()),
    lambda: (IIDBatchNorm2d(mixed_o2_type()), mixed_o2_type()),
    lambda: (GNormBatchNorm(mixed_o2_type() + O2.type(O2.irrep(1, 1).tensor(O2.irrep(1, 2)))),
             mixed_o2_type() + O2.type(O2.irrep(1, 1).tensor(O2.irrep(1, 2)))),
    lambda: (InducedNormBatchNorm(induced_type()), induced_type()),
], ids=["InnerBatchNorm", "NormBatchNorm", "IIDBatchNorm", "GNormBatchNorm", "InducedNormBatchNorm"])
def test_batch_norms_are_equivariant_in_train_and_eval_mode(make, float64):
    module, in_type = make()
    _with_bias(module)
    d = in_type.gspace.dimensionality
    grid = random_input(in_type, spatial_shape=(4,) * d, batch=3)
    _check_train_mode(module, grid, grid_symmetries(in_type.gspace), 1e-9)
    module(grid)  # some running statistics
    module.eval()
    assert_equivariant(module, grid_symmetries(in_type.gspace), atol=1e-9, input=grid)


@pytest.mark.parametrize("cls", [InnerBatchNorm, IIDBatchNorm2d])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batch_norms_match_torch_on_trivial_fields(cls, momentum):
    t = C8.type(*[C8.trivial_repr] * 4)
    ours = cls(t, momentum=momentum)
    theirs = torch.nn.BatchNorm2d(4, momentum=momentum)
    with torch.no_grad():
        ours.weight.copy_(torch.tensor([1.0, 2.0, 0.5, -1.0]))
        ours.bias.copy_(torch.tensor([0.1, -0.2, 0.3, 0.0]))
        theirs.weight.copy_(ours.weight)
        theirs.bias.copy_(ours.bias)
    for _ in range(3):
        x = (torch.randn(5, 4, 6, 6) * 3 + 1).requires_grad_()
        out, reference = ours(t(x)).tensor, theirs(x)
        assert torch.allclose(out, reference, atol=1e-5)
        grads = torch.autograd.grad(out.square().sum(), (x, ours.weight, ours.bias))
        expected = torch.autograd.grad(reference.square().sum(), (x, theirs.weight, theirs.bias))
        assert all(torch.allclose(a, b, atol=1e-4) for a, b in zip(grads, expected))
    assert torch.allclose(ours.running_mean, theirs.running_mean, atol=1e-5)
    assert torch.allclose(ours.running_var, theirs.running_var, atol=1e-5)
    ours.eval(), theirs.eval()
    x = torch.randn(2, 4, 6, 6)
    assert torch.allclose(ours(t(x)).tensor, theirs(x), atol=1e-5)
    assert torch.allclose(ours.export()(x), theirs(x), atol=1e-5)


@pytest.mark.parametrize("cls", [InnerBatchNorm, IIDBatchNorm2d])
def test_batch_norm_on_one_regular_field_trains_like_torch_on_its_average(cls):
    """One field: the running mean is updated in place while the batch's graph still needs it."""
    t = C8.type(C8.regular_repr)
    ours, theirs = cls(t), torch.nn.BatchNorm3d(1)
    x = torch.randn(3, 8, 5, 5, requires_grad=True)
    out, reference = ours(t(x)).tensor, theirs(x[:, None]).squeeze(1)
    assert torch.allclose(out, reference, atol=1e-5)
    out.square().sum().backward()  # failed before: the running mean's in-place update broke backward
    expected, = torch.autograd.grad(reference.square().sum(), x)
    assert torch.allclose(x.grad, expected, atol=1e-4)
    assert torch.allclose(ours.running_mean, theirs.running_mean.expand(8), atol=1e-6)


def test_batch_norm_state_dict_round_trips_between_train_and_eval():
    t = permutation_type()
    a = InnerBatchNorm(t)
    a(random_input(t, spatial_shape=(4, 4)))
    b = InnerBatchNorm(t).eval()
    assert set(a.state_dict()) == set(b.state_dict())
    b.load_state_dict(a.state_dict())
    a.eval()
    x = random_input(t, spatial_shape=(4, 4))
    assert torch.allclose(a(x).tensor, b(x).tensor)


def test_inner_batch_norm_on_graph_nodes_uses_statistics_over_nodes():
    t = permutation_type()
    norm = InnerBatchNorm(t, affine=False)
    y = norm(random_input(t, points=200)).tensor
    first_field = y[:, :8]
    assert abs(first_field.mean().item()) < 1e-5 and abs(first_field.var(unbiased=False).item() - 1) < 1e-3


@pytest.mark.parametrize("make, size", [
    (lambda t: PointwiseMaxPool(t, 2), 8),
    (lambda t: PointwiseAvgPool(t, 2), 8),
    (lambda t: PointwiseAdaptiveAvgPool(t, 1), 8),
    (lambda t: PointwiseAdaptiveMaxPool(t, 2), 8),
    (lambda t: NormMaxPool(t, 2), 8),
    (lambda t: R2Upsampling(t, scale_factor=2), 8),
    (lambda t: MaskModule(t, 8, margin=10), 8),
    (lambda t: PointwiseMaxPoolAntialiased(t, 2), 8),
    (lambda t: PointwiseAvgPoolAntialiased(t, sigma=0.8, stride=2), 9),  # strided centres 0, 2, ..., 8: symmetric
], ids=["max", "avg", "adaptive avg", "adaptive max", "norm max", "upsampling", "mask", "antialiased max",
        "antialiased avg"])
def test_grid_pooling_is_equivariant_under_pixel_symmetries(make, size, float64):
    t = permutation_type()
    module = make(t)
    x = random_input(t, spatial_shape=(size, size), batch=2)
    assert_equivariant(module, grid_symmetries(C8), atol=1e-9, input=x)
    assert module.evaluate_output_shape(tuple(x.shape)) == tuple(module(x).shape)


@pytest.mark.parametrize("make", [lambda t: PointwiseMaxPool(t, 2), lambda t: PointwiseAvgPool(t, 2, 2),
                                  lambda t: PointwiseAdaptiveAvgPool(t, 2), lambda t: PointwiseAdaptiveMaxPool(t, 3),
                                  lambda t: R2Upsampling(t, scale_factor=3), lambda t: ReLU(t), lambda t: ELU(t, 0.5),
                                  lambda t: LeakyReLU(t, 0.2), lambda t: PointwiseNonLinearity(t, "p_tanh"),
                                  lambda t: PointwiseDropout(t, 0.2), lambda t: _trained(InnerBatchNorm(t), t),
                                  lambda t: _trained(IIDBatchNorm2d(t), t),
                                  lambda t: SequentialModule(ReLU(t), PointwiseAvgPool(t, 2)),
                                  lambda t: PointwiseAvgPoolAntialiased(t, sigma=0.8, stride=2),
                                  lambda t: PointwiseMaxPoolAntialiased(t, 3, 2, padding=1)],
                         ids=["max", "avg", "adaptive avg", "adaptive max", "upsampling", "relu", "elu", "leaky relu",
                              "pointwise", "dropout", "inner batch norm", "iid batch norm", "sequential",
                              "antialiased avg", "antialiased max"])
def test_exports_give_equal_outputs(make):
    t = permutation_type()
    module = make(t).eval()
    x = random_input(t, spatial_shape=(8, 8))
    assert torch.allclose(module(x).tensor, module.export()(x.tensor), atol=1e-6)


@pytest.mark.parametrize("options, size", [
    (dict(kernel_size=2), 8), (dict(kernel_size=(2, 3)), 12), (dict(kernel_size=3), 10),  # tiling: depthwise conv
    (dict(kernel_size=2, ceil_mode=True), 9), (dict(kernel_size=3, stride=2), 9), (dict(kernel_size=2, padding=1), 8),
], ids=["2", "2x3", "3, floor", "ceil, partial window", "overlapping", "padded"])
def test_average_pool_matches_torch_with_gradients(options, size, float64):
    t = permutation_type()
    x = random_input(t, spatial_shape=(size, size), batch=2).tensor.requires_grad_()
    pooled = PointwiseAvgPool(t, **options)(GeometricTensor(x, t)).tensor
    reference = torch.nn.functional.avg_pool2d(x, **options)
    assert pooled.shape == reference.shape and torch.allclose(pooled, reference, atol=1e-12)
    grad = torch.randn_like(reference)
    assert torch.allclose(torch.autograd.grad(pooled, x, grad)[0], torch.autograd.grad(reference, x, grad)[0], atol=1e-12)


def test_average_pool_on_voxels_matches_torch(float64):
    gs = gspaces.octaOnR3()
    t = gs.type(gs.trivial_repr, gs.trivial_repr)
    x = torch.randn(2, 2, 6, 6, 6)
    assert torch.allclose(PointwiseAvgPool(t, 2)(GeometricTensor(x, t)).tensor, torch.nn.functional.avg_pool3d(x, 2),
                          atol=1e-12)


def _trained(norm, t):
    """A batch norm with running statistics and affine parameters away from their defaults."""
    _with_bias(norm)
    for _ in range(3):
        norm(random_input(t, spatial_shape=(6, 6), batch=4) * 2.0)
    return norm


def test_linear_and_group_pooling_export():
    t = permutation_type()
    linear = Linear(t, mixed_type := C8.type(C8.irrep(1), C8.trivial_repr))
    x = random_input(t, points=7)
    assert torch.allclose(linear(x).tensor, linear.export()(x.tensor), atol=1e-6)
    assert linear.export().weight.shape == (mixed_type.size, t.size)
    pool = GroupPooling(t)
    grid = random_input(t, spatial_shape=(3, 3))
    assert torch.allclose(pool(grid).tensor, pool.export()(grid.tensor))


@pytest.mark.parametrize("irreps", [("4x0e+3x1o+2x2e", "2x0e+3x1o+1x0o"),  # e3nn layouts: split blocks
                                    ("1x0e+1x1o+1x0e", "1x1o+2x0e"),  # interleaved copies: gathered
                                    ("2x1o", "3x0e+2x1o")])  # a biased trivial output that no input reaches
def test_linear_irrep_fast_path_equals_its_matrix(irreps, float64):
    a, b = (FieldType.from_e3nn(s, O3) for s in irreps)
    linear = _with_bias(Linear(a, b))
    assert linear.blockwise
    x = random_input(a, points=7)
    assert torch.allclose(linear(x).tensor, linear.export()(x.tensor), atol=1e-12)
    assert_equivariant(linear, random_elements(O3.fibergroup, 3, generator=3), atol=1e-10, input=x)


def test_global_pool_reads_out_each_graph(float64):
    t = mixed_o3_type()
    x = random_input(t, points=10)
    batch = torch.tensor([0] * 4 + [1] * 6)
    total, mean = GlobalPool(t), GlobalPool(t, "mean")
    assert torch.allclose(total(x, batch).tensor[1], x.tensor[4:].sum(0))
    assert torch.allclose(mean(x, batch).tensor[0], x.tensor[:4].mean(0))
    for g in random_elements(O3.fibergroup, 3, generator=1):
        assert torch.allclose(total(x.transform(g), batch).tensor, total(x, batch).transform(g).tensor, atol=1e-12)
    permutation = torch.randperm(10)
    shuffled = GeometricTensor(x.tensor[permutation], t, x.coords[permutation])
    assert torch.allclose(total(shuffled, batch[permutation]).tensor, total(x, batch).tensor, atol=1e-12)


def test_gated_nonlinearity2_takes_two_tensors(float64):
    gates, gated = O3.type(O3.trivial_repr, O3.trivial_repr), FieldType.from_e3nn("1x1o+1x2e", O3)
    module = GatedNonLinearity2((gates, gated))
    g_in, x = random_input(gates, points=6), random_input(gated, points=6)
    out = module(g_in, x)
    for g in random_elements(O3.fibergroup, 3, generator=2):
        assert torch.allclose(module(g_in.transform(g), x.transform(g)).tensor, out.transform(g).tensor, atol=1e-12)


def test_dropout_in_training_drops_whole_fields():
    t = mixed_o3_type()
    module = FieldDropout(t, p=0.5).train()
    y = module(GeometricTensor(torch.ones(400, t.size), t)).tensor
    for start, end in zip(t.fields_start, t.fields_end):
        field = y[:, int(start):int(end)]
        assert torch.all((field == 0).all(1) | (field == 2).all(1))
    assert 0.3 < (y == 0).float().mean() < 0.7


def test_restriction_retypes_without_changing_data(float64):
    t = O2.type(O2.irrep(1, 1), O2.irrep(1, 2))
    module = RestrictionModule(t, (0.0, 4))
    sub, include, _ = O2.restrict((0.0, 4))
    x = random_input(t, points=5)
    y = module(x)
    assert torch.equal(y.tensor, x.tensor) and y.type.gspace == sub
    for h in sub.fibergroup.elements:
        assert torch.allclose(y.transform(h).tensor, x.transform(include(h)).tensor, atol=1e-12)


def test_branching_and_merging():
    t = mixed_o3_type()
    labels = ["a", "b", "a", "b", "a", "b", "a"]
    branches = BranchingModule(t, labels)(random_input(t, points=4))
    assert list(branches) == ["a", "b"] and branches["a"].type == t.index_select([0, 2, 4, 6])
    merge = MergeModule([(NormPool(branches["b"].type), "b"), (NormPool(branches["a"].type), "a")])
    assert merge(branches).shape == (4, 7)
    assert len(ModuleList([NormPool(t), Linear(t, t)])) == 2
    with pytest.raises(TypeError, match="EquivariantModules"):
        ModuleList([torch.nn.ReLU()])


def test_layers_refuse_representations_they_cannot_act_on():
    vectors = O3.type(O3.trivial_repr, O3.irrep(1, 1))
    for make in (ReLU, ELU, GroupPooling, InnerBatchNorm, PointwiseDropout, ConcatenatedNonLinearity,
                 lambda t: PointwiseMaxPool(t, 2), lambda t: PointwiseNonLinearity(t)):
        with pytest.raises(ValueError, match=r"field 1 \(.*\)"):
            make(vectors)
    with pytest.raises(ValueError, match="trivial irrep"):
        NormBatchNorm(vectors)
    for make in (InducedNormPool, InducedNormNonLinearity, InducedNormBatchNorm):
        with pytest.raises(ValueError, match="induced representations"):
            make(O3.type(O3.irrep(1, 1)))
    with pytest.raises(ValueError, match="must be trivial"):
        GatedNonLinearity1(FieldType.from_e3nn("1x1o+1x1o", O3))
    with pytest.raises(ValueError, match="odd"):
        Gate(FieldType.from_e3nn("1x0o", O3), FieldType.from_e3nn("1x0e", O3), FieldType.from_e3nn("1x1o", O3))
    with pytest.raises(ValueError, match="squash"):
        NormNonLinearity(vectors, "squash")
    with pytest.raises(ValueError, match="spatial axes"):
        IIDBatchNorm3d(vectors)(random_input(vectors, points=4))
    assert IIDBatchNorm1d(vectors)(random_input(vectors, points=4)).shape == (4, 4)


def test_escnn_style_nonlinearities_compute_their_formulas(float64):
    t = C8.type(*[C8.regular_repr] * 2)
    quadratic = TensorProductNonLinearity(t, C8.type(*[C8.irrep(1)] * 2))
    x = random_input(t, points=3)
    fields = x.tensor.view(3, 2, 8)
    squares = (fields.unsqueeze(-1) * fields.unsqueeze(-2)).flatten(-2)
    expected = torch.einsum("coi,nci->nco", quadratic.matrices(), squares).reshape(3, 4)
    assert torch.allclose(quadratic(x).tensor, expected)
    assert quadratic.weights.shape == (2, quadratic.basis.shape[0]) and quadratic.matrices().abs().sum() > 0

    gated = GatedNonLinearity1(FieldType.from_e3nn("1x0e+1x1o", O3), drop_gates=False)
    x = random_input(gated.in_type, points=2)
    kept = gated(x).tensor
    assert torch.allclose(kept[:, :1], torch.sigmoid(x.tensor[:, :1]))  # escnn keeps the gates' activations
    assert torch.allclose(kept[:, 1:], torch.sigmoid(x.tensor[:, :1]) * x.tensor[:, 1:])

    vectors = VectorFieldNonLinearity(C8.type(C8.regular_repr))
    field = torch.tensor([[0.1, 0.2, 2.0, -1.0, 0.0, 0.3, 0.0, 0.0], [-0.5, -0.1, -0.2, -0.3, -0.9, -1.0, -0.4, -0.6]])
    assert torch.allclose(vectors(C8.type(C8.regular_repr)(field)).tensor, torch.tensor([[0.0, 2.0], [0.0, 0.0]]),
                          atol=1e-12)  # the largest response, 2.0, at the quarter turn; a negative maximum gives zero


def test_escnn_style_nonlinearities_refuse_what_they_cannot_act_on():
    with pytest.raises(ValueError, match=r"field 1 \(.*\).*regular representation of C8"):
        VectorFieldNonLinearity(C8.type(C8.regular_repr, C8.irrep(1)))
    with pytest.raises(ValueError, match="cyclic group of order at least 3"):
        VectorFieldNonLinearity(O2.type(O2.irrep(1, 1)))
    with pytest.raises(ValueError, match="uniform"):
        GatedNonLinearityUniform(C8.type(C8.regular_repr, C8.irrep(1)))
    with pytest.raises(ValueError, match="first half of irreps are trivial"):
        GatedNonLinearityUniform(FieldType(O3, [FieldType.from_e3nn("1x1o+1x0e", O3).representation]))
    with pytest.raises(ValueError, match="uniform out_type"):
        TensorProductNonLinearity(C8.type(C8.regular_repr), C8.type(C8.regular_repr, C8.irrep(1)))
    with pytest.raises(ValueError, match="TensorProductNonLinearity: no equivariant linear map"):
        TensorProductNonLinearity(C8.type(C8.irrep(1)), C8.type(C8.irrep(1)))  # 1 x 1 = 0 + 0' + 2 on C8
    with pytest.raises(ValueError, match="Linear: no equivariant linear map from .* except zero"):
        Linear(C8.type(C8.irrep(1)), C8.type(C8.irrep(2)))
    with pytest.raises(ValueError, match="in_type has 2 fields, out_type 1"):
        TensorProductNonLinearity(C8.type(C8.regular_repr, C8.regular_repr), C8.type(C8.regular_repr))
    d4 = gspaces.flipRot2dOnR2(4)
    induced = d4.induced_repr((0, 1), d4.fibergroup.subgroup((0, 1))[0].irrep(1))
    with pytest.raises(ValueError, match=r"must be the quotient representation quotient\[\(0, 1\)\]"):
        InducedGatedNonLinearity1(d4.type(d4.quotient_repr((None, 2)), induced))
    with pytest.raises(ValueError, match="needs an induced representation"):
        InducedGatedNonLinearity1(d4.type(d4.quotient_repr((0, 1)), d4.regular_repr))
    with pytest.raises(TypeError, match="TensorProductNonLinearity"):  # escnn's call of its TensorProductModule
        TensorProductModule(C8.type(C8.regular_repr), C8.type(C8.regular_repr))


@pytest.mark.parametrize("name", sorted(NODEWISE))
def test_layers_pickle_and_keep_their_outputs(name):
    import pickle

    make_module, make_type = NODEWISE[name]
    module = make_module().eval()
    x = random_input(make_type(), points=5)
    restored = pickle.loads(pickle.dumps(module))
    assert torch.equal(restored(x).tensor, module(x).tensor)

"""Property-based fuzzing of the public boundary: random field types, modules, shapes, dtypes, NaN
and empty graphs. Every call either works or raises a ValueError/TypeError from eqgraph's own checks
(the raise site inside eqgraph, not an error escaping from torch or numpy); finite inputs that work
give finite outputs. The number of generated cases is printed at the end of the run.

The default run keeps the examples few; ``-m slow`` runs the long version of every fuzz test."""
from __future__ import annotations

import math
import traceback
from collections import Counter
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eqgraph
from eqgraph import gspaces
from eqgraph.group import cylinder_group, direct_product, full_cylinder_discrete_group, o3_group, so2_group, so3_group
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.graph import (bipartite_radius_graph, farthest_point_sampling, grid_to_graph, periodic_radius_graph,
                           radius_graph)
from eqgraph.nn import (ELU, ChannelwisePointConv, ConcatenatedNonLinearity, ElementwiseTensorProduct, FieldBatchNorm,
                        FieldDropout, FieldNorm, FourierELU, Gate, GatedNonLinearity1, GNormBatchNorm, GroupPooling,
                        IIDBatchNorm1d, InnerBatchNorm, Linear, NormBatchNorm, NormMaxPool, NormNonLinearity, NormPool,
                        PointwiseAvgPool2D, PointwiseDropout, PointwiseMaxPool2D, PointwiseMaxPool3D, R2Conv, R2PointConv,
                        R2Upsampling, R3Conv, R3PointConv, ReLU, TensorProductModule, TensorProductNonLinearity,
                        VectorFieldNonLinearity)

CASES: Counter = Counter()
"""Generated cases per fuzz target; printed by ``conftest.pytest_terminal_summary``."""

LIBRARY = str(Path(eqgraph.__file__).parent)
QUICK = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
LONG = settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)

GSPACES = {
    "C4": lambda: gspaces.rot2dOnR2(4),
    "D3": lambda: gspaces.flipRot2dOnR2(3),
    "SO2": lambda: gspaces.rot2dOnR2(-1, maximum_frequency=3),
    "O2": lambda: gspaces.flipRot2dOnR2(-1, maximum_frequency=3),
    "SO3": lambda: gspaces.rot3dOnR3(maximum_frequency=2),
    "O3": lambda: gspaces.flipRot3dOnR3(maximum_frequency=2),
    "octa": lambda: gspaces.octaOnR3(),
    "cylinder": lambda: gspaces.cylindricalOnR3(maximum_frequency=2),
    "C2xD2": lambda: gspaces.fullCylindricalOnR3(2),
}
DTYPES = [torch.float32, torch.float32, torch.float64, torch.int64, torch.complex64]
NUMBERS = st.sampled_from([1.5, 0.7, 3.0, 0.0, -1.0, math.inf, math.nan, 1e-12])


def documented(target: str, call):
    """Run ``call``: its value, or None when eqgraph refused the input with a ValueError/TypeError
    raised by eqgraph's own code. Anything else fails the test."""
    CASES[target] += 1
    try:
        return call()
    except (ValueError, TypeError) as error:
        site = traceback.extract_tb(error.__traceback__)[-1]
        if not site.filename.startswith(LIBRARY) or not (site.line or "").lstrip().startswith("raise"):
            raise AssertionError(f"{type(error).__name__} escaped from {site.filename}:{site.lineno} "
                                 f"({site.line}), not from eqgraph's checks: {error}") from error
        assert str(error), "an error without a message"
        return None


def fuzz_tests(body):
    """The two tests of a fuzz target: a few derandomised examples in the default run, many in ``-m slow``.
    Every example seeds torch from a drawn integer, so the random tensors it makes are part of the
    example: a failure replays from hypothesis's database with the same values."""
    def run(data):
        torch.manual_seed(data.draw(st.integers(0, 2 ** 32 - 1), label="torch seed"))
        body(data)

    return QUICK(given(st.data())(run)), pytest.mark.slow(LONG(given(st.data())(run)))


def _representations(gspace):
    group = gspace.fibergroup
    reps = [gspace.trivial_repr] + list(gspace.irreps[:4])
    if group.order() > 0:
        reps.append(gspace.regular_repr)
    return reps


@st.composite
def field_types(draw, gspace=None):
    if gspace is None:
        gspace = GSPACES[draw(st.sampled_from(sorted(GSPACES)))]()
    reps = draw(st.lists(st.sampled_from(_representations(gspace)), min_size=1, max_size=3))
    return FieldType(gspace, reps)


@st.composite
def tensors(draw, channels: int, dimensionality: int, grid: bool):
    """A tensor meant for ``channels`` channels, sometimes of the wrong width, dtype, or holding NaN."""
    width = channels + draw(st.sampled_from([0, 0, 0, 1, -1]))
    dtype = draw(st.sampled_from(DTYPES))
    if grid:
        shape = (draw(st.integers(0, 2)), max(width, 0), *[draw(st.integers(0, 6)) for _ in range(dimensionality)])
    else:
        shape = (draw(st.integers(0, 6)), max(width, 0))
    x = torch.randn(shape).to(dtype) if dtype.is_floating_point or dtype.is_complex else torch.randint(-3, 3, shape)
    if x.numel() and draw(st.booleans()) and x.is_floating_point():
        x.view(-1)[0] = math.nan
    return x


def _finite(t: torch.Tensor) -> bool:
    return not t.is_floating_point() or bool(torch.isfinite(t).all())


def _build_and_run(data, name: str, make, grid: bool) -> None:
    """Build a module (``make()``), then, if eqgraph accepted it, run it on a fuzzed tensor of its type."""
    module = documented(name, make)
    if module is None:
        return
    module.train(data.draw(st.booleans()))
    in_type = module.in_type
    x = data.draw(tensors(in_type.size, in_type.gspace.dimensionality, grid))
    if x.is_floating_point():
        x.requires_grad_()
    out = documented(f"{name}.forward", lambda: module(GeometricTensor(x, in_type)))
    _check_finite_out([x], out)
    _check_backward(x, out)


def _check_finite_out(inputs, out):
    if out is not None and all(_finite(t) for t in inputs):
        assert _finite(out.tensor if isinstance(out, GeometricTensor) else out), "finite input, non-finite output"


def _check_backward(x: torch.Tensor, out) -> None:
    """A finite float input that gave an output also differentiates (in the mode drawn, so batch
    norms update their running statistics on the way): backward runs, the input's gradient is finite."""
    if out is None or not x.requires_grad or not _finite(x):
        return
    y = out.tensor if isinstance(out, GeometricTensor) else out
    if not y.requires_grad:
        return
    grad, = torch.autograd.grad((y * torch.randn_like(y)).sum(), x, allow_unused=True)
    assert grad is None or _finite(grad), "finite input and output, non-finite input gradient"


# ---------------------------------------------------------------- field types and tensors
def _fuzz_geometric_tensor(data):
    ft = data.draw(field_types())
    d = ft.gspace.dimensionality
    grid = data.draw(st.booleans())
    x = data.draw(tensors(ft.size, d, grid))
    coords = None
    if not grid and data.draw(st.booleans()):
        coords = torch.randn(x.shape[0] + data.draw(st.sampled_from([0, 0, 1])), data.draw(st.sampled_from([d, d, 1])))
        if coords.numel() and data.draw(st.booleans()):
            coords.view(-1)[-1] = data.draw(st.sampled_from([math.nan, math.inf]))
    documented("GeometricTensor", lambda: GeometricTensor(x, ft, coords))
    documented("FieldType", lambda: FieldType(ft.gspace, data.draw(st.sampled_from(
        [[], [ft.gspace.trivial_repr, "trivial"], [1], list(ft.representations)]))))


test_fuzz_field_types_and_tensors, test_fuzz_field_types_and_tensors_long = fuzz_tests(_fuzz_geometric_tensor)


# ---------------------------------------------------------------- node-wise modules
NODE_MODULES = {
    "Linear": lambda ft, other, draw: Linear(ft, other),
    "NormNonLinearity": lambda ft, other, draw: NormNonLinearity(
        ft, draw(st.sampled_from(["n_relu", "n_sigmoid", "squash", "bad"])), bias=draw(st.booleans())),
    "ReLU": lambda ft, other, draw: ReLU(ft),
    "ELU": lambda ft, other, draw: ELU(ft),
    "GatedNonLinearity1": lambda ft, other, draw: GatedNonLinearity1(ft),
    "GNormBatchNorm": lambda ft, other, draw: GNormBatchNorm(ft),
    "IIDBatchNorm1d": lambda ft, other, draw: IIDBatchNorm1d(ft),
    "FieldNorm": lambda ft, other, draw: FieldNorm(ft),
    "NormPool": lambda ft, other, draw: NormPool(ft),
    "GroupPooling": lambda ft, other, draw: GroupPooling(ft),
    "FieldBatchNorm": lambda ft, other, draw: FieldBatchNorm(ft, momentum=draw(st.sampled_from([0.1, None, -1.0]))),
    "InnerBatchNorm": lambda ft, other, draw: InnerBatchNorm(ft),
    "NormBatchNorm": lambda ft, other, draw: NormBatchNorm(ft, eps=draw(st.sampled_from([1e-5, 0.0, -1.0]))),
    "ConcatenatedNonLinearity": lambda ft, other, draw: ConcatenatedNonLinearity(ft),
    "VectorFieldNonLinearity": lambda ft, other, draw: VectorFieldNonLinearity(ft),
    "TensorProductNonLinearity": lambda ft, other, draw: TensorProductNonLinearity(ft, other),
    "FieldDropout": lambda ft, other, draw: FieldDropout(ft, p=draw(st.sampled_from([0.5, 0.0, 1.0, 1.5]))),
    "PointwiseDropout": lambda ft, other, draw: PointwiseDropout(ft, p=draw(st.sampled_from([0.5, -0.1]))),
    "Gate": lambda ft, other, draw: Gate(None if draw(st.booleans()) else ft, other, ft),
    "FourierELU": lambda ft, other, draw: FourierELU(ft.gspace, draw(st.integers(0, 2)), list(ft.representations),
                                                     N=draw(st.sampled_from([None, 8, 0]))),
}


def _fuzz_node_module(data):
    name = data.draw(st.sampled_from(sorted(NODE_MODULES)))
    ft = data.draw(field_types())
    other = data.draw(field_types(ft.gspace if data.draw(st.booleans()) else None))
    _build_and_run(data, name, lambda: NODE_MODULES[name](ft, other, data.draw), grid=data.draw(st.booleans()))


test_fuzz_node_modules, test_fuzz_node_modules_long = fuzz_tests(_fuzz_node_module)


def _fuzz_products(data):
    ft = data.draw(field_types())
    second = data.draw(field_types(ft.gspace if data.draw(st.booleans()) else None))
    out_type = data.draw(field_types(ft.gspace))
    if data.draw(st.booleans()):
        module = documented("ElementwiseTensorProduct", lambda: ElementwiseTensorProduct(ft, second))
    else:
        module = documented("TensorProductModule", lambda: TensorProductModule(ft, second, out_type))
    if module is None:
        return
    x1 = data.draw(tensors(ft.size, ft.gspace.dimensionality, grid=False))
    x2 = data.draw(tensors(second.size, ft.gspace.dimensionality, grid=False))
    out = documented("products.forward", lambda: module(GeometricTensor(x1, ft), GeometricTensor(x2, second)))
    _check_finite_out([x1, x2], out)


test_fuzz_tensor_products, test_fuzz_tensor_products_long = fuzz_tests(_fuzz_products)


# ---------------------------------------------------------------- pooling and resampling on grids
GRID_MODULES = {
    "PointwiseMaxPool2D": lambda ft, draw: PointwiseMaxPool2D(ft, draw(st.sampled_from([2, 0, 3])),
                                                              padding=draw(st.sampled_from([0, 1, 5]))),
    "PointwiseMaxPool3D": lambda ft, draw: PointwiseMaxPool3D(ft, draw(st.sampled_from([2, 0]))),
    "PointwiseAvgPool2D": lambda ft, draw: PointwiseAvgPool2D(ft, draw(st.sampled_from([2, 1, -2]))),
    "NormMaxPool": lambda ft, draw: NormMaxPool(ft, draw(st.sampled_from([2, 0]))),
    "R2Upsampling": lambda ft, draw: R2Upsampling(ft, scale_factor=draw(st.sampled_from([2, 0, None])),
                                                  size=draw(st.sampled_from([None, 4]))),
}


def _fuzz_grid_module(data):
    name = data.draw(st.sampled_from(sorted(GRID_MODULES)))
    ft = data.draw(field_types())
    _build_and_run(data, name, lambda: GRID_MODULES[name](ft, data.draw), grid=data.draw(st.sampled_from([True, True, False])))


test_fuzz_grid_modules, test_fuzz_grid_modules_long = fuzz_tests(_fuzz_grid_module)


# ---------------------------------------------------------------- convolutions
def _fuzz_grid_conv(data):
    ft = data.draw(field_types())
    out_type = data.draw(field_types(ft.gspace))
    layer = data.draw(st.sampled_from([R2Conv, R3Conv]))
    kernel = data.draw(st.sampled_from([3, 3, 1, 0, 2, -1]))
    _build_and_run(data, layer.__name__, lambda: layer(ft, out_type, kernel, padding=data.draw(st.integers(-1, 2)),
                                                       stride=data.draw(st.integers(0, 2))), grid=True)


test_fuzz_grid_convolutions, test_fuzz_grid_convolutions_long = fuzz_tests(_fuzz_grid_conv)


def _fuzz_point_conv(data):
    ft = data.draw(field_types())
    out_type = data.draw(field_types(ft.gspace))
    choice = data.draw(st.sampled_from(["R2PointConv", "R3PointConv", "ChannelwisePointConv"]))
    cutoff = data.draw(NUMBERS)
    factories = {"R2PointConv": lambda: R2PointConv(ft, out_type, cutoff=cutoff),
                 "R3PointConv": lambda: R3PointConv(ft, out_type, cutoff=cutoff),
                 "ChannelwisePointConv": lambda: ChannelwisePointConv(ft, cutoff=cutoff)}
    conv = documented(choice, factories[choice])
    if conv is None:
        return
    d = ft.gspace.dimensionality
    x = data.draw(tensors(ft.size, d, grid=False))
    n = x.shape[0]
    coords = torch.randn(n, data.draw(st.sampled_from([d, d, d + 1]))).to(x.dtype if x.is_floating_point() else torch.float32)
    if n and data.draw(st.booleans()):
        coords[0, 0] = data.draw(st.sampled_from([math.nan, math.inf]))
    edges = data.draw(st.integers(0, 12))
    edge_index = torch.randint(-1 if data.draw(st.booleans()) else 0, max(n, 1) + data.draw(st.sampled_from([0, 0, 2])),
                               (data.draw(st.sampled_from([2, 2, 3])), edges))
    if data.draw(st.booleans()):
        edge_index = edge_index.to(data.draw(st.sampled_from([torch.int32, torch.float32])))
    out = documented(f"{choice}.forward", lambda: conv(GeometricTensor(x, ft, coords), edge_index))
    _check_finite_out([x, coords], out)


test_fuzz_point_convolutions, test_fuzz_point_convolutions_long = fuzz_tests(_fuzz_point_conv)


# ---------------------------------------------------------------- graph builders
@st.composite
def points(draw, dims=(1, 2, 3, 4)):
    n = draw(st.integers(0, 12))
    pos = torch.rand(n, draw(st.sampled_from(dims))) * 3
    pos = pos.to(draw(st.sampled_from(DTYPES[:4])))
    if n and pos.is_floating_point() and draw(st.booleans()):
        pos[draw(st.integers(0, n - 1)), 0] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
    return pos


@st.composite
def batches(draw, n):
    kind = draw(st.sampled_from(["none", "sorted", "unsorted", "wrong size", "float"]))
    if kind == "none":
        return None
    if kind == "float":
        return torch.zeros(n)
    size = n + (1 if kind == "wrong size" else 0)
    batch = torch.randint(0, 3, (size,))
    return batch.sort().values if kind == "sorted" else batch


def _fuzz_graphs(data):
    pos = data.draw(points())
    n = pos.shape[0]
    r = data.draw(NUMBERS)
    batch = data.draw(batches(n))
    out = documented("radius_graph", lambda: radius_graph(pos, r, batch, loop=data.draw(st.booleans()),
                                                          max_num_neighbors=data.draw(st.sampled_from([None, 0, -1, 3]))))
    if out is not None:
        assert out.dtype == torch.long and out.shape[0] == 2 and (out.numel() == 0 or int(out.max()) < n)

    cell = torch.eye(3) * data.draw(st.sampled_from([4.0, 4.0, 0.0, -2.0, math.nan, 1e-6]))
    if data.draw(st.booleans()):
        cell = cell + torch.randn(3, 3) * 0.3
    pbc = data.draw(st.sampled_from([torch.tensor([True, True, True]), torch.tensor([True, False, True]),
                                     torch.tensor([True, True]), torch.tensor([False, False, False])]))
    out = documented("periodic_radius_graph", lambda: periodic_radius_graph(pos, cell, r, pbc=pbc))
    if out is not None:
        assert out.edge_index.shape[1] == out.shifts.shape[0]

    samples = data.draw(st.integers(-1, 14))
    sample_batch = torch.zeros(n, dtype=torch.long) if data.draw(st.booleans()) else batch
    documented("farthest_point_sampling", lambda: farthest_point_sampling(pos, sample_batch, samples))
    target = data.draw(points())
    documented("bipartite_radius_graph", lambda: bipartite_radius_graph(
        pos, target, r, torch.zeros(n, dtype=torch.long), torch.zeros(target.shape[0], dtype=torch.long)))


test_fuzz_graph_builders, test_fuzz_graph_builders_long = fuzz_tests(_fuzz_graphs)


def _fuzz_grid_graph(data):
    ft = data.draw(field_types())
    x = data.draw(tensors(ft.size, ft.gspace.dimensionality, grid=True))
    tensor = documented("GeometricTensor", lambda: GeometricTensor(x, ft))
    if tensor is None:
        return
    graph = documented("grid_to_graph", lambda: grid_to_graph(tensor, data.draw(st.sampled_from([3, 1, 0, 2, -3])),
                                                              dilation=data.draw(st.sampled_from([1, 2, 0, -1]))))
    if graph is not None:
        assert graph.edge_index.shape[0] == 2


test_fuzz_grid_graphs, test_fuzz_grid_graphs_long = fuzz_tests(_fuzz_grid_graph)


def test_the_raise_site_rule_catches_errors_escaping_from_torch():
    with pytest.raises(AssertionError, match="escaped from"):
        documented("self-test", lambda: torch.nn.functional.linear(torch.zeros(2), "weight"))
    assert documented("self-test", lambda: radius_graph(torch.zeros(3, 2), -1.0)) is None


ID_PARTS = st.one_of(st.booleans(), st.sampled_from(["cone", "so3", "diagonal", None]), st.integers(-3, 6),
                     st.sampled_from([0.0, 1.5, math.pi, math.inf, math.nan]))


def _fuzz_group_ids(data):
    """Irrep ids, subgroup ids (escnn's axial tuples among them) and element parameters of the
    groups whose ids are tuples, built from booleans, strings, integers and angles."""
    group = data.draw(st.sampled_from([o3_group(2), so3_group(2), cylinder_group(2), full_cylinder_discrete_group(3),
                                       direct_product(so2_group(2), so2_group(2))]), label="group")
    parts = st.recursive(ID_PARTS, lambda inner: st.tuples(inner, inner) | st.tuples(inner, inner, inner), max_leaves=6)
    sub_id = data.draw(st.one_of(parts, st.tuples(ID_PARTS, ID_PARTS, ID_PARTS)), label="subgroup id")
    subgroup = documented("Group.subgroup", lambda: group.subgroup(sub_id))
    if subgroup is not None:
        H, include, restrict = subgroup
        h = H.sample(0)
        assert restrict(include(h)) == h
    irrep_id = data.draw(st.lists(parts, max_size=3), label="irrep id")
    documented("Group.irrep", lambda: group.irrep(*irrep_id))
    documented("Group.element", lambda: group.element(data.draw(parts, label="element")))


test_fuzz_group_ids, test_fuzz_group_ids_long = fuzz_tests(_fuzz_group_ids)

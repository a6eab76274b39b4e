"""The gspaces of symmetries about an axis (issue 15): escnn's actions and basis sizes, steerable
and complete kernel bases, exactly equivariant voxel convolutions, point convolutions and layers,
and restriction from O(3) commuting with them."""
import warnings

import numpy as np
import pytest
import torch

from conftest import ESCNN_AXIAL_TABLES, as_tuple
from eqgraph import gspaces
from eqgraph.fields import FieldType
from eqgraph.group import directsum
from eqgraph.kernels import BesselRadial, KernelSpaceWarning
from eqgraph.nn import (
    ChannelwisePointConv,
    FieldBatchNorm,
    FourierELU,
    GatedNonLinearity1,
    GNormBatchNorm,
    GroupPooling,
    IIDBatchNorm3d,
    InnerBatchNorm,
    Linear,
    NormBatchNorm,
    NormMaxPool,
    NormNonLinearity,
    NormPool,
    PointwiseAvgPoolAntialiased3D,
    PointwiseMaxPool3D,
    PointwiseNonLinearity,
    R3Conv,
    R3ConvTransposed,
    R3Diffop,
    R3PointConv,
    R3Upsampling,
    RestrictionModule,
    TensorProductNonLinearity,
)
from eqgraph.testing import assert_equivariant, grid_symmetries, random_elements, random_input
from eqgraph.testing import assert_kernel_basis_complete, orbit_points


GSPACES = {
    "SO2": lambda: gspaces.rot2dOnR3(), "C4": lambda: gspaces.rot2dOnR3(4), "C3": lambda: gspaces.rot2dOnR3(3),
    "O2 dihedral": lambda: gspaces.dihedralOnR3(), "D4 dihedral": lambda: gspaces.dihedralOnR3(4),
    "D3 dihedral": lambda: gspaces.dihedralOnR3(3, axis=0.4),
    "O2 cone": lambda: gspaces.conicalOnR3(), "D4 cone": lambda: gspaces.conicalOnR3(4),
    "D3 cone": lambda: gspaces.conicalOnR3(3),
    "cylinder": lambda: gspaces.cylindricalOnR3(), "C2xC4 cylinder": lambda: gspaces.cylindricalOnR3(4),
    "C2xC3 cylinder": lambda: gspaces.cylindricalOnR3(3),
    "full cylinder": lambda: gspaces.fullCylindricalOnR3(), "C2xD4 full cylinder": lambda: gspaces.fullCylindricalOnR3(4),
    "C2xD3 full cylinder": lambda: gspaces.fullCylindricalOnR3(3),
    "tilted cylinder": lambda: gspaces.cylindricalOnR3(adjoint=np.array([[0.0, 0, 1], [0, 1, 0], [-1, 0, 0]])),
}
FINITE = sorted(k for k, make in GSPACES.items() if not make().fibergroup.continuous)
CONTINUOUS = sorted(set(GSPACES) - set(FINITE))


def low_irreps(gs, count=5):
    """The gspace's first irreps, frequencies up to 2."""
    return [psi for psi in gs.fibergroup.irreps() if "3" not in str(psi.id)][:count]


def representations(gs):
    reps = {f"irrep{psi.id}": psi for psi in low_irreps(gs)}
    reps["mixed"] = directsum(low_irreps(gs)[:4])
    if not gs.fibergroup.continuous:
        reps["regular"] = gs.regular_repr
    return reps


# ---------------------------------------------------------------------- escnn
def test_the_actions_are_escnns():
    """The matrices printed by escnn 1.0.11 for the default arguments."""
    dihedral, cone, full = gspaces.dihedralOnR3(), gspaces.conicalOnR3(), gspaces.fullCylindricalOnR3()
    assert np.allclose(dihedral.action_matrix(dihedral.fibergroup.element((1, 0.0))), np.diag([-1.0, 1, -1]))
    assert np.allclose(gspaces.dihedralOnR3(4, axis=0.0).action_matrix(gspaces.dihedralOnR3(4, axis=0.0)
                                                                       .fibergroup.element((1, 0))), np.diag([1.0, -1, -1]))
    assert np.allclose(cone.action_matrix(cone.fibergroup.element((1, 0.0))), np.diag([-1.0, 1, 1]))
    assert np.allclose(full.action_matrix(full.fibergroup.element((0, (1, 0.0)))), [[0, 1, 0], [1, 0, 0], [0, 0, -1]])
    cylinder = gspaces.cylindricalOnR3()
    g = cylinder.fibergroup.element((1, 0.5))
    c, s = np.cos(0.5), np.sin(0.5)
    assert np.allclose(cylinder.action_matrix(g), -np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]]))
    assert [gspaces.cylindricalOnR3(n).fibergroup.name for n in (1, 2, 4)] == ["C2", "Klein4", "CylindricalDiscrete4"]
    assert gspaces.fullCylindricalOnR3(1).fibergroup.name == "Klein4"


@pytest.mark.parametrize("row", ESCNN_AXIAL_TABLES["basis_sizes"], ids=lambda r: f"{r['gspace']}{tuple(r['args'])} {r['in']}->{r['out']}")
def test_gspace_kernel_basis_sizes_equal_escnns(row):
    """escnn 1.0.11: rings [0, 1, 2], sigma 0.6, maximum_frequency 2 and 4."""
    gs = getattr(gspaces, row["gspace"])(*row["args"])
    rep = lambda r: gs.regular_repr if r == "regular" else gs.fibergroup.irrep(*as_tuple(r))
    sizes = []
    for L in (2, 4):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", KernelSpaceWarning)
            basis = gs.build_kernel_basis(rep(row["in"]), rep(row["out"]), 0.6, [0, 1, 2], maximum_frequency=L,
                                          allow_empty=True)
        sizes.append(len(basis))
    assert sizes == row["sizes"]


def test_signatures_and_values_bind_as_in_escnn():
    assert gspaces.rot2dOnR3(4) is gspaces.rot2dOnR3(n=4)
    assert gspaces.rot2dOnR3(-1, None, 3).fibergroup.maximum_frequency == 3
    assert gspaces.dihedralOnR3(4, np.pi / 2) == gspaces.dihedralOnR3(4)
    with pytest.raises(ValueError, match="N = -1 .the continuous group. or an integer N >= 1"):
        gspaces.cylindricalOnR3(0)
    with pytest.raises(ValueError, match="adjoint"):
        gspaces.rot2dOnR3(adjoint=np.eye(2))


def test_restricting_o3_gives_the_same_gspaces():
    o3 = gspaces.flipRot3dOnR3()
    assert o3.restrict((True, False, -1))[0] == gspaces.cylindricalOnR3()
    assert o3.restrict((True, np.pi / 2, 4))[0] == gspaces.fullCylindricalOnR3(4)
    assert o3.restrict(("cone", np.pi, -1))[0] == gspaces.conicalOnR3()
    assert gspaces.rot3dOnR3().restrict((False, np.pi, 3))[0] == gspaces.dihedralOnR3(3)


# ---------------------------------------------------------------------- kernel bases
def _basis_error(gs, basis, rng, points=7, elements=5):
    x = torch.tensor(rng.normal(size=(points, 3)))
    sampled = basis.sample(x)
    error = 0.0
    for g in random_elements(gs.fibergroup, elements, rng):
        a = torch.tensor(gs.action_matrix(g))
        r_out, r_in = torch.tensor(basis.out_repr(g)), torch.tensor(basis.in_repr(g))
        error = max(error, (basis.sample(x @ a.T) - r_out @ sampled @ r_in.T).abs().max().item())
    return error


@pytest.mark.parametrize("name", sorted(GSPACES))
def test_every_kernel_basis_element_is_steerable(name, rng):
    gs = GSPACES[name]()
    reps = representations(gs)
    tested = 0
    for a in reps.values():
        for b in reps.values():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", KernelSpaceWarning)
                basis = gs.build_kernel_basis(a, b, radial=BesselRadial(4, 2.0), maximum_frequency=3, allow_empty=True)
            if len(basis):
                assert _basis_error(gs, basis, rng) < 1e-10
                tested += 1
    assert tested >= len(reps) ** 2 // 2


SEEDS = np.array([[0.31, 0.52, 0.77], [0.0, 0.0, 1.3], [1.1, 0.0, 0.0], [0.0, 1.7, 0.4], [0.9, 0.9, 0.0], [0.0, 0.0, 0.0]])
"""A generic point, one on the axis, on the x and y axes (flip lines and mirror planes of the
default and tilted flips), on a diagonal of the plane z = 0, and the origin: stabilisers of
every kind, each seed at its own radius."""


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n == "C2xD4 full cylinder" else n
                                  for n in FINITE])
def test_kernel_bases_are_complete_on_point_sets(name, rng):
    """The basis spans the brute-force solutions of the constraint on the orbits of the seeds,
    for irreps, a direct sum and the regular representation."""
    gs = GSPACES[name]()
    points = orbit_points(gs, SEEDS)
    reps = representations(gs)
    for a, b in [("regular", "regular"), ("mixed", "regular"), ("mixed", "mixed")]:
        assert assert_kernel_basis_complete(gs, reps[a], reps[b], points, 6, rng) > 0


# ---------------------------------------------------------------------- convolutions and layers
def field_types(gs):
    irreps = low_irreps(gs)
    if gs.fibergroup.continuous:
        return gs.type(*irreps), gs.type(*reversed(irreps), irreps[1])
    return gs.type(gs.regular_repr, irreps[1]), gs.type(*irreps, gs.regular_repr)


@pytest.mark.parametrize("name", sorted(set(GSPACES) - {"C3", "D3 dihedral"}))  # those two share only the identity
def test_r3conv_is_exactly_equivariant_to_the_voxel_symmetries_it_shares_with_the_cube(name, float64):
    gs = GSPACES[name]()
    in_type, out_type = field_types(gs)
    conv = R3Conv(in_type, out_type, 3, padding=1)
    symmetries = grid_symmetries(gs)
    assert len(symmetries) >= 2
    errors = assert_equivariant(conv, symmetries, atol=1e-10, rtol=0, input=random_input(in_type, spatial_shape=(5, 5, 5), batch=1))
    assert len(errors) == len(symmetries)


def _voxel_layers(gs):
    in_type, out_type = field_types(gs)
    nonscalar = gs.type(*[psi for psi in low_irreps(gs) if not psi.is_trivial()])
    uniform = gs.type(*[directsum(low_irreps(gs)[1:3])] * 2)
    layers = {
        "R3ConvTransposed": (R3ConvTransposed(in_type, out_type, 3, padding=1), in_type, 5),
        "R3Diffop": (R3Diffop(in_type, out_type, kernel_size=3, padding=1), in_type, 5),
        "NormMaxPool": (NormMaxPool(out_type, 2), out_type, 4),
        "R3Upsampling": (R3Upsampling(out_type, scale_factor=2), out_type, 3),
        "IIDBatchNorm3d": (IIDBatchNorm3d(out_type), out_type, 3),
        "GNormBatchNorm": (GNormBatchNorm(out_type), out_type, 3),
        "NormBatchNorm": (NormBatchNorm(nonscalar), nonscalar, 3),
        "TensorProductNonLinearity": (TensorProductNonLinearity(uniform, uniform), uniform, 3),
    }
    if not gs.fibergroup.continuous:
        regular = gs.type(gs.regular_repr, gs.regular_repr)
        layers.update({
            "PointwiseMaxPool3D": (PointwiseMaxPool3D(regular, 2), regular, 4),
            "PointwiseAvgPoolAntialiased3D": (PointwiseAvgPoolAntialiased3D(regular, sigma=0.8, stride=2), regular, 5),
            "InnerBatchNorm": (InnerBatchNorm(regular), regular, 3),
            "GroupPooling": (GroupPooling(regular), regular, 3),
        })
    return layers


@pytest.mark.parametrize("name", ["cylinder", "full cylinder", "C2xD4 full cylinder", "D4 cone", "C4"])
def test_voxel_layers_are_exactly_equivariant(name, float64):
    gs = GSPACES[name]()
    for label, (layer, in_type, size) in _voxel_layers(gs).items():
        x = random_input(in_type, spatial_shape=(size,) * 3, batch=3)
        assert_equivariant(layer, grid_symmetries(gs), atol=1e-9, input=x)


def test_the_shared_voxel_symmetries_are_counted_right():
    counts = {name: len(grid_symmetries(GSPACES[name]())) for name in GSPACES}
    assert counts["SO2"] == counts["C4"] == 4 and counts["C3"] == counts["D3 dihedral"] == 1
    assert counts["D4 dihedral"] == counts["D4 cone"] == counts["O2 cone"] == 8
    assert counts["cylinder"] == counts["C2xC4 cylinder"] == 8 and counts["full cylinder"] == 16


def _full_graph(n):
    edges = torch.cartesian_prod(torch.arange(n), torch.arange(n)).T
    return edges[:, edges[0] != edges[1]]


@pytest.mark.parametrize("name", sorted(GSPACES))
def test_r3pointconv_is_equivariant_under_random_elements(name, float64):
    gs = GSPACES[name]()
    in_type, out_type = field_types(gs)
    conv = R3PointConv(in_type, out_type, cutoff=2.5, radial_mlp=(8,))
    errors = assert_equivariant(conv, random_elements(gs.fibergroup, 5, generator=3), atol=1e-10, rtol=1e-10,
                                input=random_input(in_type, points=9), args=(_full_graph(9),))
    assert max(e for _, e in errors) < 1e-10


@pytest.mark.parametrize("name", ["cylinder", "full cylinder", "O2 cone", "C2xD4 full cylinder"])
def test_channelwise_point_conv_works_on_irrep_fields(name, float64):
    gs = GSPACES[name]()
    t = gs.type(*low_irreps(gs)) if gs.fibergroup.continuous else gs.type(*gs.fibergroup.irreps())
    conv = ChannelwisePointConv(t, t, cutoff=2.5)
    assert_equivariant(conv, random_elements(gs.fibergroup, 4, generator=5), atol=1e-10, rtol=1e-10,
                       input=random_input(t, points=8), args=(_full_graph(8),))


def _node_layers(gs):
    irreps = low_irreps(gs)
    t = gs.type(*irreps)
    scalars = [psi for psi in irreps if psi.is_trivial()]
    gated = gs.type(*(scalars * 2), irreps[1], irreps[2])
    layers = {
        "Linear": Linear(t, gs.type(*reversed(irreps))),
        "NormNonLinearity": NormNonLinearity(t, bias=False),
        "NormPool": NormPool(t),
        "FieldBatchNorm": FieldBatchNorm(t),
        "GatedNonLinearity1": GatedNonLinearity1(gated, gates=["gate", "gate", "gated", "gated"]),
    }
    if gs.fibergroup.continuous:
        layers["FourierELU"] = FourierELU(gs, 2, irreps[:3], N=96)
    else:
        regular = gs.type(gs.regular_repr, gs.regular_repr)
        layers["PointwiseNonLinearity"] = PointwiseNonLinearity(regular, "p_relu")
    return layers


@pytest.mark.parametrize("name", ["cylinder", "full cylinder", "O2 cone", "SO2", "C2xD4 full cylinder", "C2xC3 cylinder"])
def test_node_layers_are_equivariant(name, float64):
    gs = GSPACES[name]()
    for label, layer in _node_layers(gs).items():
        elements = random_elements(gs.fibergroup, 4, generator=2)
        tolerance = 1e-2 if label == "FourierELU" else 1e-10  # band-limited sampling: approximate for continuous groups
        assert_equivariant(layer, elements, atol=tolerance, rtol=tolerance, input=random_input(layer.in_type, points=12))


@pytest.mark.parametrize("sub_id, make", [
    ((True, False, -1), gspaces.cylindricalOnR3),
    ((True, np.pi / 2, -1), gspaces.fullCylindricalOnR3),
    (("cone", np.pi, 4), lambda: gspaces.conicalOnR3(4)),
    ((False, np.pi, -1), gspaces.dihedralOnR3),
])
def test_restriction_from_o3_commutes_with_the_layers(sub_id, make, float64):
    """An isotropic O(3) block, then RestrictionModule, then a block specialised to the axis:
    equivariant under the subgroup, which acts on the input through its inclusion in O(3)."""
    o3 = gspaces.flipRot3dOnR3()
    sub = make()
    start = FieldType.from_e3nn("2x0e+1x1o+1x2e", o3)
    isotropic = R3PointConv(start, FieldType.from_e3nn("1x0e+1x0o+1x1o+1x1e+1x2e", o3), cutoff=2.5)
    restrict = RestrictionModule(isotropic.out_type, sub_id)
    assert restrict.out_type.gspace == sub
    axial = R3PointConv(restrict.out_type, sub.type(*low_irreps(sub)), cutoff=2.5)
    edges = _full_graph(9)

    def model(features, edge_index):
        return axial(restrict(isotropic(features, edge_index)), edge_index)

    x = random_input(start, points=9)
    _, include, _ = o3.fibergroup.subgroup(sub_id)
    for h in random_elements(sub.fibergroup, 4, generator=7):
        g = include(h)
        moved = model(x.transform(g), edges)
        expected = model(x, edges).transform(h)
        assert torch.allclose(moved.tensor, expected.tensor, atol=1e-10)
        assert torch.allclose(moved.coords, expected.coords, atol=1e-12)

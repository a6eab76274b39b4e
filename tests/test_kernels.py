"""The steerable-kernel solver: equivariance, completeness, gradients, caching, errors."""
import warnings

import numpy as np
import pytest
import torch

from eqgraph import gspaces
from eqgraph.group import directsum
from eqgraph.testing import assert_kernel_basis_complete
from eqgraph.kernels import (
    BesselRadial,
    CacheWarning,
    GaussianRadial,
    GaussianRings,
    KernelSpaceWarning,
    RadialMLP,
    disable_disk_cache,
    enable_disk_cache,
    grid_rings,
    polynomial_cutoff,
)

GSPACES = {
    "C4": lambda: gspaces.rot2dOnR2(4), "C8": lambda: gspaces.rot2dOnR2(8), "SO2": lambda: gspaces.rot2dOnR2(-1, 3),
    "D4": lambda: gspaces.flipRot2dOnR2(4), "O2": lambda: gspaces.flipRot2dOnR2(-1, 3), "flip": gspaces.flip2dOnR2,
    "trivial2": gspaces.trivialOnR2, "SO3": lambda: gspaces.rot3dOnR3(3), "O3": lambda: gspaces.flipRot3dOnR3(3),
    "octa": gspaces.octaOnR3, "fullocta": gspaces.fullOctaOnR3, "ico": gspaces.icoOnR3, "fullico": gspaces.fullIcoOnR3,
    "mir": gspaces.mirOnR3, "inv": gspaces.invOnR3, "trivial3": gspaces.trivialOnR3,
}
QUOTIENTS = {"C4": 2, "C8": 4, "D4": (None, 2), "octa": 1, "fullocta": "octa"}


def representations(name, regular_up_to=24):
    gs = GSPACES[name]()
    group = gs.fibergroup
    irreps = [p for p in group.irreps() if not group.continuous or max(_frequency(p.id)) <= 3][:6]
    reps = {"trivial": gs.trivial_repr, "mixed": directsum(irreps[:4])}
    reps.update({f"irrep{p.id}": p for p in irreps})
    if not group.continuous and group.order() <= regular_up_to:
        reps["regular"] = group.regular_representation
    if name in QUOTIENTS:
        reps["quotient"] = group.quotient_representation(QUOTIENTS[name])
    return gs, reps


def _frequency(id):
    return id if isinstance(id, tuple) else (id,)


def equivariance_error(gs, basis, rng, points=6, elements=4):
    x = torch.randn(points, gs.dimensionality, dtype=torch.float64)
    sampled = basis.sample(x)
    error = 0.0
    for _ in range(elements):
        g = gs.fibergroup.sample(rng)
        a = torch.tensor(gs.action_matrix(g))
        r_out, r_in = torch.tensor(basis.out_repr(g)), torch.tensor(basis.in_repr(g))
        moved = basis.sample(x @ a.T)
        error = max(error, (moved - r_out @ sampled @ r_in.T).abs().max().item())
    return error


def _check_all_pairs(name, rng, regular_up_to):
    gs, reps = representations(name, regular_up_to)
    keys = sorted(reps)
    pairs = [(a, b) for a in keys for b in keys]
    tested = 0
    for a, b in pairs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", KernelSpaceWarning)
            try:
                basis = gs.build_kernel_basis(reps[a], reps[b], radial=BesselRadial(4, 2.0), maximum_frequency=3)
            except ValueError as error:  # irreps that couple only above the band limit
                assert "first couple through harmonics of degree" in str(error)
                continue
        if len(basis):
            assert equivariance_error(gs, basis, rng) < 1e-9, (a, b)
            tested += 1
    assert tested > len(pairs) // 3


@pytest.mark.parametrize("name", sorted(GSPACES))
def test_every_basis_element_is_steerable(name, rng):
    """Every pair of: trivial, irreps up to frequency 3, a mixed direct sum, a quotient and the
    regular representation (groups up to 24 elements here, all finite groups in the slow tier)."""
    _check_all_pairs(name, rng, regular_up_to=24)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["fullocta", "ico", "fullico"])
def test_every_basis_element_is_steerable_with_large_regular(name, rng):
    _check_all_pairs(name, rng, regular_up_to=120)


@pytest.mark.parametrize("name", ["C8", "D4", "SO3", "octa"])
def test_grid_rings_basis_is_steerable(name, rng):
    gs, reps = representations(name)
    rep = reps.get("regular", reps["mixed"])
    basis = gs.build_kernel_basis(rep, rep, rings=grid_rings(5))
    assert equivariance_error(gs, basis, rng) < 1e-9


# ---------------------------------------------------------------- completeness on grids
def _grid(size, d):
    axis = np.arange(size) - (size - 1) / 2
    return np.stack(np.meshgrid(*[axis] * d, indexing="ij"), -1).reshape(-1, d)


def _check_complete(gs, in_repr, out_repr, size, maximum_frequency, rng):
    """Our sampled basis spans exactly the solutions of the constraint over all grid functions."""
    assert_kernel_basis_complete(gs, in_repr, out_repr, _grid(size, gs.dimensionality), maximum_frequency, rng)


@pytest.mark.parametrize("name, size, in_key, out_key", [
    ("C4", 5, "regular", "regular"), ("C4", 5, "irrep1", "regular"), ("C4", 5, "irrep2", "irrep1"),
    ("D4", 5, "regular", "regular"), ("D4", 5, "irrep(1, 1)", "irrep(0, 0)"), ("D4", 5, "irrep(1, 0)", "irrep(1, 1)"),
    ("octa", 3, "irrep3", "irrep0"), ("octa", 3, "irrep2", "irrep4"), ("octa", 3, "irrep1", "irrep3"),
    ("octa", 3, "regular", "regular"),
])
def test_completeness_on_the_pixel_grid(name, size, in_key, out_key, rng):
    gs, reps = representations(name)
    _check_complete(gs, reps[in_key], reps[out_key], size, 8 if gs.dimensionality == 2 else 6, rng)


@pytest.mark.slow
@pytest.mark.parametrize("name, size", [("D4", 7), ("C4", 7)])
def test_completeness_for_regular_types(name, size, rng):
    gs, reps = representations(name)
    _check_complete(gs, reps["regular"], reps["regular"], size, 12 if gs.dimensionality == 2 else 6, rng)


# ---------------------------------------------------------------- counts for continuous groups
def _quadrature(gs):
    """Elements and weights integrating class functions of degree <= 12 exactly over G."""
    from eqgraph.group.so3 import rotation_z

    group = gs.fibergroup
    if gs.dimensionality == 2:
        angles = np.arange(64) * 2 * np.pi / 64
        if group.name == "O(2)":
            return [group.element((f, t)) for f in (0, 1) for t in angles], np.full(128, 1 / 128)
        return [group.element(t) for t in angles], np.full(64, 1 / 64)
    # class functions of SO(3) depend on the rotation angle w; Haar measure (2/pi) sin^2(w/2) dw
    nodes, weights = np.polynomial.legendre.leggauss(40)
    w = (nodes + 1) * np.pi / 2
    measure = weights * (np.pi / 2) * (2 / np.pi) * np.sin(w / 2) ** 2
    if group.name == "O(3)":
        elements = [group.element((p, rotation_z(t))) for p in (0, 1) for t in w]
        return elements, np.concatenate([measure, measure]) / 2
    return [group.element(rotation_z(t)) for t in w], measure


@pytest.mark.parametrize("name", ["SO2", "O2", "SO3", "O3"])
def test_count_per_radius_matches_characters(name):
    """len(basis) per radius = sum over J of dim Hom_G(psi_in (x) Y_J, psi_out), the latter computed
    independently as the integral of chi_in chi_J chi_out over G (by quadrature)."""
    from eqgraph.kernels.harmonics import orthogonal_group_element, orthogonal_group_irrep

    gs, reps = representations(name)
    irreps = [r for k, r in reps.items() if k.startswith("irrep")]
    J_max = 3
    elements, weights = _quadrature(gs)
    chi = {p.id: np.array([p.character(g) for g in elements]) for p in irreps}
    chi_harmonics = [
        np.array([orthogonal_group_irrep(gs.dimensionality, J).character(orthogonal_group_element(gs.action_matrix(g)))
                  for g in elements])
        for J in range(J_max + 1)
    ]
    for psi_in in irreps:
        for psi_out in irreps:
            expected = sum(weights @ (chi[psi_in.id] * chi_j * chi[psi_out.id]) for chi_j in chi_harmonics)
            assert abs(expected - round(expected)) < 1e-8
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", KernelSpaceWarning)
                basis = gs.build_kernel_basis(psi_in, psi_out, radial=BesselRadial(1, 1.0), maximum_frequency=J_max)
            assert len(basis) == int(round(expected)), (psi_in, psi_out)


# ---------------------------------------------------------------- gradients
def test_gradcheck_with_respect_to_points():
    gs = gspaces.flipRot3dOnR3()
    group = gs.fibergroup
    basis = gs.build_kernel_basis(directsum([group.irrep(0, 0), group.irrep(1, 1)]), group.irrep(0, 2),
                                  radial=BesselRadial(3, 2.0), maximum_frequency=3)
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda p: basis.sample(p), (x,))
    gs2 = gspaces.rot2dOnR2(8)
    basis2 = gs2.build_kernel_basis(gs2.regular_repr, gs2.irrep(2), rings=grid_rings(5))
    y = torch.randn(3, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda p: basis2.sample(p), (y,))


def test_values_and_gradient_at_the_origin_are_finite():
    for gs, reps in [representations("O3"), representations("C8")]:
        rep = reps.get("regular", reps["mixed"])
        basis = gs.build_kernel_basis(rep, rep, rings=grid_rings(5))
        origin = torch.zeros(1, gs.dimensionality, dtype=torch.float64, requires_grad=True)
        values = basis.sample(origin)
        assert torch.isfinite(values).all()
        values.pow(2).sum().backward()
        assert torch.isfinite(origin.grad).all()
        # only the invariant (J = 0) elements survive at the origin
        frequencies = np.array([a["frequency"] for a in basis.attributes()])
        assert values[0, frequencies > 0].abs().max() == 0


# ---------------------------------------------------------------- structure
def test_attributes_and_band_limit():
    gs = gspaces.rot2dOnR2(8)
    basis = gs.build_kernel_basis(gs.regular_repr, gs.regular_repr, rings=grid_rings(5))
    attributes = basis.attributes()
    assert len(attributes) == len(basis) and [a["index"] for a in attributes] == list(range(len(basis)))
    for a in attributes:
        assert a["frequency"] <= {0.0: 0, 1.0: 2, 2.0: 2}[a["radius"]]
    limited = gs.build_kernel_basis(gs.regular_repr, gs.regular_repr, rings=grid_rings(5), maximum_frequency=1)
    assert max(a["frequency"] for a in limited.attributes()) == 1 and len(limited) < len(basis)
    filtered = gs.build_kernel_basis(gs.regular_repr, gs.regular_repr, rings=grid_rings(5),
                                     basis_filter=lambda a: a["radius"] > 0)
    assert all(a["radius"] > 0 for a in filtered.attributes())


def test_block_form_lifts_to_the_dense_form():
    gs = gspaces.flipRot2dOnR2(4)
    group = gs.fibergroup
    basis = gs.build_kernel_basis(group.regular_representation, directsum([group.irrep(1, 1), group.irrep(0, 0)]),
                                  rings=grid_rings(5))
    x = torch.randn(5, 2, dtype=torch.float64)
    dense = basis.sample(x)
    q_out, q_in_inv = torch.tensor(basis.out_repr.change_of_basis), torch.tensor(basis.in_repr.change_of_basis_inv)
    rebuilt = torch.zeros_like(dense)
    for pair, values in zip(basis.block_pairs, basis.sample_blocks(x)):
        rebuilt[:, pair.elements] = q_out[:, pair.out_slice] @ values @ q_in_inv[pair.in_slice]
    assert torch.allclose(rebuilt, dense)


def test_learnable_radial_kernel_is_steerable(rng):
    gs = gspaces.rot3dOnR3()
    group = gs.fibergroup
    basis = gs.build_kernel_basis(directsum([group.irrep(0), group.irrep(1)]), directsum([group.irrep(1), group.irrep(2)]),
                                  radial=BesselRadial(8, 3.0), maximum_frequency=2)
    mlp = RadialMLP(basis.angular_size, cutoff=3.0).double()
    x = torch.randn(6, 3, dtype=torch.float64)

    def kernel(points):
        coefficients = mlp(points.norm(dim=-1))
        return torch.einsum("pa,paxy->pxy", coefficients, basis.sample_angular(points))

    g = group.sample(rng)
    a = torch.tensor(gs.action_matrix(g))
    expected = torch.tensor(basis.out_repr(g)) @ kernel(x) @ torch.tensor(basis.in_repr(g)).T
    assert torch.allclose(kernel(x @ a.T), expected, atol=1e-10)


def test_radial_profiles():
    d = torch.linspace(0, 3, 31, dtype=torch.float64)
    bessel = BesselRadial(4, cutoff=2.0)(d)
    assert torch.isfinite(bessel).all() and bessel[d >= 2].abs().max() == 0
    gauss = GaussianRings([0, 1, 2], 0.5)(d)
    assert torch.allclose(gauss[10], torch.exp(-0.5 * ((1 - torch.tensor([0.0, 1, 2], dtype=torch.float64)) / 0.5) ** 2))
    with pytest.raises(ValueError, match="sigma"):
        GaussianRings([0, 1], [0.5])


def test_gaussian_radial_is_smooth_at_the_cutoff_and_of_order_one_inside():
    profile = GaussianRadial(5, cutoff=2.0)
    d = torch.linspace(0, 3, 61, dtype=torch.float64)
    values = profile(d)
    assert values.shape == (61, 5) and values[d >= 2].abs().max() == 0
    # at a centre (0.5 = the second function's) the function is 1 times the envelope
    assert torch.allclose(values[10, 1], polynomial_cutoff(torch.tensor(0.25, dtype=torch.float64), 6))
    assert values[d < 1.5].max(dim=1).values.min() > 0.3  # every distance well inside is seen by some function
    # value, first and second derivatives vanish at the cutoff: the profile near it is O((r_c - d)^3)
    near = profile(torch.tensor([2.0 - 1e-3, 2.0 - 2e-3], dtype=torch.float64))
    assert torch.allclose(near[1] / near[0], torch.full((5,), 2.0 ** 3, dtype=torch.float64), rtol=0.01)
    with pytest.raises(ValueError, match="number >= 2"):
        GaussianRadial(1, cutoff=2.0)


# ---------------------------------------------------------------- caching
def test_in_memory_cache_returns_the_same_basis():
    gs = gspaces.rot2dOnR2(8)
    a = gs.build_kernel_basis(gs.regular_repr, gs.regular_repr, rings=grid_rings(5))
    b = gs.build_kernel_basis(gs.regular_repr, gs.regular_repr, rings=grid_rings(5))
    assert a is b
    c = gs.build_kernel_basis(gs.regular_repr, gs.regular_repr, rings=grid_rings(5), maximum_frequency=1)
    assert c is not a


@pytest.fixture
def dihedral_on_disk(tmp_path):
    """``(group, action)`` of D6 on the plane with the disk cache on in ``tmp_path`` and the group's
    memory cache empty; both restored afterwards."""
    from eqgraph.group import dihedral_group

    group = dihedral_group(6)
    group._cache.clear()
    enable_disk_cache(tmp_path)
    yield group, gspaces.flipRot2dOnR2(6).basespace_action
    disable_disk_cache()
    group._cache.clear()


def test_disk_cache_round_trip_and_corruption(tmp_path, dihedral_on_disk):
    from eqgraph.kernels.solver import _solve, angular_solutions

    group, action = dihedral_on_disk
    first = angular_solutions(group, action, 3, (1, 1), (1, 2))
    files = list(tmp_path.glob("*.pt"))
    assert len(files) == 1
    group._cache.clear()
    second = angular_solutions(group, action, 3, (1, 1), (1, 2))
    assert all(np.array_equal(a.maps, b.maps) for a, b in zip(first, second))
    assert all(a.phi == b.phi and a.columns == b.columns and a.J == b.J for a, b in zip(first, second))
    files[0].write_bytes(b"not a pickle")
    group._cache.clear()
    with pytest.warns(CacheWarning, match="could not be read"):
        third = angular_solutions(group, action, 3, (1, 1), (1, 2))
    assert all(np.array_equal(a.maps, b.maps) for a, b in zip(first, third))
    assert files[0].read_bytes() != b"not a pickle"  # rebuilt and rewritten atomically
    assert not list(tmp_path.glob("*.tmp"))
    fresh = _solve(group, action, 3, (1, 1), (1, 2))
    assert all(np.array_equal(a.maps, b.maps) for a, b in zip(first, fresh))


class _Payload:
    """Unpickling this creates the file ``marker``: what a crafted cache file could do."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


def test_a_crafted_cache_file_runs_no_code(tmp_path, dihedral_on_disk):
    import pickle

    from eqgraph.kernels.solver import angular_solutions

    group, action = dihedral_on_disk
    expected = angular_solutions(group, action, 2, (1, 1), (1, 1))
    (path,) = tmp_path.glob("*.pt")
    marker = tmp_path / "code-ran"
    path.write_bytes(pickle.dumps(("description", _Payload(marker))))
    group._cache.clear()
    with pytest.warns(CacheWarning, match="could not be read"):
        again = angular_solutions(group, action, 2, (1, 1), (1, 1))
    assert not marker.exists()
    assert all(np.array_equal(a.maps, b.maps) for a, b in zip(expected, again))


@pytest.mark.parametrize("kind", ["a regular file", "a path under a regular file"])
def test_an_unwritable_cache_folder_turns_the_cache_off_with_one_warning(tmp_path, kind):
    from eqgraph.fields import FieldType, GeometricTensor
    from eqgraph.kernels import disk_cache_directory
    from eqgraph.nn import R2Conv

    (tmp_path / "file").write_text("not a folder")
    folder = tmp_path / "file" if kind == "a regular file" else tmp_path / "file" / "cache"
    gspace = gspaces.rot2dOnR2(7)
    gspace.fibergroup._cache.clear()
    enable_disk_cache(folder)
    try:
        with pytest.warns(CacheWarning, match="cannot be written") as caught:
            field = FieldType(gspace, [gspace.regular_repr])
            conv = R2Conv(field, field, 3)
        assert len([w for w in caught if issubclass(w.category, CacheWarning)]) == 1
        assert disk_cache_directory() is None
        assert conv(GeometricTensor(torch.randn(1, 7, 7, 7), field)).tensor.shape == (1, 7, 5, 5)
    finally:
        disable_disk_cache()


# ---------------------------------------------------------------- bad input
def test_bad_input():
    gs = gspaces.rot2dOnR2(4)
    other = gspaces.rot2dOnR2(8)
    with pytest.raises(ValueError, match="in_repr is a representation of C8, but the kernel's group is C4"):
        gs.build_kernel_basis(other.trivial_repr, gs.trivial_repr, rings=[0, 1])
    with pytest.raises(ValueError, match="give rings"):
        gs.build_kernel_basis(gs.trivial_repr, gs.trivial_repr)
    basis = gs.build_kernel_basis(gs.regular_repr, gs.regular_repr, rings=grid_rings(3))
    with pytest.raises(ValueError, match=r"shape \[P, 2\], got \(4, 3\)"):
        basis.sample(torch.randn(4, 3))
    with pytest.raises(ValueError, match="NaN"):
        basis.sample(torch.tensor([[0.0, float("nan")]]))


def test_empty_basis_names_the_irreps_and_the_band_limit():
    gs = gspaces.rot2dOnR2(8)
    with pytest.raises(ValueError, match=r"irreps 3 <- 0 first couple through harmonics of degree 3.*J <= 0 at radius 0"):
        gs.build_kernel_basis(gs.trivial_repr, gs.irrep(3), rings=[0.0])
    with pytest.raises(ValueError, match="basis_filter removed every element"):
        gs.build_kernel_basis(gs.trivial_repr, gs.trivial_repr, rings=[0.0, 1.0], basis_filter=lambda a: False)


def test_kernel_space_zero_at_every_frequency_is_warned():
    gs = gspaces.flipRot3dOnR3()
    group = gs.fibergroup
    with pytest.warns(KernelSpaceWarning, match="never couple"):
        basis = gs.build_kernel_basis(group.irrep(0, 0), group.irrep(1, 0), radial=BesselRadial(3, 1.0))
    assert len(basis) == 0 and basis.sample(torch.randn(2, 3)).shape == (2, 0, 1, 1)

"""Group axioms, irreps, characters and endomorphisms for every group."""
import numpy as np
import pytest

from conftest import GROUP_FACTORIES, elements_to_test, homomorphism_error
from eqgraph.group import GroupElement, so2_group, so3_group
from eqgraph.group.so3 import rotation_z


def test_group_axioms(group, rng):
    e = group.identity
    elements = elements_to_test(group, rng)
    for g in elements:
        assert g @ e == g and e @ g == g
        assert g @ ~g == e and ~g @ g == e
    for g, h, k in zip(elements, elements[1:], elements[2:]):
        assert (g @ h) @ k == g @ (h @ k)
        assert ~(g @ h) == ~h @ ~g


def test_order_and_elements(group):
    if group.continuous:
        assert group.order() == -1
        with pytest.raises(ValueError, match="continuous"):
            group.elements
    else:
        elements = group.elements
        assert len(elements) == group.order() == len(set(elements))
        assert set(group.testing_elements()) == set(elements)
        table = group.multiplication_table()
        # every row of the multiplication table is a permutation
        assert all(sorted(row) == list(range(group.order())) for row in table.tolist())


def test_irreps_are_orthogonal_homomorphisms(group, rng):
    for psi in group.irreps():
        assert homomorphism_error(psi, group, rng) < 1e-9, psi
        assert np.allclose(psi(group.identity), np.eye(psi.size))


def test_finite_character_orthogonality(finite_group):
    group = finite_group
    irreps = group.irreps()
    chars = np.array([[psi.character(g) for g in group.elements] for psi in irreps])
    gram = chars @ chars.T / group.order()
    endomorphism_dims = [psi.sum_of_squares_constituents for psi in irreps]
    assert np.allclose(gram, np.diag(endomorphism_dims), atol=1e-9)
    # the irreps are complete: sum over irreps of dim^2 / e equals the order
    assert sum(psi.size ** 2 // e for psi, e in zip(irreps, endomorphism_dims)) == group.order()


def test_so2_character_orthogonality_by_quadrature():
    group = so2_group(5)
    angles = np.arange(32) * 2 * np.pi / 32  # exact for trigonometric polynomials of degree < 32
    irreps = group.irreps()
    chars = np.array([[psi.character(group.element(t)) for t in angles] for psi in irreps])
    gram = chars @ chars.T / len(angles)
    assert np.allclose(gram, np.diag([psi.sum_of_squares_constituents for psi in irreps]), atol=1e-12)


def test_so3_character_orthogonality_by_quadrature():
    # class functions of SO(3) depend on the rotation angle w; Haar measure (2/pi) sin^2(w/2) dw
    group = so3_group(4)
    nodes, weights = np.polynomial.legendre.leggauss(40)
    w = (nodes + 1) * np.pi / 2
    measure = weights * (np.pi / 2) * (2 / np.pi) * np.sin(w / 2) ** 2
    chars = np.array([[psi.character(group.element(rotation_z(t))) for t in w] for psi in group.irreps()])
    assert np.allclose((chars * measure) @ chars.T, np.eye(len(group.irreps())), atol=1e-10)


def test_endomorphism_basis_dimension_matches_type(group):
    for psi in group.irreps():
        basis = psi.endomorphism_basis()
        assert basis.shape[0] in (1, 2, 4)
        assert psi.type == {1: "real", 2: "complex", 4: "quaternionic"}[basis.shape[0]]
        assert np.allclose(basis[0], np.eye(psi.size))
        for e in basis:
            assert np.allclose(e.T @ e, np.eye(psi.size), atol=1e-9)
            for g in group.generators:
                assert np.allclose(e @ psi(g), psi(g) @ e, atol=1e-9)


@pytest.mark.parametrize(
    "name, dims",
    [("C8", [1, 2, 2, 2, 1]), ("D4", [1, 1, 2, 1, 1]), ("octa", [1, 1, 2, 3, 3]), ("ico", [1, 3, 3, 4, 5])],
)
def test_irrep_dimensions(name, dims):
    assert [psi.size for psi in GROUP_FACTORIES[name]().irreps()] == dims


def test_complex_irreps_of_rotations():
    assert [psi.type for psi in GROUP_FACTORIES["C8"]().irreps()] == ["real", "complex", "complex", "complex", "real"]
    assert so2_group(2).irrep(1).type == "complex"
    assert GROUP_FACTORIES["O2"]().irrep(1, 1).type == "real"


def test_polyhedral_vector_irrep_is_the_rotation_matrix():
    for name, k in [("octa", 3), ("ico", 1)]:
        group = GROUP_FACTORIES[name]()
        for g in group.elements:
            assert np.allclose(group.irrep(k)(g), group.matrices[g.param], atol=1e-12)


def test_sampling_is_reproducible(group):
    a = group.sample(np.random.default_rng(3))
    b = group.sample(3)
    assert a == b


def test_element_equality_across_groups():
    from eqgraph.group import cyclic_group, dihedral_group

    assert cyclic_group(4).identity != dihedral_group(4).identity
    assert isinstance(cyclic_group(4).element(5), GroupElement) and cyclic_group(4).element(5) == cyclic_group(4).element(1)

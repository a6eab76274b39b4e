"""Representations built from irreps: each equals Q (+)psi Q^-1 and its defining formula."""
import numpy as np
import pytest

from conftest import GROUP_FACTORIES, elements_to_test, homomorphism_error
from eqgraph.group import (
    Representation,
    clebsch_gordan,
    cyclic_group,
    dihedral_group,
    directsum,
    disentangle,
    homomorphism_basis,
    o2_group,
    o3_group,
    so2_group,
    so3_group,
)

SUBGROUPS = [
    ("C8", 4), ("C8", 1), ("D8", (None, 4)), ("D8", (1, 4)), ("D8", (3, 1)), ("D4", (None, 1)),
    ("SO2", 3), ("O2", (None, -1)), ("O2", (None, 4)), ("O2", (0.5, 3)), ("O2", (1.0, 1)),
    ("SO3", (False, -1)), ("SO3", (True, -1)), ("SO3", (False, 3)), ("SO3", (True, 4)), ("SO3", "octa"), ("SO3", "ico"),
    ("O3", "so3"), ("O3", "inv"), ("O3", "fullocta"), ("O3", "fullico"), ("O3", "octa"), ("O3", "mir"),
    ("fullocta", "octa"), ("fullocta", "inv"), ("fullico", "ico"), ("octa", 1),
]


def test_regular_representation_is_the_permutation_on_the_group(finite_group, rng):
    group = finite_group
    regular = group.regular_representation
    table = group.multiplication_table()
    for g in elements_to_test(group, rng, 4):
        permutation = np.zeros((group.order(), group.order()))
        permutation[table[group.index(g)], np.arange(group.order())] = 1.0
        assert np.allclose(regular(g), permutation, atol=1e-9)
    # every irrep psi occurs dim(psi) / e(psi) times (dim(psi) times for irreps of real type)
    for psi in group.irreps():
        assert regular.multiplicity(psi.id) == psi.size // psi.sum_of_squares_constituents
        if psi.type == "real":
            assert regular.multiplicity(psi.id) == psi.size


@pytest.mark.parametrize("name, sub_id", [("C8", 2), ("D4", (None, 2)), ("D4", (0, 1)), ("fullocta", "octa"), ("octa", 1)])
def test_quotient_representation_permutes_cosets(name, sub_id, rng):
    group = GROUP_FACTORIES[name]()
    quotient = group.quotient_representation(sub_id)
    sub = group.subgroup(sub_id)[0]
    assert quotient.size == group.order() // sub.order()
    assert "pointwise" in quotient.supported_nonlinearities
    for g in elements_to_test(group, rng, 4):
        m = quotient(g)
        assert np.allclose(m @ m.T, np.eye(quotient.size), atol=1e-9)
        assert np.allclose(np.sort(np.round(m.ravel(), 9)), np.sort(np.r_[np.ones(quotient.size), np.zeros(quotient.size ** 2 - quotient.size)]))
    assert homomorphism_error(quotient, group, rng) < 1e-9
    # the cosets of the subgroup's elements are fixed by the subgroup: the trivial irrep of H
    # occurs in the restriction at least once (Frobenius reciprocity gives exactly once)
    assert quotient.restrict(sub_id).multiplicity(sub.trivial_representation.id) >= 1
    assert quotient.multiplicity(group.trivial_representation.id) == 1


@pytest.mark.parametrize("name, sub_id, irrep", [("D4", (None, 4), (1,)), ("C8", 4, (1,)), ("fullocta", "octa", (3,)), ("D3", (0, 1), (1,))])
def test_induced_representation(name, sub_id, irrep, rng):
    group = GROUP_FACTORIES[name]()
    sub, include, restrict = group.subgroup(sub_id)
    sigma = sub.irrep(*irrep)
    induced = group.induced_representation(sub_id, sigma)
    assert induced.size == sigma.size * group.order() // sub.order()
    assert homomorphism_error(induced, group, rng) < 1e-9
    # Frobenius reciprocity: dim Hom_G(Ind sigma, psi) = dim Hom_H(sigma, Res psi)
    for psi in group.irreps():
        e_psi, e_sigma = psi.sum_of_squares_constituents, sigma.sum_of_squares_constituents
        assert induced.multiplicity(psi.id) * e_psi == psi.restrict(sub_id).multiplicity(sigma.id) * e_sigma
    # inducing the trivial representation gives the quotient representation's character
    trivial = group.induced_representation(sub_id, sub.trivial_representation)
    quotient = group.quotient_representation(sub_id)
    for g in group.elements:
        assert np.isclose(trivial.character(g), quotient.character(g))


def test_directsum_is_block_diagonal(group, rng):
    irreps = group.irreps()[:3]
    total = directsum(irreps)
    assert total.size == sum(p.size for p in irreps)
    g = group.sample(rng)
    blocks = total(g)
    start = 0
    for p in irreps:
        assert np.allclose(blocks[start:start + p.size, start:start + p.size], p(g))
        start += p.size
    with pytest.raises(ValueError, match="different groups"):
        directsum([irreps[0], (so2_group(2) if group is not so2_group(2) else so3_group(1)).trivial_representation])


def test_tensor_product_is_the_kronecker_product(group, rng):
    irreps = group.irreps()
    pairs = [(irreps[-1], irreps[-1]), (irreps[1 % len(irreps)], irreps[-1])]
    if not group.continuous and group.order() <= 48:
        pairs.append((group.regular_representation, irreps[-1]))
    for a, b in pairs:
        product = a.tensor(b)
        assert product.size == a.size * b.size
        for g in elements_to_test(group, rng, 3):
            assert np.allclose(product(g), np.kron(a(g), b(g)), atol=1e-9)


def test_regular_tensor_regular(rng):
    group = dihedral_group(4)
    regular = group.regular_representation
    product = regular.tensor(regular)
    for g in group.elements:
        assert np.allclose(product(g), np.kron(regular(g), regular(g)), atol=1e-9)
    assert "pointwise" in product.supported_nonlinearities
    assert regular.tensor(regular) is product  # cached


def test_clebsch_gordan_coefficients_are_equivariant_and_orthonormal(group, rng):
    irreps = group.irreps()[:5]
    for a in irreps:
        for b in irreps:
            columns = []
            for c in irreps:
                cg = clebsch_gordan(a, b, c)
                for copy in cg:
                    m = copy.reshape(a.size * b.size, c.size)
                    columns.append(m)
                    for g in elements_to_test(group, rng, 2):
                        assert np.allclose(np.kron(a(g), b(g)) @ m, m @ c(g), atol=1e-9)
            if columns:
                stacked = np.concatenate(columns, axis=1)
                assert np.allclose(stacked.T @ stacked, np.eye(stacked.shape[1]), atol=1e-9)


def test_clebsch_gordan_sign_convention_is_fixed():
    # pinned values: a change of convention would silently break saved weights
    so2 = so2_group(3)
    cg = clebsch_gordan(so2.irrep(1), so2.irrep(2), so2.irrep(1))[0]
    assert np.allclose(cg[:, :, 0], np.array([[1, 0], [0, 1]]) / np.sqrt(2))
    assert np.allclose(cg[:, :, 1], np.array([[0, 1], [-1, 0]]) / np.sqrt(2))
    o3 = o3_group(2)
    # 1o x 1o has no 1o part (parity); its 1e part is the cross product (e3nn's wigner_3j)
    assert clebsch_gordan(o3.irrep(1, 1), o3.irrep(1, 1), o3.irrep(1, 1)).shape[0] == 0
    cross = clebsch_gordan(o3.irrep(1, 1), o3.irrep(1, 1), o3.irrep(0, 1))[0]
    assert np.allclose(cross[:, :, 2], np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 0]]) / np.sqrt(2))
    d4 = dihedral_group(4)
    a = clebsch_gordan(d4.irrep(1, 1), d4.irrep(1, 1), d4.irrep(0, 0))[0]
    assert np.allclose(a[:, :, 0], np.eye(2) / np.sqrt(2))


def test_numerical_clebsch_gordan_is_deterministic():
    from eqgraph.group.intertwiners import numerical_clebsch_gordan

    group = GROUP_FACTORIES["ico"]()
    first = numerical_clebsch_gordan(group, 4, 4, 3)
    second = numerical_clebsch_gordan(group, 4, 4, 3)
    assert np.array_equal(first, second)


@pytest.mark.parametrize("name, sub_id", SUBGROUPS)
def test_restriction_is_a_homomorphism_of_the_subgroup(name, sub_id, rng):
    group = GROUP_FACTORIES[name]()
    sub, include, restrict = group.subgroup(sub_id)
    reps = group.irreps()[:6]
    if not group.continuous and group.order() <= 48:
        reps.append(group.regular_representation)
    for rep in reps:
        restricted = rep.restrict(sub_id)
        assert restricted.group is sub
        assert homomorphism_error(restricted, sub, rng, 3) < 1e-9
        for h in elements_to_test(sub, rng, 3):
            assert np.allclose(restricted(h), rep(include(h)), atol=1e-9)
    for h in elements_to_test(sub, rng, 3):
        assert restrict(include(h)) == h
        assert include(h @ h) == include(h) @ include(h)


def test_restriction_returns_none_off_the_subgroup():
    group = dihedral_group(8)
    _, _, restrict = group.subgroup((None, 4))
    assert restrict(group.element((1, 0))) is None
    assert restrict(group.element((0, 1))) is None
    assert restrict(group.element((0, 2))) == cyclic_group(4).element(1)


def test_homomorphism_basis_spans_the_commutant(group, rng):
    irreps = group.irreps()
    rho_in = directsum([irreps[0], irreps[-1], irreps[-1]])
    rho_out = directsum([irreps[-1], irreps[0]])
    basis = homomorphism_basis(rho_in, rho_out)
    e = irreps[-1].sum_of_squares_constituents
    # pairs of equal irreps: (last, last) twice and (first, first) once; 2 x 3 for the trivial group
    expected = 2 * e + 1 if irreps[-1].id != irreps[0].id else 6
    assert basis.shape[0] == expected
    for g in elements_to_test(group, rng, 3):
        for m in basis:
            assert np.allclose(rho_out(g) @ m, m @ rho_in(g), atol=1e-9)
    assert np.linalg.matrix_rank(basis.reshape(len(basis), -1)) == len(basis)


def test_user_representation_with_change_of_basis(rng):
    group = o2_group(2)
    q = np.linalg.qr(rng.normal(size=(3, 3)))[0]
    rep = Representation(group, "mixed", [(0, 0), (1, 1)], q)
    assert homomorphism_error(rep, group, rng) < 1e-9
    assert not rep.is_trivial()
    assert Representation(group, "scalars", [(0, 0), (0, 0)]).is_trivial()
    assert rep == Representation(group, "other name", [(0, 0), (1, 1)], q.copy())
    assert rep != Representation(group, "mixed", [(0, 0), (1, 1)])


def test_disentangle_recovers_blocks(rng):
    group = dihedral_group(4)
    regular = group.regular_representation
    vector = group.irrep(1, 1)
    q = np.linalg.qr(rng.normal(size=(2, 2)))[0]
    mixed = Representation(group, "rotated vector", [(1, 1)], q)
    total = directsum([vector, regular, mixed])
    permutation, parts = disentangle(total)
    assert [p.size for p in parts] == [2, 8, 2]
    joined = directsum(parts)
    for g in group.elements:
        assert np.allclose(total(g), permutation @ joined(g) @ permutation.T, atol=1e-9)


def test_endomorphisms_of_a_representation(rng):
    group = cyclic_group(6)
    rep = directsum([group.irrep(1), group.irrep(1), group.irrep(0)])
    basis = rep.endomorphism_basis()
    assert basis.shape[0] == 2 * 2 * 2 + 1  # a 2x2 matrix over C, plus the scalar

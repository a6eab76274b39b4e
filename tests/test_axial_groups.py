"""escnn's direct products, cylinder groups and the subgroups of O(3) that keep an axis (issue 15):
irrep ids and characters equal escnn's, restrictions from O(3) and SO(3) and between them."""
import pickle

import numpy as np
import pytest

from conftest import ESCNN_AXIAL_TABLES, as_tuple, elements_to_test
from eqgraph.group import (
    cyclic_group,
    cylinder_discrete_group,
    cylinder_group,
    dihedral_group,
    direct_product,
    double_group,
    full_cylinder_discrete_group,
    full_cylinder_group,
    inversion_group,
    klein4_group,
    o2_group,
    o3_group,
    so2_group,
    so3_group,
    trivial_group,
)

OURS = {
    "cylinder_group(2)": lambda: cylinder_group(2),
    "full_cylinder_group(2)": lambda: full_cylinder_group(2),
    "cylinder_discrete_group(4)": lambda: cylinder_discrete_group(4),
    "cylinder_discrete_group(3)": lambda: cylinder_discrete_group(3),
    "full_cylinder_discrete_group(3)": lambda: full_cylinder_discrete_group(3),
    "klein4_group()": klein4_group,
    "direct_product(cyclic_group(4), cyclic_group(3))": lambda: direct_product(cyclic_group(4), cyclic_group(3)),
    "double_group(cyclic_group(4))": lambda: double_group(cyclic_group(4)),
}


def test_the_reference_covers_every_group():
    assert sorted(ESCNN_AXIAL_TABLES["characters"]) == sorted(OURS)


@pytest.mark.parametrize("name", sorted(OURS))
def test_irrep_ids_and_characters_equal_escnns(name):
    """Every irrep escnn lists, asked for by escnn's id, has escnn's size and character on every
    element (a grid for the continuous factors); ours lists no irrep escnn lacks."""
    group, table = OURS[name](), ESCNN_AXIAL_TABLES["characters"][name]
    elements = [group.element(as_tuple(p)) for p in table["elements"]]
    escnn_ids = {as_tuple(row["id"]) for row in table["irreps"]}
    assert {psi.id for psi in group.irreps()} <= escnn_ids
    if not group.continuous:
        assert {psi.id for psi in group.irreps()} == escnn_ids
    for row in table["irreps"]:
        psi = group.irrep(*as_tuple(row["id"]))
        assert psi.size == row["size"], row["id"]
        assert np.allclose([psi.character(g) for g in elements], row["characters"], atol=1e-9), row["id"]


def test_escnns_example_id_and_defaults():
    G = cylinder_group()
    assert G is cylinder_group(3) and G.G1 is cyclic_group(2) and G.G2 is so2_group(3)
    psi = G.irrep((0,), (1,), 0)
    assert psi is G.irrep((0,), (1,)) and psi.size == 2
    g = G.element((1, 0.4))  # the inversion after a rotation by 0.4: psi ignores the inversion
    assert np.isclose(psi.character(g), 2 * np.cos(0.4))
    assert trivial_group() is cyclic_group(1)
    assert cylinder_discrete_group(2) is klein4_group()
    assert full_cylinder_discrete_group(4).order() == 16 and cylinder_discrete_group(5).order() == 10


def test_products_of_complex_irreps_split_into_sum_and_difference_frequencies():
    G = double_group(so2_group(3))
    g = G.element((0.3, 0.5))
    assert np.isclose(G.irrep((1,), (2,), 0).character(g), 2 * np.cos(0.3 + 2 * 0.5))
    assert np.isclose(G.irrep((1,), (2,), 1).character(g), 2 * np.cos(0.3 - 2 * 0.5))
    with pytest.raises(ValueError, match="i in {0, 1} when both are of complex type"):
        cylinder_group().irrep((1,), (1,), 1)  # C2's sign is of real type: no split


def test_groups_are_singletons_that_pickle_to_themselves():
    for G in (cylinder_group(2), full_cylinder_discrete_group(3), double_group(so2_group(2)), klein4_group()):
        assert pickle.loads(pickle.dumps(G)) is G
        g = G.sample(0)
        assert pickle.loads(pickle.dumps(g)) == g
    assert direct_product(cyclic_group(2), so2_group(2)) is cylinder_group(2)
    named = direct_product(cyclic_group(2), so2_group(2), "Tube")
    assert named is not cylinder_group(2) and named.name == "Tube"


def test_pair_and_split_elements():
    G = full_cylinder_group(2)
    a, b = cyclic_group(2).element(1), o2_group(2).element((1, 0.25))
    g = G.pair_elements(a, b)
    assert G.split_element(g) == (a, b)
    with pytest.raises(ValueError, match="pair_elements needs an element of C2 and one of O"):
        G.pair_elements(b, a)


def test_bad_ids_and_elements_name_what_is_expected():
    G = cylinder_group(2)
    with pytest.raises(ValueError, match=r"irrep\(id1, id2, i\)"):
        G.irrep((0,), (-1,), 0)
    with pytest.raises(ValueError, match="is a pair"):
        G.element(0.5)
    with pytest.raises(ValueError, match="subgroups of Cylindrical are pairs"):
        G.subgroup("diagonal")
    with pytest.raises(TypeError, match="two eqgraph Groups"):
        direct_product(cyclic_group(2), "SO(2)")
    with pytest.raises(ValueError, match="subgroups of O.3. are"):
        o3_group(2).subgroup((True, False))
    with pytest.raises(ValueError, match="kinds"):
        so3_group(2).subgroup(("cone", np.pi, 4))  # the cone's mirrors are not rotations
    with pytest.raises(ValueError, match="-1 .continuous. or an integer N >= 1"):
        o3_group(2).subgroup((True, False, 0))


# ---------------------------------------------------------------------- subgroups
O3_AXIAL = {
    "rotations": ((False, False, -1), "SO(2)"), "C5": ((False, False, 5), "C5"),
    "dihedral": ((False, np.pi, -1), "O(2)"), "D3": ((False, 0.7, 3), "D3"), "flip": ((False, np.pi, 1), "C2"),
    "cone": (("cone", np.pi, -1), "O(2)"), "cone D4": (("cone", 0.0, 4), "D4"),
    "cylinder": ((True, False, -1), "Cylindrical"), "cylinder C2xC3": ((True, False, 3), "CylindricalDiscrete3"),
    "cylinder K4": ((True, False, 2), "Klein4"), "inversion": ((True, False, 1), "C2"),
    "full cylinder": ((True, np.pi / 2, -1), "FullCylindrical"),
    "full cylinder C2xD4": ((True, 0.3, 4), "FullCylindricalDiscrete4"), "full cylinder K4": ((True, 0.0, 1), "Klein4"),
}


def _matrix(g):
    """The 3 x 3 matrix of an O(3) element."""
    return (-1) ** g.param[0] * np.asarray(g.param[1])


@pytest.mark.parametrize("key", sorted(O3_AXIAL))
def test_o3_axial_subgroups_include_restrict_and_restrict_representations(key, rng):
    sub_id, name = O3_AXIAL[key]
    o3 = o3_group(3)
    H, include, restrict = o3.subgroup(sub_id)
    assert H.name == name
    for h in elements_to_test(H, rng, 4):
        m = _matrix(include(h))
        assert np.allclose(m[:, 2] * m[2, 2], [0, 0, 1])  # the z axis is kept (up to sign)
        assert restrict(include(h)) == h
        for k in elements_to_test(H, rng, 2):
            assert include(h @ k) == include(h) @ include(k)
    assert restrict(o3.sample(rng)) is None  # a generic element keeps no axis
    for psi in o3.irreps():
        restricted = psi.restrict(sub_id)
        assert restricted.group is H
        for h in elements_to_test(H, rng, 3):
            assert np.allclose(restricted(h), psi(include(h)), atol=1e-9)


def test_the_axial_subgroups_are_the_gspace_groups():
    o3 = o3_group(2)
    assert o3.subgroup((True, False, -1))[0] is cylinder_group(2)
    assert o3.subgroup((True, np.pi, -1))[0] is full_cylinder_group(2)
    assert o3.subgroup((True, 1.0, 3))[0] is full_cylinder_discrete_group(3)
    assert o3.subgroup((False, np.pi, 4))[0] is dihedral_group(4)
    assert o3.subgroup((False, False, -1))[0] is so2_group(2)


def test_so3_restricts_to_the_proper_axial_subgroups(rng):
    so3 = so3_group(3)
    for sub_id in [(False, False, -1), (False, False, 4), (False, np.pi, -1), (False, 1.2, 3)]:
        H, include, restrict = so3.subgroup(sub_id)
        for h in elements_to_test(H, rng, 3):
            assert np.linalg.det(include(h).param) > 0 and restrict(include(h)) == h
        for psi in so3.irreps():
            restricted = psi.restrict(sub_id)
            for h in elements_to_test(H, rng, 3):
                assert np.allclose(restricted(h), psi(include(h)), atol=1e-9)
    # the dihedral flip about the y axis (escnn's default) and about x (eqgraph's (True, N))
    flip_y = so3.subgroup((False, np.pi, 2))[1](dihedral_group(2).element((1, 0))).param
    flip_x = so3.subgroup((True, 2))[1](dihedral_group(2).element((1, 0))).param
    assert np.allclose(flip_y, np.diag([-1.0, 1.0, -1.0])) and np.allclose(flip_x, np.diag([1.0, -1.0, -1.0]))


def test_an_adjoint_turns_the_axis(rng):
    o3 = o3_group(2)
    turn = so3_group(2).sample(rng)
    H, include, restrict = o3.subgroup((True, False, -1, turn))
    axis = turn.param.T @ np.array([0.0, 0.0, 1.0])  # escnn: A^-1 e_z
    for h in elements_to_test(H, rng, 4):
        m = _matrix(include(h))
        assert np.allclose(m @ axis, (-1) ** h.param[0] * axis)
        assert restrict(include(h)) == h
    assert o3.subgroup((True, False, -1, turn.param))[0] is H  # a matrix works as the adjoint
    restricted = o3.irrep(1, 2).restrict((True, False, -1, turn))
    for h in elements_to_test(H, rng, 3):
        assert np.allclose(restricted(h), o3.irrep(1, 2)(include(h)), atol=1e-9)


@pytest.mark.parametrize("parent, sub_id, expected", [
    (full_cylinder_group(2), (2, (None, -1)), cylinder_group(2)),
    (full_cylinder_group(2), (1, (0.0, -1)), o2_group(2)),
    (full_cylinder_group(2), (2, (None, 1)), cyclic_group(2)),
    (full_cylinder_discrete_group(4), (2, (None, 4)), cylinder_discrete_group(4)),
    (full_cylinder_discrete_group(4), (1, (1, 2)), dihedral_group(2)),
    (cylinder_group(2), (1, -1), so2_group(2)),
    (cylinder_group(2), (2, 3), cylinder_discrete_group(3)),
    (double_group(so2_group(2)), "diagonal", so2_group(2)),
])
def test_restriction_between_them(parent, sub_id, expected, rng):
    H, include, restrict = parent.subgroup(sub_id)
    assert H is expected
    for h in elements_to_test(H, rng, 3):
        assert restrict(include(h)) == h
    for psi in parent.irreps():
        restricted = psi.restrict(sub_id)
        for h in elements_to_test(H, rng, 2):
            assert np.allclose(restricted(h), psi(include(h)), atol=1e-9)


def test_restricting_in_two_steps_equals_restricting_at_once(rng):
    """O(3) -> full cylinder -> cylinder gives the same representation as O(3) -> cylinder."""
    o3 = o3_group(2)
    for psi in o3.irreps():
        once = psi.restrict((True, False, -1))
        twice = psi.restrict((True, np.pi, -1)).restrict((2, (None, -1)))
        assert once.group is twice.group is cylinder_group(2)
        for h in elements_to_test(cylinder_group(2), rng, 4):
            assert np.isclose(once.character(h), twice.character(h))
    assert o3.subgroup((True, False, 1))[0] is cyclic_group(2)
    assert o3.subgroup("inv")[0] is inversion_group()

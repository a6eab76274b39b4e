"""gspaces: the action on R^d is a representation and matches the documented geometry."""
import numpy as np
import pytest

from conftest import homomorphism_error
from eqgraph import gspaces
from eqgraph.fields import FieldType

FACTORIES = [
    gspaces.rot2dOnR2, gspaces.flipRot2dOnR2, gspaces.flip2dOnR2, gspaces.trivialOnR2,
    lambda: gspaces.rot2dOnR2(8), lambda: gspaces.rot2dOnR2(2), lambda: gspaces.flipRot2dOnR2(4),
    gspaces.rot3dOnR3, gspaces.flipRot3dOnR3, gspaces.octaOnR3, gspaces.fullOctaOnR3, gspaces.icoOnR3,
    gspaces.fullIcoOnR3, gspaces.mirOnR3, gspaces.invOnR3, gspaces.trivialOnR3,
]


@pytest.mark.parametrize("factory", FACTORIES)
def test_basespace_action_is_an_orthogonal_representation(factory, rng):
    gs = factory()
    action = gs.basespace_action
    assert action.size == gs.dimensionality
    assert homomorphism_error(action, gs.fibergroup, rng) < 1e-9
    assert gs.trivial_repr.is_trivial()
    assert isinstance(gs.type(gs.trivial_repr), FieldType)
    assert gs.irreps == gs.fibergroup.irreps()


def test_actions_match_the_documented_geometry():
    c4 = gspaces.rot2dOnR2(4)
    assert np.allclose(c4.action_matrix(c4.fibergroup.element(1)), [[0, -1], [1, 0]])
    d4 = gspaces.flipRot2dOnR2(4)
    # escnn's default axis pi/2: the reflection negates the first coordinate, as flip2dOnR2's does
    assert np.allclose(d4.action_matrix(d4.fibergroup.element((1, 0))), [[-1, 0], [0, 1]])
    flip = gspaces.flip2dOnR2()
    assert np.allclose(flip.action_matrix(flip.fibergroup.element(1)), [[-1, 0], [0, 1]])
    mirror = gspaces.mirOnR3()
    assert np.allclose(mirror.action_matrix(mirror.fibergroup.element(1)), np.diag([1, 1, -1]))
    inversion = gspaces.invOnR3()
    assert np.allclose(inversion.action_matrix(inversion.fibergroup.element(1)), -np.eye(3))
    o3 = gspaces.flipRot3dOnR3()
    r = o3.fibergroup.sample(1)
    assert np.allclose(o3.action_matrix(r), (-1) ** r.param[0] * r.param[1])
    octa = gspaces.octaOnR3()
    assert all(np.allclose(octa.action_matrix(g), octa.fibergroup.matrices[g.param]) for g in octa.fibergroup.elements)


def test_restrict_gives_the_smaller_gspace():
    assert gspaces.rot2dOnR2(8).restrict(4)[0] == gspaces.rot2dOnR2(4)
    assert gspaces.flipRot2dOnR2(8).restrict((0, 4))[0] == gspaces.flipRot2dOnR2(4)
    assert gspaces.flipRot2dOnR2(8).restrict((None, 4))[0] == gspaces.rot2dOnR2(4)
    assert gspaces.rot2dOnR2(-1).restrict(8)[0] == gspaces.rot2dOnR2(8)
    assert gspaces.flipRot3dOnR3().restrict("so3")[0] == gspaces.rot3dOnR3()
    assert gspaces.flipRot3dOnR3().restrict("fullocta")[0] == gspaces.fullOctaOnR3()
    assert gspaces.rot3dOnR3().restrict("ico")[0] == gspaces.icoOnR3()


def test_regular_repr_of_a_continuous_gspace_is_refused():
    with pytest.raises(ValueError, match="continuous"):
        gspaces.rot2dOnR2(-1).regular_repr
    assert gspaces.rot2dOnR2(6).regular_repr.size == 6

"""Groups, representations, gspaces, field types and modules survive pickling (DDP, workers, checkpoints)."""
import pickle

import numpy as np
import pytest
import torch

from test_gspaces import FACTORIES
from eqgraph.fields import FieldType
from eqgraph.group import directsum
from eqgraph.nn import IdentityModule


def test_groups_and_irreps_round_trip(group):
    assert pickle.loads(pickle.dumps(group)) is group
    for psi in group.irreps():
        assert pickle.loads(pickle.dumps(psi)) is psi
    g = group.sample(0)
    assert pickle.loads(pickle.dumps(g)) == g


def test_built_representations_round_trip(group):
    reps = [directsum(group.irreps()[:3])]
    if not group.continuous:
        reps.append(group.regular_representation)
    reps.append(group.irreps()[-1].tensor(group.irreps()[-1]))
    for rep in reps:
        copy = pickle.loads(pickle.dumps(rep))
        assert copy == rep and copy.group is rep.group
        g = group.sample(1)
        assert np.allclose(copy(g), rep(g))


@pytest.mark.parametrize("factory", FACTORIES)
def test_gspaces_and_field_types_round_trip(factory):
    gs = factory()
    copy = pickle.loads(pickle.dumps(gs))
    assert copy == gs
    reps = [gs.trivial_repr, gs.irreps[-1]] + ([] if gs.fibergroup.continuous else [gs.regular_repr])
    ft = FieldType(gs, reps)
    assert pickle.loads(pickle.dumps(ft)) == ft


def test_subgroup_maps_and_modules_round_trip():
    from eqgraph import gspaces

    gs = gspaces.flipRot2dOnR2(8)
    sub, include, restrict = gs.fibergroup.subgroup((None, 4))
    include2, restrict2 = pickle.loads(pickle.dumps((include, restrict)))
    h = sub.element(1)
    assert include2(h) == include(h) and restrict2(include(h)) == h
    module = IdentityModule(FieldType(gs, [gs.regular_repr]))
    copy = pickle.loads(pickle.dumps(module))
    x = torch.randn(2, 16)
    assert torch.equal(copy(module.in_type(x)).tensor, x)

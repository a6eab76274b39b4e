"""Bad input gets a clear ValueError or TypeError naming what was expected and what was given."""
import numpy as np
import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor, tensor_directsum
from eqgraph.group import Representation, cyclic_group, dihedral_group, directsum, o2_group, so2_group, so3_group


def test_irrep_that_does_not_exist():
    with pytest.raises(ValueError, match=r"irrep\(k\) with 0 <= k <= 4"):
        cyclic_group(8).irrep(5)
    with pytest.raises(ValueError, match="irreps of D4"):
        dihedral_group(4).irrep(0, 1)
    with pytest.raises(ValueError, match="integer frequency"):
        so2_group().irrep(-1)
    with pytest.raises(ValueError, match="irreps of O\\(2\\)"):
        o2_group().irrep(0, 3)
    with pytest.raises(ValueError, match="irreps of SO\\(3\\)"):
        so3_group().irrep("1o")


def test_regular_representation_of_an_infinite_group():
    with pytest.raises(ValueError, match="SO\\(3\\) is continuous"):
        so3_group().regular_representation
    with pytest.raises(ValueError, match="continuous"):
        o2_group().quotient_representation((None, 2))


def test_unknown_subgroup_id():
    with pytest.raises(ValueError, match="M dividing 8"):
        cyclic_group(8).subgroup(3)
    with pytest.raises(ValueError, match="subgroups of D4"):
        dihedral_group(4).subgroup("octa")
    with pytest.raises(ValueError, match="subgroups of SO\\(3\\)"):
        so3_group().subgroup("cube")
    with pytest.raises(ValueError, match="subgroups of O\\(3\\)"):
        gspaces.flipRot3dOnR3().restrict("nope")


def test_bad_elements():
    with pytest.raises(ValueError, match="rotation matrix"):
        so3_group().element(np.eye(2))
    with pytest.raises(ValueError, match="pair"):
        dihedral_group(4).element(3)
    with pytest.raises(ValueError, match="representation 'irrep_1' is of C4"):
        cyclic_group(4).irrep(1)(cyclic_group(8).element(1))
    with pytest.raises(ValueError, match="cannot combine"):
        cyclic_group(4).element(1) @ cyclic_group(8).element(1)


def test_representations_of_different_groups():
    with pytest.raises(ValueError, match="different groups"):
        directsum([cyclic_group(4).irrep(1), cyclic_group(8).irrep(1)])
    with pytest.raises(ValueError, match="different groups"):
        cyclic_group(4).irrep(1).tensor(cyclic_group(8).irrep(1))
    with pytest.raises(ValueError, match="change_of_basis must be 3 x 3"):
        Representation(o2_group(), "bad", [(0, 0), (1, 1)], np.eye(2))
    with pytest.raises(ValueError, match="singular"):
        Representation(o2_group(), "bad", [(0, 0), (1, 1)], np.zeros((3, 3)))


def test_field_type_of_another_group():
    gs = gspaces.rot2dOnR2(4)
    with pytest.raises(ValueError, match="field 1 .* is a representation of C8, but the gspace C4_on_R2 has fiber group C4"):
        FieldType(gs, [gs.trivial_repr, cyclic_group(8).irrep(1)])
    with pytest.raises(ValueError, match="at least one"):
        FieldType(gs, [])
    with pytest.raises(ValueError, match="different gspaces"):
        FieldType(gs, [gs.trivial_repr]) + FieldType(gspaces.rot2dOnR2(8), [gspaces.rot2dOnR2(8).trivial_repr])


def test_geometric_tensor_shape_errors():
    gs = gspaces.rot3dOnR3()
    ft = FieldType.from_e3nn("1x0e+1x1o", gs)
    with pytest.raises(ValueError, match="has 4 channels but the tensor has 5"):
        GeometricTensor(torch.randn(3, 5), ft)
    with pytest.raises(ValueError, match=r"expected coords of shape \(3, 3\), got \(3, 2\)"):
        GeometricTensor(torch.randn(3, 4), ft, torch.randn(3, 2))
    with pytest.raises(ValueError, match="3 spatial axes"):
        GeometricTensor(torch.randn(2, 4, 5, 5), ft)
    with pytest.raises(ValueError, match="coords go with node features"):
        GeometricTensor(torch.randn(2, 4, 5, 5, 5), ft, torch.randn(2, 3))
    with pytest.raises(TypeError, match="torch.Tensor"):
        GeometricTensor(np.zeros((3, 4)), ft)


def test_geometric_tensor_combinations():
    gs = gspaces.rot2dOnR2(4)
    a = FieldType(gs, [gs.regular_repr])(torch.randn(2, 4))
    b = FieldType(gs, [gs.irrep(1), gs.irrep(1)])(torch.randn(2, 4))
    with pytest.raises(ValueError, match="different types"):
        a + b
    with pytest.raises(TypeError, match="cannot add a GeometricTensor and a Tensor"):
        a + torch.randn(2, 4)
    with pytest.raises(TypeError, match="scalar"):
        a * torch.randn(2, 4)
    other = FieldType(gspaces.rot2dOnR2(8), [gspaces.rot2dOnR2(8).trivial_repr])(torch.randn(2, 1))
    with pytest.raises(ValueError, match="different gspaces"):
        tensor_directsum([a, other])
    with pytest.raises(ValueError, match="breaks"):
        a.split([0])
    with pytest.raises(ValueError, match="expected an element of C4"):
        a.transform(cyclic_group(8).element(1))

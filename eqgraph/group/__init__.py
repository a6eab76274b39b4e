"""Compact groups, their real irreducible representations, and representations built from them.

Groups are singletons made by factory functions; representations are stored as irreps plus a
change of basis (see :class:`Representation`). O(3) irreps follow e3nn's real basis.
"""
from .cyclic import CyclicGroup, InversionGroup, cyclic_group, inversion_group
from .cylinder import (
    cylinder_discrete_group,
    cylinder_group,
    full_cylinder_discrete_group,
    full_cylinder_group,
    klein4_group,
    trivial_group,
)
from .decomposition import decompose
from .dihedral import DihedralGroup, dihedral_group
from .direct_product import ContinuousDirectProductGroup, FiniteDirectProductGroup, direct_product, double_group
from .disentangle import disentangle
from .element import GroupElement
from .finite import FiniteGroup
from .group import Group, SubgroupMap
from .intertwiners import clebsch_gordan, homomorphism_basis
from .o2 import O2Group, o2_group
from .polyhedral import PolyhedralGroup, ico_group, octa_group
from .product import FullPolyhedralGroup, O3Group, full_ico_group, full_octa_group, o3_group
from .representation import InducedRepresentation, IrreducibleRepresentation, Representation, directsum
from .so2 import SO2Group, so2_group
from .so3 import SO3Group, so3_group

__all__ = [
    "Group", "FiniteGroup", "GroupElement", "SubgroupMap",
    "Representation", "IrreducibleRepresentation", "InducedRepresentation", "directsum", "disentangle", "decompose",
    "homomorphism_basis", "clebsch_gordan",
    "cyclic_group", "dihedral_group", "so2_group", "o2_group", "so3_group", "o3_group",
    "octa_group", "full_octa_group", "ico_group", "full_ico_group", "inversion_group",
    "CyclicGroup", "InversionGroup", "DihedralGroup", "SO2Group", "O2Group", "SO3Group", "O3Group",
    "PolyhedralGroup", "FullPolyhedralGroup",
    "direct_product", "double_group", "trivial_group", "klein4_group", "cylinder_group", "full_cylinder_group",
    "cylinder_discrete_group", "full_cylinder_discrete_group", "FiniteDirectProductGroup", "ContinuousDirectProductGroup",
]

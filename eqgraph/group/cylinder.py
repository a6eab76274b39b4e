"""The symmetry groups of a cylinder, and escnn's other small named groups.

A cylinder about the z axis is symmetric under rotations about that axis, the inversion
x -> -x, and (for the full cylinder) the rotations by pi about horizontal axes. As in escnn,
each group is the direct product of :math:`C_2` (the inversion, first factor) with a planar
group: so irrep ids are ``((j,), id_planar, i)``, e.g. ``cylinder_group().irrep((0,), (1,), 0)``
is invariant under the inversion and rotates with frequency 1 about the axis.
"""
from __future__ import annotations

from .continuous import check_maximum_frequency
from .cyclic import cyclic_group
from .dihedral import dihedral_group
from .direct_product import direct_product
from .o2 import o2_group
from .so2 import so2_group


def trivial_group():
    """The group with one element, :math:`C_1`."""
    return cyclic_group(1)


def klein4_group():
    r"""The Klein four-group :math:`C_2 \times C_2` (the symmetries of a rectangle)."""
    return direct_product(cyclic_group(2), cyclic_group(2))


def cylinder_group(maximum_frequency: int = 3):
    r""":math:`C_2 \times SO(2)`: rotations about the axis and the inversion. ``maximum_frequency``
    bounds the SO(2) frequencies listed by ``irreps()``."""
    return direct_product(cyclic_group(2), so2_group(check_maximum_frequency(maximum_frequency, "cylinder_group")))


def full_cylinder_group(maximum_frequency: int = 3):
    r""":math:`C_2 \times O(2)`: every symmetry of a cylinder (rotations about the axis, rotations by
    pi about horizontal axes, the inversion and their products: mirrors through the axis and
    across the middle plane)."""
    return direct_product(cyclic_group(2), o2_group(check_maximum_frequency(maximum_frequency, "full_cylinder_group")))


def cylinder_discrete_group(n: int):
    r""":math:`C_2 \times C_n`; for ``n = 2`` the Klein four-group, as in escnn."""
    return klein4_group() if n == 2 else direct_product(cyclic_group(2), cyclic_group(n))


def full_cylinder_discrete_group(n: int):
    r""":math:`C_2 \times D_n`: the symmetries of a prism with a regular n-gon base."""
    return direct_product(cyclic_group(2), dihedral_group(n))

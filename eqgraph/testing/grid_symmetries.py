"""The elements of a gspace's group that map the pixel or voxel grid onto itself."""
from __future__ import annotations

import itertools

import numpy as np

from ..group import ContinuousDirectProductGroup, GroupElement
from ..group.o2 import O2Group
from ..group.product import O3Group
from ..group.so2 import SO2Group
from ..group.so3 import SO3Group


def grid_symmetries(gspace) -> list[GroupElement]:
    """Every element of ``gspace.fibergroup`` whose action on R^d permutes the grid's axes and
    signs (90 degree rotations and flips): the elements for which grid equivariance is exact.
    Finite groups are filtered; SO(2), O(2), SO(3) and O(3) give their 4, 8, 24 and 48, and a
    direct product the pairs of its factors' candidates."""
    return [g for g in _candidates(gspace.fibergroup) if _is_signed_permutation(gspace.action_matrix(g))]


def _candidates(group) -> list[GroupElement]:
    """A finite set of elements containing every grid symmetry the group has."""
    if group.order() > 0:
        return list(group.elements)
    if isinstance(group, SO2Group):
        return [group.element(k * np.pi / 2) for k in range(4)]
    if isinstance(group, O2Group):
        return [group.element((f, k * np.pi / 2)) for f in (0, 1) for k in range(4)]
    if isinstance(group, (SO3Group, O3Group)):
        return [group.element(m) for m in _signed_permutations(3)
                if isinstance(group, O3Group) or np.linalg.det(m) > 0]
    if isinstance(group, ContinuousDirectProductGroup):
        return [group.pair_elements(a, b) for a in _candidates(group.G1) for b in _candidates(group.G2)]
    raise ValueError(f"no grid symmetries are known for {group.name}")


def _signed_permutations(d: int) -> list[np.ndarray]:
    out = []
    for perm in itertools.permutations(range(d)):
        for signs in itertools.product((1.0, -1.0), repeat=d):
            m = np.zeros((d, d))
            m[range(d), perm] = signs
            out.append(m)
    return out


def _is_signed_permutation(m: np.ndarray) -> bool:
    rounded = np.round(m)
    return bool(np.allclose(m, rounded, atol=1e-9) and np.all(np.abs(rounded).sum(0) == 1))

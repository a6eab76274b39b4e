"""The standard gspaces, with escnn's names."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..group import (
    cyclic_group,
    directsum,
    o2_group,
    o3_group,
    so2_group,
    so3_group,
)
from .gspace import GSpace


def _check_order(N, factory: str) -> int:
    if isinstance(N, (int, np.integer)) and not isinstance(N, bool) and (N == -1 or N >= 1):
        return int(N)
    raise ValueError(f"{factory} needs N = -1 (the continuous group) or an integer N >= 1, got {N!r}")


@lru_cache(maxsize=None)
def rot2dOnR2(N: int = -1, maximum_frequency: int = 6) -> GSpace:
    """Rotations of the plane: :math:`C_N`, or SO(2) for ``N = -1``."""
    N = _check_order(N, "rot2dOnR2")
    so2 = so2_group(maximum_frequency)
    if N == -1:
        return GSpace(so2, 2, so2.irrep(1), "SO(2)_on_R2")
    return GSpace(cyclic_group(N), 2, so2.irrep(1).restrict(N), f"C{N}_on_R2")


@lru_cache(maxsize=None)
def flipRot2dOnR2(N: int = -1, maximum_frequency: int = 6, axis: float = np.pi / 2) -> GSpace:
    """Rotations and reflections of the plane: :math:`D_N`, or O(2) for ``N = -1``; escnn's
    signature and meaning.

    The reflection of :math:`D_N` is across the line at angle ``axis`` from the first axis (the
    O(2) element ``(1, 2 * axis)``): the default, pi/2, is ``diag(-1, 1)``, negating the first
    coordinate, as in escnn and :func:`flip2dOnR2`."""
    N = _check_order(N, "flipRot2dOnR2")
    o2 = o2_group(maximum_frequency)
    if N == -1:
        return GSpace(o2, 2, o2.irrep(1, 1), "O(2)_on_R2")
    sub_id = (2 * axis, N)
    return GSpace(o2.subgroup(sub_id)[0], 2, o2.irrep(1, 1).restrict(sub_id), f"D{N}_on_R2")


@lru_cache(maxsize=None)
def flip2dOnR2(axis: float = np.pi / 2) -> GSpace:
    """One reflection of the plane, across the line at angle ``axis`` from the first axis
    (the default, pi/2, negates the first coordinate). The fiber group is :math:`C_2`."""
    o2 = o2_group(1)
    sub_id = (2 * axis, 1)
    return GSpace(o2.subgroup(sub_id)[0], 2, o2.irrep(1, 1).restrict(sub_id), "Flip_on_R2")


@lru_cache(maxsize=None)
def trivialOnR2() -> GSpace:
    """No symmetry: the trivial group acting on the plane."""
    group = cyclic_group(1)
    return GSpace(group, 2, directsum([group.trivial_representation] * 2), "Trivial_on_R2")


@lru_cache(maxsize=None)
def rot3dOnR3(maximum_frequency: int = 2) -> GSpace:
    """SO(3) acting on R^3 by rotation matrices (e3nn's ``1o`` up to parity)."""
    so3 = so3_group(maximum_frequency)
    return GSpace(so3, 3, so3.irrep(1), "SO(3)_on_R3")


@lru_cache(maxsize=None)
def flipRot3dOnR3(maximum_frequency: int = 2) -> GSpace:
    """O(3) acting on R^3: rotations and the inversion (e3nn's ``1o``)."""
    o3 = o3_group(maximum_frequency)
    return GSpace(o3, 3, o3.irrep(1, 1), "O(3)_on_R3")


def _o3_subspace(sub_id: str, name: str) -> GSpace:
    o3 = o3_group(1)
    return GSpace(o3.subgroup(sub_id)[0], 3, o3.irrep(1, 1).restrict(sub_id), name)


@lru_cache(maxsize=None)
def octaOnR3() -> GSpace:
    """The 24 rotations of the cube acting on R^3."""
    return _o3_subspace("octa", "Octa_on_R3")


@lru_cache(maxsize=None)
def fullOctaOnR3() -> GSpace:
    """The 48 symmetries of the cube acting on R^3."""
    return _o3_subspace("fullocta", "FullOcta_on_R3")


@lru_cache(maxsize=None)
def icoOnR3() -> GSpace:
    """The 60 rotations of the icosahedron acting on R^3."""
    return _o3_subspace("ico", "Ico_on_R3")


@lru_cache(maxsize=None)
def fullIcoOnR3() -> GSpace:
    """The 120 symmetries of the icosahedron acting on R^3."""
    return _o3_subspace("fullico", "FullIco_on_R3")


@lru_cache(maxsize=None)
def mirOnR3() -> GSpace:
    """One mirror symmetry of R^3, z -> -z (fiber group :math:`C_2`)."""
    return _o3_subspace("mir", "Mir_on_R3")


@lru_cache(maxsize=None)
def invOnR3() -> GSpace:
    """The inversion x -> -x of R^3 (fiber group: the inversion group)."""
    return _o3_subspace("inv", "Inv_on_R3")


@lru_cache(maxsize=None)
def trivialOnR3() -> GSpace:
    """No symmetry: the trivial group acting on R^3."""
    group = cyclic_group(1)
    return GSpace(group, 3, directsum([group.trivial_representation] * 3), "Trivial_on_R3")


# ---------------------------------------------------------------------- subgroups of O(3) keeping the z axis
def _axial_gspace(head, flip, n, adjoint, maximum_frequency, factory: str, label: str) -> GSpace:
    n = _check_order(n, factory)
    sub_id = (head, flip, n) if adjoint is None else (head, flip, n, adjoint)
    o3 = o3_group(maximum_frequency)
    canonical = o3._normalize_subgroup_id(sub_id)
    return _cached_axial_gspace(canonical, maximum_frequency, label)


@lru_cache(maxsize=None)
def _cached_axial_gspace(sub_id, maximum_frequency: int, label: str) -> GSpace:
    o3 = o3_group(maximum_frequency)
    group = o3.subgroup(sub_id)[0]
    return GSpace(group, 3, o3.irrep(1, 1).restrict(sub_id), f"{label + '_' if label else ''}{group.name}_on_R3")


def rot2dOnR3(n: int = -1, adjoint=None, maximum_frequency: int = 2) -> GSpace:
    """Rotations about the z axis acting on R^3: :math:`C_n`, or SO(2) for ``n = -1`` (escnn's
    signature). ``adjoint``, an O(3) element or orthogonal matrix A, turns the axis to
    :math:`A^{-1} e_z`."""
    return _axial_gspace(False, False, n, adjoint, maximum_frequency, "rot2dOnR3", "")


def dihedralOnR3(n: int = -1, axis: float = np.pi / 2, adjoint=None, maximum_frequency: int = 2) -> GSpace:
    """Rotations about z and the rotations by pi about the horizontal line at angle ``axis`` from
    the x axis: :math:`D_n`, or O(2) for ``n = -1`` (escnn's signature; the default flip is
    ``diag(-1, 1, -1)``)."""
    return _axial_gspace(False, 2 * float(axis), n, adjoint, maximum_frequency, "dihedralOnR3", "")


def conicalOnR3(n: int = -1, axis: float = np.pi / 2, adjoint=None, maximum_frequency: int = 2) -> GSpace:
    """The symmetries of a cone about z: rotations about z and the mirrors through vertical planes,
    the first through the line at angle ``axis`` from the x axis (default: ``diag(-1, 1, 1)``);
    :math:`D_n` or O(2) (escnn's signature)."""
    return _axial_gspace("cone", 2 * float(axis), n, adjoint, maximum_frequency, "conicalOnR3", "Conical")


def cylindricalOnR3(n: int = -1, adjoint=None, maximum_frequency: int = 2) -> GSpace:
    r"""Rotations about z and the inversion: :math:`C_2 \times C_n`, or :math:`C_2 \times SO(2)`
    for ``n = -1`` (escnn's signature)."""
    return _axial_gspace(True, False, n, adjoint, maximum_frequency, "cylindricalOnR3", "")


def fullCylindricalOnR3(n: int = -1, axis: float = np.pi / 2, adjoint=None, maximum_frequency: int = 2) -> GSpace:
    r"""Every symmetry of a cylinder about z: :math:`C_2 \times D_n`, or :math:`C_2 \times O(2)` for
    ``n = -1`` (escnn's signature). As in escnn 1.0.11, the flips are rotations by pi about the
    horizontal line at angle ``axis / 2`` (not ``axis``: the default flip swaps x and y)."""
    return _axial_gspace(True, float(axis), n, adjoint, maximum_frequency, "fullCylindricalOnR3", "")

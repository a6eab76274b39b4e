r"""The subgroups of O(3) that keep an axis (escnn's planar and cylinder subgroups).

With the axis along z (or along :math:`A^{-1} e_z` for an ``adjoint`` element A), an element is
described by ``(i, f, theta)``: the map :math:`(-1)^i R_z(\theta) F^f` where F is a *flip*:

- ``"dihedral"`` and ``"fullcylinder"``: the rotation by pi about the horizontal line at angle
  ``line`` from the x axis (in the plane: the reflection across that line; z -> -z);
- ``"cone"``: the mirror through the vertical plane containing that line (z unchanged).

The kinds, escnn's ids (``line`` the flip line's angle, N = -1 for the continuous group) and
their groups for N = -1, 1, 2 and N >= 3:

- ``"rotations"``, ``(False, False, N)``: SO(2), C_1, C_2, C_N (proper);
- ``"dihedral"``, ``(False, 2 line, N)``: O(2), C_2 (the flip), D_2, D_N (proper);
- ``"cone"``, ``('cone', 2 line, N)``: O(2), C_2 (the mirror), D_2, D_N;
- ``"cylinder"``, ``(True, False, N)``: C_2 x SO(2), C_2 (the inversion), K_4, C_2 x C_N;
- ``"fullcylinder"``, ``(True, 2 line, N)``: C_2 x O(2), K_4, C_2 x D_2, C_2 x D_N.

Any of these ids takes a fourth entry, the ``adjoint`` (an O(3) or SO(3) element or a 3 x 3
orthogonal matrix A): the subgroup becomes :math:`A^{-1} H A`.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .continuous import TWO_PI, same_angle, wrap_angle
from .cyclic import cyclic_group
from .cylinder import (
    cylinder_discrete_group,
    cylinder_group,
    full_cylinder_discrete_group,
    full_cylinder_group,
    klein4_group,
)
from .dihedral import dihedral_group
from .element import GroupElement
from .o2 import o2_group
from .planar import planar_rotation
from .rotations import as_float_matrix, rotation_z
from .so2 import so2_group

KINDS = ("rotations", "dihedral", "cone", "cylinder", "fullcylinder")
PROPER_KINDS = ("rotations", "dihedral")
_ESCNN_KIND = {(False, False): "rotations", (False, True): "dihedral", ("cone", True): "cone",
               (True, False): "cylinder", (True, True): "fullcylinder"}
_FLIP_KINDS = ("dihedral", "cone", "fullcylinder")
_TOL = 1e-9


class AxialSubgroup(NamedTuple):
    """Canonical id of a subgroup keeping an axis: ``line`` is the flip's line angle in [0, pi)
    (0.0 for kinds without flips), ``adjoint`` the rotation part of A as a tuple (None for A = 1)."""

    kind: str
    line: float
    N: int
    adjoint: tuple | None


def parse_axial_id(id, kinds=KINDS) -> AxialSubgroup | None:
    """The canonical id of escnn's tuple ``id`` (see the module), None if ``id`` is not of this
    form; raises ValueError for a malformed one of this form or a kind outside ``kinds``."""
    if isinstance(id, AxialSubgroup):
        if id.kind not in kinds:
            raise ValueError(f"{id!r} is not a subgroup here; this group has the kinds {list(kinds)}")
        return id
    if not (isinstance(id, tuple) and len(id) in (3, 4)):
        return None
    if not (isinstance(id[0], (bool, np.bool_)) or (isinstance(id[0], str) and id[0] == "cone")):
        return None
    head, flip, N = id[0], id[1], id[2]
    has_flip = not (isinstance(flip, (bool, np.bool_)) and not flip)
    if has_flip and not (isinstance(flip, (int, float, np.integer, np.floating)) and not isinstance(flip, (bool, np.bool_))
                         and np.isfinite(flip)):
        raise ValueError(f"the second entry of the axial subgroup id {id!r} must be False or a finite angle "
                         "(twice the flip line's angle)")
    kind = _ESCNN_KIND.get((bool(head) if head != "cone" else "cone", has_flip))
    if kind is None or kind not in kinds:
        raise ValueError(f"{id!r} is not an axial subgroup id here; this group has the kinds {list(kinds)}")
    if not isinstance(N, (int, np.integer)) or isinstance(N, bool) or not (N == -1 or N >= 1):
        raise ValueError(f"the third entry of the axial subgroup id {id!r} must be -1 (continuous) or an integer N >= 1")
    line = float(np.mod(float(flip) / 2, np.pi)) if has_flip else 0.0
    adjoint = _adjoint_key(id[3]) if len(id) == 4 else None
    return AxialSubgroup(kind, line, int(N), adjoint)


def _adjoint_key(adjoint) -> tuple | None:
    if adjoint is None:
        return None
    m = _element_matrix(adjoint.param) if isinstance(adjoint, GroupElement) else adjoint
    m = as_float_matrix(m)
    if m is None or m.shape != (3, 3) or not np.allclose(m.T @ m, np.eye(3), atol=1e-6):
        raise ValueError(f"the adjoint of an axial subgroup must be an O(3) element or a 3 x 3 orthogonal matrix, "
                         f"got {adjoint!r}")
    rotation = np.sign(np.linalg.det(m)) * m
    if np.allclose(rotation, np.eye(3), atol=1e-12):
        return None
    return tuple(rotation.ravel() + 0.0)


def _element_matrix(param):
    """The matrix of an O(3) parameter ``(i, R)`` or an SO(3) parameter ``R``."""
    if isinstance(param, tuple) and len(param) == 2 and param[0] in (0, 1):
        return (-1) ** param[0] * np.asarray(param[1])
    return param


def axial_group(sub: AxialSubgroup, maximum_frequency: int):
    """The abstract group of the subgroup (see the module's table)."""
    kind, N = sub.kind, sub.N
    if kind == "rotations":
        return so2_group(maximum_frequency) if N == -1 else cyclic_group(N)
    if kind in ("dihedral", "cone"):
        return o2_group(maximum_frequency) if N == -1 else cyclic_group(2) if N == 1 else dihedral_group(N)
    if kind == "cylinder":
        return cylinder_group(maximum_frequency) if N == -1 else cyclic_group(2) if N == 1 else cylinder_discrete_group(N)
    return full_cylinder_group(maximum_frequency) if N == -1 else klein4_group() if N == 1 else full_cylinder_discrete_group(N)


def _to_parts(sub: AxialSubgroup, p) -> tuple[int, int, float]:
    """``(i, f, theta)`` of the subgroup element with parameter ``p``."""
    kind, N = sub.kind, sub.N
    step = TWO_PI / N if N > 0 else None
    if kind == "rotations":
        return 0, 0, p if N == -1 else step * p
    if kind in ("dihedral", "cone"):
        if N == 1:
            return 0, p, 0.0
        return 0, p[0], p[1] if N == -1 else step * p[1]
    if kind == "cylinder" and N == 1:
        return p, 0, 0.0
    i, q = p
    if kind == "cylinder":
        return i, 0, q if N == -1 else step * q
    if N == 1:
        return i, q, 0.0
    return i, q[0], q[1] if N == -1 else step * q[1]


def _from_parts(sub: AxialSubgroup, i: int, f: int, theta: float):
    """The subgroup parameter of ``(i, f, theta)``, or None when theta is not a multiple of 2 pi / N."""
    kind, N = sub.kind, sub.N
    if N == -1:
        r = wrap_angle(theta)
    else:
        r = int(round(theta * N / TWO_PI)) % N
        if not same_angle(theta, TWO_PI * r / N):
            return None
    if kind == "rotations":
        return r
    if kind in ("dihedral", "cone"):
        return f if N == 1 else (f, r)
    if kind == "cylinder":
        return i if N == 1 else (i, r)
    return (i, f) if N == 1 else (i, (f, r))


def _flip(sub: AxialSubgroup) -> np.ndarray:
    c, s = np.cos(2 * sub.line), np.sin(2 * sub.line)
    return np.array([[c, s, 0.0], [s, -c, 0.0], [0.0, 0.0, 1.0 if sub.kind == "cone" else -1.0]])


def axial_matrix(sub: AxialSubgroup, p) -> np.ndarray:
    """The 3 x 3 orthogonal matrix of the subgroup element with parameter ``p``."""
    i, f, theta = _to_parts(sub, p)
    m = rotation_z(theta) @ (_flip(sub) if f else np.eye(3))
    m = -m if i else m
    if sub.adjoint is not None:
        a = np.array(sub.adjoint).reshape(3, 3)
        m = a.T @ m @ a
    return m


def axial_restrict(sub: AxialSubgroup, matrix: np.ndarray):
    """The subgroup parameter of the orthogonal ``matrix``, or None if it is not in the subgroup."""
    m = np.asarray(matrix, dtype=np.float64)
    if sub.adjoint is not None:
        a = np.array(sub.adjoint).reshape(3, 3)
        m = a @ m @ a.T
    if not (np.allclose(m[2, :2], 0, atol=_TOL) and np.allclose(m[:2, 2], 0, atol=_TOL)):
        return None
    z_sign, planar = (1 if m[2, 2] > 0 else -1), m[:2, :2]
    f = int(np.linalg.det(planar) < 0)
    if f and sub.kind not in _FLIP_KINDS:
        return None
    if sub.kind in ("rotations", "dihedral", "cone"):
        i = 0
    elif sub.kind == "cylinder":
        i = int(z_sign < 0)
    else:
        i = int(z_sign < 0) ^ f
    in_plane_flip = _flip(sub)[:2, :2]
    rotation = (-1) ** i * planar @ (in_plane_flip if f else np.eye(2))
    theta = float(np.arctan2(rotation[1, 0], rotation[0, 0]))
    if not np.allclose(rotation, planar_rotation(theta), atol=_TOL):
        return None
    p = _from_parts(sub, i, f, theta)
    if p is None or not np.allclose(axial_matrix(sub, p), matrix, atol=1e-8):
        return None
    return p

"""Rotation matrices of R^3 and their Wigner-D matrices: what SO(3) and its finite subgroups share."""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np

MATRIX_TOL = 1e-6


def rotation_z(theta: float) -> np.ndarray:
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


ROTATION_X_PI = np.diag([1.0, -1.0, -1.0])


def quaternion_to_matrix(q: np.ndarray) -> np.ndarray:
    w, x, y, z = q / np.linalg.norm(q)
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])


def as_float_matrix(value) -> np.ndarray | None:
    """``value`` as a float64 array if it is an array, list or tuple of numbers; None otherwise."""
    if not isinstance(value, (np.ndarray, list, tuple)):
        return None
    try:
        return np.asarray(value, dtype=np.float64)
    except (ValueError, TypeError):
        return None


def frozen(matrix: np.ndarray) -> np.ndarray:
    m = np.array(matrix, dtype=np.float64)
    m.setflags(write=False)
    return m


def matrix_key(matrix: np.ndarray) -> tuple:
    """A hashable key of a rotation matrix, for looking up finite groups' elements."""
    return tuple(np.round(matrix, 6).ravel() + 0.0)


@contextmanager
def e3nn_float64():
    """e3nn builds its so(3) generators in torch's default dtype; in float32 its Wigner-D
    matrices are homomorphisms only to 1e-6, in float64 to 1e-14."""
    import torch

    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def wigner_d(l: int, matrix: np.ndarray) -> np.ndarray:
    """e3nn's real Wigner-D matrix of degree l (for l = 1 it is the matrix itself), in float64."""
    if l == 0:
        return np.ones((1, 1))
    if l == 1:
        return np.array(matrix, dtype=np.float64)
    import torch
    from e3nn import o3

    with e3nn_float64():
        return o3.Irrep(l, 1).D_from_matrix(torch.tensor(np.asarray(matrix), dtype=torch.float64)).numpy()

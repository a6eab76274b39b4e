"""Finite sets of group elements and sphere points on which band-limited features are sampled."""
from __future__ import annotations

import functools
import itertools
import math

import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.transform import Rotation

from ...group import ContinuousDirectProductGroup, GroupElement
from ...group.o2 import O2Group
from ...group.product import O3Group
from ...group.so2 import SO2Group
from ...group.rotations import wigner_d
from ...group.so3 import SO3Group

SAMPLES_PER_COEFFICIENT = 20
"""Default number of samples per band-limited coefficient (continuous groups)."""


def group_grid(group, N: int, grid_symmetric: bool = False) -> list[GroupElement]:
    """About ``N`` elements of ``group`` for sampling functions on it. Finite groups give all
    their elements; SO(2) N equally spaced rotations (closed under C_N); O(2) those and their
    reflections; SO(3) a super-Fibonacci spiral of N rotations (nearly uniform); O(3) N / 2 of
    those and their products with the inversion. ``grid_symmetric``: a set closed under the
    rotations of the pixel or voxel grid, so that features sampled on it are exactly equivariant
    under them (N rounded up to a multiple of 8 for SO(2) and O(2); for SO(3) and O(3) the cube's
    24 rotations times N / 24 evenly spread coset representatives)."""
    if group.order() > 0:
        return list(group.elements)
    if isinstance(group, ContinuousDirectProductGroup):
        return _product_grid(group, N, grid_symmetric)
    if grid_symmetric and isinstance(group, (SO2Group, O2Group)):
        N = 8 * -(-N // 8)  # closed under the quarter turns
    if isinstance(group, SO2Group):
        return [group.element(2 * math.pi * k / N) for k in range(N)]
    if isinstance(group, O2Group):
        half = max(1, N // 2)
        return [group.element((f, 2 * math.pi * k / half)) for f in (0, 1) for k in range(half)]
    rotations_of = _cube_symmetric_rotations if grid_symmetric else _super_fibonacci_rotations
    if isinstance(group, SO3Group):
        return [group.element(m) for m in rotations_of(N)]
    if isinstance(group, O3Group):
        rotations = rotations_of(max(1, N // 2))
        return [group.element((f, m)) for f in (0, 1) for m in rotations]
    raise ValueError(f"no sampling grid is defined for {group.name}")


def _product_grid(group, N: int, grid_symmetric: bool) -> list[GroupElement]:
    """Pairs of the factors' grids: a finite factor's every element, N / its order for the other,
    or about sqrt(N) each when both are continuous."""
    finite_order = max(group.G1.order(), group.G2.order())  # -1 when both are continuous
    n = max(1, N // finite_order) if finite_order > 0 else max(1, math.ceil(math.sqrt(N)))
    first, second = (group_grid(F, n, grid_symmetric) for F in (group.G1, group.G2))
    return [group.pair_elements(a, b) for a in first for b in second]


def irrep_values(irrep, elements: list[GroupElement]) -> np.ndarray:
    """``[n, d, d]``: the irrep at every element (SO(3) evaluates all Wigner-D matrices at once)."""
    if isinstance(irrep.group, SO3Group) and elements:
        if irrep.size == 1:
            return np.ones((len(elements), 1, 1))
        return wigner_d(irrep.size // 2, np.stack([g.param for g in elements]))
    return np.stack([irrep(g) for g in elements])


def _cube_symmetric_rotations(N: int) -> np.ndarray:
    """``[24 ceil(N / 24), 3, 3]``: the cube's 24 rotations times each of ceil(N / 24) coset
    representatives (left multiplication: the set is closed under the cube's rotations). The
    representatives are the centroids of a centroidal Voronoi tessellation of the cosets
    (:func:`_centroidal_cosets`): at 216 samples this has a fifth of the equivariance error, under
    rotations off the grid, of representatives taken from a spiral."""
    cube = _cube_quaternions()
    representatives = _centroidal_cosets(max(1, -(-N // 24)))
    return Rotation.from_quat(_quaternion_product(cube[:24, None], representatives[None]).reshape(-1, 4)).as_matrix()


def _cube_quaternions() -> np.ndarray:
    """``[48, 4]``: the unit quaternions (x, y, z, w) of the cube's 24 rotations, then their negatives."""
    signed = [np.diag(signs) @ np.eye(3)[list(order)] for order in itertools.permutations(range(3))
              for signs in itertools.product((1, -1), repeat=3)]
    quaternions = Rotation.from_matrix(np.stack([m for m in signed if np.linalg.det(m) > 0])).as_quat()
    return np.concatenate([quaternions, -quaternions])


@functools.lru_cache(maxsize=16)
def _centroidal_cosets(k: int, iterations: int = 30) -> np.ndarray:
    """``[k, 4]``: k unit quaternions spread evenly over the cosets of the cube's rotation group
    O in SO(3) (the classes :math:`O r`), by Lloyd's algorithm on a dense spiral of rotations:
    start from farthest-point picks, then move each representative to the mean of the spiral's
    rotations nearest its coset, those rotations first brought next to it by an element of O.
    Deterministic; read-only (cached by ``k``)."""
    cube = _cube_quaternions()
    dense = Rotation.from_matrix(_super_fibonacci_rotations(max(4000, 500 * k))).as_quat()
    closeness = np.zeros(len(dense))  # |<p, c r>| maximised over c and the picks r so far
    picks = [0]
    for _ in range(k - 1):
        orbit = _quaternion_product(cube, dense[picks[-1]])
        closeness = np.maximum(closeness, np.abs(dense @ orbit.T).max(1))
        picks.append(int(np.argmin(closeness)))
    representatives = dense[picks]
    for _ in range(iterations):
        orbits = _quaternion_product(cube[None], representatives[:, None]).reshape(-1, 4)  # [k * 48, 4]
        nearest = cKDTree(orbits).query(dense)[1]  # nearest in R^4; O's 48 quaternions hold both signs
        owner, element = np.divmod(nearest, len(cube))
        inverse = cube[element] * np.array([-1.0, -1.0, -1.0, 1.0])
        local = _quaternion_product(inverse, dense)  # next to its owner's representative
        sums = np.zeros((k, 4))
        np.add.at(sums, owner, local)
        lengths = np.linalg.norm(sums, axis=1, keepdims=True)
        representatives = np.where(lengths > 0, sums / np.maximum(lengths, 1e-300), representatives)  # empty cells stay
    representatives.setflags(write=False)
    return representatives


def _quaternion_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The Hamilton product of quaternions stored (x, y, z, w), broadcast over leading axes."""
    x1, y1, z1, w1 = np.moveaxis(a, -1, 0)
    x2, y2, z2, w2 = np.moveaxis(b, -1, 0)
    return np.stack([w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2, w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
                     w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2, w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2], axis=-1)


def _super_fibonacci_rotations(N: int) -> np.ndarray:
    """``[N, 3, 3]``: Alexa's super-Fibonacci spiral of unit quaternions, as rotation matrices."""
    phi, psi = math.sqrt(2.0), 1.533751168755204288118041  # psi^4 = psi + 4
    s = np.arange(N) + 0.5
    r, R = np.sqrt(s / N), np.sqrt(1 - s / N)
    alpha, beta = 2 * math.pi * s / phi, 2 * math.pi * s / psi
    w, x, y, z = r * np.sin(alpha), r * np.cos(alpha), R * np.sin(beta), R * np.cos(beta)
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], axis=-1),
        np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], axis=-1),
        np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], axis=-1),
    ], axis=1)


def sphere_grid(N: int) -> np.ndarray:
    """``[N, 3]`` unit vectors of a Fibonacci lattice: nearly uniform, so averages over it
    converge about as fast as 1/N."""
    k = np.arange(N) + 0.5
    z = 1 - 2 * k / N
    angle = math.pi * (1 + math.sqrt(5)) * k
    r = np.sqrt(1 - z * z)
    return np.stack([r * np.cos(angle), r * np.sin(angle), z], axis=1)

"""How far the SO(3) Fourier ELU is from equivariant under rotations off the voxel grid, for
its sample sets: the grid-symmetric one (the cube's 24 rotations times coset representatives
placed by Lloyd's algorithm, exactly equivariant under the grid's rotations), the earlier
grid-symmetric one (the cube's rotations times a super-Fibonacci spiral of N / 24) and a plain
spiral of N (not grid-symmetric).

One field of irreps 0 and 1 (size 10, the tetris voxel model's), 2,000 random coefficient
vectors of unit scale, 20 random rotations; the error is
:math:`\\lVert f(\\rho(g) x) - \\rho(g) f(x) \\rVert / \\lVert f(x) \\rVert`, averaged.

    python benchmarks/fourier_sampling_error.py
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.spatial.transform import Rotation

from eqgraph import gspaces
from eqgraph.fields import GeometricTensor
from eqgraph.nn import FourierELU
from eqgraph.nn.nonlinearities import sampling_grids
from eqgraph.testing import random_elements

SAMPLES = (216, 432, 1000, 3000)


def cube_times_spiral(N: int) -> np.ndarray:
    """The earlier grid-symmetric set: the cube's 24 rotations times a spiral of N / 24."""
    cube = Rotation.from_quat(sampling_grids._cube_quaternions()[:24]).as_matrix()
    spiral = sampling_grids._super_fibonacci_rotations(-(-N // 24))
    return np.einsum("cij,sjk->scik", cube, spiral).reshape(-1, 3, 3)


def mean_error(module: FourierELU, x: torch.Tensor, elements) -> float:
    field_type = module.in_type
    out = module(GeometricTensor(x, field_type)).tensor
    errors = []
    for g in elements:
        turn = torch.as_tensor(field_type.representation(g), dtype=x.dtype)
        moved = module(GeometricTensor(x @ turn.T, field_type)).tensor
        errors.append(((moved - out @ turn.T).norm(dim=1) / out.norm(dim=1)).mean().item())
    return float(np.mean(errors))


def main() -> None:
    torch.set_default_dtype(torch.float64)
    gs = gspaces.rot3dOnR3(maximum_frequency=1)
    x = torch.randn(2000, 10, generator=torch.Generator().manual_seed(0))
    elements = random_elements(gs.fibergroup, 20, generator=1)
    print(f"{'samples':>8s} {'cube x cosets':>14s} {'cube x spiral':>14s} {'plain spiral':>13s}")
    library_set = sampling_grids._cube_symmetric_rotations
    for N in SAMPLES:
        now = FourierELU(gs, 1, gs.irreps, N=N, grid_symmetric=True)
        sampling_grids._cube_symmetric_rotations = cube_times_spiral
        try:
            before = FourierELU(gs, 1, gs.irreps, N=N, grid_symmetric=True)
        finally:
            sampling_grids._cube_symmetric_rotations = library_set
        plain = FourierELU(gs, 1, gs.irreps, N=len(now.sampling))
        errors = [mean_error(m, x, elements) for m in (now, before, plain)]
        print(f"{len(now.sampling):8d} " + " ".join(f"{100 * e:13.3f}%" for e in errors), flush=True)


if __name__ == "__main__":
    main()

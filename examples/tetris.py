"""3D tetris: eight shapes of four cubes, learnt in one orientation, recognised in any.

Each shape is shown to the models once, in its canonical orientation, as a voxel grid (a
Gaussian blob at every cube's centre, 3 voxels per cube side on 22^3 voxels) and as a point cloud
(the four centres). ``SteerableCNN3d("SO3")`` and ``PointCloudClassifier("SO3")`` from eqgraph
train on those eight examples, then classify the shapes under random rotations (and
translations for the point clouds). Two of the shapes are mirror images of each other: SO(3)
models tell them apart, O(3) models cannot by construction, and the script shows that too. The
SO(3) voxel model reads invariants that change sign with a mirror image (triple products of the
volume's Gaussian-smoothed gradients, ``eqgraph.nn.ScaleSpaceChirality``; ``--no-handedness``
leaves them out) and blurs its features before every convolution after the first
(``feature_blur``); its learning rate is annealed to 0 by a cosine over 150 steps. Before
testing, its batch-norm statistics are recomputed at its final weights (``update_batch_norm``).
The defaults take about 9 CPU minutes, most of them the voxel model's; ``--grid 12
--voxels-per-cube 2`` with ``--no-handedness --feature-blur 0`` and a smaller model runs in
seconds and shows what coarse voxels cost.

    python examples/tetris.py [--rotations 100] [--seed 0]
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch_geometric.data import Batch, Data

from eqgraph.models import PointCloudClassifier, SteerableCNN3d
from eqgraph.nn import update_batch_norm
from eqgraph.testing import random_elements

SHAPES = {  # cube positions in units of the cube side
    "chiral 1": [(0, 0, 0), (0, 0, 1), (1, 0, 0), (1, 1, 0)],
    "chiral 2": [(0, 0, 0), (0, 0, 1), (1, 0, 0), (1, -1, 0)],
    "square": [(0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 0)],
    "line": [(0, 0, 0), (0, 0, 1), (0, 0, 2), (0, 0, 3)],
    "corner": [(0, 0, 0), (0, 0, 1), (0, 1, 0), (1, 0, 0)],
    "L": [(0, 0, 0), (0, 0, 1), (0, 0, 2), (0, 1, 0)],
    "T": [(0, 0, 0), (0, 0, 1), (0, 0, 2), (0, 1, 1)],
    "zigzag": [(0, 0, 0), (1, 0, 0), (1, 1, 0), (2, 1, 0)],
}
GRID = 22
VOXELS_PER_CUBE = 3.0
BLOB_WIDTH = 0.4


def centred_shapes() -> list[torch.Tensor]:
    shapes = [torch.tensor(cubes, dtype=torch.float64) for cubes in SHAPES.values()]
    return [s - s.mean(0) for s in shapes]


def voxelise(points: torch.Tensor, grid: int = GRID, voxels_per_cube: float = VOXELS_PER_CUBE,
             blob_width: float = BLOB_WIDTH) -> torch.Tensor:
    """``[1, grid, grid, grid]``: a Gaussian blob (sigma ``blob_width`` cube sides) at every point,
    in a grid centred on the origin (coordinate k along spatial axis k, as eqgraph's grids)."""
    axis = torch.arange(grid, dtype=torch.float64) - (grid - 1) / 2
    grid = torch.stack(torch.meshgrid(axis, axis, axis, indexing="ij"), -1)
    centres = points * voxels_per_cube
    squared = (grid[None] - centres[:, None, None, None]).square().sum(-1)
    return torch.exp(-squared / (2 * (blob_width * voxels_per_cube) ** 2)).sum(0, keepdim=True).float()


def rotations(count: int, seed: int) -> list[torch.Tensor]:
    from eqgraph import gspaces

    gs = gspaces.rot3dOnR3()
    return [torch.as_tensor(gs.action_matrix(g)) for g in random_elements(gs.fibergroup, count, generator=seed)]


def cube_rotations() -> list[torch.Tensor]:
    """The 24 rotations that map the voxel grid onto itself."""
    import itertools

    signed = [torch.diag(torch.tensor(signs, dtype=torch.float64)) @ torch.eye(3, dtype=torch.float64)[list(order)]
              for order in itertools.permutations(range(3)) for signs in itertools.product((1.0, -1.0), repeat=3)]
    return [m for m in signed if torch.det(m) > 0]


def train(model, draw_inputs, labels, steps: int, lr: float = 3e-3, schedule: str = "constant") -> float:
    """Adam on cross-entropy, on a batch ``draw_inputs()`` draws for every step, at a constant
    learning rate or one annealed from ``lr`` to 0 by a cosine (``schedule="cosine"``)."""
    if schedule not in ("constant", "cosine"):
        raise ValueError(f"schedule must be 'constant' or 'cosine', got {schedule!r}")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    start = time.process_time()
    model.train()
    for step in range(steps):
        if schedule == "cosine":
            optimizer.param_groups[0]["lr"] = lr * 0.5 * (1 + math.cos(math.pi * step / steps))
        loss = F.cross_entropy(model(draw_inputs()), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    return time.process_time() - start


def cloud_batch(shapes, turns=None, shifts=None) -> Batch:
    items = []
    for k, shape in enumerate(shapes):
        pos = shape if turns is None else shape @ turns[k].T + shifts[k]
        items.append(Data(pos=pos.float()))
    return Batch.from_data_list(items)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rotations", type=int, default=100, help="random rotations of every shape to test on")
    parser.add_argument("--steps", type=int, default=300, help="the point-cloud models' training steps")
    parser.add_argument("--voxel-group", default="SO3", help="the voxel model's group (SO3, O3, octa, ...)")
    parser.add_argument("--voxel-channels", type=int, nargs="+", default=[3, 6], help="the voxel model's fields per stage")
    parser.add_argument("--voxel-frequency", type=int, default=1, help="band limit of the voxel model's SO(3) fields")
    parser.add_argument("--kernel-size", type=int, default=7, help="the voxel model's first stencil (the others are 3)")
    parser.add_argument("--kernel-frequency", type=lambda v: None if v == "none" else int(v), default=2,
                        help="band limit of the voxel model's kernels (lower: smoother, closer to invariant off the "
                             "grid; 'none': the stencil's default)")
    parser.add_argument("--fourier-samples", type=int, default=None,
                        help="rotations the voxel model's Fourier ELU samples (default: 20 per field dimension)")
    parser.add_argument("--pooling", default="antialiased", choices=["average", "antialiased"],
                        help="the voxel model's pooling between stages (antialiased: blurred first; on 12^3 voxels "
                             "it blurs the shapes away)")
    parser.add_argument("--feature-blur", type=float, default=0.8,
                        help="the voxel model's Gaussian blur (sigma in voxels) before every convolution after the "
                             "first (0: none)")
    parser.add_argument("--grid", type=int, default=GRID, help="voxels along each side")
    parser.add_argument("--voxels-per-cube", type=float, default=VOXELS_PER_CUBE, help="voxels along a cube's side")
    parser.add_argument("--blob-width", type=float, default=BLOB_WIDTH, help="the voxel blobs' sigma in cube sides")
    parser.add_argument("--voxel-lr", type=float, default=1e-2, help="the voxel model's Adam learning rate")
    parser.add_argument("--voxel-steps", type=int, default=150, help="the voxel model's training steps")
    parser.add_argument("--voxel-schedule", default="cosine", choices=["constant", "cosine"],
                        help="the voxel model's learning rate: constant, or annealed to 0 by a cosine over its steps")
    parser.add_argument("--voxel-shift", type=float, default=0.0,
                        help="shift the voxel model's training shapes by up to this many voxels (random, every step)")
    parser.add_argument("--handedness", action=argparse.BooleanOptionalAction, default=True,
                        help="the voxel model's head also reads invariants that change sign with a mirror image "
                             "(SO3: the volume's scale-space triple products; O3: pseudo-scalar fields)")
    parser.add_argument("--voxels-only", action="store_true", help="skip the point-cloud models")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--output", default="runs/tetris")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    shapes, labels = centred_shapes(), torch.arange(len(SHAPES))
    turns = rotations(args.rotations * len(shapes), args.seed)
    test_shapes = [shapes[k % len(shapes)] for k in range(len(turns))]
    test_labels = torch.arange(len(turns)) % len(shapes)
    shifts = torch.randn(len(turns), 3, generator=torch.Generator().manual_seed(args.seed), dtype=torch.float64)
    results = {}

    for group in () if args.voxels_only else ("SO3", "O3"):
        torch.manual_seed(args.seed)
        model = PointCloudClassifier(group, num_classes=len(SHAPES), channels=16, lmax=2, radii=(1.1, 2.5),
                                     samples=(4, 4))
        clouds = cloud_batch(shapes)
        seconds = train(model, lambda: clouds, labels, args.steps)
        with torch.no_grad():
            predicted = model(cloud_batch(test_shapes, turns, shifts)).argmax(1)
        results[f"PointCloudClassifier {group}"] = dict(accuracy=float((predicted == test_labels).float().mean()),
                                                        cpu_seconds=seconds, parameters=_count(model))

    torch.manual_seed(args.seed)
    model = SteerableCNN3d(args.voxel_group, num_classes=len(SHAPES), channels=args.voxel_channels,
                           kernel_size=args.kernel_size,
                           maximum_frequency=args.voxel_frequency, kernel_frequency=args.kernel_frequency,
                           fourier_samples=args.fourier_samples, pooling=args.pooling, handedness=args.handedness,
                           feature_blur=args.feature_blur or None)
    generator = torch.Generator().manual_seed(args.seed)

    def volumes():  # the canonical shapes, each shifted by up to --voxel-shift voxels along every axis
        offsets = (2 * torch.rand(len(shapes), 3, generator=generator, dtype=torch.float64) - 1) * args.voxel_shift
        return torch.stack([voxelise(s + t / args.voxels_per_cube, args.grid, args.voxels_per_cube, args.blob_width)
                            for s, t in zip(shapes, offsets)])

    seconds = train(model, volumes, labels, args.voxel_steps, lr=args.voxel_lr, schedule=args.voxel_schedule)
    # the running statistics of the last steps lag the final weights: recompute them at those weights
    update_batch_norm(model, [torch.stack([voxelise(s, args.grid, args.voxels_per_cube, args.blob_width) for s in shapes])])
    with torch.no_grad():
        test_volumes = torch.stack([voxelise(s @ r.T, args.grid, args.voxels_per_cube, args.blob_width) for s, r in zip(test_shapes, turns)])
        predicted = torch.cat([model(chunk).argmax(1) for chunk in test_volumes.split(50)])
        cube_volumes = torch.stack([voxelise(s @ c.T, args.grid, args.voxels_per_cube, args.blob_width) for c in cube_rotations() for s in shapes])
        on_cube = torch.cat([model(chunk).argmax(1) for chunk in cube_volumes.split(48)])
    results[f"SteerableCNN3d {args.voxel_group}"] = dict(
        accuracy=float((predicted == test_labels).float().mean()), cpu_seconds=seconds, parameters=_count(model),
        grid_rotations_accuracy=float((on_cube == labels.repeat(24)).float().mean()),
        per_shape={name: float((predicted[test_labels == k] == k).float().mean()) for k, name in enumerate(SHAPES)})

    steps = f"{args.steps} steps" + (f", the voxel model {args.voxel_steps}" if args.voxel_steps != args.steps else "")
    print(f"Trained on the {len(SHAPES)} shapes in one orientation ({steps}); tested on {len(turns)} random rotations:")
    print(f"{'model':30s} {'params':>7s} {'CPU s':>6s} {'accuracy':>9s}")
    for name, r in results.items():
        print(f"{name:30s} {r['parameters']:7d} {r['cpu_seconds']:6.1f} {100 * r['accuracy']:8.1f}%")
    voxel = next(r for name, r in results.items() if name.startswith("SteerableCNN3d"))
    print(f"The voxel model under the 24 rotations of the voxel grid (exact symmetries): "
          f"{100 * voxel['grid_rotations_accuracy']:.1f}%")
    print("The voxel model per shape under random rotations: "
          + ", ".join(f"{name} {100 * a:.0f}%" for name, a in voxel["per_shape"].items()))
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(json.dumps(dict(results=results, rotations=len(turns), steps=args.steps,
                                                         voxel_steps=args.voxel_steps, seed=args.seed), indent=1))
    return results


def _count(model) -> int:
    return sum(p.numel() for p in model.parameters())


if __name__ == "__main__":
    main()

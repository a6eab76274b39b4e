"""Rotation-robust image classification: train on upright glyphs, test on rotated ones.

The script draws twenty letters in five typefaces shipped with matplotlib (DejaVu Sans Bold,
Sans, Serif, Serif Bold and Sans Mono) as 28 x 28 images at random sizes and positions with
noise: upright for training, at uniformly random angles for testing. It trains three models by
the same loop (Adam, batch 64, one thread):

- ``SteerableCNN("C16", kernel_size=7, kernel_frequency=2, feature_blur=0.8)`` from eqgraph,
  for a CPU budget of ``--budget`` (1.4) times the plain CNN's training time (issue 13 allows up
  to 1.5x), on the upright images turned by random angles of up to half its group's step
  (11.25 degrees for C16: the turns its equivariance does not cover; ``--no-residual-turns``
  trains it on the upright images only);
- a plain CNN of the same architecture (torch Conv2d/BatchNorm2d/ReLU residual stages) and the
  same parameter count, for ``--epochs`` epochs;
- the same plain CNN trained with the training images turned by random angles (``grid_sample``).

The learning rate is constant (3e-3) unless ``--schedule cosine`` anneals it to 0 over each
model's epochs or budget; with the cosine the augmented CNN trains cleanly on every seed.

All three blur before each 2x pooling (``--pooling antialiased``, the default; ``average`` pools
without), which makes the steerable model markedly more robust to rotations off the grid.

It prints the accuracy of each on upright and on rotated test images with its training CPU
time, then runs the steerable model as a graph model on the images' pixels, on random subsets of
them and on jittered pixel positions, and writes a JSON file of all numbers, learning curves, a
confusion matrix and the equivariance of the feature fields (PNG and GIF) to ``--output``.

    python examples/rotated_glyphs.py [--train 600] [--epochs 120] [--output runs/rotated-glyphs]
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from eqgraph.fields.grid_transform import grid_positions
from eqgraph import gspaces
from eqgraph.models import GridGraphPool, SteerableCNN

LETTERS = "ABCDEFGHJKLOPQRSTVXY"  # no two are rotations of one another (no M/W, N/Z, C/U; no I)
TYPEFACES = [("DejaVu Sans", "bold"), ("DejaVu Sans", "normal"), ("DejaVu Serif", "normal"),
             ("DejaVu Serif", "bold"), ("DejaVu Sans Mono", "normal")]  # (family, weight), shipped with matplotlib
SIZE = 28
SUPERSAMPLING = 3


def glyph_outlines() -> list[list]:
    """Every letter's outline in every typeface (``[letter][typeface]``, matplotlib paths),
    centred in a unit box."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path as MplPath
    from matplotlib.textpath import TextPath

    outlines = []
    for letter in LETTERS:
        outlines.append([])
        for family, weight in TYPEFACES:
            path = TextPath((0, 0), letter, size=1, prop=FontProperties(family=family, weight=weight))
            low, high = path.vertices.min(0), path.vertices.max(0)
            outlines[-1].append(MplPath((path.vertices - (low + high) / 2) / (high - low).max(), path.codes))
    return outlines


def render(outlines, angles, rng=None) -> torch.Tensor:
    """One image per outline: the glyph turned by its angle about the image centre, antialiased
    by supersampling; with ``rng``, 15 to 19 pixels tall, shifted by up to 2 pixels, plus Gaussian
    noise of 0.1 (without, 17 pixels tall, centred, clean)."""
    from matplotlib.path import Path as MplPath

    fine = (np.arange(SIZE * SUPERSAMPLING) + 0.5) / SUPERSAMPLING - SIZE / 2
    rows, cols = np.meshgrid(fine, fine, indexing="ij")
    points = np.stack([cols, -rows], axis=-1).reshape(-1, 2)  # x right, y up
    images = np.empty((len(outlines), 1, SIZE, SIZE), dtype=np.float32)
    for k, (outline, angle) in enumerate(zip(outlines, angles)):
        c, s = math.cos(angle), math.sin(angle)
        turn = np.array([[c, -s], [s, c]])
        scale, shift = (rng.uniform(15, 19), rng.uniform(-2, 2, size=2)) if rng is not None else (17, 0)
        vertices = outline.vertices @ turn.T * scale + shift
        inside = MplPath(vertices, outline.codes).contains_points(points).reshape(rows.shape)
        coverage = inside.reshape(SIZE, SUPERSAMPLING, SIZE, SUPERSAMPLING).mean((1, 3))
        images[k, 0] = coverage + (rng.normal(0, 0.1, size=(SIZE, SIZE)) if rng is not None else 0)
    return torch.from_numpy(images)


def glyph_data(n_train: int, n_test: int, seed: int):
    """Training, upright test and rotated test images (each letter equally often, each image in
    a random typeface): ``{name: (images, labels, angles)}``."""
    rng = np.random.default_rng(seed)
    outlines = glyph_outlines()
    data = {}
    for name, n, rotated in [("train", n_train, False), ("upright", n_test, False), ("rotated", n_test, True)]:
        labels = np.arange(n) % len(LETTERS)
        typefaces = rng.integers(0, len(TYPEFACES), n)
        angles = rng.uniform(0, 2 * math.pi, n) if rotated else np.zeros(n)
        images = render([outlines[label][face] for label, face in zip(labels, typefaces)], angles, rng)
        data[name] = (images, torch.from_numpy(labels).long(), torch.from_numpy(angles))
    return data


class PlainResidualBlock(torch.nn.Module):
    def __init__(self, width: int):
        super().__init__()
        self.branch = torch.nn.Sequential(
            torch.nn.Conv2d(width, width, 3, padding=1, bias=False), torch.nn.BatchNorm2d(width), torch.nn.ReLU(),
            torch.nn.Conv2d(width, width, 3, padding=1, bias=False), torch.nn.BatchNorm2d(width))

    def forward(self, x):
        return torch.relu(x + self.branch(x))


def plain_cnn(widths, num_classes: int, kernel_size: int = 5, pooling: str = "average") -> torch.nn.Module:
    """SteerableCNN's architecture with plain layers: entry convolution, residual block, 2x2
    average pooling (after the same blur with ``pooling="antialiased"``) between stages, global
    mean, linear layer."""
    layers, previous = [], 1
    for stage, width in enumerate(widths):
        if stage:
            layers.append(plain_pooling(previous, pooling))
        k = kernel_size if stage == 0 else 3
        layers += [torch.nn.Conv2d(previous, width, k, padding=k // 2, bias=False), torch.nn.BatchNorm2d(width),
                   torch.nn.ReLU(), PlainResidualBlock(width)]
        previous = width
    return torch.nn.Sequential(*layers, torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
                               torch.nn.Linear(previous, num_classes))


def plain_pooling(channels: int, pooling: str) -> torch.nn.Module:
    """SteerableCNN's pooling between stages as plain torch layers (its own export)."""
    gs = gspaces.trivialOnR2()
    return GridGraphPool(gs.type(*[gs.trivial_repr] * channels), pooling).export()


def parameter_count(model) -> int:
    """Trainable parameters (an exported blur's fixed weights are not)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def plain_widths_matching(count: int, stages: int, kernel_size: int, pooling: str) -> list[int]:
    """Widths w, 2w, 3w, ... whose plain CNN has the parameter count closest to ``count``."""
    candidates = [[w * (s + 1) for s in range(stages)] for w in range(1, 200)]
    return min(candidates, key=lambda widths: abs(
        parameter_count(plain_cnn(widths, len(LETTERS), kernel_size, pooling)) - count))


def random_turns(count: int, generator: torch.Generator | None, max_turn: float) -> torch.Tensor:
    """``count`` angles uniform in [-max_turn, max_turn] (radians)."""
    return (torch.rand(count, generator=generator) * 2 - 1) * max_turn


def rotate_batch(images: torch.Tensor, generator: torch.Generator | None = None,
                 angles: torch.Tensor | None = None, max_turn: float = math.pi) -> torch.Tensor:
    """Images turned about their centres (bilinear) by the given angles, or by
    :func:`random_turns` of up to ``max_turn`` (by default the whole circle)."""
    angles = random_turns(len(images), generator, max_turn) if angles is None else angles
    c, s = torch.cos(angles), torch.sin(angles)
    theta = torch.stack([torch.stack([c, -s, torch.zeros_like(c)], 1), torch.stack([s, c, torch.zeros_like(c)], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, align_corners=False, padding_mode="zeros")


def residual_turn(group: str) -> float:
    """Half the step between the rotations of ``C<N>`` or ``D<N>`` (pi / N): every angle is within
    it of one of the group's rotations, under which the model is exactly invariant. 0 for the
    continuous groups (``SO2``, ``O2``), which cover every angle."""
    if group in ("SO2", "O2"):
        return 0.0
    if len(group) < 2 or group[0] not in "CD" or not group[1:].isdigit() or int(group[1:]) < 1:
        raise ValueError(f"group must be C<N>, D<N>, SO2 or O2, got {group!r}")
    return math.pi / int(group[1:])


def train(model, images, labels, seed: int, epochs: int | None = None, cpu_budget: float | None = None,
          max_turn: float = 0.0, batch_size: int = 64, lr: float = 3e-3, schedule: str = "constant"):
    """Adam on cross-entropy for ``epochs`` epochs or until ``cpu_budget`` CPU seconds are spent
    (checked before every step), at a constant learning rate or (``schedule="cosine"``) one
    annealed from ``lr`` to 0 over the epochs or the budget; each batch turned by random angles
    of up to ``max_turn`` radians (0: as given, pi: any angle). Returns the CPU seconds and the
    mean training loss of every epoch (begun)."""
    if schedule not in ("constant", "cosine") or (epochs is None and cpu_budget is None):
        raise ValueError(f"train needs schedule 'constant' or 'cosine' and epochs or a CPU budget, got schedule "
                         f"{schedule!r}, epochs {epochs}, cpu_budget {cpu_budget}")
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    curve, start, epoch = [], time.process_time(), 0
    model.train()
    spent = lambda: time.process_time() - start  # noqa: E731
    steps_per_epoch = -(-len(images) // batch_size)
    while (epochs is None or epoch < epochs) and (cpu_budget is None or spent() < cpu_budget):
        order, losses = torch.randperm(len(images), generator=generator), []
        for step, batch in enumerate(order.split(batch_size)):
            if cpu_budget is not None and spent() >= cpu_budget:
                break
            if schedule == "cosine":
                progress = spent() / cpu_budget if cpu_budget is not None else (epoch + step / steps_per_epoch) / epochs
                optimizer.param_groups[0]["lr"] = lr * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))
            x = rotate_batch(images[batch], generator, max_turn=max_turn) if max_turn > 0 else images[batch]
            loss = F.cross_entropy(model(x), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        curve.append(float(np.mean(losses)))
        epoch += 1
    return spent(), curve


@torch.no_grad()
def predictions(model, images, batch_size: int = 250) -> torch.Tensor:
    model.eval()
    return torch.cat([model(images[i:i + batch_size]).argmax(1) for i in range(0, len(images), batch_size)])


def accuracy(model, images, labels) -> float:
    return float((predictions(model, images) == labels).float().mean())


@torch.no_grad()
def graph_accuracy(model, images, labels, keep: float, jitter: float, seed: int) -> float:
    """The steerable model on each image's pixels as a point cloud: a random ``keep`` fraction of
    the pixels, at their grid positions moved by uniform noise of half-width ``jitter``."""
    generator = torch.Generator().manual_seed(seed)
    positions = torch.as_tensor(grid_positions((SIZE, SIZE)), dtype=images.dtype)
    correct = 0
    model.eval()
    for start in range(0, len(images), 100):
        chunk = images[start:start + 100]
        nodes = chunk.flatten(2).transpose(1, 2).reshape(-1, 1)
        pos = positions.repeat(len(chunk), 1)
        batch = torch.arange(len(chunk)).repeat_interleave(SIZE * SIZE)
        kept = torch.rand(len(nodes), generator=generator) < keep
        pos = pos + (torch.rand(pos.shape, generator=generator) * 2 - 1) * jitter
        logits = model.forward_graph(nodes[kept], pos[kept], batch[kept], (SIZE, SIZE), num_graphs=len(chunk))
        correct += int((logits.argmax(1) == labels[start:start + 100]).sum())
    return correct / len(images)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=120, help="epochs of the plain CNNs")
    parser.add_argument("--train", type=int, default=600, help="training images (upright)")
    parser.add_argument("--test", type=int, default=1000, help="test images of each kind")
    parser.add_argument("--group", default="C16", help="the steerable model's group (C<N>, D<N>, SO2, O2)")
    parser.add_argument("--channels", type=int, nargs="+", default=[3, 6, 8], help="fields per stage")
    parser.add_argument("--kernel-frequency", type=lambda v: None if v == "none" else int(v), default=2,
                        help="band limit of the steerable model's kernels ('none': the stencil's default)")
    parser.add_argument("--kernel-size", type=int, default=7, help="the first convolution's stencil in every model")
    parser.add_argument("--feature-blur", type=float, default=0.8,
                        help="the steerable model's Gaussian blur (pixels) before its 3 x 3 convolutions (0: none)")
    parser.add_argument("--no-residual-turns", action="store_true",
                        help="train the steerable model on the upright images only, not turned by up to half its "
                             "group's step")
    parser.add_argument("--pooling", default="antialiased", choices=["antialiased", "average"],
                        help="pooling between stages, the same in all three models (antialiased: blurred first)")
    parser.add_argument("--budget", type=float, default=1.4,
                        help="the steerable model's CPU budget, in units of the plain CNN's training time")
    parser.add_argument("--schedule", default="constant", choices=["constant", "cosine"],
                        help="every model's learning rate: constant, or annealed to 0 over its epochs or budget")
    parser.add_argument("--graph-test", type=int, default=100, help="rotated test images for the graph runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--output", default="runs/rotated-glyphs")
    parser.add_argument("--no-pictures", action="store_true")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    data = glyph_data(args.train, args.test, args.seed)
    images, labels, _ = data["train"]

    torch.manual_seed(args.seed)
    steerable = SteerableCNN(args.group, in_channels=1, num_classes=len(LETTERS), channels=args.channels,
                             kernel_frequency=args.kernel_frequency, pooling=args.pooling, kernel_size=args.kernel_size,
                             feature_blur=args.feature_blur or None)
    steerable_name = f"SteerableCNN {args.group}"
    widths = plain_widths_matching(parameter_count(steerable), len(args.channels), args.kernel_size, args.pooling)
    results, curves, models = {}, {}, {}
    for name, max_turn in [("plain CNN", 0.0), ("plain CNN + rotation augmentation", math.pi)]:
        torch.manual_seed(args.seed)
        model = plain_cnn(widths, len(LETTERS), args.kernel_size, args.pooling)
        seconds, curves[name] = train(model, images, labels, args.seed, epochs=args.epochs, max_turn=max_turn,
                                      schedule=args.schedule)
        results[name] = dict(cpu_seconds=seconds, epochs=len(curves[name]), parameters=parameter_count(model))
        models[name] = model
    budget = args.budget * results["plain CNN"]["cpu_seconds"]
    steerable_turn = 0.0 if args.no_residual_turns else residual_turn(args.group)
    seconds, curves[steerable_name] = train(steerable, images, labels, args.seed, cpu_budget=budget,
                                            max_turn=steerable_turn, schedule=args.schedule)
    results[steerable_name] = dict(cpu_seconds=seconds, epochs=len(curves[steerable_name]),
                                   parameters=parameter_count(steerable), max_turn_degrees=math.degrees(steerable_turn))
    models[steerable_name] = steerable
    for name, model in models.items():
        results[name].update(upright=accuracy(model, *data["upright"][:2]), rotated=accuracy(model, *data["rotated"][:2]))
    print(f"{'model':36s} {'params':>7s} {'epochs':>6s} {'CPU s':>7s} {'upright':>8s} {'rotated':>8s}")
    for name, r in results.items():
        print(f"{name:36s} {r['parameters']:7d} {r['epochs']:6d} {r['cpu_seconds']:7.1f} "
              f"{100 * r['upright']:7.1f}% {100 * r['rotated']:7.1f}%")
    ours, plain, augmented = (results[k] for k in (steerable_name, "plain CNN", "plain CNN + rotation augmentation"))
    margins = dict(over_plain=ours["rotated"] - plain["rotated"], over_augmented=ours["rotated"] - augmented["rotated"],
                   time_ratio=ours["cpu_seconds"] / plain["cpu_seconds"])
    print(f"{steerable_name} on rotated glyphs: {100 * margins['over_plain']:+.1f} points over the plain CNN, "
          f"{100 * margins['over_augmented']:+.1f} over the augmented one, at {margins['time_ratio']:.2f}x the plain "
          f"CNN's training CPU time")

    rotated_images, rotated_labels = (t[:args.graph_test] for t in data["rotated"][:2])
    graph = []
    for keep, jitter in [(1.0, 0.0), (0.9, 0.0), (0.75, 0.0), (0.5, 0.0), (1.0, 0.25), (0.75, 0.25)]:
        graph.append(dict(keep=keep, jitter=jitter,
                          rotated=graph_accuracy(steerable, rotated_images, rotated_labels, keep, jitter, args.seed)))
    print(f"\n{steerable_name} as a graph model on the pixels of {len(rotated_images)} rotated test images:")
    print(f"{'pixels kept':>12s} {'jitter (px)':>12s} {'accuracy':>9s}")
    for row in graph:
        print(f"{100 * row['keep']:11.0f}% {row['jitter']:12.2f} {100 * row['rotated']:8.1f}%")
    summary = dict(results=results, margins=margins, graph=graph, plain_widths=widths, group=args.group, channels=args.channels,
                   pooling=args.pooling, kernel_frequency=args.kernel_frequency, kernel_size=args.kernel_size,
                   feature_blur=args.feature_blur, letters=LETTERS, typefaces=TYPEFACES,
                   train=args.train, test=args.test, seed=args.seed, threads=args.threads, curves=curves)
    (output / "results.json").write_text(json.dumps(summary, indent=1))
    if not args.no_pictures:
        from glyph_pictures import save_pictures

        save_pictures(output, steerable, models, curves, data, LETTERS)
        print(f"\npictures in {output}/")
    return summary


if __name__ == "__main__":
    main()

"""Pictures for examples/rotated_glyphs.py: learning curves, confusion matrices, and feature
fields of a glyph under rotation in the image frame and in the stabilised frame (PNG and GIF)."""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from matplotlib.animation import FuncAnimation, PillowWriter  # noqa: E402

from eqgraph.fields import GeometricTensor  # noqa: E402
from rotated_glyphs import LETTERS, glyph_outlines, predictions, render, rotate_batch  # noqa: E402


def save_pictures(output: Path, steerable, models: dict, curves: dict, data: dict, letters: str) -> None:
    learning_curves(output / "learning_curves.png", curves)
    confusion_matrices(output / "confusion.png", models, *data["rotated"][:2], letters)
    feature_fields(output, steerable, models["plain CNN"])


def learning_curves(path: Path, curves: dict) -> None:
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for name, curve in curves.items():
        ax.plot(range(1, len(curve) + 1), curve, marker="o", markersize=3, label=name)
    ax.set(xlabel="epoch", ylabel="training loss (cross-entropy)", yscale="log", title="Upright training glyphs")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def confusion_matrices(path: Path, models: dict, images, labels, letters: str) -> None:
    fig, axes = plt.subplots(1, len(models), figsize=(4 * len(models), 4))
    for ax, (name, model) in zip(axes, models.items()):
        predicted = predictions(model, images)
        matrix = np.zeros((len(letters), len(letters)))
        np.add.at(matrix, (labels.numpy(), predicted.numpy()), 1)
        ax.imshow(matrix / matrix.sum(1, keepdims=True), cmap="Blues", vmin=0, vmax=1)
        ax.set(xticks=range(len(letters)), yticks=range(len(letters)), xticklabels=list(letters),
               yticklabels=list(letters), xlabel="predicted", ylabel="true")
        ax.set_title(f"{name}\n{100 * float((predicted == labels).float().mean()):.1f}% on rotated glyphs", fontsize=9)
        ax.tick_params(labelsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


@torch.no_grad()
def first_stage_energy(model, images) -> torch.Tensor:
    """The root mean square over channels of the first stage's features: invariant under the
    permutations a rotation applies to regular fields, so it should turn with the input."""
    model.eval()
    if hasattr(model, "entries"):
        features = model.residuals[0](model.entries[0](GeometricTensor(images, model.in_type))).tensor
    else:
        features = model[:4](images)
    return features.square().mean(1, keepdim=True).sqrt()


def feature_fields(output: Path, steerable, plain, letter: str = "F", steps: int = 36) -> None:
    outline = glyph_outlines()[LETTERS.index(letter)][0]
    angles = torch.arange(steps) * (2 * math.pi / steps)
    images = render([outline] * steps, angles.numpy())
    maps = {"SteerableCNN": first_stage_energy(steerable, images), "plain CNN": first_stage_energy(plain, images)}
    stabilised = {name: rotate_batch(m, angles=-angles) for name, m in maps.items()}
    columns = [("input", images, None)] + [(f"{n}\nfeatures", m, None) for n, m in maps.items()] + \
              [(f"{n}\nstabilised", m, None) for n, m in stabilised.items()]

    def draw(axes, k):
        for ax, (title, stack, _) in zip(axes, columns):
            ax.clear()
            ax.imshow(stack[k, 0], cmap="magma")
            ax.set_title(title, fontsize=8)
            ax.axis("off")

    fig, rows = plt.subplots(2, len(columns), figsize=(2.2 * len(columns), 4.6))
    for row, k in zip(rows, (0, steps // 4)):
        draw(row, k)
    rows[0][0].set_title(f"input, {0} deg", fontsize=8)
    rows[1][0].set_title(f"input, {360 * (steps // 4) // steps} deg", fontsize=8)
    fig.suptitle("Feature energy of the first stage; stabilised = turned back by the input's angle", fontsize=9)
    fig.tight_layout()
    fig.savefig(output / "feature_fields.png", dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, len(columns), figsize=(2.2 * len(columns), 2.6))
    animation = FuncAnimation(fig, lambda k: draw(axes, k), frames=steps)
    animation.save(output / "feature_fields.gif", writer=PillowWriter(fps=8), dpi=70)
    plt.close(fig)

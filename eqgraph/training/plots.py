"""Pictures of a training run: the learning curve and parity plots (matplotlib, no display)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..models.saving import atomic_write


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_learning_curve(history: list[dict], path: str | os.PathLike) -> Path:
    """Training and validation loss per epoch (log scale) and the learning rate."""
    plt = _pyplot()
    epochs = [row["epoch"] for row in history]
    figure, (loss_axis, lr_axis) = plt.subplots(1, 2, figsize=(9, 3.4))
    loss_axis.semilogy(epochs, [row["train_loss"] for row in history], label="train")
    loss_axis.semilogy(epochs, [row["val_loss"] for row in history], label="validation")
    loss_axis.set_xlabel("epoch")
    loss_axis.set_ylabel("loss")
    loss_axis.legend()
    lr_axis.semilogy(epochs, [row["lr"] for row in history], color="tab:green")
    lr_axis.set_xlabel("epoch")
    lr_axis.set_ylabel("learning rate")
    figure.tight_layout()
    return _save(figure, path, plt)


def plot_parity(reference: np.ndarray, prediction: np.ndarray, name: str, unit: str, mae: float,
                path: str | os.PathLike) -> Path:
    """Predicted against reference values, with the diagonal and the MAE."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(3.8, 3.6))
    axis.scatter(reference, prediction, s=4, alpha=0.5)
    low, high = float(min(reference.min(), prediction.min())), float(max(reference.max(), prediction.max()))
    axis.plot([low, high], [low, high], color="black", linewidth=0.8)
    label = f" [{unit}]" if unit else ""
    axis.set_xlabel(f"reference {name}{label}")
    axis.set_ylabel(f"predicted {name}{label}")
    axis.set_title(f"{name}: MAE {mae:.4g}{(' ' + unit) if unit else ''}")
    figure.tight_layout()
    return _save(figure, path, plt)


def _save(figure, path, plt) -> Path:
    path = Path(path)
    atomic_write(path, lambda file: figure.savefig(file, format="png", dpi=110), binary=True)
    plt.close(figure)
    return path

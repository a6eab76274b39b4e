"""Training checkpoints: one file with the model and everything needed to resume exactly."""
from __future__ import annotations

import os
import platform
from pathlib import Path

import torch

from ..models.saving import CHECKPOINT_VERSION, atomic_save, detached_state

TRAINING_FORMAT = "eqgraph-training"
TRAINING_VERSION = 1


def library_versions() -> dict[str, str]:
    import e3nn
    import torch_geometric

    from .. import __version__

    versions = {"eqgraph": __version__, "torch": torch.__version__, "torch_geometric": torch_geometric.__version__,
                "e3nn": e3nn.__version__, "python": platform.python_version()}
    return {name: str(version) for name, version in versions.items()}  # torch's is a TorchVersion object


def model_entry(model: torch.nn.Module) -> dict:
    """The model part of a checkpoint: ``model.checkpoint()`` for eqgraph's models (rebuildable
    with ``from_checkpoint``), else the class name and weights."""
    if hasattr(model, "checkpoint"):
        return model.checkpoint()
    return {"format": "eqgraph-model", "format_version": CHECKPOINT_VERSION, "model_class": type(model).__name__,
            "config": None, "state_dict": detached_state(model)}


def save_training_checkpoint(state: dict, path: str | os.PathLike) -> None:
    atomic_save({"format": TRAINING_FORMAT, "format_version": TRAINING_VERSION, "versions": library_versions(),
                 **state}, path)


def load_training_checkpoint(path: str | os.PathLike) -> dict:
    """A training checkpoint, checked: a clear error for a missing, truncated, foreign or newer file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ValueError(f"{path} is not a readable eqgraph checkpoint (truncated or another format): {error}") from None
    if not isinstance(state, dict) or state.get("format") != TRAINING_FORMAT:
        raise ValueError(f"{path} is not an eqgraph training checkpoint (expected format {TRAINING_FORMAT!r})")
    if state.get("format_version", 0) > TRAINING_VERSION:
        raise ValueError(f"{path} has training format version {state['format_version']}, newer than this library's "
                         f"{TRAINING_VERSION} (written by eqgraph {state.get('versions', {}).get('eqgraph')}); "
                         "upgrade eqgraph")
    return state

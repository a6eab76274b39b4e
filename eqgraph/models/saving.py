"""One-file model checkpoints: class name, constructor arguments and weights."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

import torch

CHECKPOINT_FORMAT = "eqgraph-model"
CHECKPOINT_VERSION = 1
_MODEL_CLASSES: dict[str, type] = {}
DTYPES = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32, "float64": torch.float64}


class SavableModel(torch.nn.Module):
    """A model that records its constructor arguments in ``self.config`` (plain JSON values), so
    that ``save(path)`` writes one file and ``from_checkpoint(path)`` rebuilds it with no config
    at hand. Files are written atomically and read with ``weights_only=True``."""

    config: dict

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _MODEL_CLASSES[cls.__name__] = cls

    def checkpoint(self) -> dict:
        """The model's checkpoint as a dict of plain values and tensors. Raises ValueError when a
        constructor argument is not a plain JSON value (a gspace object, say): such a model
        could not be rebuilt from the file."""
        import json

        from .. import __version__

        for key, value in self.config.items():
            try:
                json.dumps(value)
            except TypeError:
                raise ValueError(f"{type(self).__name__} cannot be saved: its argument {key}={value!r} is not a plain "
                                 "value (build the model with names, e.g. group='C8', to save it)") from None

        dtype = next((p.dtype for p in self.parameters() if p.is_floating_point()), torch.get_default_dtype())
        return {"format": CHECKPOINT_FORMAT, "format_version": CHECKPOINT_VERSION, "eqgraph_version": __version__,
                "model_class": type(self).__name__, "config": dict(self.config), "dtype": str(dtype).split(".")[-1],
                "state_dict": detached_state(self)}

    def save(self, path: str | os.PathLike) -> None:
        atomic_save(self.checkpoint(), path)

    @classmethod
    def from_checkpoint(cls, path_or_dict, map_location="cpu") -> "SavableModel":
        """Rebuild a model, in the dtype it was saved in, from a file written by ``save`` (or a
        training checkpoint holding one)."""
        data = load_checkpoint(path_or_dict, map_location)
        model_class = _MODEL_CLASSES.get(data["model_class"])
        if model_class is None or (cls is not SavableModel and not issubclass(model_class, cls)):
            raise ValueError(f"the checkpoint holds a {data['model_class']}, not a {cls.__name__}")
        dtype = DTYPES.get(data.get("dtype", "float32"))
        if dtype is None:
            raise ValueError(f"the checkpoint names an unknown dtype {data.get('dtype')!r}; expected one of {sorted(DTYPES)}")
        model = model_class(**data["config"]).to(dtype)
        model.load_state_dict(data["state_dict"])
        return model.eval()


def detached_state(module: torch.nn.Module) -> dict:
    """``module.state_dict()`` with every tensor copied to the CPU (extra state, plain values, kept as is)."""
    return {k: v.detach().cpu().clone() if isinstance(v, torch.Tensor) else v for k, v in module.state_dict().items()}


def load_checkpoint(path_or_dict, map_location="cpu") -> dict:
    """The model part of a checkpoint file or dict, checked for format and version."""
    if isinstance(path_or_dict, dict):
        data = path_or_dict
    else:
        path = Path(path_or_dict)
        if not path.is_file():
            raise FileNotFoundError(f"no checkpoint at {path}")
        try:
            data = torch.load(path, map_location=map_location, weights_only=True)
        except Exception as error:  # truncated or foreign files: say so instead of an unpickling trace
            raise ValueError(f"{path} is not a readable eqgraph checkpoint (truncated or another format): {error}") from None
    data = data.get("model", data) if isinstance(data, dict) else data
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"not an eqgraph model checkpoint (expected format {CHECKPOINT_FORMAT!r})")
    if data.get("format_version", 0) > CHECKPOINT_VERSION:
        raise ValueError(f"the checkpoint has format version {data['format_version']}, newer than this library's "
                         f"{CHECKPOINT_VERSION} (written by eqgraph {data.get('eqgraph_version')}); upgrade eqgraph")
    return data


def atomic_save(obj, path: str | os.PathLike) -> None:
    """``torch.save`` to a temporary file beside ``path``, then rename: never a half-written file."""
    atomic_write(path, lambda file: torch.save(obj, file), binary=True)


def atomic_write(path: str | os.PathLike, write: Callable, binary: bool) -> None:
    """``write(file)`` into a temporary file beside ``path``, synced, then renamed over ``path``;
    the temporary file is removed on any failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb" if binary else "w") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _FILE_MODE)  # mkstemp makes files private; a saved file gets the usual mode
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _default_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _default_file_mode()

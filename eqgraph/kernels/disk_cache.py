"""An optional on-disk cache for solved kernel pieces.

Off unless ``EQGRAPH_CACHE`` names a directory or :func:`enable_disk_cache` is called (default
directory ``~/.cache/eqgraph``). Entries are keyed by a hash of everything they depend on,
including the eqgraph version and the full content of the group action (never a user-chosen
name), written atomically, and checked when read: a corrupt or stale file is reported with a
warning and rebuilt, never trusted. Files hold tensors and plain values only and are read with
``torch.load(weights_only=True)``, which runs no code from the file. A folder that cannot be
written (a regular file, a read-only path) turns the cache off with one warning; layers are
still built.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable

import torch

FORMAT = 2

_directory: Path | None = Path(os.environ["EQGRAPH_CACHE"]).expanduser() if os.environ.get("EQGRAPH_CACHE") else None


class CacheWarning(UserWarning):
    """A cache file could not be used and was rebuilt."""


def enable_disk_cache(directory: str | os.PathLike | None = None) -> Path:
    """Turn the disk cache on (``directory``, else $EQGRAPH_CACHE, else ~/.cache/eqgraph)."""
    global _directory
    _directory = Path(directory or os.environ.get("EQGRAPH_CACHE") or Path.home() / ".cache" / "eqgraph").expanduser()
    return _directory


def disable_disk_cache() -> None:
    global _directory
    _directory = None


def disk_cache_directory() -> Path | None:
    return _directory


def _describe(obj: Any) -> str:
    """A stable textual identity: groups by their factory, representations by content."""
    from ..group import Group, Representation

    if isinstance(obj, Group):
        factory, args = obj._factory()
        return f"{factory.__module__}.{factory.__name__}{args!r}"
    if isinstance(obj, Representation):
        digest = hashlib.sha256(obj.change_of_basis.tobytes()).hexdigest()
        return f"rep({_describe(obj.group)},{obj.irreps!r},{digest})"
    if isinstance(obj, tuple):
        return "(" + ",".join(_describe(o) for o in obj) + ")"
    return repr(obj)


def _version_tag() -> str:
    import e3nn

    from .._version import __version__

    return f"eqgraph={__version__};e3nn={e3nn.__version__};format={FORMAT}"


def disk_cached(key: tuple, build: Callable[[], Any], encode: Callable[[Any], Any],
                decode: Callable[[Any], Any]) -> Any:
    """``build()``, through the disk cache when it is on. ``encode`` turns the value into
    tensors, numbers, strings, lists, tuples and dicts (what ``weights_only`` loading accepts);
    ``decode`` turns that back."""
    global _directory
    if _directory is None:
        return build()
    description = _version_tag() + "|" + _describe(key)
    path = _directory / (hashlib.sha256(description.encode()).hexdigest() + ".pt")
    if path.exists():
        try:
            stored = torch.load(path, map_location="cpu", weights_only=True)
            if isinstance(stored, dict) and stored.get("description") == description:
                return decode(stored["value"])
            reason = "it was written for different inputs or versions"
        except Exception as error:  # any unreadable file is rebuilt
            reason = f"it could not be read ({type(error).__name__})"
        warnings.warn(f"eqgraph cache file {path} is not used: {reason}; rebuilding it", CacheWarning, stacklevel=2)
    value = build()
    try:
        _write(path, {"description": description, "value": encode(value)})
    except OSError as error:
        warnings.warn(f"the eqgraph disk cache folder {_directory} cannot be written ({error}); the cache is off for "
                      "this process, layers are built without it", CacheWarning, stacklevel=2)
        _directory = None
    return value


def _write(path: Path, stored: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            torch.save(stored, f)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)

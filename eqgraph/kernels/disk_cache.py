"""An optional on-disk cache for solved kernel pieces.

Off unless ``EQGRAPH_CACHE`` names a directory or :func:`enable_disk_cache` is called (default
directory ``~/.cache/eqgraph``). Entries are keyed by a hash of everything they depend on,
including the eqgraph version and the full content of the group action (never a user-chosen
name), written atomically, and checked when read: a corrupt or stale file is reported with a
warning, removed and rebuilt, never trusted.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable

FORMAT = 1

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

    from .. import __version__

    return f"eqgraph={__version__};e3nn={e3nn.__version__};format={FORMAT}"


def disk_cached(key: tuple, build: Callable[[], Any]) -> Any:
    """``build()``, through the disk cache when it is on."""
    if _directory is None:
        return build()
    description = _version_tag() + "|" + _describe(key)
    path = _directory / (hashlib.sha256(description.encode()).hexdigest() + ".pkl")
    if path.exists():
        try:
            with open(path, "rb") as f:
                stored_description, value = pickle.load(f)
            if stored_description == description:
                return value
            reason = "it was written for different inputs or versions"
        except Exception as error:  # any unreadable file is rebuilt
            reason = f"it could not be read ({type(error).__name__})"
        warnings.warn(f"eqgraph cache file {path} is not used: {reason}; rebuilding it", CacheWarning, stacklevel=2)
    value = build()
    _directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=_directory, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            pickle.dump((description, value), f)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return value

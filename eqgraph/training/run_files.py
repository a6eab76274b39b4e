"""The files of a training run: metrics as CSV and JSON, written atomically."""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path


def atomic_write_text(text: str, path: str | os.PathLike) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_history(history: list[dict], folder: str | os.PathLike) -> None:
    """``metrics.csv`` (one row per epoch) and ``metrics.json`` in ``folder``."""
    columns = list(dict.fromkeys(key for row in history for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns)
    writer.writeheader()
    writer.writerows(history)
    atomic_write_text(buffer.getvalue(), Path(folder) / "metrics.csv")
    atomic_write_text(json.dumps(history, indent=1), Path(folder) / "metrics.json")

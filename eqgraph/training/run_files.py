"""The files of a training run: metrics as CSV and JSON, written atomically."""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from ..models.saving import atomic_write


def atomic_write_text(text: str, path: str | os.PathLike) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename: never a half-written file."""
    atomic_write(path, lambda file: file.write(text), binary=False)


def write_history(history: list[dict], folder: str | os.PathLike) -> None:
    """``metrics.csv`` (one row per epoch) and ``metrics.json`` in ``folder``."""
    columns = list(dict.fromkeys(key for row in history for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns)
    writer.writeheader()
    writer.writerows(history)
    atomic_write_text(buffer.getvalue(), Path(folder) / "metrics.csv")
    atomic_write_text(json.dumps(history, indent=1), Path(folder) / "metrics.json")


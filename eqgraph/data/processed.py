"""ProcessedDataset: a PyG ``InMemoryDataset`` whose processed file is versioned, written
atomically and read with ``weights_only=True``."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from pathlib import Path

import torch
from torch_geometric.data import Data, InMemoryDataset

from ..models.saving import atomic_save

logger = logging.getLogger(__name__)

PROCESSED_FORMAT = "eqgraph-processed-dataset"


def default_root() -> Path:
    """Where datasets are processed by default: ``$EQGRAPH_DATASETS``, else the repository's
    ``datasets/`` folder when eqgraph runs from a source checkout, else ``~/.cache/eqgraph/datasets``."""
    if os.environ.get("EQGRAPH_DATASETS"):
        return Path(os.environ["EQGRAPH_DATASETS"])
    checkout = Path(__file__).resolve().parents[2] / "datasets"
    if checkout.is_dir():
        return checkout
    return Path.home() / ".cache" / "eqgraph" / "datasets"


class ProcessedDataset(InMemoryDataset):
    r"""Base of eqgraph's datasets. A subclass gives :meth:`description` (every value the processed
    structures depend on, as JSON) and :meth:`build` (the list of ``Data``); the processed file's
    name carries a hash of the description and its content carries the description itself, so a
    file processed with other arguments, by another version of the processing, or left corrupt is
    detected, and rebuilt with a warning. The file is written to a temporary name and renamed, so
    it is never half-written.

    Args:
        root: the folder holding ``processed/`` (default :func:`default_root` / the dataset's folder).
        transform: a PyG transform applied on access.
        pre_transform: a PyG transform applied once before saving (its ``repr`` enters the description).
        force_reload: rebuild even if a valid processed file exists.
    """

    #: bump when the processing of a dataset changes; older files are then rebuilt
    processing_version: int = 1
    folder: str = "dataset"

    def __init__(self, root: str | os.PathLike | None = None, transform=None, pre_transform=None,
                 force_reload: bool = False):
        root = Path(root) if root is not None else default_root() / self.folder
        super().__init__(str(root), transform, None, None, log=False)
        self.pre_transform = pre_transform
        path = self.processed_file
        stored = None if force_reload else self._read(path)
        if stored is None:
            data_list = self.build()
            if pre_transform is not None:
                data_list = [pre_transform(d) for d in data_list]
            if not data_list:
                raise ValueError(f"{type(self).__name__}: no structures to store ({self._full_description()})")
            data, slices = self.collate(data_list)
            stored = {"format": PROCESSED_FORMAT, "description": self._full_description(),
                      "data": data.to_dict(), "slices": slices}
            atomic_save(stored, path)
            logger.info("%s: processed %d structures into %s", type(self).__name__, len(data_list), path)
        self._data, self.slices = Data.from_dict(stored["data"]), stored["slices"]

    # --- what subclasses give
    def description(self) -> dict:
        """Every value the processed structures depend on (JSON-serialisable)."""
        raise NotImplementedError

    def build(self) -> list[Data]:
        raise NotImplementedError

    # --- the processed file
    def _full_description(self) -> dict:
        return {"dataset": type(self).__name__, "processing_version": self.processing_version,
                "pre_transform": repr(self.pre_transform), "dtype": str(torch.get_default_dtype()),
                **self.description()}

    @property
    def processed_file(self) -> Path:
        text = json.dumps(self._full_description(), sort_keys=True)
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        return Path(self.processed_dir) / f"{type(self).__name__.lower()}-{digest}.pt"

    def _read(self, path: Path) -> dict | None:
        if not path.exists():
            return None
        try:
            stored = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as error:  # truncated, corrupt or foreign
            warnings.warn(f"{type(self).__name__}: the processed file {path} is unreadable ({error}); rebuilding it",
                          stacklevel=3)
            return None
        if not isinstance(stored, dict) or stored.get("format") != PROCESSED_FORMAT \
                or stored.get("description") != self._full_description():
            warnings.warn(f"{type(self).__name__}: the processed file {path} is stale (made by another version or "
                          "with other arguments); rebuilding it", stacklevel=3)
            return None
        return stored

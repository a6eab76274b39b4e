"""ExtXYZDataset: structures, energies, forces, stress and properties from any ASE-readable file."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch_geometric.data import Data

from .processed import ProcessedDataset

_CALCULATOR_NAMES = {"energy": "energy", "forces": "forces", "stress": "stress", "charges": "charges"}


class ExtXYZDataset(ProcessedDataset):
    r"""The frames of an extxyz file (or any file ``ase.io.read`` understands) as ``Data`` with
    ``z``, ``pos``, ``cell`` [1, 3, 3] and ``pbc`` [1, 3] and, when their keys are given,
    ``energy`` [1], ``forces`` [N, 3], ``stress`` [1, 3, 3] (ASE's sign; Voigt or 3×3 in the
    file), ``charges`` [N] and per-structure ``properties`` [1, ...].

    A key is looked up in the frame's ``info`` (per structure) or ``arrays`` (per atom) — the
    ``REF_energy``-style keys of training files — and, for the names ``energy``, ``forces``,
    ``stress`` and ``charges``, in the results of the calculator ASE attaches when reading.
    Every key given must be in every frame: a frame without it is an error naming both. Pass
    ``None`` to leave a quantity out.

    Args:
        path: the file.
        root: processing folder (default: a ``processed/`` folder beside the file).
        energy_key, forces_key, stress_key, charges_key: where the labels are.
        properties: further per-structure ``info`` keys to copy (numbers or arrays).
        index: ASE's frame selection (default all frames).
    """

    folder = "extxyz"

    def __init__(self, path: str | os.PathLike, root: str | os.PathLike | None = None, energy_key: str | None = "energy",
                 forces_key: str | None = "forces", stress_key: str | None = None, charges_key: str | None = None,
                 properties: Sequence[str] = (), index: str = ":", transform=None, pre_transform=None,
                 force_reload: bool = False):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"ExtXYZDataset: no file at {self.path}")
        self.keys = {"energy": energy_key, "forces": forces_key, "stress": stress_key, "charges": charges_key}
        self.properties, self.index = list(properties), index
        super().__init__(self.path.parent if root is None else root, transform, pre_transform, force_reload)

    def description(self) -> dict:
        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()
        return {"file": self.path.name, "sha256": digest, "keys": self.keys, "properties": self.properties,
                "index": self.index}

    def build(self) -> list[Data]:
        import ase.io

        frames = ase.io.read(self.path, index=self.index)
        frames = frames if isinstance(frames, list) else [frames]
        return [self._frame_to_data(i, atoms) for i, atoms in enumerate(frames)]

    def _frame_to_data(self, i: int, atoms) -> Data:
        dtype = torch.get_default_dtype()
        n = len(atoms)
        data = Data(z=torch.as_tensor(atoms.numbers, dtype=torch.long), pos=torch.as_tensor(atoms.positions, dtype=dtype),
                    cell=torch.as_tensor(np.array(atoms.cell), dtype=dtype).view(1, 3, 3),
                    pbc=torch.as_tensor(atoms.pbc, dtype=torch.bool).view(1, 3))
        shapes = {"energy": (1,), "forces": (n, 3), "charges": (n,)}
        for name, key in self.keys.items():
            if key is None:
                continue
            value = np.asarray(self._lookup(i, atoms, key, name), dtype=float)
            if name == "stress":
                value = _stress_matrix(value, i, key)
            elif value.size != int(np.prod(shapes[name])):
                raise ValueError(f"{self.path} frame {i}: `{key}` ({name}) has {value.size} values, "
                                 f"expected shape {shapes[name]}")
            data[name] = torch.as_tensor(value, dtype=dtype).reshape(shapes.get(name, (1, 3, 3)))
        for key in self.properties:
            value = np.asarray(self._lookup(i, atoms, key, None), dtype=float)
            data[key] = torch.as_tensor(value, dtype=dtype).reshape(1, *value.shape)
        return data

    def _lookup(self, i: int, atoms, key: str, name: str | None):
        if key in atoms.info:
            return atoms.info[key]
        if key in atoms.arrays:
            return atoms.arrays[key]
        results = getattr(atoms.calc, "results", {}) if atoms.calc is not None else {}
        if key == _CALCULATOR_NAMES.get(name) and key in results:
            return results[key]
        present = sorted(set(atoms.info) | set(atoms.arrays) | set(results))
        raise KeyError(f"{self.path} frame {i} has no `{key}`" + (f" ({name})" if name else "")
                       + f"; it has {present}")


def _stress_matrix(value: np.ndarray, frame: int, key: str) -> np.ndarray:
    if value.size == 9:
        return value.reshape(3, 3)
    if value.size == 6:  # Voigt order xx, yy, zz, yz, xz, xy
        xx, yy, zz, yz, xz, xy = value.reshape(6)
        return np.array([[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]])
    raise ValueError(f"frame {frame}: stress `{key}` has {value.size} values, expected 6 (Voigt) or 9")

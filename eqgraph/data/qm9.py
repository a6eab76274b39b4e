"""QM9 offline, from the files of the PyPI package ``qm9pack``, in PyG's target order and units."""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import os
from pathlib import Path

import numpy as np
import torch
from torch_geometric.data import Data

from .processed import ProcessedDataset, default_root

HARTREE_TO_EV = 27.211386246
#: the 19 targets of ``torch_geometric.datasets.QM9``, in its order, with their units
QM9_TARGETS = (("mu", "D"), ("alpha", "a0^3"), ("homo", "eV"), ("lumo", "eV"), ("gap", "eV"), ("r2", "a0^2"),
               ("zpve", "eV"), ("U0", "eV"), ("U", "eV"), ("H", "eV"), ("G", "eV"), ("cv", "cal/(mol K)"),
               ("U0_atom", "eV"), ("U_atom", "eV"), ("H_atom", "eV"), ("G_atom", "eV"), ("A", "GHz"), ("B", "GHz"),
               ("C", "GHz"))
TARGET_NAMES = tuple(name for name, _ in QM9_TARGETS)
_COLUMNS = ("Dipole_debye", "Polarizability_bohr3", "HOMO_au", "LUMO_au", "HOMO_LUMO_gap_au", "R2_bohr2", "ZPVE_au",
            "InternalEnergy_0K_au", "InternalEnergy_298K_au", "Enthalphy_298K_au", "GibbsFreeEnergy_298K_au",
            "Heatcapacity_Cv_cal_mol_K")
_HARTREE_COLUMNS = {2, 3, 4, 6, 7, 8, 9, 10}
#: isolated-atom U0, U, H, G (Hartree) of B3LYP/6-31G(2df,p), QM9's atomic references
ATOM_REFERENCES = {1: (-0.500273, -0.498857, -0.497912, -0.510927), 6: (-37.846772, -37.845355, -37.844411, -37.861317),
                   7: (-54.583861, -54.582445, -54.581501, -54.598897), 8: (-75.064579, -75.063162, -75.062219, -75.079532),
                   9: (-99.718730, -99.717314, -99.716370, -99.733544)}
_SYMBOLS = {"H": 1, "C": 6, "N": 7, "O": 8, "F": 9}
_POLARIZABILITY = ("A_xx", "A_xy", "A_yy", "A_xz", "A_yz", "A_zz")
SLICE_FILE = "qm9_slice.csv"


def qm9pack_files() -> list[Path]:
    """The data files of the installed ``qm9pack`` (located, never imported)."""
    spec = importlib.util.find_spec("qm9pack")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("QM9(source='qm9pack') needs the PyPI package qm9pack: `pip install --no-deps qm9pack` "
                                "(or use source='slice', the committed few hundred molecules)")
    folder = Path(list(spec.submodule_search_locations)[0]) / "data"
    files = [folder / f"qm9_part{k}.csv" for k in (1, 2, 3)] + [folder / "qm9_polarizability.csv"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"qm9pack is installed but lacks its data files {missing}")
    return files


class QM9(ProcessedDataset):
    r"""The 130,831 characterised molecules of QM9 (Ramakrishnan et al., Sci. Data 1, 140022,
    2014), read offline from the files of the PyPI package ``qm9pack``.

    Every molecule is a ``Data`` with ``z`` [N], ``pos`` [N, 3] (Å), ``y`` [1, 19] holding the
    targets of ``torch_geometric.datasets.QM9`` in its order and units (:data:`QM9_TARGETS`:
    dipole moment, isotropic polarizability, orbital energies, ..., the atomisation energies
    ``U0_atom`` .. ``G_atom`` as columns 12-15, rotational constants), ``polarizability``
    [1, 3, 3] (the full tensor, a0³), ``idx`` and ``name`` (``gdb_<index>``, as PyG names them).

    Args:
        root: processing folder (default ``datasets/qm9``).
        source: ``"qm9pack"`` (the full set), ``"slice"`` (the few hundred molecules committed in
            ``datasets/qm9``, for tests and examples) or the path of a CSV file in qm9pack's format.
    """

    folder = "qm9"
    target_names = TARGET_NAMES

    def __init__(self, root: str | os.PathLike | None = None, source: str = "qm9pack", transform=None,
                 pre_transform=None, force_reload: bool = False):
        if source == "qm9pack":
            self.files = qm9pack_files()
        elif source == "slice":
            self.files = [slice_path()]
        else:
            self.files = [Path(source)]
        missing = [str(f) for f in self.files if not f.is_file()]
        if missing:
            raise FileNotFoundError(f"QM9: no data file at {missing}")
        self.source = source
        super().__init__(root, transform, pre_transform, force_reload)

    def description(self) -> dict:
        if self.source == "qm9pack":
            stamps = [[f.name, f.stat().st_size, f.stat().st_mtime_ns] for f in self.files]
        else:
            stamps = [[f.name, hashlib.sha256(f.read_bytes()).hexdigest()] for f in self.files]
        return {"source": self.source if self.source in ("qm9pack", "slice") else "file", "files": stamps}

    def build(self) -> list[Data]:
        polarizability_file = [f for f in self.files if f.name == "qm9_polarizability.csv"]
        tensors = _read_polarizabilities(polarizability_file[0]) if polarizability_file else {}
        molecules = []
        for file in self.files:
            if file.name == "qm9_polarizability.csv":
                continue
            with open(file, newline="") as handle:
                for row in csv.DictReader(handle):
                    molecules.append(_molecule(row, tensors))
        return molecules


def slice_path() -> Path:
    return default_root() / "qm9" / SLICE_FILE


def _read_polarizabilities(path: Path) -> dict[str, list[str]]:
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        columns = [header.index(c) for c in _POLARIZABILITY]
        return {row[0]: [row[c] for c in columns] for row in reader}


def _molecule(row: dict, tensors: dict) -> Data:
    dtype = torch.get_default_dtype()
    z = [_SYMBOLS[s.strip(" '\"")] for s in row["Elements"].strip("[]").split(",")]
    pos = np.array(row["XYZ_Ang"].replace("[", "").replace("]", "").split(","), dtype=float).reshape(-1, 3)
    raw = [float(row[c].replace("*^", "e")) for c in _COLUMNS]
    values = [v * HARTREE_TO_EV if k in _HARTREE_COLUMNS else v for k, v in enumerate(raw)]
    references = np.sum([ATOM_REFERENCES[a] for a in z], axis=0)
    atomisation = [(raw[7 + k] - references[k]) * HARTREE_TO_EV for k in range(4)]
    rotational = [float(row[c]) for c in ("RotA_GHz", "RotB_GHz", "RotC_GHz")]
    index = int(row["Index"])
    data = Data(z=torch.tensor(z, dtype=torch.long), pos=torch.as_tensor(pos, dtype=dtype),
                y=torch.tensor([values + atomisation + rotational], dtype=dtype), idx=torch.tensor([index]),
                name=f"gdb_{index}")
    tensor = [row[c] for c in _POLARIZABILITY] if "A_xx" in row else tensors.get(row["XYZ_file"])
    if tensor is not None:
        xx, xy, yy, xz, yz, zz = (float(v) for v in tensor)
        data.polarizability = torch.tensor([[[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]]], dtype=dtype)
    return data

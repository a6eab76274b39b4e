"""Writes ``qm9_slice.csv``: the first three molecules of QM9 (methane, ammonia, water) and 497
drawn at random (seed 0) from the others, from the files of the
PyPI package ``qm9pack``, in its column format with the polarizability tensor merged in.

    pip install --no-deps qm9pack && python datasets/qm9/make_slice.py
"""
import csv
from pathlib import Path

import numpy as np

from eqgraph.data.qm9 import qm9pack_files

KEEP = ("XYZ_file", "Index", "SMILES", "N_atoms", "Elements", "XYZ_Ang", "RotA_GHz", "RotB_GHz", "RotC_GHz",
        "Dipole_debye", "Polarizability_bohr3", "HOMO_au", "LUMO_au", "HOMO_LUMO_gap_au", "R2_bohr2", "ZPVE_au",
        "InternalEnergy_0K_au", "InternalEnergy_298K_au", "Enthalphy_298K_au", "GibbsFreeEnergy_298K_au",
        "Heatcapacity_Cv_cal_mol_K")
TENSOR = ("A_xx", "A_xy", "A_yy", "A_xz", "A_yz", "A_zz")

*parts, polarizability_file = qm9pack_files()
rows = []
for part in parts:
    with open(part, newline="") as handle:
        rows += [{k: row[k] for k in KEEP} for row in csv.DictReader(handle)]
with open(polarizability_file, newline="") as handle:
    tensors = {row["XYZ_file"]: row for row in csv.DictReader(handle)}
chosen = [0, 1, 2] + sorted(3 + np.random.default_rng(0).choice(len(rows) - 3, 497, replace=False))
with open(Path(__file__).with_name("qm9_slice.csv"), "w", newline="") as handle:
    writer = csv.DictWriter(handle, KEEP + TENSOR)
    writer.writeheader()
    for i in chosen:
        writer.writerow({**rows[i], **{k: tensors[rows[i]["XYZ_file"]][k] for k in TENSOR}})

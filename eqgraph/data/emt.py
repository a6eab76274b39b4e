"""Structures labelled by ASE's EMT calculator: training data for potentials with no download."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch_geometric.data import Data

EMT_ELEMENTS = ("Al", "Cu", "Ag", "Au", "Ni", "Pd", "Pt")
"""The fcc metals ASE's EMT describes."""

def emt_structures(element: str | Sequence[str] = "Cu", n_structures: int = 100, temperatures: Sequence[float] = (300, 1200),
                   seed: int = 0, repeat: int = 2, md_steps: int = 10, timestep_fs: float = 2.0) -> list[Data]:
    """``n_structures`` snapshots of Langevin molecular dynamics of an fcc cell (``repeat``³
    conventional cells, 4·repeat³ atoms) under EMT, split evenly over ``temperatures`` (K) and
    taken every ``md_steps`` steps, each a ``Data`` with ``z``, ``pos``, ``energy`` [1],
    ``forces`` [N, 3], ``stress`` [1, 3, 3] (ASE's sign, eV/Å³), ``cell`` [1, 3, 3] and ``pbc``
    [1, 3]. Several elements make a random substitutional alloy. Deterministic by ``seed``.
    """
    from ase import units
    from ase.build import bulk
    from ase.calculators.emt import EMT
    from ase.md.langevin import Langevin
    from ase.md.velocitydistribution import MaxwellBoltzmannDistribution

    elements = [element] if isinstance(element, str) else list(element)
    unknown = [e for e in elements if e not in EMT_ELEMENTS]
    if unknown or not elements:
        raise ValueError(f"EMT describes the fcc metals {EMT_ELEMENTS}, got {elements}")
    if n_structures < 1 or not temperatures:
        raise ValueError(f"need n_structures >= 1 and at least one temperature, got {n_structures} and {temperatures}")
    rng = np.random.default_rng(seed)
    structures: list[Data] = []
    per_temperature = np.array_split(np.arange(n_structures), len(temperatures))
    for temperature, share in zip(temperatures, per_temperature):
        atoms = bulk(elements[0], "fcc", a=_lattice_constant(elements), cubic=True).repeat(repeat)
        if len(elements) > 1:
            atoms.set_chemical_symbols(rng.choice(elements, size=len(atoms)).tolist())
        atoms.calc = EMT()
        MaxwellBoltzmannDistribution(atoms, temperature_K=temperature, rng=rng)
        dynamics = Langevin(atoms, timestep_fs * units.fs, temperature_K=temperature, friction=0.02, rng=rng, fixcm=False)
        dynamics.run(5 * md_steps)  # equilibrate
        for _ in share:
            dynamics.run(md_steps)
            structures.append(atoms_to_data(atoms))
    return structures

def atoms_to_data(atoms) -> Data:
    """A ``Data`` of an ``ase.Atoms`` with a calculator: positions, cell, pbc, energy, forces and,
    for periodic cells, stress."""
    dtype = torch.get_default_dtype()
    data = Data(z=torch.as_tensor(atoms.numbers, dtype=torch.long), pos=torch.as_tensor(atoms.positions, dtype=dtype),
                cell=torch.as_tensor(np.array(atoms.cell), dtype=dtype).view(1, 3, 3),
                pbc=torch.as_tensor(atoms.pbc, dtype=torch.bool).view(1, 3))
    if atoms.calc is not None:
        data.energy = torch.tensor([atoms.get_potential_energy()], dtype=dtype)
        data.forces = torch.as_tensor(atoms.get_forces(), dtype=dtype)
        if atoms.pbc.all():
            data.stress = torch.as_tensor(atoms.get_stress(voigt=False), dtype=dtype).view(1, 3, 3)
    return data

def _lattice_constant(elements: Sequence[str]) -> float:
    from ase.data import atomic_numbers, reference_states

    return float(np.mean([reference_states[atomic_numbers[e]]["a"] for e in elements]))

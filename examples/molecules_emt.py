"""Fit an interatomic potential to EMT copper, then run molecular dynamics with it in ASE.

    python examples/molecules_emt.py [--structures 80] [--epochs 15] [--md-steps 1000]

Generates MD snapshots of a 32-atom fcc copper cell at 300 K and 1200 K labelled by ASE's EMT
calculator (no download), fits an ``EquivariantPotential`` to energies and forces, prints its
test errors, then runs NVE molecular dynamics with the fitted model as an ASE calculator and
prints the energy drift per atom per picosecond.
"""
from __future__ import annotations

import argparse

import numpy as np
import torch


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--structures", type=int, default=80)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--md-steps", type=int, default=1000)
    parser.add_argument("--timestep-fs", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)

    from ase import units
    from ase.build import bulk
    from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
    from ase.md.verlet import VelocityVerlet

    from eqgraph.calculators import EqgraphCalculator
    from eqgraph.data import emt_structures
    from eqgraph.models import EquivariantPotential
    from eqgraph.training import fit_potential, potential_errors

    data = emt_structures("Cu", args.structures, temperatures=(300, 1200), seed=args.seed)
    order = np.random.default_rng(args.seed).permutation(len(data))
    cut = 3 * len(data) // 4
    train, test = [data[i] for i in order[:cut]], [data[i] for i in order[cut:]]
    model = EquivariantPotential([29], cutoff=4.5, channels=args.channels, lmax=2, num_layers=2, radial_mlp=(32,))
    model.fit_statistics(train)
    seconds = fit_potential(model, train, args.epochs, seed=args.seed)["cpu_seconds"]
    errors = potential_errors(model, test)
    print(f"trained on {len(train)} structures for {args.epochs} epochs in {seconds:.1f} CPU s")
    print(f"test force MAE {errors['force_mae'] * 1000:.1f} meV/A, force RMSE {errors['force_rmse'] * 1000:.1f} meV/A, "
          f"energy MAE {errors['energy_mae_per_atom'] * 1000:.2f} meV/atom ({len(test)} structures)")

    atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2)
    atoms.calc = EqgraphCalculator(model)
    MaxwellBoltzmannDistribution(atoms, temperature_K=300, rng=np.random.default_rng(args.seed))
    energies = []
    dynamics = VelocityVerlet(atoms, args.timestep_fs * units.fs)
    dynamics.attach(lambda: energies.append(atoms.get_total_energy()), interval=1)
    dynamics.run(args.md_steps)
    duration_ps = args.md_steps * args.timestep_fs / 1000
    drift = abs(energies[-1] - energies[0]) / len(atoms) / duration_ps
    spread = (max(energies) - min(energies)) / len(atoms)
    print(f"NVE {args.md_steps} steps of {args.timestep_fs} fs: energy drift {drift * 1000:.3f} meV/atom/ps, "
          f"spread {spread * 1000:.3f} meV/atom")


if __name__ == "__main__":
    main()

"""EquivariantRegressor outputs and the ASE calculator."""
import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from eqgraph.group import o3_group
from eqgraph.models import EquivariantPotential, EquivariantRegressor

H, C, O = 1, 6, 8


def molecule(seed=0, n=6):
    g = torch.Generator().manual_seed(seed)
    return Data(z=torch.tensor([C, O, H, H, C, O][:n]), pos=torch.randn(n, 3, generator=g, dtype=torch.float64) * 1.2)


def regressor(output, **kwargs):
    torch.manual_seed(0)
    return EquivariantRegressor([H, C, O], output=output, cutoff=3.0, channels=4, radial_mlp=(8,), **kwargs).double()


def relative(a, b):
    return float((a - b).abs().max() / b.abs().max().clamp(min=1e-30))


@pytest.mark.parametrize("output, reduce", [("scalar", "sum"), ("scalar", "mean"), ("dipole", "sum"),
                                            ("polarizability", "sum"), ("polarizability", "mean")])
def test_outputs_transform_as_scalars_vectors_and_symmetric_tensors(output, reduce):
    model = regressor(output, reduce=reduce)
    data = molecule()
    with torch.no_grad():
        value = model(data)[output][0]
        group = o3_group()
        for seed in range(4):
            Q = torch.tensor(group.irrep(1, 1)(group.sample(seed)))  # rotations and reflections
            moved = model(Data(z=data.z, pos=data.pos @ Q.T + torch.randn(3, dtype=torch.float64)))[output][0]
            expected = {"scalar": lambda: value, "dipole": lambda: Q @ value, "polarizability": lambda: Q @ value @ Q.T}[output]()
            assert relative(moved, expected) < 1e-10
    if output == "polarizability":
        assert torch.allclose(value, value.T, atol=1e-12) and (value - value.T).abs().max() < 1e-12
        assert (value - torch.diag(torch.diag(value))).abs().max() > 1e-6  # the anisotropic part is used
    if output == "dipole":
        assert value.abs().max() > 1e-6


def test_scalar_statistics_and_bad_output():
    model = regressor("scalar")
    items = []
    for seed in range(5):
        d = molecule(seed, n=3 + seed % 3)
        counts = torch.bincount(d.z, minlength=9).double()
        d.y = torch.tensor([2.0 * counts[H] + 7.0 * counts[C] - 1.0 * counts[O]], dtype=torch.float64)
        items.append(d)
    stats = model.fit_statistics(items)
    assert np.allclose(stats["shift"], [2.0, 7.0, -1.0])
    with pytest.raises(ValueError, match="output"):
        EquivariantRegressor([H], output="quadrupole")
    with pytest.raises(ValueError, match="lmax >= 2"):
        EquivariantRegressor([H], output="polarizability", lmax=1)


def test_regressor_checkpoint_and_state_dict_keys(tmp_path):
    model = regressor("polarizability")
    data = molecule()
    assert set(model.train().state_dict()) == set(model.eval().state_dict())
    model.save(tmp_path / "alpha.pt")
    loaded = EquivariantRegressor.from_checkpoint(tmp_path / "alpha.pt")
    assert loaded(data)["polarizability"].dtype == torch.float64
    assert relative(loaded(data)["polarizability"], model(data)["polarizability"]) < 1e-14


def potential():
    torch.manual_seed(1)
    return EquivariantPotential([H, O, 29], cutoff=3.5, channels=4, radial_mlp=(8,))


def test_calculator_matches_ase_numerical_forces_and_stress(tmp_path):
    from ase.build import bulk

    from eqgraph.calculators import EqgraphCalculator

    atoms = bulk("Cu", "fcc", a=3.6, cubic=True)
    atoms.rattle(0.1, seed=2)
    atoms.calc = EqgraphCalculator(potential())
    forces = atoms.get_forces()
    assert np.abs(forces).max() > 1e-4
    assert np.allclose(forces, atoms.calc.calculate_numerical_forces(atoms, d=1e-4), atol=1e-7)
    assert np.allclose(atoms.get_stress(), atoms.calc.calculate_numerical_stress(atoms, d=1e-5), atol=1e-8)
    assert atoms.get_potential_energy() == pytest.approx(atoms.get_potential_energies().sum())
    assert atoms.get_potential_energy(force_consistent=True) == pytest.approx(atoms.get_potential_energy())
    model = potential()
    model.save(tmp_path / "model.pt")
    atoms.calc = EqgraphCalculator.from_checkpoint(tmp_path / "model.pt")
    assert np.allclose(atoms.get_forces(), forces, atol=1e-12)


def test_calculator_runs_md_and_conserves_energy_and_refuses_unknown_elements():
    from ase import units
    from ase.build import bulk, molecule as ase_molecule
    from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
    from ase.md.verlet import VelocityVerlet

    from eqgraph.calculators import EqgraphCalculator

    atoms = bulk("Cu", "fcc", a=3.6, cubic=True).repeat(2)
    atoms.calc = EqgraphCalculator(potential())
    MaxwellBoltzmannDistribution(atoms, temperature_K=300, rng=np.random.default_rng(0))
    start = atoms.get_total_energy()
    VelocityVerlet(atoms, 1.0 * units.fs).run(30)
    assert abs(atoms.get_total_energy() - start) / len(atoms) < 1e-4
    methane = ase_molecule("CH4")
    methane.calc = EqgraphCalculator(potential())
    with pytest.raises(ValueError, match=r"\['C'\]"):
        methane.get_potential_energy()
    water = ase_molecule("H2O")
    water.calc = EqgraphCalculator(potential())
    with pytest.raises(ValueError, match="periodic"):
        water.get_stress()

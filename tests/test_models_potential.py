"""EquivariantPotential: symmetries, derivatives, locality, bad input, serialisation."""
import pickle

import numpy as np
import pytest
import torch
from torch_geometric.data import Batch, Data

from eqgraph.group import o3_group, so3_group
from eqgraph.models import EquivariantPotential, SavableModel

CU, H, O = 29, 1, 8


def small(**kwargs):
    torch.manual_seed(0)
    options = dict(cutoff=3.0, channels=4, lmax=2, num_layers=2, radial_mlp=(8,))
    options.update(kwargs)
    model = EquivariantPotential([H, O, CU], **options).double()
    for name, buffer in model.named_buffers():  # non-trivial statistics, so that they are exercised
        if name == "energy_shift":
            buffer.copy_(torch.tensor([-1.3, -4.1, -3.5]))
        elif name == "trunk.neighbor_normalization":
            buffer.fill_(0.4)
    return model


def cluster(n=7, seed=0, scale=1.5):
    g = torch.Generator().manual_seed(seed)
    z = torch.tensor([CU, O, H, CU, H, O, CU, H, CU, O][:n])
    return Data(z=z, pos=torch.randn(n, 3, generator=g, dtype=torch.float64) * scale)


def periodic(seed=0):
    g = torch.Generator().manual_seed(seed)
    cell = torch.tensor([[3.6, 0.1, 0.0], [0.2, 3.5, 0.1], [0.0, -0.1, 3.7]], dtype=torch.float64)
    frac = torch.rand(6, 3, generator=g, dtype=torch.float64)
    return Data(z=torch.tensor([CU, CU, O, H, CU, O]), pos=frac @ cell, cell=cell[None], pbc=torch.ones(1, 3, dtype=torch.bool))


def relative(a, b):
    return float((a - b).abs().max() / b.abs().max().clamp(min=1e-30))


VARIANTS = [dict(), dict(interaction="full"), dict(correlation=2), dict(correlation=3), dict(parity=False),
            dict(hidden_irreps="6x0e+2x1o+3x2e"), dict(readout_bias=False), dict(num_layers=1),
            dict(radial_basis="gaussian", num_radial=12)]


@pytest.mark.parametrize("options", VARIANTS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_energy_invariant_forces_equivariant(options):
    model = small(**options)
    data = cluster()
    out = model(data)
    group = so3_group() if options.get("parity") is False else o3_group()
    rng = np.random.default_rng(1)
    for _ in range(3):
        g = group.sample(rng)
        R = torch.tensor(group.irrep(1) (g) if group is so3_group() else group.irrep(1, 1)(g)) * \
            (1 if group is so3_group() else float(np.linalg.det(group.irrep(1, 1)(g))))
        shift = torch.randn(3, dtype=torch.float64)
        moved = Data(z=data.z, pos=data.pos @ R.T + shift)
        result = model(moved)
        assert relative(result["energy"], out["energy"]) < 1e-10
        assert relative(result["forces"], out["forces"] @ R.T) < 1e-10
    permutation = torch.randperm(len(data.z))
    permuted = model(Data(z=data.z[permutation], pos=data.pos[permutation]))
    assert relative(permuted["energy"], out["energy"]) < 1e-10
    assert relative(permuted["forces"], out["forces"][permutation]) < 1e-10
    assert relative(permuted["node_energy"], out["node_energy"][permutation]) < 1e-10


def test_readouts_without_bias_have_no_bias_parameters():
    names = [name for name, _ in small(readout_bias=False).readouts.named_parameters()]
    assert names == ["0.weight", "1.0.weight", "1.0.bias", "1.2.weight"]  # only the hidden layer keeps its bias


def test_float32_equivariance_and_nonzero_forces():
    model = small().float()
    data = cluster()
    data.pos = data.pos.float()
    out = model(data)
    assert out["forces"].abs().max() > 1e-3
    R = torch.tensor(o3_group().irrep(1, 1)(o3_group().sample(3)), dtype=torch.float32)
    R = R * float(torch.linalg.det(R))  # a rotation; reflections checked in float64
    moved = model(Data(z=data.z, pos=data.pos @ R.T))
    assert relative(moved["energy"], out["energy"]) < 1e-5
    assert relative(moved["forces"], out["forces"] @ R.T) < 1e-5


def test_stress_transforms_as_rank_two_tensor_under_rotated_cells():
    model = small()
    data = periodic()
    out = model(data, compute_stress=True)
    group = o3_group()
    for seed in range(3):
        R = torch.tensor(group.irrep(1, 1)(group.sample(seed)))
        moved = Data(z=data.z, pos=data.pos @ R.T, cell=data.cell @ R.T, pbc=data.pbc)
        result = model(moved, compute_stress=True)
        assert relative(result["energy"], out["energy"]) < 1e-10
        assert relative(result["forces"], out["forces"] @ R.T) < 1e-10
        assert relative(result["stress"][0], R @ out["stress"][0] @ R.T) < 1e-9


def test_forces_equal_finite_differences():
    model = small(correlation=2)
    data = cluster()
    forces = model(data)["forces"]
    h = 1e-5
    numeric = torch.zeros_like(forces)
    for i in range(len(data.z)):
        for k in range(3):
            energies = []
            for sign in (1, -1):
                pos = data.pos.clone()
                pos[i, k] += sign * h
                energies.append(float(model(Data(z=data.z, pos=pos), compute_forces=False)["energy"]))
            numeric[i, k] = -(energies[0] - energies[1]) / (2 * h)
    assert relative(numeric, forces) < 1e-6


def test_stress_equals_strain_finite_differences():
    model = small()
    data = periodic()
    stress = model(data, compute_stress=True)["stress"][0]
    volume = float(torch.linalg.det(data.cell[0]).abs())
    h = 1e-6
    numeric = torch.zeros(3, 3, dtype=torch.float64)
    for a in range(3):
        for b in range(3):
            energies = []
            for sign in (1, -1):
                strain = torch.eye(3, dtype=torch.float64)
                strain[a, b] += sign * h / 2
                strain[b, a] += sign * h / 2
                moved = Data(z=data.z, pos=data.pos @ strain, cell=data.cell @ strain, pbc=data.pbc)
                energies.append(float(model(moved, compute_forces=False)["energy"]))
            numeric[a, b] = (energies[0] - energies[1]) / (2 * h) / volume
    assert relative(numeric, stress) < 1e-6


@pytest.mark.parametrize("options", [dict(interaction="channelwise"), dict(interaction="full"),
                                     dict(radial_basis="gaussian", num_radial=12)])
def test_energy_continuous_as_an_atom_crosses_the_cutoff(options):
    model = small(**options)
    base = torch.tensor([[0.0, 0.0, 0.0], [1.1, 0.3, -0.2], [-0.4, 1.0, 0.5]], dtype=torch.float64)
    z = torch.tensor([CU, O, H, CU])
    energies = []
    for distance in (model.cutoff - 1e-7, model.cutoff + 1e-7):
        pos = torch.cat([base, torch.tensor([[distance, 0.0, 0.0]], dtype=torch.float64)])
        energies.append(float(model(Data(z=z, pos=pos), compute_forces=False)["energy"]))
    assert abs(energies[0] - energies[1]) < 1e-8
    # and the atom does interact inside the cutoff
    inside = torch.cat([base, torch.tensor([[model.cutoff * 0.6, 0.0, 0.0]], dtype=torch.float64)])
    assert abs(float(model(Data(z=z, pos=inside), compute_forces=False)["energy"]) - energies[1]) > 1e-6


def test_distant_molecules_add_up():
    model = small()
    a, b = cluster(5, seed=1, scale=0.8), cluster(6, seed=2, scale=0.8)
    far = Data(z=torch.cat([a.z, b.z]), pos=torch.cat([a.pos, b.pos + torch.tensor([3 * model.cutoff + 10.0, 0, 0])]))
    together = model(far)
    assert relative(together["energy"], model(a)["energy"] + model(b)["energy"]) < 1e-12
    assert relative(together["forces"], torch.cat([model(a)["forces"], model(b)["forces"]])) < 1e-12


def test_batches_equal_single_structures():
    model = small()
    items = [cluster(5, seed=3), periodic(1), cluster(7, seed=4)]
    items[0].cell, items[0].pbc = torch.zeros(1, 3, 3, dtype=torch.float64), torch.zeros(1, 3, dtype=torch.bool)
    items[2].cell, items[2].pbc = torch.zeros(1, 3, 3, dtype=torch.float64), torch.zeros(1, 3, dtype=torch.bool)
    batch = Batch.from_data_list(items)
    out = model(batch)
    singles = [model(d) for d in items]
    assert relative(out["energy"], torch.cat([s["energy"] for s in singles])) < 1e-12
    assert relative(out["forces"], torch.cat([s["forces"] for s in singles])) < 1e-12


def test_given_edges_and_cell_shifts_match_the_built_graph():
    from eqgraph.graph import periodic_radius_graph

    model = small()
    data = periodic()
    graph = periodic_radius_graph(data.pos, data.cell, model.cutoff)
    given = Data(z=data.z, pos=data.pos, cell=data.cell, pbc=data.pbc, edge_index=graph.edge_index,
                 cell_shifts=graph.shifts.long())
    a, b = model(data, compute_stress=True), model(given, compute_stress=True)
    for key in ("energy", "forces", "stress"):
        assert relative(b[key], a[key]) < 1e-12


def test_isolated_and_single_atoms_have_their_species_energy():
    model = small()
    single = model(Data(z=torch.tensor([O]), pos=torch.zeros(1, 3, dtype=torch.float64)))
    assert torch.isfinite(single["energy"]).all() and single["forces"].abs().max() == 0
    lonely = cluster(3)
    lonely.pos[2] += 100.0
    out = model(lonely)
    assert torch.isfinite(out["energy"]).all() and torch.isfinite(out["forces"]).all()
    assert out["forces"][2].abs().max() == 0


@pytest.mark.parametrize("mutate, message", [
    (lambda d: setattr(d, "z", torch.tensor([CU, 79, H, CU, H, O, CU])), "Au"),
    (lambda d: d.pos.__setitem__((1, 0), float("nan")), "NaN"),
    (lambda d: d.pos.__setitem__((1, 0), float("inf")), "infinite"),
    (lambda d: setattr(d, "pbc", torch.ones(1, 3, dtype=torch.bool)), "no `cell`"),
    (lambda d: (setattr(d, "pbc", torch.ones(1, 3, dtype=torch.bool)), setattr(d, "cell", torch.zeros(1, 3, 3, dtype=torch.float64))), "singular"),
    (lambda d: (setattr(d, "pbc", torch.ones(1, 3, dtype=torch.bool)), setattr(d, "cell", torch.full((1, 3, 3), float("nan"), dtype=torch.float64))), "NaN"),
    (lambda d: setattr(d, "pos", d.pos[:, :2]), "[N, 3]"),
])
def test_bad_input_is_refused_before_computation(mutate, message):
    model = small()
    data = cluster()
    mutate(data)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        model(data)


def test_stress_needs_a_periodic_cell():
    with pytest.raises(ValueError, match="periodic"):
        small()(cluster(), compute_stress=True)


@pytest.mark.parametrize("argument, value", [("cutoff", float("inf")), ("channels", 0), ("correlation", 4),
                                             ("interaction", "dense"), ("species", [29, 29]),
                                             ("radial_basis", "chebyshev"), ("radial_basis", ["gaussian"])])
def test_bad_constructor_arguments(argument, value):
    options = dict(species=[CU], cutoff=3.0, channels=4)
    options[argument] = value
    with pytest.raises(ValueError, match=argument if argument != "species" else "distinct"):
        EquivariantPotential(**options)


def test_pickle_state_dict_checkpoint_round_trips(tmp_path):
    model = small(correlation=2)
    data = cluster()
    expected = model(data)["energy"]
    assert relative(pickle.loads(pickle.dumps(model))(data)["energy"], expected) < 1e-14
    train_keys = set(model.train().state_dict())
    assert train_keys == set(model.eval().state_dict())
    fresh = EquivariantPotential(**model.config).double()
    fresh.load_state_dict(model.state_dict())
    assert relative(fresh(data)["energy"], expected) < 1e-14
    model.save(tmp_path / "potential.pt")
    loaded = EquivariantPotential.from_checkpoint(tmp_path / "potential.pt").double()
    assert relative(loaded(data)["energy"], expected) < 1e-14
    assert type(SavableModel.from_checkpoint(tmp_path / "potential.pt")) is EquivariantPotential


def test_checkpoint_errors(tmp_path):
    from eqgraph.models import EquivariantRegressor

    model = small()
    model.save(tmp_path / "potential.pt")
    with pytest.raises(ValueError, match="not a EquivariantRegressor"):
        EquivariantRegressor.from_checkpoint(tmp_path / "potential.pt")
    raw = (tmp_path / "potential.pt").read_bytes()
    (tmp_path / "truncated.pt").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match="truncated"):
        EquivariantPotential.from_checkpoint(tmp_path / "truncated.pt")
    newer = model.checkpoint()
    newer["format_version"] = 99
    with pytest.raises(ValueError, match="newer"):
        EquivariantPotential.from_checkpoint(newer)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["potential.pt", "truncated.pt"]  # no temporary files left


def test_fit_statistics_recovers_a_composition_shift():
    model = small()
    items = []
    for seed in range(6):
        d = cluster(4 + seed % 3, seed=seed)
        counts = torch.bincount(d.z, minlength=30).double()
        d.energy = torch.tensor([-1.0 * counts[H] - 5.0 * counts[O] - 3.0 * counts[CU]], dtype=torch.float64)
        d.forces = torch.full((len(d.z), 3), 0.5, dtype=torch.float64)
        items.append(d)
    stats = model.fit_statistics(items)
    assert np.allclose(stats["energy_shift"], [-1.0, -5.0, -3.0])
    assert stats["energy_scale"] == pytest.approx(0.5)
    assert float(model.trunk.neighbor_normalization) == pytest.approx(stats["num_neighbors"] ** -0.5)

"""Datasets and transforms: QM9 against PyG's conventions, extxyz keys, EMT determinism,
processed files (atomic, versioned, rebuilt when stale or corrupt), RadiusGraph and RandomRotate."""
import importlib.util
import warnings

import numpy as np
import pytest
import torch
import torch_geometric.datasets.qm9 as pyg_qm9
from torch_geometric.data import Batch

from eqgraph.data import QM9, QM9_TARGETS, EMTDataset, ExtXYZDataset, RadiusGraph, RandomRotate, random_orthogonal
from eqgraph.data.processed import ProcessedDataset
from eqgraph.models import EquivariantPotential


@pytest.fixture(scope="module")
def qm9_slice(tmp_path_factory):
    return QM9(tmp_path_factory.mktemp("qm9"), source="slice")


def test_qm9_slice_has_pyg_targets_in_pyg_order_and_units(qm9_slice):
    assert len(qm9_slice) == 500
    assert [name for name, _ in QM9_TARGETS][:12] == ["mu", "alpha", "homo", "lumo", "gap", "r2", "zpve", "U0", "U",
                                                       "H", "G", "cv"]
    methane = qm9_slice[0]
    assert methane.name == "gdb_1" and methane.z.tolist() == [6, 1, 1, 1, 1]
    y = methane.y[0].double()
    # the raw QM9 record of methane, converted with PyG's own conversion factors
    raw = torch.tensor([0.0, 13.21, -0.3877, 0.1171, 0.5048, 35.3641, 0.044749, -40.47893, -40.476062, -40.475117,
                        -40.498597, 6.469], dtype=torch.float64)
    assert torch.allclose(y[:12], raw * pyg_qm9.conversion[:12].double(), rtol=1e-6)
    assert torch.allclose(y[16:], torch.tensor([157.7118, 157.70997, 157.70699], dtype=torch.float64), rtol=1e-6)


def test_qm9_atomisation_energies_use_pyg_atom_references(qm9_slice):
    types = {1: 0, 6: 1, 7: 2, 8: 3, 9: 4}
    for data in [qm9_slice[i] for i in range(0, 500, 37)]:
        y = data.y[0].double()
        for k, target in enumerate(range(7, 11)):  # U0, U, H, G and their atomisation columns 12..15
            reference = sum(pyg_qm9.atomrefs[target][types[int(z)]] for z in data.z)
            assert abs(float(y[target]) - reference - float(y[12 + k])) < 2e-3  # PyG's come from kcal/mol, 4 digits


def test_qm9_polarizability_tensor_traces_to_alpha(qm9_slice):
    for data in [qm9_slice[i] for i in range(0, 500, 50)]:
        tensor = data.polarizability[0].double()
        assert torch.allclose(tensor, tensor.T)
        assert abs(float(torch.trace(tensor)) / 3 - float(data.y[0, 1])) < 0.02 * float(data.y[0, 1])


@pytest.mark.slow
def test_full_qm9_from_qm9pack(tmp_path):
    if importlib.util.find_spec("qm9pack") is None:
        pytest.fail("the full QM9 test needs `pip install --no-deps qm9pack`")
    dataset = QM9(tmp_path)
    assert len(dataset) == 130831
    assert dataset[len(dataset) - 1].name == "gdb_133885"


def test_missing_qm9pack_or_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no data file"):
        QM9(tmp_path, source=str(tmp_path / "absent.csv"))


def _write_extxyz(path, n=3, keys="ref"):
    import ase.io
    from ase.build import bulk
    from ase.calculators.emt import EMT

    frames = []
    for k in range(n):
        atoms = bulk("Cu", "fcc", a=3.6, cubic=True)
        atoms.rattle(0.05, seed=k)
        atoms.calc = EMT()
        if keys == "ref":
            atoms.info["REF_energy"] = atoms.get_potential_energy()
            atoms.info["REF_stress"] = atoms.get_stress(voigt=True)
            atoms.arrays["REF_forces"] = atoms.get_forces()
            atoms.info["label"] = float(k)
            atoms.calc = None
        else:
            atoms.get_forces()
            atoms.get_stress()
        frames.append(atoms)
    ase.io.write(path, frames, format="extxyz")
    return frames


def test_extxyz_reads_ref_keys_and_calculator_results(tmp_path):
    frames = _write_extxyz(tmp_path / "ref.xyz")
    dataset = ExtXYZDataset(tmp_path / "ref.xyz", energy_key="REF_energy", forces_key="REF_forces",
                            stress_key="REF_stress", properties=["label"])
    assert len(dataset) == 3
    data = dataset[1]
    assert data.z.tolist() == frames[1].numbers.tolist()
    assert np.allclose(data.forces.numpy(), frames[1].arrays["REF_forces"], atol=1e-6)
    assert data.stress.shape == (1, 3, 3) and torch.allclose(data.stress, data.stress.transpose(1, 2))
    voigt = frames[1].info["REF_stress"]
    assert np.isclose(float(data.stress[0, 1, 2]), voigt[3], atol=1e-7)
    assert float(data.label) == 1.0
    _write_extxyz(tmp_path / "calc.xyz", keys="calc")
    from_calc = ExtXYZDataset(tmp_path / "calc.xyz", stress_key="stress")
    assert from_calc[0].energy.shape == (1,) and from_calc[0].forces.shape == (4, 3)


def test_extxyz_names_the_frame_and_key_that_is_missing(tmp_path):
    _write_extxyz(tmp_path / "ref.xyz")
    with pytest.raises(KeyError, match="frame 0 has no `energy`"):
        ExtXYZDataset(tmp_path / "ref.xyz")
    assert not list(tmp_path.rglob("*.pt"))  # nothing half-processed left behind
    with pytest.raises(FileNotFoundError, match="no file"):
        ExtXYZDataset(tmp_path / "absent.xyz")


def test_emt_dataset_is_deterministic_and_shaped_for_potentials(tmp_path):
    a = EMTDataset(tmp_path / "a", n_structures=6, seed=3)
    b = EMTDataset(tmp_path / "b", n_structures=6, seed=3)
    c = EMTDataset(tmp_path / "c", n_structures=6, seed=4)
    assert torch.equal(a._data.pos, b._data.pos) and not torch.equal(a._data.pos, c._data.pos)
    batch = Batch.from_data_list([a[0], a[1]])
    assert batch.energy.shape == (2,) and batch.stress.shape == (2, 3, 3) and batch.cell.shape == (2, 3, 3)
    assert batch.pbc.shape == (2, 3) and batch.forces.shape == (64, 3)


def test_processed_files_are_rebuilt_when_corrupt_or_stale(tmp_path):
    first = EMTDataset(tmp_path, n_structures=4)
    path = first.processed_file
    assert path.exists() and not list(path.parent.glob("*.tmp"))
    torch.load(path, weights_only=True)  # loadable without unpickling code
    path.write_bytes(path.read_bytes()[:100])  # truncated
    with pytest.warns(UserWarning, match="unreadable"):
        rebuilt = EMTDataset(tmp_path, n_structures=4)
    assert torch.equal(rebuilt._data.pos, first._data.pos)
    stored = torch.load(path, weights_only=True)
    stored["description"]["processing_version"] = 0
    torch.save(stored, path)
    with pytest.warns(UserWarning, match="stale"):
        EMTDataset(tmp_path, n_structures=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        EMTDataset(tmp_path, n_structures=4)  # valid now: no warning


def test_processed_dataset_refuses_an_empty_build(tmp_path):
    class Empty(ProcessedDataset):
        def description(self):
            return {}

        def build(self):
            return []

    with pytest.raises(ValueError, match="no structures"):
        Empty(tmp_path)
    assert not list(tmp_path.rglob("*.pt"))


def test_radius_graph_transform_gives_the_model_its_own_periodic_edges(tmp_path):
    dataset = EMTDataset(tmp_path, n_structures=2)
    torch.manual_seed(0)
    model = EquivariantPotential([29], cutoff=3.0, channels=4, lmax=1).double()
    data = dataset[0]
    data.pos, data.cell = data.pos.double(), data.cell.double()
    inside = model(data)
    with_edges = RadiusGraph(3.0)(data.clone())
    assert with_edges.cell_shifts.shape == (with_edges.edge_index.shape[1], 3)
    outside = model(with_edges)
    assert torch.allclose(inside["energy"], outside["energy"], rtol=1e-12)
    assert torch.allclose(inside["forces"], outside["forces"], atol=1e-12)


def test_random_rotate_turns_labels_as_physics_does(tmp_path):
    """EMT on the rotated structure gives the rotated labels: forces as vectors, stress as a tensor."""
    from ase import Atoms
    from ase.calculators.emt import EMT

    data = EMTDataset(tmp_path, n_structures=1)[0]
    for reflections in (False, True):
        rotation = random_orthogonal(torch.Generator().manual_seed(5), reflections=reflections)
        turned = RandomRotate(reflections=reflections).rotate(data.clone(), rotation.float())
        atoms = Atoms(numbers=turned.z.numpy(), positions=turned.pos.double().numpy(),
                      cell=turned.cell[0].double().numpy(), pbc=True)
        atoms.calc = EMT()
        assert np.allclose(atoms.get_forces(), turned.forces.numpy(), atol=1e-4)
        assert np.allclose(atoms.get_stress(voigt=False), turned.stress[0].numpy(), atol=1e-5)
        assert np.isclose(atoms.get_potential_energy(), float(turned.energy), atol=1e-4)


def test_random_rotate_is_haar_and_reports_bad_shapes():
    generator = torch.Generator().manual_seed(0)
    rotations = torch.stack([random_orthogonal(generator) for _ in range(2000)])
    assert torch.allclose(rotations @ rotations.transpose(1, 2), torch.eye(3, dtype=torch.float64).expand(2000, 3, 3),
                          atol=1e-12)
    assert torch.allclose(torch.det(rotations), torch.ones(2000, dtype=torch.float64))
    assert rotations.mean(0).abs().max() < 0.05  # Haar: the mean rotation is zero
    from torch_geometric.data import Data

    with pytest.raises(ValueError, match="forces"):
        RandomRotate()(Data(pos=torch.zeros(2, 3), forces=torch.zeros(2, 2)))

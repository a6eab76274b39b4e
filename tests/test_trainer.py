"""The trainer: learning, files, exact resume, EMA, any model on a PyG batch, clear errors."""
import json

import pytest
import torch

from eqgraph.data import QM9, EMTDataset
from eqgraph.models import EquivariantPotential, EquivariantRegressor, SavableModel, SchNetModel
from eqgraph.training import Target, Trainer, TrainingConfig, load_training_checkpoint

POTENTIAL_TARGETS = [Target("energy", per_atom=True, unit="eV/atom"), Target("forces", weight=10.0, unit="eV/Å")]


@pytest.fixture(scope="module")
def structures(tmp_path_factory):
    return list(EMTDataset(tmp_path_factory.mktemp("emt"), n_structures=24, repeat=1))


def small_potential(seed=0):
    torch.manual_seed(seed)
    return EquivariantPotential([29], cutoff=3.0, channels=4, lmax=1, radial_mlp=(8,))


def config(**changes):
    return TrainingConfig(**{"epochs": 2, "batch_size": 4, "progress": False, "plots": False, **changes})


def test_training_lowers_the_validation_error_and_writes_its_files(structures, tmp_path):
    model = small_potential()
    trainer = Trainer(model, structures[:16], structures[16:20], POTENTIAL_TARGETS,
                      config(epochs=4, plots=True, scheduler="cosine"), output_dir=tmp_path, test_set=structures[20:])
    before = trainer.evaluate(structures[16:20])
    summary = trainer.fit()
    assert summary["val"]["loss"] < before["loss"]
    assert set(summary["test"]) == {"loss", "energy_mae_per_atom", "energy_rmse_per_atom", "forces_mae", "forces_rmse"}
    assert 0 <= summary["data_wait_share"] < 1
    for name in ("last.pt", "best.pt", "metrics.csv", "metrics.json", "summary.json", "learning_curve.png",
                 "parity_energy.png", "parity_forces.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    history = json.loads((tmp_path / "metrics.json").read_text())
    assert [row["epoch"] for row in history] == [1, 2, 3, 4]
    assert history[-1]["lr"] < history[0]["lr"]  # the cosine schedule ran
    header = (tmp_path / "metrics.csv").read_text().splitlines()[0].split(",")
    assert {"val_forces_mae", "val_energy_mae_per_atom", "data_wait_share", "cpu_seconds"} <= set(header)
    state = load_training_checkpoint(tmp_path / "last.pt")
    assert {"optimizer", "scheduler", "rng", "trainer_state", "versions", "training", "targets"} <= set(state)
    rebuilt = SavableModel.from_checkpoint(tmp_path / "best.pt")
    assert isinstance(rebuilt, EquivariantPotential)


def _weights(model):
    return {k: v.clone() for k, v in model.state_dict().items() if isinstance(v, torch.Tensor)}


class _Crash(RuntimeError):
    pass


def test_resume_after_a_crash_mid_epoch_ends_bit_identical(structures, tmp_path):
    settings = config(epochs=3, checkpoint_every=2, ema_decay=0.5, scheduler="plateau", scheduler_patience=0,
                      augment_rotations=True)
    reference = small_potential()
    Trainer(reference, structures[:12], structures[12:16], POTENTIAL_TARGETS, settings).fit()

    crashing = small_potential()
    trainer = Trainer(crashing, structures[:12], structures[12:16], POTENTIAL_TARGETS, settings, output_dir=tmp_path)
    original_step, calls = trainer._step, []

    def step_then_crash(batch):
        calls.append(1)
        if len(calls) == 6:  # mid-epoch 2; the last checkpoint is from step 4
            raise _Crash
        return original_step(batch)

    trainer._step = step_then_crash
    with pytest.raises(_Crash):
        trainer.fit()
    assert load_training_checkpoint(tmp_path / "last.pt")["trainer_state"]["step_in_epoch"] == 1

    resumed = small_potential(seed=123)  # other initial weights: all must come from the checkpoint
    Trainer(resumed, structures[:12], structures[12:16], POTENTIAL_TARGETS, settings,
            output_dir=tmp_path).fit(resume=tmp_path / "last.pt")
    expected = _weights(reference)
    assert set(_weights(resumed)) == set(expected)
    for key, value in _weights(resumed).items():
        assert torch.equal(value, expected[key]), key


def test_ema_weights_are_the_saved_model(structures, tmp_path):
    model = small_potential()
    Trainer(model, structures[:8], structures[8:12], POTENTIAL_TARGETS, config(ema_decay=0.9),
            output_dir=tmp_path).fit()
    state = load_training_checkpoint(tmp_path / "last.pt")
    trained = state["train_state_dict"]
    averaged = state["model"]["state_dict"]
    assert any(not torch.equal(trained[k], averaged[k]) for k in trained if isinstance(trained[k], torch.Tensor))
    assert all(torch.equal(value, state["ema"]["shadow"][k]) for k, value in averaged.items()
               if k in state["ema"]["shadow"])


def test_the_trainer_trains_pyg_schnet_and_plain_modules(structures):
    schnet = SchNetModel([29], cutoff=3.0, hidden_channels=8, num_filters=8, num_interactions=1)
    trainer = Trainer(schnet, structures[:8], structures[8:12], POTENTIAL_TARGETS, config())
    before = trainer.evaluate(structures[8:12])["loss"]
    assert trainer.fit()["val"]["loss"] < before

    class MeanPosition(torch.nn.Module):  # no fit_statistics, returns a tensor
        def __init__(self):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.zeros(()))

        def forward(self, batch):
            return self.weight * torch.ones(batch.num_graphs)

    plain = MeanPosition()
    summary = Trainer(plain, structures[:8], structures[8:12], [Target("energy", per_atom=True)],
                      config(lr=0.5)).fit()
    assert float(plain.weight) != 0.0 and summary["steps"] == 4


def test_column_and_norm_targets_on_qm9(tmp_path):
    molecules = QM9(tmp_path, source="slice")
    parts = [molecules[i] for i in range(40)], [molecules[i] for i in range(40, 50)]
    torch.manual_seed(0)
    regressor = EquivariantRegressor([1, 6, 7, 8, 9], reduce="mean", cutoff=3.0, channels=4, lmax=1, radial_mlp=(8,))
    gap = Target("gap", data="y", column=4, output="scalar", unit="eV")
    trainer = Trainer(regressor, *parts, [gap], config(), output_dir=tmp_path / "gap")
    assert trainer.fit()["val"]["gap_mae"] < 2.0
    state = load_training_checkpoint(tmp_path / "gap" / "best.pt")
    assert [Target.from_dict(t) for t in state["targets"]] == [gap]  # as given: evaluable on the raw data
    from eqgraph.training.evaluation import evaluate_model

    assert "gap_mae" in evaluate_model(SavableModel.from_checkpoint(state["model"]), parts[1], [gap])
    dipole = EquivariantRegressor([1, 6, 7, 8, 9], output="dipole", cutoff=3.0, channels=4, lmax=1, radial_mlp=(8,))
    summary = Trainer(dipole, *parts, [Target("mu", data="y", column=0, output="dipole", norm=True, unit="D")],
                      config()).fit()
    assert "mu_mae" in summary["val"]


def test_bad_settings_and_checkpoints_are_refused_clearly(structures, tmp_path):
    with pytest.raises(ValueError, match="training.optimizer must be one of"):
        TrainingConfig(optimizer="sgd")
    with pytest.raises(ValueError, match="training.epochs"):
        TrainingConfig(epochs=0)
    with pytest.raises(ValueError, match="unknown target keys"):
        Target.from_dict({"name": "energy", "wieght": 2})
    with pytest.raises(KeyError, match="the model returned no `dipole`"):
        Trainer(small_potential(), structures[:4], structures[4:8], [Target("stress", output="dipole")],
                config()).fit()
    Trainer(small_potential(), structures[:4], structures[4:8], POTENTIAL_TARGETS, config(epochs=1),
            output_dir=tmp_path).fit()
    schnet = SchNetModel([29], cutoff=3.0, hidden_channels=4, num_filters=4, num_interactions=1)
    with pytest.raises(ValueError, match="holds a EquivariantPotential, not a SchNetModel"):
        Trainer(schnet, structures[:4], structures[4:8], POTENTIAL_TARGETS, config()).load_state(tmp_path / "last.pt")
    with pytest.raises(ValueError, match="lr: 0.005 in the checkpoint, 0.001 now"):
        Trainer(small_potential(), structures[:4], structures[4:8], POTENTIAL_TARGETS,
                config(lr=1e-3)).load_state(tmp_path / "last.pt")
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes((tmp_path / "last.pt").read_bytes()[:1000])
    with pytest.raises(ValueError, match="truncated"):
        load_training_checkpoint(truncated)
    newer = load_training_checkpoint(tmp_path / "last.pt")
    newer["format_version"] = 99
    torch.save(newer, tmp_path / "newer.pt")
    with pytest.raises(ValueError, match="newer than this library"):
        load_training_checkpoint(tmp_path / "newer.pt")
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_a_cpu_budget_stops_training_anneals_the_rate_and_tests_the_best_weights(structures, tmp_path):
    model = small_potential()
    trainer = Trainer(model, structures[:8], structures[8:12], POTENTIAL_TARGETS,
                      config(epochs=10 ** 6, max_cpu_seconds=1.5, scheduler="cosine", min_lr=1e-5),
                      output_dir=tmp_path, test_set=structures[12:16])
    summary = trainer.fit()
    assert summary["stopped"] == "cpu budget" and 1.5 <= summary["cpu_seconds"] < 10
    assert trainer.optimizer.param_groups[0]["lr"] < 1e-3  # annealed towards min_lr over the budget
    best = SavableModel.from_checkpoint(tmp_path / "best.pt")
    from eqgraph.training.evaluation import evaluate_model

    assert evaluate_model(best, structures[12:16], POTENTIAL_TARGETS)["forces_mae"] == pytest.approx(
        summary["test"]["forces_mae"], rel=1e-6)  # the summary reports the weights of best.pt

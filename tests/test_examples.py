"""The README's main command runs and reports exact equivariance."""
import importlib.util
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]


def test_quickstart_reports_small_errors():
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart.py")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    errors = {line.split(":")[0]: float(re.search(r"(?:error|difference from R2Conv) ([0-9.e+-]+)", line).group(1)) for line in done.stdout.splitlines()}
    assert errors["O(3) point cloud, float64"] < 1e-10
    assert errors["O(3) point cloud, float32"] < 1e-4
    assert errors["C8 image grid (2, 3, 33, 33), float64"] < 1e-10
    assert next(v for k, v in errors.items() if k.startswith("Same weights as R2PointConv")) < 1e-10


def test_molecules_example_fits_a_potential_and_runs_stable_md():
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "molecules_emt.py"), "--structures", "24", "--epochs", "3",
                           "--channels", "4", "--md-steps", "20"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    force_mae = float(re.search(r"test force MAE ([0-9.]+) meV/A", done.stdout).group(1))
    drift = float(re.search(r"energy drift ([0-9.]+) meV/atom/ps", done.stdout).group(1))
    assert 0 < force_mae < 1000
    assert drift < 50


@pytest.mark.parametrize("schedule", ["constant", "cosine"])
def test_rotated_glyphs_demo_runs_small(tmp_path, schedule):
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "rotated_glyphs.py"), "--train", "60", "--test", "30",
                           "--epochs", "2", "--group", "C4", "--channels", "2", "2", "2", "--schedule", schedule,
                           "--output", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert re.search(r"SteerableCNN C4 +\d+ +\d+ +[0-9.]+ +[0-9.]+% +[0-9.]+%", done.stdout)
    assert {"results.json", "learning_curves.png", "confusion.png", "feature_fields.png", "feature_fields.gif"} <= \
        {p.name for p in tmp_path.iterdir()}


def test_tetris_demo_runs_small(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "tetris.py"), "--rotations", "2", "--steps", "2",
                           "--voxel-steps", "2", "--voxel-channels", "1", "1", "--grid", "12", "--voxels-per-cube", "2",
                           "--no-handedness", "--feature-blur", "0", "--output", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert re.search(r"PointCloudClassifier SO3 +\d+ +[0-9.]+ +[0-9.]+%", done.stdout)
    assert (tmp_path / "results.json").exists()


def test_tetris_voxel_model_with_handedness_runs_small(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "tetris.py"), "--rotations", "1", "--voxel-steps", "2",
                           "--voxel-channels", "1", "--voxels-only", "--handedness", "--output", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert re.search(r"SteerableCNN3d SO3 +\d+ +[0-9.]+ +[0-9.]+%", done.stdout)
    assert "PointCloudClassifier" not in done.stdout


def _example(name: str):
    """The script ``examples/<name>.py`` imported as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def learning_rates(monkeypatch):
    """The learning rate of every Adam step taken while the test runs."""
    rates = []

    class RecordingAdam(torch.optim.Adam):
        def step(self, closure=None):
            rates.append(self.param_groups[0]["lr"])
            return super().step(closure)

    monkeypatch.setattr(torch.optim, "Adam", RecordingAdam)
    return rates


def _check_schedule(rates: list, schedule: str, steps: int, lr: float, last_below: float) -> None:
    assert len(rates) == steps and rates[0] == lr
    if schedule == "constant":
        assert rates == [lr] * steps
    else:
        assert all(a > b for a, b in zip(rates, rates[1:])) and rates[-1] < last_below


def test_glyph_training_cosine_schedule_anneals_to_zero(learning_rates):
    glyphs = _example("rotated_glyphs")
    torch.manual_seed(0)
    model = glyphs.plain_cnn([2, 2], 10, kernel_size=3)
    images, labels = torch.randn(64, 1, 8, 8), torch.randint(0, 10, (64,))
    for schedule in ("constant", "cosine"):
        learning_rates.clear()
        glyphs.train(model, images, labels, seed=0, epochs=4, batch_size=16, lr=1e-3, schedule=schedule)
        _check_schedule(learning_rates, schedule, 16, 1e-3, 2e-5)
    with pytest.raises(ValueError, match="schedule 'constant' or 'cosine'"):
        glyphs.train(model, images, labels, seed=0, epochs=1, schedule="linear")


def test_glyph_steerable_model_is_turned_by_at_most_half_its_group_step():
    glyphs = _example("rotated_glyphs")
    assert glyphs.residual_turn("C16") == pytest.approx(math.pi / 16)
    assert glyphs.residual_turn("D4") == pytest.approx(math.pi / 4)
    assert glyphs.residual_turn("SO2") == glyphs.residual_turn("O2") == 0.0
    with pytest.raises(ValueError, match="C<N>, D<N>, SO2 or O2, got 'C'"):
        glyphs.residual_turn("C")
    turns = glyphs.random_turns(4000, torch.Generator().manual_seed(0), 0.2)
    assert turns.abs().max() <= 0.2 and turns.min() < -0.19 and turns.max() > 0.19


def test_glyph_training_turns_batches_by_at_most_max_turn(monkeypatch):
    glyphs = _example("rotated_glyphs")
    asked = []
    monkeypatch.setattr(glyphs, "rotate_batch", lambda images, generator, max_turn: asked.append(max_turn) or images)
    torch.manual_seed(0)
    model = glyphs.plain_cnn([2, 2], 10, kernel_size=3)
    images, labels = torch.randn(32, 1, 8, 8), torch.randint(0, 10, (32,))
    glyphs.train(model, images, labels, seed=0, epochs=2, batch_size=16)
    assert asked == []
    glyphs.train(model, images, labels, seed=0, epochs=2, batch_size=16, max_turn=0.3)
    assert asked == [0.3] * 4


def test_tetris_training_cosine_schedule_anneals_to_zero(learning_rates):
    tetris = _example("tetris")
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    inputs, labels = torch.randn(4, 3), torch.tensor([0, 1, 0, 1])
    for schedule in ("constant", "cosine"):
        learning_rates.clear()
        tetris.train(model, lambda: inputs, labels, 8, lr=1e-2, schedule=schedule)
        _check_schedule(learning_rates, schedule, 8, 1e-2, 1e-3)
    with pytest.raises(ValueError, match="schedule must be 'constant' or 'cosine', got 'linear'"):
        tetris.train(model, lambda: inputs, labels, 1, schedule="linear")

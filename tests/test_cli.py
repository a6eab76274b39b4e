"""The `eqgraph` command: checked configurations, train/eval, resume after SIGKILL, torchrun."""
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
import torch
import yaml

from eqgraph.cli import main
from eqgraph.cli.config import ConfigError, check_config
from eqgraph.training import load_training_checkpoint


def tiny_config(tmp_path, **training):
    return {"output_dir": str(tmp_path / "run"), "seed": 0, "num_threads": 1, "dtype": "float64",
            "dataset": {"name": "EMT", "root": str(tmp_path / "data"), "n_structures": 16, "repeat": 1},
            "split": {"train": 8, "val": 4, "test": 4, "seed": 0},
            "model": {"name": "EquivariantPotential", "cutoff": 3.0, "channels": 4, "lmax": 1, "radial_mlp": [8]},
            "targets": [{"name": "energy", "per_atom": True}, {"name": "forces", "weight": 10.0}],
            "training": {"epochs": 2, "batch_size": 2, "progress": False, "plots": False, **training}}


def write(config, path):
    path.write_text(yaml.safe_dump(config))
    return str(path)


@pytest.mark.parametrize("change, message", [
    (lambda c: c.update(epochs=3), "unknown key 'epochs'; allowed: \\['dataset'"),
    (lambda c: c["training"].update(lr="fast"), "'lr' must be float, got 'fast'"),
    (lambda c: c["model"].update(chanels=4), "unknown key 'chanels'; allowed: .*'channels'"),
    (lambda c: c["model"].update(name="NequIP"), "unknown name 'NequIP'; allowed: \\['EquivariantPotential'"),
    (lambda c: c["dataset"].update(n_structures=2.5), "'n_structures' must be int"),
    (lambda c: c["targets"][0].update(weigth=1), "unknown key 'weigth'"),
    (lambda c: c.pop("targets"), "missing \\['targets'\\]"),
    (lambda c: c["split"].update(valid=3), "unknown key 'valid'; allowed: \\['seed', 'test', 'train', 'val'\\]"),
])
def test_bad_configurations_name_the_key_and_the_allowed_ones(tmp_path, change, message):
    config = tiny_config(tmp_path)
    change(config)
    with pytest.raises(ConfigError, match=message):
        check_config(config)


def test_train_then_eval_and_no_overwrite_without_resume(tmp_path, capsys):
    path = write(tiny_config(tmp_path), tmp_path / "run.yaml")
    assert main(["train", path]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["test"]["forces_mae"] > 0 and summary["stopped"] == "epochs done"
    assert torch.get_default_dtype() == torch.float32  # the run's float64 does not leak into the caller
    last = tmp_path / "run" / "last.pt"
    stamp = last.stat().st_mtime_ns
    assert main(["train", path]) == 2
    assert "already holds a run" in capsys.readouterr().err and last.stat().st_mtime_ns == stamp
    assert main(["eval", str(last.with_name("best.pt"))]) == 0  # the summary reports best.pt's weights
    evaluated = json.loads(capsys.readouterr().out)
    assert evaluated["structures"] == 4
    assert evaluated["forces_mae"] == pytest.approx(summary["test"]["forces_mae"], rel=1e-9)
    assert main(["export", str(last), str(tmp_path / "model.pt")]) == 0
    assert json.loads(capsys.readouterr().out)["model"] == "EquivariantPotential"
    from eqgraph.models import SavableModel

    assert SavableModel.from_checkpoint(tmp_path / "model.pt").config["channels"] == 4
    assert main(["eval", str(tmp_path / "absent.pt")]) == 2
    assert "no checkpoint" in capsys.readouterr().err
    assert main(["train", path, "--resume", str(tmp_path / "absent.pt")]) == 2


def _run(args, env=None, **kwargs):
    environment = {**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "eqgraph", *args], env=environment, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


def _same(a, b) -> bool:
    """Tensors bit-identical; extra state (the layers' layouts) equal."""
    return torch.equal(a, b) if isinstance(a, torch.Tensor) else a == b


def _final_weights(folder):
    return load_training_checkpoint(folder / "last.pt")["train_state_dict"]


def test_sigkill_at_a_random_step_then_resume_is_bit_identical(tmp_path):
    config = tiny_config(tmp_path, epochs=4, checkpoint_every=1, ema_decay=0.9)
    config["model"].update(channels=8, lmax=2)
    config["dataset"].update(repeat=2)
    reference = write({**config, "output_dir": str(tmp_path / "reference")}, tmp_path / "reference.yaml")
    assert _run(["train", reference]).wait() == 0
    killed_config = write({**config, "output_dir": str(tmp_path / "killed")}, tmp_path / "killed.yaml")
    last = tmp_path / "killed" / "last.pt"
    latest_kill = 1.0
    for _ in range(5):  # until the kill lands before the last step's checkpoint, sooner after each miss
        process = _run(["train", killed_config])
        while not last.exists() and process.poll() is None:
            time.sleep(0.01)
        time.sleep(random.uniform(0.0, latest_kill))
        process.send_signal(signal.SIGKILL)
        killed = process.wait() == -signal.SIGKILL
        step = load_training_checkpoint(last)["trainer_state"]["global_step"]
        if killed and step < 16:
            break
        for file in (tmp_path / "killed").iterdir():
            file.unlink()
        latest_kill /= 4
    assert process.returncode == -signal.SIGKILL
    assert 1 <= step < 16
    resumed = _run(["train", killed_config, "--resume", str(last)])
    assert resumed.wait() == 0, resumed.stderr.read().decode()
    expected = _final_weights(tmp_path / "reference")
    for key, value in _final_weights(tmp_path / "killed").items():
        assert _same(value, expected[key]), f"{key} differs after resuming from step {step}"


def test_two_torchrun_processes_match_one_process_with_twice_the_batch(tmp_path):
    config = tiny_config(tmp_path, epochs=2, batch_size=2)
    single = write({**config, "output_dir": str(tmp_path / "single"),
                    "training": {**config["training"], "batch_size": 4}}, tmp_path / "single.yaml")
    assert _run(["train", single]).wait() == 0
    double = write({**config, "output_dir": str(tmp_path / "double")}, tmp_path / "double.yaml")
    torchrun = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                               "-m", "eqgraph", "train", double], env={**os.environ, "OMP_NUM_THREADS": "1"},
                              capture_output=True, timeout=600)
    assert torchrun.returncode == 0, torchrun.stderr.decode()[-3000:]
    one, two = _final_weights(tmp_path / "single"), _final_weights(tmp_path / "double")
    assert load_training_checkpoint(tmp_path / "double" / "last.pt")["trainer_state"]["global_step"] == 4
    for key, value in one.items():
        if isinstance(value, torch.Tensor):
            assert torch.allclose(value, two[key], rtol=1e-9, atol=1e-12), key


def test_demo_trains_both_models_side_by_side_and_reports(tmp_path, monkeypatch):
    from eqgraph.cli.demo import run_demo

    monkeypatch.setenv("EQGRAPH_DATASETS", str(tmp_path / "datasets"))
    lines = []
    results = run_demo(output_dir=str(tmp_path / "demo"), cpu_seconds=2.0, report=lines.append)
    text = "\n".join(lines)
    assert "EquivariantPotential" in text and "PyG SchNet" in text and "meV/Å" in text
    for name in ("eqgraph", "schnet"):
        assert results[name]["test"]["forces_mae"] > 0 and results[name]["cpu_seconds"] >= 2.0
        assert (tmp_path / "demo" / name / "learning_curve.png").exists()
    assert results["eqgraph"]["equivariance"]["forces"] < 1e-4  # float32
    assert torch.get_default_dtype() == torch.float32


def test_runs_flush_subnormal_floats_unless_told_not_to_and_restore_the_default(tmp_path):
    from eqgraph.cli.commands import process_settings

    tiny = torch.tensor([1e-30], dtype=torch.float32)  # times 1e-10 gives 1e-40, a subnormal float32
    with process_settings({"dtype": "float32"}):
        assert (tiny * 1e-10).item() == 0.0
    assert (tiny * 1e-10).item() > 0.0
    with process_settings({"dtype": "float32", "flush_denormal": False}):
        assert (tiny * 1e-10).item() > 0.0
    with pytest.raises(ConfigError, match="'flush_denormal' must be bool"):
        check_config({**tiny_config(tmp_path), "flush_denormal": "yes"})

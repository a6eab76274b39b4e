"""``eqgraph demo``: train the default potential on generated EMT copper, beside PyG's SchNet."""
from __future__ import annotations

import copy
import time
from pathlib import Path

import torch
from torch_geometric.data import Batch

from ..data.random_rotate import RandomRotate, random_orthogonal
from .build import build_dataset, build_trainer, split_indices
from .commands import process_settings
from .config import check_config

DEMO_CONFIG = Path(__file__).with_name("demo_config.yaml")
SCHNET = {"name": "SchNetModel", "cutoff": 4.5, "hidden_channels": 41, "num_filters": 41}


def demo_config(output_dir: str | None = None, cpu_seconds: float | None = None, seed: int | None = None) -> dict:
    import yaml

    config = yaml.safe_load(DEMO_CONFIG.read_text())
    if output_dir is not None:
        config["output_dir"] = output_dir
    if cpu_seconds is not None:
        config["training"]["max_cpu_seconds"] = float(cpu_seconds)
    if seed is not None:
        config["seed"] = int(seed)
    check_config(config, str(DEMO_CONFIG))
    return config


def run_demo(output_dir: str | None = None, cpu_seconds: float | None = None, seed: int | None = None,
             parallel: bool = True, report=print) -> dict:
    """Train eqgraph's potential and SchNet for the same CPU budget (in two one-thread processes
    side by side, or one after the other); report test metrics, the equivariance error and where
    the plots are. Returns the numbers."""
    config = demo_config(output_dir, cpu_seconds, seed)
    schnet_config = copy.deepcopy(config)
    schnet_config["model"] = dict(SCHNET)
    start = time.perf_counter()
    with process_settings(config):
        dataset = build_dataset(config)  # generated and processed once, before the two runs read it
        split = split_indices(config, len(dataset))
    report(f"data: {len(dataset)} EMT copper cells of 32 atoms ({time.perf_counter() - start:.1f} s); train "
           f"{len(split['train'])}, validation {len(split['val'])}, test {len(split['test'])}")
    budget = config["training"]["max_cpu_seconds"]
    report(f"training {config['model']['name']} and PyG SchNet (SchNetModel) for {budget:.0f} CPU s each, "
           + ("side by side in two processes ..." if parallel else "one after the other ..."))
    runs = [("eqgraph", config), ("schnet", schnet_config)]
    if parallel:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = dict(zip([name for name, _ in runs], pool.map(_train, runs)))
    else:
        results = {name: _train((name, run)) for name, run in runs}
    _report(results, Path(config["output_dir"]), time.perf_counter() - start, report)
    return results


def _train(named_run: tuple[str, dict]) -> dict:
    """One model of the demo, trained in this process; its summary with parameters and equivariance."""
    name, run = named_run
    run = copy.deepcopy(run)
    run["training"]["progress"] = False
    with process_settings(run):
        trainer = build_trainer(run, Path(run["output_dir"]) / name)
        summary = trainer.fit()
        # the trained weights (those of last.pt) on four test cells
        summary["equivariance"] = equivariance_error(trainer.model, trainer.test_set[:4])
        summary["parameters"] = sum(p.numel() for p in trainer.model.parameters())
    return summary


def _report(results: dict, out: Path, seconds: float, report) -> None:
    report("")
    report(f"{'model':<22}{'parameters':>11}{'CPU s':>8}{'epochs':>8}{'force MAE':>16}{'energy MAE':>18}")
    for name, label in (("eqgraph", "EquivariantPotential"), ("schnet", "PyG SchNet")):
        r = results[name]
        report(f"{label:<22}{r['parameters']:>11}{r['cpu_seconds']:>8.0f}{r['epochs']:>8.1f}"
               f"{1000 * r['test']['forces_mae']:>10.2f} meV/Å{1000 * r['test']['energy_mae_per_atom']:>10.2f} meV/atom")
    e = results["eqgraph"]["equivariance"]
    report(f"\nequivariance of the trained EquivariantPotential under random O(3) elements (float32): "
           f"energy {e['energy']:.1e}, forces {e['forces']:.1e} (relative)")
    report(f"data-loading share of the step time: {100 * results['eqgraph']['data_wait_share']:.1f}%")
    report(f"plots and checkpoints: {out / 'eqgraph'} (learning_curve.png, parity_forces.png, best.pt) "
           f"and {out / 'schnet'}; total {seconds:.0f} s")


def equivariance_error(model: torch.nn.Module, structures: list) -> dict[str, float]:
    """Largest relative change of the energy, and of the forces turned back, when the structures
    are rotated (and reflected) by random elements of O(3)."""
    generator = torch.Generator().manual_seed(1)
    batch = Batch.from_data_list(structures)
    reference = {k: v.detach() for k, v in model(batch).items()}
    energy_error = force_error = 0.0
    for _ in range(3):
        rotation = random_orthogonal(generator, reflections=True, dtype=batch.pos.dtype)
        turned = RandomRotate().rotate(batch.clone(), rotation)  # positions and cells (and the labels) turned
        out = {k: v.detach() for k, v in model(turned).items()}
        energy_error = max(energy_error, float(((out["energy"] - reference["energy"]).abs()
                                                / reference["energy"].abs()).max()))
        forces = reference["forces"] @ rotation.T
        force_error = max(force_error, float((out["forces"] - forces).norm() / forces.norm()))
    return {"energy": energy_error, "forces": force_error}

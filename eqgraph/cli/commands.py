"""``eqgraph train`` and ``eqgraph eval``."""
from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path

import torch

from ..models.saving import DTYPES
from ..training import load_training_checkpoint
from .build import build_dataset, build_trainer
from .config import load_config

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def process_settings(config: dict):
    """Thread count, default dtype and subnormal flushing as the configuration asks, restored
    afterwards (flushing to torch's default, off).

    ``flush_denormal`` (default true) makes the CPU treat subnormal floats (below 1.2e-38 in
    float32) as zero. Products that read them run many times slower on x86: PyG's SchNet, whose
    Gaussian distance expansion has such tails, trains 2.4x faster per step with it on."""
    threads, dtype = torch.get_num_threads(), torch.get_default_dtype()
    if config.get("num_threads") is not None:
        torch.set_num_threads(config["num_threads"])
    torch.set_default_dtype(DTYPES[config.get("dtype", "float32")])
    torch.set_flush_denormal(bool(config.get("flush_denormal", True)))
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        torch.set_default_dtype(dtype)
        torch.set_flush_denormal(False)


def start_distributed() -> bool:
    """Join the process group when started by ``torchrun`` (gloo on CPU, NCCL with CUDA)."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return False
    import torch.distributed as dist

    if not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return True


def train(config_path: str, resume: str | None = None, output_dir: str | None = None) -> dict:
    """Train the run described by ``config_path``; returns the summary (test metrics included)."""
    config = load_config(config_path)
    if output_dir is not None:
        config["output_dir"] = output_dir
    out = Path(config.get("output_dir", "runs/" + Path(config_path).stem))
    if resume is None and (out / "last.pt").exists():
        raise FileExistsError(f"{out} already holds a run (last.pt); continue it with --resume {out / 'last.pt'} "
                              "or choose another output_dir; nothing was overwritten")
    if resume is not None and not Path(resume).is_file():
        raise FileNotFoundError(f"no checkpoint to resume at {resume}")
    if resume is not None:
        stored = load_training_checkpoint(resume)
        if stored["model"].get("model_class") != config["model"]["name"]:
            raise ValueError(f"{resume} holds a {stored['model'].get('model_class')}, but the configuration builds a "
                             f"{config['model']['name']}")
    distributed = start_distributed()
    with process_settings(config):
        summary = build_trainer(config, out).fit(resume=resume)
    summary["output_dir"] = str(out)
    if distributed:
        import torch.distributed as dist

        dist.destroy_process_group()
    return summary


def evaluate(checkpoint: str, data: str | None = None, part: str = "test") -> dict:
    """Metrics of a training checkpoint's model on ``data`` (an extxyz file or a run configuration),
    or on the ``part`` of its own run's split."""
    state = load_training_checkpoint(checkpoint)
    run_config = state["run_config"]
    with process_settings(run_config):
        return _evaluate(checkpoint, state, run_config, data, part)


def _evaluate(checkpoint, state: dict, run_config: dict, data, part: str) -> dict:
    from ..data import ExtXYZDataset
    from ..models import SavableModel
    from ..training import Target
    from ..training.evaluation import evaluate_model

    model = SavableModel.from_checkpoint(state["model"])
    targets = [Target.from_dict(t) for t in state["targets"]]
    if data is None:
        dataset = build_dataset(run_config)
        structures = [dataset[i] for i in state["split"][part]]
        source = f"the {part} split of {checkpoint}"
    elif str(data).endswith((".yaml", ".yml")):
        dataset = build_dataset(load_config(data))
        structures, source = list(dataset), data
    else:
        structures, source = list(ExtXYZDataset(data)), data
    if not structures:
        raise ValueError(f"no structures to evaluate in {source}")
    return {"checkpoint": str(checkpoint), "data": source, "structures": len(structures),
            **evaluate_model(model, structures, targets)}


def export_model(checkpoint: str, output: str) -> dict:
    """Write the model of a training checkpoint (its EMA weights, when kept) as a model-only file."""
    from ..models import SavableModel

    state = load_training_checkpoint(checkpoint)
    model = SavableModel.from_checkpoint(state["model"])
    model.save(output)
    return {"checkpoint": str(checkpoint), "model": type(model).__name__, "output": str(output),
            "parameters": sum(p.numel() for p in model.parameters())}


def print_json(values: dict) -> None:
    print(json.dumps(values, indent=1, default=str))

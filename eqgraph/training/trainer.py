"""Trainer: fits any model taking a PyG batch, on named targets, with exact resume and DDP."""
from __future__ import annotations

import contextlib
import inspect
import logging
import math
import time
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.distributed as dist
from torch.utils.data.distributed import DistributedSampler
from torch_geometric.data import Batch

from ..data.random_rotate import RandomRotate
from ..models.saving import detached_state
from .checkpoint import load_training_checkpoint, model_entry, save_training_checkpoint
from .config import TrainingConfig
from .ema import ExponentialMovingAverage
from .plots import plot_learning_curve, plot_parity
from .evaluation import evaluate_model, forward_arguments, materialised, named_targets
from .run_files import atomic_write_text, write_history
from .targets import Target, total_loss

logger = logging.getLogger(__name__)


class Trainer:
    r"""Trains a ``torch.nn.Module`` that takes a PyG ``Batch`` and returns a dict of tensors (or
    one tensor) on named :class:`Target`\ s: the weighted mean squared error of each, with MAE and
    RMSE reported per epoch. eqgraph's models, PyG's ``SchNet`` (as
    :class:`eqgraph.models.SchNetModel`) and any such module train alike.

    - Statistics: a model with ``fit_statistics`` has it called on the training split first.
    - Optimiser, schedule, clipping, EMA, early stopping and budget as in :class:`TrainingConfig`.
    - Files in ``output_dir`` (rank 0 only): ``last.pt`` and ``best.pt`` (model, weights,
      optimiser, scheduler, EMA, RNG state, position in the epoch, history, data split, library
      versions; written atomically), ``metrics.csv``/``metrics.json`` per epoch,
      ``learning_curve.png``, ``parity_<target>.png`` and ``test_metrics.json``.
    - :meth:`fit` with ``resume=path`` continues where the checkpoint stopped, with the same batches
      and random numbers, so the weights end bit-identical to an uninterrupted run (CPU, same
      thread count).
    - Under ``torchrun`` (``torch.distributed`` initialised), the model is wrapped in
      ``DistributedDataParallel`` and each process takes its share of every batch through a
      ``DistributedSampler``: N processes with batch b step like one process with batch N·b.

    Args:
        model: the module.
        train_set, val_set: sequences of ``Data``; test_set: evaluated at the end (optional).
        targets: what to fit.
        config: a :class:`TrainingConfig`.
        output_dir: where the files go (None: nothing written).
        run_config: the configuration that built this run (stored in checkpoints).
        split: indices of the train/val/test structures in their source (stored in checkpoints).
    """

    def __init__(self, model: torch.nn.Module, train_set: Sequence, val_set: Sequence, targets: Sequence[Target],
                 config: TrainingConfig | None = None, output_dir=None, test_set: Sequence | None = None,
                 run_config: dict | None = None, split: dict | None = None):
        if not targets:
            raise ValueError("the trainer needs at least one target")
        if len(train_set) == 0 or len(val_set) == 0:
            raise ValueError(f"the trainer needs training and validation structures, got {len(train_set)} and "
                             f"{len(val_set)}")
        config = config or TrainingConfig()
        self.model, self.config, self.run_config, self.split = model, config, run_config or {}, split or {}
        self.given_targets = list(targets)  # as given (columns of y included), what checkpoints record
        self.targets = named_targets(targets)
        self.train_set = materialised(train_set, targets)
        self.val_set = materialised(val_set, targets)
        self.test_set = materialised(test_set, targets) if test_set is not None else None
        self.output_dir = Path(output_dir) if output_dir is not None else None
        distributed = dist.is_available() and dist.is_initialized()
        self.world_size = dist.get_world_size() if distributed else 1
        self.rank = dist.get_rank() if distributed else 0
        self.forward_kwargs = forward_arguments(self.targets)
        self.statistics = self._fit_statistics()
        self.train_model = model
        if distributed:
            self.train_model = torch.nn.parallel.DistributedDataParallel(model)
        self.optimizer = self._optimizer()
        self.scheduler = self._scheduler()
        self.ema = ExponentialMovingAverage(model, config.ema_decay) if config.ema_decay is not None else None
        self.best_weights = None  # the evaluation weights of the best validation loss so far
        self.state = {"epoch": 0, "step_in_epoch": 0, "global_step": 0, "cpu_seconds": 0.0, "history": [],
                      "best_val_loss": math.inf, "best_epoch": None, "epochs_since_best": 0,
                      "epoch_sums": {"loss": 0.0, "structures": 0, "wait": 0.0, "busy": 0.0}}

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    # ------------------------------------------------------------------ setup
    def _fit_statistics(self):
        fit = getattr(self.model, "fit_statistics", None)
        if fit is None:
            return None
        if "target" in inspect.signature(fit).parameters and self.targets[0].output_key != "energy":
            return fit(self.train_set, target=self.targets[0].name)
        return fit(self.train_set)

    def _optimizer(self) -> torch.optim.Optimizer:
        c = self.config
        kind = torch.optim.AdamW if c.optimizer == "adamw" else torch.optim.Adam
        return kind(self.model.parameters(), lr=c.lr, weight_decay=c.weight_decay)

    def _scheduler(self):
        c = self.config
        if c.scheduler == "plateau":
            return torch.optim.lr_scheduler.ReduceLROnPlateau(self.optimizer, factor=c.scheduler_factor,
                                                              patience=c.scheduler_patience, min_lr=c.min_lr)
        if c.scheduler == "cosine" and c.max_cpu_seconds is None:
            return torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizer, T_max=c.epochs, eta_min=c.min_lr)
        return None

    # ------------------------------------------------------------------ batches
    def _epoch_batches(self, epoch: int) -> list[list[int]]:
        sampler = DistributedSampler(self.train_set, num_replicas=self.world_size, rank=self.rank, shuffle=True,
                                     seed=self.config.seed)
        sampler.set_epoch(epoch)
        order = list(sampler)
        size = self.config.batch_size
        return [order[i:i + size] for i in range(0, len(order), size)]

    def _collate(self, indices: list[int], epoch: int, step: int) -> Batch:
        items = [self.train_set[i] for i in indices]
        if self.config.augment_rotations:
            generator = torch.Generator().manual_seed(hash((self.config.seed, epoch, step, self.rank)) % 2 ** 62)
            rotate = RandomRotate(generator=generator)
            items = [rotate(item.clone()) for item in items]
        return Batch.from_data_list(items)

    # ------------------------------------------------------------------ training
    def fit(self, resume=None) -> dict:
        """Train (from ``resume``, a checkpoint path, if given); returns the run's summary."""
        if resume is not None:
            self.load_state(resume)
        c, s = self.config, self.state
        cpu_start = time.process_time() - s["cpu_seconds"]
        stopped = None
        while s["epoch"] < c.epochs and stopped is None:
            epoch = s["epoch"]
            batches = self._epoch_batches(epoch)
            self.train_model.train()
            progress = _progress(len(batches), s["step_in_epoch"], f"epoch {epoch + 1}/{c.epochs}",
                                 c.progress and self.is_main)
            while s["step_in_epoch"] < len(batches):
                if c.max_cpu_seconds is not None and time.process_time() - cpu_start >= c.max_cpu_seconds:
                    stopped = "cpu budget"
                    break
                if c.scheduler == "cosine" and c.max_cpu_seconds is not None:
                    self._anneal_over_budget((time.process_time() - cpu_start) / c.max_cpu_seconds)
                begin = time.perf_counter()
                batch = self._collate(batches[s["step_in_epoch"]], epoch, s["step_in_epoch"])
                ready = time.perf_counter()
                loss = self._step(batch)
                sums = s["epoch_sums"]
                sums["wait"] += ready - begin
                sums["busy"] += time.perf_counter() - begin
                sums["loss"] += loss * batch.num_graphs
                sums["structures"] += batch.num_graphs
                s["step_in_epoch"] += 1
                s["global_step"] += 1
                progress.update(1)
                progress.set_postfix(loss=f"{loss:.4g}")
                if c.checkpoint_every and s["global_step"] % c.checkpoint_every == 0:
                    s["cpu_seconds"] = time.process_time() - cpu_start
                    self._save("last.pt")
            progress.close()
            if stopped is None and s["step_in_epoch"] >= len(batches):
                s["epoch"], s["step_in_epoch"] = epoch + 1, 0
            s["cpu_seconds"] = time.process_time() - cpu_start
            if s["epoch_sums"]["structures"] or stopped is None:
                stopped = self._end_epoch(epoch, len(batches)) or stopped
        return self._finish(stopped)

    def _anneal_over_budget(self, spent: float) -> None:
        """The cosine schedule over the CPU budget: ``lr`` at the start, ``min_lr`` when it is spent."""
        c = self.config
        lr = c.min_lr + 0.5 * (c.lr - c.min_lr) * (1 + math.cos(math.pi * min(spent, 1.0)))
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def _step(self, batch) -> float:
        out = self.train_model(batch, **self.forward_kwargs)
        loss = total_loss(self.targets, out, batch)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.config.clip_grad_norm is not None:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.config.clip_grad_norm)
        self.optimizer.step()
        if self.ema is not None:
            self.ema.update()
        return float(loss.detach())

    def _end_epoch(self, epoch: int, steps: int) -> str | None:
        s, c = self.state, self.config
        sums = s["epoch_sums"]
        val = self.evaluate(self.val_set)
        done = epoch + 1 if not s["step_in_epoch"] else epoch + s["step_in_epoch"] / steps  # fractional: budget hit
        row = {"epoch": done, "lr": self.optimizer.param_groups[0]["lr"], "train_loss": sums["loss"] / max(sums["structures"], 1),
               **{f"val_{k}": v for k, v in val.items()}, "cpu_seconds": s["cpu_seconds"],
               "data_wait_share": sums["wait"] / max(sums["busy"], 1e-12)}
        if self.scheduler is not None and not s["step_in_epoch"]:
            if isinstance(self.scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                self.scheduler.step(val["loss"])
            else:
                self.scheduler.step()
        s["history"].append(row)
        s["epoch_sums"] = {"loss": 0.0, "structures": 0, "wait": 0.0, "busy": 0.0}
        logger.info("epoch %.2f: train loss %.5g, val loss %.5g, %.1f%% of step time waiting for data",
                    row["epoch"], row["train_loss"], val["loss"], 100 * row["data_wait_share"])
        improved = val["loss"] < s["best_val_loss"]
        if improved:
            s["best_val_loss"], s["best_epoch"], s["epochs_since_best"] = val["loss"], row["epoch"], 0
            with self._evaluation_weights():
                self.best_weights = detached_state(self.model)
        else:
            s["epochs_since_best"] += 1
        if improved:
            self._save("best.pt")
        self._save("last.pt")
        if self.is_main and self.output_dir is not None:
            write_history(s["history"], self.output_dir)
        if c.early_stopping_patience is not None and s["epochs_since_best"] >= c.early_stopping_patience:
            return "early stopping"
        return None

    def _finish(self, stopped: str | None) -> dict:
        s = self.state
        summary = {"epochs": s["history"][-1]["epoch"] if s["history"] else 0, "steps": s["global_step"],
                   "cpu_seconds": s["cpu_seconds"], "stopped": stopped or "epochs done",
                   "best_val_loss": s["best_val_loss"], "best_epoch": s["best_epoch"],
                   "data_wait_share": float(np.mean([r["data_wait_share"] for r in s["history"]])) if s["history"] else 0.0}
        evaluated = self.test_set if self.test_set is not None else self.val_set
        with self._best_weights():  # the weights of best.pt: the model selected on the validation set
            summary["val"] = evaluate_model(self.model, self.val_set, self.targets, self.config.eval_batch_size)
            metrics, predictions = evaluate_model(self.model, evaluated, self.targets, self.config.eval_batch_size,
                                                  keep_predictions=True)
        if self.test_set is not None:
            summary["test"] = metrics
        if self.is_main and self.output_dir is not None:
            import json

            atomic_write_text(json.dumps(summary, indent=1), self.output_dir / "summary.json")
            if self.config.plots and s["history"]:
                plot_learning_curve(s["history"], self.output_dir / "learning_curve.png")
                for t in self.targets:
                    reference, prediction = predictions[t.name]
                    plot_parity(reference, prediction, t.name, t.unit, metrics[f"{t.name}_mae{t.metric_suffix}"],
                                self.output_dir / f"parity_{t.name}.png")
        return summary

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, dataset: Sequence, keep_predictions: bool = False):
        """:func:`evaluate_model` of the model (with the EMA weights, if kept) on ``dataset``."""
        with self._evaluation_weights():
            return evaluate_model(self.model, dataset, self.targets, self.config.eval_batch_size, keep_predictions)

    def _evaluation_weights(self):
        return self.ema.applied() if self.ema is not None else contextlib.nullcontext()

    @contextlib.contextmanager
    def _best_weights(self):
        """The model holds the best validation weights inside the ``with`` block (the evaluation
        weights when no epoch has been validated), its own after."""
        if self.best_weights is None:
            with self._evaluation_weights():
                yield
            return
        current = detached_state(self.model)
        self.model.load_state_dict(self.best_weights)
        try:
            yield
        finally:
            self.model.load_state_dict(current)

    # ------------------------------------------------------------------ checkpoints
    def _save(self, name: str) -> None:
        if not self.is_main or self.output_dir is None:
            return
        with self._evaluation_weights():
            model = model_entry(self.model)
        state = {"model": model, "train_state_dict": detached_state(self.model),
                 "optimizer": self.optimizer.state_dict(),
                 "scheduler": self.scheduler.state_dict() if self.scheduler is not None else None,
                 "ema": self.ema.state_dict() if self.ema is not None else None, "rng": torch.get_rng_state(),
                 "trainer_state": _plain(self.state), "training": self.config.to_dict(),
                 "targets": [t.to_dict() for t in self.given_targets], "run_config": self.run_config, "split": self.split,
                 "statistics": _plain(self.statistics)}
        save_training_checkpoint(state, self.output_dir / name)

    def load_state(self, path) -> None:
        """Restore weights, optimiser, scheduler, EMA, RNG and position from a training checkpoint."""
        state = load_training_checkpoint(path)
        stored_class = state["model"].get("model_class")
        if stored_class != type(self.model).__name__:
            raise ValueError(f"{path} holds a {stored_class}, not a {type(self.model).__name__}")
        changed = {k: (v, getattr(self.config, k)) for k, v in state["training"].items()
                   if k not in TrainingConfig.RESUMABLE_CHANGES and getattr(self.config, k, v) != v}
        if changed:
            raise ValueError(f"{path} was trained with other settings; resuming would not continue that run: "
                             + ", ".join(f"{k}: {old!r} in the checkpoint, {new!r} now" for k, (old, new) in changed.items()))
        self.model.load_state_dict(state["train_state_dict"])
        self.optimizer.load_state_dict(state["optimizer"])
        if self.scheduler is not None and state["scheduler"] is not None:
            self.scheduler.load_state_dict(state["scheduler"])
        if self.ema is not None and state["ema"] is not None:
            self.ema.load_state_dict(state["ema"])
        torch.set_rng_state(state["rng"])
        self.state = state["trainer_state"]
        best = Path(path).with_name("best.pt")
        if best.exists():
            self.best_weights = load_training_checkpoint(best)["model"]["state_dict"]
        logger.info("resumed from %s at epoch %d, step %d", path, self.state["epoch"], self.state["step_in_epoch"])


def _plain(value):
    """Values made of dicts, lists, numbers, strings and tensors only (loadable with weights_only)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def _progress(total: int, initial: int, description: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=description, disable=not enabled, leave=False)

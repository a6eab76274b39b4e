"""TrainingConfig: the trainer's settings, checked when made."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

OPTIMIZERS = ("adam", "adamw")
SCHEDULERS = ("none", "plateau", "cosine")


@dataclass(frozen=True)
class TrainingConfig:
    """How to train.

    Args:
        epochs: passes over the training set.
        batch_size: structures per step (per process under ``torchrun``).
        eval_batch_size: structures per evaluation batch.
        optimizer: ``"adam"`` or ``"adamw"``.
        lr: learning rate; weight_decay: (decoupled, for adamw) weight decay.
        scheduler: ``"none"``, ``"plateau"`` (on the validation loss) or ``"cosine"`` (over ``epochs``,
            or over ``max_cpu_seconds`` step by step when that is set).
        scheduler_factor, scheduler_patience: of the plateau schedule; min_lr: the floor of both.
        clip_grad_norm: clip the gradient's norm to this (None: no clipping).
        ema_decay: keep an exponential moving average of the weights, used for evaluation and
            saved as the model (None: off).
        early_stopping_patience: stop after this many epochs without a better validation loss.
        checkpoint_every: also write the last checkpoint every this many steps (None: every epoch).
        max_cpu_seconds: stop when this much CPU time (of this process) is spent.
        seed: seeds the initial weights' RNG (set before the model is built by the CLI), the batch
            order and the augmentation.
        augment_rotations: rotate every training structure and its vectors and tensors at random.
        progress: show tqdm progress bars; plots: write the learning curve and parity plots.
    """

    epochs: int = 100
    batch_size: int = 8
    eval_batch_size: int = 32
    optimizer: str = "adam"
    lr: float = 5e-3
    weight_decay: float = 0.0
    scheduler: str = "plateau"
    scheduler_factor: float = 0.5
    scheduler_patience: int = 10
    min_lr: float = 1e-6
    clip_grad_norm: float | None = None
    ema_decay: float | None = None
    early_stopping_patience: int | None = None
    checkpoint_every: int | None = None
    max_cpu_seconds: float | None = None
    seed: int = 0
    augment_rotations: bool = False
    progress: bool = True
    plots: bool = True

    #: settings a resumed run may change without changing what the finished run computes
    RESUMABLE_CHANGES = ("epochs", "max_cpu_seconds", "progress", "plots", "checkpoint_every", "eval_batch_size",
                         "early_stopping_patience")

    def __post_init__(self):
        for name in ("epochs", "batch_size", "eval_batch_size"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"training.{name} must be a positive integer, got {getattr(self, name)!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"training.optimizer must be one of {OPTIMIZERS}, got {self.optimizer!r}")
        if self.scheduler not in SCHEDULERS:
            raise ValueError(f"training.scheduler must be one of {SCHEDULERS}, got {self.scheduler!r}")
        if not self.lr > 0:
            raise ValueError(f"training.lr must be positive, got {self.lr!r}")
        for name in ("clip_grad_norm", "max_cpu_seconds"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ValueError(f"training.{name} must be positive or null, got {value!r}")
        for name in ("early_stopping_patience", "checkpoint_every"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"training.{name} must be a positive integer or null, got {value!r}")
        if self.ema_decay is not None and not 0 < self.ema_decay < 1:
            raise ValueError(f"training.ema_decay must be in (0, 1) or null, got {self.ema_decay!r}")

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def to_dict(self) -> dict:
        return asdict(self)

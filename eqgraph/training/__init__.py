"""Training: a model-agnostic trainer with exact resume, metrics, plots and multi-process runs."""
from .checkpoint import load_training_checkpoint
from .config import TrainingConfig
from .ema import ExponentialMovingAverage
from .potential_fitting import fit_potential, potential_errors, potential_loss
from .targets import MetricSums, Target, total_loss
from .trainer import Trainer

__all__ = ["Trainer", "TrainingConfig", "Target", "ExponentialMovingAverage", "MetricSums", "total_loss",
           "load_training_checkpoint", "fit_potential", "potential_errors", "potential_loss"]

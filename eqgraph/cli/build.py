"""From a checked run configuration to datasets, split, model and targets."""
from __future__ import annotations

import numpy as np
import torch

from ..data import QM9, EMTDataset, ExtXYZDataset
from ..models import EquivariantPotential, EquivariantRegressor, SchNetModel
from ..models.saving import DTYPES
from ..training import Target, Trainer, TrainingConfig

#: config name -> (class, keys the config may add to the class's arguments)
DATASETS = {"EMT": (EMTDataset, {"root": str | None}), "QM9": (QM9, {"root": str | None}),
            "ExtXYZ": (ExtXYZDataset, {"root": str | None})}
MODELS = {"EquivariantPotential": (EquivariantPotential, {}), "EquivariantRegressor": (EquivariantRegressor, {}),
          "SchNetModel": (SchNetModel, {})}
DEFAULT_SPLIT = {"train": 0.8, "val": 0.1, "test": 0.1, "seed": 0}


def build_dataset(config: dict):
    section = dict(config["dataset"])
    dataset_class, _ = DATASETS[section.pop("name")]
    return dataset_class(**section)


def split_indices(config: dict, size: int) -> dict[str, list[int]]:
    """Train/val/test indices: a permutation by ``split.seed``, cut by counts or fractions."""
    split = {**DEFAULT_SPLIT, **config.get("split", {})}
    counts = {}
    for part in ("train", "val", "test"):
        value = split[part]
        counts[part] = int(value) if isinstance(value, int) else int(round(float(value) * size))
    if sum(counts.values()) > size:
        raise ValueError(f"split: train + val + test = {sum(counts.values())} structures, but the dataset has {size}")
    if counts["train"] < 1 or counts["val"] < 1:
        raise ValueError(f"split: need at least one training and one validation structure, got {counts}")
    order = np.random.default_rng(split["seed"]).permutation(size)
    train_end, val_end = counts["train"], counts["train"] + counts["val"]
    return {"train": order[:train_end].tolist(), "val": order[train_end:val_end].tolist(),
            "test": order[val_end:val_end + counts["test"]].tolist()}


def build_model(config: dict, train_set) -> torch.nn.Module:
    """The model, in the run's dtype, with its initial weights drawn from ``seed``; ``species``
    defaults to the elements of the training split."""
    section = dict(config["model"])
    model_class, _ = MODELS[section.pop("name")]
    if "species" not in section:
        section["species"] = sorted({int(z) for data in train_set for z in data.z.tolist()})
    torch.manual_seed(config.get("seed", 0))
    return model_class(**section).to(DTYPES[config.get("dtype", "float32")])


def build_targets(config: dict) -> list[Target]:
    return [Target.from_dict(t) for t in config["targets"]]


def build_training(config: dict) -> TrainingConfig:
    return TrainingConfig(**{"seed": config.get("seed", 0), **config.get("training", {})})


def build_trainer(config: dict, output_dir) -> Trainer:
    """The dataset, split, model, targets and settings of a run, assembled into a :class:`Trainer`."""
    dataset = build_dataset(config)
    split = split_indices(config, len(dataset))
    parts = {name: [dataset[i] for i in indices] for name, indices in split.items()}
    model = build_model(config, parts["train"])
    return Trainer(model, parts["train"], parts["val"], build_targets(config), build_training(config),
                   output_dir=output_dir, test_set=parts["test"] or None, run_config=config, split=split)

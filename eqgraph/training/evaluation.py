"""Evaluating a model on named targets: metrics, and the values behind parity plots."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch_geometric.data import Batch

from .targets import MetricSums, Target

MAX_PARITY_POINTS = 20000


def forward_arguments(targets: Sequence[Target]) -> dict:
    """Keyword arguments a model needs for these targets (``compute_stress`` for a stress target)."""
    return {"compute_stress": True} if any(t.output_key == "stress" for t in targets) else {}


def materialised(dataset: Sequence, targets: Sequence[Target]) -> list:
    """The structures as a list, each with its column targets (``y[:, k]``) as named attributes."""
    columns = [t for t in targets if t.column is not None]
    items = []
    for item in dataset:
        if columns:
            item = item.clone()
            for t in columns:
                item[t.name] = t.select(item)
        items.append(item)
    return items


def named_targets(targets: Sequence[Target]) -> list[Target]:
    """The targets reading their materialised attributes (see :func:`materialised`)."""
    import dataclasses

    return [dataclasses.replace(t, data=t.name, column=None) if t.column is not None else t for t in targets]


def evaluate_model(model: torch.nn.Module, dataset: Sequence, targets: Sequence[Target], batch_size: int = 32,
                   keep_predictions: bool = False):
    """Loss, MAE and RMSE of every target of ``model`` (in eval mode) on ``dataset``; with
    ``keep_predictions`` also ``{target: (reference, prediction)}`` arrays (at most
    :data:`MAX_PARITY_POINTS` each) for parity plots."""
    dataset = materialised(dataset, targets)
    targets = named_targets(targets)
    kwargs = forward_arguments(targets)
    sums = MetricSums(targets)
    kept = {t.name: ([], []) for t in targets}
    was_training = model.training
    model.eval()
    try:
        for start in range(0, len(dataset), batch_size):
            batch = Batch.from_data_list(dataset[start:start + batch_size])
            out = model(batch, **kwargs)
            sums.add(out, batch)
            if keep_predictions:
                for t in targets:
                    difference = t.difference(out, batch).detach()
                    prediction = t.prediction(out).detach().reshape(difference.shape)
                    if t.per_atom:
                        atoms = torch.bincount(batch.batch, minlength=batch.num_graphs).to(prediction.dtype)
                        prediction = prediction / atoms.view(-1, *([1] * (prediction.dim() - 1)))
                    kept[t.name][0].append((prediction - difference).reshape(-1).double().numpy())
                    kept[t.name][1].append(prediction.reshape(-1).double().numpy())
    finally:
        model.train(was_training)
    metrics = sums.result()
    if not keep_predictions:
        return metrics
    rng = np.random.default_rng(0)
    arrays = {}
    for name, (reference, prediction) in kept.items():
        reference, prediction = np.concatenate(reference), np.concatenate(prediction)
        if reference.size > MAX_PARITY_POINTS:
            chosen = rng.choice(reference.size, MAX_PARITY_POINTS, replace=False)
            reference, prediction = reference[chosen], prediction[chosen]
        arrays[name] = (reference, prediction)
    return metrics, arrays

"""update_batch_norm: running statistics recomputed at a model's current weights."""
from __future__ import annotations

from typing import Iterable

import torch

from ..pooling.scale_space_triple_products import ScaleSpaceTripleProducts
from .field_batch_norm import FieldBatchNorm


@torch.no_grad()
def update_batch_norm(model: torch.nn.Module, batches: Iterable) -> int:
    r"""Recompute the running mean and variance of every batch normalisation in ``model`` (eqgraph's
    field batch norms and ``torch.nn`` ones), and the running root mean square of every
    :class:`~eqgraph.nn.ScaleSpaceChirality`, as the cumulative average over ``batches`` at the
    model's current weights, as ``torch.optim.swa_utils.update_bn`` does for ``torch.nn`` alone.

    Running statistics are moving averages of batches seen while the weights changed; when a
    short or unsteady training run ends, they can lag the final weights so far that the model in
    eval mode misclassifies its own training data. Calling this after training fixes that.
    Every norm's ``momentum`` is restored afterwards, and the model is left in the mode it had.

    Args:
        model: any module; its batch norms must track running statistics.
        batches: inputs to ``model`` (one forward per item; a tuple is unpacked as arguments).

    Returns:
        The number of batches used.
    """
    norms = [m for m in model.modules()
             if isinstance(m, (FieldBatchNorm, torch.nn.modules.batchnorm._BatchNorm, ScaleSpaceTripleProducts))]
    untracked = [type(m).__name__ for m in norms if not m.track_running_stats]
    if not norms or untracked:
        raise ValueError(f"update_batch_norm needs batch norms that track running statistics; the model has "
                         f"{len(norms)} batch norms, {len(untracked)} without running statistics ({untracked})")
    batches = list(batches)
    if not batches:
        raise ValueError("update_batch_norm got no batches")
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.momentum = None  # a cumulative average from the first batch on
        m.num_batches_tracked.zero_()
    was_training = model.training
    model.train()
    try:
        for batch in batches:
            model(*batch) if isinstance(batch, tuple) else model(batch)
    finally:
        for m, momentum in zip(norms, momenta):
            m.momentum = momentum
        model.train(was_training)
    return len(batches)

"""Fitting a potential to energies and forces: the loop the examples and benchmarks share."""
from __future__ import annotations

import logging
import time
from typing import Sequence

import torch
from torch_geometric.loader import DataLoader

logger = logging.getLogger(__name__)


def potential_loss(out: dict, batch, force_weight: float = 10.0) -> torch.Tensor:
    r"""Mean squared error of the energy per atom plus ``force_weight`` times that of the force
    components: :math:`\langle (\Delta E / N)^2 \rangle + w_F \langle \Delta F^2 \rangle`."""
    atoms = torch.bincount(batch.batch, minlength=batch.num_graphs).to(out["energy"].dtype)
    loss = ((out["energy"] - batch.energy.view(-1)) / atoms).pow(2).mean()
    return loss + force_weight * (out["forces"] - batch.forces).pow(2).mean()


def fit_potential(model: torch.nn.Module, train_set: Sequence, epochs: int, lr: float = 5e-3, batch_size: int = 8,
                  force_weight: float = 10.0, seed: int = 0, cpu_budget: float | None = None) -> dict[str, float]:
    """Adam on :func:`potential_loss` for ``epochs`` passes over shuffled batches (the shuffling
    seeded by ``seed``), or until ``cpu_budget`` CPU seconds are spent; returns ``cpu_seconds``
    and the ``steps`` and ``epochs`` done (fractional when the budget ends an epoch). The
    model's statistics should be fitted first (``model.fit_statistics(train_set)``)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))
    model.train()
    start, steps = time.process_time(), 0
    for epoch in range(epochs):
        total = 0.0
        for batch in loader:
            if cpu_budget is not None and time.process_time() - start >= cpu_budget:
                break
            loss = potential_loss(model(batch), batch, force_weight)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * batch.num_graphs
            steps += 1
        else:
            logger.info("epoch %d: loss %.5g", epoch + 1, total / len(train_set))
            continue
        break
    model.eval()
    return {"cpu_seconds": time.process_time() - start, "steps": steps, "epochs": steps / len(loader)}


def potential_errors(model: torch.nn.Module, data: Sequence, batch_size: int = 8) -> dict[str, float]:
    """``force_mae``, ``force_rmse`` (eV/Å) and ``energy_mae_per_atom`` (eV) of ``model`` on ``data``."""
    model.eval()
    force_abs = force_square = energy_abs = components = structures = 0.0
    for batch in DataLoader(list(data), batch_size=batch_size):
        out = model(batch)
        atoms = torch.bincount(batch.batch, minlength=batch.num_graphs)
        energy_abs += float(((out["energy"].detach() - batch.energy.view(-1)).abs() / atoms).sum())
        difference = out["forces"].detach() - batch.forces
        force_abs += float(difference.abs().sum())
        force_square += float(difference.pow(2).sum())
        components += difference.numel()
        structures += batch.num_graphs
    return {"force_mae": force_abs / components, "force_rmse": (force_square / components) ** 0.5,
            "energy_mae_per_atom": energy_abs / structures}

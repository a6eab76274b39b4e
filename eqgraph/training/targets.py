"""Targets: what a model's output is compared with, and the losses and metrics that follow."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import torch


@dataclass(frozen=True)
class Target:
    """One quantity to fit.

    Args:
        name: the quantity's name in metrics (``energy``, ``forces``, ``U0``, ...).
        weight: its weight in the loss.
        output: the key of the model's output dict (default ``name``; ignored when the model
            returns a tensor).
        data: the batch attribute holding the reference (default ``name``).
        column: a column of ``data`` (``QM9``'s ``y`` holds 19 targets).
        per_atom: compare per atom (divide by the atom count): energies of structures of different size.
        norm: compare the norm of a vector output with a scalar reference (a dipole's magnitude).
        unit: the reference's unit, for reports.
    """

    name: str
    weight: float = 1.0
    output: str | None = None
    data: str | None = None
    column: int | None = None
    per_atom: bool = False
    norm: bool = False
    unit: str = ""

    @classmethod
    def from_dict(cls, values: dict) -> "Target":
        allowed = [f.name for f in fields(cls)]
        unknown = sorted(set(values) - set(allowed))
        if unknown:
            raise ValueError(f"unknown target keys {unknown}; allowed: {allowed}")
        if "name" not in values:
            raise ValueError(f"a target needs a `name`; got {values}")
        return cls(**values)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def output_key(self) -> str:
        return self.output or self.name

    @property
    def metric_suffix(self) -> str:
        return "_per_atom" if self.per_atom else ""

    def select(self, data) -> torch.Tensor:
        """The reference of this target on a ``Data`` or ``Batch``."""
        key = self.data or self.name
        value = getattr(data, key, None)
        if value is None:
            raise KeyError(f"target {self.name!r}: the data has no `{key}` (it has {sorted(data.keys())})")
        if self.column is not None:
            value = value.reshape(value.shape[0], -1)[:, self.column]
        return value

    def prediction(self, out) -> torch.Tensor:
        value = out if isinstance(out, torch.Tensor) else out.get(self.output_key)
        if value is None:
            raise KeyError(f"target {self.name!r}: the model returned no `{self.output_key}` (it returned {sorted(out)})")
        return value.norm(dim=-1) if self.norm else value

    def difference(self, out, batch) -> torch.Tensor:
        """Prediction minus reference, per structure (or atom, or component), per atom if asked."""
        prediction = self.prediction(out)
        reference = self.select(batch).to(prediction.dtype)
        if reference.numel() != prediction.numel():
            raise ValueError(f"target {self.name!r}: the model gives {tuple(prediction.shape)}, the data "
                             f"{tuple(reference.shape)}")
        difference = prediction - reference.reshape(prediction.shape)
        if self.per_atom:
            atoms = torch.bincount(batch.batch, minlength=batch.num_graphs).to(difference.dtype)
            difference = difference / atoms.view(-1, *([1] * (difference.dim() - 1)))
        return difference


def total_loss(targets: list[Target], out, batch) -> torch.Tensor:
    r"""The weighted sum of mean squared differences :math:`\sum_t w_t \langle \Delta_t^2 \rangle`."""
    return sum(t.weight * t.difference(out, batch).pow(2).mean() for t in targets)


class MetricSums:
    """Running sums of absolute and squared differences of every target over an evaluation."""

    def __init__(self, targets: list[Target]):
        self.targets = targets
        self.absolute = {t.name: 0.0 for t in targets}
        self.square = {t.name: 0.0 for t in targets}
        self.count = {t.name: 0 for t in targets}
        self.loss, self.structures = 0.0, 0

    def add(self, out, batch) -> None:
        loss = 0.0
        for t in self.targets:
            difference = t.difference(out, batch).detach().double()
            self.absolute[t.name] += float(difference.abs().sum())
            self.square[t.name] += float(difference.pow(2).sum())
            self.count[t.name] += difference.numel()
            loss += t.weight * float(difference.pow(2).mean())
        self.loss += loss * batch.num_graphs
        self.structures += batch.num_graphs

    def result(self) -> dict[str, float]:
        metrics = {"loss": self.loss / max(self.structures, 1)}
        for t in self.targets:
            n = max(self.count[t.name], 1)
            metrics[f"{t.name}_mae{t.metric_suffix}"] = self.absolute[t.name] / n
            metrics[f"{t.name}_rmse{t.metric_suffix}"] = (self.square[t.name] / n) ** 0.5
        return metrics

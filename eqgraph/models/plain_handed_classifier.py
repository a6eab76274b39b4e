"""PlainHandedClassifier: what a SteerableCNN with ``handedness=True`` (SO(3)) exports to."""
from __future__ import annotations

import torch


class PlainHandedClassifier(torch.nn.Module):
    r"""Plain PyTorch: logits from the network's pooled invariants and the input's handedness
    invariants,

    .. math::
        y = W\,[\,\text{invariants}(x) ;\; \text{chirality}(x)\,] + b.

    Args:
        invariants: the network up to its pooled, flattened invariant features.
        chirality: the input's handedness invariants (:class:`ScaleSpaceChirality`'s export).
        linear: the logits layer.
    """

    def __init__(self, invariants: torch.nn.Module, chirality: torch.nn.Module, linear: torch.nn.Linear):
        super().__init__()
        self.invariants, self.chirality, self.linear = invariants, chirality, linear

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(torch.cat([self.invariants(x), self.chirality(x)], 1))

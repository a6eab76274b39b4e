"""PlainHandedClassifier: what a SteerableCNN with ``handedness=True`` exports to."""
from __future__ import annotations

import torch


class PlainHandedClassifier(torch.nn.Module):
    r"""Plain PyTorch: logits from the last stage's pooled invariants and the first stage's
    pooled triple products,

    .. math::
        y = W\,[\,\text{invariants}(\text{later}(h)) ;\; \text{triple\_products}(h)\,] + b,
        \qquad h = \text{first}(x).

    Args:
        first_stage: the first stage's layers.
        later_stages: the other stages' layers.
        invariants: the head's invariant features, spatial mean and flatten.
        triple_products: the first stage's triple products, spatial mean and flatten.
        linear: the logits layer.
    """

    def __init__(self, first_stage: torch.nn.Module, later_stages: torch.nn.Module, invariants: torch.nn.Module,
                 triple_products: torch.nn.Module, linear: torch.nn.Linear):
        super().__init__()
        self.first_stage, self.later_stages = first_stage, later_stages
        self.invariants, self.triple_products, self.linear = invariants, triple_products, linear

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.first_stage(x)
        return self.linear(torch.cat([self.invariants(self.later_stages(h)), self.triple_products(h)], 1))

"""ExponentialMovingAverage of a model's weights."""
from __future__ import annotations

import contextlib

import torch


class ExponentialMovingAverage:
    r"""Shadow weights :math:`\bar\theta \leftarrow d\,\bar\theta + (1 - d)\,\theta` after every
    step; :meth:`applied` swaps them into the model for evaluation and saving.

    Args:
        model: the trained module.
        decay: :math:`d` in (0, 1).
    """

    def __init__(self, model: torch.nn.Module, decay: float):
        if not 0.0 < decay < 1.0:
            raise ValueError(f"ema_decay must be in (0, 1), got {decay!r}")
        self.model, self.decay = model, decay
        self.shadow = {name: p.detach().clone() for name, p in model.named_parameters()}

    @torch.no_grad()
    def update(self) -> None:
        for name, p in self.model.named_parameters():
            self.shadow[name].lerp_(p.detach(), 1.0 - self.decay)

    @contextlib.contextmanager
    def applied(self):
        """The model holds the averaged weights inside the ``with`` block, its own after."""
        saved = {name: p.detach().clone() for name, p in self.model.named_parameters()}
        with torch.no_grad():
            for name, p in self.model.named_parameters():
                p.copy_(self.shadow[name])
        try:
            yield self.model
        finally:
            with torch.no_grad():
                for name, p in self.model.named_parameters():
                    p.copy_(saved[name])

    def state_dict(self) -> dict:
        return {"decay": self.decay, "shadow": {k: v.clone() for k, v in self.shadow.items()}}

    def load_state_dict(self, state: dict) -> None:
        if set(state["shadow"]) != set(self.shadow):
            raise ValueError("the EMA state does not match the model's parameters")
        self.decay = state["decay"]
        for name, value in state["shadow"].items():
            self.shadow[name].copy_(value)

"""Constant buffers that stay exact when a module changes dtype."""
from __future__ import annotations

import numpy as np
import torch


class ConstantBuffers:
    """A mixin for ``torch.nn.Module``: ``register_constant`` stores a float64 master copy of a
    non-persistent buffer (sampled bases, changes of basis) and every ``.to()``, ``.double()``
    or ``.half()`` re-derives the buffer from it, so a module built in float32 and moved to
    float64 computes with float64-accurate constants rather than rounded ones."""

    def register_constant(self, name: str, value: np.ndarray | torch.Tensor | None) -> None:
        if not hasattr(self, "_constants"):
            self._constants: dict[str, torch.Tensor] = {}
        if value is None:
            self.register_buffer(name, None, persistent=False)
            return
        master = torch.as_tensor(value, dtype=torch.float64).detach().cpu()
        self._constants[name] = master
        self.register_buffer(name, master.to(torch.get_default_dtype()), persistent=False)

    def _apply(self, fn, recurse=True):
        result = super()._apply(fn, recurse)
        for name, master in getattr(self, "_constants", {}).items():
            current = getattr(self, name)
            setattr(self, name, master.to(device=current.device, dtype=current.dtype))
        return result

"""Whether the code runs under a program transform that takes only standard torch operations."""
from __future__ import annotations

import torch


def inside_transform() -> bool:
    """True inside ``torch.compile`` or a ``torch.func`` transform (``grad``, ``vmap``, ...): custom
    autograd functions and activation checkpointing are then left out."""
    functorch_active = getattr(torch._C, "_are_functorch_transforms_active", lambda: False)
    return torch.compiler.is_compiling() or functorch_active()

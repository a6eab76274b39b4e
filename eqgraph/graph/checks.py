"""Checks of point clouds and batch vectors shared by the graph builders: clear errors before any work."""
from __future__ import annotations

import torch


def check_points(name: str, pos, label: str = "positions") -> None:
    """``pos`` must be a finite float tensor ``[N, d]``."""
    if not isinstance(pos, torch.Tensor) or pos.dim() != 2 or not pos.is_floating_point():
        got = f"{tuple(pos.shape)} {pos.dtype}" if isinstance(pos, torch.Tensor) else type(pos).__name__
        raise ValueError(f"{name} needs float {label} [N, d], got {got}")
    if not bool(torch.isfinite(pos).all()):
        bad = int((~torch.isfinite(pos)).any(1).nonzero()[0])
        raise ValueError(f"{name}: {label} contain NaN or infinite values (point {bad}: {pos[bad].tolist()})")


def check_batch(name: str, batch, n: int, label: str = "batch", ordered: bool = False) -> None:
    """``batch`` must be an integer tensor ``[n]`` of non-negative structure indices (sorted when ``ordered``)."""
    if not isinstance(batch, torch.Tensor) or batch.shape != (n,) or batch.is_floating_point() or batch.is_complex() \
            or batch.dtype == torch.bool:
        got = f"{tuple(batch.shape)} {batch.dtype}" if isinstance(batch, torch.Tensor) else type(batch).__name__
        raise ValueError(f"{name}: {label} must be an integer tensor [N] = [{n}], got {got}")
    if n and int(batch.min()) < 0:
        raise ValueError(f"{name}: {label} holds negative structure indices (minimum {int(batch.min())})")
    if ordered and n > 1 and bool((batch[1:] < batch[:-1]).any()):
        raise ValueError(f"{name}: {label} must be sorted (the points of each cloud consecutive, as PyG batches them)")

"""RandomRotate: a random rotation of a structure and of every equivariant quantity on it."""
from __future__ import annotations

from typing import Sequence

import torch
from torch_geometric.transforms import BaseTransform

VECTORS = ("forces", "dipole")
TENSORS = ("stress", "polarizability")


def random_orthogonal(generator: torch.Generator | None = None, reflections: bool = False,
                      dtype=torch.float64) -> torch.Tensor:
    """A Haar-random ``[3, 3]`` rotation (or, with ``reflections``, element of O(3))."""
    q, r = torch.linalg.qr(torch.randn(3, 3, generator=generator, dtype=torch.float64))
    q = q * torch.sign(torch.diagonal(r))  # Haar measure on O(3)
    if not reflections and torch.det(q) < 0:
        q = -q
    return q.to(dtype)


class RandomRotate(BaseTransform):
    r"""Rotates a structure by a uniformly random rotation :math:`R` (an element of O(3) with
    ``reflections=True``) about the origin, together with everything that turns with it:

    .. math::
        r_i \mapsto R r_i,\quad C \mapsto C R^\top \ (\text{cell rows}),\quad
        v \mapsto R v \ (\text{vectors}),\quad T \mapsto R T R^\top \ (\text{rank-2 tensors}).

    PyG's ``RandomRotate`` turns only ``pos``; rotating a structure without its forces or
    stress teaches a model wrong labels. Integer ``cell_shifts`` and invariants are unchanged.

    Args:
        vectors: per-atom or per-structure vector keys, ``[*, 3]`` (default forces, dipole).
        tensors: rank-2 tensor keys, ``[*, 3, 3]`` (default stress, polarizability).
        reflections: draw from O(3) instead of SO(3). Axial quantities then need care: all keys are treated as polar.
        generator: a ``torch.Generator`` for reproducible rotations (default torch's global one).
    """

    def __init__(self, vectors: Sequence[str] = VECTORS, tensors: Sequence[str] = TENSORS, reflections: bool = False,
                 generator: torch.Generator | None = None):
        self.vectors, self.tensors = tuple(vectors), tuple(tensors)
        self.reflections, self.generator = reflections, generator

    def forward(self, data):
        rotation = random_orthogonal(self.generator, self.reflections, data.pos.dtype)
        return self.rotate(data, rotation)

    def rotate(self, data, rotation: torch.Tensor):
        """``data`` turned by the given ``[3, 3]`` orthogonal matrix."""
        data.pos = data.pos @ rotation.T.to(data.pos)
        if getattr(data, "cell", None) is not None:
            data.cell = data.cell @ rotation.T.to(data.cell)
        for key in self.vectors:
            value = getattr(data, key, None)
            if value is not None:
                if value.shape[-1] != 3:
                    raise ValueError(f"RandomRotate: vector `{key}` must be [*, 3], got {tuple(value.shape)}")
                setattr(data, key, value @ rotation.T.to(value))
        for key in self.tensors:
            value = getattr(data, key, None)
            if value is not None:
                if value.shape[-2:] != (3, 3):
                    raise ValueError(f"RandomRotate: tensor `{key}` must be [*, 3, 3], got {tuple(value.shape)}")
                r = rotation.to(value)
                setattr(data, key, r @ value @ r.T)
        return data

    def __repr__(self) -> str:
        return f"{type(self).__name__}(vectors={self.vectors}, tensors={self.tensors}, reflections={self.reflections})"

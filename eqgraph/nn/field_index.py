"""Per-field reductions on the channel axis, shared by norm-based layers."""
from __future__ import annotations

import torch

from ..fields import FieldType


def field_of_channel(field_type: FieldType) -> torch.Tensor:
    """``[C]``: the field each channel belongs to."""
    sizes = torch.tensor([r.size for r in field_type.representations])
    return torch.repeat_interleave(torch.arange(len(field_type)), sizes)


def field_squares(x: torch.Tensor, index: torch.Tensor, n_fields: int) -> torch.Tensor:
    """``[B, n_fields, *S]``: the squared norm of every field."""
    return x.new_zeros(x.shape[0], n_fields, *x.shape[2:]).index_add(1, index, x * x)


def field_norms(x: torch.Tensor, index: torch.Tensor, n_fields: int) -> torch.Tensor:
    """``[B, n_fields, *S]``: the norm of every field, with a finite gradient at zero."""
    squares = field_squares(x, index, n_fields)
    return torch.sqrt(squares.clamp(min=torch.finfo(x.dtype).tiny))


def per_field(values: torch.Tensor, dim: int) -> torch.Tensor:
    """A ``[n_fields]`` tensor shaped to broadcast along axis 1 of a ``dim``-dimensional tensor."""
    return values.view(1, -1, *[1] * (dim - 2))

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


def common_size(field_type: FieldType) -> int | None:
    """The size every field shares, or None when sizes differ."""
    sizes = {r.size for r in field_type.representations}
    return sizes.pop() if len(sizes) == 1 else None


def scale_fields(x: torch.Tensor, per_field: torch.Tensor, index: torch.Tensor, field_size: int | None) -> torch.Tensor:
    """``x`` with every field multiplied by its value in ``per_field [B, n_fields, *S]``; fields
    of one common size broadcast through a view instead of an index."""
    if field_size is None:
        return x * per_field.index_select(1, index)
    return (x.unflatten(1, (per_field.shape[1], field_size)) * per_field.unsqueeze(2)).flatten(1, 2)


def invariant_per_field(field_type: FieldType) -> FieldType:
    """One trivial field per field of ``field_type``: the type of field-wise invariants."""
    return FieldType(field_type.gspace, [field_type.gspace.trivial_repr] * len(field_type))

"""GeometricTensor: a torch tensor typed by a FieldType."""
from __future__ import annotations

from numbers import Number
from typing import Sequence

import numpy as np
import torch

from ..group import GroupElement
from .field_type import FieldType


class GeometricTensor:
    r"""A torch tensor whose channel axis (1) is typed by a :class:`FieldType`.

    Two layouts:

    - grid: ``[B, C, *spatial]`` with ``len(spatial)`` equal to the gspace's dimension d
      (pixels or voxels; spatial axis k is coordinate k, centred on the grid);
    - nodes: ``[N, C]``, with optional point coordinates ``coords [N, d]`` (point clouds and
      graphs). Without coords, a ``[B, C]`` tensor is a batch of feature vectors.

    Arithmetic (``+``, ``-``, scalar ``*`` and their in-place forms) needs equal types (and the
    same points). Indexing selects batch elements or nodes (axis 0), whole fields (axis 1,
    never a part of a field) and spatial positions; an integer keeps its axis.

    Args:
        tensor: the data.
        type: its field type; ``tensor.shape[1]`` must equal ``type.size``.
        coords: ``[N, d]`` positions of the nodes (node layout only).

    Shapes:
        - **tensor:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **coords:** :math:`(N, d)`
    """

    def __init__(self, tensor: torch.Tensor, type: FieldType, coords: torch.Tensor | None = None):
        if not isinstance(type, FieldType):
            raise TypeError(f"GeometricTensor needs a FieldType, got {type.__class__.__name__}")
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"GeometricTensor wraps a torch.Tensor, got {tensor.__class__.__name__}")
        if not tensor.is_floating_point():
            raise TypeError(f"GeometricTensor holds real floating-point features, got dtype {tensor.dtype}")
        if tensor.dim() < 2:
            raise ValueError(f"expected a tensor [N, C] or [B, C, *spatial], got shape {tuple(tensor.shape)}")
        if tensor.shape[1] != type.size:
            raise ValueError(
                f"the field type {type} has {type.size} channels but the tensor has {tensor.shape[1]} "
                f"(shape {tuple(tensor.shape)})"
            )
        d = type.gspace.dimensionality
        spatial = tensor.dim() - 2
        if spatial != 0 and spatial != d:
            raise ValueError(
                f"a tensor on {type.gspace.name} is [N, C] or [B, C] + {d} spatial axes, got shape {tuple(tensor.shape)}"
            )
        if coords is not None:
            if not isinstance(coords, torch.Tensor):
                raise TypeError(f"coords must be a torch.Tensor, got {coords.__class__.__name__}")
            if spatial != 0:
                raise ValueError(f"coords go with node features [N, C], got a grid tensor of shape {tuple(tensor.shape)}")
            if coords.shape != (tensor.shape[0], d):
                raise ValueError(f"expected coords of shape ({tensor.shape[0]}, {d}), got {tuple(coords.shape)}")
            if not coords.is_floating_point():
                raise TypeError(f"coords must be real floating-point, got dtype {coords.dtype}")
            if not torch.compiler.is_compiling() and not bool(torch.isfinite(coords).all()):
                bad = int((~torch.isfinite(coords)).any(1).nonzero()[0])
                raise ValueError(f"coords contain NaN or infinite values (node {bad}: {coords[bad].tolist()})")
        self.tensor = tensor
        self.type = type
        self.coords = coords

    # ------------------------------------------------------------------ basic properties
    @property
    def shape(self) -> torch.Size:
        return self.tensor.shape

    def size(self, dim: int | None = None):
        return self.tensor.size() if dim is None else self.tensor.size(dim)

    @property
    def is_grid(self) -> bool:
        return self.tensor.dim() > 2

    def to(self, *args, **kwargs) -> "GeometricTensor":
        coords = None if self.coords is None else self.coords.to(*args, **kwargs)
        return GeometricTensor(self.tensor.to(*args, **kwargs), self.type, coords)

    def __repr__(self) -> str:
        extra = "" if self.coords is None else f", coords {tuple(self.coords.shape)}"
        return f"GeometricTensor(shape {tuple(self.shape)}, {self.type}{extra})"

    # ------------------------------------------------------------------ transformations
    def transform(self, element: GroupElement) -> "GeometricTensor":
        """The tensor acted on by ``element``: points move (node layout with coords) or the grid
        is rotated (exact for the grid's symmetries, interpolated otherwise), and every feature
        vector is multiplied by its field's representation."""
        if self.coords is not None:
            features, coords = self.type.transform(self.tensor, element, self.coords)
            return GeometricTensor(features, self.type, coords)
        return GeometricTensor(self.type.transform(self.tensor, element), self.type)

    def transform_fibers(self, element: GroupElement) -> "GeometricTensor":
        """Only the feature vectors transform; points and pixels stay."""
        return GeometricTensor(self.type.transform_fibers(self.tensor, element), self.type, self.coords)

    def restrict(self, id) -> "GeometricTensor":
        """The same data typed by the restriction of its type to a subgroup. Since restricted
        representations keep their channels, the tensor is shared."""
        return GeometricTensor(self.tensor, self.type.restrict(id), self.coords)

    # ------------------------------------------------------------------ splitting and joining
    def split(self, breaks: Sequence[int] | None = None) -> list["GeometricTensor"]:
        """Split the channels at the field indices ``breaks`` (sorted, in 1..len(type)-1); None
        splits every field apart."""
        n = len(self.type)
        breaks = list(range(1, n)) if breaks is None else list(breaks)
        if any(not 0 < b < n for b in breaks) or breaks != sorted(set(breaks)):
            raise ValueError(f"breaks must be increasing field indices in 1..{n - 1}, got {breaks}")
        bounds = [0] + breaks + [n]
        pieces = []
        for a, b in zip(bounds[:-1], bounds[1:]):
            start, end = int(self.type.fields_start[a]), int(self.type.fields_end[b - 1])
            pieces.append(GeometricTensor(self.tensor[:, start:end], self.type.index_select(range(a, b)), self.coords))
        return pieces

    def __getitem__(self, index) -> "GeometricTensor":
        if not isinstance(index, tuple):
            index = (index,)
        if len(index) > self.tensor.dim():
            raise IndexError(f"too many indices ({len(index)}) for a tensor of shape {tuple(self.shape)}")
        if any(i is Ellipsis or i is None for i in index):
            raise IndexError("GeometricTensor indexing takes ints, slices and index lists, not ... or None")
        index = tuple(_keep_axis(i) for i in index)
        type = self.type
        tensor = self.tensor
        if len(index) > 1:
            fields = range(len(self.type))[index[1]] if isinstance(index[1], slice) else _as_list(index[1])
            type = self.type.index_select(fields)
            channels = torch.as_tensor(self.type.field_channels(fields), device=tensor.device)
            tensor = tensor.index_select(1, channels)
        rest = (index[0], slice(None)) + index[2:]
        tensor = tensor[rest]
        coords = None if self.coords is None else self.coords[index[0]]
        return GeometricTensor(tensor, type, coords)

    # ------------------------------------------------------------------ arithmetic
    def _check_compatible(self, other, op: str) -> None:
        if not isinstance(other, GeometricTensor):
            raise TypeError(f"cannot {op} a GeometricTensor and a {other.__class__.__name__}")
        if other.type != self.type:
            raise ValueError(f"cannot {op} GeometricTensors of different types: {self.type} and {other.type}")
        if (self.coords is None) != (other.coords is None) or (
            self.coords is not None and not (self.coords is other.coords or torch.equal(self.coords, other.coords))
        ):
            raise ValueError(f"cannot {op} GeometricTensors on different points")

    def __add__(self, other: "GeometricTensor") -> "GeometricTensor":
        self._check_compatible(other, "add")
        return GeometricTensor(self.tensor + other.tensor, self.type, self.coords)

    def __sub__(self, other: "GeometricTensor") -> "GeometricTensor":
        self._check_compatible(other, "subtract")
        return GeometricTensor(self.tensor - other.tensor, self.type, self.coords)

    def __iadd__(self, other: "GeometricTensor") -> "GeometricTensor":
        self._check_compatible(other, "add")
        self.tensor += other.tensor
        return self

    def __isub__(self, other: "GeometricTensor") -> "GeometricTensor":
        self._check_compatible(other, "subtract")
        self.tensor -= other.tensor
        return self

    def __mul__(self, scalar) -> "GeometricTensor":
        _check_scalar(scalar)
        return GeometricTensor(self.tensor * scalar, self.type, self.coords)

    __rmul__ = __mul__

    def __imul__(self, scalar) -> "GeometricTensor":
        _check_scalar(scalar)
        self.tensor *= scalar
        return self


def tensor_directsum(tensors: Sequence[GeometricTensor]) -> GeometricTensor:
    """Concatenate GeometricTensors along the channels; the type is the sum of their types."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("tensor_directsum needs at least one GeometricTensor")
    first = tensors[0]
    for t in tensors[1:]:
        if not isinstance(t, GeometricTensor):
            raise TypeError(f"tensor_directsum takes GeometricTensors, got {t.__class__.__name__}")
        if t.type.gspace != first.type.gspace:
            raise ValueError(f"cannot join tensors of different gspaces: {first.type.gspace} and {t.type.gspace}")
        if t.shape[0] != first.shape[0] or t.shape[2:] != first.shape[2:]:
            raise ValueError(f"cannot join tensors of shapes {tuple(first.shape)} and {tuple(t.shape)}")
    type = first.type
    for t in tensors[1:]:
        type = type + t.type
    return GeometricTensor(torch.cat([t.tensor for t in tensors], dim=1), type, first.coords)


def _keep_axis(i):
    """An integer index becomes a length-one slice so that the axis is kept."""
    if isinstance(i, (int, np.integer)) and not isinstance(i, bool):
        i = int(i)
        return slice(i, i + 1) if i != -1 else slice(-1, None)
    return i


def _as_list(i) -> list[int]:
    if isinstance(i, torch.Tensor):
        return i.tolist()
    return list(i)


def _check_scalar(scalar) -> None:
    if not isinstance(scalar, Number) or isinstance(scalar, bool):
        raise TypeError(
            f"a GeometricTensor can only be multiplied by a scalar number (other products break equivariance), "
            f"got {scalar.__class__.__name__}"
        )

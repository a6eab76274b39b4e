"""FieldType: the data type of a feature space."""
from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Iterator, Sequence

import numpy as np
import scipy.sparse
import torch

from ..group import GroupElement, Representation, directsum
from . import e3nn_irreps
from .grid_transform import transform_fibers, transform_grid

if TYPE_CHECKING:
    from ..gspaces import GSpace
    from .geometric_tensor import GeometricTensor


class FieldType:
    r"""The type of a feature space: a gspace and a list of representations, one per field.

    A tensor of this type has ``size`` channels on axis 1; field i occupies channels
    ``fields_start[i]:fields_end[i]`` and transforms by ``representations[i]``. Under
    :math:`g \in G` a feature field f moves as

    .. math::
        [g \cdot f](x) = \rho(g)\, f(g^{-1} x)

    with :math:`\rho` the direct sum of the fields' representations (``representation``).

    Args:
        gspace: the space and its symmetry group.
        representations: representations of ``gspace.fibergroup``, one per field.
    """

    def __init__(self, gspace: GSpace, representations: Sequence[Representation]):
        if not all(hasattr(gspace, attribute) for attribute in ("fibergroup", "dimensionality", "action_matrix")):
            raise TypeError(f"FieldType needs a GSpace, got {type(gspace).__name__}")
        representations = list(representations)
        if not representations:
            raise ValueError("a FieldType needs at least one representation")
        for i, rep in enumerate(representations):
            if not isinstance(rep, Representation):
                raise TypeError(f"field {i} must be a Representation, got {type(rep).__name__}")
            if rep.group is not gspace.fibergroup:
                raise ValueError(
                    f"field {i} ({rep.name}) is a representation of {rep.group.name}, "
                    f"but the gspace {gspace.name} has fiber group {gspace.fibergroup.name}"
                )
        self.gspace = gspace
        self.representations = tuple(representations)
        sizes = np.array([r.size for r in representations])
        self.size = int(sizes.sum())
        self._fields_end = np.cumsum(sizes)
        self._fields_start = self._fields_end - sizes
        self._fields_end.setflags(write=False)
        self._fields_start.setflags(write=False)
        self._representation: Representation | None = None

    @classmethod
    def from_e3nn(cls, irreps, gspace: GSpace) -> "FieldType":
        """The FieldType of an e3nn irreps string (or ``e3nn.o3.Irreps``) such as ``"16x0e+8x1o"``
        on ``rot3dOnR3()`` (parity ignored) or ``flipRot3dOnR3()``. Channel layouts agree: each
        copy of an irrep is one contiguous field, in e3nn's order."""
        return cls(gspace, e3nn_irreps.representations_from_e3nn(irreps, gspace))

    def to_e3nn(self):
        """The ``e3nn.o3.Irreps`` of an SO(3) or O(3) field type made of irreps (SO(3) irreps
        get their natural parity (-1)^l)."""
        from e3nn import o3

        return o3.Irreps(e3nn_irreps.e3nn_string(self))

    # ------------------------------------------------------------------ structure
    @property
    def fibergroup(self):
        return self.gspace.fibergroup

    @property
    def representation(self) -> Representation:
        """The direct sum of all fields' representations (built on first use)."""
        if self._representation is None:
            self._representation = directsum(self.representations)
        return self._representation

    @property
    def irreps(self) -> list:
        """Irrep ids of all fields, concatenated."""
        return [i for r in self.representations for i in r.irreps]

    @property
    def change_of_basis(self) -> scipy.sparse.csr_matrix:
        """Sparse block-diagonal change of basis of all fields (their irreps to their channels)."""
        return scipy.sparse.block_diag([r.change_of_basis for r in self.representations], format="csr")

    @property
    def change_of_basis_inv(self) -> scipy.sparse.csr_matrix:
        return scipy.sparse.block_diag([r.change_of_basis_inv for r in self.representations], format="csr")

    def get_dense_change_of_basis(self) -> torch.Tensor:
        return torch.as_tensor(self.change_of_basis.toarray())

    def get_dense_change_of_basis_inv(self) -> torch.Tensor:
        return torch.as_tensor(self.change_of_basis_inv.toarray())

    @property
    def fields_start(self) -> np.ndarray:
        """First channel of every field."""
        return self._fields_start

    @property
    def fields_end(self) -> np.ndarray:
        """One past the last channel of every field."""
        return self._fields_end

    @property
    def uniform(self) -> bool:
        """True when every field has the same representation."""
        return all(r == self.representations[0] for r in self.representations)

    def __len__(self) -> int:
        return len(self.representations)

    def __iter__(self) -> Iterator[Representation]:
        return iter(self.representations)

    def __add__(self, other: "FieldType") -> "FieldType":
        if not isinstance(other, FieldType):
            raise TypeError(f"can only add a FieldType to a FieldType, got {type(other).__name__}")
        if other.gspace != self.gspace:
            raise ValueError(f"cannot add field types of different gspaces: {self.gspace.name} and {other.gspace.name}")
        return FieldType(self.gspace, self.representations + other.representations)

    def index_select(self, index: Sequence[int]) -> "FieldType":
        """The field type of the fields at positions ``index`` (in that order)."""
        index = list(index)
        for i in index:
            if not isinstance(i, (int, np.integer)) or not -len(self) <= i < len(self):
                raise ValueError(f"field index {i!r} out of range for a type with {len(self)} fields")
        return FieldType(self.gspace, [self.representations[i] for i in index])

    def field_channels(self, index: Sequence[int]) -> np.ndarray:
        """Channel indices of the fields at positions ``index``."""
        index = [int(i) % len(self) for i in index]
        return np.concatenate([np.arange(self._fields_start[i], self._fields_end[i]) for i in index]) \
            if index else np.zeros(0, dtype=np.int64)

    def sorted(self) -> "FieldType":
        """The same fields sorted by size (stable)."""
        order = sorted(range(len(self)), key=lambda i: self.representations[i].size)
        return self.index_select(order)

    def group_by_labels(self, labels: Sequence[str]) -> "dict[str, FieldType]":
        """Split the fields by a label per field; returns ``{label: FieldType}`` in first-seen order."""
        labels = list(labels)
        if len(labels) != len(self):
            raise ValueError(f"group_by_labels needs one label per field: {len(self)} fields, got {len(labels)} labels")
        groups: "OrderedDict[str, list[int]]" = OrderedDict()
        for i, label in enumerate(labels):
            groups.setdefault(label, []).append(i)
        return {label: self.index_select(fields) for label, fields in groups.items()}

    def restrict(self, id) -> "FieldType":
        """This type seen by the subgroup ``id`` of the fiber group (each field restricted)."""
        sub_gspace = self.gspace.restrict(id)[0]
        restricted: dict = {}
        reps = []
        for rep in self.representations:
            if rep not in restricted:
                restricted[rep] = rep.restrict(id)
            reps.append(restricted[rep])
        return FieldType(sub_gspace, reps)

    # ------------------------------------------------------------------ transformations
    def fiber_matrix(self, element: GroupElement) -> np.ndarray:
        """``[size, size]`` block-diagonal matrix by which ``element`` acts on the channels."""
        self._check_element(element)
        blocks: dict = {}
        out = np.zeros((self.size, self.size))
        for rep, start, end in zip(self.representations, self._fields_start, self._fields_end):
            if rep not in blocks:
                blocks[rep] = rep(element)
            out[start:end, start:end] = blocks[rep]
        return out

    def transform_fibers(self, tensor: torch.Tensor, element: GroupElement) -> torch.Tensor:
        """Act on the channels only (no motion of points)."""
        self._check_tensor(tensor)
        return transform_fibers(tensor, self.fiber_matrix(element))

    def transform(self, tensor: torch.Tensor, element: GroupElement, coords: torch.Tensor | None = None):
        """Transform a tensor of this type by ``element``.

        Point features ``[N, size]`` with ``coords [N, d]``: returns ``(features, coords)`` with
        every point moved to g.x and every feature multiplied by rho(g). Grids
        ``[B, size, *spatial]``: returns the tensor :math:`\\rho(g) f(g^{-1}x)`, exact for the
        grid's own symmetries and interpolated (with a warning) otherwise.
        """
        self._check_tensor(tensor)
        features = self.transform_fibers(tensor, element)
        action = self.gspace.action_matrix(element)
        if coords is not None:
            a = torch.as_tensor(action, dtype=coords.dtype, device=coords.device)
            return features, coords @ a.T
        if tensor.dim() == 2:
            return features
        return transform_grid(features, action)

    def __call__(self, tensor: torch.Tensor, coords: torch.Tensor | None = None) -> "GeometricTensor":
        from .geometric_tensor import GeometricTensor

        return GeometricTensor(tensor, self, coords)

    def _check_element(self, element) -> None:
        if not isinstance(element, GroupElement) or element.group is not self.gspace.fibergroup:
            got = element.group.name if isinstance(element, GroupElement) else type(element).__name__
            raise ValueError(f"expected an element of {self.gspace.fibergroup.name}, got {got}")

    def _check_tensor(self, tensor) -> None:
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"expected a torch.Tensor, got {type(tensor).__name__}")
        if tensor.dim() < 2 or tensor.shape[1] != self.size:
            raise ValueError(f"expected a tensor with {self.size} channels on axis 1, got shape {tuple(tensor.shape)}")

    # ------------------------------------------------------------------ value semantics
    def __eq__(self, other) -> bool:
        if self is other:
            return True
        return (
            isinstance(other, FieldType)
            and other.gspace == self.gspace
            and other.representations == self.representations
        )

    def __hash__(self) -> int:
        return hash((self.gspace, self.representations))

    def __repr__(self) -> str:
        names = [r.name for r in self.representations]
        shown = ", ".join(names[:8]) + (f", ... ({len(names)} fields)" if len(names) > 8 else "")
        return f"[{self.gspace.name}: {{{shown}}}]"

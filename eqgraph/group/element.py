"""Group elements: a group and a small parameter (angle, flip bit, matrix or index)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .group import Group


class GroupElement:
    """An element of a :class:`~eqgraph.group.Group`.

    Elements are immutable values: ``g @ h`` composes (``h`` acts first), ``~g`` inverts and
    ``g == h`` compares (within a tolerance for continuous groups). The meaning of ``param``
    is documented by each group.
    """

    __slots__ = ("group", "param")

    def __init__(self, group: "Group", param: Any):
        object.__setattr__(self, "group", group)
        object.__setattr__(self, "param", param)

    def __setattr__(self, name, value):
        raise AttributeError("group elements are immutable")

    def __matmul__(self, other: "GroupElement") -> "GroupElement":
        self._check_same_group(other)
        return GroupElement(self.group, self.group._combine(self.param, other.param))

    def __invert__(self) -> "GroupElement":
        return GroupElement(self.group, self.group._inverse(self.param))

    def __eq__(self, other) -> bool:
        if not isinstance(other, GroupElement) or other.group is not self.group:
            return False
        return self.group._equal(self.param, other.param)

    def __hash__(self) -> int:
        return hash((self.group, self.group._hash_param(self.param)))

    def __reduce__(self):
        return (GroupElement, (self.group, self.param))

    def __repr__(self) -> str:
        return f"{self.group.name}[{self.group._param_repr(self.param)}]"

    def _check_same_group(self, other) -> None:
        if not isinstance(other, GroupElement):
            raise TypeError(f"expected a GroupElement of {self.group.name}, got {type(other).__name__}")
        if other.group is not self.group:
            raise ValueError(f"cannot combine an element of {self.group.name} with one of {other.group.name}")

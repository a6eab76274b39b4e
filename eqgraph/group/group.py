"""The abstract compact group: elements, irreps, subgroups and the representations built from them."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Hashable, Iterator

import numpy as np

from ._ids import as_args as _as_args
from .element import GroupElement
from .intertwiners import numerical_clebsch_gordan
from .representation import IrreducibleRepresentation, Representation
from .restriction import restrict_representation
from .tensor_product import tensor_product


def as_rng(generator) -> np.random.Generator:
    """A numpy Generator from None (fresh entropy), an int seed or a Generator."""
    if generator is None or isinstance(generator, (int, np.integer)):
        return np.random.default_rng(generator)
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(f"generator must be None, an int seed or a numpy.random.Generator, got {type(generator).__name__}")


class SubgroupMap:
    """The inclusion H -> G or the restriction G -> H (None off H) of a subgroup, as a picklable callable."""

    __slots__ = ("parent", "subgroup_id", "direction")

    def __init__(self, parent: "Group", subgroup_id: Hashable, direction: str):
        self.parent, self.subgroup_id, self.direction = parent, subgroup_id, direction

    def __call__(self, element: GroupElement) -> GroupElement | None:
        sub = self.parent.subgroup(self.subgroup_id)[0]
        if self.direction == "include":
            if element.group is not sub:
                raise ValueError(f"expected an element of {sub.name}, got one of {element.group.name}")
            return GroupElement(self.parent, self.parent._include(self.subgroup_id, element.param))
        if element.group is not self.parent:
            raise ValueError(f"expected an element of {self.parent.name}, got one of {element.group.name}")
        param = self.parent._restrict(self.subgroup_id, element.param)
        return None if param is None else GroupElement(sub, param)

    def __getstate__(self):
        return (self.parent, self.subgroup_id, self.direction)

    def __setstate__(self, state):
        self.parent, self.subgroup_id, self.direction = state


class Group(ABC):
    """A compact group with real orthogonal irreducible representations.

    Groups are singletons built by factory functions (``cyclic_group(8)``, ``so3_group()``, ...)
    and pickle back to the same instance. Subclasses define the element parametrisation, the
    composition law and the irreps; everything else (representations, intertwiners,
    decompositions, restrictions) is generic and lives in the representation modules.
    """

    continuous: bool = False

    def __init__(self, name: str):
        self.name = name
        self._irrep_cache: dict = {}
        self._subgroup_cache: dict = {}
        self._cache: dict = {}  # derived objects keyed by what they are built from (never by user names)

    # ---------------------------------------------------------------- pickling and identity
    @abstractmethod
    def _factory(self) -> tuple:
        """``(factory_function, args)`` that returns this very instance."""

    def __reduce__(self):
        return self._factory()

    def __repr__(self) -> str:
        return self.name

    # ---------------------------------------------------------------- elements
    @abstractmethod
    def _identity_param(self) -> Any: ...

    @abstractmethod
    def _combine(self, p: Any, q: Any) -> Any: ...

    @abstractmethod
    def _inverse(self, p: Any) -> Any: ...

    @abstractmethod
    def _equal(self, p: Any, q: Any) -> bool: ...

    @abstractmethod
    def _hash_param(self, p: Any) -> Hashable: ...

    @abstractmethod
    def _sample_param(self, rng: np.random.Generator) -> Any: ...

    @abstractmethod
    def _testing_params(self) -> list: ...

    @abstractmethod
    def _check_param(self, p: Any) -> Any:
        """Validate and normalise a user-given parameter; raise ValueError naming what is expected."""

    def _param_repr(self, p: Any) -> str:
        return repr(p)

    @property
    def identity(self) -> GroupElement:
        return GroupElement(self, self._identity_param())

    def element(self, param: Any) -> GroupElement:
        """The element with parameter ``param`` (see the group's documentation for its meaning)."""
        return GroupElement(self, self._check_param(param))

    def sample(self, generator=None) -> GroupElement:
        """A Haar-distributed random element. ``generator``: None, an int seed or a numpy Generator."""
        return GroupElement(self, self._sample_param(as_rng(generator)))

    def testing_elements(self) -> list[GroupElement]:
        """All elements of a finite group; a fixed, well spread set for a continuous one."""
        return [GroupElement(self, p) for p in self._testing_params()]

    @abstractmethod
    def order(self) -> int:
        """Number of elements, or -1 for a continuous group."""

    @property
    def elements(self) -> list[GroupElement]:
        raise ValueError(f"{self.name} is continuous: it has no finite list of elements")

    @property
    @abstractmethod
    def generators(self) -> list[GroupElement]:
        """Elements whose commutant equals the group's: true generators for finite groups,
        a few generic elements (topological generators) for continuous ones."""

    # ---------------------------------------------------------------- irreps
    @abstractmethod
    def _normalize_irrep_id(self, id: tuple) -> Hashable:
        """Turn the arguments of ``irrep(*id)`` into the canonical id, or raise ValueError."""

    @abstractmethod
    def _irrep_size(self, id: Hashable) -> int: ...

    @abstractmethod
    def _irrep_matrix(self, id: Hashable, p: Any) -> np.ndarray: ...

    @abstractmethod
    def _irrep_ids(self) -> list:
        """All irreps (finite groups) or those up to the group's maximum frequency."""

    def _irrep_candidates(self) -> Iterator[Hashable]:
        """Every irrep id, in a fixed order (unbounded for continuous groups, which must list them
        by nondecreasing size so that searches can stop)."""
        yield from self._irrep_ids()

    @property
    @abstractmethod
    def _trivial_irrep_id(self) -> Hashable: ...

    def irrep(self, *id) -> "IrreducibleRepresentation":
        """The irreducible representation with identifier ``id`` (see the group's documentation)."""
        key = self._normalize_irrep_id(id)
        irrep = self._irrep_cache.get(key)
        if irrep is None:
            irrep = IrreducibleRepresentation(self, key)
            self._irrep_cache[key] = irrep
        return irrep

    def irreps(self) -> list["IrreducibleRepresentation"]:
        return [self.irrep(*_as_args(i)) for i in self._irrep_ids()]

    @property
    def trivial_representation(self) -> "IrreducibleRepresentation":
        return self.irrep(*_as_args(self._trivial_irrep_id))

    @property
    def regular_representation(self) -> "Representation":
        raise ValueError(
            f"{self.name} is continuous: it has no (finite-dimensional) regular representation; "
            "use a finite subgroup or band-limited irreps"
        )

    def quotient_representation(self, subgroup_id) -> "Representation":
        raise ValueError(f"{self.name} is continuous: quotient representations need a finite group")

    def induced_representation(self, subgroup_id, representation) -> "Representation":
        raise ValueError(f"{self.name} is continuous: induced representations need a finite group")

    # ---------------------------------------------------------------- tensor products
    @abstractmethod
    def _tensor_candidates(self, id1: Hashable, id2: Hashable) -> list:
        """Irrep ids that may occur in irrep(id1) (x) irrep(id2), in output order."""

    def _clebsch_gordan(self, id1: Hashable, id2: Hashable, id3: Hashable) -> np.ndarray:
        """``[m, d1, d2, d3]``: m orthonormal embeddings of irrep id3 into id1 (x) id2."""
        return numerical_clebsch_gordan(self, id1, id2, id3)

    def _tensor_product(self, rho1: Representation, rho2: Representation) -> Representation:
        """``rho1.tensor(rho2)``: the tensor product decomposed into irreps (cached)."""
        return tensor_product(rho1, rho2)

    # ---------------------------------------------------------------- subgroups
    def restrict_representation(self, id, representation: Representation) -> Representation:
        """``representation`` restricted to the subgroup ``id`` (see :meth:`subgroup`), in the
        subgroup's irreps (escnn's ``Group.restrict_representation``)."""
        if representation.group is not self:
            raise ValueError(f"{self.name} cannot restrict a representation of {representation.group.name}")
        return restrict_representation(representation, id)

    @abstractmethod
    def _build_subgroup(self, id: Hashable) -> "Group":
        """The subgroup with this (canonical) id, or raise ValueError listing the valid ids."""

    def _normalize_subgroup_id(self, id: Any) -> Hashable:
        return id

    @abstractmethod
    def _include(self, subgroup_id: Hashable, p: Any) -> Any: ...

    @abstractmethod
    def _restrict(self, subgroup_id: Hashable, p: Any) -> Any | None: ...

    def subgroup(self, id) -> tuple["Group", SubgroupMap, SubgroupMap]:
        """``(H, inclusion, restriction)``: the subgroup H with identifier ``id``, the map H -> G
        and the map G -> H (returning None for elements outside H)."""
        key = self._normalize_subgroup_id(id)
        try:
            hash(key)
        except TypeError:
            raise ValueError(f"subgroup id of {self.name} must be hashable, got {id!r}") from None
        entry = self._subgroup_cache.get(key)
        if entry is None:
            entry = (self._build_subgroup(key), SubgroupMap(self, key, "include"), SubgroupMap(self, key, "restrict"))
            self._subgroup_cache[key] = entry
        return entry

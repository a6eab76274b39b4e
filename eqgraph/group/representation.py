"""Real orthogonal representations stored as irreps plus a change of basis."""
from __future__ import annotations

from typing import TYPE_CHECKING, Hashable, Iterable, Sequence

import numpy as np

from ._ids import as_args as _as_args, id_str as _id_str
from ._linalg import block_diagonal, is_orthogonal
from .element import GroupElement
from .intertwiners import homomorphism_basis, irrep_endomorphism_basis

if TYPE_CHECKING:
    from .group import Group

POINTWISE = "pointwise"
NORM = "norm"
GATED = "gated"
GATE = "gate"
CONCATENATED = "concatenated"

IRREP_TYPES = {1: "real", 2: "complex", 4: "quaternionic"}


class Representation:
    r"""A real representation :math:`\rho` of a compact group, stored in decomposed form

    .. math::
        \rho(g) = Q \left[\psi_1(g) \oplus \dots \oplus \psi_k(g)\right] Q^{-1}

    where the :math:`\psi_i` are irreps of the group (``irreps`` holds their ids) and ``Q`` is
    ``change_of_basis``. Heavy computations (intertwiners, kernels, norms) are solved per irrep
    and lifted through ``Q``.

    Args:
        group: the group.
        name: a label for printing; it never identifies the representation (equality compares
            the group, the irreps and the change of basis).
        irreps: irrep ids of ``group``, in block order.
        change_of_basis: ``[size, size]`` invertible matrix (identity if omitted).
        supported_nonlinearities: names of the nonlinearities that act equivariantly on it
            (``"pointwise"`` for permutation representations, ``"norm"``, ``"gated"``, ...).
        change_of_basis_inv: the inverse of ``change_of_basis`` if already known.
    """

    def __init__(
        self,
        group: "Group",
        name: str,
        irreps: Sequence[Hashable],
        change_of_basis: np.ndarray | None = None,
        supported_nonlinearities: Iterable[str] = (),
        change_of_basis_inv: np.ndarray | None = None,
    ):
        if not callable(getattr(group, "irrep", None)) or not callable(getattr(group, "subgroup", None)):
            raise TypeError(f"group must be an eqgraph Group, got {type(group).__name__}")
        if len(irreps) == 0:
            raise ValueError("a representation needs at least one irrep")
        self.group = group
        self.name = name
        self.irreps = tuple(group.irrep(*_as_args(i)).id for i in irreps)
        self.size = sum(group._irrep_size(i) for i in self.irreps)
        if change_of_basis is None:
            change_of_basis = np.eye(self.size)
            change_of_basis_inv = change_of_basis
        change_of_basis = np.asarray(change_of_basis, dtype=np.float64)
        if change_of_basis.shape != (self.size, self.size):
            raise ValueError(
                f"change_of_basis must be {self.size} x {self.size} for irreps {list(self.irreps)}, "
                f"got shape {change_of_basis.shape}"
            )
        if change_of_basis_inv is None:
            if is_orthogonal(change_of_basis):
                change_of_basis_inv = change_of_basis.T
            else:
                if np.linalg.cond(change_of_basis) > 1e12:
                    raise ValueError("change_of_basis is singular")
                change_of_basis_inv = np.linalg.inv(change_of_basis)
        self.change_of_basis = _readonly(change_of_basis)
        self.change_of_basis_inv = _readonly(np.asarray(change_of_basis_inv, dtype=np.float64))
        self._identity_basis = bool(np.array_equal(change_of_basis, np.eye(self.size)))
        self.supported_nonlinearities = frozenset(supported_nonlinearities)

    # ------------------------------------------------------------------ evaluation
    def __call__(self, element: GroupElement) -> np.ndarray:
        """The ``[size, size]`` matrix of ``element``."""
        self._check_element(element)
        blocks: dict = {}
        for i in self.irreps:
            if i not in blocks:
                blocks[i] = self.group._irrep_matrix(i, element.param)
        diagonal = block_diagonal([blocks[i] for i in self.irreps])
        if self._identity_basis:
            return diagonal
        return self.change_of_basis @ diagonal @ self.change_of_basis_inv

    def character(self, element: GroupElement) -> float:
        self._check_element(element)
        return float(sum(np.trace(self.group._irrep_matrix(i, element.param)) for i in self.irreps))

    def _check_element(self, element) -> None:
        if not isinstance(element, GroupElement):
            raise TypeError(f"expected a GroupElement of {self.group.name}, got {type(element).__name__}")
        if element.group is not self.group:
            raise ValueError(
                f"representation {self.name!r} is of {self.group.name}, got an element of {element.group.name}"
            )

    # ------------------------------------------------------------------ properties
    def is_trivial(self) -> bool:
        """True when every element acts as the identity."""
        return all(i == self.group._trivial_irrep_id for i in self.irreps)

    def endomorphism_basis(self) -> np.ndarray:
        """``[e, size, size]``: a basis of the linear maps commuting with the representation."""
        return homomorphism_basis(self, self)

    def multiplicity(self, irrep_id) -> int:
        """How many times the irrep with this id occurs."""
        key = self.group.irrep(*_as_args(irrep_id)).id
        return sum(1 for i in self.irreps if i == key)

    # ------------------------------------------------------------------ builders
    def __add__(self, other: "Representation") -> "Representation":
        return directsum([self, other])

    def tensor(self, other: "Representation") -> "Representation":
        """The tensor product, decomposed into irreps through Clebsch-Gordan coefficients."""
        return self.group._tensor_product(self, other)

    def restrict(self, subgroup_id) -> "Representation":
        """The restriction to the subgroup ``subgroup_id`` (see ``group.subgroup``), in its irreps."""
        return self.group.restrict_representation(subgroup_id, self)

    # ------------------------------------------------------------------ value semantics
    def __eq__(self, other) -> bool:
        if self is other:
            return True
        if not isinstance(other, Representation):
            return False
        return (
            other.group is self.group
            and other.irreps == self.irreps
            and np.allclose(other.change_of_basis, self.change_of_basis, atol=1e-9)
        )

    def __hash__(self) -> int:
        return hash((self.group, self.irreps))

    def __repr__(self) -> str:
        return f"{self.group.name}|[{self.name}]:{self.size}"


class IrreducibleRepresentation(Representation):
    """An irrep of a group, obtained with ``group.irrep(*id)``.

    ``type`` is ``"real"``, ``"complex"`` or ``"quaternionic"``: the dimension (1, 2 or 4) of
    its algebra of endomorphisms, given by ``endomorphism_basis()``.
    """

    def __init__(self, group: "Group", id: Hashable):
        self.id = id
        self.group = group
        size = group._irrep_size(id)
        self.name = f"irrep_{_id_str(id)}"
        self.irreps = (id,)
        self.size = size
        eye = _readonly(np.eye(size))
        self.change_of_basis = eye
        self.change_of_basis_inv = eye
        self._identity_basis = True
        trivial = id == group._trivial_irrep_id
        self.supported_nonlinearities = frozenset(
            {NORM, GATED, CONCATENATED} | ({POINTWISE, GATE} if trivial else set())
        )

    def __call__(self, element: GroupElement) -> np.ndarray:
        self._check_element(element)
        return self.group._irrep_matrix(self.id, element.param)

    def endomorphism_basis(self) -> np.ndarray:
        """``[e, d, d]``: identity first, then orthogonal skew maps (complex or quaternionic type)."""
        return irrep_endomorphism_basis(self)

    @property
    def sum_of_squares_constituents(self) -> int:
        """escnn's name for the endomorphism dimension: 1 (real), 2 (complex), 4 (quaternionic)."""
        return self.endomorphism_basis().shape[0]

    @property
    def type(self) -> str:
        return IRREP_TYPES[self.sum_of_squares_constituents]

    def __reduce__(self):
        return (_lookup_irrep, (self.group, self.id))


class InducedRepresentation(Representation):
    r"""A representation induced from a subgroup, :math:`\mathrm{Ind}_H^G \sigma`, whose channels
    are ``len(cosets)`` consecutive blocks of ``inducing.size`` channels that the group permutes
    (acting by :math:`\sigma` inside them): what induced norm layers need to know.

    Args:
        subgroup_id: H's id in the group.
        inducing: the representation :math:`\sigma` of H.
        Other arguments as :class:`Representation`.
    """

    def __init__(self, group, name, irreps, change_of_basis, supported_nonlinearities, change_of_basis_inv,
                 subgroup_id, inducing: Representation):
        super().__init__(group, name, irreps, change_of_basis, supported_nonlinearities, change_of_basis_inv)
        self.subgroup_id = subgroup_id
        self.inducing = inducing

    @property
    def block_size(self) -> int:
        return self.inducing.size


def _lookup_irrep(group: "Group", id: Hashable) -> IrreducibleRepresentation:
    return group.irrep(*_as_args(id))


def directsum(representations: Sequence[Representation], name: str | None = None) -> Representation:
    """The direct sum of representations of one group: irreps concatenated, block-diagonal basis."""
    representations = list(representations)
    if not representations:
        raise ValueError("directsum needs at least one representation")
    for r in representations:
        if not isinstance(r, Representation):
            raise TypeError(f"directsum takes Representations, got {type(r).__name__}")
    group = representations[0].group
    for r in representations[1:]:
        if r.group is not group:
            raise ValueError(f"cannot sum representations of different groups: {group.name} and {r.group.name}")
    if len(representations) == 1:
        return representations[0]
    irreps = [i for r in representations for i in r.irreps]
    if all(r._identity_basis for r in representations):
        q = q_inv = None
    else:
        q = block_diagonal([r.change_of_basis for r in representations])
        q_inv = block_diagonal([r.change_of_basis_inv for r in representations])
    supported = frozenset.intersection(*(r.supported_nonlinearities for r in representations))
    if name is None:
        name = "+".join(r.name for r in representations) if len(representations) <= 4 else f"directsum[{len(representations)}]"
    return Representation(group, name, irreps, q, supported, q_inv)


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a

"""A group acting on Euclidean space."""
from __future__ import annotations

import numpy as np

from ..fields import FieldType
from ..group import Group, GroupElement, Representation
from ..kernels import build_kernel_basis
from ..kernels.bandlimit import UniformBandLimit


class GSpace:
    r"""A compact group G (the *fiber group*) acting linearly on :math:`\mathbb{R}^d`.

    Feature fields on :math:`\mathbb{R}^d` (or on points of it) transform under
    :math:`g \in G` by moving every point x to :math:`g.x` = ``basespace_action(g) @ x`` and
    acting on every feature vector by the field's representation.

    Args:
        fibergroup: the group.
        dimensionality: d, 2 or 3.
        basespace_action: the d-dimensional representation of G giving its action on R^d.
        name: a label for printing.
    """

    def __init__(self, fibergroup: Group, dimensionality: int, basespace_action: Representation, name: str):
        if basespace_action.group is not fibergroup or basespace_action.size != dimensionality:
            raise ValueError(
                f"basespace_action must be a {dimensionality}-dimensional representation of {fibergroup.name}, "
                f"got a {basespace_action.size}-dimensional one of {basespace_action.group.name}"
            )
        self.fibergroup = fibergroup
        self.dimensionality = dimensionality
        self.basespace_action = basespace_action
        self.name = name

    # ------------------------------------------------------------------ representations
    @property
    def trivial_repr(self) -> Representation:
        return self.fibergroup.trivial_representation

    @property
    def regular_repr(self) -> Representation:
        return self.fibergroup.regular_representation

    def quotient_repr(self, subgroup_id) -> Representation:
        return self.fibergroup.quotient_representation(subgroup_id)

    def induced_repr(self, subgroup_id, representation: Representation) -> Representation:
        return self.fibergroup.induced_representation(subgroup_id, representation)

    def irrep(self, *id) -> Representation:
        return self.fibergroup.irrep(*id)

    @property
    def irreps(self) -> list[Representation]:
        return self.fibergroup.irreps()

    def type(self, *representations: Representation) -> "FieldType":
        """The FieldType of these representations on this space (escnn's ``gspace.type``)."""
        return FieldType(self, list(representations))

    # ------------------------------------------------------------------ kernels
    def build_kernel_basis(self, in_repr: Representation, out_repr: Representation, sigma=None, rings=None, **kwargs):
        """A basis of kernels K with K(g.x) = out_repr(g) K(x) in_repr(g)^-1 on this space, with
        escnn's signature and meaning: on Gaussian ``rings``, ``maximum_frequency=L`` is the band
        limit of every ring, the centre included (the basis sizes equal escnn's). Without it, the
        per-ring rule of ``R2Conv``/``R3Conv`` applies (about 2r, 0 at the centre, 2 on the outer ring).

        Keyword arguments (see :func:`eqgraph.kernels.build_kernel_basis`): ``maximum_frequency``,
        ``frequencies_cutoff``, ``basis_filter``, ``radial``, ``allow_empty``.
        """
        limit = kwargs.get("maximum_frequency")
        if rings is not None and limit is not None and kwargs.get("frequencies_cutoff") is None:
            kwargs["frequencies_cutoff"] = UniformBandLimit(int(limit))
        return build_kernel_basis(self.fibergroup, self.basespace_action, in_repr, out_repr, rings=rings, sigma=sigma,
                                  **kwargs)

    @property
    def testing_elements(self):
        """Elements to test equivariance with (escnn's name): every element of a finite group, a
        fixed sample of a continuous one."""
        return self.fibergroup.testing_elements()

    # ------------------------------------------------------------------ action
    def action_matrix(self, element: GroupElement) -> np.ndarray:
        """``[d, d]`` matrix of the element acting on R^d."""
        return self.basespace_action(element)

    def restrict(self, id) -> tuple["GSpace", object, object]:
        """``(subspace, inclusion, restriction)`` for the subgroup ``id`` of the fiber group
        (see ``fibergroup.subgroup``), acting on the same R^d."""
        sub, include, restrict = self.fibergroup.subgroup(id)
        action = self.basespace_action.restrict(id)
        return GSpace(sub, self.dimensionality, action, f"{sub.name}_on_R{self.dimensionality}"), include, restrict

    # ------------------------------------------------------------------ value semantics
    def __eq__(self, other) -> bool:
        return (
            isinstance(other, GSpace)
            and other.fibergroup is self.fibergroup
            and other.dimensionality == self.dimensionality
            and _same_action(other.basespace_action, self.basespace_action)
        )

    def __hash__(self) -> int:
        return hash((self.fibergroup, self.dimensionality))

    def __repr__(self) -> str:
        return self.name


def _same_action(a, b) -> bool:
    """Two actions on R^d are the same when their matrices are: equal representations, or the same
    irreps under changes of basis that differ by a map commuting with them (a restriction of O(2)
    to a dihedral group with a turned reflection axis gives a rotated basis of the same matrices)."""
    if a == b:
        return True
    return a.group is b.group and a.irreps == b.irreps and all(
        np.allclose(a(g), b(g), atol=1e-9) for g in a.group.testing_elements())

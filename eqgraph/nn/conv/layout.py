"""KernelLayout: where each learnable coefficient of a steerable convolution lives."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ...fields import FieldType
from ...group import Representation
from ...kernels import KernelBasis, build_kernel_basis


@dataclass(frozen=True)
class FieldGroup:
    """All fields of a type that share one representation, in type order."""

    representation: Representation
    fields: tuple[int, ...]


@dataclass(frozen=True)
class KernelBlock:
    """The coefficients between the fields of one output group and one input group: a
    ``[len(out fields), len(in fields), len(basis)]`` array stored at ``weights[offset:offset + size]``."""

    out_group: int
    in_group: int
    basis: KernelBasis
    offset: int
    m_out: int
    m_in: int

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.m_out, self.m_in, len(self.basis))

    @property
    def size(self) -> int:
        return self.m_out * self.m_in * len(self.basis)


class KernelLayout:
    r"""The parametrisation shared by grid and graph convolutions from ``in_type`` to ``out_type``.

    Fields are grouped by representation; for every pair of (output, input) representations
    one cached :class:`KernelBasis` is built, and the flat ``weights`` vector holds, pair after
    pair, a ``[m_out, m_in, len(basis)]`` array of coefficients. The kernel is

    .. math::
        K(x) = \sum_{\text{pairs}} \sum_{b} w_{f_{out}, f_{in}, b}\; K_b(x)
        \quad\text{placed in the block of fields } (f_{out}, f_{in}),

    so equal weights give equal kernels on a pixel stencil and on graph edges.

    Args:
        in_type, out_type: field types on the same gspace.
        basis_kwargs: passed to ``gspace.build_kernel_basis`` (rings, sigma, radial, ...).
        basis_factory: builds the basis of a pair of representations ``(in_repr, out_repr)``
            instead (any object with ``len`` and ``sample(points)``, e.g. a
            :class:`~eqgraph.kernels.DiffopBasis`); ``basis_kwargs`` then only describe it in errors.
    """

    def __init__(self, in_type: FieldType, out_type: FieldType, basis_kwargs: dict,
                 basis_factory: Callable[[Representation, Representation], KernelBasis] | None = None):
        check_field_types(in_type, out_type)
        self.in_type, self.out_type = in_type, out_type
        self.in_groups = group_fields(in_type)
        self.out_groups = group_fields(out_type)
        gspace = in_type.gspace
        self.blocks: list[KernelBlock] = []
        offset = 0
        for o, out_group in enumerate(self.out_groups):
            for i, in_group in enumerate(self.in_groups):
                if basis_factory is None:
                    basis = build_kernel_basis(gspace.fibergroup, gspace.basespace_action, in_group.representation,
                                               out_group.representation, allow_empty=True, **basis_kwargs)
                else:
                    basis = basis_factory(in_group.representation, out_group.representation)
                if len(basis) == 0:
                    continue
                block = KernelBlock(o, i, basis, offset, len(out_group.fields), len(in_group.fields))
                self.blocks.append(block)
                offset += block.size
        self.size = offset
        if self.size == 0 and basis_factory is not None:
            raise ValueError(f"no basis element maps {in_type} to {out_type} ({basis_factory!r}): every pair of fields "
                             "is uncoupled at these settings")
        if self.size == 0:
            raise ValueError(
                f"no steerable kernel maps {in_type} to {out_type} with these settings ({_describe(basis_kwargs)}): "
                "every pair of fields is uncoupled or above the band limit; raise maximum_frequency, "
                "frequencies_cutoff or the kernel size"
            )
        self.in_order = grouped_channels(in_type, self.in_groups)
        self.out_order = grouped_channels(out_type, self.out_groups)

    @classmethod
    def intertwiners(cls, in_type: FieldType, out_type: FieldType, module: str) -> "KernelLayout":
        """The layout of a node-wise equivariant linear map (a one-point stencil: the kernel
        basis at the origin spans the intertwiners)."""
        check_field_types(in_type, out_type)
        gspace = in_type.gspace
        if not any(len(build_kernel_basis(gspace.fibergroup, gspace.basespace_action, a, b, allow_empty=True,
                                          **_ONE_POINT))
                   for a in dict.fromkeys(in_type.representations) for b in dict.fromkeys(out_type.representations)):
            raise ValueError(f"{module}: no equivariant linear map from {in_type} to {out_type} except zero: "
                             "no irrep of the output occurs in the input")
        return cls(in_type, out_type, _ONE_POINT)


_ONE_POINT = {"rings": [0.0], "maximum_frequency": 0}


def check_field_types(in_type, out_type) -> None:
    for label, t in (("in_type", in_type), ("out_type", out_type)):
        if not isinstance(t, FieldType):
            raise TypeError(f"{label} must be a FieldType, got {type(t).__name__}")
    if in_type.gspace != out_type.gspace:
        raise ValueError(f"in_type and out_type must live on the same gspace, got {in_type.gspace} and {out_type.gspace}")


def group_fields(field_type: FieldType) -> list[FieldGroup]:
    """The fields grouped by representation, groups in order of first appearance."""
    fields: dict[Representation, list[int]] = {}
    for index, rep in enumerate(field_type.representations):
        fields.setdefault(rep, []).append(index)
    return [FieldGroup(rep, tuple(f)) for rep, f in fields.items()]


def grouped_channels(field_type: FieldType, groups: list[FieldGroup]) -> np.ndarray | None:
    """The channels of ``field_type`` listed group by group; None when that is the identity."""
    order = np.concatenate([field_type.field_channels(g.fields) for g in groups])
    return None if np.array_equal(order, np.arange(field_type.size)) else order


def _describe(basis_kwargs: dict) -> str:
    shown = {k: v for k, v in basis_kwargs.items() if v is not None and k != "basis_filter"}
    return ", ".join(f"{k}={v}" for k, v in shown.items()) or "defaults"

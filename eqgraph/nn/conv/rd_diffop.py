"""The shared machinery of steerable partial differential operators on grids."""
from __future__ import annotations

from typing import Callable, Sequence

from ...fields import FieldType
from ...kernels.diffops import DiffopBasis
from .layout import check_field_types
from .rd_conv import RdConv


class RdDiffop(RdConv):
    r"""Base of :class:`R2Diffop` and :class:`R3Diffop`: a convolution whose filter is a
    learnable combination of discretised steerable differential operators
    (:class:`~eqgraph.kernels.DiffopBasis`). Subclasses set ``dimensionality``."""

    def __init__(
        self,
        in_type: FieldType,
        out_type: FieldType,
        kernel_size: int | None = None,
        accuracy: int | None = None,
        padding: int | Sequence[int] = 0,
        stride: int | Sequence[int] = 1,
        dilation: int = 1,
        padding_mode: str = "zeros",
        groups: int = 1,
        bias: bool = True,
        maximum_order: int | None = None,
        maximum_power: int | None = None,
        basis_filter: Callable[[dict], bool] | None = None,
        initialize: bool = True,
        smoothing: float | None = None,
        recompute: bool = False,
    ):
        kernel_size, maximum_order, accuracy = resolve_stencil(kernel_size, maximum_order, accuracy, type(self).__name__)
        check_field_types(in_type, out_type)
        factory = _DiffopFactory(in_type.gspace, maximum_order, maximum_power, smoothing, basis_filter)
        super().__init__(in_type, out_type, kernel_size, padding=padding, stride=stride, dilation=dilation,
                         padding_mode=padding_mode, groups=groups, bias=bias, recompute=recompute,
                         initialize=initialize, basis_factory=factory)
        self.maximum_order, self.accuracy, self.smoothing = maximum_order, accuracy, smoothing


def resolve_stencil(kernel_size, maximum_order, accuracy, name: str) -> tuple[int, int, int]:
    """``(kernel_size, maximum_order, accuracy)`` from any two of them (``kernel_size =
    maximum_order + accuracy``); from ``kernel_size`` alone with an accuracy of 2, from
    ``maximum_order`` alone with the smallest odd stencil of accuracy at least 2 (an odd stencil
    is centred on a pixel)."""
    for label, value, minimum in (("kernel_size", kernel_size, 1), ("maximum_order", maximum_order, 0),
                                  ("accuracy", accuracy, 1)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < minimum):
            raise ValueError(f"{name}: {label} must be an integer >= {minimum}, got {value!r}")
    given = sum(v is not None for v in (kernel_size, maximum_order, accuracy))
    if kernel_size is None and maximum_order is None:
        raise ValueError(f"{name} needs kernel_size or maximum_order (or both)")
    if given == 1:
        accuracy = min(2, kernel_size) if kernel_size is not None else 3 - maximum_order % 2
    if kernel_size is None:
        kernel_size = maximum_order + accuracy
    elif maximum_order is None:
        maximum_order = kernel_size - accuracy
    elif accuracy is None:
        accuracy = kernel_size - maximum_order
    if maximum_order < 0 or accuracy < 1 or kernel_size != maximum_order + accuracy:
        raise ValueError(f"{name}: kernel_size = maximum_order + accuracy with accuracy >= 1 (a stencil of k points "
                         f"per axis resolves derivatives up to order k - 1); got kernel_size={kernel_size}, "
                         f"maximum_order={maximum_order}, accuracy={accuracy}")
    return kernel_size, maximum_order, accuracy


class _DiffopFactory:
    """Builds the operators' basis for each pair of representations of a layer."""

    def __init__(self, gspace, maximum_order, maximum_power, smoothing, basis_filter):
        self.gspace, self.maximum_order = gspace, maximum_order
        self.maximum_power, self.smoothing, self.basis_filter = maximum_power, smoothing, basis_filter

    def __call__(self, in_repr, out_repr) -> DiffopBasis:
        return DiffopBasis(self.gspace.fibergroup, self.gspace.basespace_action, in_repr, out_repr, self.maximum_order,
                           self.maximum_power, self.smoothing, basis_filter=self.basis_filter)

    def __repr__(self) -> str:
        return f"differential operators of order <= {self.maximum_order}, maximum_power={self.maximum_power}"

"""The shared machinery of steerable convolutions on pixel and voxel grids."""
from __future__ import annotations

from typing import Callable, Sequence

import torch
import torch.nn.functional as F

from ...fields import FieldType, GeometricTensor
from ...kernels.bandlimit import grid_rings
from ..constant_buffers import ConstantBuffers
from ..equivariant_module import EquivariantModule
from ..init import generalized_he_init
from ..trivial_bias import trivial_bias_expansion
from .fast_conv2d import fast_conv2d
from .layout import KernelLayout, check_field_types
from .stencil_expansion import StencilExpansion, concatenate

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class RdConv(ConstantBuffers, EquivariantModule):
    r"""Base of :class:`R2Conv`, :class:`R3Conv` and their transposed forms: a steerable filter
    expanded from the learnable coefficients ``weights`` and applied with ``torch.nn.functional``.

    Subclasses set ``dimensionality`` and ``transposed``; ``basis_factory`` replaces the
    Gaussian-ring kernel basis by another one per pair of representations (the steerable
    differential operators of :class:`R2Diffop`).
    """

    dimensionality: int
    transposed: bool = False

    def __init__(
        self,
        in_type: FieldType,
        out_type: FieldType,
        kernel_size: int,
        padding: int | Sequence[int] = 0,
        stride: int | Sequence[int] = 1,
        dilation: int = 1,
        padding_mode: str = "zeros",
        groups: int = 1,
        bias: bool = True,
        sigma: float | Sequence[float] | None = None,
        frequencies_cutoff: float | Callable[[float], float] | None = None,
        rings: Sequence[float] | None = None,
        *,  # escnn's positions end here (its next slot is maximum_offset): the rest by name only
        maximum_frequency: int | None = None,
        basis_filter: Callable[[dict], bool] | None = None,
        recompute: bool = False,
        initialize: bool = True,
        output_padding: int | Sequence[int] = 0,
        basis_factory: Callable | None = None,
    ):
        super().__init__()
        name = type(self).__name__
        d = self.dimensionality
        check_field_types(in_type, out_type)
        if in_type.gspace.dimensionality != d:
            raise ValueError(f"{name} works on R^{d}, but the field types live on {in_type.gspace.name} "
                             f"(R^{in_type.gspace.dimensionality})")
        self.in_type, self.out_type = in_type, out_type
        self.kernel_size = _positive_int(kernel_size, "kernel_size", name)
        self.dilation = _positive_int(dilation, "dilation", name)
        self.stride = _int_tuple(stride, d, "stride", name, minimum=1)
        self.padding = _int_tuple(padding, d, "padding", name, minimum=0)
        self.output_padding = _int_tuple(output_padding, d, "output_padding", name, minimum=0)
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {PADDING_MODES}, got {padding_mode!r}")
        self.padding_mode = padding_mode
        self.groups = _positive_int(groups, "groups", name)
        in_group, out_group = _group_type(in_type, self.groups, "in_type", name), _group_type(out_type, self.groups, "out_type", name)
        basis_kwargs = dict(
            rings=list(rings) if rings is not None else grid_rings(self.kernel_size, self.dilation),
            sigma=sigma, maximum_frequency=maximum_frequency, frequencies_cutoff=frequencies_cutoff,
            basis_filter=basis_filter,
        )
        self.layout = KernelLayout(in_group, out_group, basis_kwargs, basis_factory)
        self.basisexpansion = StencilExpansion(self.layout, self.kernel_size, self.dilation, recompute)
        self.weights = torch.nn.Parameter(torch.zeros(self.groups * self.layout.size))
        expansion = trivial_bias_expansion(out_type) if bias else None
        self.register_constant("bias_expansion", expansion)
        self.bias = None if expansion is None else torch.nn.Parameter(torch.zeros(expansion.shape[1]))
        self._cached_parameters: tuple | None = None
        if initialize:
            with torch.no_grad():
                generalized_he_init(self.weights.data.view(self.groups, -1), self.basisexpansion)

    # ------------------------------------------------------------------ parameters
    def expand_parameters(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        """``(filter, bias)``: the dense filter ``[c_out, c_in / groups, k, ...]`` (for transposed
        convolutions, in ``conv_transpose``'s layout ``[c_in, c_out / groups, k, ...]``) and the
        bias ``[c_out]`` (None without bias)."""
        weights = self.weights.view(self.groups, -1)
        filter = concatenate([self.basisexpansion(w) for w in weights.unbind(0)], dim=0)
        if self.transposed:
            filter = _as_transposed_filter(filter, self.groups)
        bias = None if self.bias is None else self.bias_expansion @ self.bias
        return filter, bias

    def _parameters_for_forward(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        """In eval mode, when no gradient can reach the weights, the expanded filter is reused
        until the weights change (the cache is not part of the state_dict)."""
        needs_graph = torch.is_grad_enabled() and self.weights.requires_grad
        if self.training or needs_graph or torch.compiler.is_compiling():
            return self.expand_parameters()
        key = (self.weights._version, self.weights.data_ptr(), self.weights.dtype,
               None if self.bias is None else (self.bias._version, self.bias.data_ptr()))
        if self._cached_parameters is None or self._cached_parameters[0] != key:
            with torch.no_grad():
                self._cached_parameters = (key, self.expand_parameters())
        return self._cached_parameters[1]

    def train(self, mode: bool = True):
        self._cached_parameters = None
        return super().train(mode)

    def __getstate__(self):
        state = dict(super().__getstate__())
        state["_cached_parameters"] = None
        return state

    # ------------------------------------------------------------------ forward
    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        if not input.is_grid:
            raise ValueError(f"{type(self).__name__} takes a grid tensor [B, C] + {self.dimensionality} spatial axes, "
                             f"got node features of shape {tuple(input.shape)}; use "
                             f"R{self.dimensionality}PointConv for graphs and point clouds")
        spatial = self.evaluate_output_shape(tuple(input.shape))[2:]
        if min(spatial) < 1 or min(input.shape[2:]) < 1:
            raise ValueError(f"{type(self).__name__}: a grid of spatial size {tuple(input.shape[2:])} is too small for "
                             f"kernel {self.kernel_size} with padding {tuple(self.padding)}, dilation {self.dilation} "
                             f"and stride {tuple(self.stride)} (output size {tuple(spatial)})")
        filter, bias = self._parameters_for_forward()
        return GeometricTensor(self._convolve(input.tensor, filter, bias), self.out_type)

    def _convolve(self, x: torch.Tensor, filter: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        d = self.dimensionality
        if self.transposed:
            conv_t = F.conv_transpose2d if d == 2 else F.conv_transpose3d
            return conv_t(x, filter, bias, self.stride, self.padding, self.output_padding, self.groups, self.dilation)
        conv = fast_conv2d if d == 2 else F.conv3d
        padding = self.padding
        if self.padding_mode != "zeros":
            x = F.pad(x, [p for p in reversed(self.padding) for _ in range(2)], mode=self.padding_mode)
            padding = 0
        return conv(x, filter, bias, self.stride, padding, self.dilation, self.groups)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        if len(input_shape) != 2 + self.dimensionality or input_shape[1] != self.in_type.size:
            raise ValueError(f"expected an input shape (B, {self.in_type.size}) + {self.dimensionality} spatial sizes, "
                             f"got {tuple(input_shape)}")
        spatial = []
        for n, s, p, op in zip(input_shape[2:], self.stride, self.padding, self.output_padding):
            span = self.dilation * (self.kernel_size - 1)
            spatial.append((n - 1) * s - 2 * p + span + op + 1 if self.transposed else (n + 2 * p - span - 1) // s + 1)
        return (input_shape[0], self.out_type.size, *spatial)

    # ------------------------------------------------------------------ export
    def check_inputs(self, dtype: torch.dtype) -> tuple:
        """A random grid whose size keeps the sampling centred under this layer's stride, padding
        and dilation, and the grid's own symmetries (exact on pixels and voxels)."""
        from ...testing import grid_symmetries, random_input

        reach = [2 * p - self.dilation * (self.kernel_size - 1) - 1 for p in self.padding]
        size = next(n for n in range(7, 7 + 4 * max(self.stride) * 4)
                    if all((n + r) % s == 0 for r, s in zip(reach, self.stride)))
        spatial = (size,) * self.in_type.gspace.dimensionality
        return random_input(self.in_type, spatial_shape=spatial, batch=2, dtype=dtype), (), grid_symmetries(
            self.in_type.gspace)

    def export(self) -> torch.nn.Module:
        """A plain ``torch.nn.Conv{d}d`` (or ``ConvTranspose{d}d``) holding the expanded filter."""
        filter, bias = self.expand_parameters()
        d = self.dimensionality
        common = dict(kernel_size=self.kernel_size, stride=self.stride, padding=self.padding, dilation=self.dilation,
                      groups=self.groups, bias=bias is not None, dtype=filter.dtype, device=filter.device)
        if self.transposed:
            cls = torch.nn.ConvTranspose2d if d == 2 else torch.nn.ConvTranspose3d
            module = cls(self.in_type.size, self.out_type.size, output_padding=self.output_padding, **common)
        else:
            cls = torch.nn.Conv2d if d == 2 else torch.nn.Conv3d
            module = cls(self.in_type.size, self.out_type.size, padding_mode=self.padding_mode, **common)
        with torch.no_grad():
            module.weight.copy_(filter)
            if bias is not None:
                module.bias.copy_(bias)
        return module.train(self.training)

    def extra_repr(self) -> str:
        return (f"{self.in_type} -> {self.out_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, groups={self.groups}, weights={self.weights.numel()}")


class RdConvTransposed(RdConv):
    """Base of the transposed convolutions, with escnn's positional order (``output_padding``
    fifth, no ``padding_mode``)."""

    transposed = True

    def __init__(
        self,
        in_type: FieldType,
        out_type: FieldType,
        kernel_size: int,
        padding: int | Sequence[int] = 0,
        output_padding: int | Sequence[int] = 0,
        stride: int | Sequence[int] = 1,
        dilation: int = 1,
        groups: int = 1,
        bias: bool = True,
        sigma: float | Sequence[float] | None = None,
        frequencies_cutoff: float | Callable[[float], float] | None = None,
        rings: Sequence[float] | None = None,
        *,
        maximum_frequency: int | None = None,
        recompute: bool = False,
        basis_filter: Callable[[dict], bool] | None = None,
        initialize: bool = True,
    ):
        super().__init__(in_type, out_type, kernel_size, padding, stride, dilation, "zeros", groups, bias, sigma,
                         frequencies_cutoff, rings, maximum_frequency=maximum_frequency, basis_filter=basis_filter,
                         recompute=recompute, initialize=initialize, output_padding=output_padding)


def _as_transposed_filter(filter: torch.Tensor, groups: int) -> torch.Tensor:
    """A kernel K (``[c_out, c_in / g, k...]``) as ``conv_transpose``'s filter ``[c_in, c_out / g, k...]``
    with the stencil reversed, so that the transposed convolution correlates with K itself."""
    c_out, c_in_g = filter.shape[:2]
    spatial = tuple(range(2, filter.dim()))
    grouped = filter.view(groups, c_out // groups, c_in_g, *filter.shape[2:]).transpose(1, 2)
    return grouped.reshape(groups * c_in_g, c_out // groups, *filter.shape[2:]).flip(spatial)


def _group_type(field_type: FieldType, groups: int, label: str, name: str) -> FieldType:
    """The type of one of ``groups`` identical consecutive slices of ``field_type``."""
    n = len(field_type)
    if n % groups:
        raise ValueError(f"{name}: {label} has {n} fields, which do not split into groups={groups}")
    size = n // groups
    first = field_type.representations[:size]
    for g in range(1, groups):
        if field_type.representations[g * size:(g + 1) * size] != first:
            raise ValueError(f"{name}: with groups={groups}, {label} must repeat the same {size} fields {groups} times")
    return field_type.index_select(range(size))


def _positive_int(value, label: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}: {label} must be a positive integer, got {value!r}")
    return value


def _int_tuple(value, d: int, label: str, name: str, minimum: int) -> tuple[int, ...]:
    values = (value,) * d if isinstance(value, int) and not isinstance(value, bool) else tuple(value)
    if len(values) != d or any(isinstance(v, bool) or not isinstance(v, int) or v < minimum for v in values):
        raise ValueError(f"{name}: {label} must be an integer >= {minimum} or {d} of them, got {value!r}")
    return values

"""The shared machinery of channel-wise pooling over pixels and voxels."""
from __future__ import annotations

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule


class SpatialPool(EquivariantModule):
    """Base of the pointwise pools: a ``torch.nn.functional`` pooling applied to a grid tensor,
    chosen by the gspace's dimension. Subclasses set ``functions`` (2D, 3D) and ``modules``."""

    functions: tuple
    modules: tuple

    def __init__(self, in_type: FieldType, **options):
        super().__init__()
        self.in_type = self.out_type = in_type
        self.dimensionality = in_type.gspace.dimensionality
        check_pool_options(type(self).__name__, options)
        self.options = options

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        self.check_grid(input, "pools pixels or voxels")
        if "kernel_size" in self.options:
            check_pooled_size(self, tuple(input.shape[2:]), self.options)
        return GeometricTensor(self.pool_tensor(input.tensor), self.out_type)

    def pool_tensor(self, x):
        """The pooling of the grid tensor ``x`` ``[B, C, *S]``."""
        return self.functions[self.dimensionality - 2](x, **self.options)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        import torch

        return tuple(self.forward(GeometricTensor(torch.zeros(input_shape), self.in_type)).shape)

    def export(self):
        return self.modules[self.dimensionality - 2](**self.options)

    def extra_repr(self) -> str:
        return f"{self.in_type}, " + ", ".join(f"{k}={v}" for k, v in self.options.items())


def per_axis(value, d: int, default=None) -> tuple:
    """A pooling option (an integer, a sequence of them, or None for ``default``) as one value per axis."""
    value = default if value is None else value
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * d


def check_pooled_size(module, spatial: tuple, options: dict) -> None:
    """Raise a clear error when pooling a grid of size ``spatial`` with ``options`` (torch's
    ``kernel_size``, ``stride``, ``padding``, ``dilation``, ``ceil_mode``) would leave no output, or
    pads more than half the window."""
    axes = len(spatial)
    kernel = per_axis(options["kernel_size"], axes)
    stride, padding = per_axis(options.get("stride"), axes, kernel), per_axis(options.get("padding"), axes, 0)
    dilation = per_axis(options.get("dilation"), axes, 1)
    out = []
    for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise ValueError(f"{type(module).__name__}: padding {p} is more than half the window {k} (dilation {d})")
        span = n + 2 * p - d * (k - 1) - 1 + (s - 1 if options.get("ceil_mode") else 0)
        out.append(span // s + 1 if span >= 0 else 0)
    if min(out) < 1:
        raise ValueError(f"{type(module).__name__}: a grid of spatial size {spatial} is too small for the window "
                         f"{kernel} with padding {padding} and stride {stride}")


def check_pool_options(name: str, options: dict) -> None:
    """Kernel, stride, dilation and output size positive integers (or tuples of them), padding non-negative."""
    for key, low in (("kernel_size", 1), ("stride", 1), ("padding", 0), ("dilation", 1), ("output_size", 1)):
        value = options.get(key)
        if value is None or key not in options:
            continue
        values = tuple(value) if isinstance(value, (tuple, list)) else (value,)
        if not values or any(not isinstance(v, int) or isinstance(v, bool) or v < low for v in values):
            raise ValueError(f"{name}: {key} must be {'a positive' if low else 'a non-negative'} integer (or a tuple "
                             f"of them), got {value!r}")

from __future__ import annotations

import torch
import torch.nn.functional as F

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule

MODES = {2: ("bilinear", "nearest"), 3: ("trilinear", "nearest")}


class Upsampling(EquivariantModule):
    r"""Interpolation of a grid tensor (``torch.nn.functional.interpolate``), linear in the
    features and so equivariant for any representation; exactly so under the grid's symmetries
    with ``scale_factor`` (both axes alike) and the (bi/tri)linear mode. ``R2Upsampling`` and
    ``R3Upsampling`` are its names for 2D and 3D gspaces.

    Args:
        in_type: the input (and output) type.
        scale_factor: spatial multiplier (preferred: it scales every axis alike).
        size: the output's spatial size instead.
        mode: ``"bilinear"``/``"trilinear"`` (default) or ``"nearest"``.
        align_corners: as ``torch.nn.functional.interpolate``.

    Shapes:
        - **input:** :math:`(B, C, *S)`
        - **output:** :math:`(B, C, *S')`
    """

    def __init__(self, in_type: FieldType, scale_factor=None, size=None, mode: str | None = None,
                 align_corners: bool = False):
        super().__init__()
        d = in_type.gspace.dimensionality
        mode = MODES[d][0] if mode is None else mode
        if mode not in MODES[d]:
            raise ValueError(f"{type(self).__name__}: mode must be one of {MODES[d]} on R^{d}, got {mode!r}")
        if (scale_factor is None) == (size is None):
            raise ValueError(f"{type(self).__name__}: give exactly one of scale_factor and size")
        given = scale_factor if size is None else size
        values = tuple(given) if isinstance(given, (tuple, list)) else (given,)
        if not values or any(isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < float("inf")
                             for v in values):
            raise ValueError(f"{type(self).__name__}: {'scale_factor' if size is None else 'size'} must be positive "
                             f"(a number or one per axis), got {given!r}")
        self.in_type = self.out_type = in_type
        self.options = dict(scale_factor=scale_factor, size=size, mode=mode,
                            align_corners=None if mode == "nearest" else align_corners)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        self.check_grid(input, "interpolates grids")
        return GeometricTensor(F.interpolate(input.tensor, **self.options), self.out_type)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(self.forward(GeometricTensor(torch.zeros(input_shape), self.in_type)).shape)

    def export(self) -> torch.nn.Module:
        return torch.nn.Upsample(**self.options)


R2Upsampling = Upsampling
R3Upsampling = Upsampling

"""ConvBlock: a grid-or-graph convolution, a batch norm and a nonlinearity."""
from __future__ import annotations

import torch

from ..fields import FieldType, GeometricTensor
from ..nn import EquivariantModule
from .feature_fields import FeatureFields
from .grid_graph_blur import GridGraphBlur
from .grid_graph_conv import GridGraphConv


class ConvBlock(EquivariantModule):
    r""":math:`y = \sigma(\mathrm{BN}(K * x))` with :class:`GridGraphConv` (bias-free: the
    norm's bias replaces it) and the norm and nonlinearity that go with ``fields``; with
    ``blur``, :math:`y = \sigma(\mathrm{BN}(K * G_\sigma * x))` (:class:`GridGraphBlur`).

    Args:
        in_type, out_type: field types; ``out_type`` must be ``fields.type(n)``.
        kernel_size: odd stencil size.
        fields: the :class:`FeatureFields` recipe.
        activation: apply the nonlinearity (False ends a residual branch).
        kernel_frequency: the kernels' band limit (see :class:`GridGraphConv`).
        blur: the standard deviation of a Gaussian blur of the input (None: no blur).
    """

    def __init__(self, in_type: FieldType, out_type: FieldType, kernel_size: int, fields: FeatureFields,
                 activation: bool = True, kernel_frequency: int | None = None, blur: float | None = None):
        super().__init__()
        self.in_type, self.out_type = in_type, out_type
        self.blur = None if blur is None else GridGraphBlur(in_type, blur)
        self.conv = GridGraphConv(in_type, out_type, kernel_size, bias=False, maximum_frequency=kernel_frequency)
        self.norm = fields.norm(out_type)
        self.activation = fields.nonlinearity(out_type) if activation else None

    def forward(self, x: GeometricTensor, graph=None, blur_graph=None) -> GeometricTensor:
        """``graph`` (the convolution's) and ``blur_graph`` (the blur's ``GridStencil``) on node features."""
        if self.blur is not None:
            x = self.blur(x, blur_graph)
        y = self.norm(self.conv(x, graph))
        return y if self.activation is None else self.activation(y)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return self.conv.evaluate_output_shape(input_shape)

    def export(self) -> torch.nn.Module:
        layers = ([] if self.blur is None else [self.blur.export()]) + [self.conv.export(), self.norm.export()]
        return torch.nn.Sequential(*layers, *([self.activation.export()] if self.activation is not None else []))

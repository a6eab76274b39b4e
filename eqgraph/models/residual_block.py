"""ResidualBlock: two convolution blocks around an identity shortcut."""
from __future__ import annotations

import torch

from ..fields import FieldType, GeometricTensor
from ..nn import EquivariantModule
from .conv_block import ConvBlock
from .feature_fields import FeatureFields


class ResidualBlock(EquivariantModule):
    r""":math:`y = \sigma\big(x + \mathrm{BN}(K_2 * \sigma(\mathrm{BN}(K_1 * x)))\big)`, the basic
    block of a ResNet with equivariant layers (the sum of two fields of one type is of that type).
    With ``blur``, each :math:`K_i *` becomes :math:`K_i * G_\sigma *` (:class:`GridGraphBlur`).

    Args:
        field_type: the input and output type, ``fields.type(n)``.
        kernel_size: odd stencil size of both convolutions.
        fields: the :class:`FeatureFields` recipe.
        kernel_frequency: the kernels' band limit (see :class:`GridGraphConv`).
        blur: the standard deviation of a Gaussian blur before each convolution (on the branch
            only; None: no blur).
    """

    def __init__(self, field_type: FieldType, kernel_size: int, fields: FeatureFields,
                 kernel_frequency: int | None = None, blur: float | None = None):
        super().__init__()
        self.in_type = self.out_type = field_type
        self.first = ConvBlock(field_type, field_type, kernel_size, fields, kernel_frequency=kernel_frequency, blur=blur)
        self.second = ConvBlock(field_type, field_type, kernel_size, fields, activation=False,
                                kernel_frequency=kernel_frequency, blur=blur)
        self.activation = fields.nonlinearity(field_type)

    def forward(self, x: GeometricTensor, graph=None, blur_graph=None) -> GeometricTensor:
        branch = self.second(self.first(x, graph, blur_graph), graph, blur_graph)
        return self.activation(GeometricTensor(x.tensor + branch.tensor, self.out_type, x.coords))

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def export(self) -> torch.nn.Module:
        return PlainResidual(torch.nn.Sequential(self.first.export(), self.second.export()), self.activation.export())


class PlainResidual(torch.nn.Module):
    """Plain PyTorch: ``activation(x + branch(x))`` (what :class:`ResidualBlock` exports to)."""

    def __init__(self, branch: torch.nn.Module, activation: torch.nn.Module):
        super().__init__()
        self.branch, self.activation = branch, activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(x + self.branch(x))

from __future__ import annotations

import torch

from ...fields import FieldType, GeometricTensor
from ..constant_buffers import ConstantBuffers
from ..equivariant_module import EquivariantModule
from ..field_index import field_of_channel
from ..trivial_bias import trivial_bias_expansion
from .field_batch_norm import check_eps


class FieldNorm(ConstantBuffers, EquivariantModule):
    r"""Layer normalisation of every node or pixel on its own (no batch statistics): the mean
    square over all channels scales the features,

    .. math::
        y_f = \frac{x_f}{\sqrt{\tfrac{1}{C}\lVert x \rVert^2 + \epsilon}}\, \gamma_f + E_f \beta,

    invariant since representations are orthogonal; :math:`\gamma` per field, :math:`\beta` on
    the trivial irreps.

    Args:
        in_type: the input (and output) type.
        eps: added to the mean square.
        affine: learn the scales and biases.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the same
    """

    def __init__(self, in_type: FieldType, eps: float = 1e-5, affine: bool = True):
        super().__init__()
        check_eps(type(self).__name__, eps)
        self.in_type = self.out_type = in_type
        self.eps = eps
        self.register_buffer("field_of_channel", field_of_channel(in_type), persistent=False)
        self.weight = torch.nn.Parameter(torch.ones(len(in_type))) if affine else None
        expansion = trivial_bias_expansion(in_type) if affine else None
        self.register_constant("bias_expansion", expansion)
        self.bias = None if expansion is None else torch.nn.Parameter(torch.zeros(expansion.shape[1]))

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        out = x * torch.rsqrt((x * x).mean(dim=1, keepdim=True) + self.eps)
        shape = (1, -1) + (1,) * (x.dim() - 2)
        if self.weight is not None:
            out = out * self.weight.index_select(0, self.field_of_channel).view(shape)
        if self.bias is not None:
            out = out + (self.bias_expansion @ self.bias).view(shape)
        return GeometricTensor(out, self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

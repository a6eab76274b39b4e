"""Linear: the most general equivariant linear map between field types, node by node."""
from __future__ import annotations

import torch

from ..fields import FieldType, GeometricTensor
from .constant_buffers import ConstantBuffers
from .conv.layout import KernelLayout
from .conv.stencil_expansion import StencilExpansion
from .equivariant_module import EquivariantModule
from .init import generalized_he_init
from .trivial_bias import trivial_bias_expansion


class Linear(ConstantBuffers, EquivariantModule):
    r"""An equivariant linear map applied at every node or pixel:

    .. math::
        y = W x + b, \qquad W \rho_{in}(g) = \rho_{out}(g) W,

    with :math:`W = \sum_h w_h H_h` spanned by a basis of intertwiners (the kernel basis of a
    one-point stencil, so blocks between equal representations are solved once) and
    :math:`b` on the trivial irreps of the output.

    Args:
        in_type, out_type: field types on the same gspace.
        bias: learn an invariant bias.
        initialize: draw ``weights`` with :func:`eqgraph.nn.init.generalized_he_init`.

    Shapes:
        - **input:** :math:`(N, c_{in})` or :math:`(B, c_{in}, *S)`
        - **output:** :math:`(N, c_{out})` or :math:`(B, c_{out}, *S)`
    """

    def __init__(self, in_type: FieldType, out_type: FieldType, bias: bool = True, initialize: bool = True):
        super().__init__()
        self.in_type, self.out_type = in_type, out_type
        self.layout = KernelLayout(in_type, out_type, {"rings": [0.0], "maximum_frequency": 0})
        self.basisexpansion = StencilExpansion(self.layout, kernel_size=1, dilation=1)
        self.weights = torch.nn.Parameter(torch.zeros(self.layout.size))
        expansion = trivial_bias_expansion(out_type) if bias else None
        self.register_constant("bias_expansion", expansion)
        self.bias = None if expansion is None else torch.nn.Parameter(torch.zeros(expansion.shape[1]))
        if initialize:
            generalized_he_init(self.weights.data, self.basisexpansion)

    def matrix(self) -> torch.Tensor:
        """``[c_out, c_in]``: the equivariant matrix W."""
        return self.basisexpansion(self.weights).reshape(self.out_type.size, self.in_type.size)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        bias = None if self.bias is None else self.bias_expansion @ self.bias
        out = torch.nn.functional.linear(input.tensor.movedim(1, -1), self.matrix(), bias).movedim(-1, 1)
        return GeometricTensor(out, self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])

    def export(self) -> torch.nn.Module:
        """A ``torch.nn.Linear`` for node features ``[N, c_in]``."""
        module = torch.nn.Linear(self.in_type.size, self.out_type.size, bias=self.bias is not None,
                                 dtype=self.weights.dtype, device=self.weights.device)
        with torch.no_grad():
            module.weight.copy_(self.matrix())
            if self.bias is not None:
                module.bias.copy_(self.bias_expansion @ self.bias)
        return module

    def extra_repr(self) -> str:
        return f"{self.in_type} -> {self.out_type}, weights={self.weights.numel()}"

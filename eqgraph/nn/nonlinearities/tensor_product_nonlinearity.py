from __future__ import annotations

import math

import torch

from ...fields import FieldType, GeometricTensor
from ..conv.layout import KernelLayout
from ..conv.stencil_expansion import StencilExpansion
from ..constant_buffers import ConstantBuffers
from ..equivariant_module import EquivariantModule
from ..init import generalized_he_init


class TensorProductNonLinearity(ConstantBuffers, EquivariantModule):
    r"""A learnable quadratic nonlinearity, field by field (escnn's ``TensorProductModule``):

    .. math::
        y_c = W_c\, (x_c \otimes x_c), \qquad W_c\, (\rho \otimes \rho)(g) = \sigma(g)\, W_c,

    where field :math:`c` of the input (representation :math:`\rho`) is multiplied with itself
    and projected to field :math:`c` of the output (representation :math:`\sigma`) by its own
    equivariant map :math:`W_c`, spanned by a basis of intertwiners. Fields are not mixed: put a
    :class:`Linear` before or after it for that. Stacking many of them gives a polynomial whose
    degree doubles with each layer.

    Args:
        in_type, out_type: uniform types (one representation repeated) with as many fields.
        initialize: draw ``weights`` with :func:`eqgraph.nn.init.generalized_he_init` (else zeros).

    Shapes:
        - **input:** :math:`(N, C \dim\rho)` or :math:`(B, C \dim\rho, *S)`
        - **output:** :math:`(N, C \dim\sigma)` or :math:`(B, C \dim\sigma, *S)`
    """

    def __init__(self, in_type: FieldType, out_type: FieldType, initialize: bool = True):
        super().__init__()
        name = type(self).__name__
        if in_type.gspace != out_type.gspace:
            raise ValueError(f"{name} needs one gspace, got {in_type.gspace} and {out_type.gspace}")
        for label, field_type in (("in_type", in_type), ("out_type", out_type)):
            if not field_type.uniform:
                raise ValueError(f"{name} needs a uniform {label} (one representation repeated), got {field_type}")
        if len(in_type) != len(out_type):
            raise ValueError(f"{name} maps field c to field c: in_type has {len(in_type)} fields, "
                             f"out_type {len(out_type)}")
        self.in_type, self.out_type = in_type, out_type
        rho, sigma = in_type.representations[0], out_type.representations[0]
        hidden = FieldType(in_type.gspace, [rho.tensor(rho)])
        layout = KernelLayout.intertwiners(hidden, FieldType(in_type.gspace, [sigma]), name)
        self.basisexpansion = StencilExpansion(layout, kernel_size=1, dilation=1)
        expansion = StencilExpansion(layout, kernel_size=1, dilation=1).double()
        with torch.no_grad():  # [B, dim sigma, dim rho^2]: the intertwiners, one per unit coefficient
            basis = torch.stack([expansion(row).reshape(sigma.size, hidden.size)
                                 for row in torch.eye(layout.size, dtype=torch.float64)])
        self.register_constant("basis", basis.numpy())
        self.fields, self.rho_size, self.sigma_size = len(in_type), rho.size, sigma.size
        self.weights = torch.nn.Parameter(torch.zeros(len(in_type), layout.size))
        if initialize:
            generalized_he_init(self.weights.data, self.basisexpansion)

    def matrices(self) -> torch.Tensor:
        """``[C, dim sigma, dim rho^2]``: every field's projection."""
        return torch.einsum("cb,boi->coi", self.weights, self.basis)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        B = x.shape[0]  # nodes [N, C r] are B = N batches of one pixel
        S = math.prod(x.shape[2:])
        fields = x.reshape(B, self.fields, self.rho_size, S)  # [B, C, r, S]
        squares = (fields.unsqueeze(2) * fields.unsqueeze(3)).flatten(2, 3)  # [B, C, r^2, S]
        columns = squares.permute(1, 2, 0, 3).reshape(self.fields, self.rho_size ** 2, B * S)  # [C, r^2, B S]
        out = torch.bmm(self.matrices(), columns).view(self.fields, self.sigma_size, B, S)  # one GEMM per field
        out = out.permute(2, 0, 1, 3).reshape(B, self.out_type.size, *x.shape[2:])
        return GeometricTensor(out, self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])

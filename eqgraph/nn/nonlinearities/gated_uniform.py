from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from ...fields import FieldType, GeometricTensor
from ...group import directsum
from ..equivariant_module import EquivariantModule


class GatedNonLinearityUniform(EquivariantModule):
    r"""Gates stored inside each field (escnn's semantics): every field is one representation
    :math:`\rho = 1^{\oplus k} \oplus \psi_1 \oplus \dots \oplus \psi_k` without change of basis,
    whose first :math:`k` irreps are trivial gates for the other :math:`k`:

    .. math::
        y_{c, j} = \sigma(s_{c, j} - b_{c, j})\; x_{c, j}, \qquad j = 1, \dots, k,

    and the output field is :math:`\psi_1 \oplus \dots \oplus \psi_k` (the gates are dropped).

    Args:
        in_type: a uniform type (one representation repeated) of that form.
        gate: the gate function :math:`\sigma`, ``torch.sigmoid`` by default.

    Shapes:
        - **input:** :math:`(N, C \dim\rho)` or :math:`(B, C \dim\rho, *S)`
        - **output:** :math:`(N, C (\dim\rho - k))` or grids alike
    """

    def __init__(self, in_type: FieldType, gate: Callable[[torch.Tensor], torch.Tensor] = torch.sigmoid):
        super().__init__()
        name = type(self).__name__
        if not in_type.uniform:
            raise ValueError(f"{name} needs a uniform type (one representation repeated), got {in_type}")
        rho = in_type.representations[0]
        group = in_type.fibergroup
        k = len(rho.irreps) // 2
        trivial = group.trivial_representation.irreps[0]
        if len(rho.irreps) % 2 or any(i != trivial for i in rho.irreps[:k]):
            raise ValueError(f"{name} needs fields whose first half of irreps are trivial gates for the second half; "
                             f"{rho.name} has irreps {rho.irreps}")
        if not np.allclose(rho.change_of_basis, np.eye(rho.size)):
            raise ValueError(f"{name} reads gates at fixed channels, so {rho.name} must have no change of basis")
        gated = [group.irrep(*(i if isinstance(i, tuple) else (i,))) for i in rho.irreps[k:]]
        self.in_type = in_type
        self.out_type = FieldType(in_type.gspace, [directsum(gated)] * len(in_type))
        self.gate = gate
        self.fields, self.gates = len(in_type), k
        sizes = torch.tensor([psi.size for psi in gated])
        self.register_buffer("gate_of_channel", torch.repeat_interleave(torch.arange(k), sizes), persistent=False)
        self.bias = torch.nn.Parameter(torch.zeros(len(in_type), k))

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        fields = x.view(x.shape[0], self.fields, x.shape[1] // self.fields, *x.shape[2:])  # [B, C, dim rho, *S]
        bias = self.bias.view(1, self.fields, self.gates, *[1] * (x.dim() - 2))
        gates = self.gate(fields[:, :, :self.gates] - bias)
        gated = fields[:, :, self.gates:] * gates.index_select(2, self.gate_of_channel)
        return GeometricTensor(gated.reshape(x.shape[0], self.out_type.size, *x.shape[2:]), self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])

from __future__ import annotations

import torch

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule


class GatedNonLinearity2(EquivariantModule):
    r"""Gates and gated fields in two tensors (escnn's semantics):
    :math:`y_k = \sigma(s_k + b_k)\, x_k` for the k-th gate and the k-th gated field.

    Args:
        in_type: the pair ``(gates_type, gated_type)``; gates must be trivial and as many as
            the gated fields.

    Shapes:
        - **gates:** :math:`(B, n, *S)` or :math:`(N, n)`; **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** like the input
    """

    def __init__(self, in_type: tuple[FieldType, FieldType]):
        super().__init__()
        if not isinstance(in_type, tuple) or len(in_type) != 2:
            raise TypeError("GatedNonLinearity2 takes in_type=(gates_type, gated_type)")
        gates_type, gated_type = in_type
        if len(gates_type) != len(gated_type):
            raise ValueError(f"{len(gates_type)} gates for {len(gated_type)} gated fields: the counts must match")
        for i, rep in enumerate(gates_type.representations):
            if not rep.is_trivial():
                raise ValueError(f"gate field {i} ({rep.name}) must be trivial")
        self.gates_type, self.in_type = gates_type, gated_type
        self.out_type = gated_type
        sizes = torch.tensor([r.size for r in gated_type.representations])
        self.register_buffer("gate_of_channel", torch.repeat_interleave(torch.arange(len(sizes)), sizes), persistent=False)
        self.bias = torch.nn.Parameter(torch.zeros(len(gates_type)))

    def forward(self, gates: GeometricTensor, input: GeometricTensor) -> GeometricTensor:
        if not isinstance(gates, GeometricTensor) or gates.type != self.gates_type:
            got = gates.type if isinstance(gates, GeometricTensor) else type(gates).__name__
            raise ValueError(f"GatedNonLinearity2 expects gates of type {self.gates_type}, got {got}")
        self.check_type(input)
        shape = (1, -1) + (1,) * (gates.tensor.dim() - 2)
        g = torch.sigmoid(gates.tensor + self.bias.view(shape))
        return GeometricTensor(input.tensor * g.index_select(1, self.gate_of_channel), self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

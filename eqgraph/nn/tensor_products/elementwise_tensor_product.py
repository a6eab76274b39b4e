from __future__ import annotations

import torch

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule
from ..plain.node_function import ExportedNodeFunction


class ElementwiseTensorProduct(EquivariantModule):
    r"""The tensor product of corresponding fields, without weights:
    :math:`y_i = x^{(1)}_i \otimes x^{(2)}_i` (a Kronecker product of the two vectors), typed by
    :math:`\rho^{(1)}_i \otimes \rho^{(2)}_i`. A :class:`Linear` after it selects and mixes the
    irreps of the products (together: e3nn's elementwise tensor product); with both inputs the
    same tensor it is a quadratic nonlinearity.

    Args:
        in_type1, in_type2: field types with the same number of fields.

    Shapes:
        - **input1, input2:** :math:`(N, c_1)`, :math:`(N, c_2)` or grids alike
        - **output:** :math:`\sum_i d^{(1)}_i d^{(2)}_i` channels
    """

    def __init__(self, in_type1: FieldType, in_type2: FieldType):
        super().__init__()
        if in_type1.gspace != in_type2.gspace or len(in_type1) != len(in_type2):
            raise ValueError(f"ElementwiseTensorProduct pairs the fields of two types on one gspace with as many fields; "
                             f"got {len(in_type1)} and {len(in_type2)} fields on {in_type1.gspace} and {in_type2.gspace}")
        self.in_type, self.in_type2 = in_type1, in_type2
        self.out_type = FieldType(in_type1.gspace, [a.tensor(b) for a, b in zip(in_type1, in_type2)])
        first, second = [], []  # the channel of each input behind every output channel (Kronecker order)
        for (s1, e1), (s2, e2) in zip(zip(in_type1.fields_start, in_type1.fields_end),
                                      zip(in_type2.fields_start, in_type2.fields_end)):
            first += [i for i in range(int(s1), int(e1)) for _ in range(int(s2), int(e2))]
            second += [j for _ in range(int(s1), int(e1)) for j in range(int(s2), int(e2))]
        self.register_buffer("first_channels", torch.as_tensor(first, dtype=torch.long), persistent=False)
        self.register_buffer("second_channels", torch.as_tensor(second, dtype=torch.long), persistent=False)

    def forward(self, input1: GeometricTensor, input2: GeometricTensor) -> GeometricTensor:
        self.check_type(input1)
        if not isinstance(input2, GeometricTensor) or input2.type != self.in_type2:
            got = input2.type if isinstance(input2, GeometricTensor) else type(input2).__name__
            raise ValueError(f"ElementwiseTensorProduct expects a second input of type {self.in_type2}, got {got}")
        if input1.shape[0] != input2.shape[0] or input1.shape[2:] != input2.shape[2:] or \
                input1.tensor.dtype != input2.tensor.dtype:
            raise ValueError(f"the two inputs must have the same nodes or pixels and dtype, got {tuple(input1.shape)} "
                             f"{input1.tensor.dtype} and {tuple(input2.shape)} {input2.tensor.dtype}")
        out = elementwise_product(input1.tensor, input2.tensor, self.first_channels, self.second_channels)
        return GeometricTensor(out, self.out_type, input1.coords)

    def export(self) -> torch.nn.Module:
        """A plain module taking the two tensors."""
        return ExportedNodeFunction(elementwise_product, {"first_channels": self.first_channels,
                                                          "second_channels": self.second_channels})

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])


def elementwise_product(x1: torch.Tensor, x2: torch.Tensor, first_channels: torch.Tensor,
                        second_channels: torch.Tensor) -> torch.Tensor:
    """:class:`ElementwiseTensorProduct` on plain tensors: output channel k is
    ``x1[:, first_channels[k]] * x2[:, second_channels[k]]``."""
    return x1.index_select(1, first_channels) * x2.index_select(1, second_channels)

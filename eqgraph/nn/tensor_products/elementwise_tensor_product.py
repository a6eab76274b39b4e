from __future__ import annotations

import torch

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule


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

    def forward(self, input1: GeometricTensor, input2: GeometricTensor) -> GeometricTensor:
        self.check_type(input1)
        if not isinstance(input2, GeometricTensor) or input2.type != self.in_type2:
            got = input2.type if isinstance(input2, GeometricTensor) else type(input2).__name__
            raise ValueError(f"ElementwiseTensorProduct expects a second input of type {self.in_type2}, got {got}")
        x1, x2 = input1.tensor, input2.tensor
        pieces = []
        for (s1, e1), (s2, e2) in zip(zip(self.in_type.fields_start, self.in_type.fields_end),
                                      zip(self.in_type2.fields_start, self.in_type2.fields_end)):
            a, b = x1[:, int(s1):int(e1)], x2[:, int(s2):int(e2)]
            pieces.append((a.unsqueeze(2) * b.unsqueeze(1)).flatten(1, 2))
        return GeometricTensor(torch.cat(pieces, dim=1), self.out_type, input1.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size, *input_shape[2:])

from __future__ import annotations

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule
from ..field_index import field_norms, field_of_channel, invariant_per_field


class NormPool(EquivariantModule):
    r"""The norm of every field, :math:`y_f = \lVert x_f \rVert`: an invariant field per input
    field, for any (orthogonal) representation.

    Args:
        in_type: the input type.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** one channel per field
    """

    def __init__(self, in_type: FieldType):
        super().__init__()
        self.in_type = in_type
        self.out_type = invariant_per_field(in_type)
        self.register_buffer("field_of_channel", field_of_channel(in_type), persistent=False)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        return GeometricTensor(field_norms(input.tensor, self.field_of_channel, len(self.in_type)), self.out_type,
                               input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], len(self.in_type), *input_shape[2:])

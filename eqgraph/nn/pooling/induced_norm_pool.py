from __future__ import annotations


from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule
from ..field_index import field_norms, invariant_per_field
from ..induced_blocks import induced_blocks


class InducedNormPool(EquivariantModule):
    r"""For every induced field, the largest norm among its blocks:
    :math:`y_f = \max_k \lVert x_{f,k} \rVert`, an invariant field.

    Args:
        in_type: a type of induced fields.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** one channel per field
    """

    def __init__(self, in_type: FieldType):
        super().__init__()
        block_of_channel, field_of_block = induced_blocks(in_type, type(self).__name__)
        self.in_type = in_type
        self.out_type = invariant_per_field(in_type)
        self.register_buffer("block_of_channel", block_of_channel, persistent=False)
        self.register_buffer("field_of_block", field_of_block, persistent=False)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        norms = field_norms(x, self.block_of_channel, len(self.field_of_block))
        index = self.field_of_block.view(1, -1, *[1] * (x.dim() - 2)).expand_as(norms)
        out = norms.new_zeros(x.shape[0], len(self.in_type), *x.shape[2:])
        out = out.scatter_reduce(1, index, norms, reduce="amax", include_self=False)
        return GeometricTensor(out, self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], len(self.in_type), *input_shape[2:])

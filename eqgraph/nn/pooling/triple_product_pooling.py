from __future__ import annotations

import numpy as np
import torch

from ...fields import FieldType, GeometricTensor
from ...group import SO3Group
from ..equivariant_module import EquivariantModule
from ..field_index import invariant_per_field
from .field_triple_products import FieldTripleProducts


class TripleProductPooling(EquivariantModule):
    r"""An SO(3) invariant per field that tells a shape from its mirror image: the triple
    product of the field's three copies :math:`a, b, c` of the frequency-1 irrep,

    .. math::
        y_f = a_f \cdot (b_f \times c_f) = \det\,[a_f\; b_f\; c_f],

    unchanged by rotations (all three turn together) and negated by a reflection of the space,
    which turns polar vectors into their mirror images. A field's invariant part and its norms
    cannot see that sign; this invariant carries handedness, as a pseudo-scalar output does in
    an O(3) model.

    Args:
        in_type: SO(3) fields, each holding the frequency-1 irrep exactly three times (the
            band-limited regular fields of :class:`FourierELU`, say).

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** one channel per field
    """

    def __init__(self, in_type: FieldType):
        super().__init__()
        group = in_type.gspace.fibergroup
        name = type(self).__name__
        if not isinstance(group, SO3Group):
            raise ValueError(f"{name} needs fields of SO(3) (under O(3) the triple product is not invariant), "
                             f"got fields of {group.name}")
        vector = group.irrep(1).id
        counts = [rep.irreps.count(vector) for rep in in_type.representations]
        if any(count != 3 for count in counts):
            raise ValueError(f"{name} needs every field to hold the frequency-1 irrep exactly 3 times, got "
                             f"{counts} times in the fields of {in_type}")
        self.in_type, self.out_type = in_type, invariant_per_field(in_type)
        self.triple_products = FieldTripleProducts(torch.as_tensor(_vector_projection(in_type, vector),
                                                                   dtype=torch.get_default_dtype()))

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        return GeometricTensor(self.triple_products(input.tensor), self.out_type, input.coords)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], len(self.in_type), *input_shape[2:])

    def export(self) -> torch.nn.Module:
        return FieldTripleProducts(self.triple_products.projection.clone())


def _vector_projection(field_type: FieldType, vector) -> np.ndarray:
    """``[F, 3, 3, C]``: the rows of every field's inverse change of basis that read its three
    frequency-1 blocks, in block order."""
    projection = np.zeros((len(field_type), 3, 3, field_type.size))
    start = 0
    for f, rep in enumerate(field_type.representations):
        inverse = rep.change_of_basis.T  # orthogonal: channels -> irrep coordinates
        offset, copy = 0, 0
        for irrep in rep.irreps:
            size = field_type.gspace.fibergroup._irrep_size(irrep)
            if irrep == vector:
                projection[f, copy, :, start:start + rep.size] = inverse[offset:offset + 3]
                copy += 1
            offset += size
        start += rep.size
    return projection

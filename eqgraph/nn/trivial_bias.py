"""Biases that keep a layer equivariant: one per copy of the trivial irrep in the output."""
from __future__ import annotations

import numpy as np

from ..fields import FieldType


def trivial_bias_expansion(field_type: FieldType) -> np.ndarray | None:
    """``[size, n]``: the channel pattern of every copy of the trivial irrep in ``field_type``
    (a column of the field's change of basis), so that ``expansion @ bias`` is an invariant
    vector. None when the type contains no trivial irrep."""
    trivial = field_type.fibergroup.trivial_representation.irreps[0]
    columns = []
    for rep, start in zip(field_type.representations, field_type.fields_start):
        offsets = np.cumsum([0] + [field_type.fibergroup._irrep_size(i) for i in rep.irreps])
        for position, irrep in enumerate(rep.irreps):
            if irrep == trivial:
                column = np.zeros(field_type.size)
                column[start:start + rep.size] = rep.change_of_basis[:, offsets[position]]
                columns.append(column)
    if not columns:
        return None
    return np.stack(columns, axis=1)

"""The blocks of induced fields: the sub-fields an induced representation permutes."""
from __future__ import annotations

import torch

from ..fields import FieldType
from ..group import InducedRepresentation


def induced_blocks(field_type: FieldType, module: str) -> tuple[torch.Tensor, torch.Tensor]:
    """``(block_of_channel [C], field_of_block [n_blocks])`` for a type made of induced fields;
    a ValueError names the first field that is not induced."""
    block_of_channel, field_of_block = [], []
    for index, rep in enumerate(field_type.representations):
        if not isinstance(rep, InducedRepresentation):
            raise ValueError(f"{module} cannot act on field {index} ({rep.name}) of {field_type}: it needs induced "
                             "representations (gspace.induced_repr), whose channel blocks the group permutes")
        for _ in range(rep.size // rep.block_size):
            block_of_channel += [len(field_of_block)] * rep.block_size
            field_of_block.append(index)
    return torch.tensor(block_of_channel), torch.tensor(field_of_block)

from __future__ import annotations

from typing import Sequence

import torch

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule


class BranchingModule(EquivariantModule):
    r"""Splits the fields by a label per field into a dict ``{label: GeometricTensor}`` (labels
    in first-seen order); :class:`MergeModule` or :class:`MultipleModule` bring them together.

    Args:
        in_type: the input type.
        labels: one label per field.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** one tensor per label
    """

    def __init__(self, in_type: FieldType, labels: Sequence[str]):
        super().__init__()
        self.in_type = in_type
        self.out_types = in_type.group_by_labels(labels)
        labels = list(labels)
        self.labels = list(self.out_types)
        for label in self.labels:
            fields = [i for i, name in enumerate(labels) if name == label]
            self.register_buffer(f"channels_{self.labels.index(label)}", torch.as_tensor(in_type.field_channels(fields)),
                                 persistent=False)

    def forward(self, input: GeometricTensor) -> dict[str, GeometricTensor]:
        self.check_type(input)
        return {label: GeometricTensor(input.tensor.index_select(1, getattr(self, f"channels_{k}")),
                                       self.out_types[label], input.coords)
                for k, label in enumerate(self.labels)}

    def evaluate_output_shape(self, input_shape: tuple) -> dict:
        return {label: (input_shape[0], t.size, *input_shape[2:]) for label, t in self.out_types.items()}

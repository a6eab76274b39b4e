from __future__ import annotations

from typing import Sequence

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule
from .branching import BranchingModule
from .merge import MergeModule


class MultipleModule(EquivariantModule):
    r"""Different modules on different fields: the fields are split by ``labels``
    (:class:`BranchingModule`), each label's module runs on its fields and the outputs are
    concatenated in the order of ``modules`` (:class:`MergeModule`).

    Args:
        in_type: the input type.
        labels: one label per field.
        modules: pairs ``(EquivariantModule, label)``; each module's ``in_type`` must equal the
            type of its label's fields.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** the concatenated outputs
    """

    def __init__(self, in_type: FieldType, labels: Sequence[str], modules: Sequence[tuple[EquivariantModule, str]]):
        super().__init__()
        self.branching = BranchingModule(in_type, labels)
        for module, label in modules:
            expected = self.branching.out_types.get(label)
            if expected is None:
                raise ValueError(f"no field is labelled {label!r}; labels are {self.branching.labels}")
            if module.in_type != expected:
                raise ValueError(f"the module for {label!r} expects {module.in_type}, but those fields are {expected}")
        self.merging = MergeModule(modules)
        self.in_type, self.out_type = in_type, self.merging.out_type

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        return self.merging(self.branching(input))

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return self.merging.evaluate_output_shape(self.branching.evaluate_output_shape(input_shape))

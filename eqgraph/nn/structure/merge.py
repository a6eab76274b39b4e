from __future__ import annotations

from typing import Sequence

from ...fields import GeometricTensor, tensor_directsum
from ..equivariant_module import EquivariantModule


class MergeModule(EquivariantModule):
    r"""Applies one module per labelled input and concatenates their outputs along the channels:
    :math:`y = f_1(x_{l_1}) \oplus \dots \oplus f_k(x_{l_k})`.

    Args:
        modules: pairs ``(EquivariantModule, label)``, in output order.

    Shapes:
        - **input:** a dict ``{label: GeometricTensor}`` (as :class:`BranchingModule` gives)
        - **output:** the concatenation
    """

    def __init__(self, modules: Sequence[tuple[EquivariantModule, str]]):
        super().__init__()
        if not modules:
            raise ValueError("MergeModule needs at least one (module, label) pair")
        self.labels = []
        for k, (module, label) in enumerate(modules):
            if not isinstance(module, EquivariantModule):
                raise TypeError(f"MergeModule takes EquivariantModules, got {type(module).__name__} for {label!r}")
            self.add_module(f"submodule_{k}", module)
            self.labels.append(label)
        self.in_type = {label: m.in_type for m, label in modules}
        out_type = modules[0][0].out_type
        for module, _ in modules[1:]:
            out_type = out_type + module.out_type
        self.out_type = out_type

    def forward(self, inputs: dict[str, GeometricTensor]) -> GeometricTensor:
        missing = [label for label in self.labels if label not in inputs]
        if missing:
            raise ValueError(f"MergeModule is missing inputs for labels {missing}")
        outputs = [getattr(self, f"submodule_{k}")(inputs[label]) for k, label in enumerate(self.labels)]
        return tensor_directsum(outputs)

    def evaluate_output_shape(self, input_shapes: dict) -> tuple:
        shapes = [getattr(self, f"submodule_{k}").evaluate_output_shape(input_shapes[label])
                  for k, label in enumerate(self.labels)]
        return (shapes[0][0], sum(s[1] for s in shapes), *shapes[0][2:])

from __future__ import annotations

import torch

from ..fields import GeometricTensor
from .equivariant_module import EquivariantModule


class SequentialModule(EquivariantModule):
    r"""Applies equivariant modules in order: :math:`f = f_k \circ \dots \circ f_1`.

    Each module's ``out_type`` must equal the next one's ``in_type``.

    Args:
        *modules: EquivariantModules, or one ordered dict of them.

    Shapes:
        - **input:** a layout of the first module's ``in_type``
        - **output:** the last module's output
    """

    def __init__(self, *modules: EquivariantModule):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], dict):
            named = list(modules[0].items())
        else:
            named = [(str(i), m) for i, m in enumerate(modules)]
        if not named:
            raise ValueError("SequentialModule needs at least one module")
        for name, module in named:
            self.add_module(name, module)

    def add_module(self, name: str, module: torch.nn.Module) -> None:
        if not isinstance(module, EquivariantModule):
            raise TypeError(f"SequentialModule takes EquivariantModules, got {type(module).__name__} for {name!r}")
        previous = list(self._modules.values())
        if previous and previous[-1].out_type != module.in_type:
            raise ValueError(
                f"module {name!r} expects input of type {module.in_type}, "
                f"but the module before it returns {previous[-1].out_type}"
            )
        super().add_module(name, module)

    @property
    def in_type(self):
        return next(iter(self._modules.values())).in_type

    @property
    def out_type(self):
        return list(self._modules.values())[-1].out_type

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        for module in self._modules.values():
            input = module(input)
        return input

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        for module in self._modules.values():
            input_shape = module.evaluate_output_shape(input_shape)
        return input_shape

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, index: int) -> EquivariantModule:
        return list(self._modules.values())[index]

    def export(self) -> torch.nn.Module:
        return torch.nn.Sequential(*[m.export() for m in self._modules.values()])

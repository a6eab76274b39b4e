from __future__ import annotations

from typing import Iterable

import torch

from ..equivariant_module import EquivariantModule


class ModuleList(torch.nn.ModuleList):
    """A ``torch.nn.ModuleList`` that holds only EquivariantModules; ``export()`` exports each."""

    def __init__(self, modules: Iterable[EquivariantModule] | None = None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def append(self, module: EquivariantModule) -> "ModuleList":
        if not isinstance(module, EquivariantModule):
            raise TypeError(f"ModuleList holds EquivariantModules, got {type(module).__name__}")
        return super().append(module)

    def extend(self, modules: Iterable[EquivariantModule]) -> "ModuleList":
        for module in modules:
            self.append(module)
        return self

    def export(self) -> torch.nn.ModuleList:
        return torch.nn.ModuleList([m.export() for m in self])

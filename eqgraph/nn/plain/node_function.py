"""ExportedNodeFunction: a node-wise module's function on plain tensors."""
from __future__ import annotations

from typing import Callable

import torch


class ExportedNodeFunction(torch.nn.Module):
    """What the node-wise (and pixel-wise) modules' ``export()`` returns (:class:`~eqgraph.nn.Gate`,
    :class:`~eqgraph.nn.NormNonLinearity`, the tensor products, ...): a plain module computing

    .. code-block:: python

        forward(x) = function(x, **tensors, **constants)
        forward(x, other) = function(x, other, **tensors, **constants)    # the tensor products

    with the module's parameters and index buffers frozen into buffers and its sizes as constants:
    no field types, no checks, works with ``torch.export.export`` for any number of nodes.

    Args:
        function: a module-level function of plain tensors (the same one the equivariant module calls).
        tensors: its tensor arguments (copied, detached; None allowed).
        constants: its other arguments (numbers, tuples, activation functions).

    Shapes:
        - **x** (and **other**): :math:`(N, c_{in})` or grids :math:`(B, c_{in}, *S)`, as the exported
          module took them
        - **output:** :math:`(N, c_{out})` or :math:`(B, c_{out}, *S)`
    """

    def __init__(self, function: Callable[..., torch.Tensor], tensors: dict[str, torch.Tensor | None],
                 constants: dict | None = None):
        super().__init__()
        self.function = function
        self.tensor_names = tuple(tensors)
        self.constants = dict(constants or {})
        for name, value in tensors.items():
            self.register_buffer(name, None if value is None else value.detach().clone())

    def forward(self, x: torch.Tensor, other: torch.Tensor | None = None) -> torch.Tensor:
        inputs = (x,) if other is None else (x, other)
        return self.function(*inputs, **{name: getattr(self, name) for name in self.tensor_names}, **self.constants)

    def extra_repr(self) -> str:
        return f"{self.function.__module__}.{self.function.__name__}"

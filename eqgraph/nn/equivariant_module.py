"""The base class of every eqgraph module."""
from __future__ import annotations

import itertools
from abc import ABC, abstractmethod

import torch

from ..fields import FieldType, GeometricTensor


class EquivariantModule(torch.nn.Module, ABC):
    r"""A ``torch.nn.Module`` mapping GeometricTensors of ``in_type`` to ``out_type`` such that

    .. math::
        f(g \cdot x) = g \cdot f(x) \qquad \text{for all } g \in G.

    Subclasses set ``in_type`` and ``out_type`` and implement ``forward`` and
    ``evaluate_output_shape``; ``export()`` converts to plain PyTorch where possible.
    """

    in_type: FieldType
    out_type: FieldType

    @abstractmethod
    def forward(self, input: GeometricTensor) -> GeometricTensor: ...

    @abstractmethod
    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        """The output shape for an input of ``input_shape``."""

    def check_type(self, input) -> None:
        """Raise a clear error unless ``input`` is a GeometricTensor of ``in_type``."""
        if not isinstance(input, GeometricTensor):
            raise TypeError(f"{type(self).__name__} takes a GeometricTensor of type {self.in_type}, got {type(input).__name__}")
        if input.type is not self.in_type and input.type != self.in_type:
            raise ValueError(f"{type(self).__name__} expects input of type {self.in_type}, got {input.type}")
        weight = self._floating_state()
        if weight is not None and weight.dtype != input.tensor.dtype:
            raise TypeError(f"{type(self).__name__}: the module is {weight.dtype} but the input is "
                            f"{input.tensor.dtype}; convert one of them (module.to(dtype) or the tensor)")

    def check_grid(self, input: GeometricTensor, purpose: str) -> None:
        """Raise a clear error unless ``input`` is a non-empty grid tensor ``[B, C, *S]`` (``purpose``:
        what the module does with it, for the message)."""
        if not input.is_grid:
            raise ValueError(f"{type(self).__name__} {purpose}: it takes a grid tensor [B, C] + "
                             f"{input.type.gspace.dimensionality} spatial axes, got node features {tuple(input.shape)}")
        if min(input.shape[2:]) < 1:
            raise ValueError(f"{type(self).__name__} {purpose}: the grid is empty (spatial size {tuple(input.shape[2:])})")

    def _floating_state(self) -> torch.Tensor | None:
        """The module's first floating-point parameter or buffer (its own, else a submodule's)."""
        # read the modules' own dictionaries: ``parameters()`` costs ~15 us per call, a third of a
        # small network's Python overhead in eval when every layer checks its input
        for module in torch.nn.Module.modules(self):  # itself first (a subclass may name an attribute `modules`)
            for tensor in itertools.chain(module._parameters.values(), module._buffers.values()):
                if tensor is not None and tensor.is_floating_point():
                    return tensor
        return None

    def check_equivariance(self, elements=None, atol: float = 1e-6, rtol: float = 1e-5, input=None, args=()):
        """Transform a random (or the given) input by group elements and compare, in eval and train
        mode; returns the list of ``(element, max error)`` and raises AssertionError past the
        tolerances. With no input, :meth:`check_inputs` builds one this module takes (a grid for
        grid convolutions, a graph for point convolutions). See
        :func:`eqgraph.testing.assert_equivariant`."""
        from ..testing import assert_equivariant

        if input is None:
            parameter = next(iter(self.parameters()), None)
            input, args, default_elements = self.check_inputs(parameter.dtype if parameter is not None
                                                              else torch.get_default_dtype())
            elements = default_elements if elements is None else elements
        return assert_equivariant(self, elements=elements, atol=atol, rtol=rtol, input=input, args=args)

    def check_inputs(self, dtype: torch.dtype) -> tuple:
        """``(input, args, elements)`` for :meth:`check_equivariance`: random point features of
        ``in_type``, no further arguments, the group's testing elements (None). Modules that take
        other inputs override it."""
        from ..testing import random_input

        return random_input(self.in_type, dtype=dtype), (), None

    def export(self) -> torch.nn.Module:
        """A plain PyTorch module computing the same function, for deployment."""
        raise NotImplementedError(f"{type(self).__name__} cannot be exported to plain PyTorch yet")

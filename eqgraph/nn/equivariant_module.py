"""The base class of every eqgraph module."""
from __future__ import annotations

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

    def check_equivariance(self, elements=None, atol: float = 1e-6, rtol: float = 1e-5, input=None, args=()):
        """Transform a random (or the given) input by group elements and compare; returns the list
        of ``(element, max error)`` and raises AssertionError past the tolerances. See
        :func:`eqgraph.testing.assert_equivariant`."""
        from ..testing import assert_equivariant

        return assert_equivariant(self, elements=elements, atol=atol, rtol=rtol, input=input, args=args)

    def export(self) -> torch.nn.Module:
        """A plain PyTorch module computing the same function, for deployment."""
        raise NotImplementedError(f"{type(self).__name__} cannot be exported to plain PyTorch yet")

"""Equivariance checks for any EquivariantModule, the library's and the users' own."""
from __future__ import annotations

from typing import Sequence

import torch

from ..fields import FieldType, GeometricTensor
from ..group import Group, GroupElement


def random_elements(group: Group, n: int, generator=None) -> list[GroupElement]:
    """``n`` Haar-random elements (``generator``: None, an int seed or a numpy Generator)."""
    from ..group.group import as_rng

    rng = as_rng(generator)
    return [group.sample(rng) for _ in range(n)]


def random_input(
    field_type: FieldType,
    points: int = 16,
    spatial_shape: Sequence[int] | None = None,
    batch: int = 2,
    dtype: torch.dtype | None = None,
    generator: torch.Generator | None = None,
) -> GeometricTensor:
    """A random GeometricTensor of ``field_type``: ``points`` nodes with random coords, or a grid
    ``[batch, C, *spatial_shape]`` when ``spatial_shape`` is given."""
    dtype = dtype or torch.get_default_dtype()
    if spatial_shape is not None:
        x = torch.randn(batch, field_type.size, *spatial_shape, dtype=dtype, generator=generator)
        return GeometricTensor(x, field_type)
    x = torch.randn(points, field_type.size, dtype=dtype, generator=generator)
    coords = torch.randn(points, field_type.gspace.dimensionality, dtype=dtype, generator=generator)
    return GeometricTensor(x, field_type, coords)


def assert_equivariant(
    module,
    elements: Sequence[GroupElement] | None = None,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    input: GeometricTensor | None = None,
    args: Sequence = (),
) -> list[tuple[GroupElement, float]]:
    r"""Check :math:`f(g \cdot x) = g \cdot f(x)` for every element.

    Args:
        module: an EquivariantModule (anything with ``in_type``, ``out_type`` and a forward
            taking a GeometricTensor).
        elements: group elements to test; default: the fiber group's ``testing_elements()``
            (all elements of a finite group). On grids, use the grid's own symmetries (90
            degree rotations and flips) for an exact test.
        atol, rtol: tolerances of the comparison ``|a - b| <= atol + rtol * |b|``.
        input: the input; default: random point features of ``module.in_type`` in the dtype of
            the module's parameters.
        args: further arguments of the forward that the group leaves alone, such as a graph's
            ``edge_index`` (``module(input, *args)``).

    Returns:
        ``[(element, max absolute error)]``. Raises AssertionError naming the worst element.
    """
    if input is None:
        parameter = next(iter(module.parameters()), None)
        dtype = parameter.dtype if parameter is not None else torch.get_default_dtype()
        input = random_input(module.in_type, dtype=dtype)
    if elements is None:
        elements = module.in_type.fibergroup.testing_elements()
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            output = module(input, *args)
            results = []
            worst = None
            for g in elements:
                transformed_output = module(input.transform(g), *args)
                expected = output.transform(g)
                a, b = transformed_output.tensor, expected.tensor
                error = (a - b).abs().max().item() if a.numel() else 0.0
                results.append((g, error))
                if not torch.allclose(a, b, atol=atol, rtol=rtol) and (worst is None or error > worst[1]):
                    worst = (g, error)
    finally:
        module.train(was_training)
    if worst is not None:
        raise AssertionError(
            f"{type(module).__name__} is not equivariant: error {worst[1]:.3g} at {worst[0]} "
            f"(atol {atol}, rtol {rtol})"
        )
    return results

"""Equivariance checks for any EquivariantModule, the library's and the users' own."""
from __future__ import annotations

import copy
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
    modes: Sequence[str] = ("eval", "train"),
    allow_zero: bool = False,
) -> list[tuple[GroupElement, float]]:
    r"""Check :math:`f(g \cdot x) = g \cdot f(x)` for every element, in eval and in train mode.

    Args:
        module: an EquivariantModule (anything with ``in_type``, ``out_type`` and a forward
            taking a GeometricTensor).
        elements: group elements to test (not empty); default: the fiber group's
            ``testing_elements()`` (all elements of a finite group). On grids, use the grid's own
            symmetries (90 degree rotations and flips, :func:`grid_symmetries`) for an exact test.
        atol, rtol: tolerances of the comparison ``|a - b| <= atol + rtol * |b|``.
        input: the input; default: random point features of ``module.in_type`` in the dtype of
            the module's parameters.
        args: further arguments of the forward that the group leaves alone, such as a graph's
            ``edge_index`` (``module(input, *args)``).
        modes: ``"eval"`` and/or ``"train"``. In train mode batch statistics are used and every
            forward starts from the same random seed (so dropout draws the same masks); the
            module's state (running statistics) is restored afterwards.
        allow_zero: accept an output that is zero everywhere (which any group action preserves,
            so by default it fails the check instead of passing it vacuously).

    Returns:
        ``[(element, max absolute error over the modes)]``. Raises AssertionError naming the worst
        element and mode.
    """
    if elements is not None and len(elements) == 0:
        raise ValueError("assert_equivariant got an empty list of elements: nothing would be checked")
    unknown = [m for m in modes if m not in ("eval", "train")]
    if unknown or not modes:
        raise ValueError(f"modes must be a non-empty subset of ('eval', 'train'), got {tuple(modes)}")
    if input is None:
        parameter = next(iter(module.parameters()), None)
        dtype = parameter.dtype if parameter is not None else torch.get_default_dtype()
        input = random_input(module.in_type, dtype=dtype)
    if elements is None:
        elements = module.in_type.fibergroup.testing_elements()
    was_training = module.training
    saved_state = copy.deepcopy(module.state_dict())
    errors = [0.0] * len(elements)
    worst = None
    try:
        for mode in modes:
            module.train(mode == "train")
            output = _seeded(module, input, args)
            if not allow_zero and output.tensor.numel() and not bool(output.tensor.abs().max() > 0):
                raise AssertionError(f"{type(module).__name__} returned all zeros in {mode} mode: any map to zero is "
                                     "equivariant, so the check proves nothing (pass allow_zero=True if expected)")
            for k, g in enumerate(elements):
                a, b = _seeded(module, input.transform(g), args).tensor, output.transform(g).tensor
                error = (a - b).abs().max().item() if a.numel() else 0.0
                errors[k] = max(errors[k], error)
                if not torch.allclose(a, b, atol=atol, rtol=rtol) and (worst is None or error > worst[1]):
                    worst = (g, error, mode)
    finally:
        module.load_state_dict(saved_state)
        module.train(was_training)
    if worst is not None:
        raise AssertionError(
            f"{type(module).__name__} is not equivariant: error {worst[1]:.3g} at {worst[0]} in {worst[2]} mode "
            f"(atol {atol}, rtol {rtol})"
        )
    return list(zip(elements, errors))


def _seeded(module, input: GeometricTensor, args: Sequence) -> GeometricTensor:
    with torch.no_grad(), torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return module(input, *args)

from __future__ import annotations

from typing import Sequence

import numpy as np

from ...fields import FieldType
from ...group import IrreducibleRepresentation, Representation, directsum
from .sampled_pointwise import SampledPointwise
from .sampling_grids import SAMPLES_PER_COEFFICIENT, group_grid, irrep_values


class FourierPointwise(SampledPointwise):
    r"""A pointwise nonlinearity on band-limited functions on the group (escnn's semantics):
    each field holds the Fourier coefficients of :math:`f: G \to \mathbb{R}`,

    .. math::
        f(g) = \sum_{\psi} \sum_{j < d_\psi / e_\psi} \langle c_{\psi, j}, \psi(g)_{:, j} \rangle,

    transforming by :math:`\bigoplus_\psi \psi^{\oplus d_\psi/e_\psi}` (the band-limited regular
    representation; :math:`e_\psi` the dimension of :math:`\psi`'s endomorphisms); the layer
    samples f on about ``N`` group elements, applies ``function`` and projects back.

    Args:
        gspace: the space (SO(2), O(2), SO(3) or a finite group).
        channels: the number of fields.
        irreps: the irreps spanning the band limit, e.g. ``[gs.irrep(k) for k in range(4)]``.
        function: a pointwise function name (``p_relu``, ``p_elu``, ...).
        inplace: escnn's argument, accepted for its signature; the output is always a new tensor.
        N: the number of samples (default 20 per coefficient; finite groups use all their elements).
        grid_symmetric: sample on a set closed under the pixel or voxel grid's rotations, so that
            the layer is exactly equivariant under them (for grid models; in 3D as close to
            equivariant under other rotations as a spiral of N samples, or closer).

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`, ``C = channels * field size``
        - **output:** the same
    """

    def __init__(self, gspace, channels: int, irreps: Sequence[Representation], function: str = "p_relu",
                 inplace: bool = True, *, N: int | None = None, grid_symmetric: bool = False):
        name = type(self).__name__
        irreps = list(irreps)
        if not isinstance(channels, int) or channels < 1:
            raise ValueError(f"{name} needs a positive number of channels, got {channels!r}")
        if N is not None and (not isinstance(N, int) or N < 1):
            raise ValueError(f"{name}: N (the number of sampled group elements) must be a positive integer, got {N!r}")
        multiplicities = [ir.size // ir.sum_of_squares_constituents for ir in _checked_irreps(name, gspace, irreps)]
        field = band_limited_regular(irreps)
        elements = group_grid(gspace.fibergroup, N or SAMPLES_PER_COEFFICIENT * field.size, grid_symmetric)
        columns = [irrep_values(ir, elements)[:, :, :m].transpose(0, 2, 1).reshape(len(elements), -1) * np.sqrt(ir.size)
                   for ir, m in zip(irreps, multiplicities)]  # column j of psi(g), j < m, one after another
        sampling = np.concatenate(columns, axis=1) / np.sqrt(field.size)
        super().__init__(FieldType(gspace, [field] * channels), sampling, function)


def _checked_irreps(name: str, gspace, irreps: list) -> list[IrreducibleRepresentation]:
    group = getattr(gspace, "fibergroup", None)
    if group is None:
        raise TypeError(f"{name} needs a gspace, got {type(gspace).__name__}")
    if not irreps or any(not isinstance(ir, IrreducibleRepresentation) or ir.group is not group for ir in irreps):
        got = [getattr(ir, "name", ir) for ir in irreps]
        raise ValueError(f"{name} needs a non-empty list of irreps of {group.name} (e.g. gspace.irrep(k)), got {got}")
    return irreps


def band_limited_regular(irreps: Sequence[Representation]) -> Representation:
    """The field of :class:`FourierPointwise` on ``irreps``: each irrep :math:`\\psi` repeated
    :math:`d_\\psi / e_\\psi` times (the regular representation, band-limited)."""
    return directsum([ir for ir in irreps for _ in range(ir.size // ir.sum_of_squares_constituents)],
                     name="spectral_regular")

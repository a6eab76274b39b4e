"""Building kernel bases, with an in-memory cache keyed by everything they depend on."""
from __future__ import annotations

from typing import Callable, Sequence

from ..group import Group, Representation
from .bandlimit import UniformBandLimit, default_sigma
from .basis import KernelBasis
from .radial import GaussianRings, RadialProfile


def build_kernel_basis(
    group: Group,
    action: Representation,
    in_repr: Representation,
    out_repr: Representation,
    rings: Sequence[float] | None = None,
    sigma: Sequence[float] | float | None = None,
    maximum_frequency: int | None = None,
    frequencies_cutoff: float | Callable[[float], float] | None = None,
    basis_filter: Callable[[dict], bool] | None = None,
    radial: RadialProfile | None = None,
    allow_empty: bool = False,
) -> KernelBasis:
    """A :class:`KernelBasis` for ``group`` acting on R^d through ``action`` (d x d).

    Either ``rings`` (Gaussian rings of widths ``sigma``, escnn's grid parametrisation; default
    widths 0.6, 0.4 on the outer ring, 0.005 at the centre; default band limit relative to the
    outer ring) or a ``radial`` profile such as ``BesselRadial(cutoff=...)`` (point clouds;
    band limit ``maximum_frequency``, default 3 in 2D and 2 in 3D).

    ``allow_empty=True`` returns an empty basis instead of raising (layers use it for pairs of
    fields that do not couple). Bases built without callables are cached in memory (key: the action, both representations
    by content, the radial profile's parameters and the band limit), so building the same
    layer twice is a dictionary lookup.
    """
    if radial is None:
        if rings is None:
            raise ValueError("give rings=[...] (Gaussian rings, for grids) or radial=... (e.g. BesselRadial(cutoff=r))")
        radial = GaussianRings(rings, default_sigma(rings) if sigma is None else sigma)
    elif rings is not None or sigma is not None:
        raise ValueError("give either rings/sigma or radial, not both")
    cacheable = basis_filter is None and (not callable(frequencies_cutoff)
                                          or isinstance(frequencies_cutoff, UniformBandLimit))
    key = ("kernel_basis", action, in_repr, out_repr, radial.key(), maximum_frequency, frequencies_cutoff)
    if cacheable:
        cached = group._cache.get(key)
        if cached is not None:
            if not allow_empty:
                cached.check_not_empty(basis_filter)
            return cached
    basis = KernelBasis(group, action, in_repr, out_repr, radial, maximum_frequency, frequencies_cutoff, basis_filter,
                        allow_empty)
    if cacheable:
        group._cache[key] = basis
    return basis

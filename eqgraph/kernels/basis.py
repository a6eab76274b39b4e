"""KernelBasis: a basis of steerable kernels between two representations."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from ..group import Group, Representation
from .bandlimit import POINT_MAXIMUM_FREQUENCY, as_cutoff
from .harmonics import harmonic_decomposition, harmonics, safe_norm
from .radial import RadialProfile
from .solver import angular_solutions

STRUCTURAL_SEARCH_DEGREE = 16
"""How far past the band limit an empty basis is searched, to tell a too-tight band limit
(an error) from a kernel space that is zero at every frequency (a warning)."""


class KernelSpaceWarning(UserWarning):
    """No steerable kernel exists between the two representations, at any frequency."""


@dataclass(frozen=True)
class BlockPair:
    """The elements of a basis living in one (output irrep, input irrep) block."""

    out_index: int
    in_index: int
    out_slice: slice
    in_slice: slice
    elements: slice  # positions in the basis
    radial_index: np.ndarray  # per element
    angular_index: np.ndarray  # per element, into this pair's angular maps


class KernelBasis:
    r"""A basis :math:`\{K_b\}` of steerable kernels :math:`K_b: \mathbb{R}^d \to \mathbb{R}^{c_{out} \times c_{in}}`,

    .. math::
        K_b(g.x) = \rho_{out}(g)\, K_b(x)\, \rho_{in}(g)^{-1} \qquad \forall g \in G,

    with :math:`K_{r,J,t}(x) = \phi_r(|x|) \sum_m T_t[:, :, m]\, Y_J^m(x/|x|)`: radial profiles
    times harmonics combined by intertwiners, solved per irrep pair and lifted through the
    representations' changes of basis. Build it with ``gspace.build_kernel_basis``.

    ``len(basis)`` is the number of learnable coefficients; ``attributes()`` describes every
    element. ``sample(points)`` evaluates all elements densely; ``sample_blocks(points)`` gives
    the factorised form in irrep coordinates (what convolutions contract with their weights);
    ``sample_angular(points)`` gives the angular elements alone, for learnable radial functions.
    All are torch functions, differentiable with respect to the points (finite at the origin).

    Shapes:
        - **points:** :math:`(P, d)`
        - **sample:** :math:`(P, \text{len(basis)}, c_{out}, c_{in})`
    """

    def __init__(
        self,
        group: Group,
        action: Representation,
        in_repr: Representation,
        out_repr: Representation,
        radial: RadialProfile,
        maximum_frequency: int | None = None,
        frequencies_cutoff: float | Callable[[float], float] | None = None,
        basis_filter: Callable[[dict], bool] | None = None,
        allow_empty: bool = False,
    ):
        _check_inputs(group, action, in_repr, out_repr)
        self.group, self.action = group, action
        self.dimensionality = action.size
        self.in_repr, self.out_repr = in_repr, out_repr
        self.radial = radial
        self._band_limits = _band_limits(radial, maximum_frequency, frequencies_cutoff, self.dimensionality)
        self.maximum_frequency = int(max(self._band_limits))
        self.harmonic_changes = [harmonic_decomposition(group, action, J)[1] for J in range(self.maximum_frequency + 1)]
        self._harmonic_offsets = np.cumsum([0] + [c.shape[1] for c in self.harmonic_changes])

        offsets_out = np.cumsum([0] + [group._irrep_size(i) for i in out_repr.irreps])
        offsets_in = np.cumsum([0] + [group._irrep_size(i) for i in in_repr.irreps])
        self.block_pairs: list[BlockPair] = []
        self._angular_maps: list[np.ndarray] = []  # per distinct irrep pair: [A, d_out, d_in, S]
        self._maps_of_pair: list[int] = []  # per block pair, its entry in _angular_maps
        maps_of_ids: dict = {}
        self._attributes: list[dict] = []
        self._angular_attributes: list[dict] = []
        for o, out_id in enumerate(out_repr.irreps):
            for i, in_id in enumerate(in_repr.irreps):
                self._add_block_pair(o, i, out_id, in_id, offsets_out, offsets_in, basis_filter, maps_of_ids)
        if not allow_empty:
            self.check_not_empty(basis_filter)
        # pairs of equal irreps with the same elements have equal values: evaluate each once
        distinct: dict = {}
        self._values_of_pair = [
            distinct.setdefault((k, p.radial_index.tobytes(), p.angular_index.tobytes()), len(distinct))
            for k, p in zip(self._maps_of_pair, self.block_pairs)
        ]
        self._distinct_values = [(k, self.block_pairs[self._values_of_pair.index(v)]) for (k, _, _), v in distinct.items()]
        self._converted: dict = {}

    # ------------------------------------------------------------------ construction
    def _add_block_pair(self, o, i, out_id, in_id, offsets_out, offsets_in, basis_filter, maps_of_ids) -> None:
        d_out, d_in = offsets_out[o + 1] - offsets_out[o], offsets_in[i + 1] - offsets_in[i]
        total_components = self._harmonic_offsets[-1]
        maps, angular_attrs = [], []
        for J in range(self.maximum_frequency + 1):
            for solution in angular_solutions(self.group, self.action, J, out_id, in_id):
                start = self._harmonic_offsets[J] + solution.columns.start
                for t, m in enumerate(solution.maps):
                    full = np.zeros((d_out, d_in, total_components))
                    full[:, :, start:start + m.shape[2]] = m
                    maps.append(full)
                    angular_attrs.append({
                        "frequency": J, "harmonic_copy": solution.copy, "harmonic_irrep": solution.phi,
                        "out_irrep": out_id, "out_irrep_index": o, "in_irrep": in_id, "in_irrep_index": i,
                        "intertwiner": t,
                    })
        radii = self.radial.radii()
        radial_index, angular_index = [], []
        first = len(self._attributes)
        for a, attrs in enumerate(angular_attrs):
            for r, radius in enumerate(radii):
                if attrs["frequency"] > self._band_limits[r]:
                    continue
                element = dict(attrs, radius=radius, radial_index=r, index=len(self._attributes))
                if basis_filter is not None and not basis_filter(element):
                    continue
                self._attributes.append(element)
                radial_index.append(r)
                angular_index.append(a)
        self._angular_attributes.extend(angular_attrs)
        if maps:
            if (out_id, in_id) not in maps_of_ids:  # blocks of equal irreps share their angular maps
                maps_of_ids[(out_id, in_id)] = len(self._angular_maps)
                self._angular_maps.append(np.array(maps))
            self._maps_of_pair.append(maps_of_ids[(out_id, in_id)])
            self.block_pairs.append(BlockPair(
                o, i, slice(offsets_out[o], offsets_out[o + 1]), slice(offsets_in[i], offsets_in[i + 1]),
                slice(first, len(self._attributes)), np.array(radial_index, dtype=np.int64),
                np.array(angular_index, dtype=np.int64),
            ))

    def check_not_empty(self, basis_filter=None) -> None:
        """Raise ValueError if the basis is empty because of its band limit (or filter); warn
        with :class:`KernelSpaceWarning` if no kernel exists at any frequency."""
        if self._attributes:
            return
        if self._angular_attributes and basis_filter is not None:
            raise ValueError(f"basis_filter removed every element of the kernel basis from {self.in_repr} to {self.out_repr}")
        reasons = []
        for out_id in dict.fromkeys(self.out_repr.irreps):
            for in_id in dict.fromkeys(self.in_repr.irreps):
                first = next((J for J in range(STRUCTURAL_SEARCH_DEGREE + self.maximum_frequency + 1)
                              if angular_solutions(self.group, self.action, J, out_id, in_id)), None)
                if first is not None:
                    reasons.append(f"irreps {out_id} <- {in_id} first couple through harmonics of degree {first}")
        if reasons:
            radii = self.radial.radii()
            limits = (f"J <= {self.maximum_frequency}" if None in radii else
                      ", ".join(f"J <= {limit:g} at radius {radius:g}" for radius, limit in zip(radii, self._band_limits)))
            raise ValueError(
                f"the kernel basis from {self.in_repr} to {self.out_repr} is empty: {'; '.join(sorted(set(reasons))[:4])}, "
                f"but the band limit allows only {limits}; raise maximum_frequency or "
                "frequencies_cutoff, or use larger rings"
            )
        warnings.warn(
            f"no steerable kernel maps {self.in_repr} to {self.out_repr} at any frequency up to "
            f"{STRUCTURAL_SEARCH_DEGREE + self.maximum_frequency} (their irreps never couple through the harmonics of "
            f"{self.group.name} on R^{self.dimensionality}); the basis is empty and the kernel is zero",
            KernelSpaceWarning,
            stacklevel=3,
        )

    # ------------------------------------------------------------------ description
    def __len__(self) -> int:
        return len(self._attributes)

    @property
    def angular_size(self) -> int:
        """Number of angular elements (radial part left to a learnable function)."""
        return len(self._angular_attributes)

    def attributes(self) -> list[dict]:
        """Per element: radius (None for profiles without rings), radial_index, frequency J,
        harmonic_copy and harmonic_irrep, out/in irrep ids and block indices, intertwiner, index."""
        return [dict(a) for a in self._attributes]

    def angular_attributes(self) -> list[dict]:
        return [dict(a) for a in self._angular_attributes]

    def angular_maps(self, pair_index: int) -> np.ndarray:
        """``[A, d_out, d_in, S]``: the angular maps of ``block_pairs[pair_index]`` (indexed by its
        ``angular_index``), acting on the harmonic components of ``harmonics()``."""
        return self._angular_maps[self._maps_of_pair[pair_index]]

    def __repr__(self) -> str:
        return (f"KernelBasis({self.group.name} on R^{self.dimensionality}, {self.in_repr} -> {self.out_repr}, "
                f"{len(self)} elements, J <= {self.maximum_frequency})")

    # ------------------------------------------------------------------ evaluation
    def _tensors(self, dtype: torch.dtype, device: torch.device) -> dict:
        key = (dtype, device)
        converted = self._converted.get(key)
        if converted is None:
            as_tensor = lambda a: torch.tensor(np.array(a), dtype=dtype, device=device)
            converted = {
                "harmonic_changes": [as_tensor(c) for c in self.harmonic_changes],
                "maps": [as_tensor(m) for m in self._angular_maps],
                "radial_index": [torch.as_tensor(p.radial_index, device=device) for _, p in self._distinct_values],
                "angular_index": [torch.as_tensor(p.angular_index, device=device) for _, p in self._distinct_values],
                "q_out": as_tensor(self.out_repr.change_of_basis),
                "q_in_inv": as_tensor(self.in_repr.change_of_basis_inv),
            }
            self._converted[key] = converted
        return converted

    def harmonics(self, points: torch.Tensor) -> torch.Tensor:
        """``[P, S]``: all harmonic components up to the band limit, each transforming by an
        irrep of G (the columns the angular maps act on)."""
        tensors = self._tensors(points.dtype, points.device)
        values = harmonics(points, self.maximum_frequency)
        return torch.cat([y @ c for y, c in zip(values, tensors["harmonic_changes"])], dim=-1)

    def radial_values(self, points: torch.Tensor) -> torch.Tensor:
        """``[P, R]``: the radial profiles at |x|."""
        return self.radial(safe_norm(points))

    def sample_blocks(self, points: torch.Tensor) -> list[torch.Tensor]:
        """Per entry of ``block_pairs``: ``[P, B_pair, d_out, d_in]``, the elements of that
        pair in irrep coordinates (before the representations' changes of basis). Pairs of
        equal irreps share one tensor; do not modify them in place."""
        points = self._check_points(points)
        tensors = self._tensors(points.dtype, points.device)
        components = self.harmonics(points)
        radial = self.radial_values(points)
        angular = [_angular(maps, components) for maps in tensors["maps"]]
        values = [radial[:, r_idx, None, None] * angular[k][:, a_idx]
                  for (k, _), r_idx, a_idx in zip(self._distinct_values, tensors["radial_index"], tensors["angular_index"])]
        return [values[v] for v in self._values_of_pair]

    def sample(self, points: torch.Tensor) -> torch.Tensor:
        """``[P, len(basis), c_out, c_in]``: every element at every point."""
        points = self._check_points(points)
        tensors = self._tensors(points.dtype, points.device)
        out = points.new_zeros(points.shape[0], len(self), self.out_repr.size, self.in_repr.size)
        for pair, values in zip(self.block_pairs, self.sample_blocks(points)):
            out[:, pair.elements] = tensors["q_out"][:, pair.out_slice] @ values @ tensors["q_in_inv"][pair.in_slice, :]
        return out

    def sample_angular(self, points: torch.Tensor) -> torch.Tensor:
        """``[P, angular_size, c_out, c_in]``: the angular elements (no radial factor)."""
        points = self._check_points(points)
        tensors = self._tensors(points.dtype, points.device)
        components = self.harmonics(points)
        angular = [_angular(maps, components) for maps in tensors["maps"]]
        parts = []
        for pair, k in zip(self.block_pairs, self._maps_of_pair):
            parts.append(tensors["q_out"][:, pair.out_slice] @ angular[k] @ tensors["q_in_inv"][pair.in_slice, :])
        if not parts:
            return points.new_zeros(points.shape[0], 0, self.out_repr.size, self.in_repr.size)
        return torch.cat(parts, dim=1)

    def _check_points(self, points) -> torch.Tensor:
        if not isinstance(points, torch.Tensor):
            raise TypeError(f"points must be a torch.Tensor [P, {self.dimensionality}], got {type(points).__name__}")
        if points.dim() != 2 or points.shape[1] != self.dimensionality:
            raise ValueError(f"points must have shape [P, {self.dimensionality}], got {tuple(points.shape)}")
        if not torch.isfinite(points).all():
            raise ValueError("points contain NaN or infinite coordinates")
        return points


def _angular(maps: torch.Tensor, components: torch.Tensor) -> torch.Tensor:
    """``[P, A, d_out, d_in]``: angular maps ``[A, d_out, d_in, S]`` applied to harmonic components ``[P, S]``."""
    flat = components @ maps.reshape(-1, maps.shape[-1]).T
    return flat.view(components.shape[0], *maps.shape[:3])


def _check_inputs(group: Group, action: Representation, in_repr: Representation, out_repr: Representation) -> None:
    if action.group is not group or action.size not in (2, 3):
        raise ValueError(f"the action must be a 2- or 3-dimensional representation of {group.name}, got {action}")
    for label, rep in (("in_repr", in_repr), ("out_repr", out_repr)):
        if not isinstance(rep, Representation):
            raise TypeError(f"{label} must be a Representation, got {type(rep).__name__}")
        if rep.group is not group:
            raise ValueError(f"{label} is a representation of {rep.group.name}, but the kernel's group is {group.name}")


def _band_limits(radial: RadialProfile, maximum_frequency, frequencies_cutoff, d: int) -> list[float]:
    """Highest harmonic degree allowed for every radial function."""
    if maximum_frequency is not None and (not isinstance(maximum_frequency, (int, np.integer)) or maximum_frequency < 0):
        raise ValueError(f"maximum_frequency must be an integer >= 0, got {maximum_frequency!r}")
    radii = radial.radii()
    if any(r is None for r in radii):
        limit = POINT_MAXIMUM_FREQUENCY[d] if maximum_frequency is None else maximum_frequency
        return [int(limit)] * len(radii)
    cutoff = as_cutoff(frequencies_cutoff, radii)
    limits = [int(np.floor(cutoff(r) + 1e-9)) for r in radii]
    if maximum_frequency is not None:
        limits = [min(limit, int(maximum_frequency)) for limit in limits]
    return [max(limit, 0) for limit in limits]


"""The shared machinery of steerable convolutions on graphs and point clouds."""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np
import scipy.linalg
import torch

from ...fields import FieldType, GeometricTensor
from ...kernels import BesselRadial, GaussianRings, RadialProfile, RadialSlots, default_sigma
from ..init import generalized_he_init
from ..trivial_bias import trivial_bias_expansion
from .edge_chunks import aggregate_edges, chunk_edges
from .edge_geometry import EdgeGeometry
from .irrep_paths import IrrepPaths
from .layout import KernelLayout, check_field_types
from .path_contraction import PathGroup, contract_paths, values_per_edge
from .point_graph_layer import PointGraphLayer
from .radial_network import RadialNetwork

AGGREGATIONS = ("add", "sum", "mean")
PROBE_DISTANCES = 64
"""Distances at which radial profiles are averaged to scale the initial weights."""


class PointConv(PointGraphLayer):
    r"""Base of :class:`R2PointConv` and :class:`R3PointConv`: a PyG ``MessagePassing`` layer

    .. math::
        y_i = \bigoplus_{j \in \mathcal{N}(i)} K(x_j - x_i)\, f_j + b,
        \qquad K(g x) = \rho_{out}(g) K(x) \rho_{in}(g)^{-1},

    evaluated in factorised form: features are moved to the irrep basis, every pair of irreps
    ("path") contracts the edge harmonics with all copies of its input irrep, and the paths
    into one output irrep are mixed with the learnable coefficients in one GEMM over
    ``(edges x d_out, m_in x angular)``; no dense ``c_out x c_in`` matrix is built per edge.

    Subclasses set ``dimensionality``.
    """

    dimensionality: int

    def __init__(
        self,
        in_type: FieldType,
        out_type: FieldType,
        *,  # escnn's third argument is groups: everything else by name, so a ported call cannot misbind
        cutoff: float | None = None,
        n_radial: int = 8,
        radial: RadialProfile | None = None,
        radial_mlp: Sequence[int] | None = None,
        rings: Sequence[float] | None = None,
        sigma: float | Sequence[float] | None = None,
        width: float | None = None,
        n_rings: int | None = None,
        maximum_frequency: int | None = None,
        frequencies_cutoff: float | Callable[[float], float] | None = None,
        basis_filter: Callable[[dict], bool] | None = None,
        aggr: str = "add",
        num_neighbors: float | None = None,
        bias: bool = True,
        initialize: bool = True,
    ):
        if aggr not in AGGREGATIONS:
            raise ValueError(f"{type(self).__name__}: aggr must be one of {AGGREGATIONS}, got {aggr!r}")
        super().__init__(aggr="add" if aggr == "sum" else aggr, node_dim=0)
        name = type(self).__name__
        check_field_types(in_type, out_type)
        if in_type.gspace.dimensionality != self.dimensionality:
            raise ValueError(f"{name} works on R^{self.dimensionality}, but the field types live on {in_type.gspace.name}")
        self.in_type, self.out_type = in_type, out_type
        if num_neighbors is not None and not num_neighbors > 0:
            raise ValueError(f"{name}: num_neighbors must be positive, got {num_neighbors!r}")
        self.num_neighbors = num_neighbors
        profile, basis_kwargs, support = _radial_setup(
            name, cutoff, n_radial, radial, radial_mlp, rings, sigma, width, n_rings, frequencies_cutoff)
        self.radial_profile = profile
        self.radial_mlp = _mlp(profile.size, radial_mlp)
        radial_size = profile.size if radial_mlp is None else radial_mlp[-1]
        basis_kwargs.update(maximum_frequency=maximum_frequency, basis_filter=basis_filter)
        if radial_mlp is not None:
            basis_kwargs["radial"] = RadialSlots(radial_size)
        self.layout = KernelLayout(in_type, out_type, basis_kwargs)
        self.paths = IrrepPaths(self.layout, radial_size)
        self._register_geometry_buffers()
        self._register_path_buffers(radial_size)
        self.weights = torch.nn.Parameter(torch.zeros(self.layout.size))
        expansion = trivial_bias_expansion(out_type) if bias else None
        self.register_constant("bias_expansion", expansion)
        self.bias = None if expansion is None else torch.nn.Parameter(torch.zeros(expansion.shape[1]))
        self.basisexpansion = PointBasisNorms(self.layout, self._radial_rms(support))
        if initialize:
            generalized_he_init(self.weights.data, self.basisexpansion)

    # ------------------------------------------------------------------ construction
    def _register_geometry_buffers(self) -> None:
        basis = self.layout.blocks[0].basis
        self.maximum_frequency = basis.maximum_frequency
        change = scipy.linalg.block_diag(*basis.harmonic_changes)
        identity = np.allclose(change, np.eye(change.shape[0]), atol=1e-12)
        self.register_constant("harmonic_change", None if identity else change)
        q_in_inv = self.in_type.change_of_basis_inv.toarray()[self.paths.in_order]
        q_out = self.out_type.change_of_basis.toarray()[:, self.paths.out_order]
        for label, matrix in (("in_matrix", q_in_inv), ("out_matrix", q_out)):
            identity = np.allclose(matrix, np.eye(matrix.shape[0]), atol=1e-12)
            self.register_constant(label, None if identity else matrix)

    def _register_path_buffers(self, radial_size: int) -> None:
        self.radial_size = radial_size
        self._path_shapes = []
        for n, path in enumerate(self.paths.paths):
            maps = path.angular_maps
            # [S, (d_out, A, d_in)]: harmonics @ this gives each edge's angular maps output-component-major
            self.register_constant(f"angular_{n}", maps.transpose(1, 0, 2, 3).reshape(-1, maps.shape[-1]).T)
            index = np.where(path.weight_index < 0, self.layout.size, path.weight_index)  # -1: the zero slot
            self.register_buffer(f"weight_index_{n}", torch.as_tensor(index.reshape(-1)), persistent=False)
            self._path_shapes.append(tuple(int(s) for s in path.weight_index.shape) + (int(maps.shape[1]), int(maps.shape[2])))
        self._in_sizes = tuple(c.multiplicity * c.dimension for c in self.paths.in_copies)
        self._groups = tuple(
            PathGroup(copies.multiplicity, copies.dimension,
                      tuple((n, path.in_index, self._path_shapes[n][1], self._path_shapes[n][2], self._path_shapes[n][5])
                            for n, path in enumerate(self.paths.paths) if path.out_index == o))
            for o, copies in enumerate(self.paths.out_copies))
        hidden = 0 if self.radial_mlp is None else sum(self.radial_mlp.widths[1:])
        self.edge_chunk_size = chunk_edges(values_per_edge(self.in_type.size, radial_size, self._groups) + hidden)
        """Edges per chunk on large graphs (see :mod:`eqgraph.nn.conv.edge_chunks`); None: never chunk."""

    def _radial_rms(self, support: float) -> np.ndarray:
        """Root-mean-square of every radial function over a ball of radius ``support``."""
        d = self.dimensionality
        t = (np.arange(PROBE_DISTANCES) + 0.5) / PROBE_DISTANCES
        distances = torch.tensor(support * t, dtype=torch.float64)
        density = torch.tensor(t ** (d - 1) / (t ** (d - 1)).sum(), dtype=torch.float64)
        with torch.no_grad():
            values = self._radial_values(distances.to(torch.get_default_dtype())).double()
        return torch.sqrt((values ** 2 * density[:, None]).sum(0)).numpy()

    # ------------------------------------------------------------------ geometry
    def _radial_values(self, distances: torch.Tensor) -> torch.Tensor:
        values = self.radial_profile(distances)
        return values if self.radial_mlp is None else self.radial_mlp(values)

    # ------------------------------------------------------------------ forward
    def forward(self, x, edge_index: torch.Tensor, edge_delta: torch.Tensor | None = None,
                geometry: EdgeGeometry | None = None) -> GeometricTensor:
        """Args:
            x: a GeometricTensor of ``in_type`` on nodes (with coords), or a pair
                ``(x_src, x_dst)`` for bipartite graphs (``x_dst``: the target points, any type).
            edge_index: ``[2, E]``, messages flow from ``edge_index[0]`` to ``edge_index[1]``.
            edge_delta: ``[E, d]`` offsets replacing ``pos[j] - pos[i]`` (periodic cells).
            geometry: a precomputed :class:`EdgeGeometry` of this graph.
        """
        x_src, x_dst, geometry = self._checked_graph(x, edge_index, edge_delta, geometry)
        features = x_src.tensor if self.in_matrix is None else x_src.tensor @ self.in_matrix.T
        mixing = self.mixing_matrices()
        angular = self.angular_maps()

        def messages(sources, harmonics, radial):
            if self.radial_mlp is not None:
                radial = self.radial_mlp(radial)
            return contract_paths(features.index_select(0, sources), harmonics, radial, angular, mixing,
                                  self._in_sizes, self._groups)

        out = aggregate_edges(messages, edge_index, (geometry.harmonics, geometry.radial), x_dst.shape[0],
                              self.aggr == "mean", self.edge_chunk_size)
        if self.num_neighbors is not None:
            out = out / math.sqrt(self.num_neighbors)
        if self.out_matrix is not None:
            out = out @ self.out_matrix.T
        if self.bias is not None:
            out = out + self.bias_expansion @ self.bias
        return GeometricTensor(out, self.out_type, x_dst.coords)

    def angular_maps(self) -> list[torch.Tensor]:
        """Per path, ``[S, d_out * A * d_in]``: the angular maps applied to the harmonics."""
        return [getattr(self, f"angular_{n}") for n in range(len(self._path_shapes))]

    def mixing_matrices(self) -> list[torch.Tensor | None]:
        """Per output irrep, the learnable coefficients of its paths as one ``[sum A m_in, R m_out]``
        matrix (None when no path reaches it)."""
        padded = torch.cat([self.weights, self.weights.new_zeros(1)])
        matrices = []
        for group in self._groups:
            blocks = []
            for n, _, m_in, A, _ in group.paths:
                w = padded[getattr(self, f"weight_index_{n}")].view(group.multiplicity, m_in, A, self.radial_size)
                blocks.append(w.permute(2, 1, 3, 0).reshape(A * m_in, self.radial_size * group.multiplicity))
            matrices.append(torch.cat(blocks, dim=0) if blocks else None)
        return matrices

    def export(self) -> torch.nn.Module:
        """A plain :class:`ExportedPointConv` computing this layer from tensors:
        ``forward(x, pos, edge_index, edge_delta=None)``, the coefficients folded in."""
        from ..plain.point_conv import ExportedPointConv

        return ExportedPointConv(self)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.in_type} -> {self.out_type}, radial={self.radial_profile}, "
                f"J <= {self.maximum_frequency}, aggr={self.aggr}, weights={self.layout.size})")


class PointBasisNorms:
    """A point convolution's layout and the typical size of each basis element (radial RMS over
    the support times the angular maps' norm per output channel), for initialisation."""

    def __init__(self, layout: KernelLayout, radial_rms: np.ndarray):
        self.layout = layout
        self.radial_rms = radial_rms

    def element_norms(self) -> list[torch.Tensor]:
        norms = []
        for block in self.layout.blocks:
            d_out = self.layout.out_groups[block.out_group].representation.size
            values = np.zeros(len(block.basis))
            for k, pair in enumerate(block.basis.block_pairs):
                angular = np.sqrt((block.basis.angular_maps(k) ** 2).sum(axis=(1, 2, 3)))
                values[pair.elements] = self.radial_rms[pair.radial_index] * angular[pair.angular_index]
            norms.append(torch.tensor(values / math.sqrt(d_out)))
        return norms


def _radial_setup(name, cutoff, n_radial, radial, radial_mlp, rings, sigma, width, n_rings, frequencies_cutoff):
    """``(fixed profile, basis kwargs, support radius)`` from a point conv's radial arguments."""
    if width is not None or n_rings is not None:
        if rings is not None or width is None or n_rings is None:
            raise ValueError(f"{name}: give width and n_rings together (escnn's rings), or rings, not both")
        rings = list(np.linspace(0, width, n_rings)) if n_rings > 1 else [0.0]
    if rings is not None:
        if radial is not None or radial_mlp is not None or cutoff is not None:
            raise ValueError(f"{name}: Gaussian rings (rings=, width=) exclude cutoff=, radial= and radial_mlp=")
        rings = [float(r) for r in rings]
        sigma = default_sigma(rings) if sigma is None else sigma
        profile = GaussianRings(rings, sigma)
        support = max(rings) + 2 * max(profile.sigma)
        return profile, dict(rings=rings, sigma=profile.sigma, frequencies_cutoff=frequencies_cutoff), support
    if sigma is not None or frequencies_cutoff is not None:
        raise ValueError(f"{name}: sigma and frequencies_cutoff belong to Gaussian rings (rings= or width=)")
    if radial is None:
        if cutoff is None or not 0 < cutoff < math.inf:
            raise ValueError(f"{name}: give a finite cutoff=r > 0 (Bessel radial functions with a smooth cutoff; got "
                             f"{cutoff!r}), "
                             "radial=RadialProfile, or rings=[...] (grid-compatible Gaussian rings)")
        radial = BesselRadial(n_radial, cutoff)
    elif not isinstance(radial, RadialProfile):
        raise TypeError(f"{name}: radial must be a RadialProfile, got {type(radial).__name__}")
    if radial_mlp is not None and any(r is not None for r in radial.radii()):
        raise ValueError(f"{name}: radial_mlp needs a profile without rings (e.g. BesselRadial)")
    support = cutoff if cutoff is not None else getattr(radial, "cutoff", 1.0)
    return radial, dict(radial=radial), float(support)


def _mlp(width: int, hidden: Sequence[int] | None) -> torch.nn.Module | None:
    """The learnable radial features: a bias-free :class:`RadialNetwork` ending in its activation,
    so that they vanish, like the embedding, at and beyond the cutoff."""
    if hidden is None:
        return None
    hidden = list(hidden)
    if not hidden or any(not isinstance(h, int) or h < 1 for h in hidden):
        raise ValueError(f"radial_mlp must be a non-empty list of positive widths, got {hidden}")
    return RadialNetwork(width, hidden[:-1], hidden[-1], activate_output=True)

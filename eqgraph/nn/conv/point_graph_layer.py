"""PointGraphLayer: what every steerable layer on graph edges shares (edge geometry, input checks)."""
from __future__ import annotations

import torch
from torch_geometric.nn import MessagePassing

from ...fields import GeometricTensor
from ...kernels.harmonics import harmonic_size, safe_norm
from ..constant_buffers import ConstantBuffers
from ..equivariant_module import EquivariantModule
from .edge_geometry import EdgeGeometry, edge_harmonics, edge_offsets


class PointGraphLayer(ConstantBuffers, MessagePassing, EquivariantModule):
    """Base of the point convolutions: a PyG ``MessagePassing`` layer on node features with
    coordinates, whose kernels read the edges' harmonics (up to ``maximum_frequency``, moved to
    the group's irrep basis by ``harmonic_change``) and a fixed ``radial_profile``.

    Subclasses set ``dimensionality``, ``in_type``, ``out_type``, ``maximum_frequency``,
    ``harmonic_change`` (a constant buffer or None) and ``radial_profile``.
    """

    dimensionality: int

    # ------------------------------------------------------------------ geometry
    def edge_geometry(self, x, edge_index: torch.Tensor, edge_delta: torch.Tensor | None = None) -> EdgeGeometry:
        """The edge offsets, harmonics and fixed radial profile of a graph, to share between
        layers with the same band limit and radial profile."""
        x_src, x_dst = self._check_nodes(x)
        self._check_edges(edge_index, x_src.shape[0], x_dst.shape[0], edge_delta)
        return self._edge_geometry(x_src, x_dst, edge_index, edge_delta)

    def _edge_geometry(self, x_src, x_dst, edge_index, edge_delta) -> EdgeGeometry:
        if edge_delta is None:
            edge_delta = edge_offsets(x_src.coords, x_dst.coords, edge_index)
        return self.geometry_of_offsets(edge_delta)

    def geometry_of_offsets(self, edge_delta: torch.Tensor) -> EdgeGeometry:
        """The :class:`EdgeGeometry` of edges with offsets ``edge_delta [E, d]`` (differentiable)."""
        values = edge_harmonics(edge_delta, self.maximum_frequency, self.harmonic_change)
        return EdgeGeometry(edge_delta, values, self.radial_profile(safe_norm(edge_delta)))

    def check_inputs(self, dtype: torch.dtype) -> tuple:
        """Twelve random points within the radial support, joined by every ordered pair, and the
        group's testing elements."""
        from ...testing import random_input

        x = random_input(self.in_type, points=12, dtype=dtype)
        rings = [r for r in self.radial_profile.radii() if r is not None]
        support = getattr(self.radial_profile, "cutoff", None) or max(rings + [0.0]) + 1.0
        coords = x.coords / x.coords.norm(dim=1).max() * 0.45 * support  # all pairs within the support
        nodes = torch.arange(12)
        pairs = torch.cartesian_prod(nodes, nodes)
        edge_index = pairs[pairs[:, 0] != pairs[:, 1]].T.contiguous()
        return GeometricTensor(x.tensor, self.in_type, coords), (edge_index,), None

    # ------------------------------------------------------------------ what the weights mean
    def weight_layout(self) -> dict:
        """What this layer's weights mean: its class, field types, radial profile (cutoff) and band
        limit. Saved in ``state_dict`` (as extra state); loading weights of another layout is refused."""
        return {"layer": type(self).__name__, "in": [r.name for r in self.in_type.representations],
                "out": [r.name for r in self.out_type.representations], "radial": repr(self.radial_profile),
                "maximum_frequency": self.maximum_frequency}

    def get_extra_state(self) -> dict:
        return {"layout": self.weight_layout()}

    def set_extra_state(self, state) -> None:
        stored = state.get("layout") if isinstance(state, dict) else None
        expected = self.weight_layout()
        if stored != expected:
            differences = {k: (stored.get(k) if isinstance(stored, dict) else None, v) for k, v in expected.items()
                           if not isinstance(stored, dict) or stored.get(k) != v}
            raise ValueError(f"{type(self).__name__}: these weights were saved from a layer of another layout; "
                             + "; ".join(f"{k}: saved {old!r}, this layer {new!r}" for k, (old, new) in differences.items()))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)
        if prefix + "_extra_state" in missing_keys:  # weights of a grid convolution carry no layout: shapes decide
            missing_keys.remove(prefix + "_extra_state")

    # ------------------------------------------------------------------ checks
    def _checked_graph(self, x, edge_index, edge_delta, geometry) -> tuple[GeometricTensor, GeometricTensor, EdgeGeometry]:
        """``(sources, targets, geometry)`` of a forward's arguments, checked; the geometry computed
        unless given."""
        x_src, x_dst = self._check_nodes(x)
        self._check_edges(edge_index, x_src.shape[0], x_dst.shape[0], edge_delta)
        if geometry is None:
            geometry = self._edge_geometry(x_src, x_dst, edge_index, edge_delta)
        else:
            self._check_geometry(geometry, edge_index)
        return x_src, x_dst, geometry

    def _check_nodes(self, x) -> tuple[GeometricTensor, GeometricTensor]:
        name = type(self).__name__
        x_src, x_dst = x if isinstance(x, tuple) else (x, x)
        self.check_type(x_src)
        if not isinstance(x_dst, GeometricTensor) or x_dst.type.gspace != self.in_type.gspace:
            raise TypeError(f"{name}: the targets of a bipartite graph must be a GeometricTensor on {self.in_type.gspace}")
        for label, t in (("input", x_src), ("targets", x_dst)):
            if t.is_grid:
                raise ValueError(f"{name} takes node features [N, C] with coords, got a grid tensor of shape "
                                 f"{tuple(t.shape)} as {label}; use R{self.dimensionality}Conv on grids, or "
                                 "eqgraph.graph.grid_to_graph")
            if t.coords is None:
                raise ValueError(f"{name}: the {label} have no coords; build GeometricTensor(features, type, coords)")
            if t.coords.dtype != t.tensor.dtype:
                raise TypeError(f"{name}: the {label} have {t.coords.dtype} coords but {t.tensor.dtype} features; "
                                "give both in one dtype")
        return x_src, x_dst

    def _check_edges(self, edge_index, n_src: int, n_dst: int, edge_delta) -> None:
        name = type(self).__name__
        if not isinstance(edge_index, torch.Tensor) or edge_index.dim() != 2 or edge_index.shape[0] != 2 \
                or edge_index.dtype != torch.long:
            shape = tuple(edge_index.shape) if isinstance(edge_index, torch.Tensor) else type(edge_index).__name__
            raise ValueError(f"{name}: edge_index must be a long tensor [2, E], got {shape}")
        if edge_delta is not None and (edge_delta.dim() != 2 or edge_delta.shape != (edge_index.shape[1], self.dimensionality)):
            raise ValueError(f"{name}: edge_delta must be [E, {self.dimensionality}] = "
                             f"[{edge_index.shape[1]}, {self.dimensionality}], got {tuple(edge_delta.shape)}")
        if torch.compiler.is_compiling() or edge_index.shape[1] == 0:
            return
        low, high = int(edge_index.min()), edge_index.max(dim=1).values.tolist()
        if low < 0 or high[0] >= n_src or high[1] >= n_dst:
            raise ValueError(f"{name}: edge_index is out of range: sources must be in [0, {n_src}) and targets in "
                             f"[0, {n_dst}), got sources up to {high[0]}, targets up to {high[1]}, minimum {low}")

    def _check_geometry(self, geometry: EdgeGeometry, edge_index: torch.Tensor) -> None:
        expected = (edge_index.shape[1], self.harmonic_count, self.radial_profile.size)
        got = (geometry.harmonics.shape[0], geometry.harmonics.shape[1], geometry.radial.shape[1])
        if not isinstance(geometry, EdgeGeometry) or got != expected:
            raise ValueError(f"{type(self).__name__}: the EdgeGeometry does not fit this layer: expected (edges, "
                             f"harmonics, radial functions) = {expected}, got {got}")

    @property
    def harmonic_count(self) -> int:
        return sum(harmonic_size(self.dimensionality, J) for J in range(self.maximum_frequency + 1))

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        if len(input_shape) != 2 or input_shape[1] != self.in_type.size:
            raise ValueError(f"expected an input shape (N, {self.in_type.size}), got {tuple(input_shape)}")
        return (input_shape[0], self.out_type.size)

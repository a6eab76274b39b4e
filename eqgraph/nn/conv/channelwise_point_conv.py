"""ChannelwisePointConv: a steerable graph convolution that convolves every channel on its own."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import scipy.linalg
import torch

from ...fields import FieldType, GeometricTensor
from ...kernels import BesselRadial, RadialProfile, RadialSlots
from ...kernels.bandlimit import POINT_MAXIMUM_FREQUENCY
from .channelwise_messages import channelwise_messages
from .edge_chunks import aggregate_edges, chunk_edges
from .edge_geometry import EdgeGeometry
from .irrep_paths import irrep_copies, irreps_only
from .point_graph_layer import PointGraphLayer
from .radial_network import RadialNetwork


class ChannelwisePointConv(PointGraphLayer):
    r"""A steerable convolution on graph edges that keeps channels apart (a depthwise
    convolution; e3nn's ``"uvu"`` tensor product with the spherical harmonics, as in NequIP's and
    MACE's interactions):

    .. math::
        y_i^{(o, p, u)} = \frac{1}{\sqrt{n}} \sum_{j \in \mathcal{N}(i)}
            R^{(p)}_{u}\big(|x_j - x_i|\big)\; \big(T_p \cdot Y(x_j - x_i)\big)\, f_j^{(\psi, u)}

    for every copy u of every input irrep :math:`\psi`, every output irrep o and every angular
    element :math:`T_p` of the kernel basis from :math:`\psi` to o (one per harmonic degree J
    and intertwiner of :math:`\psi \otimes Y_J \to o`), with the per-edge weights :math:`R` given
    by a :class:`RadialNetwork` of the radial embedding. Each path (p, u) is its own output
    field, so the cost is linear in the channels; a :class:`eqgraph.nn.Linear` after the
    aggregation mixes them. Every angular element is scaled so that unit-variance inputs and
    weights give unit-variance messages, and ``n`` is ``num_neighbors``.

    Args:
        in_type: a field type of irreps (e3nn's types: ``FieldType.from_e3nn``).
        out_irreps: the irreps the output may contain (default: those of ``in_type``).
        cutoff: support radius of the default radial embedding ``BesselRadial(n_radial, cutoff)``.
        n_radial: number of Bessel functions.
        radial: another radial embedding (a :class:`RadialProfile`).
        radial_mlp: hidden widths of the radial network.
        maximum_frequency: highest harmonic degree (default 2 in 3D, 3 in 2D).
        aggr: ``"add"`` (or ``"sum"``) or ``"mean"``.
        num_neighbors: the typical neighbour count; sums are divided by its square root.

    Shapes:
        - **input:** node features :math:`(N, c_{in})` with coords :math:`(N, d)`;
          **edge_index** :math:`(2, E)`; **edge_delta** :math:`(E, d)`
        - **output:** :math:`(N, c_{out})`, ``out_type`` listing the paths' fields irrep by irrep
    """

    def __init__(self, in_type: FieldType, out_irreps: Sequence | None = None, cutoff: float | None = None,
                 n_radial: int = 8, radial: RadialProfile | None = None, radial_mlp: Sequence[int] = (64,),
                 maximum_frequency: int | None = None, aggr: str = "add", num_neighbors: float | None = None):
        name = type(self).__name__
        if aggr not in ("add", "sum", "mean"):
            raise ValueError(f"{name}: aggr must be 'add', 'sum' or 'mean', got {aggr!r}")
        super().__init__(aggr="add" if aggr == "sum" else aggr, node_dim=0)
        if not isinstance(in_type, FieldType):
            raise TypeError(f"{name}: in_type must be a FieldType, got {type(in_type).__name__}")
        if not irreps_only(in_type):
            raise ValueError(f"{name} convolves irrep fields channel by channel; {in_type} has fields that are not "
                             "irreps (use FieldType.from_e3nn, or R3PointConv for any field type)")
        gspace = in_type.gspace
        self.dimensionality = gspace.dimensionality
        if num_neighbors is not None and not num_neighbors > 0:
            raise ValueError(f"{name}: num_neighbors must be positive, got {num_neighbors!r}")
        self.num_neighbors = num_neighbors
        if radial is None:
            if cutoff is None or not 0 < cutoff < math.inf:
                raise ValueError(f"{name}: give a finite cutoff > 0 or a radial profile, got cutoff={cutoff!r}")
            radial = BesselRadial(n_radial, cutoff)
        elif not isinstance(radial, RadialProfile):
            raise TypeError(f"{name}: radial must be a RadialProfile, got {type(radial).__name__}")
        self.radial_profile = radial
        self.in_type = in_type
        representation_of = {rep.irreps[0]: rep for rep in in_type.representations}
        targets = list(representation_of.values()) if out_irreps is None else list(out_irreps)
        for rep in targets:
            if getattr(rep, "group", None) is not gspace.fibergroup or len(rep.irreps) != 1:
                raise ValueError(f"{name}: out_irreps must be irreps of {gspace.fibergroup.name}, got {rep}")
        limit = POINT_MAXIMUM_FREQUENCY[self.dimensionality] if maximum_frequency is None else maximum_frequency
        self.in_copies = irrep_copies(in_type)
        self._build_paths(gspace, representation_of, targets, limit)
        self.radial_network = RadialNetwork(radial.size, radial_mlp, self.weight_numel)
        per_edge = sum(self.radial_network.widths) + 2 * self.in_type.size + sum(
            K * (c.multiplicity + c.dimension) for K, c in zip(self._row_counts, self.in_copies))
        self.edge_chunk_size = chunk_edges(per_edge)
        """Edges per chunk on large graphs (see :mod:`eqgraph.nn.conv.edge_chunks`); None: never chunk."""

    # ------------------------------------------------------------------ construction
    def _build_paths(self, gspace, representation_of, targets, limit) -> None:
        """Per input irrep, the angular maps into every target irrep, stacked for one GEMM per edge."""
        out_fields: dict[int, list[tuple[int, int, int]]] = {t: [] for t in range(len(targets))}  # target -> (i, a, u)
        row_offsets, self._row_counts, self._weight_counts, self._blocks = [], [], [], []
        for i, copies in enumerate(self.in_copies):
            rep_in = representation_of[copies.irrep]
            stacked, rows, path, row_paths, blocks = [], 0, 0, [], []  # the path of every row; (A, d_out) per target
            for t, rep_out in enumerate(targets):
                basis = gspace.build_kernel_basis(rep_in, rep_out, radial=RadialSlots(1), maximum_frequency=limit,
                                                  allow_empty=True)
                if not basis.block_pairs:
                    continue
                maps = basis.angular_maps(0)  # [A, d_out, d_in, S]
                norms = np.sqrt((maps ** 2).sum(axis=(1, 2, 3)) / maps.shape[1])
                maps = maps / norms[:, None, None, None]  # unit-variance messages from unit-variance inputs
                stacked.append(maps.reshape(-1, maps.shape[2], maps.shape[3]))  # rows (a, component)
                blocks.append((maps.shape[0], maps.shape[1]))
                for a in range(maps.shape[0]):
                    out_fields[t] += [(i, rows, u) for u in range(copies.multiplicity)]
                    row_paths += [path] * maps.shape[1]
                    rows += maps.shape[1]
                    path += 1
            if not stacked:
                raise ValueError(f"{type(self).__name__}: irrep {copies.irrep} of the input reaches none of the output "
                                 f"irreps {[r.name for r in targets]} with harmonics of degree <= {limit}")
            maps = np.concatenate(stacked)  # [K, d_in, S]
            self.register_constant(f"angular_{i}", maps.transpose(2, 0, 1).reshape(maps.shape[2], -1))
            # the radial weights of every path spread over its rows with one gather
            self.register_buffer(f"weight_rows_{i}", torch.as_tensor(row_paths), persistent=False)
            self._blocks.append(blocks)
            self._row_counts.append(maps.shape[0])
            self._weight_counts.append(path * copies.multiplicity)
            row_offsets.append(sum(k * c.multiplicity for k, c in zip(self._row_counts[:-1], self.in_copies)))
        self.maximum_frequency = limit
        change = scipy.linalg.block_diag(*basis.harmonic_changes)  # the same for every pair of irreps
        identity = np.allclose(change, np.eye(change.shape[0]), atol=1e-12)
        self.register_constant("harmonic_change", None if identity else change)
        in_order = np.concatenate([c.channels.reshape(-1) for c in self.in_copies])
        self.register_buffer("in_order", None if np.array_equal(in_order, np.arange(in_order.size))
                             else torch.as_tensor(in_order), persistent=False)
        representations, columns = [], []
        for t, fields in out_fields.items():
            d_out = targets[t].size
            for i, row, u in fields:
                m = self.in_copies[i].multiplicity
                representations.append(targets[t])
                columns += [row_offsets[i] + (row + c) * m + u for c in range(d_out)]
        self.out_type = FieldType(gspace, representations)
        self.register_buffer("out_order", torch.as_tensor(columns), persistent=False)
        self.weight_numel = sum(self._weight_counts)
        self.plan = tuple((c.multiplicity, c.dimension, K, tuple((int(A), int(d)) for A, d in blocks))
                          for c, K, blocks in zip(self.in_copies, self._row_counts, self._blocks))
        """Per input irrep ``(multiplicity m, dimension d, rows K, ((A, d_out) per target))``, built once."""

    # ------------------------------------------------------------------ forward
    def forward(self, x: GeometricTensor, edge_index: torch.Tensor, edge_delta: torch.Tensor | None = None,
                geometry: EdgeGeometry | None = None) -> GeometricTensor:
        """Args:
            x: a GeometricTensor of ``in_type`` on nodes (with coords).
            edge_index: ``[2, E]``, messages flow from ``edge_index[0]`` to ``edge_index[1]``.
            edge_delta: ``[E, d]`` offsets replacing ``pos[j] - pos[i]`` (periodic cells).
            geometry: a precomputed :class:`EdgeGeometry` of this graph.
        """
        x_src, x_dst, geometry = self._checked_graph(x, edge_index, edge_delta, geometry)
        features = x_src.tensor if self.in_order is None else x_src.tensor.index_select(1, self.in_order)

        def messages(sources, harmonics, radial):
            return self._messages(features.index_select(0, sources), harmonics, self.radial_network(radial))

        # each input irrep's messages aggregated on their own: no edge-sized concatenation (nor its zero-filled gradients)
        out = aggregate_edges(messages, edge_index, (geometry.harmonics, geometry.radial), x_dst.shape[0],
                              self.aggr == "mean", self.edge_chunk_size)
        if self.num_neighbors is not None:
            out = out / math.sqrt(self.num_neighbors)
        return GeometricTensor(out.index_select(1, self.out_order), self.out_type, x_dst.coords)

    def message(self, x_j: torch.Tensor, harmonics: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """``[E, c_out]``: every edge's message, in the layer's internal order (input irrep, target, element,
        component, copy)."""
        return torch.cat(self._messages(x_j, harmonics, weights), dim=1)

    def _messages(self, x_j: torch.Tensor, harmonics: torch.Tensor, weights: torch.Tensor) -> list[torch.Tensor]:
        return channelwise_messages(x_j, harmonics, weights, self.angular_maps(), self._weight_rows(), self.plan,
                                    fused=None)

    def angular_maps(self) -> list[torch.Tensor]:
        """Per input irrep, ``[S, K * d]``: the stacked angular maps applied to the harmonics."""
        return [getattr(self, f"angular_{i}") for i in range(len(self.in_copies))]

    def _weight_rows(self) -> list[torch.Tensor]:
        return [getattr(self, f"weight_rows_{i}") for i in range(len(self.in_copies))]

    def export(self) -> torch.nn.Module:
        """A plain :class:`ExportedChannelwisePointConv` computing this layer from tensors:
        ``forward(x, pos, edge_index, edge_delta=None)``."""
        from ..plain.channelwise_point_conv import ExportedChannelwisePointConv

        return ExportedChannelwisePointConv(self)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.in_type} -> {len(self.out_type)} path fields, radial={self.radial_profile}, "
                f"J <= {self.maximum_frequency}, network={self.radial_network.extra_repr()})")


"""PointCloudClassifier: steerable point convolutions, down-sampling and an invariant head."""
from __future__ import annotations

from typing import Sequence

import torch
from torch_geometric.utils import scatter

from ..fields import FieldType, GeometricTensor
from ..graph import bipartite_radius_graph, farthest_point_sampling, radius_graph, voxel_grid_centres
from ..gspaces import GSpace
from ..nn import EquivariantModule, FieldNorm, Gate, R2PointConv, R3PointConv
from .feature_fields import named_gspace
from .saving import SavableModel

SAMPLINGS = ("fps", "voxel")
PLANAR = ("SO2", "O2")


def hidden_type(gs: GSpace, multiplicities) -> FieldType:
    """``multiplicities[l]`` fields of rotation order l: e3nn's ``le``/``lo`` alternating with l
    (as the spherical harmonics) in 3D, the frequency-l irreps (of the rotations, for O(2)) in 2D."""
    if gs.dimensionality == 3:
        return FieldType.from_e3nn("+".join(f"{m}x{l}{'e' if l % 2 == 0 else 'o'}"
                                            for l, m in enumerate(multiplicities) if m), gs)
    reflections = gs.fibergroup.name == "O(2)"
    irrep = [gs.irrep(0, 0) if reflections else gs.irrep(0)] + \
            [gs.irrep(1, l) if reflections else gs.irrep(l) for l in range(1, len(multiplicities))]
    return gs.type(*[r for r, m in zip(irrep, multiplicities) for _ in range(m)])


class PointCloudClassifier(SavableModel):
    r"""Classifies point clouds (PyG batches with ``pos``, and ``x`` when ``in_channels`` > 0)
    with logits invariant to the rotations (``"SO3"``, or ``"SO2"`` for planar clouds) or rotations
    and reflections (``"O3"``, ``"O2"``) of the clouds and to translations. Stage :math:`s`:

    .. math::
        h \leftarrow \mathrm{Gate}\big(\mathrm{N}(\mathrm{conv}_{r_s}(h))\big) \text{ on the radius-}r_s
        \text{ graph}, \qquad h \leftarrow \mathrm{Gate}\big(\mathrm{N}(\mathrm{conv}_{r_s}(h \to c))\big)
        \text{ onto centres } c,

    with :class:`R3PointConv` or :class:`R2PointConv` (Bessel radial basis and a radial MLP, mean over neighbours),
    :math:`\mathrm{N}` a :class:`FieldNorm` of every point (so that the features keep their scale
    from stage to stage: without it they grew 2 to 7 times per convolution at initialisation and
    some seeds never trained), e3nn's gate, and ``samples[s]`` centres per cloud by farthest-point sampling (or the centres
    of the occupied voxels of side ``radii[s]``); then the mean of the invariant features over
    each cloud and a two-layer MLP.

    Args:
        group: ``"SO3"``, ``"O3"``, ``"SO2"`` or ``"O2"``.
        num_classes: logits out.
        in_channels: invariant input features per point (``data.x``); 0 uses a constant.
        channels: invariant channels of the hidden fields; they also hold ``channels // 2``
            fields of rotation order 1 and ``channels // 4`` of order 2, up to ``lmax``.
        lmax: the highest rotation order of the hidden fields.
        radii: the convolution radius of each stage.
        samples: the centres per cloud after each stage (``"fps"``); ``None`` keeps all points.
        sampling: ``"fps"`` (rotation-equivariant choice) or ``"voxel"``.
        num_radial, radial_mlp: the radial basis size and the radial MLP's hidden widths.

    Shapes:
        - **input:** a batch with ``pos`` :math:`(N, d)`, ``batch`` :math:`(N,)` (and ``x`` :math:`(N, C_{in})`)
        - **output:** :math:`(B, \text{classes})`
    """

    def __init__(self, group: str = "SO3", num_classes: int = 10, in_channels: int = 0, channels: int = 16,
                 lmax: int = 2, radii: Sequence[float] = (1.0, 2.0), samples: Sequence[int] | None = None,
                 sampling: str = "fps", num_radial: int = 8, radial_mlp: Sequence[int] = (32,)):
        super().__init__()
        if sampling not in SAMPLINGS:
            raise ValueError(f"sampling must be one of {SAMPLINGS}, got {sampling!r}")
        if not radii or any(not r > 0 for r in radii):
            raise ValueError(f"radii must be a non-empty list of positive radii, got {radii!r}")
        if samples is not None and (len(samples) != len(radii) or any(not isinstance(k, int) or k < 1 for k in samples)):
            raise ValueError(f"samples must give a positive count for each of the {len(radii)} stages, got {samples!r}")
        if sampling == "fps" and samples is None:
            raise ValueError("sampling='fps' needs samples (centres per cloud after each stage)")
        if group not in PLANAR + ("SO3", "O3"):
            raise ValueError(f"group must be one of {PLANAR + ('SO3', 'O3')}, got {group!r}")
        gs = named_gspace(group, 2 if group in PLANAR else 3, lmax)
        self.config = dict(group=group, num_classes=num_classes, in_channels=in_channels, channels=channels, lmax=lmax,
                           radii=[float(r) for r in radii], samples=None if samples is None else list(samples),
                           sampling=sampling, num_radial=num_radial, radial_mlp=list(radial_mlp))
        self.in_type = gs.type(*[gs.trivial_repr] * max(in_channels, 1))
        self.hidden_type = hidden_type(gs, [channels, channels // 2, channels // 4][:lmax + 1])
        self.blocks, previous = torch.nn.ModuleList(), self.in_type
        for radius in radii:
            for _ in ("on the points", "onto the centres"):
                self.blocks.append(GatedPointConv(previous, self.hidden_type, radius, num_radial, radial_mlp))
                previous = self.hidden_type
        self.head = torch.nn.Sequential(torch.nn.Linear(channels, channels), torch.nn.SiLU(),
                                        torch.nn.Linear(channels, num_classes))

    def forward(self, data) -> torch.Tensor:
        pos = data.pos
        batch = data.batch if getattr(data, "batch", None) is not None else pos.new_zeros(len(pos), dtype=torch.long)
        num_graphs = int(getattr(data, "num_graphs", int(batch.max()) + 1 if len(batch) else 0))
        x = self._checked_features(data, pos)
        h = GeometricTensor(x, self.in_type, pos)
        for stage, radius in enumerate(self.config["radii"]):
            h = self.blocks[2 * stage](h, radius_graph(h.coords, radius, batch, loop=True))
            centres, centre_batch = self._centres(h.coords, batch, stage)
            edges = bipartite_radius_graph(h.coords, centres, radius, batch, centre_batch)
            target = GeometricTensor(centres.new_zeros(len(centres), self.hidden_type.size), self.hidden_type, centres)
            h, batch = self.blocks[2 * stage + 1]((h, target), edges), centre_batch
        invariants = h.tensor[:, :self.config["channels"]]
        return self.head(scatter(invariants, batch, dim=0, dim_size=num_graphs, reduce="mean"))

    def _centres(self, pos, batch, stage):
        if self.config["sampling"] == "fps":
            index = farthest_point_sampling(pos, batch, self.config["samples"][stage])
            return pos[index], batch[index]
        return voxel_grid_centres(pos, batch, self.config["radii"][stage])

    def _checked_features(self, data, pos) -> torch.Tensor:
        d = self.in_type.gspace.dimensionality
        if pos is None or pos.dim() != 2 or pos.shape[1] != d:
            raise ValueError(f"{type(self).__name__} needs data.pos [N, {d}], got "
                             f"{None if pos is None else tuple(pos.shape)}")
        expected = self.config["in_channels"]
        x = getattr(data, "x", None)
        if expected == 0:
            return pos.new_ones(len(pos), 1)
        if x is None or x.shape != (len(pos), expected):
            raise ValueError(f"{type(self).__name__} was built for in_channels={expected}: data.x must be "
                             f"[{len(pos)}, {expected}], got {None if x is None else tuple(x.shape)}")
        return x.to(pos.dtype)


class GatedPointConv(EquivariantModule):
    """A point convolution onto ``out_type`` plus one gate scalar per non-scalar field, a
    :class:`FieldNorm` of every point, then e3nn's gate."""

    def __init__(self, in_type: FieldType, out_type: FieldType, radius: float, num_radial: int,
                 radial_mlp: Sequence[int]):
        super().__init__()
        gs = out_type.gspace
        scalars = FieldType(gs, [r for r in out_type.representations if r.is_trivial()])
        gated = FieldType(gs, [r for r in out_type.representations if not r.is_trivial()])
        gates = FieldType(gs, [gs.trivial_repr] * len(gated))
        self.gate = Gate(scalars, gates, gated)
        self.in_type, self.out_type = in_type, self.gate.out_type
        conv = R2PointConv if gs.dimensionality == 2 else R3PointConv
        self.conv = conv(in_type, self.gate.in_type, cutoff=radius, n_radial=num_radial, radial_mlp=list(radial_mlp),
                         aggr="mean")
        self.norm = FieldNorm(self.gate.in_type)

    def forward(self, x, edge_index: torch.Tensor) -> GeometricTensor:
        return self.gate(self.norm(self.conv(x, edge_index)))

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.out_type.size)

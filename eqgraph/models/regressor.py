"""EquivariantRegressor: molecular properties, invariant and equivariant."""
from __future__ import annotations

from typing import Sequence

import torch
from torch_geometric.utils import scatter

from ..fields import FieldType
from ..group import clebsch_gordan
from ..nn import Linear
from ..nn.constant_buffers import ConstantBuffers
from .atomic_graph import build_atomic_graph, structure_tensors
from .saving import SavableModel
from .statistics import dataset_statistics
from .trunk import AtomicTrunk

OUTPUTS = {"scalar": "1x0e", "dipole": "1x0e+1x1o", "polarizability": "1x0e+1x2e"}
REDUCTIONS = ("sum", "mean")


class EquivariantRegressor(ConstantBuffers, SavableModel):
    r"""A molecular property from an :class:`AtomicTrunk`, per structure:

    - ``output="scalar"``: :math:`y = \mathrm{reduce}_i\,(\sigma\, s_i + \mu_{z_i})`, invariant,
      with per-element references :math:`\mu_z` (of the sum, or of the mean with ``reduce="mean"``) and scale :math:`\sigma` from :meth:`fit_statistics`;
    - ``output="dipole"``: :math:`\mu = \sum_i (q_i - \bar q)(r_i - \bar r) + p_i`, atomic charges
      :math:`q_i` (``0e``, made neutral) at positions relative to the centroid, plus atomic
      dipoles :math:`p_i` (``1o``): a vector, ``[B, 3]``;
    - ``output="polarizability"``: :math:`\alpha = \sum_i a_i I + T(t_i)`, with :math:`t_i` a
      ``2e`` feature mapped to a symmetric traceless matrix by Clebsch-Gordan coefficients:
      a symmetric rank-2 tensor, ``[B, 3, 3]``.

    Args:
        species: the atomic numbers the model knows.
        output: ``"scalar"``, ``"dipole"`` or ``"polarizability"``.
        reduce: ``"sum"`` (extensive) or ``"mean"`` (intensive) over the atoms.
        cutoff, channels, lmax, num_layers, correlation, num_radial, radial_mlp, parity,
        interaction, envelope_exponent, hidden_irreps, radial_basis: as for :class:`EquivariantPotential`.

    ``forward(data)`` returns ``{output: [B] | [B, 3] | [B, 3, 3], "node_" + output: per atom}``.
    """

    def __init__(self, species: Sequence[int], output: str = "scalar", reduce: str = "sum", cutoff: float = 5.0,
                 channels: int = 32, lmax: int = 2, num_layers: int = 2, correlation: int = 1, num_radial: int = 8,
                 radial_mlp: Sequence[int] = (64,), parity: bool = True, interaction: str = "channelwise",
                 envelope_exponent: int = 6, hidden_irreps: str | None = None, radial_basis: str = "bessel"):
        super().__init__()
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of {tuple(OUTPUTS)}, got {output!r}")
        if reduce not in REDUCTIONS:
            raise ValueError(f"reduce must be one of {REDUCTIONS}, got {reduce!r}")
        if output != "scalar" and lmax < (1 if output == "dipole" else 2):
            raise ValueError(f"output={output!r} needs lmax >= {1 if output == 'dipole' else 2}, got {lmax}")
        self.config = dict(species=[int(z) for z in species], output=output, reduce=reduce, cutoff=float(cutoff),
                           channels=channels, lmax=lmax, num_layers=num_layers, correlation=correlation,
                           num_radial=num_radial, radial_mlp=[int(w) for w in radial_mlp], parity=bool(parity),
                           interaction=interaction, envelope_exponent=envelope_exponent, hidden_irreps=hidden_irreps,
                           radial_basis=radial_basis)
        self.output, self.reduce = output, reduce
        self.trunk = AtomicTrunk(species, cutoff, channels, lmax, num_layers, correlation, num_radial, radial_mlp,
                                 parity, interaction, envelope_exponent, hidden_irreps, radial_basis)
        hidden = self.trunk.blocks[-1].out_type
        self.head = Linear(hidden, FieldType.from_e3nn(OUTPUTS[output], self.trunk.gspace))
        if output == "polarizability":
            group = self.trunk.gspace.fibergroup
            vector = group.irrep(1, 1) if parity else group.irrep(1)
            quadrupole = group.irrep(0, 2) if parity else group.irrep(2)
            self.register_constant("traceless", clebsch_gordan(vector, vector, quadrupole)[0])  # [3, 3, 5]
        self.register_buffer("shift", torch.zeros(len(self.config["species"])))
        self.register_buffer("scale", torch.ones(()))

    def forward(self, data) -> dict[str, torch.Tensor]:
        pos, batch, num_graphs, cell, pbc = structure_tensors(data)
        graph = build_atomic_graph(data, self.trunk.cutoff, pos, batch, num_graphs, cell, pbc)
        index = self.trunk.species_index(data.z)
        out = self.head(self.trunk(index, graph)[-1]).tensor
        if self.output == "scalar":
            node = out[:, 0] * self.scale + self.shift[index]
        elif self.output == "dipole":
            charges = out[:, 0] - scatter(out[:, 0], batch, dim=0, dim_size=num_graphs, reduce="mean")[batch]
            centred = pos - scatter(pos, batch, dim=0, dim_size=num_graphs, reduce="mean")[batch]
            node = charges[:, None] * centred + out[:, 1:4]
        else:
            eye = torch.eye(3, dtype=out.dtype, device=out.device)
            node = out[:, 0, None, None] * eye + torch.einsum("abk,nk->nab", self.traceless, out[:, 1:6])
        return {self.output: scatter(node, batch, dim=0, dim_size=num_graphs, reduce=self.reduce),
                f"node_{self.output}": node}

    @torch.no_grad()
    def fit_statistics(self, dataset_or_loader, target: str = "y") -> dict[str, float]:
        """The mean neighbour count and, for ``output="scalar"``, per-element references (least
        squares of ``data[target]`` on the composition, or on the fractions of each element for
        ``reduce="mean"``) and the scale of the per-atom residual. Stored in buffers; returns them."""
        scalar = self.output == "scalar"
        stats = dataset_statistics(dataset_or_loader, self.trunk.species_index, self.trunk.cutoff,
                                   target=target if scalar else None, intensive=self.reduce == "mean")
        if scalar:
            self.shift.copy_(stats.shift.to(self.shift))
            self.scale.fill_(stats.scale)
        self.trunk.set_num_neighbors(stats.num_neighbors)
        return {"shift": self.shift.tolist(), "scale": float(self.scale), "num_neighbors": stats.num_neighbors}

"""The hidden fields of the vision models: which gspace a group name means, and for it the
field type, nonlinearity and batch norm that go together."""
from __future__ import annotations

from dataclasses import dataclass

from .. import gspaces
from ..fields import FieldType
from ..gspaces import GSpace
from ..nn import EquivariantModule, FourierELU, IIDBatchNorm, InnerBatchNorm, ReLU, band_limited_regular

GROUPS_2D = {"C": lambda n, L: gspaces.rot2dOnR2(n), "D": lambda n, L: gspaces.flipRot2dOnR2(n),
             "SO2": lambda L: gspaces.rot2dOnR2(-1, maximum_frequency=L),
             "O2": lambda L: gspaces.flipRot2dOnR2(-1, maximum_frequency=L)}
GROUPS_3D = {"SO3": lambda L: gspaces.rot3dOnR3(maximum_frequency=L), "O3": lambda L: gspaces.flipRot3dOnR3(maximum_frequency=L),
             "octa": lambda L: gspaces.octaOnR3(), "fullocta": lambda L: gspaces.fullOctaOnR3(),
             "ico": lambda L: gspaces.icoOnR3(), "fullico": lambda L: gspaces.fullIcoOnR3()}


def named_gspace(group: str | GSpace, dimensionality: int, maximum_frequency: int) -> GSpace:
    """The gspace a model's ``group`` argument names: in 2D ``"C<N>"``, ``"D<N>"``, ``"SO2"``,
    ``"O2"``; in 3D ``"SO3"``, ``"O3"``, ``"octa"``, ``"fullocta"``, ``"ico"``, ``"fullico"``;
    or a gspace itself. Continuous groups are band-limited at ``maximum_frequency``."""
    if isinstance(group, GSpace):
        gs = group
    elif dimensionality == 2 and isinstance(group, str) and group in ("SO2", "O2"):
        gs = GROUPS_2D[group](maximum_frequency)
    elif dimensionality == 2 and isinstance(group, str) and group[:1] in "CD" and group[1:].isdigit() and int(group[1:]) > 0:
        gs = GROUPS_2D[group[0]](int(group[1:]), maximum_frequency)
    elif dimensionality == 3 and isinstance(group, str) and group in GROUPS_3D:
        gs = GROUPS_3D[group](maximum_frequency)
    else:
        names = "'C<N>', 'D<N>', 'SO2', 'O2'" if dimensionality == 2 else ", ".join(repr(n) for n in GROUPS_3D)
        raise ValueError(f"group must be one of {names} or a {dimensionality}D gspace, got {group!r}")
    if gs.dimensionality != dimensionality:
        raise ValueError(f"this model needs a {dimensionality}D gspace, got {gs} acting on R^{gs.dimensionality}")
    return gs


@dataclass(frozen=True)
class FeatureFields:
    """Regular fields with ``InnerBatchNorm`` and ReLU for finite groups; for continuous ones,
    band-limited regular fields (all irreps up to the gspace's band limit) with batch norm and
    a Fourier ELU sampled on ``samples`` group elements closed under the grid's rotations
    (escnn's recipe)."""

    gspace: GSpace
    samples: int | None = None

    @property
    def finite(self) -> bool:
        return self.gspace.fibergroup.order() > 0

    def type(self, channels: int) -> FieldType:
        if self.finite:
            return self.gspace.type(*[self.gspace.regular_repr] * channels)
        return self.gspace.type(*[band_limited_regular(self.gspace.irreps)] * channels)

    def nonlinearity(self, field_type: FieldType) -> EquivariantModule:
        if self.finite:
            return ReLU(field_type)
        return FourierELU(self.gspace, len(field_type), self.gspace.irreps, N=self.samples, grid_symmetric=True)

    def norm(self, field_type: FieldType) -> EquivariantModule:
        return InnerBatchNorm(field_type) if self.finite else IIDBatchNorm(field_type)


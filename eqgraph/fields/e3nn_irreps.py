"""Translation between FieldTypes and e3nn's irreps strings such as ``"16x0e+8x1o"``."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..group import O3Group, SO3Group

if TYPE_CHECKING:
    from ..gspaces import GSpace

_TERM = re.compile(r"^\s*(?:(\d+)\s*x\s*)?(\d+)\s*([eoy])\s*$")


def parse_e3nn(irreps: str) -> list[tuple[int, int, int]]:
    """``[(multiplicity, l, parity)]`` of an e3nn irreps string (parity +1 for e, -1 for o,
    ``(-1)^l`` for y)."""
    if not isinstance(irreps, str):
        irreps = str(irreps)  # an e3nn.o3.Irreps prints as its string
    terms = []
    for term in irreps.split("+"):
        match = _TERM.match(term)
        if match is None:
            raise ValueError(f"cannot read {term!r} in e3nn irreps {irreps!r}: expected terms like '16x0e' or '1o'")
        mul, l, p = int(match.group(1) or 1), int(match.group(2)), match.group(3)
        parity = {"e": 1, "o": -1, "y": (-1) ** l}[p]
        terms.append((mul, l, parity))
    return terms


def representations_from_e3nn(irreps, gspace: "GSpace") -> list:
    group = gspace.fibergroup
    if not isinstance(group, (SO3Group, O3Group)):
        raise ValueError(f"e3nn irreps need rot3dOnR3() or flipRot3dOnR3(), got the gspace {gspace.name}")
    reps = []
    for mul, l, parity in parse_e3nn(irreps):
        irrep = group.irrep(l) if isinstance(group, SO3Group) else group.irrep(0 if parity == 1 else 1, l)
        reps.extend([irrep] * mul)
    return reps


def e3nn_string(field_type) -> str:
    group = field_type.gspace.fibergroup
    if not isinstance(group, (SO3Group, O3Group)):
        raise ValueError(f"only SO(3) and O(3) field types translate to e3nn, this one is of {group.name}")
    terms: list[list] = []
    for index, rep in enumerate(field_type.representations):
        if len(rep.irreps) != 1 or not rep._identity_basis:
            raise ValueError(f"field {index} ({rep.name}) is not an irrep; e3nn irreps strings hold irreps only")
        if isinstance(group, SO3Group):
            l = rep.irreps[0]
            label = f"{l}{'e' if l % 2 == 0 else 'o'}"
        else:
            j, l = rep.irreps[0]
            label = f"{l}{'o' if j else 'e'}"
        if terms and terms[-1][1] == label:
            terms[-1][0] += 1
        else:
            terms.append([1, label])
    return "+".join(f"{mul}x{label}" for mul, label in terms)

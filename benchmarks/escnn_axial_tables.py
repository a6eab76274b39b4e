"""Reference values from escnn 1.0.11 for the cylinder and planar subgroups of O(3) (issue 15).

Run with the escnn side venv (``benchmarks/setup_escnn_venv.sh``)::

    .venv-escnn/bin/python benchmarks/escnn_axial_tables.py > tests/data/escnn_axial_tables.json

It writes, as JSON: the character of every irrep (by escnn's id) of the product groups on a fixed
list of elements, and gspace-level kernel basis sizes (rings [0, 1, 2], sigma 0.6, maximum
frequency 2 and 4). ``tests/test_axial_groups.py`` compares eqgraph's values with them.
"""
import json
import warnings

import numpy as np

warnings.filterwarnings("ignore")

from escnn import group, gspaces  # noqa: E402
from escnn.kernels import EmptyBasisException  # noqa: E402

ANGLES = (0.0, 0.7, 2.1)


def elements_of(G):
    """(escnn element, JSON-able parameter pair) for every element, or a grid of them."""
    out = []
    factor_values = [list(_values(F)) for F in (G.G1, G.G2)]
    for v1 in factor_values[0]:
        for v2 in factor_values[1]:
            out.append((G.pair_elements(G.G1.element(v1), G.G2.element(v2)), [_json(v1), _json(v2)]))
    return out


def _values(F):
    if F.order() > 0:
        for g in F.elements:
            yield g.value
    elif isinstance(F, group.SO2):
        yield from ANGLES
    else:  # O(2)
        for f in (0, 1):
            for a in ANGLES:
                yield (f, a)


def _json(v):
    if isinstance(v, (tuple, list, np.ndarray)):
        return [_json(x) for x in v]
    return v.item() if hasattr(v, "item") else v


def characters(G):
    elems = elements_of(G)
    return {
        "elements": [p for _, p in elems],
        "irreps": [{"id": _json(psi.id), "size": psi.size,
                    "characters": [float(np.trace(psi(g))) for g, _ in elems]} for psi in G.irreps()],
    }


GROUPS = {
    "cylinder_group(2)": lambda: group.cylinder_group(2),
    "full_cylinder_group(2)": lambda: group.full_cylinder_group(2),
    "cylinder_discrete_group(4)": lambda: group.cylinder_discrete_group(4),
    "cylinder_discrete_group(3)": lambda: group.cylinder_discrete_group(3),
    "full_cylinder_discrete_group(3)": lambda: group.full_cylinder_discrete_group(3),
    "klein4_group()": lambda: group.klein4_group(),
    "direct_product(cyclic_group(4), cyclic_group(3))": lambda: group.direct_product(group.cyclic_group(4), group.cyclic_group(3)),
    "double_group(cyclic_group(4))": lambda: group.double_group(group.cyclic_group(4)),
}

# (gspace, its arguments, input rep, output rep): reps are "regular" or an irrep id
BASES = [
    ("rot2dOnR3", (), (1,), (2,)),
    ("rot2dOnR3", (), (0,), (1,)),
    ("rot2dOnR3", (4,), "regular", "regular"),
    ("dihedralOnR3", (), (1, 1), (1, 2)),
    ("dihedralOnR3", (), (1, 0), (0, 0)),
    ("dihedralOnR3", (4,), "regular", "regular"),
    ("conicalOnR3", (), (1, 1), (1, 2)),
    ("conicalOnR3", (), (1, 0), (0, 0)),
    ("conicalOnR3", (3,), "regular", "regular"),
    ("cylindricalOnR3", (), ((1,), (1,), 0), ((0,), (2,), 0)),
    ("cylindricalOnR3", (), ((0,), (0,), 0), ((1,), (1,), 0)),
    ("cylindricalOnR3", (4,), "regular", "regular"),
    ("fullCylindricalOnR3", (), ((1,), (1, 1), 0), ((0,), (1, 0), 0)),
    ("fullCylindricalOnR3", (), ((0,), (1, 2), 0), ((1,), (1, 1), 0)),
    ("fullCylindricalOnR3", (2,), "regular", "regular"),
]


def _size(gs, a, b, L):
    try:
        return gs.build_kernel_basis(a, b, 0.6, [0, 1, 2], maximum_frequency=L).dim
    except EmptyBasisException:
        return 0


def basis_sizes():
    rows = []
    for name, args, a, b in BASES:
        gs = getattr(gspaces, name)(*args)
        rep = lambda r: gs.regular_repr if r == "regular" else gs.fibergroup.irrep(*r)
        sizes = [_size(gs, rep(a), rep(b), L) for L in (2, 4)]
        rows.append({"gspace": name, "args": list(args), "in": _json(a), "out": _json(b), "sizes": sizes})
    return rows


if __name__ == "__main__":
    print(json.dumps({"escnn": "1.0.11", "characters": {k: characters(f()) for k, f in GROUPS.items()},
                      "basis_sizes": basis_sizes()}, indent=1))

import json
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch

from eqgraph.group import (
    cyclic_group,
    cylinder_discrete_group,
    cylinder_group,
    dihedral_group,
    direct_product,
    double_group,
    full_cylinder_discrete_group,
    full_cylinder_group,
    full_ico_group,
    full_octa_group,
    ico_group,
    inversion_group,
    klein4_group,
    o2_group,
    o3_group,
    octa_group,
    so2_group,
    so3_group,
)

GROUP_FACTORIES = {
    "C1": lambda: cyclic_group(1),
    "C2": lambda: cyclic_group(2),
    "C5": lambda: cyclic_group(5),
    "C8": lambda: cyclic_group(8),
    "D1": lambda: dihedral_group(1),
    "D3": lambda: dihedral_group(3),
    "D4": lambda: dihedral_group(4),
    "D8": lambda: dihedral_group(8),
    "SO2": lambda: so2_group(4),
    "O2": lambda: o2_group(4),
    "SO3": lambda: so3_group(3),
    "O3": lambda: o3_group(3),
    "octa": octa_group,
    "fullocta": full_octa_group,
    "ico": ico_group,
    "fullico": full_ico_group,
    "inversion": inversion_group,
    "cylinder": lambda: cylinder_group(2),
    "fullcylinder": lambda: full_cylinder_group(2),
    "C2xC4": lambda: cylinder_discrete_group(4),
    "C2xD3": lambda: full_cylinder_discrete_group(3),
    "klein4": klein4_group,
    "C3xC4": lambda: direct_product(cyclic_group(3), cyclic_group(4)),
    "SO2xSO2": lambda: double_group(so2_group(2)),
}


FINITE = sorted(k for k, make in GROUP_FACTORIES.items() if not make().continuous)

ESCNN_AXIAL_TABLES = json.loads((Path(__file__).parent / "data" / "escnn_axial_tables.json").read_text())
"""escnn 1.0.11's characters and basis sizes for the axial groups and gspaces (benchmarks/escnn_axial_tables.py)."""


def as_tuple(value):
    """A JSON list (nested) as the tuple escnn's id was."""
    return tuple(as_tuple(v) for v in value) if isinstance(value, list) else value


@pytest.fixture(params=sorted(GROUP_FACTORIES))
def group(request):
    return GROUP_FACTORIES[request.param]()


@pytest.fixture(params=FINITE)
def finite_group(request):
    return GROUP_FACTORIES[request.param]()


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def float64():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def elements_to_test(group, rng, n=6):
    """Random elements, plus the testing set of a continuous group or a sample of a finite one."""
    return [group.sample(rng) for _ in range(n)] + group.testing_elements()[:n]


def homomorphism_error(rep, group, rng, n=4):
    error = 0.0
    for _ in range(n):
        g, h = group.sample(rng), group.sample(rng)
        a, b, ab = rep(g), rep(h), rep(g @ h)
        error = max(error, np.abs(a @ b - ab).max(), np.abs(a.T @ a - np.eye(rep.size)).max())
    return error


@pytest.fixture(autouse=True)
def seeded_torch(request):
    """Every test draws the same random tensors on every run, so a failure reproduces."""
    torch.manual_seed(zlib.crc32(request.node.nodeid.encode()))


def pytest_terminal_summary(terminalreporter):
    """Report how many cases the fuzz tests generated, per target."""
    import sys

    fuzz = sys.modules.get("test_fuzz") or sys.modules.get("tests.test_fuzz")
    if fuzz is None or not fuzz.CASES:
        return
    cases = fuzz.CASES
    terminalreporter.write_sep("-", f"fuzzing: {sum(cases.values())} generated cases")
    terminalreporter.write_line(", ".join(f"{name} {count}" for name, count in sorted(cases.items())))

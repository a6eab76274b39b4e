"""Layer speed: eqgraph's nonlinearities, norms and pools next to escnn's modules of the same

Every timed process runs with one torch thread (``--threads N`` to change it), so the ratios
do not depend on what else runs on the machine.
name, and its Linear, Gate, batch norm, norm activation and tensor product next to e3nn's.

Grid layers run on a C8 feature map of batch 16, 32 x 32, about 128 channels (16 regular
fields; 32 + 32 fields of the irreps of frequency 1 and 2; 64 of frequency 1, to 64 of frequency 2 for the quadratic product; or 21 fields
holding two gates and the irreps they gate); escnn's quadratic TensorProductModule is
eqgraph's TensorProductNonLinearity; node layers on 10,000 nodes of
32x0e+32x1o+32x2e (the tensor product on 2,000 nodes of 16x0e+16x1o+16x2e times 1x0e+1x1o+1x2e).
Each measurement is a forward and backward pass (training mode): two warm-ups, then the median
of 40 calls. Timings of a few milliseconds vary by tens of percent from one process to the
next, so every process runs with glibc's allocator settings fixed (``STEADY_ALLOCATOR``), the
escnn comparisons alternate eqgraph and escnn processes (three pairs) and take the median, and the e3nn comparisons run both libraries interleaved in one process. Ratios are eqgraph / other: below 1 is faster; the
target is at most 1.0x.

    python benchmarks/bench_layers.py [--quick] [--pairs N] [--only NAME[,NAME...]]

``--pairs`` sets the number of alternating process pairs (3), ``--only`` keeps the layers whose
name contains NAME (or one of several, comma-separated).
"""
from __future__ import annotations

import statistics
import sys

from _reference import ESCNN_PRELUDE, STEADY_ALLOCATOR, TIMING, escnn_python, fmt, ratio, run_json, this_python

REPEATS = 10 if "--quick" in sys.argv else 40
PAIRS = int(sys.argv[sys.argv.index("--pairs") + 1]) if "--pairs" in sys.argv else 3
ONLY = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else [""]

GRID_TYPES = """
gs = gspaces.rot2dOnR2(8)
reg = FieldType(gs, [gs.regular_repr] * 16)
irr = FieldType(gs, [gs.irrep(1)] * 32 + [gs.irrep(2)] * 32)
gat = FieldType(gs, [gs.trivial_repr] * 32 + [gs.irrep(1)] * 32)
uni = FieldType(gs, [directsum([gs.trivial_repr, gs.trivial_repr, gs.irrep(1), gs.irrep(2)])] * 21)
vec = FieldType(gs, [gs.irrep(1)] * 64)
vec2 = FieldType(gs, [gs.irrep(2)] * 64)
types = {{"reg": reg, "irr": irr, "gat": gat, "uni": uni, "vec": vec}}
module = {module}
x = torch.randn(16, types[{input!r}].size, 32, 32, requires_grad=True)
typed = GeometricTensor(x, types[{input!r}])

def step():
    module(typed).tensor.sum().backward()

print(json.dumps({{"step": measure(step)}}))
"""

EQGRAPH_GRID = TIMING + """
from eqgraph import gspaces, nn
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.group import directsum
""" + GRID_TYPES

ESCNN_GRID = ESCNN_PRELUDE + TIMING + """
from escnn import gspaces, nn
from escnn.group import directsum
from escnn.nn import FieldType, GeometricTensor
""" + GRID_TYPES

GRID_CASES = {
    "ReLU (regular)": ("nn.ReLU(reg)", "reg"),
    "ELU (regular)": ("nn.ELU(reg)", "reg"),
    "NormNonLinearity (irreps)": ("nn.NormNonLinearity(irr)", "irr"),
    "GatedNonLinearity1": ("nn.GatedNonLinearity1(gat)", "gat"),
    "GatedNonLinearityUniform": ("nn.GatedNonLinearityUniform(uni)", "uni"),
    "VectorFieldNonLinearity (regular)": ("nn.VectorFieldNonLinearity(reg)", "reg"),
    "TensorProductNonLinearity (irreps)": ("nn.TensorProductNonLinearity(vec, vec2)", "vec",
                                           "nn.TensorProductModule(vec, vec2)"),
    "InnerBatchNorm (regular)": ("nn.InnerBatchNorm(reg)", "reg"),
    "NormBatchNorm (irreps)": ("nn.NormBatchNorm(irr)", "irr"),
    "IIDBatchNorm2d (regular)": ("nn.IIDBatchNorm2d(reg)", "reg"),
    "GroupPooling (regular)": ("nn.GroupPooling(reg)", "reg"),
    "NormPool (irreps)": ("nn.NormPool(irr)", "irr"),
    "PointwiseMaxPool2D (regular)": ("nn.PointwiseMaxPool2D(reg, 2)", "reg"),
    "FieldDropout (regular)": ("nn.FieldDropout(reg, 0.1)", "reg"),
}

NODE_SETUP = """
from e3nn import o3
N = {nodes}
irreps = o3.Irreps({irreps!r})
x = torch.randn(N, irreps.dim, requires_grad=True)
"""

NODES = TIMING + NODE_SETUP + """
import e3nn.nn
from eqgraph import gspaces, nn
from eqgraph.fields import FieldType
O3 = gspaces.flipRot3dOnR3()
t = FieldType.from_e3nn(irreps, O3)
e = lambda s: FieldType.from_e3nn(s, O3)
ours, theirs = {eqgraph}, {e3nn}
our_inputs, their_inputs = {eqgraph_inputs}, {e3nn_inputs}

def ours_step():
    ours(*our_inputs).tensor.sum().backward()

def theirs_step():
    theirs(*their_inputs).sum().backward()

rounds = [(measure(ours_step)["time"], measure(theirs_step)["time"]) for _ in range(3)]  # interleaved
print(json.dumps({{"ours": statistics.median(r[0] for r in rounds), "theirs": statistics.median(r[1] for r in rounds)}}))
"""

NODE_CASES = {
    "Linear 32x0e+32x1o+32x2e": dict(
        eqgraph="nn.Linear(t, t)", e3nn="o3.Linear(irreps, irreps, biases=True)", e3nn_inputs="[x]", eqgraph_inputs="[t(x)]",
        nodes=10000, irreps="32x0e+32x1o+32x2e"),
    "Gate 32 scalars, 32 gates, 16x1o+16x2e": dict(
        eqgraph='nn.Gate(e("32x0e"), e("32x0e"), e("16x1o+16x2e"))',
        e3nn='e3nn.nn.Gate("32x0e", [torch.nn.functional.silu], "32x0e", [torch.sigmoid], "16x1o+16x2e")',
        e3nn_inputs="[x]", eqgraph_inputs="[t(x)]", nodes=10000, irreps="32x0e+32x0e+16x1o+16x2e"),
    "BatchNorm 32x0e+32x1o+32x2e": dict(
        eqgraph="nn.IIDBatchNorm1d(t)", e3nn="e3nn.nn.BatchNorm(irreps)", e3nn_inputs="[x]", eqgraph_inputs="[t(x)]",
        nodes=10000, irreps="32x0e+32x1o+32x2e"),
    "NormActivation 32x0e+32x1o+32x2e": dict(
        eqgraph='nn.NormNonLinearity(t, "n_sigmoid")',
        e3nn="e3nn.nn.NormActivation(irreps, torch.sigmoid)", e3nn_inputs="[x]", eqgraph_inputs="[t(x)]", nodes=10000,
        irreps="32x0e+32x1o+32x2e"),
    "TensorProduct 16x(0e+1o+2e) x (0e+1o+2e)": dict(
        eqgraph='nn.TensorProductModule(t, e("1x0e+1x1o+1x2e"), t)',
        e3nn='o3.FullyConnectedTensorProduct(irreps, "1x0e+1x1o+1x2e", irreps)',
        e3nn_inputs="[x, torch.randn(N, 9)]", eqgraph_inputs='[t(x), e("1x0e+1x1o+1x2e")(torch.randn(N, 9))]', nodes=2000, irreps="16x0e+16x1o+16x2e"),
}


def run(python: str | None, template: str, **fields) -> dict | None:
    if python is None:
        return None
    try:
        return run_json(python, template.format(repeats=REPEATS, **fields), timeout=1800, env=STEADY_ALLOCATOR)
    except RuntimeError as error:
        print(f"    ({str(error).strip().splitlines()[-1]})")
        return None


def main() -> None:
    reference = escnn_python()
    print(f"escnn reference: {reference or 'not importable (run benchmarks/setup_escnn_venv.sh or set ESCNN_PYTHON)'}")
    print(f"{'layer (forward + backward)':44} {'eqgraph':>9} {'other':>9} {'ratio':>7}")
    for name, (module, input, *escnn_module) in GRID_CASES.items():
        if not any(part in name for part in ONLY):
            continue
        a, b = [], []
        for _ in range(PAIRS):  # alternate the processes: single processes differ by tens of percent
            ours = run(this_python(), EQGRAPH_GRID, module=module, input=input)
            theirs = run(reference, ESCNN_GRID, module=(escnn_module or [module])[0], input=input, empty_cache=False)
            a += [ours["step"]["time"]] if ours else []
            b += [theirs["step"]["time"]] if theirs else []
        a, b = (statistics.median(v) if v else None for v in (a, b))
        print(f"{name + ' vs escnn':44} {fmt(a):>9} {fmt(b):>9} {ratio(a, b):>7}")
    for name, case in NODE_CASES.items():
        if not any(part in name for part in ONLY):
            continue
        both = run(this_python(), NODES, **case)
        a, b = (both["ours"], both["theirs"]) if both else (None, None)
        print(f"{name + ' vs e3nn':44} {fmt(a):>9} {fmt(b):>9} {ratio(a, b):>7}")


if __name__ == "__main__":
    main()

"""Kernel-basis construction speed: eqgraph next to escnn.

Every timed process runs with one torch thread (``--threads N`` to change it), so the ratios
do not depend on what else runs on the machine.

For each layer below, eqgraph builds the kernel basis of every distinct (input field, output
field) representation pair on escnn's default rings and band limit, and samples it on the
k x k (x k) stencil in the factorised block form that convolutions use, the group and its irreps
built inside the clock; escnn constructs the
same R2Conv/R3Conv with ``initialize=False`` (its basis construction and sampling). Each runs in
a fresh process ("cold", dependencies imported before the clock starts) and again in the same
process ("cached"); escnn's cold run is shown with its on-disk cache empty and warm. The processes
alternate over ``--pairs`` rounds (3) and the table gives medians. The number of basis elements
(learnable coefficients of the layer) is printed next to escnn's. Ratios are eqgraph / escnn:
below 1 is faster.

    python benchmarks/bench_kernels.py
"""
from __future__ import annotations

from _reference import ESCNN_PRELUDE, alternate, escnn_python, fmt, ratio, this_python

# name: (gspace expression, input representations, output representations, kernel size)
CASES = {
    "C8 16 reg -> 16 reg, k=5": ("rot2dOnR2(8)", "[gs.regular_repr] * 16", "[gs.regular_repr] * 16", 5),
    "O(2) mixed irreps, k=7": (
        "flipRot2dOnR2(-1, maximum_frequency=10)",
        "[gs.irrep(0, 0), gs.irrep(1, 0), gs.irrep(1, 1), gs.irrep(1, 2), gs.irrep(1, 3)] * 4",
        "[gs.irrep(0, 0), gs.irrep(1, 0), gs.irrep(1, 1), gs.irrep(1, 2), gs.irrep(1, 3)] * 4",
        7,
    ),
    "SO(3) 4x(l=0,1,2), k=5": ("rot3dOnR3(maximum_frequency=6)", "[gs.irrep(0), gs.irrep(1), gs.irrep(2)] * 4",
                               "[gs.irrep(0), gs.irrep(1), gs.irrep(2)] * 4", 5),
    "octa 4 reg -> 4 reg, k=3": ("octaOnR3()", "[gs.regular_repr] * 4", "[gs.regular_repr] * 4", 3),
    "ico 2 reg -> 2 reg, k=3": ("icoOnR3()", "[gs.regular_repr] * 2", "[gs.regular_repr] * 2", 3),
    "C2xSO(2) 4x3 irreps, k=5": ("cylindricalOnR3(maximum_frequency=3)",
                                  "[gs.irrep((0,), (0,), 0), gs.irrep((1,), (1,), 0), gs.irrep((0,), (2,), 0)] * 4",
                                  "[gs.irrep((0,), (0,), 0), gs.irrep((1,), (1,), 0), gs.irrep((0,), (2,), 0)] * 4", 5),
    "C2xD4 2 reg -> 2 reg, k=3": ("fullCylindricalOnR3(4)", "[gs.regular_repr] * 2", "[gs.regular_repr] * 2", 3),
}

EQGRAPH = """
import json, time, warnings
warnings.simplefilter("ignore")
import numpy as np, torch, e3nn.o3
from eqgraph.gspaces import *
from eqgraph.kernels import grid_rings
from eqgraph.fields import grid_positions

def build():
    t = time.perf_counter()
    gs = {gspace}
    ins, outs = {ins}, {outs}
    points = torch.tensor(grid_positions((k,) * gs.dimensionality), dtype=torch.float32)
    bases = {{}}
    for a in ins:
        for b in outs:
            if (a, b) not in bases:
                bases[(a, b)] = gs.build_kernel_basis(a, b, rings=grid_rings(k))
    built = time.perf_counter() - t
    for basis in bases.values():
        basis.sample_blocks(points)
    total = time.perf_counter() - t
    count = sum(len(bases[(a, b)]) for a in ins for b in outs)
    return {{"build": built, "total": total, "count": count}}

k = {k}
cold = build(); cached = build()
print(json.dumps({{"cold": cold, "cached": cached}}))
"""

ESCNN = ESCNN_PRELUDE + """
from escnn.gspaces import *
from escnn import nn

def build():
    gs = {gspace}
    t = time.perf_counter()
    ins, outs = nn.FieldType(gs, {ins}), nn.FieldType(gs, {outs})
    conv = (nn.R2Conv if gs.dimensionality == 2 else nn.R3Conv)(ins, outs, {k}, initialize=False)
    return {{"total": time.perf_counter() - t, "count": int(conv.basisexpansion.dimension())}}

cold = build(); cached = build()
print(json.dumps({{"cold": cold, "cached": cached}}))
"""


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="*", default=list(CASES), help="layers to time (names of the table's rows)")
    args = parser.parse_args()
    reference = escnn_python()
    print(f"escnn reference: {reference or 'not importable (run benchmarks/setup_escnn_venv.sh or set ESCNN_PYTHON)'}")
    header = (f"{'layer':28} {'eqgraph cold':>13} {'cached':>9} {'elements':>9} {'escnn cold':>11} {'warm disk':>10} "
              f"{'cached':>9} {'elements':>9} {'ratio cold':>11} {'ratio warm':>11}")
    print(header)
    print("-" * len(header))
    for name in args.cases:
        gspace, ins, outs, k = CASES[name]
        code = dict(gspace=gspace, ins=ins, outs=outs, k=k)
        results = alternate({"eqgraph": (this_python(), EQGRAPH.format(**code), None),
                             "escnn cold": (reference, ESCNN.format(empty_cache=True, **code), None),
                             "escnn warm": (reference, ESCNN.format(empty_cache=False, **code), None)})
        ours, theirs, warm = results["eqgraph"], results["escnn cold"], results["escnn warm"]
        cold_time = theirs["cold"]["total"] if theirs else None
        warm_time = warm["cold"]["total"] if warm else None
        print(
            f"{name:28} {fmt(ours['cold']['total']):>13} {fmt(ours['cached']['total']):>9} {ours['cold']['count']:>9} "
            f"{fmt(cold_time):>11} {fmt(warm_time):>10} {fmt(theirs['cached']['total'] if theirs else None):>9} "
            f"{theirs['cold']['count'] if theirs else '-':>9} {ratio(ours['cold']['total'], cold_time):>11} "
            f"{ratio(ours['cold']['total'], warm_time):>11}"
        )
        print(f"{'':28} (eqgraph cached: {fmt(ours['cached']['build'])} to build the bases, the rest samples them)")


if __name__ == "__main__":
    main()

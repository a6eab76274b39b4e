"""Group construction speed: eqgraph next to escnn.

Every timed process runs with one torch thread (``--threads N`` to change it), so the ratios
do not depend on what else runs on the machine.

For D_8, the octahedral and the icosahedral group, time (1) building all irreps, (2) the irreps
and the regular representation (escnn builds the latter with the group), (3) decomposing
regular (x) regular, each in a fresh process ("cold") and again
in the same process ("cached"). escnn runs in its own venv (see setup_escnn_venv.sh or set
$ESCNN_PYTHON) with its on-disk joblib cache redirected to an empty folder for the cold run, and
with its warm cache in a new process. Dependencies (torch, e3nn, escnn) are imported before the
clock starts. The processes alternate (eqgraph, escnn cold, escnn warm) over ``--pairs`` rounds (3)
and the table gives medians. Ratios are eqgraph / escnn: below 1 is faster.

    python benchmarks/bench_group.py
"""
from __future__ import annotations

from _reference import ESCNN_PRELUDE, alternate, escnn_python, fmt, ratio, this_python

GROUPS = {"D8": "dihedral_group(8)", "octa": "octa_group()", "ico": "ico_group()"}

# the same operations, timed in either library (both name them alike)
TIMED = """
def run():
    out = {{}}
    t = time.perf_counter(); G = {group}; G.irreps(); out["irreps"] = time.perf_counter() - t
    R = G.regular_representation; out["irreps + regular"] = time.perf_counter() - t
    t = time.perf_counter(); T = R.tensor(R); out["regular x regular"] = time.perf_counter() - t
    out["size"] = T.size
    return out
cold = run(); cached = run()
print(json.dumps({{"cold": cold, "cached": cached}}))
"""

EQGRAPH = """
import json, time, warnings
warnings.simplefilter("ignore")
import e3nn.o3, torch
from eqgraph.group import dihedral_group, octa_group, ico_group
""" + TIMED

ESCNN = ESCNN_PRELUDE + """
from escnn.group import dihedral_group, octa_group, ico_group
""" + TIMED

OPERATIONS = ["irreps", "irreps + regular", "regular x regular"]


def main() -> None:
    reference = escnn_python()
    print(f"escnn reference: {reference or 'not importable (run benchmarks/setup_escnn_venv.sh or set ESCNN_PYTHON)'}")
    header = f"{'group':6} {'operation':18} {'eqgraph cold':>13} {'cached':>10} {'escnn cold':>12} {'warm disk':>10} {'cached':>10} {'cold ratio':>11}"
    print(header)
    print("-" * len(header))
    for name, group in GROUPS.items():
        results = alternate({"eqgraph": (this_python(), EQGRAPH.format(group=group), None),
                             "escnn cold": (reference, ESCNN.format(group=group, empty_cache=True), None),
                             "escnn warm": (reference, ESCNN.format(group=group, empty_cache=False), None)})
        ours, theirs_cold, theirs_warm = results["eqgraph"], results["escnn cold"], results["escnn warm"]
        for op in OPERATIONS:
            escnn_cold = theirs_cold["cold"][op] if theirs_cold else None
            print(
                f"{name:6} {op:18} {fmt(ours['cold'][op]):>13} {fmt(ours['cached'][op]):>10} "
                f"{fmt(escnn_cold):>12} {fmt(theirs_warm['cold'][op] if theirs_warm else None):>10} "
                f"{fmt(theirs_cold['cached'][op] if theirs_cold else None):>10} {ratio(ours['cold'][op], escnn_cold):>11}"
            )


if __name__ == "__main__":
    main()

"""Convolution speed: eqgraph next to escnn (when its venv is available), e3nn and plain torch.

Every timed process runs with one torch thread (``--threads N`` to change it), so the ratios
do not depend on what else runs on the machine.

Every measurement runs in a fresh process: two warm-up calls, then the median of a few timed
calls; the processes of the sides compared alternate A B A B over ``--pairs`` rounds (3) and the
tables give the medians, wall time with CPU time beside it. "peak +MB" is how far the process's
resident memory rises above its level before the timed calls (Linux: the peak is reset through
/proc/self/clear_refs). Ratios are eqgraph / other: below 1 is faster. Targets (issue 4):

1. R2Conv C8, 16 regular -> 16 regular, kernel 5, batch 16, 64x64, one training step: at most
   0.8x escnn.
2. The same layer in eval mode: at most 1.05x the exported plain ``torch.nn.Conv2d``.
3. Constructing that layer: at most 0.5x escnn.
4. R3Conv SO(3), 4 x (l = 0, 1, 2), kernel 5, batch 4, 16^3, training step: at most escnn.
5. R3PointConv O(3), 32x0e+32x1o+32x2e, 1000 points, ~20,000 edges, forward + backward with
   the gradient with respect to positions: at most 0.5x e3nn's interaction of the same width
   (a fully connected tensor product whose weights come from a radial MLP) and at most escnn.

    python benchmarks/bench_conv.py [--quick]
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import torch
from _reference import ESCNN_PRELUDE, TIMING, alternate, benchmark_pairs, escnn_python, fmt, ratio, this_python

REPEATS = 2 if "--quick" in sys.argv else 5


# ----------------------------------------------------------------- grid layers (cases 1-4)
GRID_STEP = """
def train_step():
    conv.zero_grad(set_to_none=True)
    conv(typed).tensor.sum().backward()

result = {{"build": build, "train": measure(train_step)}}
if {eval_mode}:
    conv.eval()
    with torch.no_grad():
        result["eval"] = measure(lambda: conv(typed))
"""

EQGRAPH_GRID = TIMING + """
from eqgraph import gspaces
from eqgraph.nn import R2Conv, R3Conv
t = time.perf_counter()
gs = {gspace}
ft = gs.type(*{reps})
conv = (R2Conv if gs.dimensionality == 2 else R3Conv)(ft, ft, {k}, padding={k} // 2)
build = time.perf_counter() - t
x = torch.randn({batch}, ft.size, *[{size}] * gs.dimensionality)
typed = ft(x)
""" + GRID_STEP + """
if {eval_mode}:
    plain = conv.export().eval()
    with torch.no_grad():
        result["exported"] = measure(lambda: plain(x))
print(json.dumps(result))
"""

PLAIN_GRID = TIMING + """
conv = (torch.nn.Conv2d if {d} == 2 else torch.nn.Conv3d)({c}, {c}, {k}, padding={k} // 2)
x = torch.randn({batch}, {c}, *[{size}] * {d})

def train_step():
    conv.zero_grad(set_to_none=True)
    conv(x).sum().backward()

print(json.dumps({{"train": measure(train_step)}}))
"""

ESCNN_GRID = ESCNN_PRELUDE + TIMING + """
from escnn import gspaces, nn
t = time.perf_counter()
gs = {gspace}
ft = nn.FieldType(gs, {reps})
conv = (nn.R2Conv if gs.dimensionality == 2 else nn.R3Conv)(ft, ft, {k}, padding={k} // 2)
build = time.perf_counter() - t
x = torch.randn({batch}, ft.size, *[{size}] * gs.dimensionality)
typed = nn.GeometricTensor(x, ft)
""" + GRID_STEP + """
print(json.dumps(result))
"""

GRID_CASES = {
    "R2Conv C8 16 reg, k=5, 16x64x64": dict(
        gspace="gspaces.rot2dOnR2(8)", reps="[gs.regular_repr] * 16", k=5, batch=16, size=64, d=2, c=128, eval_mode=True),
    "R3Conv SO(3) 4x(l=0,1,2), k=5, 4x16^3": dict(
        gspace="gspaces.rot3dOnR3()", reps="[gs.irrep(0), gs.irrep(1), gs.irrep(2)] * 4", k=5, batch=4, size=16, d=3,
        c=36, eval_mode=False),
}
ESCNN_REPS = {
    "gspaces.rot2dOnR2(8)": "[gs.regular_repr] * 16",
    "gspaces.rot3dOnR3()": "[gs.fibergroup.irrep(0), gs.fibergroup.irrep(1), gs.fibergroup.irrep(2)] * 4",
}

# ----------------------------------------------------------------- point convolutions (case 5)
GRAPH_SETUP = """
data = torch.load({path!r})
pos0, edge_index, features = data["pos"], data["edge_index"], data["features"]
N = pos0.shape[0]
"""

EQGRAPH_POINT = TIMING + GRAPH_SETUP + """
from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.nn import R3PointConv
ft = FieldType.from_e3nn("32x0e+32x1o+32x2e", gspaces.flipRot3dOnR3())
conv = R3PointConv(ft, ft, cutoff={cutoff}, **{kwargs})

def step():
    conv.zero_grad(set_to_none=True)
    pos = pos0.clone().requires_grad_(True)
    conv(GeometricTensor(features, ft, pos), edge_index).tensor.square().sum().backward()
    assert pos.grad is not None

print(json.dumps({{"step": measure(step), "weights": conv.weights.numel()}}))
"""

E3NN_POINT = TIMING + GRAPH_SETUP + """
from e3nn import o3
from e3nn.nn import FullyConnectedNet
from eqgraph.kernels import BesselRadial
irreps = o3.Irreps("32x0e+32x1o+32x2e")
sh_irreps = o3.Irreps.spherical_harmonics(2)
if {fully_connected}:
    tp = o3.FullyConnectedTensorProduct(irreps, sh_irreps, irreps, shared_weights=False)
    linear = None
else:  # NequIP / e3nn gate_points style: channel-wise ("uvu") product, then a linear mix
    instructions, mid = [], []
    for i, (mul, ir_in) in enumerate(irreps):
        for j, (_, ir_sh) in enumerate(sh_irreps):
            for ir_out in ir_in * ir_sh:
                if ir_out in irreps:
                    instructions.append((i, j, len(mid), "uvu", True))
                    mid.append((mul, ir_out))
    mid, permutation, _ = o3.Irreps(mid).sort()
    instructions = [(i, j, permutation[k], mode, train) for i, j, k, mode, train in instructions]
    tp = o3.TensorProduct(irreps, sh_irreps, mid, instructions, shared_weights=False, internal_weights=False)
    linear = o3.Linear(mid.simplify(), irreps)
radial = FullyConnectedNet([8, 64, tp.weight_numel], torch.nn.functional.silu)
embedding = BesselRadial(8, {cutoff})
modules = torch.nn.ModuleList([tp, radial] + ([linear] if linear is not None else []))

def step():
    modules.zero_grad(set_to_none=True)
    pos = pos0.clone().requires_grad_(True)
    delta = pos[edge_index[0]] - pos[edge_index[1]]
    sh = o3.spherical_harmonics(sh_irreps, delta, normalize=True, normalization="component")
    messages = tp(features[edge_index[0]], sh, radial(embedding(delta.norm(dim=1))))
    out = torch.zeros(N, messages.shape[1]).index_add(0, edge_index[1], messages)
    if linear is not None:
        out = linear(out)
    out.square().sum().backward()
    assert pos.grad is not None

print(json.dumps({{"step": measure(step), "weights": sum(p.numel() for p in modules.parameters())}}))
"""

ESCNN_POINT = ESCNN_PRELUDE + TIMING + GRAPH_SETUP + """
from escnn import gspaces, nn
gs = gspaces.flipRot3dOnR3()
G = gs.fibergroup
ft = nn.FieldType(gs, [G.irrep(0, 0)] * 32 + [G.irrep(1, 1)] * 32 + [G.irrep(0, 2)] * 32)
conv = nn.R3PointConv(ft, ft, width={cutoff}, n_rings=8, frequencies_cutoff=lambda r: 2)

def step():
    conv.zero_grad(set_to_none=True)
    pos = pos0.clone().requires_grad_(True)
    conv(nn.GeometricTensor(features, ft, coords=pos), edge_index).tensor.square().sum().backward()
    assert pos.grad is not None

print(json.dumps({{"step": measure(step), "weights": int(conv.weights.numel())}}))
"""

POINTS, CUTOFF = 1000, 1.8


def make_graph(path: Path) -> int:
    """1000 random points in a 10^3 box and their radius graph (~19,400 edges), saved for every process."""
    from eqgraph.graph import radius_graph

    generator = torch.Generator().manual_seed(0)
    pos = torch.rand(POINTS, 3, generator=generator) * 10.0
    edge_index = radius_graph(pos, CUTOFF)
    torch.save({"pos": pos, "edge_index": edge_index, "features": torch.randn(POINTS, 288, generator=generator)}, path)
    return edge_index.shape[1]


def cell(result: dict | None, key: str) -> str:
    """Wall time (CPU time) of one measurement."""
    if not result or key not in result:
        return "-"
    return f"{fmt(result[key]['time'])} ({fmt(result[key]['cpu'])} CPU)"


def memory(result: dict | None, key: str) -> str:
    return f"{result[key]['peak_mb']:.0f}" if result and key in result else "-"


def wall(result: dict | None, key: str) -> float | None:
    return result[key]["time"] if result and key in result else None


def main() -> None:
    reference = escnn_python()
    print(f"escnn reference: {reference or 'not importable (run benchmarks/setup_escnn_venv.sh or set ESCNN_PYTHON)'}")
    print(f"timed calls per measurement: {REPEATS} (median); processes alternated over {benchmark_pairs()} rounds "
          "(median)\n")

    for name, case in GRID_CASES.items():
        code = dict(case, repeats=REPEATS)
        escnn_code = dict(code, reps=ESCNN_REPS[case["gspace"]], empty_cache=False)
        sides = {"eqgraph": (this_python(), EQGRAPH_GRID.format(**code), None),
                 "plain": (this_python(), PLAIN_GRID.format(**code), None),
                 "escnn": (reference, ESCNN_GRID.format(**escnn_code), None)}
        if case["eval_mode"]:
            sides["escnn cold"] = (reference, ESCNN_GRID.format(**dict(escnn_code, empty_cache=True)), None)
        results = alternate(sides)
        ours, plain, theirs = results["eqgraph"], results["plain"], results["escnn"]
        print(f"{name}")
        print(f"  training step      eqgraph {cell(ours, 'train')} ({memory(ours, 'train')} MB)   escnn "
              f"{cell(theirs, 'train')} ({memory(theirs, 'train')} MB)   plain torch {cell(plain, 'train')}   "
              f"ratio vs escnn {ratio(wall(ours, 'train'), wall(theirs, 'train'))}, "
              f"vs plain {ratio(wall(ours, 'train'), wall(plain, 'train'))}")
        if case["eval_mode"]:
            cold = results.get("escnn cold")
            print(f"  eval forward       eqgraph {cell(ours, 'eval')}   escnn {cell(theirs, 'eval')}   exported Conv2d "
                  f"{cell(ours, 'exported')}   ratio vs exported {ratio(wall(ours, 'eval'), wall(ours, 'exported'))}")
            print(f"  construction       eqgraph {fmt(ours['build']):>9}   escnn {fmt(theirs['build'] if theirs else None):>9} "
                  f"(empty disk cache {fmt(cold['build'] if cold else None)})   ratio "
                  f"{ratio(ours['build'], theirs['build'] if theirs else None)} / "
                  f"{ratio(ours['build'], cold['build'] if cold else None)}")
        print()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "graph.pt"
        edges = make_graph(path)
        print(f"R3PointConv O(3) 32x0e+32x1o+32x2e, {POINTS} points, {edges} edges, forward + backward incl. d/dpos")
        rows = {
            "eqgraph R3PointConv (8 Bessel)": (this_python(), EQGRAPH_POINT, dict(kwargs="{}")),
            "eqgraph R3PointConv (radial MLP 64)": (this_python(), EQGRAPH_POINT, dict(kwargs="{'radial_mlp': (64,)}")),
            "e3nn FC tensor product + radial MLP": (this_python(), E3NN_POINT, dict(fully_connected=True)),
            "e3nn uvu tensor product + MLP + Linear": (this_python(), E3NN_POINT, dict(fully_connected=False)),
            "escnn R3PointConv (8 rings)": (reference, ESCNN_POINT, dict(empty_cache=False)),
        }
        results = alternate({label: (python, template.format(path=str(path), cutoff=CUTOFF, repeats=REPEATS, **extra),
                                     None) for label, (python, template, extra) in rows.items()})
        results = {label: result for label, result in results.items() if result is not None}
        for label, result in results.items():
            print(f"  {label:42} {cell(result, 'step'):>22}  peak +{result['step']['peak_mb']:.0f} MB  "
                  f"{result['weights']:>8} parameters")
        print("  ratios (eqgraph / other, wall):")
        for ours in ("eqgraph R3PointConv (8 Bessel)", "eqgraph R3PointConv (radial MLP 64)"):
            for other in results:
                if ours in results and not other.startswith("eqgraph"):
                    print(f"    {ours} / {other}: {ratio(wall(results[ours], 'step'), wall(results[other], 'step'))}")


if __name__ == "__main__":
    main()

"""Whole-network speed of the vision models: eqgraph's SteerableCNN against the same network
built from escnn's modules (in its side venv, ``benchmarks/setup_escnn_venv.sh``).

    python benchmarks/bench_vision.py [--pairs 3] [--processes 9] [--threads 1] [--quick]

The network is SteerableCNN("C8", channels=(4, 8, 12)): a 5x5 lifting convolution, a residual
block of two 3x3 convolutions per stage (InnerBatchNorm, ReLU), 2x2 average pooling between
stages, group pooling, the spatial mean and a linear layer, on a batch of 32 one-channel 28 x 28
images. escnn's copy uses R2Conv, InnerBatchNorm, ReLU, PointwiseAvgPool2D and GroupPooling with
the same field types (escnn's ``PointwiseAvgPool2D`` has no ``export()``, so its copy exports it
by hand as torch's ``AvgPool2d``). Cases:

- ``train step``: forward, cross-entropy, backward and an Adam step, training mode;
- ``eval (exported)``: each library's ``export()`` of the network, forward in eval mode (plain
  torch on both sides);
- ``eval (equivariant)``: the equivariant network itself in eval mode;
- ``eval, network / export``: the equivariant network and its export called in turn in one
  process (which goes first alternates), the ratio of their medians: issue 13's eval target
  measured without the drift between processes that the two separate cases above carry, in
  ``--processes`` processes (median and every value printed). Without ``STEADY_ALLOCATOR`` the
  ratio moved from 0.93x to 1.14x between processes (steady within each: the same convolutions
  ran faster or slower with where their tensors landed); with it, by about 0.02.

Every measurement runs in a fresh process with one torch thread (``--threads``), eqgraph and
escnn alternated (``--pairs`` pairs); the table gives medians, peak resident memory growth,
parameter counts and the eqgraph / escnn ratio (below 1 is faster), then each library's
equivariant eval over its own export. Issue 13's targets: at most 0.8x escnn for the train step,
and the equivariant network's eval at most 1.05x its exported plain network.
"""
from __future__ import annotations

import statistics
import sys

from _reference import ESCNN_PRELUDE, STEADY_ALLOCATOR, TIMING, escnn_python, fmt, ratio, run_json, this_python

PAIRS = int(sys.argv[sys.argv.index("--pairs") + 1]) if "--pairs" in sys.argv else 3
PROCESSES = int(sys.argv[sys.argv.index("--processes") + 1]) if "--processes" in sys.argv else 9
REPEATS = 5 if "--quick" in sys.argv else 20
CASES = ("train step", "eval (exported)", "eval (equivariant)", "eval, network / export")

INPUTS = """
torch.manual_seed(0)
images = torch.randn(32, 1, 28, 28)
labels = torch.randint(0, 10, (32,))
"""

STEPS = """
def steps(model, plain, case={case!r}):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train():
        model.train()
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    def evaluate_plain():
        with torch.no_grad():
            plain(images)

    def evaluate():
        with torch.no_grad():
            model(images)

    return {{"train step": train, "eval (exported)": evaluate_plain, "eval (equivariant)": evaluate}}[case]

def run_case(model, plain):
    if {case!r} == "eval, network / export":
        return interleaved(steps(model, plain, "eval (equivariant)"), steps(model, plain, "eval (exported)"))
    return measure(steps(model, plain))

def interleaved(first, second, repeats=4 * {repeats}):  # median time of first over second's, called in turn
    for _ in range(2):
        first(), second()
    a, b = [], []
    for repeat in range(repeats):  # which goes first alternates
        for call, times in ((first, a), (second, b))[::1 if repeat % 2 else -1]:
            t = time.perf_counter()
            call()
            times.append(time.perf_counter() - t)
    return {{"time": statistics.median(a) / statistics.median(b), "cpu": 0.0, "peak_mb": 0.0}}
"""

EQGRAPH = TIMING + INPUTS + STEPS + """
from eqgraph.models import SteerableCNN
model = SteerableCNN("C8", in_channels=1, num_classes=10, channels=(4, 8, 12))
model.train()(images)
plain = model.eval().export()
print(json.dumps({{"step": run_case(model, plain), "parameters": sum(p.numel() for p in model.parameters())}}))
"""

ESCNN = ESCNN_PRELUDE + TIMING + INPUTS + STEPS + """
from escnn import gspaces, nn

class PlainResidual(torch.nn.Module):
    def __init__(self, branch, activation):
        super().__init__()
        self.branch, self.activation = branch, activation

    def forward(self, x):
        return self.activation(x + self.branch(x))

class Residual(nn.EquivariantModule):
    def __init__(self, t):
        super().__init__()
        self.in_type = self.out_type = t
        self.branch = nn.SequentialModule(nn.R2Conv(t, t, 3, padding=1, bias=False), nn.InnerBatchNorm(t), nn.ReLU(t),
                                          nn.R2Conv(t, t, 3, padding=1, bias=False), nn.InnerBatchNorm(t))
        self.activation = nn.ReLU(t)

    def forward(self, x):
        return self.activation(x + self.branch(x))

    def evaluate_output_shape(self, shape):
        return shape

    def export(self):
        return PlainResidual(self.branch.export(), self.activation.export())

class Network(torch.nn.Module):
    def __init__(self):
        super().__init__()
        gs = gspaces.rot2dOnR2(8)
        self.input_type = nn.FieldType(gs, [gs.trivial_repr])
        types = [nn.FieldType(gs, [gs.regular_repr] * c) for c in (4, 8, 12)]
        layers, previous = [], self.input_type
        for stage, t in enumerate(types):
            if stage:
                layers.append(nn.PointwiseAvgPool2D(previous, 2))
            k = 5 if stage == 0 else 3
            layers += [nn.R2Conv(previous, t, k, padding=k // 2, bias=False), nn.InnerBatchNorm(t), nn.ReLU(t), Residual(t)]
            previous = t
        layers.append(nn.GroupPooling(previous))
        self.features = nn.SequentialModule(*layers)
        self.linear = torch.nn.Linear(12, 10)

    def forward(self, x):
        return self.linear(self.features(nn.GeometricTensor(x, self.input_type)).tensor.mean((2, 3)))

    def export(self):  # escnn's PointwiseAvgPool2D has no export(): torch's AvgPool2d by hand
        layers = [torch.nn.AvgPool2d(2) if isinstance(m, nn.PointwiseAvgPool2D) else m.export()
                  for m in self.features.children()]
        return torch.nn.Sequential(*layers, torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), self.linear)

model = Network()
model.train()(images)
plain = model.eval().export()
print(json.dumps({{"step": run_case(model, plain), "parameters": sum(p.numel() for p in model.parameters())}}))
"""


def main() -> None:
    escnn = escnn_python()
    if escnn is None:
        sys.exit("escnn is not installed: run benchmarks/setup_escnn_venv.sh (or set ESCNN_PYTHON)")
    print(f"{'case':22s} {'eqgraph':>10s} {'escnn':>10s} {'ratio':>7s} {'eqgraph MB':>11s} {'escnn MB':>9s}")
    medians = {}
    for case in CASES[:3]:
        ours, theirs = [], []
        for _ in range(PAIRS):
            ours.append(run_json(this_python(), EQGRAPH.format(repeats=REPEATS, case=case), env=STEADY_ALLOCATOR))
            theirs.append(run_json(escnn, ESCNN.format(repeats=REPEATS, case=case, empty_cache=False),
                                   env=STEADY_ALLOCATOR))
        a = statistics.median(r["step"]["time"] for r in ours)
        b = statistics.median(r["step"]["time"] for r in theirs)
        medians[case] = (a, b)
        print(f"{case:22s} {fmt(a):>10s} {fmt(b):>10s} {ratio(a, b):>7s} "
              f"{statistics.median(r['step']['peak_mb'] for r in ours):11.1f} "
              f"{statistics.median(r['step']['peak_mb'] for r in theirs):9.1f}", flush=True)
        for name, runs in (("eqgraph", ours), ("escnn", theirs)):
            print(f"  {name} per process: {', '.join(fmt(r['step']['time']) for r in runs)}", flush=True)
    print(f"parameters: eqgraph {ours[0]['parameters']}, escnn {theirs[0]['parameters']}")
    (ours_eq, escnn_eq), (ours_plain, escnn_plain) = medians["eval (equivariant)"], medians["eval (exported)"]
    print(f"eval of the equivariant network over its own export, from the medians above: eqgraph "
          f"{ratio(ours_eq, ours_plain)}, escnn {ratio(escnn_eq, escnn_plain)}")
    case = CASES[3]
    ours, theirs = [], []
    for _ in range(PROCESSES):
        ours.append(run_json(this_python(), EQGRAPH.format(repeats=REPEATS, case=case), env=STEADY_ALLOCATOR)["step"]["time"])
        theirs.append(run_json(escnn, ESCNN.format(repeats=REPEATS, case=case, empty_cache=False),
                               env=STEADY_ALLOCATOR)["step"]["time"])
    print(f"eval of the equivariant network over its own export, interleaved in one process, median of {PROCESSES} "
          f"processes:")
    for name, ratios in (("eqgraph", ours), ("escnn", theirs)):
        print(f"  {name}: {statistics.median(ratios):.3f}x (per process: {', '.join(f'{r:.3f}' for r in sorted(ratios))})")
    print("issue 13's target for eqgraph: at most 1.05x")


if __name__ == "__main__":
    main()

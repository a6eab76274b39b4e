"""Whole-model speed: eqgraph's EquivariantPotential against an e3nn NequIP-style model or MACE.

    python benchmarks/bench_models.py [--pairs 3] [--threads 1] [--channels 32]
    python benchmarks/bench_models.py --against mace --correlation 3   # after setup_mace_venv.sh
    python benchmarks/bench_models.py --against schnet                  # PyG SchNet, equal parameter count

Cases (same irreps, lmax, channels, layers and, against MACE, correlation on both sides;
e3nn's model is ``benchmarks/_e3nn_nequip.py``, MACE's a ``ScaleShiftMACE`` with residual
interactions run by ``benchmarks/_mace_worker.py`` in ``.venv-mace`` or ``$MACE_PYTHON``):

- ``train-8x32``: one force-training step (energy + forces loss, double backward, Adam) on a
  batch of 8 periodic 32-atom EMT copper cells;
- ``train-1000``: the same on one periodic 1000-atom cell;
- ``infer-1000``, ``infer-10000``: energy + forces in eval mode, atoms per second.

Each measurement runs in a fresh process with a pinned thread count, the two sides alternated
A B A B; the script prints medians of the per-process medians, CPU time beside wall time,
peak resident memory, and the eqgraph / e3nn ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = {"train-8x32": (8, 2, True), "train-1000": (1, (5, 5, 10), True), "infer-1000": (1, (5, 5, 10), False),
         "infer-10000": (1, (12, 14, 15), False)}


def structures(count, repeat, seed=0):
    import numpy as np
    import torch
    from ase.build import bulk
    from torch_geometric.data import Batch, Data

    items = []
    for k in range(count):
        atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(repeat)
        atoms.rattle(0.05, seed=seed + k)
        items.append(Data(z=torch.as_tensor(atoms.numbers), pos=torch.as_tensor(atoms.positions, dtype=torch.float32),
                          cell=torch.as_tensor(np.array(atoms.cell), dtype=torch.float32).view(1, 3, 3),
                          pbc=torch.ones(1, 3, dtype=torch.bool), energy=torch.zeros(1),
                          forces=torch.zeros(len(atoms), 3)))
    return Batch.from_data_list(items)


def worker(side: str, case: str, args) -> dict:
    import torch

    torch.set_num_threads(args.threads)
    sys.path.insert(0, str(HERE))
    from eqgraph.models import EquivariantPotential

    count, repeat, training = CASES[case]
    torch.manual_seed(0)
    irreps = f"{args.channels}x0e+{args.channels}x1o+{args.channels}x2e"
    model = EquivariantPotential([29], cutoff=args.cutoff, channels=args.channels, lmax=2, num_layers=args.layers,
                                 correlation=args.correlation, radial_mlp=(64, 64))
    if side == "e3nn":
        from _e3nn_nequip import E3nnNequIP

        model = E3nnNequIP([29], cutoff=args.cutoff, hidden_irreps=irreps, lmax=2, num_layers=args.layers,
                           radial_mlp=(64, 64))
    elif side == "schnet":  # PyG's SchNet, 3 interactions, widths chosen for eqgraph's parameter count
        from _schnet_potential import SchNetPotential

        target = sum(p.numel() for p in model.parameters())
        size = lambda h: sum(p.numel() for p in SchNetPotential([29], args.cutoff, h, h).parameters())
        width = min(range(8, 513, 4), key=lambda h: abs(size(h) - target))
        model = SchNetPotential([29], cutoff=args.cutoff, hidden_channels=width, num_filters=width)
    batch = structures(count, repeat)
    from eqgraph.graph import periodic_radius_graph

    graph = periodic_radius_graph(batch.pos, batch.cell, args.cutoff, batch=batch.batch)  # precomputed, as a data transform does
    batch.edge_index, batch.cell_shifts = graph.edge_index, graph.shifts
    model.train(training)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        out = model(batch)
        if training:
            loss = (out["energy"] - batch.energy).pow(2).mean() + (out["forces"] - batch.forces).pow(2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    for _ in range(2):
        step()
    walls, cpus = [], []
    for _ in range(args.repeats):
        w, c = time.perf_counter(), time.process_time()
        step()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "atoms": int(batch.pos.shape[0]),
            "parameters": sum(p.numel() for p in model.parameters()),
            "edges": int(batch.edge_index.shape[1]), "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=3, help="alternating process pairs per case")
    parser.add_argument("--repeats", type=int, default=5, help="timed steps per process")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--channels", type=int, default=32)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--cutoff", type=float, default=5.0)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--against", choices=("e3nn", "mace", "schnet"), default="e3nn")
    parser.add_argument("--correlation", type=int, default=1, help="body order (e3nn's model has 1 only)")
    parser.add_argument("--worker", nargs=2, metavar=("SIDE", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker, args)))
        return
    if args.against == "e3nn" and args.correlation != 1:
        parser.error("the e3nn reference is NequIP-like (correlation 1); use --against mace for higher body order")
    passed = [f"--threads={args.threads}", f"--channels={args.channels}", f"--layers={args.layers}",
              f"--cutoff={args.cutoff}", f"--repeats={args.repeats}", f"--correlation={args.correlation}"]
    commands = {"eqgraph": lambda case: [sys.executable, __file__, "--worker", "eqgraph", case, *passed]}
    if args.against in ("e3nn", "schnet"):
        commands[args.against] = lambda case: [sys.executable, __file__, "--worker", args.against, case, *passed]
    else:
        python = os.environ.get("MACE_PYTHON") or str(HERE.parent / ".venv-mace" / "bin" / "python")
        if not Path(python).exists():
            parser.error(f"no MACE venv at {python}: run benchmarks/setup_mace_venv.sh or set MACE_PYTHON")
        commands["mace"] = lambda case: [python, str(HERE / "_mace_worker.py"), case, *passed]
    other = args.against
    print(f"threads={args.threads} channels={args.channels} layers={args.layers} lmax=2 correlation={args.correlation} "
          f"cutoff={args.cutoff}")
    print(f"{'case':<13}{'atoms':>7}{'edges':>9}{'eqgraph s':>11}{other + ' s':>9}{'ratio':>7}{'cpu ratio':>10}"
          f"{'eqgraph MiB':>13}{other + ' MiB':>10}{'eqgraph atoms/s':>17}")
    for case in args.cases.split(","):
        runs = {side: [] for side in commands}
        for _ in range(args.pairs):
            for side, command in commands.items():
                result = subprocess.run(command(case), capture_output=True, text=True, check=True)
                runs[side].append(json.loads(result.stdout.strip().splitlines()[-1]))
        med = {s: {k: statistics.median(r[k] for r in runs[s]) for k in ("wall", "cpu", "peak_mib")} for s in runs}
        first = runs["eqgraph"][0]
        print(f"{case:<13}{first['atoms']:>7}{first['edges']:>9}{med['eqgraph']['wall']:>11.4f}{med[other]['wall']:>9.4f}"
              f"{med['eqgraph']['wall'] / med[other]['wall']:>7.2f}{med['eqgraph']['cpu'] / med[other]['cpu']:>10.2f}"
              f"{med['eqgraph']['peak_mib']:>13.0f}{med[other]['peak_mib']:>10.0f}"
              f"{first['atoms'] / med['eqgraph']['wall']:>17.0f}", flush=True)


if __name__ == "__main__":
    main()

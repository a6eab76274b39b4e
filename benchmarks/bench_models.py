"""Whole-model speed: eqgraph's EquivariantPotential against an e3nn NequIP-style model, MACE and PyG's SchNet.

    python benchmarks/bench_models.py [--pairs 3] [--threads 1] [--channels 32] [--against e3nn,mace,schnet]

MACE runs after ``benchmarks/setup_mace_venv.sh`` (or with ``MACE_PYTHON``) at
``--mace-correlation`` (3) on both sides; PyG's SchNet at eqgraph's parameter count.

Against escnn (`--against escnn`) it runs `benchmarks/bench_vision.py`: the vision models.

Cases (same irreps, lmax, channels, layers and, against MACE, correlation on both sides;
e3nn's model is ``benchmarks/_e3nn_nequip.py``, MACE's a ``ScaleShiftMACE`` with residual
interactions run by ``benchmarks/_mace_worker.py`` in ``.venv-mace`` or ``$MACE_PYTHON``):

- ``train-8x32``: one force-training step (energy + forces loss, double backward, Adam) on a
  batch of 8 periodic 32-atom EMT copper cells;
- ``train-1000``: the same on one periodic 1000-atom cell;
- ``infer-1000``, ``infer-10000``: energy + forces in eval mode, atoms per second.

Every side flushes subnormal floats to zero, as the ``eqgraph`` command does
(``--keep-subnormals`` to measure without: PyG SchNet's float32 Gaussian tails then make its
training step about 2x slower). Each measurement runs in a fresh process with a pinned thread
count, the two sides alternated A B A B; the script prints medians of the per-process medians,
CPU time beside wall time, peak resident memory, parameter counts, and the eqgraph / reference
ratio, one table per reference.
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
    torch.set_flush_denormal(not args.keep_subnormals)
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
        from eqgraph.models import SchNetModel

        target = sum(p.numel() for p in model.parameters())
        size = lambda h: sum(p.numel() for p in SchNetModel([29], cutoff=args.cutoff, hidden_channels=h,
                                                            num_filters=h).parameters())
        width = min(range(8, 513, 4), key=lambda h: abs(size(h) - target))
        model = SchNetModel([29], cutoff=args.cutoff, hidden_channels=width, num_filters=width)
    batch = structures(count, repeat)
    from eqgraph.graph import periodic_radius_graph

    graph = periodic_radius_graph(batch.pos, batch.cell, args.cutoff, batch=batch.batch)  # precomputed, as a data transform does
    batch.edge_index, batch.cell_shifts = graph.edge_index, graph.shifts
    model.train(training)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    return timed_steps(lambda: model(batch), batch.energy, batch.forces, optimizer if training else None, args.repeats,
                       atoms=int(batch.pos.shape[0]), edges=int(batch.edge_index.shape[1]),
                       parameters=sum(p.numel() for p in model.parameters()))


def timed_steps(forward, energy, forces, optimizer, repeats: int, **facts) -> dict:
    """Medians of wall and CPU seconds of ``repeats`` steps after two warm-up steps (a step: the
    forward, and with an optimizer the energy + force loss, its backward and the update), with
    the peak resident memory and ``facts``. Shared with ``_mace_worker.py``: imports nothing."""
    def step():
        out = forward()
        if optimizer is not None:
            loss = (out["energy"] - energy).pow(2).mean() + (out["forces"] - forces).pow(2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    for _ in range(2):
        step()
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        step()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus),
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **facts}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=3, help="alternating process pairs per case")
    parser.add_argument("--repeats", type=int, default=5, help="timed steps per process")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--channels", type=int, default=32)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--cutoff", type=float, default=5.0)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--against", default="e3nn,mace,schnet",
                        help="references, each in its own table: e3nn, mace (skipped without its venv), schnet, "
                             "escnn (the vision models: benchmarks/bench_vision.py)")
    parser.add_argument("--mace-correlation", type=int, default=3, help="body order of both sides against MACE")
    parser.add_argument("--keep-subnormals", action="store_true", help="do not flush subnormal floats to zero")
    parser.add_argument("--correlation", type=int, default=1, help=argparse.SUPPRESS)  # passed to workers
    parser.add_argument("--worker", nargs=2, metavar=("SIDE", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker, args)))
        return
    for reference in args.against.split(","):
        if reference not in ("e3nn", "mace", "schnet", "escnn"):
            parser.error(f"unknown reference {reference!r}: expected e3nn, mace, schnet or escnn")
        if reference == "escnn":
            subprocess.run([sys.executable, str(HERE / "bench_vision.py"), "--pairs", str(args.pairs),
                            "--threads", str(args.threads)], check=True)
        else:
            compare(reference, args)


def compare(reference: str, args) -> None:
    """One table: eqgraph against ``reference`` on every case, alternating fresh processes."""
    correlation = args.mace_correlation if reference == "mace" else 1  # e3nn's model and SchNet have no products
    passed = [f"--threads={args.threads}", f"--channels={args.channels}", f"--layers={args.layers}",
              f"--cutoff={args.cutoff}", f"--repeats={args.repeats}", f"--correlation={correlation}",
              *(["--keep-subnormals"] if args.keep_subnormals else [])]
    commands = {"eqgraph": lambda case: [sys.executable, __file__, "--worker", "eqgraph", case, *passed]}
    if reference == "mace":
        python = os.environ.get("MACE_PYTHON") or str(HERE.parent / ".venv-mace" / "bin" / "python")
        if not Path(python).exists():
            print(f"\nno MACE venv at {python}: run benchmarks/setup_mace_venv.sh or set MACE_PYTHON; skipped")
            return
        commands["mace"] = lambda case: [python, str(HERE / "_mace_worker.py"), case, *passed]
    else:
        commands[reference] = lambda case: [sys.executable, __file__, "--worker", reference, case, *passed]
    print(f"\nagainst {reference}: threads={args.threads} channels={args.channels} layers={args.layers} lmax=2 "
          f"correlation={correlation} cutoff={args.cutoff} subnormals {'kept' if args.keep_subnormals else 'flushed'}")
    print(f"{'case':<13}{'atoms':>7}{'edges':>9}{'eqgraph s':>11}{'ref s':>9}{'ratio':>7}{'cpu ratio':>10}"
          f"{'eqgraph MiB':>13}{'ref MiB':>9}{'eqgraph atoms/s':>17}{'params':>16}")
    for case in args.cases.split(","):
        runs = {side: [] for side in commands}
        for _ in range(args.pairs):
            for side, command in commands.items():
                result = subprocess.run(command(case), capture_output=True, text=True, check=True)
                runs[side].append(json.loads(result.stdout.strip().splitlines()[-1]))
        med = {s: {k: statistics.median(r[k] for r in runs[s]) for k in ("wall", "cpu", "peak_mib")} for s in runs}
        first, other = runs["eqgraph"][0], runs[reference][0]
        print(f"{case:<13}{first['atoms']:>7}{first['edges']:>9}{med['eqgraph']['wall']:>11.4f}"
              f"{med[reference]['wall']:>9.4f}{med['eqgraph']['wall'] / med[reference]['wall']:>7.2f}"
              f"{med['eqgraph']['cpu'] / med[reference]['cpu']:>10.2f}{med['eqgraph']['peak_mib']:>13.0f}"
              f"{med[reference]['peak_mib']:>9.0f}{first['atoms'] / med['eqgraph']['wall']:>17.0f}"
              f"{first['parameters']:>8}/{other['parameters']:<7}", flush=True)


if __name__ == "__main__":
    main()

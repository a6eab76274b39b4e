"""One timed MACE measurement for bench_models.py, run by the MACE venv's python
(``benchmarks/setup_mace_venv.sh``): imports mace-torch and ase, never eqgraph.

    .venv-mace/bin/python benchmarks/_mace_worker.py CASE --channels 32 --correlation 3 ...

Prints one JSON line like bench_models.py's own workers: wall and CPU medians, atoms, edges,
peak resident memory.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from ase.build import bulk

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_models import timed_steps  # noqa: E402  (stdlib only at import)

CASES = {"train-8x32": (8, 2, True), "train-1000": (1, (5, 5, 10), True), "infer-1000": (1, (5, 5, 10), False),
         "infer-10000": (1, (12, 14, 15), False)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=list(CASES))
    parser.add_argument("--channels", type=int, default=32)
    parser.add_argument("--correlation", type=int, default=3)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--cutoff", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keep-subnormals", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(not args.keep_subnormals)
    torch.set_default_dtype(torch.float32)
    from mace import data, modules, tools  # first: mace lets e3nn 0.4.4 load its constants under torch >= 2.6
    from e3nn import o3
    from mace.tools import torch_geometric

    count, repeat, training = CASES[args.case]
    table = tools.AtomicNumberTable([29])
    configs = []
    for k in range(count):
        atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(repeat)
        atoms.rattle(0.05, seed=k)
        configs.append(data.config_from_atoms(atoms))
    items = [data.AtomicData.from_config(c, z_table=table, cutoff=args.cutoff) for c in configs]
    batch = next(iter(torch_geometric.dataloader.DataLoader(items, batch_size=count))).to_dict()
    torch.manual_seed(0)
    c = args.channels
    model = modules.ScaleShiftMACE(
        atomic_inter_scale=1.0, atomic_inter_shift=0.0, r_max=args.cutoff, num_bessel=8, num_polynomial_cutoff=6,
        max_ell=2, interaction_cls=modules.interaction_classes["RealAgnosticResidualInteractionBlock"],
        interaction_cls_first=modules.interaction_classes["RealAgnosticResidualInteractionBlock"],
        num_interactions=args.layers, num_elements=1, hidden_irreps=o3.Irreps(f"{c}x0e+{c}x1o+{c}x2e"),
        MLP_irreps=o3.Irreps("16x0e"), atomic_energies=np.zeros(1), avg_num_neighbors=40.0, atomic_numbers=[29],
        correlation=args.correlation, gate=torch.nn.functional.silu, radial_MLP=[64, 64])
    model.train(training)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    energy, forces = torch.zeros(count), torch.zeros(batch["positions"].shape[0], 3)

    result = timed_steps(lambda: model(batch, training=training, compute_force=True), energy, forces,
                         optimizer if training else None, args.repeats, atoms=int(batch["positions"].shape[0]),
                         edges=int(batch["edge_index"].shape[1]), parameters=sum(p.numel() for p in model.parameters()))
    print(json.dumps(result))


if __name__ == "__main__":
    main()

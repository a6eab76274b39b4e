"""Force and energy errors of potentials trained by the same loop on the same EMT data.

    python benchmarks/potential_accuracy.py --models eqgraph-channelwise,e3nn --epochs 30

Every model trains with the same seed, split, batches, optimiser, loss and epochs, on one
torch thread; the script prints (and appends to ``--out`` as JSON lines) the test force MAE,
energy MAE per atom and the CPU seconds of training. Models:

- ``eqgraph-channelwise``, ``eqgraph-full``: ``EquivariantPotential`` with that interaction;
- ``e3nn``: the NequIP-style e3nn model of ``benchmarks/_e3nn_nequip.py`` (same structure);
- ``schnet``: PyG's ``SchNet`` (``eqgraph.models.SchNetModel``, ``--schnet-hidden``
  channels and filters; 41 gives about the parameter count of the default equivariant model),
  trained for ``--cpu-budget`` CPU seconds instead of a number of epochs.

``--irreps`` sets the hidden irreps of the equivariant models (default the issue's
``16x0e+8x1o+8x2e``), ``--radial-basis`` and ``--num-radial`` eqgraph's distance embedding.
Subnormal floats are flushed to zero for every model, as the ``eqgraph`` command does
(``--keep-subnormals`` to measure without: PyG SchNet's float32 Gaussian tails then make its
step about 2.4x slower).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))


def build(name: str, args, species):
    if name.startswith("eqgraph-"):
        from eqgraph.models import EquivariantPotential

        return EquivariantPotential(species, cutoff=args.cutoff, hidden_irreps=args.irreps, lmax=args.lmax,
                                    num_layers=args.layers, radial_mlp=args.radial_mlp, interaction=name.split("-", 1)[1],
                                    radial_basis=args.radial_basis, num_radial=args.num_radial)
    if name == "schnet":
        from eqgraph.models import SchNetModel

        return SchNetModel(species, cutoff=args.cutoff, hidden_channels=args.schnet_hidden,
                           num_filters=args.schnet_hidden)
    if name == "e3nn":
        from _e3nn_nequip import E3nnNequIP

        return E3nnNequIP(species, cutoff=args.cutoff, hidden_irreps=args.irreps, lmax=args.lmax, num_layers=args.layers,
                          radial_mlp=args.radial_mlp)
    raise ValueError(f"unknown model {name!r}")


def train(name: str, args, train_set, test_set):
    from eqgraph.training import fit_potential, potential_errors

    torch.manual_seed(args.seed)
    species = sorted({int(z) for d in train_set for z in d.z})
    model = build(name, args, species)
    model.fit_statistics(train_set)
    budget = args.cpu_budget if name == "schnet" else None
    done = fit_potential(model, train_set, args.epochs if budget is None else 10 ** 6, lr=args.lr,
                         batch_size=args.batch_size, force_weight=args.force_weight, seed=args.seed, cpu_budget=budget)
    return {"model": name, "irreps": args.irreps, "epochs": round(done["epochs"], 2), **potential_errors(model, test_set),
            "train_cpu_s": done["cpu_seconds"], "parameters": sum(p.numel() for p in model.parameters()), "lr": args.lr,
            "seed": args.seed, "radial_basis": args.radial_basis, "num_radial": args.num_radial,
            "flush_subnormals": not args.keep_subnormals}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="eqgraph-channelwise,e3nn")
    parser.add_argument("--element", default="Cu")
    parser.add_argument("--structures", type=int, default=200, help="generated; 3/4 train, 1/4 test")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--lr", type=float, default=5e-3)
    parser.add_argument("--force-weight", type=float, default=10.0)
    parser.add_argument("--cutoff", type=float, default=4.5)
    parser.add_argument("--irreps", default="16x0e+8x1o+8x2e")
    parser.add_argument("--lmax", type=int, default=2)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--radial-mlp", type=lambda s: [int(w) for w in s.split(",")], default=[64, 64])
    parser.add_argument("--radial-basis", default="bessel", choices=["bessel", "gaussian"],
                        help="the eqgraph models' distance embedding")
    parser.add_argument("--num-radial", type=int, default=8, help="the eqgraph models' radial functions")
    parser.add_argument("--schnet-hidden", type=int, default=41)
    parser.add_argument("--cpu-budget", type=float, default=225.0, help="CPU seconds of training for schnet")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default=None, help="append results as JSON lines")
    parser.add_argument("--keep-subnormals", action="store_true", help="do not flush subnormal floats to zero")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(not args.keep_subnormals)
    from eqgraph.data import emt_structures

    data = emt_structures(args.element, args.structures, seed=args.seed)
    split = torch.randperm(len(data), generator=torch.Generator().manual_seed(args.seed)).tolist()
    cut = 3 * len(data) // 4
    train_set, test_set = [data[i] for i in split[:cut]], [data[i] for i in split[cut:]]
    for name in args.models.split(","):
        result = train(name, args, train_set, test_set)
        print(json.dumps(result), flush=True)
        if args.out:
            with open(args.out, "a") as file:
                file.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()

"""Time and peak memory of one O(3) graph layer against the edge count (issue 14).

``R3PointConv`` 32x0e+32x1o+32x2e -> the same, 20 edges per node, forward plus the gradient with
respect to positions, at 10k, 100k and 1M edges (``--sizes`` to change; ``--layer channelwise`` for
``ChannelwisePointConv``). Each size runs in a fresh process with one torch thread (``--threads N``);
"peak" is the process's peak resident memory (VmHWM), imports and inputs included. Target: the
1M-edge peak at most 8 GiB, time and memory linear in the edges.

    python benchmarks/bench_scale.py [--sizes 10000 100000 1000000] [--layer channelwise]
"""
from __future__ import annotations

import argparse

from _reference import run_json, this_python

CASE = """
import json, resource, time
import torch
from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.nn import ChannelwisePointConv, R3PointConv

def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024

torch.manual_seed(0)
edges, nodes = {edges}, max(2, {edges} // 20)
ft = FieldType.from_e3nn("32x0e+32x1o+32x2e", gspaces.flipRot3dOnR3())
conv = R3PointConv(ft, ft, cutoff=5.0) if "{layer}" == "full" else ChannelwisePointConv(ft, cutoff=5.0)
features = torch.randn(nodes, ft.size)
positions = (torch.rand(nodes, 3) * 3.0).requires_grad_(True)  # all pairs within the cutoff
edge_index = torch.randint(0, nodes, (2, edges))
edge_index = edge_index[:, edge_index[1].argsort()]  # grouped by target, as radius graphs come

def step():
    out = conv(GeometricTensor(features, ft, positions), edge_index).tensor
    return torch.autograd.grad(out.square().sum(), positions)[0]

times = []
for _ in range({calls}):
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    times.append((time.perf_counter() - wall, time.process_time() - cpu))
wall, cpu = min(times)
from eqgraph.nn.conv.edge_chunks import WHOLE_UP_TO_CHUNKS
chunk = conv.edge_chunk_size
chunks = 1 if edges <= WHOLE_UP_TO_CHUNKS * chunk else -(-edges // chunk)
print(json.dumps(dict(wall=wall, cpu=cpu, peak_mb=peak_mb(), chunks=chunks)))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--layer", choices=("full", "channelwise"), default="full")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per timed process")
    args = parser.parse_args()
    name = "R3PointConv" if args.layer == "full" else "ChannelwisePointConv"
    print(f"{name} O(3) 32x0e+32x1o+32x2e -> same, 20 edges per node, forward + d/dpos")
    print(f"{'edges':>10} {'wall':>9} {'CPU':>9} {'us/edge':>8} {'peak MB':>9} {'chunks':>7}")
    for edges in args.sizes:
        calls = 1 if edges >= 500_000 else 3
        result = run_json(this_python(), CASE.format(edges=edges, layer=args.layer, calls=calls), timeout=7200)
        print(f"{edges:>10} {result['wall']:>8.2f}s {result['cpu']:>8.2f}s {1e6 * result['wall'] / edges:>8.1f} "
              f"{result['peak_mb']:>9.0f} {result['chunks']:>7}", flush=True)


if __name__ == "__main__":
    main()

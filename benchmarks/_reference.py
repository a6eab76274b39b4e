"""Running snippets in fresh processes, for eqgraph and for the escnn reference venv."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ESCNN_PRELUDE = """
import json, tempfile, time, warnings
warnings.simplefilter("ignore")
import joblib
if {empty_cache}:  # send escnn's on-disk joblib cache (inside its site-packages) to an empty folder
    location = tempfile.mkdtemp()
    original = joblib.Memory.__init__
    def redirected(self, *args, **kwargs):
        kwargs.pop("location", None)
        original(self, location, *args[1:], **kwargs)
    joblib.Memory.__init__ = redirected
import torch
"""

# Snippet defining measure(step): the median wall and CPU time of {repeats} calls after two warm-ups, and how far
# resident memory rose during them (Linux: the peak is reset through /proc/self/clear_refs).
TIMING = """
import gc, json, statistics, time, warnings
warnings.simplefilter("ignore")
import torch
torch.manual_seed(0)

def memory_kb(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field))

def measure(step, repeats={repeats}):
    for _ in range(2):
        step()
    gc.collect()
    with open("/proc/self/clear_refs", "w") as refs:  # reset the peak resident size (VmHWM)
        refs.write("5")
    before = memory_kb("VmRSS:")
    times, cpus = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        step()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return {{"time": statistics.median(times), "cpu": statistics.median(cpus),
            "peak_mb": (memory_kb("VmHWM:") - before) / 1024}}
"""


def escnn_python() -> str | None:
    """The escnn venv's python: $ESCNN_PYTHON, else .venv-escnn at the repository root; None if
    escnn does not import there."""
    candidates = [os.environ.get("ESCNN_PYTHON"), str(ROOT / ".venv-escnn" / "bin" / "python")]
    for python in candidates:
        if python and Path(python).exists():
            probe = subprocess.run([python, "-c", "import escnn"], capture_output=True, timeout=300)
            if probe.returncode == 0:
                return python
    return None


STEADY_ALLOCATOR = {"MALLOC_MMAP_THRESHOLD_": str(2 ** 32), "MALLOC_TRIM_THRESHOLD_": str(2 ** 36)}
"""glibc settings that keep freed tensors in the heap for reuse. With the defaults, whether a
process maps fresh pages for every multi-megabyte tensor depends on its allocation history,
and the same ``batch_norm`` step measured 4.6 to 6.3 ms from one process to the next; with
these, 4.4 to 4.5 ms. Layer benchmarks give them to both libraries' processes alike."""


def benchmark_threads() -> int:
    """The thread count every timed process runs with: ``--threads N`` on the command line, else
    $EQGRAPH_BENCH_THREADS, else 1 (a 2-thread timing on a shared 2-core machine swings tenfold)."""
    if "--threads" in sys.argv:
        return int(sys.argv[sys.argv.index("--threads") + 1])
    return int(os.environ.get("EQGRAPH_BENCH_THREADS", "1"))


def run_json(python: str, code: str, timeout: float = 1800, env: dict | None = None) -> dict:
    """Run ``code`` in a fresh process (with extra environment variables ``env``) limited to
    :func:`benchmark_threads` threads; it must print one JSON object as its last line."""
    threads = str(benchmark_threads())
    env = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=str(ROOT), OMP_NUM_THREADS=threads,
               MKL_NUM_THREADS=threads, **(env or {}))
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=timeout, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def benchmark_pairs(default: int = 3) -> int:
    """How many alternating rounds :func:`alternate` runs: ``--pairs N`` on the command line, else ``default``."""
    if "--pairs" in sys.argv:
        return int(sys.argv[sys.argv.index("--pairs") + 1])
    return default


def alternate(sides: dict, rounds: int | None = None, timeout: float = 3600) -> dict:
    """Run every side ``name -> (python, code, env)`` in a fresh process, A B A B ... for ``rounds``
    rounds (:func:`benchmark_pairs`), and return per side the median of every number it printed
    (nested dictionaries alike); a side whose process fails maps to None. On a shared machine one
    process can be tens of percent off; alternating spreads whatever else runs over both sides."""
    results: dict = {name: [] for name in sides}
    for _ in range(rounds or benchmark_pairs()):
        for name, (python, code, env) in sides.items():
            if results[name] is None or python is None:
                results[name] = None
                continue
            try:
                results[name].append(run_json(python, code, timeout=timeout, env=env))
            except RuntimeError as error:
                print(f"  {name}: failed ({str(error).strip().splitlines()[-1]})")
                results[name] = None
    return {name: None if runs is None else _median_tree(runs) for name, runs in results.items()}


def _median_tree(runs: list):
    first = runs[0]
    if isinstance(first, dict):
        return {key: _median_tree([run[key] for run in runs]) for key in first}
    if isinstance(first, (int, float)) and not isinstance(first, bool):
        return statistics.median(runs)
    return first


def this_python() -> str:
    return sys.executable


def ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or theirs == 0:
        return "-"
    return f"{ours / theirs:.2f}x"


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"

"""The benchmark harness (benchmarks/_reference.py): every timed process pinned to one thread by
default, sides alternated A B A B in fresh processes, medians reported, CPU time beside wall time."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import _reference  # noqa: E402

ORDER_LOG = """
import json, os, time
with open({log!r}, "a") as log:
    log.write({name!r})
print(json.dumps({{"env": os.environ["OMP_NUM_THREADS"], "value": {value}}}))
"""


def test_timed_processes_run_with_one_thread_and_sides_alternate(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["bench"])
    log = tmp_path / "order.txt"
    sides = {name: (sys.executable, ORDER_LOG.format(log=str(log), name=name, value=value), None)
             for name, value in (("A", "time.perf_counter() % 1 + 1"), ("B", "3"))}
    results = _reference.alternate(sides, rounds=3)
    assert log.read_text() == "ABABAB"
    assert results["A"]["env"] == "1"
    assert 1 <= results["A"]["value"] < 2 and results["B"]["value"] == 3


def test_the_thread_count_and_rounds_come_from_the_command_line(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["bench", "--threads", "2", "--pairs", "5"])
    assert _reference.benchmark_threads() == 2 and _reference.benchmark_pairs() == 5


def test_medians_are_taken_leaf_by_leaf():
    runs = [{"step": {"time": t, "cpu": c}, "label": "x"} for t, c in ((3.0, 1.0), (1.0, 5.0), (2.0, 3.0))]
    assert _reference._median_tree(runs) == {"step": {"time": 2.0, "cpu": 3.0}, "label": "x"}


def test_the_timing_snippet_reports_cpu_time_beside_wall_time():
    code = _reference.TIMING.format(repeats=3) + ("print(json.dumps(dict(measure(lambda: sum(range(10000))), "
                                                  "threads=torch.get_num_threads())))")
    result = _reference.run_json(sys.executable, code)
    assert set(result) == {"time", "cpu", "peak_mb", "threads"} and result["cpu"] > 0 and result["threads"] == 1


def test_a_failing_side_is_reported_as_none(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["bench"])
    results = _reference.alternate({"bad": (sys.executable, "raise SystemExit(3)", None)}, rounds=2)
    assert results == {"bad": None} and "failed" in capsys.readouterr().out


@pytest.mark.parametrize("missing", [None])
def test_a_side_without_a_python_is_skipped(missing):
    assert _reference.alternate({"escnn": (missing, "", None)}, rounds=2) == {"escnn": None}

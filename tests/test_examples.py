"""The README's main command runs and reports exact equivariance."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quickstart_reports_small_errors():
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart.py")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    errors = {line.split(":")[0]: float(re.search(r"(?:error|difference from R2Conv) ([0-9.e+-]+)", line).group(1)) for line in done.stdout.splitlines()}
    assert errors["O(3) point cloud, float64"] < 1e-10
    assert errors["O(3) point cloud, float32"] < 1e-4
    assert errors["C8 image grid (2, 3, 33, 33), float64"] < 1e-10
    assert next(v for k, v in errors.items() if k.startswith("Same weights as R2PointConv")) < 1e-10

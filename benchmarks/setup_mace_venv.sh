#!/usr/bin/env bash
# Build the side-by-side reference: MACE (mace-torch) in its own venv (.venv-mace at the
# repository root). MACE is never a dependency of eqgraph (it pins e3nn 0.4.4); benchmarks call
# this venv's python in a subprocess.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python -m venv "$root/.venv-mace"
"$root/.venv-mace/bin/pip" install --quiet "torch==2.13.0"
"$root/.venv-mace/bin/pip" install --quiet mace-torch
echo "MACE reference ready: $root/.venv-mace/bin/python"

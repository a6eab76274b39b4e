#!/usr/bin/env bash
# Build the side-by-side reference: escnn in its own venv (.venv-escnn at the repository root).
# escnn is never a dependency of eqgraph; benchmarks call this venv's python in a subprocess.
# py3nj needs Fortran and lie_learn breaks under numpy 2, hence --no-deps and numpy<2.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python -m venv "$root/.venv-escnn"
"$root/.venv-escnn/bin/pip" install --quiet "torch==2.13.0"
"$root/.venv-escnn/bin/pip" install --quiet --no-deps escnn lie_learn
"$root/.venv-escnn/bin/pip" install --quiet joblib pymanopt autograd requests torch-geometric "numpy<2" scipy
echo "escnn reference ready: $root/.venv-escnn/bin/python"

"""``python -m eqgraph``: the ``eqgraph`` command (also what ``torchrun -m eqgraph`` runs)."""
import sys

from .cli import main

sys.exit(main())

"""EMTDataset: MD snapshots of fcc metals labelled by ASE's EMT calculator, generated on the spot."""
from __future__ import annotations

import os
from typing import Sequence

from .emt import emt_structures
from .processed import ProcessedDataset


class EMTDataset(ProcessedDataset):
    r"""Snapshots of Langevin molecular dynamics of an fcc metal or random alloy under ASE's EMT
    calculator (see :func:`eqgraph.data.emt_structures`), so potentials can be trained with no
    download. Deterministic by ``seed``; processed once under ``root``.

    Every structure is a ``Data`` with ``z`` [N], ``pos`` [N, 3], ``energy`` [1] (eV), ``forces``
    [N, 3] (eV/Å), ``stress`` [1, 3, 3] (eV/Å³, ASE's sign), ``cell`` [1, 3, 3] and ``pbc`` [1, 3].

    Args:
        root: processing folder (default ``datasets/emt``).
        element: an element of :data:`EMT_ELEMENTS`, or a list of them for an alloy.
        n_structures: snapshots, split evenly over ``temperatures`` (K).
        seed: the random seed of the dynamics and the alloy.
        repeat: the cell is ``repeat``³ conventional fcc cells (4·repeat³ atoms).
        md_steps: MD steps (2 fs) between snapshots.
    """

    folder = "emt"

    def __init__(self, root: str | os.PathLike | None = None, element: str | Sequence[str] = "Cu",
                 n_structures: int = 200, temperatures: Sequence[float] = (300, 1200), seed: int = 0,
                 repeat: int = 2, md_steps: int = 10, transform=None, pre_transform=None, force_reload: bool = False):
        self.element = element if isinstance(element, str) else list(element)
        self.n_structures, self.temperatures, self.seed = int(n_structures), [float(t) for t in temperatures], int(seed)
        self.repeat, self.md_steps = int(repeat), int(md_steps)
        super().__init__(root, transform, pre_transform, force_reload)

    def description(self) -> dict:
        import ase

        return {"element": self.element, "n_structures": self.n_structures, "temperatures": self.temperatures,
                "seed": self.seed, "repeat": self.repeat, "md_steps": self.md_steps, "ase": ase.__version__}

    def build(self):
        return emt_structures(self.element, self.n_structures, self.temperatures, self.seed, self.repeat, self.md_steps)

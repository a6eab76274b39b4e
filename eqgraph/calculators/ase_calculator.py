"""EqgraphCalculator: an ASE calculator around an eqgraph potential."""
from __future__ import annotations

import numpy as np
import torch
from ase.calculators.calculator import Calculator, all_changes
from ase.stress import full_3x3_to_voigt_6_stress
from torch_geometric.data import Data


class EqgraphCalculator(Calculator):
    """Energies, forces and (for periodic cells) stress of an ``ase.Atoms`` from an
    :class:`eqgraph.models.EquivariantPotential` (or any model with its ``forward`` signature),
    for ASE's molecular dynamics, optimisers and phonon tools.

    Args:
        model: the potential (a copy is moved to ``dtype`` and ``device`` and put in eval mode).
        dtype: the precision of the evaluation (float64 conserves energy best in long runs).
        device: where to evaluate.

    Properties: ``energy``, ``free_energy`` (the same: no electronic entropy), ``forces``,
    ``energies`` (per atom) and ``stress`` (Voigt order, ASE's sign, for cells periodic in all
    three directions).
    """

    implemented_properties = ["energy", "free_energy", "forces", "stress", "energies"]

    def __init__(self, model: torch.nn.Module, dtype: torch.dtype = torch.float64, device: str | torch.device = "cpu",
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"EqgraphCalculator needs a torch.nn.Module, got {type(model).__name__}")
        self.dtype, self.device = dtype, torch.device(device)
        self.model = model.to(device=self.device, dtype=dtype).eval()

    @classmethod
    def from_checkpoint(cls, path, dtype: torch.dtype = torch.float64, device: str | torch.device = "cpu",
                        **kwargs) -> "EqgraphCalculator":
        """A calculator for the model saved at ``path`` (``model.save`` or a training checkpoint)."""
        from ..models import SavableModel

        return cls(SavableModel.from_checkpoint(path, map_location=device), dtype=dtype, device=device, **kwargs)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        atoms = self.atoms
        periodic = bool(atoms.pbc.any())
        want_stress = "stress" in properties
        if want_stress and not atoms.pbc.all():
            raise ValueError(f"stress needs a cell periodic in all three directions, got pbc={atoms.pbc.tolist()}")
        data = Data(z=torch.as_tensor(atoms.numbers, dtype=torch.long, device=self.device),
                    pos=torch.as_tensor(atoms.positions, dtype=self.dtype, device=self.device))
        if periodic:
            data.cell = torch.as_tensor(np.array(atoms.cell), dtype=self.dtype, device=self.device).view(1, 3, 3)
            data.pbc = torch.as_tensor(atoms.pbc, device=self.device).view(1, 3)
        out = self.model(data, compute_forces=True, compute_stress=want_stress)
        energy = float(out["energy"].detach().sum())
        self.results["energy"] = self.results["free_energy"] = energy
        self.results["forces"] = out["forces"].detach().cpu().double().numpy()
        self.results["energies"] = out["node_energy"].detach().cpu().double().numpy()
        if want_stress:
            self.results["stress"] = full_3x3_to_voigt_6_stress(out["stress"].detach()[0].cpu().double().numpy())

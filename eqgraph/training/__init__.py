"""Training: fitting potentials to energies and forces."""
from .potential_fitting import fit_potential, potential_errors, potential_loss

__all__ = ["fit_potential", "potential_errors", "potential_loss"]

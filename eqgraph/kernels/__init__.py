"""The steerable-kernel solver: radial profiles x angular harmonics, combined through
intertwiners into bases of kernels K(g.x) = rho_out(g) K(x) rho_in(g)^-1 for any compact group
acting on R^2 or R^3."""
from .bandlimit import default_frequencies_cutoff, default_sigma, grid_rings
from .basis import BlockPair, KernelBasis, KernelSpaceWarning
from .build import build_kernel_basis
from .diffops import DiffopBasis
from .disk_cache import CacheWarning, disable_disk_cache, disk_cache_directory, enable_disk_cache
from .harmonics import harmonic_decomposition, harmonics
from .radial import BesselRadial, GaussianRadial, GaussianRings, RadialMLP, RadialProfile, RadialSlots, polynomial_cutoff

__all__ = [
    "KernelBasis", "BlockPair", "KernelSpaceWarning", "build_kernel_basis", "DiffopBasis",
    "RadialProfile", "GaussianRings", "BesselRadial", "GaussianRadial", "RadialMLP", "RadialSlots", "polynomial_cutoff",
    "grid_rings", "default_sigma", "default_frequencies_cutoff", "harmonics", "harmonic_decomposition",
    "enable_disk_cache", "disable_disk_cache", "disk_cache_directory", "CacheWarning",
]

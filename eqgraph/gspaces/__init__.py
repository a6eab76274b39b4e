"""Groups acting on R^2 and R^3 (escnn's names)."""
from .factories import (
    conicalOnR3,
    cylindricalOnR3,
    dihedralOnR3,
    fullCylindricalOnR3,
    rot2dOnR3,
    flip2dOnR2,
    flipRot2dOnR2,
    flipRot3dOnR3,
    fullIcoOnR3,
    fullOctaOnR3,
    icoOnR3,
    invOnR3,
    mirOnR3,
    octaOnR3,
    rot2dOnR2,
    rot3dOnR3,
    trivialOnR2,
    trivialOnR3,
)
from .gspace import GSpace

__all__ = [
    "GSpace", "rot2dOnR2", "flipRot2dOnR2", "flip2dOnR2", "trivialOnR2", "rot3dOnR3", "flipRot3dOnR3",
    "octaOnR3", "fullOctaOnR3", "icoOnR3", "fullIcoOnR3", "mirOnR3", "invOnR3", "trivialOnR3",
    "rot2dOnR3", "dihedralOnR3", "conicalOnR3", "cylindricalOnR3", "fullCylindricalOnR3",
]

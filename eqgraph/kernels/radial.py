"""Radial profiles: functions of the distance |x| that multiply the angular parts of a kernel."""
from __future__ import annotations

import math
from typing import Sequence

import torch


class RadialProfile(torch.nn.Module):
    """``forward(distances [P]) -> [P, size]``. ``radii`` gives, per function, the radius its
    band limit is judged at (None where the profile has no natural radius)."""

    size: int

    def radii(self) -> list[float | None]:
        return [None] * self.size

    def key(self) -> tuple:
        """Everything the profile's values depend on."""
        raise NotImplementedError


class GaussianRings(RadialProfile):
    r"""Gaussian rings, the grid default: :math:`\phi_r(d) = \exp(-(d - r)^2 / 2\sigma_r^2)`.

    Args:
        rings: ring radii.
        sigma: one width per ring, or one for all.
    """

    def __init__(self, rings: Sequence[float], sigma: Sequence[float] | float):
        super().__init__()
        rings = [float(r) for r in rings]
        if not rings or any(r < 0 or not math.isfinite(r) for r in rings):
            raise ValueError(f"rings must be a non-empty list of radii >= 0, got {rings}")
        sigma = [float(sigma)] * len(rings) if isinstance(sigma, (int, float)) else [float(s) for s in sigma]
        if len(sigma) != len(rings) or any(s <= 0 for s in sigma):
            raise ValueError(f"sigma must be positive, one per ring ({len(rings)}), got {sigma}")
        self.rings, self.sigma = rings, sigma
        self.size = len(rings)
        self.register_buffer("_rings", torch.tensor(rings, dtype=torch.float64), persistent=False)
        self.register_buffer("_sigma", torch.tensor(sigma, dtype=torch.float64), persistent=False)

    def forward(self, distances: torch.Tensor) -> torch.Tensor:
        rings, sigma = self._rings.to(distances), self._sigma.to(distances)
        return torch.exp(-0.5 * ((distances.unsqueeze(-1) - rings) / sigma) ** 2)

    def radii(self):
        return list(self.rings)

    def key(self):
        return ("gaussian", tuple(self.rings), tuple(self.sigma))

    def extra_repr(self) -> str:
        return f"rings={self.rings}, sigma={self.sigma}"


class BesselRadial(RadialProfile):
    r"""Bessel functions with a smooth polynomial cutoff, the point-cloud default:

    .. math::
        \phi_n(d) = \frac{2}{r_c}\,\frac{\sin(n\pi d / r_c)}{d}\; u(d / r_c), \quad n = 1..N,

    with :math:`u(t) = 1 - \tfrac{(p+1)(p+2)}{2} t^p + p(p+2) t^{p+1} - \tfrac{p(p+1)}{2} t^{p+2}`
    for t < 1 and 0 beyond (value, first and second derivatives vanish at the cutoff). Finite at d = 0.

    Args:
        number: N, the number of functions.
        cutoff: the support radius :math:`r_c`; everything is relative to it.
        p: smoothness of the cutoff envelope.
    """

    def __init__(self, number: int = 8, cutoff: float = 1.0, p: int = 6):
        super().__init__()
        if number < 1 or not cutoff > 0:
            raise ValueError(f"BesselRadial needs number >= 1 and cutoff > 0, got {number} and {cutoff}")
        self.number, self.cutoff, self.p = int(number), float(cutoff), int(p)
        self.size = self.number

    def forward(self, distances: torch.Tensor) -> torch.Tensor:
        t = (distances / self.cutoff).unsqueeze(-1)
        n = torch.arange(1, self.number + 1, dtype=distances.dtype, device=distances.device)
        # sin(n pi t) / (t r_c) = (n pi / r_c) sinc(n t), finite at t = 0
        bessel = (2.0 / self.cutoff) * (n * math.pi / self.cutoff) * torch.sinc(n * t)
        return bessel * polynomial_cutoff(t, self.p)

    def key(self):
        return ("bessel", self.number, self.cutoff, self.p)

    def extra_repr(self) -> str:
        return f"number={self.number}, cutoff={self.cutoff}, p={self.p}"


GAUSSIAN_TAIL = 40.0
"""``GaussianRadial`` is 0 where its exponent exceeds this (values below ``exp(-40)``)."""


class GaussianRadial(RadialProfile):
    r"""Gaussians evenly spaced from 0 to the cutoff, with the same smooth polynomial cutoff as
    :class:`BesselRadial` (SchNet's distance expansion, made smooth at the cutoff):

    .. math::
        \phi_k(d) = \exp\!\Big(-\frac{(d - k\delta)^2}{2\delta^2}\Big)\; u(d / r_c), \quad
        \delta = \frac{r_c}{N - 1}, \quad k = 0..N-1.

    Each function responds to distances within about :math:`\delta` of its centre, with values of
    order one there. Where distances spread by a few tenths of an Ångström around fixed neighbour
    shells (a vibrating solid), a potential reading 25 of them reached 0.66x the force error of
    the same potential reading 8 :class:`BesselRadial` functions in the same CPU time, though a
    deeper potential did worse with them (the README's "Molecules" section).

    Args:
        number: N >= 2, the number of functions.
        cutoff: the support radius :math:`r_c`.
        p: smoothness of the cutoff envelope.
    """

    def __init__(self, number: int = 25, cutoff: float = 1.0, p: int = 6):
        super().__init__()
        if not isinstance(number, int) or number < 2 or not 0 < cutoff < math.inf:
            raise ValueError(f"GaussianRadial needs an integer number >= 2 and a finite cutoff > 0, got {number!r} and {cutoff!r}")
        self.number, self.cutoff, self.p = number, float(cutoff), int(p)
        self.size = number
        self.spacing = self.cutoff / (number - 1)

    def forward(self, distances: torch.Tensor) -> torch.Tensor:
        centres = torch.arange(self.number, dtype=distances.dtype, device=distances.device) * self.spacing
        exponent = 0.5 * ((distances.unsqueeze(-1) - centres) / self.spacing) ** 2
        # exactly 0 below exp(-40) ~ 4e-18: in float32 the far tails would otherwise be subnormal
        # numbers, on which the CPU's exp and every product reading them run about 17x slower
        inside = (exponent < GAUSSIAN_TAIL).to(distances.dtype)
        gaussians = torch.exp(-exponent.clamp(max=GAUSSIAN_TAIL)) * inside
        return gaussians * polynomial_cutoff((distances / self.cutoff).unsqueeze(-1), self.p)

    def key(self):
        return ("gaussian-radial", self.number, self.cutoff, self.p)

    def extra_repr(self) -> str:
        return f"number={self.number}, cutoff={self.cutoff}, p={self.p}"


def polynomial_cutoff(t: torch.Tensor, p: int) -> torch.Tensor:
    """DimeNet's envelope of degree p + 2: 1 at t = 0; at t = 1 its value and first two derivatives vanish; 0 beyond."""
    inside = t < 1
    t = torch.where(inside, t, torch.zeros_like(t))  # far edges: no overflow of t^p to inf, and 0 * inf = NaN
    envelope = 1 - (p + 1) * (p + 2) / 2 * t ** p + p * (p + 2) * t ** (p + 1) - p * (p + 1) / 2 * t ** (p + 2)
    return envelope * inside.to(t.dtype)


class RadialSlots(RadialProfile):
    """``size`` radial functions without a natural radius whose values a layer supplies itself
    (a learnable radial MLP): fixes the structure of a kernel basis, has no values of its own."""

    def __init__(self, size: int):
        super().__init__()
        if size < 1:
            raise ValueError(f"RadialSlots needs size >= 1, got {size}")
        self.size = int(size)

    def forward(self, distances: torch.Tensor) -> torch.Tensor:
        raise TypeError("RadialSlots only describes the structure of a basis; the layer computes the radial values")

    def key(self):
        return ("slots", self.size)


class RadialMLP(torch.nn.Module):
    r"""A learnable radial part: an MLP of the distance producing the coefficient of every
    angular basis element per edge (the molecular-model parametrisation).

    .. math::
        K(x) = \sum_a \mathrm{MLP}(B(|x|))_a \; A_a(x)

    where :math:`B` is a fixed radial embedding (Bessel with cutoff by default) and
    :math:`A_a` the angular elements (``KernelBasis.sample_angular``). Since the coefficients
    depend on |x| only, K is steerable for any weights.

    Args:
        num_outputs: number of angular elements (``basis.angular_size``), times any channel
            multiplicity the caller folds in.
        embedding: the radial embedding; default ``BesselRadial(8, cutoff)``.
        hidden: widths of the hidden layers.
        cutoff: support radius for the default embedding.

    Shapes:
        - **distances:** :math:`(P,)`
        - **output:** :math:`(P, \text{num\_outputs})`
    """

    def __init__(self, num_outputs: int, embedding: RadialProfile | None = None, hidden: Sequence[int] = (32,), cutoff: float = 1.0):
        super().__init__()
        self.embedding = embedding if embedding is not None else BesselRadial(8, cutoff)
        layers: list[torch.nn.Module] = []
        width = self.embedding.size
        for h in hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.SiLU()]
            width = h
        layers.append(torch.nn.Linear(width, num_outputs))
        self.mlp = torch.nn.Sequential(*layers)
        self.num_outputs = num_outputs

    def forward(self, distances: torch.Tensor) -> torch.Tensor:
        return self.mlp(self.embedding(distances))

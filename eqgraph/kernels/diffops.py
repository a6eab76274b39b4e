"""Steerable partial differential operators: equivariant polynomials in the derivatives,
discretised on a pixel or voxel stencil (Jenner & Weiler, "Steerable partial differential
operators for equivariant neural networks", 2022)."""
from __future__ import annotations

import itertools
import math
from typing import Callable

import numpy as np
import torch

from ..group import Group, Representation
from .build import build_kernel_basis
from .radial import RadialSlots


def monomials(d: int, degree: int) -> list[tuple[int, ...]]:
    r"""Exponents of the monomials :math:`x^\beta` of total degree at most ``degree`` in ``d``
    variables, by degree."""
    return [beta for n in range(degree + 1) for beta in itertools.product(range(n + 1), repeat=d) if sum(beta) == n]


def monomial_values(points: np.ndarray, exponents: list[tuple[int, ...]]) -> np.ndarray:
    """``[P, len(exponents)]``: every monomial at every point."""
    return np.stack([np.prod(points ** np.array(beta), axis=1) for beta in exponents], axis=1)


class DiffopBasis:
    r"""A basis of steerable partial differential operators :math:`D_b = P_b(\partial)` between
    two representations, where the matrix-valued polynomials

    .. math::
        P_{a,i}(x) = \lVert x \rVert^{J_a + 2i}\, A_a(x / \lVert x \rVert),
        \qquad P(g x) = \rho_{out}(g)\, P(x)\, \rho_{in}(g)^{-1},

    are the angular elements :math:`A_a` of the steerable kernel basis (harmonics of degree
    :math:`J_a`) times powers of the Laplacian's symbol, up to total degree
    ``maximum_order``. Together they span every equivariant polynomial of that degree.

    ``sample(points)`` discretises every operator on the stencil ``points`` (the whole stencil,
    since a difference formula couples its points): the values :math:`w_b(\delta)` with
    :math:`\sum_\delta w_b(\delta) f(x + \delta) \approx (P_b(\partial) f)(x)`.

    - Finite differences (``smoothing=None``): every monomial :math:`\partial^\beta` is the
      product over the axes of 1D central differences on the stencil's k points, exact for
      polynomials of degree below k in each variable, so that :math:`\sum_\delta w_b(\delta)\,
      \delta^\gamma / \gamma! = c_{b,\gamma}`, the coefficient of :math:`x^\gamma` in
      :math:`P_b`, for every :math:`\gamma` with all :math:`\gamma_k < k`. The order-0 operator
      is a multiple of the identity (a delta).
    - Derivatives of a Gaussian (``smoothing=s``): :math:`w_b = P_b(-\partial) G_s` sampled
      on the stencil, with :math:`G_s` normalised to sum to one: the operator applied after
      smoothing.

    Both maps from polynomials to stencils commute with the signed permutations of the axes,
    so the discretised operators are exactly equivariant under the grid's symmetries.

    Args:
        group, action: the group and its action on R^d.
        in_repr, out_repr: representations of ``group``.
        maximum_order: the highest total derivative order.
        maximum_power: the highest power :math:`i` of the Laplacian (default: no limit).
        smoothing: the Gaussian's standard deviation, or None for finite differences.
        basis_filter: keeps the elements whose attributes it returns True for.
    """

    def __init__(self, group: Group, action: Representation, in_repr: Representation, out_repr: Representation,
                 maximum_order: int, maximum_power: int | None = None, smoothing: float | None = None,
                 basis_filter: Callable[[dict], bool] | None = None):
        if not isinstance(maximum_order, (int, np.integer)) or maximum_order < 0:
            raise ValueError(f"maximum_order must be an integer >= 0, got {maximum_order!r}")
        if smoothing is not None and not smoothing > 0:
            raise ValueError(f"smoothing is a Gaussian's standard deviation in pixels (> 0) or None, got {smoothing!r}")
        self.group, self.action = group, action
        self.in_repr, self.out_repr = in_repr, out_repr
        self.dimensionality = d = action.size
        self.maximum_order, self.smoothing = int(maximum_order), smoothing
        angular = build_kernel_basis(group, action, in_repr, out_repr, radial=RadialSlots(1),
                                     maximum_frequency=int(maximum_order), allow_empty=True)
        self._attributes: list[dict] = []
        chosen = []  # (angular element, power of |x|^2)
        for a, attrs in enumerate(angular.angular_attributes()):
            for power in range((self.maximum_order - attrs["frequency"]) // 2 + 1):
                if maximum_power is not None and power > maximum_power:
                    break
                element = dict(attrs, power=power, order=attrs["frequency"] + 2 * power, radius=None,
                               index=len(self._attributes))
                if basis_filter is None or basis_filter(element):
                    self._attributes.append(element)
                    chosen.append((a, power))
        self.exponents = monomials(d, self.maximum_order)
        self.coefficients = _polynomial_coefficients(angular, chosen, self.exponents, d, out_repr.size, in_repr.size)

    def __len__(self) -> int:
        return len(self._attributes)

    def attributes(self) -> list[dict]:
        """Per element: the angular element's attributes (frequency J, irreps, intertwiner),
        ``power`` of the Laplacian and derivative ``order`` J + 2 power."""
        return [dict(a) for a in self._attributes]

    def __repr__(self) -> str:
        method = "finite differences" if self.smoothing is None else f"Gaussian derivatives, s={self.smoothing:g}"
        return (f"DiffopBasis({self.group.name} on R^{self.dimensionality}, {self.in_repr} -> {self.out_repr}, "
                f"{len(self)} operators of order <= {self.maximum_order}, {method})")

    def sample(self, points: torch.Tensor) -> torch.Tensor:
        """``[P, len(basis), c_out, c_in]``: every operator's weights on the stencil ``points``."""
        if not isinstance(points, torch.Tensor) or points.dim() != 2 or points.shape[1] != self.dimensionality:
            got = tuple(points.shape) if isinstance(points, torch.Tensor) else type(points).__name__
            raise ValueError(f"points must be a stencil of shape [P, {self.dimensionality}], got {got}")
        stencil = points.detach().cpu().double().numpy()
        weights = self._stencil_weights(stencil)  # [P, monomials]
        values = np.einsum("pm,bmoi->pboi", weights, self.coefficients)
        return torch.as_tensor(values, dtype=points.dtype, device=points.device)

    def _stencil_weights(self, stencil: np.ndarray) -> np.ndarray:
        r"""``[P, monomials]``: the stencil of :math:`\partial^\beta` for every exponent."""
        if self.smoothing is not None:
            return _gaussian_derivatives(stencil, self.exponents, self.smoothing)
        return _finite_differences(stencil, self.exponents, self.maximum_order)


def _polynomial_coefficients(angular, chosen, exponents, d, c_out, c_in) -> np.ndarray:
    """``[B, monomials, c_out, c_in]``: every element's coefficients, fitted exactly (each
    element is a homogeneous polynomial) at random points."""
    rng = np.random.default_rng(0)
    points = rng.standard_normal((4 * len(exponents) + 8, d))
    norms = np.linalg.norm(points, axis=1)
    values = angular.sample_angular(torch.as_tensor(points)).numpy() if chosen else None  # [P, A, c_out, c_in]
    coefficients = np.zeros((len(chosen), len(exponents), c_out, c_in))
    for b, (a, power) in enumerate(chosen):
        degree = angular.angular_attributes()[a]["frequency"] + 2 * power
        columns = [k for k, beta in enumerate(exponents) if sum(beta) == degree]
        target = (norms[:, None, None] ** degree) * values[:, a]
        design = monomial_values(points, [exponents[k] for k in columns])
        fit, *_ = np.linalg.lstsq(design, target.reshape(len(points), -1), rcond=None)
        residual = np.abs(design @ fit - target.reshape(len(points), -1)).max()
        if residual > 1e-8 * max(1.0, np.abs(target).max()):
            raise RuntimeError(f"angular element {a} times |x|^{degree - angular.angular_attributes()[a]['frequency']} "
                               f"is not a polynomial of degree {degree} (residual {residual:.1e})")
        coefficients[b, columns] = fit.reshape(len(columns), c_out, c_in)
    return coefficients


def _finite_differences(stencil: np.ndarray, exponents, order: int) -> np.ndarray:
    r"""``[P, monomials]``: products over the axes of the 1D central differences
    :math:`\partial^{\beta_k}` on the stencil's coordinates along axis k, each the unique
    weights exact for polynomials of degree below the number of points."""
    d = stencil.shape[1]
    axes = [np.unique(np.round(stencil[:, k], 9)) for k in range(d)]
    if len(stencil) != math.prod(len(a) for a in axes):
        raise ValueError(f"finite differences need a full grid of points, got {len(stencil)} points on a "
                         f"{' x '.join(str(len(a)) for a in axes)} lattice")
    smallest = min(len(a) for a in axes)
    if smallest - 1 < order:
        raise ValueError(f"a stencil of {smallest} points per axis discretises derivatives up to order {smallest - 1}, "
                         f"but maximum_order is {order}: use a larger kernel_size or a lower order")
    columns = []
    for k, coordinates in enumerate(axes):
        powers = coordinates[None, :] ** np.arange(len(coordinates))[:, None]  # [m, j]: x_j^m
        factorials = np.array([math.factorial(m) for m in range(len(coordinates))], dtype=np.float64)
        one_d = np.linalg.solve(powers, np.diag(factorials))  # column n: sum_j w_j x_j^m = m! [m == n]
        position = np.searchsorted(coordinates, np.round(stencil[:, k], 9))
        columns.append(one_d[position])  # [P, n]
    return np.stack([math.prod(columns[k][:, b] for k, b in enumerate(beta)) for beta in exponents], axis=1)


def _gaussian_derivatives(stencil: np.ndarray, exponents, s: float) -> np.ndarray:
    r"""``[P, monomials]``: :math:`(-\partial)^\beta G_s` on the stencil, G normalised to sum
    one; in 1D :math:`(-\partial)^n G = He_n(x/s)\, s^{-n} G` (probabilists' Hermite)."""
    gaussian = np.exp(-0.5 * (stencil ** 2).sum(1) / s ** 2)
    gaussian /= gaussian.sum()
    top = max(sum(beta) for beta in exponents)
    hermite = [np.ones_like(stencil), stencil / s]
    for n in range(1, top):
        hermite.append((stencil / s) * hermite[n] - n * hermite[n - 1])
    columns = [np.prod([hermite[b][:, k] / s ** b for k, b in enumerate(beta)], axis=0) * gaussian for beta in exponents]
    return np.stack(columns, axis=1)

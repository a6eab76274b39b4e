"""RadialNetwork: the MLP from a radial embedding to per-edge kernel weights."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import torch


def _second_moment_scale(function) -> float:
    """``1 / sqrt(E[f(z)^2])`` for ``z ~ N(0, 1)`` (Gauss-Hermite quadrature, 64 nodes)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(64)
    values = function(torch.tensor(nodes, dtype=torch.float64)).numpy()
    return float(1.0 / np.sqrt((weights * values ** 2).sum() / weights.sum()))


SILU_SCALE = _second_moment_scale(torch.nn.functional.silu)
"""SiLU scaled to unit second moment on standard normal inputs (about 1.68)."""


class RadialNetwork(torch.nn.Module):
    r"""A bias-free MLP of the radial embedding of every edge, giving the weights of its kernel:

    .. math::
        h_{k+1} = \tilde\sigma\!\left(\frac{W_k h_k}{\sqrt{n_k}}\right), \qquad
        \text{out} = \frac{W_L h_L}{\sqrt{n_L}},

    with :math:`W_k` initialised as standard normal, :math:`n_k` the fan-in and
    :math:`\tilde\sigma` SiLU scaled to unit second moment. The fan-in factors live in the
    forward pass, not in the initial values (e3nn's parametrisation): with Adam, whose steps
    have the same size for every parameter, each layer's output then moves by a fixed fraction
    of its scale per step, whatever the widths. Without a bias every output vanishes where the
    embedding does, so a smooth cutoff of the embedding carries over to the kernel.

    Args:
        in_features: the radial embedding's size.
        hidden: the hidden widths (may be empty: one linear map).
        out_features: the number of weights per edge.
        activate_output: apply the scaled SiLU to the output too (radial features that a layer
            mixes further with weights of its own, as :class:`R3PointConv` does).

    Shapes:
        - **input:** :math:`(E, \text{in\_features})`
        - **output:** :math:`(E, \text{out\_features})`
    """

    def __init__(self, in_features: int, hidden: Sequence[int], out_features: int, activate_output: bool = False):
        super().__init__()
        self.activate_output = activate_output
        hidden = list(hidden)
        if any(not isinstance(h, (int, np.integer)) or h < 1 for h in hidden):
            raise ValueError(f"radial_mlp must list positive integer widths, got {hidden}")
        if in_features < 1 or out_features < 1:
            raise ValueError(f"RadialNetwork needs positive sizes, got {in_features} -> {out_features}")
        widths = [in_features, *hidden, out_features]
        self.widths = tuple(int(w) for w in widths)
        self.weights = torch.nn.ParameterList(torch.nn.Parameter(torch.randn(a, b)) for a, b in zip(widths[:-1], widths[1:]))

    def forward(self, embedding: torch.Tensor) -> torch.Tensor:
        h = embedding
        last = len(self.weights) - 1
        for k, weight in enumerate(self.weights):
            h = h @ (weight / math.sqrt(weight.shape[0]))
            if k < last or self.activate_output:
                h = torch.nn.functional.silu(h) * SILU_SCALE
        return h

    def extra_repr(self) -> str:
        return " -> ".join(str(w) for w in self.widths)

from __future__ import annotations

from typing import Sequence

import torch

from .gaussian_derivatives import gaussian_gradient, gaussian_taps, pairwise_gaussian, separable_filter

ROWS_PER_CHUNK = 1024  # nodes whose neighbourhood sums the graph path forms at once


class ScaleSpaceTripleProducts(torch.nn.Module):
    r"""Plain PyTorch: per output :math:`f`, the mean over a volume's voxels of a scalar times the
    triple product of three vectors, all linear in the input's channels :math:`\rho_c` through
    Gaussians :math:`G_\tau` and their gradients :math:`\nabla G_\sigma`,

    .. math::
        t_f = \frac{1}{|\Omega|} \sum_{x \in \Omega} s_f(x)\; a_f(x) \cdot \big(b_f(x) \times c_f(x)\big),
        \qquad s_f = \sum_{c, k} S_{f c k}\, G_{\tau_k} * \rho_c,
        \quad a_f = \sum_{c, k} A_{f c k}\, \nabla G_{\sigma_k} * \rho_c,

    (:math:`b_f, c_f` likewise), divided by a root mean square :math:`r_f` of :math:`t_f` (over
    the batch in training, its running average otherwise: set by the first training batch, since
    the raw products can be many orders of magnitude from one, then a moving average with
    ``momentum``, or the cumulative average with ``momentum=None`` as :func:`update_batch_norm`
    uses). What :class:`ScaleSpaceChirality` computes, and exports to with its weights fixed.

    Args:
        weight_mixing: ``[F, C, len(weight_scales)]``, :math:`S`.
        vector_mixing: ``[3, F, C, len(gradient_scales)]``, :math:`A, B, C`.
        gradient_scales, weight_scales: :math:`\sigma_k, \tau_k` in voxels (or coordinate units).
        running_rms: ``[F]``, the scale :math:`r_f` in eval mode.
        momentum: of the running root mean square (None: a cumulative average).

    Shapes:
        - **input:** :math:`(B, C, D, H, W)`, or nodes :math:`(N, C)` with ``coords``
          :math:`(N, 3)` and ``batch`` :math:`(N,)`
        - **output:** :math:`(B, F)`
    """

    def __init__(self, weight_mixing: torch.Tensor, vector_mixing: torch.Tensor, gradient_scales: Sequence[float],
                 weight_scales: Sequence[float], running_rms: torch.Tensor, momentum: float | None = 0.1):
        super().__init__()
        for name, value in (("weight_mixing", weight_mixing), ("vector_mixing", vector_mixing)):
            if isinstance(value, torch.nn.Parameter):  # trained (ScaleSpaceChirality's), else fixed (its export)
                self.register_parameter(name, value)
            else:
                self.register_buffer(name, value)
        self.gradient_scales, self.weight_scales = tuple(gradient_scales), tuple(weight_scales)
        self.register_buffer("running_rms", running_rms)
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        self.momentum, self.track_running_stats = momentum, True  # what update_batch_norm sets and checks
        for k, sigma in enumerate(self.gradient_scales):
            g, dg = gaussian_taps(sigma)
            self.register_buffer(f"gradient_taps_{k}", torch.stack([g, dg]).to(running_rms.dtype), persistent=False)
        for k, tau in enumerate(self.weight_scales):
            self.register_buffer(f"weight_taps_{k}", gaussian_taps(tau)[0].to(running_rms.dtype), persistent=False)

    def forward(self, x: torch.Tensor, coords: torch.Tensor | None = None, batch: torch.Tensor | None = None,
                num_graphs: int | None = None) -> torch.Tensor:
        if coords is None:
            scalars, vectors = self._filtered_grid(x)
        else:
            batch = torch.zeros(x.shape[0], dtype=torch.long, device=x.device) if batch is None else batch
            scalars, vectors = self._filtered_points(x, coords, batch)
        s = torch.einsum("fck,bck...->bf...", self.weight_mixing, scalars)
        a, b, c = (torch.einsum("fck,bckj...->bfj...", m, vectors) for m in self.vector_mixing)
        density = s * (a * torch.linalg.cross(b, c, dim=2)).sum(2)  # [B, F, *S] or [N, F]
        if coords is None:
            t = density.flatten(2).mean(2)
        else:
            size = int(batch.max()) + 1 if num_graphs is None else num_graphs
            counts = torch.bincount(batch, minlength=size).clamp(min=1).to(density.dtype)
            t = density.new_zeros(size, density.shape[1]).index_add(0, batch, density) / counts[:, None]
        return t / self._rms(t)

    def _rms(self, t: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return self.running_rms
        rms = t.square().mean(0).add(torch.finfo(t.dtype).tiny).sqrt()
        with torch.no_grad():
            self.num_batches_tracked += 1
            count = int(self.num_batches_tracked)
            factor = 1.0 / count if self.momentum is None or count == 1 else self.momentum
            self.running_rms.lerp_(rms.detach(), factor)
        return rms

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # checkpoints from before the count was tracked: their running scale is already set
        state_dict.setdefault(prefix + "num_batches_tracked", torch.tensor(1, dtype=torch.long))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def _filtered_grid(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``[B, C, Kw, *S]`` Gaussians and ``[B, C, Kg, 3, *S]`` gradients of the volumes."""
        scalars = torch.stack([separable_filter(x, (g, g, g)) for g in self._weight_taps()], 2)
        vectors = torch.stack([gaussian_gradient(x, g, dg) for g, dg in self._gradient_taps()], 2)
        return scalars, vectors

    def _filtered_points(self, x: torch.Tensor, coords: torch.Tensor, batch: torch.Tensor
                         ) -> tuple[torch.Tensor, torch.Tensor]:
        """The same at every node, summing over the nodes of its own graph: ``[N, C, Kw]`` and
        ``[N, C, Kg, 3]``."""
        scalars = x.new_zeros(x.shape[0], x.shape[1], len(self.weight_scales))
        vectors = x.new_zeros(x.shape[0], x.shape[1], len(self.gradient_scales), 3)
        for graph in torch.unique(batch):
            nodes = (batch == graph).nonzero().squeeze(1)
            for rows in nodes.split(ROWS_PER_CHUNK):
                offsets = coords[rows, None] - coords[nodes][None]  # [rows, nodes, 3]
                scalars[rows] = torch.stack([pairwise_gaussian(offsets, tau) @ x[nodes]
                                             for tau in self.weight_scales], 2)
                vectors[rows] = torch.stack([  # the gradient: the Gaussian times -offset / sigma^2, one exp per width
                    torch.einsum("rnj,nc->rcj", pairwise_gaussian(offsets, sigma)[..., None] * offsets, x[nodes])
                    / -sigma ** 2 for sigma in self.gradient_scales], 2)
        return scalars, vectors

    def _weight_taps(self):
        return [getattr(self, f"weight_taps_{k}") for k in range(len(self.weight_scales))]

    def _gradient_taps(self):
        return [getattr(self, f"gradient_taps_{k}") for k in range(len(self.gradient_scales))]

"""Initialisations of the learnable coefficients of steerable convolutions (escnn's names)."""
from __future__ import annotations

import numpy as np
import torch

__all__ = ["generalized_he_init", "deltaorthonormal_init"]


def generalized_he_init(tensor: torch.Tensor, basisexpansion) -> torch.Tensor:
    r"""Fill ``tensor`` (a convolution's ``weights``, ``[size]`` or ``[groups, size]``) in place
    with independent zero-mean Gaussians whose variances make every output channel's variance
    equal the input's for i.i.d. unit-variance inputs:

    .. math::
        \mathrm{Var}(w_b) = \frac{1}{n_{f}\, \lVert K_b \rVert^2}

    where :math:`n_f` counts the coefficients feeding the output field of :math:`w_b` and
    :math:`\lVert K_b \rVert` is the element's norm per output channel
    (``basisexpansion.element_norms()``).

    Args:
        tensor: the coefficients.
        basisexpansion: the module's ``basisexpansion``.
    """
    layout = basisexpansion.layout
    std = torch.zeros(layout.size, dtype=torch.float64)
    feeding = np.zeros(len(layout.out_groups))
    for block in layout.blocks:
        feeding[block.out_group] += block.m_in * len(block.basis)
    for block, norms in zip(layout.blocks, basisexpansion.element_norms()):
        scale = 1.0 / torch.sqrt(feeding[block.out_group] * norms.clamp(min=1e-12) ** 2)
        std[block.offset:block.offset + block.size] = scale.expand(block.m_out, block.m_in, -1).reshape(-1)
    view = _check_weights(tensor, layout.size)
    with torch.no_grad():
        view.copy_(torch.randn(view.shape, dtype=torch.float64) * std)
    return tensor


def deltaorthonormal_init(tensor: torch.Tensor, basisexpansion) -> torch.Tensor:
    r"""Fill ``tensor`` in place so that the kernel is a delta at the origin carrying a random
    (semi-)orthogonal equivariant map :math:`U`: :math:`K(0) = U`, :math:`K(\delta) \approx 0`
    elsewhere. Only the elements that vanish off the stencil's centre are used (a ring of
    radius 0, or the order-0 finite differences of a differential operator); :math:`U` is the
    orthogonal polar factor of a random intertwiner, which is itself an intertwiner.

    Args:
        tensor: the coefficients, ``[size]`` or ``[groups, size]``.
        basisexpansion: the module's ``basisexpansion``; its basis needs elements at the centre alone.
    """
    layout = basisexpansion.layout
    points = basisexpansion.points.to(torch.float64)
    centre = [_centre_elements(block, points) for block in layout.blocks]
    if not any(mask.any() for mask, _ in centre):
        raise ValueError("deltaorthonormal_init needs basis elements that vanish off the stencil's centre (a ring of "
                         "radius 0, or finite differences of order 0); this basis has none")
    view = _check_weights(tensor, layout.size)
    solved = []
    for row in range(view.shape[0]):
        intertwiner = torch.zeros(layout.out_type.size, layout.in_type.size, dtype=torch.float64)
        for block, (mask, values) in zip(layout.blocks, centre):
            w = torch.randn(block.m_out, block.m_in, int(mask.sum()), dtype=torch.float64)
            out_ch, in_ch = _block_channels(layout, block)
            part = torch.einsum("oib,bxy->oxiy", w, values).reshape(len(out_ch), len(in_ch))
            intertwiner[np.ix_(out_ch, in_ch)] = part
        u, s, vh = torch.linalg.svd(intertwiner, full_matrices=False)
        keep = s > s.max() * 1e-9
        polar = u[:, keep] @ vh[keep]
        weights = torch.zeros(layout.size, dtype=torch.float64)
        for block, (mask, values) in zip(layout.blocks, centre):
            out_ch, in_ch = _block_channels(layout, block)
            target = polar[np.ix_(out_ch, in_ch)].reshape(block.m_out, values.shape[1], block.m_in, values.shape[2])
            target = target.permute(0, 2, 1, 3).reshape(block.m_out * block.m_in, -1)
            solution = torch.linalg.lstsq(values.reshape(values.shape[0], -1).T, target.T).solution  # [b0, m_out m_in]
            coefficients = torch.zeros(block.m_out * block.m_in, len(block.basis), dtype=torch.float64)
            coefficients[:, mask] = solution.T
            weights[block.offset:block.offset + block.size] = coefficients.reshape(-1)
        solved.append(weights)
    with torch.no_grad():
        view.copy_(torch.stack(solved))
    return tensor


def _centre_elements(block, points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``(mask [B], values [b0, d_out, d_in])``: the block's elements that vanish everywhere on
    the stencil ``points`` but at its centre, and their values there."""
    values = block.basis.sample(points)  # [P, B, d_out, d_in]
    centre = points.norm(dim=1) == 0
    if not centre.any():
        return torch.zeros(values.shape[1], dtype=torch.bool), values[:0, :0]
    size = values.abs().flatten(2).amax(dim=(0, 2))
    outside = values[~centre].abs().flatten(2).amax(dim=(0, 2)) if (~centre).any() else torch.zeros_like(size)
    mask = (size > 0) & (outside <= 1e-6 * size)
    return mask, values[centre][0][mask]


def _block_channels(layout, block) -> tuple[np.ndarray, np.ndarray]:
    out_fields = layout.out_groups[block.out_group].fields
    in_fields = layout.in_groups[block.in_group].fields
    return layout.out_type.field_channels(out_fields), layout.in_type.field_channels(in_fields)


def _check_weights(tensor: torch.Tensor, size: int) -> torch.Tensor:
    if not isinstance(tensor, torch.Tensor) or tensor.numel() % size or tensor.shape[-1] not in (size, tensor.numel()):
        shape = tuple(tensor.shape) if isinstance(tensor, torch.Tensor) else type(tensor).__name__
        raise ValueError(f"expected the weights of this basis expansion ({size} per group), got {shape}")
    return tensor.view(-1, size)

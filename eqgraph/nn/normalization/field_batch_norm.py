"""The shared machinery of batch normalisations over fields."""
from __future__ import annotations

import numpy as np
import torch

from ...fields import FieldType, GeometricTensor
from ..constant_buffers import ConstantBuffers
from ..equivariant_module import EquivariantModule
from ..field_index import field_of_channel
from ..trivial_bias import trivial_bias_expansion
from .fast_batch_norm import batch_norm_training, batch_norm_training_applies


class FieldBatchNorm(ConstantBuffers, EquivariantModule):
    r"""Batch normalisation that keeps every field's transformation law:

    .. math::
        y_f = \frac{x_f - P_f \mu}{\sqrt{\sigma_f^2 + \epsilon}}\, \gamma_f + E_f\, \beta

    where :math:`\mu` is the batch mean of every channel, :math:`P_f` projects it onto the
    invariant vectors of field f (no mean is removed where there are none),
    :math:`\sigma_f^2` the mean over the field's channels of the centred squares (invariant,
    since representations are orthogonal), :math:`\gamma_f` a scale per field and :math:`\beta`
    a bias on the trivial irreps. Statistics run over the batch and every spatial position (or
    every node of a graph batch); running statistics and ``momentum`` follow ``torch.nn.BatchNorm``
    (unbiased running variance, ``momentum=None`` for a cumulative average).

    Subclasses choose which fields are allowed and whether to centre.
    """

    centre = True

    def __init__(self, in_type: FieldType, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True):
        super().__init__()
        check_eps(type(self).__name__, eps)
        if momentum is not None and not (isinstance(momentum, (int, float)) and 0 <= momentum <= 1):
            raise ValueError(f"{type(self).__name__}: momentum must be in [0, 1] or None (a cumulative average), "
                             f"got {momentum!r}")
        self.in_type = self.out_type = in_type
        self.eps, self.momentum, self.affine, self.track_running_stats = eps, momentum, affine, track_running_stats
        n = len(in_type)
        self.register_buffer("field_of_channel", field_of_channel(in_type), persistent=False)
        self.register_constant("mean_projector", _invariant_projector(in_type) if self.centre else None)
        self.register_buffer("field_sizes", torch.tensor([r.size for r in in_type.representations]), persistent=False)
        self.weight = torch.nn.Parameter(torch.ones(n)) if affine else None
        expansion = trivial_bias_expansion(in_type) if (affine and self.centre) else None
        self.register_constant("bias_expansion", expansion)
        self.bias = None if expansion is None else torch.nn.Parameter(torch.zeros(expansion.shape[1]))
        self.fused_size = _fused_field_size(in_type, self.centre)
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(in_type.size))
            self.register_buffer("running_var", torch.ones(n))
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        if self.fused_size is not None:
            return GeometricTensor(self._fused(x), self.out_type, input.coords)
        use_batch = self.training or not self.track_running_stats
        if use_batch:
            mean, var, count = self._batch_statistics(x)
            if self.training and self.track_running_stats:
                self._update_running(mean, var, count)
        else:
            mean, var = self.running_mean, self.running_var
        shape = (1, -1) + (1,) * (x.dim() - 2)
        scale = torch.rsqrt(var + self.eps)
        if self.weight is not None:
            scale = scale * self.weight
        centred = x if self.mean_projector is None else x - mean.view(shape)  # no invariant part: mean zero
        out = centred * scale.index_select(0, self.field_of_channel).view(shape)
        if self.bias is not None:
            out = out + (self.bias_expansion @ self.bias).view(shape)
        return GeometricTensor(out, self.out_type, input.coords)

    def _fused(self, x: torch.Tensor) -> torch.Tensor:
        """Fields of one size whose mean is their channels' average: batch norm with the fields as
        its channels, with the same statistics and updates (on the CPU in training,
        :func:`batch_norm_training`, which collects the statistics 3x to 4x faster; in eval mode
        with running statistics, one ``batch_norm`` call per channel)."""
        n, d = len(self.in_type), self.fused_size
        if x.numel() // x.shape[1] < 2 and self.training:
            raise ValueError(f"{type(self).__name__} needs more than one value per channel in training, got "
                             f"input of shape {tuple(x.shape)}")
        use_batch = self.training or not self.track_running_stats
        if not use_batch:  # per channel, as the exported BatchNorm: a quarter faster than over [B, n, d, *S]
            index = self.field_of_channel
            weight = None if self.weight is None else self.weight.index_select(0, index)
            bias = None if self.bias is None else self.bias_expansion @ self.bias
            return torch.nn.functional.batch_norm(x, self.running_mean, self.running_var.index_select(0, index), weight,
                                                  bias, False, 0.0, self.eps)
        # contiguous per-field parameters keep batch_norm on its fast kernel (strided ones cost ~15%)
        bias = None if self.bias is None else (self.bias_expansion @ self.bias).view(n, d)[:, 0].contiguous()
        if batch_norm_training_applies(x):
            fields = x.reshape(x.shape[0], n, -1)  # [B, n, d * S]: the statistics run over dimensions 0 and 2
            out, mean, var = batch_norm_training(fields, self.weight, bias, self.eps)
            if self.training and self.track_running_stats:
                self._update_running(mean.repeat_interleave(d), var, fields.shape[0] * fields.shape[2])
            return out.view(x.shape)
        fields = x.unflatten(1, (n, d))  # [B, n, d, *S]: batch_norm's channels are the fields
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            factor = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
            # per field, a copy (a view of running_mean when n or d is 1 would be saved for backward and then
            # overwritten below); batch_norm updates it in place
            mean = self.running_mean.view(n, d)[:, 0].clone()
            out = torch.nn.functional.batch_norm(fields, mean, self.running_var, self.weight, bias, True, factor, self.eps)
            with torch.no_grad():
                self.running_mean.copy_(mean.repeat_interleave(d))
        else:
            out = torch.nn.functional.batch_norm(fields, None, None, self.weight, bias, True, 0.0, self.eps)
        return out.reshape(x.shape)

    def _batch_statistics(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, int]:
        dims = [0] + list(range(2, x.dim()))
        count = x.numel() // x.shape[1]
        if count < 2 and self.training:
            raise ValueError(f"{type(self).__name__} needs more than one value per channel in training, got "
                             f"input of shape {tuple(x.shape)}")
        if self.mean_projector is not None:
            mean = self.mean_projector @ x.mean(dim=dims)
            shape = (1, -1) + (1,) * (x.dim() - 2)
            channel_squares = (x - mean.view(shape)).square().mean(dim=dims)
        else:
            mean = x.new_zeros(x.shape[1])
            channel_squares = x.square().sum(dim=dims) / count  # 5x faster than vector_norm on the CPU
        var = x.new_zeros(len(self.in_type)).index_add(0, self.field_of_channel, channel_squares)
        return mean, var / self.field_sizes.to(x.dtype), count

    @torch.no_grad()
    def _update_running(self, mean: torch.Tensor, var: torch.Tensor, count: int) -> None:
        self.num_batches_tracked += 1
        factor = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
        unbiased = var * count / max(count - 1, 1)
        self.running_mean.mul_(1 - factor).add_(mean.detach(), alpha=factor)
        self.running_var.mul_(1 - factor).add_(unbiased.detach(), alpha=factor)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def export(self) -> torch.nn.Module:
        """In eval mode with running statistics: a ``torch.nn.BatchNorm{d}d`` (d = the gspace's
        dimension; node features ``[N, C]`` need ``BatchNorm1d``, whose parameters are the same)."""
        if not self.track_running_stats:
            raise NotImplementedError(f"{type(self).__name__} without running statistics has no torch equivalent")
        d = self.in_type.gspace.dimensionality
        module = (torch.nn.BatchNorm2d if d == 2 else torch.nn.BatchNorm3d)(
            self.in_type.size, eps=self.eps, momentum=self.momentum, affine=True,
            dtype=self.running_var.dtype, device=self.running_var.device)
        with torch.no_grad():
            module.running_mean.copy_(self.running_mean)
            module.running_var.copy_(self.running_var.index_select(0, self.field_of_channel))
            weight = self.weight if self.weight is not None else torch.ones_like(self.running_var)
            module.weight.copy_(weight.index_select(0, self.field_of_channel))
            bias = self.bias_expansion @ self.bias if self.bias is not None else torch.zeros(self.in_type.size)
            module.bias.copy_(bias)
        return module.eval()


def _fused_field_size(field_type: FieldType, centre: bool) -> int | None:
    """The common field size when the statistics reduce to plain per-field batch norm: every
    field of one size and a mean that is the average of each field's channels (transitive
    permutation representations); None otherwise."""
    sizes = {r.size for r in field_type.representations}
    if len(sizes) != 1 or not centre:
        return None
    d = sizes.pop()
    averaging = np.kron(np.eye(len(field_type)), np.full((d, d), 1.0 / d))
    return d if np.allclose(_invariant_projector(field_type), averaging, atol=1e-9) else None


def _invariant_projector(field_type: FieldType) -> np.ndarray:
    """``[C, C]``: the orthogonal projector onto the invariant vectors of every field."""
    expansion = trivial_bias_expansion(field_type)
    if expansion is None:
        return np.zeros((field_type.size, field_type.size))
    return expansion @ expansion.T


def check_eps(name: str, eps) -> None:
    """The variance offset of a normalisation must be a positive finite number."""
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < float("inf"):
        raise ValueError(f"{name}: eps must be a positive number, got {eps!r}")

from __future__ import annotations

from ...fields import GeometricTensor
from .field_batch_norm import FieldBatchNorm


class IIDBatchNorm(FieldBatchNorm):
    r"""Batch normalisation for any representation: the mean is removed on each field's
    invariant subspace only, the variance is the field's mean centred square, the scale is per
    field and the bias lives on the trivial irreps (see :class:`FieldBatchNorm`). ``IIDBatchNorm1d``
    takes ``[N, C]`` or ``[B, C, L]``, ``2d`` images, ``3d`` volumes.

    Args:
        in_type: the input (and output) type.
        eps, momentum, affine, track_running_stats: as ``torch.nn.BatchNorm2d``.

    Shapes:
        - **input:** :math:`(B, C, *S)` with the suffix's number of spatial axes, or :math:`(N, C)`
        - **output:** the same
    """

    spatial_axes: tuple[int, ...] = (0, 1, 2, 3)

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        if isinstance(input, GeometricTensor) and input.tensor.dim() - 2 not in self.spatial_axes:
            raise ValueError(f"{type(self).__name__} expects {self.spatial_axes} spatial axes, got a tensor of shape "
                             f"{tuple(input.shape)}")
        return super().forward(input)


class IIDBatchNorm1d(IIDBatchNorm):
    __doc__ = IIDBatchNorm.__doc__
    spatial_axes = (0, 1)


class IIDBatchNorm2d(IIDBatchNorm):
    __doc__ = IIDBatchNorm.__doc__
    spatial_axes = (2,)


class IIDBatchNorm3d(IIDBatchNorm):
    __doc__ = IIDBatchNorm.__doc__
    spatial_axes = (3,)



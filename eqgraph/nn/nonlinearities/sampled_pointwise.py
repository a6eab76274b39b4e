"""The shared machinery of pointwise nonlinearities on sampled band-limited functions."""
from __future__ import annotations

import numpy as np
import torch
from torch.utils.checkpoint import checkpoint

from ...fields import FieldType, GeometricTensor
from ..constant_buffers import ConstantBuffers
from ..equivariant_module import EquivariantModule
from ..transforms import inside_transform
from .pointwise import FUNCTIONS

#: Samples per chunk of fields (4 MiB of float32): the sampled values of a chunk stay in the
#: CPU's cache between the sampling, the function and the projection.
CHUNK_SAMPLES = 2 ** 20


class SampledPointwise(ConstantBuffers, EquivariantModule):
    r"""Every field holds the coefficients :math:`c` of a band-limited function on a space the
    group acts on; the layer samples it at fixed points, applies a pointwise function there and
    projects back onto the band limit:

    .. math::
        y = A^{+}\, \sigma(A c)

    with :math:`A` the sampling matrix. Exactly equivariant for the elements that permute the
    samples, approximately otherwise (the error shrinks as the samples grow).

    The samples outnumber the coefficients (216 samples for 10 coefficients in the tetris voxel
    model), so the fields go through in chunks whose samples fit in cache; in training each
    chunk's samples are recomputed in the backward pass rather than stored
    (``torch.utils.checkpoint``), so memory holds the coefficients only.

    Subclasses give the field's representation and ``A``.
    """

    def __init__(self, in_type: FieldType, sampling: np.ndarray, function: str):
        super().__init__()
        if function not in FUNCTIONS:
            raise ValueError(f"unknown pointwise function {function!r}; choose one of {sorted(FUNCTIONS)}")
        field_size = in_type.representations[0].size
        if sampling.shape[1] != field_size or sampling.shape[0] < field_size:
            raise ValueError(f"{sampling.shape[0]} samples cannot resolve a band-limited field of size {field_size}; "
                             "raise N")
        self.in_type = self.out_type = in_type
        self.function = function
        self.register_constant("sampling", sampling)
        self.register_constant("projection", np.linalg.pinv(sampling))

    def forward(self, input: GeometricTensor) -> GeometricTensor:
        self.check_type(input)
        x = input.tensor
        fields = x.movedim(1, -1).unflatten(-1, (len(self.in_type), self.sampling.shape[1]))  # [..., fields, D]
        rows = fields.reshape(-1, fields.shape[-1])
        chunk = max(1, CHUNK_SAMPLES // self.sampling.shape[0])
        if len(rows) <= chunk or inside_transform():
            out = self._through_samples(rows)
        else:
            recompute = torch.is_grad_enabled() and rows.requires_grad
            out = torch.cat([checkpoint(self._through_samples, part, use_reentrant=False) if recompute
                             else self._through_samples(part) for part in rows.split(chunk)])
        out = out.view(fields.shape).flatten(-2).movedim(-1, 1)
        return GeometricTensor(out, self.out_type, input.coords)

    def _through_samples(self, rows: torch.Tensor) -> torch.Tensor:
        """:math:`A^{+} \\sigma(A c)` on fields ``[n, D]``."""
        return FUNCTIONS[self.function][0](rows @ self.sampling.T) @ self.projection.T

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def export(self) -> torch.nn.Module:
        return SampledFunction(self.sampling, self.projection, FUNCTIONS[self.function][1]())


class SampledFunction(torch.nn.Module):
    r"""Plain PyTorch: :math:`y = P\, \sigma(A x)` on every group of ``A.shape[1]`` channels
    along axis 1 (what the sampled Fourier nonlinearities export to).

    Args:
        sampling: :math:`A`, ``[samples, field size]``.
        projection: :math:`P`, ``[field size, samples]``.
        activation: :math:`\sigma`, a module applied elementwise.
    """

    def __init__(self, sampling: torch.Tensor, projection: torch.Tensor, activation: torch.nn.Module):
        super().__init__()
        self.register_buffer("sampling", sampling.detach().clone())
        self.register_buffer("projection", projection.detach().clone())
        self.activation = activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        fields = x.movedim(1, -1).unflatten(-1, (x.shape[1] // self.sampling.shape[1], self.sampling.shape[1]))
        return (self.activation(fields @ self.sampling.T) @ self.projection.T).flatten(-2).movedim(-1, 1)

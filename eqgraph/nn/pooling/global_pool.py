from __future__ import annotations

import torch

from ...fields import FieldType, GeometricTensor
from ..equivariant_module import EquivariantModule

REDUCTIONS = ("sum", "mean")


class GlobalPool(EquivariantModule):
    r"""Per graph of a batch, the sum or mean of its node features,
    :math:`y_b = \sum_{i : \text{batch}_i = b} x_i` (or the mean): features of the same type,
    one row per graph, invariant to translations and permutations of the nodes (an invariant
    read-out when the fields are trivial).

    Args:
        in_type: the input (and output) type.
        reduce: ``"sum"`` or ``"mean"``.

    Shapes:
        - **input:** :math:`(N, C)`; **batch** :math:`(N,)` (None: one graph)
        - **output:** :math:`(B, C)` without coords
    """

    def __init__(self, in_type: FieldType, reduce: str = "sum"):
        super().__init__()
        if reduce not in REDUCTIONS:
            raise ValueError(f"GlobalPool: reduce must be one of {REDUCTIONS}, got {reduce!r}")
        self.in_type = self.out_type = in_type
        self.reduce = reduce

    def forward(self, input: GeometricTensor, batch: torch.Tensor | None = None,
                num_graphs: int | None = None) -> GeometricTensor:
        self.check_type(input)
        if input.is_grid:
            raise ValueError("GlobalPool pools graph nodes [N, C]; for grids use PointwiseAdaptiveAvgPool(type, 1)")
        x = input.tensor
        if batch is None:
            pooled = x.sum(0, keepdim=True) if self.reduce == "sum" else x.mean(0, keepdim=True)
            return GeometricTensor(pooled, self.out_type)
        if batch.shape != (x.shape[0],):
            raise ValueError(f"batch must be [N] = [{x.shape[0]}], got {tuple(batch.shape)}")
        size = int(batch.max()) + 1 if num_graphs is None else num_graphs
        pooled = x.new_zeros(size, x.shape[1]).index_add(0, batch, x)
        if self.reduce == "mean":
            counts = torch.bincount(batch, minlength=size).clamp(min=1).to(x.dtype)
            pooled = pooled / counts[:, None]
        return GeometricTensor(pooled, self.out_type)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (1, input_shape[1])

from __future__ import annotations

from typing import Sequence

import torch

from ...fields import FieldType, GeometricTensor
from ...group import SO3Group
from ..equivariant_module import EquivariantModule
from .scale_space_triple_products import ScaleSpaceTripleProducts


class ScaleSpaceChirality(EquivariantModule):
    r"""Invariants of scalar fields on a 3D grid (or at points) that change sign with a mirror
    image: learnt triple products in Gaussian scale space, pooled over the whole volume,

    .. math::
        y_f = \frac{1}{r_f |\Omega|} \sum_{x \in \Omega} s_f(x)\; a_f(x) \cdot \big(b_f(x) \times c_f(x)\big),

    where :math:`s_f` is a learnt combination of the input blurred by Gaussians of widths
    :math:`\tau_k`, each of :math:`a_f, b_f, c_f` a learnt combination of its gradients at widths
    :math:`\sigma_k`, and :math:`r_f` a root-mean-square scale (over the batch in training, its
    running average in eval), so that :math:`y` is of order one.

    Rotations turn the three vectors together (:math:`y` is SO(3)-invariant); a reflection
    negates it. Without the weight :math:`s_f`, the sum would vanish (the triple product of
    three gradients is a divergence). Everything before the product is linear in the input and
    smooth, so :math:`y` stays close to invariant under rotations the grid does not have: the
    triple products of a network's own features (:class:`TripleProductPooling` after
    nonlinearities on small stencils) change sign under such rotations, these do not, given
    widths of about half the size of the detail that carries the handedness and a gradient
    width of at least 1.5 voxels. Exact under the grid's own rotations.

    Args:
        in_type: trivial fields of a 3D SO(3) gspace (``gspaces.rot3dOnR3``).
        fields: invariants out.
        gradient_scales: the widths :math:`\sigma_k` of the gradients, in voxels.
        weight_scales: the widths :math:`\tau_k` of the weights, in voxels.
        momentum: of the running root mean square, which the first training batch sets (None: a
            cumulative average; :func:`~eqgraph.nn.update_batch_norm` recomputes it).

    Shapes:
        - **input:** :math:`(B, C, D, H, W)`, or nodes :math:`(N, C)` with coordinates in voxels
          (``batch`` :math:`(N,)` for several graphs)
        - **output:** :math:`(B, \text{fields})` (no coordinates)
    """

    def __init__(self, in_type: FieldType, fields: int = 4, gradient_scales: Sequence[float] = (1.5, 2.0, 3.0, 4.5),
                 weight_scales: Sequence[float] = (0.5, 1.0, 2.0), momentum: float | None = 0.1):
        super().__init__()
        name = type(self).__name__
        gs = in_type.gspace
        if not isinstance(gs.fibergroup, SO3Group) or gs.dimensionality != 3:
            raise ValueError(f"{name} needs fields of SO(3) on R^3 (under O(3) a triple product is not invariant), "
                             f"got fields of {gs.fibergroup.name} on R^{gs.dimensionality}")
        if any(not rep.is_trivial() for rep in in_type.representations):
            raise ValueError(f"{name} reads scalar (trivial) fields, got {in_type}")
        if not isinstance(fields, int) or fields < 1:
            raise ValueError(f"{name}: fields must be a positive integer, got {fields!r}")
        for what, scales in (("gradient_scales", gradient_scales), ("weight_scales", weight_scales)):
            if len(scales) == 0 or any(not float(s) > 0 for s in scales):
                raise ValueError(f"{name}: {what} must be a non-empty list of positive widths, got {scales!r}")
        self.in_type = in_type
        self.out_type = gs.type(*[gs.trivial_repr] * fields)
        channels, dtype = in_type.size, torch.get_default_dtype()
        weight_mixing = torch.randn(fields, channels, len(weight_scales), dtype=dtype) / (channels * len(weight_scales)) ** 0.5
        vector_mixing = torch.randn(3, fields, channels, len(gradient_scales), dtype=dtype) / (
            channels * len(gradient_scales)) ** 0.5
        self.triple_products = ScaleSpaceTripleProducts(torch.nn.Parameter(weight_mixing), torch.nn.Parameter(vector_mixing),
                                                        gradient_scales, weight_scales, torch.ones(fields, dtype=dtype),
                                                        momentum)

    def forward(self, input: GeometricTensor, batch: torch.Tensor | None = None,
                num_graphs: int | None = None) -> GeometricTensor:
        self.check_type(input)
        if input.is_grid:
            self.check_grid(input, "pools a volume")
            if input.tensor.dim() != 5:
                raise ValueError(f"{type(self).__name__} takes volumes [B, C, D, H, W], got {tuple(input.shape)}")
            return GeometricTensor(self.triple_products(input.tensor), self.out_type)
        if input.coords is None:
            raise ValueError(f"{type(self).__name__} on nodes [N, C] needs their coordinates (GeometricTensor coords)")
        if batch is not None and batch.shape != (input.shape[0],):
            raise ValueError(f"batch must be [N] = [{input.shape[0]}], got {tuple(batch.shape)}")
        return GeometricTensor(self.triple_products(input.tensor, input.coords, batch, num_graphs), self.out_type)

    def evaluate_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], len(self.out_type))

    def check_inputs(self, dtype: torch.dtype) -> tuple:
        """A random volume of 7^3 voxels and the grid's 24 rotations (exact)."""
        from ...testing import grid_symmetries, random_input

        return random_input(self.in_type, spatial_shape=(7, 7, 7), batch=2, dtype=dtype), (), grid_symmetries(
            self.in_type.gspace)

    def export(self) -> torch.nn.Module:
        """:class:`ScaleSpaceTripleProducts` with these weights fixed (buffers) and the running
        scale, in eval mode."""
        t = self.triple_products
        return ScaleSpaceTripleProducts(t.weight_mixing.detach().clone(), t.vector_mixing.detach().clone(),
                                        t.gradient_scales, t.weight_scales, t.running_rms.clone(), t.momentum).eval()

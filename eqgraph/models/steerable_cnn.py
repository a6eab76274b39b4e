"""SteerableCNN: a residual steerable CNN for images that also runs on the image's graph."""
from __future__ import annotations

from typing import Sequence

import torch

from ..fields import GeometricTensor
from ..group import O3Group, SO3Group
from ..gspaces import GSpace
from ..graph import grid_stencil
from .conv_block import ConvBlock
from .feature_fields import FeatureFields, named_gspace
from .grid_graph_blur import checked_sigma
from .grid_graph_pool import GridGraphPool
from .plain_handed_classifier import PlainHandedClassifier
from .readout import Readout
from .residual_block import ResidualBlock
from .saving import SavableModel

HEADS = ("invariant", "vector")


class SteerableCNN(SavableModel):
    r"""A residual steerable CNN on images, equivariant to the rotations (and reflections) of
    ``group`` and to translations. Stage :math:`s` holds ``channels[s]`` fields:

    .. math::
        \text{lift}_{k} \to \text{res}_0 \to \text{pool}_2 \to \text{conv}_3 \to \text{res}_1
        \to \dots \to \text{head},

    with regular fields, ``InnerBatchNorm`` and ReLU for finite groups (``"C8"``, ``"D4"``, ...),
    band-limited regular fields with a Fourier ELU for ``"SO2"``/``"O2"``, and 2x2 average
    pooling between stages (after a Gaussian blur with ``pooling="antialiased"``). Heads:

    - ``head="invariant"``: the maximum over each regular field (``GroupPooling``; a 1x1
      convolution onto invariant fields for continuous groups), the spatial mean and a linear
      layer: class logits ``[B, num_classes]``, invariant;
    - ``head="vector"``: a 1x1 convolution onto ``num_classes`` vector fields and the spatial
      mean: ``[B, num_classes, 2]`` vectors in the grid's frame (coordinate 0 along the rows,
      1 along the columns), rotating with the image (``atan2`` of one gives an orientation).

    The same weights run on graphs (:meth:`forward_graph`): an image's pixels, or a jittered or
    incomplete sample of them, at grid coordinates.

    Args:
        group: ``"C<N>"``, ``"D<N>"``, ``"SO2"``, ``"O2"`` or a 2D gspace.
        in_channels: input channels (trivial fields).
        num_classes: logits (or vectors) out.
        channels: fields per stage; the image side must be divisible by ``2 ** (len(channels) - 1)``.
        kernel_size: the first convolution's stencil (the others are 3).
        head: ``"invariant"`` or ``"vector"``.
        maximum_frequency: band limit for continuous groups.
        fourier_samples: group elements the Fourier ELU samples (None: its default).
        kernel_frequency: band limit of the convolution kernels' angular frequencies (None: the
            stencil's default); a low one gives smoother kernels, closer to equivariant under
            rotations off the grid.
        pooling: ``"average"`` or ``"antialiased"`` (:class:`GridGraphPool`): blurring before
            each pooling makes the network markedly more robust to rotations off the grid.
        handedness: with the invariant head, ``"SO3"`` or ``"O3"``: the logits also read
            invariants that change sign with a mirror image, so the model tells a shape from
            its mirror image while staying invariant under rotations. For O(3), a pseudo-scalar
            field per last-stage field (the backbone stays O(3)-equivariant, so a shape that is
            its own mirror image has none, up to the grid's sampling); for SO(3), triple products of
            the input's Gaussian-smoothed gradients (:class:`~eqgraph.nn.ScaleSpaceChirality`, widths
            of 1.5 to 4.5 voxels), which stay invariant under rotations off the grid's axes.
        feature_blur: the standard deviation in pixels (voxels) of a Gaussian blur of the input of
            every convolution after the first (:class:`GridGraphBlur`; None: no blur). The
            nonlinearities put high frequencies into the feature maps, which a 3x3 (3x3x3) stencil
            samples differently in every direction off the grid's axes; blurring them first keeps
            the trained network closer to invariant under those rotations (0.8: tetris voxels,
            see the README).

    Shapes:
        - **input:** :math:`(B, C_{in}, H, W)` (a tensor or a ``GeometricTensor``)
        - **output:** :math:`(B, \text{classes})` or :math:`(B, \text{classes}, 2)`
    """

    dimensionality = 2

    def __init__(self, group: str | GSpace = "C8", in_channels: int = 1, num_classes: int = 10,
                 channels: Sequence[int] = (8, 16, 32), kernel_size: int = 5, head: str = "invariant",
                 maximum_frequency: int = 3, fourier_samples: int | None = None, kernel_frequency: int | None = None,
                 pooling: str = "average", handedness: bool = False, feature_blur: float | None = None):
        super().__init__()
        if head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {head!r}")
        if not channels or any(not isinstance(c, int) or c < 1 for c in channels):
            raise ValueError(f"channels must be a non-empty list of positive field counts, got {channels!r}")
        for name, value in (("in_channels", in_channels), ("num_classes", num_classes)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if feature_blur is not None:
            checked_sigma(feature_blur, "feature_blur (a standard deviation in pixels, or None)")
        gs = named_gspace(group, self.dimensionality, maximum_frequency)
        self.config = dict(group=group, in_channels=in_channels,
                           num_classes=num_classes, channels=list(channels), kernel_size=kernel_size, head=head,
                           maximum_frequency=maximum_frequency, fourier_samples=fourier_samples,
                           kernel_frequency=kernel_frequency, pooling=pooling, handedness=handedness,
                           feature_blur=feature_blur)
        fields = FeatureFields(gs, fourier_samples)
        self.gspace, self.head_kind = gs, head
        self.in_type = gs.type(*[gs.trivial_repr] * in_channels)
        types = [fields.type(c) for c in channels]
        self.entries = torch.nn.ModuleList(
            [ConvBlock(self.in_type, types[0], kernel_size, fields, kernel_frequency=kernel_frequency)]
            + [ConvBlock(a, b, 3, fields, kernel_frequency=kernel_frequency, blur=feature_blur)
               for a, b in zip(types, types[1:])])
        self.residuals = torch.nn.ModuleList([ResidualBlock(t, 3, fields, kernel_frequency, feature_blur) for t in types])
        self.pools = torch.nn.ModuleList([GridGraphPool(t, pooling) for t in types[:-1]])
        reflections = isinstance(gs.fibergroup, O3Group)
        if handedness and not (reflections or isinstance(gs.fibergroup, SO3Group)):
            raise ValueError(f"handedness needs group 'SO3' or 'O3', got {gs.fibergroup.name}")
        self.readout = Readout(types[-1], fields, num_classes, head, self.in_type if handedness and not reflections else None,
                               pseudoscalars=handedness and reflections)

    @property
    def downsampling(self) -> int:
        return 2 ** len(self.pools)

    def forward(self, x: torch.Tensor | GeometricTensor) -> torch.Tensor:
        x = image = self._checked_image(x)
        for stage, (entry, residual) in enumerate(zip(self.entries, self.residuals)):
            if stage:
                x = self.pools[stage - 1](x)
            x = residual(entry(x))
        return self.readout(x, handed=image)  # the SO(3) handedness reads the input

    def forward_graph(self, x: torch.Tensor, pos: torch.Tensor, batch: torch.Tensor, image_shape: Sequence[int],
                      num_graphs: int | None = None) -> torch.Tensor:
        r"""The same network on points at pixel coordinates (``grid_positions`` of ``image_shape``:
        centred, spacing 1, coordinate 0 along the rows): stencil neighbourhoods from
        :func:`eqgraph.graph.grid_stencil` (sums rescaled where pixels are missing), pooling by
        :meth:`GridGraphPool.forward_graph`, means over each graph's nodes. On all the pixels of
        the images it gives :meth:`forward`'s output.

        Shapes:
            - **x:** :math:`(N, C_{in})`, **pos:** :math:`(N, 2)`, **batch:** :math:`(N,)`
            - **output:** as :meth:`forward`, with ``num_graphs`` (default ``batch.max() + 1``) rows
        """
        shape = self._checked_shape(tuple(int(s) for s in image_shape), "image_shape")
        if x.dim() != 2 or x.shape[1] != self.in_type.size or pos.shape != (x.shape[0], self.dimensionality):
            raise ValueError(f"forward_graph needs x [N, {self.in_type.size}] and pos [N, {self.dimensionality}], "
                             f"got x {tuple(x.shape)} and pos {tuple(pos.shape)}")
        if batch.shape != (x.shape[0],):
            raise ValueError(f"batch must be [N] = [{x.shape[0]}], got {tuple(batch.shape)}")
        num_graphs = int(batch.max()) + 1 if num_graphs is None else num_graphs
        h = nodes = GeometricTensor(x, self.in_type, pos)
        nodes_batch = batch
        for stage, (entry, residual) in enumerate(zip(self.entries, self.residuals)):
            if stage:
                h, batch, shape = self.pools[stage - 1].forward_graph(h, batch, shape)
            stencil = grid_stencil(h.coords, batch, shape, 1)  # the residual blocks' 3x3
            blur = residual.first.blur
            blur_stencil = None if blur is None else grid_stencil(h.coords, batch, shape, blur.half_width)
            half = entry.conv.half_width
            h = entry(h, stencil if half == 1 else grid_stencil(h.coords, batch, shape, half), blur_stencil)
            h = residual(h, stencil, blur_stencil)
        return self.readout(h, batch, num_graphs, handed=nodes, handed_batch=nodes_batch)

    def _checked_image(self, x) -> GeometricTensor:
        tensor = x.tensor if isinstance(x, GeometricTensor) else x
        if not isinstance(tensor, torch.Tensor) or tensor.dim() != self.dimensionality + 2:
            got = tuple(tensor.shape) if isinstance(tensor, torch.Tensor) else type(x).__name__
            raise ValueError(f"{type(self).__name__} takes [B, C, *spatial] with {self.dimensionality} spatial axes, "
                             f"got {got}")
        if tensor.shape[1] != self.in_type.size:
            raise ValueError(f"{type(self).__name__} was built for {self.in_type.size} input channels, "
                             f"got {tensor.shape[1]} (input shape {tuple(tensor.shape)})")
        self._checked_shape(tuple(tensor.shape[2:]), "the input's spatial shape")
        if isinstance(x, GeometricTensor):
            if x.type != self.in_type:
                raise ValueError(f"{type(self).__name__} expects fields of type {self.in_type}, got {x.type}")
            return x
        return GeometricTensor(tensor, self.in_type)

    def _checked_shape(self, shape: tuple, what: str) -> tuple:
        factor = self.downsampling
        if len(shape) != self.dimensionality or any(s < factor or s % factor for s in shape):
            raise ValueError(f"{what} must be {self.dimensionality} sizes divisible by {factor} (the {len(self.pools)} "
                             f"poolings by 2 of channels={self.config['channels']}), got {shape}")
        return shape

    def export(self) -> torch.nn.Module:
        """A plain PyTorch network of ``Conv2d``, ``BatchNorm2d``, activations and pooling with the
        same outputs as this model in eval mode, in eval mode, with no dependence on eqgraph."""
        layers = []
        for stage, (entry, residual) in enumerate(zip(self.entries, self.residuals)):
            if stage:
                layers.append(self.pools[stage - 1].export())
            layers += [entry.export(), residual.export()]
        head = self.readout
        if head.handedness is None:
            return torch.nn.Sequential(*layers, head.export()).eval()
        return PlainHandedClassifier(torch.nn.Sequential(*layers, *head.export_mean(head.features)),
                                     head.handedness.export(), head.linear).eval()


class SteerableCNN3d(SteerableCNN):
    r""":class:`SteerableCNN` on voxel grids: the same residual stages, heads, export and graph
    path, equivariant to the rotations (and reflections) of ``group``: ``"SO3"``, ``"O3"``
    (band-limited regular fields with a Fourier ELU), ``"octa"``, ``"fullocta"``, ``"ico"``,
    ``"fullico"`` (regular fields) or a 3D gspace. The vector head gives ``[B, classes, 3]``.

    Shapes:
        - **input:** :math:`(B, C_{in}, D, H, W)`
        - **output:** :math:`(B, \text{classes})` or :math:`(B, \text{classes}, 3)`
    """

    dimensionality = 3

    def __init__(self, group: str | GSpace = "SO3", in_channels: int = 1, num_classes: int = 10,
                 channels: Sequence[int] = (4, 8), kernel_size: int = 3, head: str = "invariant",
                 maximum_frequency: int = 1, fourier_samples: int | None = None, kernel_frequency: int | None = None,
                 pooling: str = "average", handedness: bool = False, feature_blur: float | None = None):
        super().__init__(group, in_channels, num_classes, channels, kernel_size, head, maximum_frequency, fourier_samples,
                         kernel_frequency, pooling, handedness, feature_blur)

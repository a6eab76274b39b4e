"""Interaction blocks of the atomistic models: convolution, symmetric products, self-connection, gate."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from ..fields import FieldType, GeometricTensor
from ..group import directsum
from ..kernels import RadialProfile
from ..nn import ChannelwisePointConv, ElementwiseTensorProduct, Gate, Linear, R3PointConv, TensorProductModule
from ..nn.conv import EdgeGeometry
from .exported_interaction import ExportedInteraction
from .exported_symmetric_product import ExportedSymmetricProduct

INTERACTIONS = ("channelwise", "full")


def hidden_irreps_string(channels: int, lmax: int) -> str:
    """``channels`` copies of every degree up to ``lmax`` with parity ``(-1)^l``: ``"Cx0e+Cx1o+Cx2e"``."""
    return "+".join(f"{channels}x{l}{'e' if l % 2 == 0 else 'o'}" for l in range(lmax + 1))


def hidden_types(gspace, irreps: str) -> tuple[FieldType, FieldType, FieldType | None, FieldType | None]:
    """``(hidden, scalars, gates, gated)``: the hidden type of e3nn ``irreps`` (scalars ``0e``
    first) and the parts of the gate that produces it."""
    hidden = FieldType.from_e3nn(irreps, gspace)
    trivial = gspace.trivial_repr
    count = next((k for k, rep in enumerate(hidden.representations) if rep != trivial), len(hidden))
    if count == 0 or any(rep == trivial for rep in hidden.representations[count:]):
        raise ValueError(f"hidden irreps must start with the invariant scalars (0e) and hold no other, got {irreps!r}")
    scalars = hidden.index_select(range(count))
    if count == len(hidden):
        return hidden, scalars, None, None
    gated = hidden.index_select(range(count, len(hidden)))
    return hidden, scalars, FieldType(gspace, [trivial] * len(gated)), gated


class SymmetricProduct(torch.nn.Module):
    r"""Higher body order from the aggregated features A (MACE's product basis), channel by channel:

    .. math::
        B_1 = A, \qquad B_\nu = W_\nu\big(B_{\nu - 1} \otimes_{c} A\big), \qquad \text{out} = \sum_\nu B_\nu,

    where :math:`\otimes_c` is the tensor product of each channel's fields with the same channel's
    fields of A (:class:`eqgraph.nn.ElementwiseTensorProduct`) and :math:`W_\nu` an equivariant
    :class:`eqgraph.nn.Linear` back to A's type. ``correlation`` is the highest :math:`\nu`.
    """

    def __init__(self, feature_type: FieldType, correlation: int):
        super().__init__()
        gspace = feature_type.gspace
        per_channel = list(dict.fromkeys(feature_type.representations))  # one of each irrep, in order
        channels, uneven = divmod(len(feature_type), len(per_channel))
        if uneven or list(feature_type.representations) != [r for r in per_channel for _ in range(channels)]:
            raise ValueError(f"symmetric products (correlation > 1) need as many copies of every irrep, irrep by irrep; "
                             f"got {feature_type}")
        sizes = [r.size for r in per_channel]
        starts = np.cumsum([0] + [channels * s for s in sizes])
        order = [starts[k] + u * s + c for u in range(channels) for k, s in enumerate(sizes) for c in range(s)]
        self.register_buffer("channel_major", torch.as_tensor(order), persistent=False)
        self.register_buffer("field_major", torch.as_tensor(np.argsort(order)), persistent=False)
        self.feature_type = feature_type
        self.channel_type = FieldType(gspace, [directsum(per_channel)] * channels)
        self.products = torch.nn.ModuleList()
        self.mixers = torch.nn.ModuleList()
        for _ in range(2, correlation + 1):
            product = ElementwiseTensorProduct(self.channel_type, self.channel_type)
            self.products.append(product)
            self.mixers.append(Linear(product.out_type, self.channel_type, bias=False))

    def forward(self, a: GeometricTensor) -> GeometricTensor:
        first = GeometricTensor(a.tensor.index_select(1, self.channel_major), self.channel_type, a.coords)
        term, total = first, first.tensor
        for product, mixer in zip(self.products, self.mixers):
            term = mixer(product(term, first))
            total = total + term.tensor
        return GeometricTensor(total.index_select(1, self.field_major), self.feature_type, a.coords)

    def export(self) -> torch.nn.Module:
        """The same on plain tensors ``[N, c]``."""
        return ExportedSymmetricProduct(self)


class InteractionBlock(torch.nn.Module):
    r"""One message-passing layer of :class:`EquivariantPotential`:

    .. math::
        m_i = \frac{1}{\sqrt{n}} \sum_j K(x_j - x_i)\, W_{up} h_j, \qquad
        h_i' = \mathrm{Gate}\big(W_{down}\, P(m_i) + S_{z_i} h_i\big) \;[+\, h_i],

    with K a :class:`~eqgraph.nn.ChannelwisePointConv` (``"channelwise"``) or an
    :class:`~eqgraph.nn.R3PointConv` (``"full"``), P the identity or a :class:`SymmetricProduct`
    (``correlation`` > 1), :math:`S_z` a species-dependent linear self-connection and a residual
    where the input and output types agree.
    """

    def __init__(self, in_type: FieldType, hidden_irreps: str, lmax: int, species_type: FieldType, radial: RadialProfile,
                 radial_mlp: Sequence[int], interaction: str, correlation: int):
        super().__init__()
        gspace = in_type.gspace
        hidden, scalars, gates, gated = hidden_types(gspace, hidden_irreps)
        gate_in = scalars if gates is None else scalars + gates + gated
        self.linear_up = Linear(in_type, in_type)
        if interaction == "channelwise":
            self.conv = ChannelwisePointConv(in_type, out_irreps=list(dict.fromkeys(hidden.representations)), radial=radial,
                                             radial_mlp=radial_mlp, maximum_frequency=lmax)
        else:
            self.conv = R3PointConv(in_type, hidden, radial=radial, radial_mlp=tuple(radial_mlp), maximum_frequency=lmax,
                                    bias=False)
        if correlation > 1:
            self.to_features = Linear(self.conv.out_type, hidden, bias=False)
            self.product = SymmetricProduct(hidden, correlation)
            self.linear_down = Linear(hidden, gate_in)
        else:
            self.to_features = self.product = None
            self.linear_down = Linear(self.conv.out_type, gate_in)
        self.self_connection = TensorProductModule(in_type, species_type, gate_in)
        self.gate = Gate(scalars, gates, gated) if gates is not None else None
        self.out_type = hidden
        self.residual = in_type == hidden

    def forward(self, h: GeometricTensor, species: GeometricTensor, edge_index: torch.Tensor, geometry: EdgeGeometry,
                normalization: torch.Tensor) -> GeometricTensor:
        m = self.conv(self.linear_up(h), edge_index, geometry=geometry)
        m = GeometricTensor(m.tensor * normalization, m.type, m.coords)
        if self.product is not None:
            m = self.product(self.to_features(m))
        x = self.linear_down(m) + self.self_connection(h, species)
        out = self.gate(x) if self.gate is not None else GeometricTensor(torch.nn.functional.silu(x.tensor), x.type, x.coords)
        return out + h if self.residual else out

    def export(self, normalization: torch.Tensor) -> torch.nn.Module:
        """The block on plain tensors, its messages multiplied by ``normalization``."""
        return ExportedInteraction(self, normalization)

"""Small networks assembled only from public modules: invariant outputs, and they learn."""
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.graph import radius_graph
from eqgraph.nn import (
    GlobalPool,
    GroupPooling,
    InnerBatchNorm,
    Linear,
    NormNonLinearity,
    PointwiseAdaptiveAvgPool,
    PointwiseAvgPool,
    R2Conv,
    R3PointConv,
    ReLU,
    SequentialModule,
)
from eqgraph.testing import grid_symmetries, random_elements


def c8_cnn():
    gs = gspaces.rot2dOnR2(8)
    image, hidden = gs.type(gs.trivial_repr), gs.type(*[gs.regular_repr] * 4)
    features = SequentialModule(
        R2Conv(image, hidden, 5, padding=2), InnerBatchNorm(hidden), ReLU(hidden), PointwiseAvgPool(hidden, 2),
        R2Conv(hidden, hidden, 3, padding=1), InnerBatchNorm(hidden), ReLU(hidden),
        GroupPooling(hidden), PointwiseAdaptiveAvgPool(gs.type(*[gs.trivial_repr] * 4), 1),
    )
    return image, features, torch.nn.Linear(4, 2)


def blobs(n, generator):
    """Noise images; class 1 also holds an elongated bright blob at a random angle."""
    x = torch.randn(n, 1, 16, 16, generator=generator) * 0.5
    labels = torch.randint(0, 2, (n,), generator=generator)
    axis = torch.arange(16) - 7.5
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    for i in torch.nonzero(labels).flatten():
        angle = torch.rand(1, generator=generator) * torch.pi
        u = xx * torch.cos(angle) + yy * torch.sin(angle)
        v = -xx * torch.sin(angle) + yy * torch.cos(angle)
        x[i, 0] += 2 * torch.exp(-(u / 4) ** 2 - (v / 1.5) ** 2)
    return x, labels


def test_c8_cnn_is_invariant_and_learns():
    image, features, head = c8_cnn()
    generator = torch.Generator().manual_seed(0)
    x, labels = blobs(64, generator)
    features.eval()
    with torch.no_grad():
        out = features(image(x[:4])).tensor.flatten(1)
        for g in grid_symmetries(image.gspace):
            moved = features(image(x[:4]).transform(g)).tensor.flatten(1)
            assert (moved - out).abs().max() < 1e-4
    features.train()
    optimizer = torch.optim.Adam(list(features.parameters()) + list(head.parameters()), lr=0.01)
    losses = []
    for _ in range(25):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(head(features(image(x)).tensor.flatten(1)), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.6 * losses[0]


class PointNetwork(torch.nn.Module):
    """Two O(3) point convolutions, a norm nonlinearity, a mean read-out per graph, a linear map."""

    def __init__(self):
        super().__init__()
        gs = gspaces.flipRot3dOnR3()
        self.scalar = FieldType.from_e3nn("1x0e", gs)
        hidden = FieldType.from_e3nn("8x0e+4x1o+2x2e", gs)
        invariants = FieldType.from_e3nn("8x0e", gs)
        self.first = R3PointConv(self.scalar, hidden, cutoff=2.0, aggr="mean")
        self.gate = NormNonLinearity(hidden)
        self.second = R3PointConv(hidden, invariants, cutoff=2.0, aggr="mean")
        self.pool = GlobalPool(invariants, "mean")
        self.head = Linear(invariants, self.scalar)

    def forward(self, pos, batch, graphs):
        x = GeometricTensor(torch.ones(pos.shape[0], 1), self.scalar, pos)
        edges = radius_graph(pos, 2.0, batch)
        geometry = self.first.edge_geometry(x, edges)
        h = self.second(self.gate(self.first(x, edges, geometry=geometry)), edges, geometry=geometry)
        return self.head(self.pool(h, batch, graphs)).tensor.squeeze(1)


def clouds(n_graphs, generator):
    """Random clouds of 12 points with random spreads; the target is the radius of gyration."""
    spread = 0.5 + torch.rand(n_graphs, 1, 1, generator=generator)
    pos = (torch.randn(n_graphs, 12, 3, generator=generator) * spread)
    target = (pos - pos.mean(1, keepdim=True)).square().sum(-1).mean(1).sqrt()
    return pos.reshape(-1, 3), torch.arange(n_graphs).repeat_interleave(12), target


def test_o3_point_network_is_invariant_and_learns():
    model = PointNetwork()
    pos, batch, target = clouds(32, torch.Generator().manual_seed(1))
    with torch.no_grad():
        out = model(pos, batch, 32)
        for g in random_elements(model.scalar.fibergroup, 5, generator=0):
            rotation = torch.as_tensor(model.scalar.gspace.action_matrix(g), dtype=pos.dtype)
            assert (model(pos @ rotation.T + torch.randn(3), batch, 32) - out).abs().max() < 1e-4
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(40):
        optimizer.zero_grad()
        loss = (model(pos, batch, 32) - target).square().mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.3 * losses[0]

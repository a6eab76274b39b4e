"""EquivariantModule basics and the equivariance checker."""
import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.nn import EquivariantModule, IdentityModule, SequentialModule
from eqgraph.testing import assert_equivariant, random_elements, random_input


class ScaleScalars(EquivariantModule):
    """Multiplies every channel by a learnable scalar per field: equivariant for any type."""

    def __init__(self, in_type):
        super().__init__()
        self.in_type = self.out_type = in_type
        self.weight = torch.nn.Parameter(torch.randn(len(in_type)))
        self.register_buffer("index", torch.repeat_interleave(torch.arange(len(in_type)), torch.tensor([r.size for r in in_type])))

    def forward(self, x):
        self.check_type(x)
        shape = (1, -1) + (1,) * (x.tensor.dim() - 2)
        return GeometricTensor(x.tensor * self.weight[self.index].view(shape), self.out_type, x.coords)

    def evaluate_output_shape(self, input_shape):
        return input_shape


class ChannelwiseReLU(ScaleScalars):
    """ReLU on every channel: not equivariant on a vector field."""

    def forward(self, x):
        return GeometricTensor(torch.relu(x.tensor), self.out_type, x.coords)


@pytest.fixture
def o3_type():
    return FieldType.from_e3nn("2x0e+2x1o+1x2e", gspaces.flipRot3dOnR3())


def test_identity_and_sequential_are_equivariant(o3_type, float64):
    model = SequentialModule(IdentityModule(o3_type), ScaleScalars(o3_type), ScaleScalars(o3_type))
    results = assert_equivariant(model, atol=1e-10)
    assert len(results) == len(o3_type.fibergroup.testing_elements())
    assert max(error for _, error in results) < 1e-10
    assert model.evaluate_output_shape((7, o3_type.size)) == (7, o3_type.size)
    assert len(model) == 3 and isinstance(model[1], ScaleScalars)


def test_checker_catches_a_broken_module(o3_type, float64):
    with pytest.raises(AssertionError, match="not equivariant"):
        assert_equivariant(ChannelwiseReLU(o3_type))


def test_grid_equivariance_with_pixel_symmetries(float64):
    gs = gspaces.flipRot2dOnR2(4)
    ft = FieldType(gs, [gs.regular_repr, gs.irrep(1, 1)])
    module = ScaleScalars(ft)
    x = random_input(ft, spatial_shape=(7, 7))
    results = module.check_equivariance(input=x, atol=1e-12)
    assert len(results) == 8
    with pytest.raises(AssertionError):
        assert_equivariant(ChannelwiseReLU(ft), input=x)


def test_random_elements_and_inputs():
    group = gspaces.rot3dOnR3().fibergroup
    assert len(random_elements(group, 3, generator=0)) == 3
    assert random_elements(group, 2, generator=5)[1] == random_elements(group, 2, generator=5)[1]
    ft = FieldType.from_e3nn("1x1o", gspaces.rot3dOnR3())
    x = random_input(ft, points=4, dtype=torch.float64)
    assert x.shape == (4, 3) and x.coords.shape == (4, 3) and x.tensor.dtype == torch.float64


def test_sequential_checks_types(o3_type):
    other = FieldType.from_e3nn("1x0e", gspaces.flipRot3dOnR3())
    with pytest.raises(ValueError, match="expects input of type"):
        SequentialModule(IdentityModule(o3_type), IdentityModule(other))
    with pytest.raises(TypeError, match="EquivariantModule"):
        SequentialModule(torch.nn.ReLU())
    model = IdentityModule(o3_type)
    with pytest.raises(ValueError, match="expects input of type"):
        model(other(torch.randn(2, 1)))
    with pytest.raises(TypeError, match="GeometricTensor"):
        model(torch.randn(2, o3_type.size))


def test_export(o3_type):
    exported = SequentialModule(IdentityModule(o3_type), IdentityModule(o3_type)).export()
    x = torch.randn(3, o3_type.size)
    assert isinstance(exported, torch.nn.Sequential) and torch.equal(exported(x), x)
    with pytest.raises(NotImplementedError, match="ScaleScalars cannot be exported"):
        ScaleScalars(o3_type).export()

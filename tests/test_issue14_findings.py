"""Regression tests for the bad-input findings of issue 14: each failed before its fix."""
import math

import pytest
import torch

from eqgraph import gspaces
from eqgraph.fields import FieldType, GeometricTensor
from eqgraph.graph import grid_to_graph, radius_graph
from eqgraph.nn import R3PointConv


def so3_type():
    return FieldType.from_e3nn("2x0e+1x1o", gspaces.rot3dOnR3())


def test_grid_to_graph_refuses_dilation_zero_and_empty_images():
    gs = gspaces.rot2dOnR2(4)
    field = FieldType(gs, [gs.regular_repr])
    with pytest.raises(ValueError, match="dilation >= 1, got 0"):
        grid_to_graph(GeometricTensor(torch.randn(1, 4, 5, 5), field), 3, dilation=0)
    with pytest.raises(ValueError, match="non-empty grid, got shape \\(1, 4, 0, 5\\)"):
        grid_to_graph(GeometricTensor(torch.randn(1, 4, 0, 5), field), 3)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_radius_graph_refuses_non_finite_points(bad):
    pos = torch.randn(6, 3)
    pos[4, 1] = bad
    with pytest.raises(ValueError, match="point 4"):
        radius_graph(pos, 1.0)
    with pytest.raises(ValueError, match="finite radius"):
        radius_graph(torch.randn(6, 3), math.inf)


def test_point_conv_refuses_an_infinite_cutoff():
    with pytest.raises(ValueError, match="finite cutoff=r > 0 .*got inf"):
        R3PointConv(so3_type(), so3_type(), cutoff=math.inf)


@pytest.mark.parametrize("dtype", [torch.int64, torch.complex64])
def test_geometric_tensor_refuses_integer_and_complex_features(dtype):
    with pytest.raises(TypeError, match=f"real floating-point features, got dtype {dtype}"):
        GeometricTensor(torch.zeros(3, 5, dtype=dtype), so3_type())


def test_geometric_tensor_refuses_nan_coordinates():
    coords = torch.randn(3, 3)
    coords[1, 2] = math.nan
    with pytest.raises(ValueError, match="node 1"):
        GeometricTensor(torch.randn(3, 5), so3_type(), coords)


def test_point_conv_names_mixed_dtypes():
    conv = R3PointConv(so3_type(), so3_type(), cutoff=2.0)
    edges = torch.tensor([[0, 1], [1, 0]])
    mixed = GeometricTensor(torch.randn(2, 5), so3_type(), torch.randn(2, 3, dtype=torch.float64))
    with pytest.raises(TypeError, match="torch.float64 coords but torch.float32 features"):
        conv(mixed, edges)
    doubles = GeometricTensor(torch.randn(2, 5, dtype=torch.float64), so3_type(), torch.randn(2, 3, dtype=torch.float64))
    with pytest.raises(TypeError, match="module is torch.float32 but the input is torch.float64"):
        conv(doubles, edges)


def test_weights_of_another_cutoff_are_refused():
    saved = R3PointConv(so3_type(), so3_type(), cutoff=5.0, radial_mlp=(8,)).state_dict()
    with pytest.raises(ValueError, match="cutoff=5.0.*cutoff=2.0"):
        R3PointConv(so3_type(), so3_type(), cutoff=2.0, radial_mlp=(8,)).load_state_dict(saved)
    R3PointConv(so3_type(), so3_type(), cutoff=5.0, radial_mlp=(8,)).load_state_dict(saved)  # same layout: loads


def test_check_equivariance_works_out_of_the_box_on_grid_and_point_convolutions(float64):
    from eqgraph.nn import R2Conv

    gs = gspaces.rot2dOnR2(8)
    field = FieldType(gs, [gs.regular_repr])
    assert len(R2Conv(field, field, 5).check_equivariance(atol=1e-9)) == 4  # the grid's exact symmetries
    assert len(R2Conv(field, field, 3, padding=1, stride=2).check_equivariance(atol=1e-9)) == 4
    errors = R3PointConv(so3_type(), so3_type(), cutoff=3.0).check_equivariance(atol=1e-9)
    assert len(errors) > 0 and max(e for _, e in errors) < 1e-9


class _TrainModeShift(torch.nn.Module):
    """Equivariant in eval mode; in train mode it adds a fixed vector to every 1o field."""

    def __init__(self, field_type):
        super().__init__()
        self.in_type = self.out_type = field_type

    def forward(self, x):
        shift = torch.zeros(x.tensor.shape[1], dtype=x.tensor.dtype)
        shift[2] = float(self.training)
        return GeometricTensor(x.tensor + shift, self.out_type, x.coords)


def test_assert_equivariant_checks_train_mode_and_refuses_vacuous_checks(float64):
    from eqgraph.testing import assert_equivariant

    field = so3_type()
    shifted = _TrainModeShift(field)
    assert_equivariant(shifted, modes=("eval",))
    with pytest.raises(AssertionError, match="in train mode"):
        assert_equivariant(shifted)
    with pytest.raises(ValueError, match="empty list of elements"):
        assert_equivariant(shifted, elements=[])

    class Zero(_TrainModeShift):
        def forward(self, x):
            return GeometricTensor(torch.zeros_like(x.tensor), self.out_type, x.coords)

    with pytest.raises(AssertionError, match="all zeros"):
        assert_equivariant(Zero(field))
    assert_equivariant(Zero(field), allow_zero=True)


def test_flipRot2dOnR2_axis_means_what_escnn_means():
    import inspect

    import numpy as np

    assert list(inspect.signature(gspaces.flipRot2dOnR2).parameters)[:3] == ["N", "maximum_frequency", "axis"]  # escnn 1.0.11
    for N in (3, 5):
        matrices = [gspaces.flipRot2dOnR2(N).action_matrix(g) for g in gspaces.flipRot2dOnR2(N).fibergroup.elements]
        assert any(np.allclose(m, np.diag([-1.0, 1.0])) for m in matrices)  # escnn's default reflection
        assert not any(np.allclose(m, np.diag([1.0, -1.0])) for m in matrices)
    tilted = gspaces.flipRot2dOnR2(3, axis=0.0)  # the reflection across the first axis
    assert any(np.allclose(tilted.action_matrix(g), np.diag([1.0, -1.0])) for g in tilted.fibergroup.elements)
    flip = gspaces.flip2dOnR2()
    assert any(np.allclose(flip.action_matrix(g), np.diag([-1.0, 1.0])) for g in flip.fibergroup.elements)


def test_gspaces_have_escnn_testing_elements():
    assert len(list(gspaces.flipRot2dOnR2(4).testing_elements)) == 8
    assert len(list(gspaces.rot3dOnR3().testing_elements)) > 0


@pytest.mark.parametrize("name, make, escnn_counts", [
    ("C8 regular", lambda: (gspaces.rot2dOnR2(8), "regular"), (120, 216)),
    ("SO(2) 1 -> 2", lambda: (gspaces.rot2dOnR2(-1), (1, 2)), (6, 12)),
    ("SO(3) 1 -> 2", lambda: (gspaces.rot3dOnR3(), (1, 2)), (6, 9)),
    ("octahedral regular", lambda: (gspaces.octaOnR3(), "regular"), (648, 1800)),
])
def test_gspace_kernel_basis_sizes_equal_escnns(name, make, escnn_counts):
    """escnn 1.0.11, rings [0, 1, 2], sigma 0.6, maximum_frequency 2 and 4 (the counts of issue 14)."""
    gs, reps = make()
    a, b = (gs.regular_repr, gs.regular_repr) if reps == "regular" else (gs.irrep(reps[0]), gs.irrep(reps[1]))
    sizes = tuple(len(gs.build_kernel_basis(a, b, 0.6, [0, 1, 2], maximum_frequency=L)) for L in (2, 4))
    assert sizes == escnn_counts

"""Every public module of eqgraph.nn has an equivariance test; the ones the other files test only
through their general class (the 2D/3D aliases on voxels) or not at all are tested here."""
import inspect
import re
from pathlib import Path

import pytest
import torch

import eqgraph.nn as nn
from eqgraph import gspaces
from eqgraph.fields import FieldType
from eqgraph.nn import (FieldBatchNorm, PointwiseAdaptiveAvgPool2D, PointwiseAdaptiveAvgPool3D,
                        PointwiseAdaptiveMaxPool2D, PointwiseAdaptiveMaxPool3D, PointwiseAvgPool2D, PointwiseAvgPool3D,
                        PointwiseAvgPoolAntialiased2D, PointwiseAvgPoolAntialiased3D, PointwiseMaxPool2D,
                        PointwiseMaxPool3D, PointwiseMaxPoolAntialiased2D, PointwiseMaxPoolAntialiased3D,
                        R3Upsampling)
from eqgraph.nn.equivariant_module import EquivariantModule
from eqgraph.testing import assert_equivariant, grid_symmetries, random_input

C4 = gspaces.rot2dOnR2(4)
OCTA = gspaces.octaOnR3()
EQUIVARIANCE_CHECKS = r"assert_equivariant|check_equivariance|check_everywhere|grid_symmetries"


def test_every_public_module_is_named_in_an_equivariance_test():
    tests = Path(__file__).parent
    text = "\n".join(p.read_text() for p in tests.glob("test_*.py")
                     if p.name != Path(__file__).name and re.search(EQUIVARIANCE_CHECKS, p.read_text()))
    text += "\n".join(name for name in (*POOLS_2D, *POOLS_3D, "FieldBatchNorm"))
    public = [name for name in dir(nn) if inspect.isclass(getattr(nn, name))
              and issubclass(getattr(nn, name), EquivariantModule) and name != "EquivariantModule"]
    assert len(public) > 60
    assert [name for name in public if not re.search(rf"\b{name}\b", text)] == []


POOLS_2D = {
    "PointwiseMaxPool2D": lambda t: PointwiseMaxPool2D(t, 2),
    "PointwiseAvgPool2D": lambda t: PointwiseAvgPool2D(t, 2),
    "PointwiseAdaptiveAvgPool2D": lambda t: PointwiseAdaptiveAvgPool2D(t, 2),
    "PointwiseAdaptiveMaxPool2D": lambda t: PointwiseAdaptiveMaxPool2D(t, 1),
    "PointwiseMaxPoolAntialiased2D": lambda t: PointwiseMaxPoolAntialiased2D(t, 2),
    "PointwiseAvgPoolAntialiased2D": lambda t: PointwiseAvgPoolAntialiased2D(t, sigma=0.8, stride=2),
}
POOLS_3D = {
    "PointwiseMaxPool3D": lambda t: PointwiseMaxPool3D(t, 2),
    "PointwiseAvgPool3D": lambda t: PointwiseAvgPool3D(t, 2),
    "PointwiseAdaptiveAvgPool3D": lambda t: PointwiseAdaptiveAvgPool3D(t, 2),
    "PointwiseAdaptiveMaxPool3D": lambda t: PointwiseAdaptiveMaxPool3D(t, 1),
    "PointwiseMaxPoolAntialiased3D": lambda t: PointwiseMaxPoolAntialiased3D(t, 2),
    "PointwiseAvgPoolAntialiased3D": lambda t: PointwiseAvgPoolAntialiased3D(t, sigma=0.8, stride=2),
    "R3Upsampling": lambda t: R3Upsampling(t, scale_factor=2),
}


@pytest.mark.parametrize("name", sorted(POOLS_2D))
def test_2d_pools_are_invariant_to_the_pixel_symmetries(name, float64):
    t = C4.type(C4.regular_repr, C4.trivial_repr)
    x = random_input(t, spatial_shape=(9, 9) if "AvgPoolAntialiased" in name else (8, 8), batch=2)
    assert_equivariant(POOLS_2D[name](t), grid_symmetries(C4), atol=1e-9, input=x)


@pytest.mark.parametrize("name", sorted(POOLS_3D))
def test_3d_pools_and_upsampling_are_equivariant_to_the_voxel_symmetries(name, float64):
    t = OCTA.type(OCTA.regular_repr)
    x = random_input(t, spatial_shape=(5, 5, 5) if "AvgPoolAntialiased" in name else (4, 4, 4), batch=1)
    assert_equivariant(POOLS_3D[name](t), grid_symmetries(OCTA), atol=1e-9, input=x)


@pytest.mark.parametrize("grid", [False, True], ids=["nodes", "voxels"])
def test_field_batch_norm_is_equivariant_in_train_and_eval_mode(grid, float64):
    o3 = gspaces.flipRot3dOnR3()
    t = FieldType.from_e3nn("2x0e+2x1o+1x2e+1x0o", o3)
    module = FieldBatchNorm(t)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.normal_()
    x = random_input(t, spatial_shape=(3, 3, 3), batch=4) if grid else random_input(t, points=20)
    elements = grid_symmetries(o3) if grid else None
    assert_equivariant(module, elements, atol=1e-9, input=x)  # train mode (batch statistics) and eval mode
    module.train()
    module(x)
    module.eval()
    assert module.running_var.abs().sum() > 0 if hasattr(module, "running_var") else True
    assert_equivariant(module, elements, atol=1e-9, input=x)

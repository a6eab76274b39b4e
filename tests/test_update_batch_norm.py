"""update_batch_norm: running statistics recomputed at the final weights."""
import copy

import pytest
import torch

from eqgraph import gspaces
from eqgraph.models import SteerableCNN, SteerableCNN3d
from eqgraph.nn import IIDBatchNorm, update_batch_norm


def _lagging_model():
    """A model whose running statistics are those of other weights (as after unsteady training)."""
    torch.manual_seed(0)
    model = SteerableCNN("C4", num_classes=3, channels=(2, 2)).double()
    images = torch.randn(16, 1, 8, 8, dtype=torch.float64)
    with torch.no_grad():
        model(images)  # training-mode pass: running statistics of these weights
        for p in model.parameters():
            p.mul_(1 + 0.5 * torch.randn_like(p))
    return model, images


def _relative(a, b):
    return ((a - b).norm() / b.norm()).item()


def test_eval_output_matches_training_mode_after_update():
    model, images = _lagging_model()
    with torch.no_grad():
        batch_statistics = copy.deepcopy(model).train()(images)
        model.eval()
        assert _relative(model(images), batch_statistics) > 0.1  # the lag this fixes
        assert update_batch_norm(model, [images]) == 1
        # equal up to the running variance's unbiased factor count / (count - 1)
        assert _relative(model(images), batch_statistics) < 5e-3
    assert not model.training  # the mode it had


def test_cumulative_over_batches_and_momentum_restored():
    model, images = _lagging_model()
    norms = [m for m in model.modules() if isinstance(m, IIDBatchNorm)]
    momenta = [m.momentum for m in norms]
    update_batch_norm(model, [images[:2], images[2:]])
    assert [m.momentum for m in norms] == momenta and model.training
    whole = copy.deepcopy(model)
    update_batch_norm(whole, [images])
    for a, b in zip(norms, [m for m in whole.modules() if isinstance(m, IIDBatchNorm)]):
        # the average of two half-batch means is the whole batch's mean
        torch.testing.assert_close(a.running_mean, b.running_mean, rtol=1e-10, atol=1e-12)


def test_the_handedness_scale_is_recomputed_too():
    """SteerableCNN3d(handedness=True) normalises its ScaleSpaceChirality invariants by a running
    root mean square: recomputed with the batch norms, so eval mode matches training mode."""
    torch.manual_seed(0)
    model = SteerableCNN3d("SO3", num_classes=3, channels=(2,), handedness=True).double()
    volumes = torch.randn(6, 1, 8, 8, 8, dtype=torch.float64)
    scale = model.readout.handedness.triple_products
    with torch.no_grad():
        model(volumes)
        scale.running_rms.mul_(1e3)  # a scale that lags, as after unsteady training
        batch_statistics = copy.deepcopy(model).train()(volumes)
        update_batch_norm(model, [volumes])
        assert scale.momentum == 0.1
        model.eval()
        assert _relative(model(volumes), batch_statistics) < 5e-3


def test_torch_batch_norms_as_torch_update_bn():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.ReLU(),
                                torch.nn.Conv2d(3, 2, 3), torch.nn.BatchNorm2d(2))
    batches = [torch.randn(5, 1, 9, 9) for _ in range(3)]
    reference = copy.deepcopy(model)
    torch.optim.swa_utils.update_bn(batches, reference)
    update_batch_norm(model, batches)
    for a, b in zip(model.modules(), reference.modules()):
        if isinstance(a, torch.nn.BatchNorm2d):
            torch.testing.assert_close(a.running_mean, b.running_mean)
            torch.testing.assert_close(a.running_var, b.running_var)


def test_bad_input_is_refused_before_any_change():
    gs = gspaces.rot2dOnR2(4)
    field_type = gs.type(gs.regular_repr)
    with pytest.raises(ValueError, match="no batches"):
        update_batch_norm(IIDBatchNorm(field_type), [])
    with pytest.raises(ValueError, match="0 batch norms"):
        update_batch_norm(torch.nn.Linear(2, 2), [torch.randn(3, 2)])
    with pytest.raises(ValueError, match="without running statistics"):
        update_batch_norm(torch.nn.BatchNorm1d(2, track_running_stats=False), [torch.randn(3, 2)])

"""batch_norm_training: the batch statistics and gradients of torch's batch_norm, from vectorised sums."""
import pytest
import torch
import torch.nn.functional as F

import eqgraph.nn.normalization.field_batch_norm as field_batch_norm
from eqgraph import gspaces
from eqgraph.nn import InnerBatchNorm
from eqgraph.nn.normalization.fast_batch_norm import batch_norm_training, batch_norm_training_applies


def _inputs(affine: bool, shape=(4, 3, 10), seed=0):
    generator = torch.Generator().manual_seed(seed)
    x = (torch.randn(*shape, generator=generator, dtype=torch.float64) * 2 + 5).requires_grad_()
    if not affine:
        return x, None, None
    weight = (torch.rand(shape[1], generator=generator, dtype=torch.float64) + 0.5).requires_grad_()
    bias = torch.randn(shape[1], generator=generator, dtype=torch.float64).requires_grad_()
    return x, weight, bias


@pytest.mark.parametrize("affine", [True, False])
def test_outputs_statistics_and_gradients_match_batch_norm(affine):
    x, weight, bias = _inputs(affine)
    out, mean, var = batch_norm_training(x, weight, bias, 1e-5)
    reference = F.batch_norm(x, None, None, weight, bias, True, 0.0, 1e-5)
    assert torch.allclose(out, reference, atol=1e-12)
    assert torch.allclose(mean, x.mean((0, 2)), atol=1e-12)
    assert torch.allclose(var, x.var((0, 2), unbiased=False), atol=1e-12)
    inputs = [t for t in (x, weight, bias) if t is not None]
    grad_out = torch.randn_like(out)
    grads = torch.autograd.grad(out, inputs, grad_out)
    expected = torch.autograd.grad(reference, inputs, grad_out)
    assert all(torch.allclose(a, b, atol=1e-10) for a, b in zip(grads, expected))


@pytest.mark.parametrize("affine", [True, False])
def test_first_and_second_derivatives_of_every_output(affine):
    x, weight, bias = _inputs(affine)
    inputs = tuple(t for t in (x, weight, bias) if t is not None)

    def normalise(*args):
        x, weight, bias = args if affine else (args[0], None, None)
        return batch_norm_training(x, weight, bias, 1e-5)

    assert torch.autograd.gradcheck(lambda *a: normalise(*a)[0], inputs)  # the built-in backward
    assert torch.autograd.gradcheck(normalise, inputs)  # with the statistics' gradients too
    assert torch.autograd.gradgradcheck(normalise, inputs)


def test_differentiable_backward_gives_the_built_in_first_derivatives():
    x, weight, bias = _inputs(True, shape=(5, 4, 12))
    out = batch_norm_training(x, weight, bias, 1e-3)[0]
    grad_out = torch.randn_like(out)
    plain = torch.autograd.grad(out, (x, weight, bias), grad_out, retain_graph=True)
    differentiable = torch.autograd.grad(out, (x, weight, bias), grad_out, create_graph=True)
    assert all(torch.allclose(a, b, atol=1e-12) for a, b in zip(plain, differentiable))


def test_only_the_needed_gradients_are_computed():
    x, weight, bias = _inputs(True)
    out = batch_norm_training(x.detach(), weight, bias, 1e-5)[0]
    grad_weight, = torch.autograd.grad(out.square().sum(), weight)
    assert grad_weight.shape == weight.shape


def test_torch_func_transforms_take_batch_norm():
    x = torch.randn(3, 2, 5)
    assert batch_norm_training_applies(x)
    seen = []
    torch.func.grad(lambda t: (seen.append(batch_norm_training_applies(t)), t.square().sum())[1])(x)
    assert seen == [False]


@pytest.mark.parametrize("momentum", [0.1, None])
def test_inner_batch_norm_trains_the_same_as_with_torch_batch_norm(momentum, monkeypatch):
    """The fast path against the built-in one, on regular fields: outputs, gradients, running statistics."""
    gs = gspaces.rot2dOnR2(4)
    t = gs.type(*[gs.regular_repr] * 3)
    fast, built_in = InnerBatchNorm(t, momentum=momentum), InnerBatchNorm(t, momentum=momentum)
    with torch.no_grad():
        fast.weight.copy_(torch.tensor([1.0, 2.0, -0.5]))
        fast.bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
    built_in.load_state_dict(fast.state_dict())
    for step in range(3):
        x = (torch.randn(4, 12, 6, 6) * 3 + step).requires_grad_()
        out = fast(t(x)).tensor
        fast_grads = torch.autograd.grad(out.square().sum(), (x, fast.weight, fast.bias))
        with monkeypatch.context() as patch:
            patch.setattr(field_batch_norm, "batch_norm_training_applies", lambda x: False)
            reference = built_in(t(x)).tensor
        assert torch.allclose(out, reference, atol=1e-5)
        reference_grads = torch.autograd.grad(reference.square().sum(), (x, built_in.weight, built_in.bias))
        assert all(torch.allclose(a, b, rtol=1e-4, atol=1e-4) for a, b in zip(fast_grads, reference_grads))
    for name, buffer in fast.state_dict().items():
        assert torch.allclose(buffer, built_in.state_dict()[name], atol=1e-5), name

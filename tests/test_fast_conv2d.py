"""fast_conv2d: NNPACK's convolution in training, the same numbers and gradients as conv2d."""
import pytest
import torch
import torch.nn.functional as F

from eqgraph import gspaces
from eqgraph.nn import R2Conv
from eqgraph.nn.conv.fast_conv2d import fast_conv2d, fast_conv2d_applies

pytestmark = pytest.mark.skipif(not torch.backends.nnpack.is_available(), reason="this torch build has no NNPACK")

SHAPES = [  # (in channels, out channels, size, kernel, padding); the last three: filter gradient by NNPACK too;
    # below 16 output channels the input gradient is oneDNN's
    (16, 8, 28, 5, 2), (16, 20, 16, 3, 1), (17, 4, 15, 7, 3), (16, 5, 20, 3, 0), (16, 16, 18, (3, 5), (1, 0)),
    (16, 17, 14, 3, 1), (18, 6, 14, (1, 3), (0, 1)), (16, 3, 16, (3, 1), (0, 0)),
]


def _inputs(c_in, c_out, size, kernel, seed=0):
    kernel = (kernel, kernel) if isinstance(kernel, int) else kernel
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(3, c_in, size, size, generator=generator, requires_grad=True)
    filter = torch.randn(c_out, c_in, *kernel, generator=generator, requires_grad=True)
    bias = torch.randn(c_out, generator=generator, requires_grad=True)
    return x, filter, bias


def _relative(a, b):
    return ((a - b).abs().max() / b.abs().max()).item()


@pytest.mark.parametrize("c_in, c_out, size, kernel, padding", SHAPES)
def test_outputs_and_gradients_match_conv2d(c_in, c_out, size, kernel, padding):
    x, filter, bias = _inputs(c_in, c_out, size, kernel)
    padding = (padding, padding) if isinstance(padding, int) else padding
    assert fast_conv2d_applies(x, filter, (1, 1), padding, 1, 1)
    fast = fast_conv2d(x, filter, bias, padding=padding)
    reference = F.conv2d(x, filter, bias, padding=padding)
    assert fast.grad_fn is not None and "NNPACK" in type(fast.grad_fn).__name__
    assert fast.shape == reference.shape
    assert _relative(fast, reference) < 1e-5
    grad = torch.randn_like(reference)
    for mine, theirs in zip(torch.autograd.grad(fast, (x, filter, bias), grad),
                            torch.autograd.grad(reference, (x, filter, bias), grad)):
        assert mine.shape == theirs.shape
        assert _relative(mine, theirs) < 1e-5


def test_integer_arguments_as_in_conv2d():
    x, filter, bias = _inputs(16, 4, 16, 3)
    assert fast_conv2d_applies(x, filter, 1, 1, 1, 1)
    assert _relative(fast_conv2d(x, filter, bias, 1, 1), F.conv2d(x, filter, bias, 1, 1)) < 1e-5


@pytest.mark.parametrize("size", [16, 14])
def test_only_the_needed_gradients_are_computed(size):
    x, filter, bias = _inputs(16, 4, size, 3)
    x = x.detach()
    out = fast_conv2d(x, filter, None, padding=(1, 1))
    grad_filter, = torch.autograd.grad(out.square().sum(), filter)
    reference, = torch.autograd.grad(F.conv2d(x, filter, None, padding=1).square().sum(), filter)
    assert _relative(grad_filter, reference) < 1e-5


@pytest.mark.parametrize("size", [16, 14])
@pytest.mark.parametrize("c_out, tolerance", [(4, 1e-4), (16, 3e-4)])
def test_second_derivatives_match_conv2d(size, c_out, tolerance):
    x, filter, bias = _inputs(16, c_out, size, 3)

    def gradient_norm(conv):
        grad_x, = torch.autograd.grad(conv(x, filter, bias, padding=(1, 1)).tanh().sum(), x, create_graph=True)
        return torch.autograd.grad(grad_x.square().sum(), (filter, bias))

    # Winograd's transforms round more than direct sums: against float64, these second derivatives
    # are off by up to 1.1e-4 relative through NNPACK with 16 output channels (16 x 16), 5e-6 through oneDNN
    for mine, theirs in zip(gradient_norm(fast_conv2d), gradient_norm(F.conv2d)):
        assert _relative(mine, theirs) < tolerance


@pytest.mark.parametrize("case", ["no grad", "float64", "stride 2", "dilation 2", "groups 2", "small map",
                                  "padding beyond the stencil", "few input channels"])
def test_falls_back_to_conv2d_exactly(case):
    x, filter, bias = _inputs(16, 4, 16, 3)
    kwargs = dict(stride=(1, 1), padding=(1, 1), dilation=1, groups=1)
    if case == "float64":
        x, filter, bias = (t.detach().double().requires_grad_() for t in (x, filter, bias))
    elif case == "stride 2":
        kwargs["stride"] = (2, 2)
    elif case == "dilation 2":
        kwargs["dilation"] = 2
    elif case == "groups 2":
        kwargs["groups"] = 2
        filter = filter[:, :8].detach().requires_grad_()
    elif case == "small map":
        x = x[..., :8, :8].detach().requires_grad_()
    elif case == "padding beyond the stencil":
        kwargs["padding"] = (3, 3)
    elif case == "few input channels":
        x, filter = x[:, :15].detach().requires_grad_(), filter[:, :15].detach().requires_grad_()
    with torch.set_grad_enabled(case != "no grad"):
        assert not fast_conv2d_applies(x, filter, **kwargs)
        out = fast_conv2d(x, filter, bias, **kwargs)
        assert torch.equal(out, F.conv2d(x, filter, bias, **kwargs))
    assert out.grad_fn is None or "NNPACK" not in type(out.grad_fn).__name__


def test_torch_func_transforms_take_conv2d():
    x, filter, bias = _inputs(16, 4, 16, 3)
    x, filter = x.detach(), filter.detach()
    grad = torch.func.grad(lambda w: fast_conv2d(x, w, None, 1, 1).square().sum())(filter)
    expected = torch.func.grad(lambda w: F.conv2d(x, w, None, 1, 1).square().sum())(filter)
    assert torch.equal(grad, expected)
    filter.requires_grad_()
    batched = torch.func.vmap(lambda image: fast_conv2d(image[None], filter, bias, 1, 1))(x)
    assert batched.shape == (3, 1, 4, 16, 16)


def test_r2conv_trains_through_nnpack_and_stays_equivariant():
    gs = gspaces.rot2dOnR2(4)
    conv = R2Conv(gs.type(*[gs.regular_repr] * 4), gs.type(*[gs.regular_repr] * 3), 3, padding=1)
    x = torch.randn(2, 16, 16, 16, requires_grad=True)
    out = conv(conv.in_type(x)).tensor
    assert "NNPACK" in type(out.grad_fn).__name__
    with torch.no_grad():
        reference = F.conv2d(x, *conv.expand_parameters(), padding=1)
    assert _relative(out, reference) < 1e-5
    rotated = conv(conv.in_type(x).transform(gs.fibergroup.element(1))).tensor
    expected = conv.out_type(out).transform(gs.fibergroup.element(1)).tensor
    assert _relative(rotated, expected) < 1e-5
    out.square().sum().backward()
    assert conv.weights.grad.abs().sum() > 0 and x.grad.shape == x.shape


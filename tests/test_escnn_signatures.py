"""escnn's names bind positional arguments as escnn does: a call ported by changing the import either
means the same or fails with a TypeError, never binds an argument to another parameter. The table
is escnn 1.0.11's signatures (positional parameters, read with ``inspect`` in its venv)."""
import inspect

import pytest
import torch

import eqgraph.group as group
import eqgraph.gspaces as gspaces
import eqgraph.nn as nn

ESCNN_1_0_11 = {
    'group.cyclic_group': ('N',),
    'group.cylinder_discrete_group': ('n',),
    'group.cylinder_group': ('maximum_frequency',),
    'group.dihedral_group': ('N',),
    'group.direct_product': ('G1', 'G2', 'name'),
    'group.double_group': ('G', 'name'),
    'group.full_cylinder_discrete_group': ('n',),
    'group.full_cylinder_group': ('maximum_frequency',),
    'group.full_ico_group': (),
    'group.full_octa_group': (),
    'group.ico_group': (),
    'group.klein4_group': (),
    'group.o2_group': ('maximum_frequency',),
    'group.o3_group': ('maximum_frequency',),
    'group.octa_group': (),
    'group.so2_group': ('maximum_frequency',),
    'group.so3_group': ('maximum_frequency',),
    'group.trivial_group': (),
    'gspaces.conicalOnR3': ('n', 'axis', 'adjoint', 'maximum_frequency'),
    'gspaces.cylindricalOnR3': ('n', 'adjoint', 'maximum_frequency'),
    'gspaces.dihedralOnR3': ('n', 'axis', 'adjoint', 'maximum_frequency'),
    'gspaces.fullCylindricalOnR3': ('n', 'axis', 'adjoint', 'maximum_frequency'),
    'gspaces.rot2dOnR3': ('n', 'adjoint', 'maximum_frequency'),
    'gspaces.GSpace': ('fibergroup', 'dimensionality', 'name'),
    'gspaces.flip2dOnR2': ('axis',),
    'gspaces.flipRot2dOnR2': ('N', 'maximum_frequency', 'axis'),
    'gspaces.flipRot3dOnR3': ('maximum_frequency',),
    'gspaces.fullIcoOnR3': (),
    'gspaces.fullOctaOnR3': (),
    'gspaces.icoOnR3': (),
    'gspaces.invOnR3': (),
    'gspaces.mirOnR3': ('axis', 'adjoint'),
    'gspaces.octaOnR3': (),
    'gspaces.rot2dOnR2': ('N', 'maximum_frequency'),
    'gspaces.rot3dOnR3': ('maximum_frequency',),
    'gspaces.trivialOnR2': (),
    'gspaces.trivialOnR3': (),
    'nn.BranchingModule': ('in_type', 'labels', 'reshuffle'),
    'nn.ConcatenatedNonLinearity': ('in_type', 'function'),
    'nn.DisentangleModule': ('in_type',),
    'nn.ELU': ('in_type', 'alpha', 'inplace'),
    'nn.EquivariantModule': (),
    'nn.FieldDropout': ('in_type', 'p', 'inplace'),
    'nn.FieldType': ('gspace', 'representations'),
    'nn.FourierELU': ('gspace', 'channels', 'irreps', 'inplace', 'out_irreps', 'normalize'),
    'nn.FourierPointwise': ('gspace', 'channels', 'irreps', 'function', 'inplace', 'out_irreps', 'normalize'),
    'nn.GNormBatchNorm': ('in_type', 'eps', 'momentum', 'affine'),
    'nn.GatedNonLinearity1': ('in_type', 'gates', 'drop_gates'),
    'nn.GatedNonLinearity2': ('in_type',),
    'nn.GatedNonLinearityUniform': ('in_type', 'gate'),
    'nn.GeometricTensor': ('tensor', 'type', 'coords'),
    'nn.GroupPooling': ('in_type',),
    'nn.IIDBatchNorm1d': ('in_type', 'eps', 'momentum', 'affine', 'track_running_stats'),
    'nn.IIDBatchNorm2d': ('in_type', 'eps', 'momentum', 'affine', 'track_running_stats'),
    'nn.IIDBatchNorm3d': ('in_type', 'eps', 'momentum', 'affine', 'track_running_stats'),
    'nn.IdentityModule': ('in_type',),
    'nn.InducedGatedNonLinearity1': ('in_type', 'gates', 'drop_gates'),
    'nn.InducedNormBatchNorm': ('in_type', 'eps', 'momentum', 'affine'),
    'nn.InducedNormNonLinearity': ('in_type', 'function', 'bias'),
    'nn.InducedNormPool': ('in_type',),
    'nn.InnerBatchNorm': ('in_type', 'eps', 'momentum', 'affine', 'track_running_stats'),
    'nn.LeakyReLU': ('in_type', 'negative_slope', 'inplace'),
    'nn.Linear': ('in_type', 'out_type', 'bias', 'basisexpansion', 'recompute', 'initialize'),
    'nn.MaskModule': ('in_type', 'S', 'margin', 'sigma'),
    'nn.MaxPoolChannels': ('kernel_size',),
    'nn.MergeModule': ('modules',),
    'nn.MultipleModule': ('in_type', 'labels', 'modules', 'reshuffle'),
    'nn.NormBatchNorm': ('in_type', 'eps', 'momentum', 'affine'),
    'nn.NormMaxPool': ('in_type', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode'),
    'nn.NormNonLinearity': ('in_type', 'function', 'bias'),
    'nn.NormPool': ('in_type',),
    'nn.PointwiseAdaptiveAvgPool': ('in_type', 'output_size'),
    'nn.PointwiseAdaptiveAvgPool2D': ('in_type', 'output_size'),
    'nn.PointwiseAdaptiveAvgPool3D': ('in_type', 'output_size'),
    'nn.PointwiseAdaptiveMaxPool': ('in_type', 'output_size'),
    'nn.PointwiseAdaptiveMaxPool2D': ('in_type', 'output_size'),
    'nn.PointwiseAdaptiveMaxPool3D': ('in_type', 'output_size'),
    'nn.PointwiseAvgPool': ('in_type', 'kernel_size', 'stride', 'padding', 'ceil_mode'),
    'nn.PointwiseAvgPool2D': ('in_type', 'kernel_size', 'stride', 'padding', 'ceil_mode'),
    'nn.PointwiseAvgPool3D': ('in_type', 'kernel_size', 'stride', 'padding', 'ceil_mode'),
    'nn.PointwiseAvgPoolAntialiased': ('in_type', 'sigma', 'stride', 'padding'),
    'nn.PointwiseAvgPoolAntialiased2D': ('in_type', 'sigma', 'stride', 'padding'),
    'nn.PointwiseAvgPoolAntialiased3D': ('in_type', 'sigma', 'stride', 'padding'),
    'nn.PointwiseDropout': ('in_type', 'p', 'inplace'),
    'nn.PointwiseMaxPool': ('in_type', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode'),
    'nn.PointwiseMaxPool2D': ('in_type', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode'),
    'nn.PointwiseMaxPool3D': ('in_type', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode'),
    'nn.PointwiseMaxPoolAntialiased': ('in_type', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'sigma'),
    'nn.PointwiseMaxPoolAntialiased2D': ('in_type', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'sigma'),
    'nn.PointwiseMaxPoolAntialiased3D': ('in_type', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'sigma'),
    'nn.PointwiseNonLinearity': ('in_type', 'function'),
    'nn.QuotientFourierELU': ('gspace', 'subgroup_id', 'channels', 'irreps', 'grid', 'inplace', 'out_irreps', 'normalize'),
    'nn.QuotientFourierPointwise': ('gspace', 'subgroup_id', 'channels', 'irreps', 'grid', 'function', 'inplace', 'out_irreps', 'normalize'),
    'nn.R2Conv': ('in_type', 'out_type', 'kernel_size', 'padding', 'stride', 'dilation', 'padding_mode', 'groups', 'bias', 'sigma', 'frequencies_cutoff', 'rings', 'maximum_offset', 'recompute', 'basis_filter', 'initialize'),
    'nn.R2ConvTransposed': ('in_type', 'out_type', 'kernel_size', 'padding', 'output_padding', 'stride', 'dilation', 'groups', 'bias', 'sigma', 'frequencies_cutoff', 'rings', 'maximum_offset', 'recompute', 'basis_filter', 'initialize'),
    'nn.R2PointConv': ('in_type', 'out_type', 'groups', 'bias', 'sigma', 'width', 'n_rings', 'frequencies_cutoff', 'rings', 'basis_filter', 'recompute', 'initialize'),
    'nn.R2Upsampling': ('in_type', 'scale_factor', 'size', 'mode', 'align_corners'),
    'nn.R3Conv': ('in_type', 'out_type', 'kernel_size', 'padding', 'stride', 'dilation', 'padding_mode', 'groups', 'bias', 'sigma', 'frequencies_cutoff', 'rings', 'recompute', 'basis_filter', 'initialize'),
    'nn.R3ConvTransposed': ('in_type', 'out_type', 'kernel_size', 'padding', 'output_padding', 'stride', 'dilation', 'groups', 'bias', 'sigma', 'frequencies_cutoff', 'rings', 'maximum_offset', 'recompute', 'basis_filter', 'initialize'),
    'nn.R3PointConv': ('in_type', 'out_type', 'groups', 'bias', 'sigma', 'width', 'n_rings', 'frequencies_cutoff', 'rings', 'basis_filter', 'recompute', 'initialize'),
    'nn.R3Upsampling': ('in_type', 'scale_factor', 'size', 'mode', 'align_corners'),
    'nn.ReLU': ('in_type', 'inplace'),
    'nn.ReshuffleModule': ('in_type', 'permutation'),
    'nn.RestrictionModule': ('in_type', 'id'),
    'nn.SequentialModule': (),
    'nn.TensorProductModule': ('in_type', 'out_type', 'initialize'),
    'nn.VectorFieldNonLinearity': ('in_type',),
    'nn.tensor_directsum': ('tensors',),
}

DIFFERENT_BY_DESIGN = {
    "gspaces.GSpace": "escnn's is abstract; eqgraph's takes the group and its action matrix",
    "nn.MaxPoolChannels": "eqgraph's pools the channels of each field (field_of_channel), escnn's fixed windows",
    "nn.QuotientFourierELU": "eqgraph's quotient is the sphere: (gspace, channels, L); escnn's form is a TypeError",
    "nn.QuotientFourierPointwise": "as QuotientFourierELU",
    "nn.TensorProductModule": "e3nn's two-input product; escnn's one-input form is TensorProductNonLinearity",
}


def _ours(key):
    prefix, name = key.split(".", 1)
    obj = getattr({"nn": nn, "gspaces": gspaces, "group": group}[prefix], name)
    signature = inspect.signature(obj.__init__ if inspect.isclass(obj) else getattr(obj, "__wrapped__", obj))
    return [p.name for p in signature.parameters.values() if p.name != "self" and p.kind == p.POSITIONAL_OR_KEYWORD]


@pytest.mark.parametrize("key", sorted(set(ESCNN_1_0_11) - set(DIFFERENT_BY_DESIGN)))
def test_positional_arguments_bind_as_in_escnn(key):
    ours, theirs = _ours(key), ESCNN_1_0_11[key]
    common = min(len(ours), len(theirs))
    assert ours[:common] == list(theirs[:common]), f"{key}: eqgraph {ours}, escnn {list(theirs)}"


@pytest.mark.parametrize("key", sorted(DIFFERENT_BY_DESIGN))
def test_the_documented_differences_are_still_different(key):
    assert _ours(key)[:len(ESCNN_1_0_11[key])] != list(ESCNN_1_0_11[key])


def test_ported_positional_calls_mean_the_same_or_fail_clearly():
    assert gspaces.flipRot2dOnR2(-1, 3).fibergroup.maximum_frequency == 3  # escnn: (N, maximum_frequency, axis)
    o3 = gspaces.flipRot3dOnR3()
    t = o3.type(o3.trivial_repr)
    with pytest.raises(TypeError):
        nn.R3PointConv(t, t, 1)  # escnn's third argument is groups
    so3 = gspaces.rot3dOnR3()
    with pytest.raises(TypeError, match="escnn's"):
        nn.QuotientFourierELU(so3, (False, -1), 2, [so3.irrep(0), so3.irrep(1)])
    c4 = gspaces.rot2dOnR2(4)
    elu = nn.FourierELU(c4, 2, [c4.irrep(k) for k in range(3)], True)  # escnn's fourth argument: inplace
    x = torch.randn(3, elu.in_type.size)
    assert torch.equal(elu(elu.in_type(x)).tensor, nn.FourierELU(c4, 2, [c4.irrep(k) for k in range(3)])(elu.in_type(x)).tensor)

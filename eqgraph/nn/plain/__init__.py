"""Plain PyTorch modules that ``export()`` returns where PyTorch has no equivalent layer: they take
and return tensors, hold no field types or kernel bases, and work with ``torch.export``."""
from .channelwise_point_conv import ExportedChannelwisePointConv
from .graph_layer import ExportedGraphLayer
from .node_function import ExportedNodeFunction
from .point_conv import ExportedPointConv

__all__ = ["ExportedPointConv", "ExportedChannelwisePointConv", "ExportedGraphLayer", "ExportedNodeFunction"]

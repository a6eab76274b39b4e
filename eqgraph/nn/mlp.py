"""MLP: an equivariant multi-layer perceptron from public modules."""
from __future__ import annotations

from typing import Sequence

from ..fields import FieldType
from .linear import Linear
from .nonlinearities import NormNonLinearity
from .sequential import SequentialModule


class MLP(SequentialModule):
    r"""``Linear -> NormNonLinearity -> ... -> Linear``: an equivariant MLP applied node by node
    (or pixel by pixel),

    .. math::
        y = W_k\, \sigma(\dots \sigma(W_1 x + b_1) \dots) + b_k,

    with :math:`W_i` equivariant linear maps and :math:`\sigma` a norm nonlinearity (valid for
    every representation).

    Args:
        in_type: the input type.
        hidden_types: the types of the hidden layers.
        out_type: the output type.
        function: the norm nonlinearity (``n_relu``, ``n_sigmoid``, ``squash``).

    Shapes:
        - **input:** :math:`(N, c_{in})` or :math:`(B, c_{in}, *S)`
        - **output:** :math:`(N, c_{out})` or :math:`(B, c_{out}, *S)`
    """

    def __init__(self, in_type: FieldType, hidden_types: Sequence[FieldType], out_type: FieldType, function: str = "n_relu"):
        types = [in_type, *hidden_types, out_type]
        modules = []
        for k, (a, b) in enumerate(zip(types[:-1], types[1:])):
            modules.append(Linear(a, b))
            if k < len(types) - 2:
                modules.append(NormNonLinearity(b, function, bias=function != "squash"))
        super().__init__(*modules)

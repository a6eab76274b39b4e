"""ExportedSymmetricProduct: a SymmetricProduct on plain tensors."""
from __future__ import annotations

import torch


class ExportedSymmetricProduct(torch.nn.Module):
    r"""What :meth:`SymmetricProduct.export` returns:
    :math:`\sum_\nu B_\nu` with :math:`B_1 = A` and :math:`B_\nu = W_\nu (B_{\nu-1} \otimes_c A)`,
    from exported element-wise products and ``torch.nn.Linear`` mixers.

    Shapes:
        - **input:** :math:`(N, c)`
        - **output:** :math:`(N, c)`
    """

    def __init__(self, product):
        super().__init__()
        self.register_buffer("channel_major", product.channel_major.clone())
        self.register_buffer("field_major", product.field_major.clone())
        self.products = torch.nn.ModuleList(p.export() for p in product.products)
        self.mixers = torch.nn.ModuleList(m.export() for m in product.mixers)

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        first = a.index_select(1, self.channel_major)
        term, total = first, first
        for product, mixer in zip(self.products, self.mixers):
            term = mixer(product(term, first))
            total = total + term
        return total.index_select(1, self.field_major)

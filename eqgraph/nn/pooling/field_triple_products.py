from __future__ import annotations

import torch


class FieldTripleProducts(torch.nn.Module):
    r"""Plain PyTorch: per field f, the triple product :math:`a_f \cdot (b_f \times c_f)` of three
    3-vectors read from the channels by ``projection`` (what :class:`TripleProductPooling`
    exports to).

    Args:
        projection: ``[F, 3, 3, C]``: row ``[f, j]`` maps the channels to field f's vector j.

    Shapes:
        - **input:** :math:`(B, C, *S)` or :math:`(N, C)`
        - **output:** :math:`(B, F, *S)` or :math:`(N, F)`
    """

    def __init__(self, projection: torch.Tensor):
        super().__init__()
        self.register_buffer("projection", torch.as_tensor(projection))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        fields = self.projection.shape[0]
        vectors = torch.einsum("fjkc,bc...->bfjk...", self.projection, x)  # [B, F, 3, 3, *S]
        a, b, c = vectors.unbind(2)
        return (a * torch.linalg.cross(b, c, dim=2)).sum(2).reshape(x.shape[0], fields, *x.shape[2:])

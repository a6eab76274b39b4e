"""Tensor products of typed features."""
from .elementwise_tensor_product import ElementwiseTensorProduct
from .tensor_product_module import TensorProductModule

__all__ = ["ElementwiseTensorProduct", "TensorProductModule"]

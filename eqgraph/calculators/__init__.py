"""Calculators that run eqgraph models inside other programs: ASE."""
from .ase_calculator import EqgraphCalculator

__all__ = ["EqgraphCalculator"]

"""Modules that route, split, join, reorder and retype fields."""
from .branching import BranchingModule
from .disentangle_module import DisentangleModule
from .mask import MaskModule
from .merge import MergeModule
from .module_list import ModuleList
from .multiple import MultipleModule
from .reshuffle import ReshuffleModule
from .restriction import RestrictionModule

__all__ = ["BranchingModule", "DisentangleModule", "MaskModule", "MergeModule", "ModuleList", "MultipleModule",
           "ReshuffleModule", "RestrictionModule"]

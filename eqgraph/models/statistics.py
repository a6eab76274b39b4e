"""Statistics of a training set that atomistic models normalise by."""
from __future__ import annotations

from typing import NamedTuple

import torch
from torch_geometric.data import Data
from torch_geometric.utils import scatter

from .atomic_graph import build_atomic_graph, structure_tensors


class DatasetStatistics(NamedTuple):
    shift: torch.Tensor | None  # [S] per-species shift of the target (least squares on the composition)
    scale: float | None  # RMS of the force components, or of the per-atom residual of the target
    num_neighbors: float  # mean number of edges per atom within the cutoff


def dataset_statistics(dataset_or_loader, species_index, cutoff: float, target: str | None = "energy",
                       use_forces: bool = False, intensive: bool = False) -> DatasetStatistics:
    """The mean neighbour count and the per-species shift and the scale of ``target`` (per
    structure, summed over atoms, or averaged with ``intensive``; the scale from the forces with
    ``use_forces`` where there are any), from a PyG dataset, a list of ``Data`` or a
    ``DataLoader`` of batches."""
    items = [dataset_or_loader] if isinstance(dataset_or_loader, Data) else dataset_or_loader
    S = len(species_index.species)
    compositions, targets, force_squares, force_count, edges, atoms = [], [], 0.0, 0, 0, 0
    for item in items:
        pos, batch, num_graphs, cell, pbc = structure_tensors(item)
        graph = build_atomic_graph(item, cutoff, pos, batch, num_graphs, cell, pbc)
        edges += graph.edge_index.shape[1]
        atoms += pos.shape[0]
        if target is None:
            continue
        one_hot = torch.nn.functional.one_hot(species_index(item.z), S).double()
        compositions.append(scatter(one_hot, batch, dim=0, dim_size=num_graphs, reduce="sum"))
        value = getattr(item, target, None)
        if value is None:
            raise ValueError(f"fit_statistics needs `{target}` on every structure; a structure has none")
        targets.append(torch.as_tensor(value).double().reshape(num_graphs))
        forces = getattr(item, "forces", None) if use_forces else None
        if forces is not None:
            force_squares += float((forces.double() ** 2).sum())
            force_count += forces.numel()
    if not atoms:
        raise ValueError("fit_statistics got no structures")
    num_neighbors = max(edges / atoms, 1.0)
    if target is None:
        return DatasetStatistics(None, None, num_neighbors)
    composition, values = torch.cat(compositions), torch.cat(targets)
    if intensive:  # a mean over atoms: the shift is fitted on the fractions of each species
        composition = composition / composition.sum(1, keepdim=True)
    shift = torch.linalg.lstsq(composition, values[:, None], driver="gelsd").solution[:, 0]
    residual = values - composition @ shift
    if not intensive:
        residual = residual / composition.sum(1)
    if force_count:
        scale = (force_squares / force_count) ** 0.5
    else:
        scale = float(residual.pow(2).mean().sqrt())
    return DatasetStatistics(shift, scale if scale > 0 else 1.0, num_neighbors)

"""IrrepPaths: a KernelLayout regrouped by irreps, for contracting kernels on graph edges."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable

import numpy as np

from ...fields import FieldType
from .layout import KernelLayout


@dataclass(frozen=True)
class IrrepCopies:
    """All copies of one irrep in a field type: ``channels[c]`` are copy c's coordinates in the
    type's irrep basis (the channels after each field's inverse change of basis)."""

    irrep: Hashable
    channels: np.ndarray  # [m, d]

    @property
    def multiplicity(self) -> int:
        return self.channels.shape[0]

    @property
    def dimension(self) -> int:
        return self.channels.shape[1]


@dataclass(frozen=True)
class Path:
    """The kernels from every copy of input irrep ``in_copies`` to every copy of output irrep
    ``out_copies``: angular maps ``[A, d_out, d_in, S]`` and, for the coefficient array
    ``[m_out, m_in, A, R]``, the position of each entry in the layout's ``weights`` (``-1``:
    no such element, a structural zero)."""

    out_index: int
    in_index: int
    angular_maps: np.ndarray
    weight_index: np.ndarray


class IrrepPaths:
    r"""The layout's kernel written per pair of irreps ("path"), so that a graph convolution can
    contract all copies of an irrep at once:

    .. math::
        y^{\psi_o}_{c_o} = \sum_{\psi_i, c_i, a, r} W^{\psi_o \psi_i}[c_o, c_i, a, r]\;
        \phi_r(|x|)\, \big(T_a \cdot Y(x)\big)\, f^{\psi_i}_{c_i}

    ``in_copies``/``out_copies`` list every irrep's copies (in order of first appearance);
    ``in_order``/``out_order`` are the irrep-basis coordinates listed irrep by irrep, each as a
    ``[d, m]`` block (component-major), the layout the contractions work in.
    """

    def __init__(self, layout: KernelLayout, radial_size: int):
        self.in_copies = irrep_copies(layout.in_type)
        self.out_copies = irrep_copies(layout.out_type)
        self.in_order = np.concatenate([c.channels.T.reshape(-1) for c in self.in_copies])
        self.out_order = np.concatenate([c.channels.T.reshape(-1) for c in self.out_copies])
        in_position = _copy_positions(layout.in_type, self.in_copies)
        out_position = _copy_positions(layout.out_type, self.out_copies)
        paths: dict[tuple[int, int], Path] = {}
        for block in layout.blocks:
            out_fields = np.array(layout.out_groups[block.out_group].fields)
            in_fields = np.array(layout.in_groups[block.in_group].fields)
            B = len(block.basis)
            first = block.offset + (np.arange(block.m_out)[:, None] * block.m_in + np.arange(block.m_in)[None, :]) * B
            for k, pair in enumerate(block.basis.block_pairs):
                o, c_out = zip(*[out_position[(f, pair.out_index)] for f in out_fields])
                i, c_in = zip(*[in_position[(f, pair.in_index)] for f in in_fields])
                maps = block.basis.angular_maps(k)
                path = paths.get((o[0], i[0]))
                if path is None:
                    shape = (self.out_copies[o[0]].multiplicity, self.in_copies[i[0]].multiplicity, maps.shape[0], radial_size)
                    path = paths[(o[0], i[0])] = Path(o[0], i[0], maps, np.full(shape, -1, dtype=np.int64))
                elif path.angular_maps.shape != maps.shape:
                    raise RuntimeError("kernel bases of one layer disagree on their angular maps")
                count = pair.elements.stop - pair.elements.start
                positions = first[:, :, None] + pair.elements.start + np.arange(count)
                c_out, c_in = np.array(c_out), np.array(c_in)
                path.weight_index[c_out[:, None, None], c_in[None, :, None], pair.angular_index, pair.radial_index] = positions
        self.paths = sorted(paths.values(), key=lambda p: (p.out_index, p.in_index))


def irrep_copies(field_type: FieldType) -> list[IrrepCopies]:
    """Every irrep of ``field_type`` with the irrep-basis channels of each of its copies."""
    group = field_type.fibergroup
    channels: dict[Hashable, list[np.ndarray]] = {}
    for rep, start in zip(field_type.representations, field_type.fields_start):
        offset = int(start)
        for irrep in rep.irreps:
            size = group._irrep_size(irrep)
            channels.setdefault(irrep, []).append(np.arange(offset, offset + size))
            offset += size
    return [IrrepCopies(irrep, np.stack(c)) for irrep, c in channels.items()]


def _copy_positions(field_type: FieldType, copies: list[IrrepCopies]) -> dict[tuple[int, int], tuple[int, int]]:
    """``(field, irrep position in the field) -> (index into copies, copy number)``."""
    index_of = {c.irrep: n for n, c in enumerate(copies)}
    counters = [0] * len(copies)
    positions = {}
    for f, rep in enumerate(field_type.representations):
        for p, irrep in enumerate(rep.irreps):
            n = index_of[irrep]
            positions[(f, p)] = (n, counters[n])
            counters[n] += 1
    return positions


def irreps_only(field_type: FieldType) -> bool:
    """Every field is one irrep in its own basis (e3nn's types)."""
    return all(len(r.irreps) == 1 and r.change_of_basis.shape == (r.size, r.size)
               and np.allclose(r.change_of_basis, np.eye(r.size)) for r in field_type.representations)


def field_major_blocks(copies, size: int) -> list[int] | None:
    """Per irrep, the number of channels of its copies when they form one block of consecutive ``[m, d]``
    channels and the blocks tile the type in order (e3nn's layouts); None otherwise."""
    blocks, start = [], 0
    for c in copies:
        expected = start + np.arange(c.multiplicity * c.dimension).reshape(c.multiplicity, c.dimension)
        if not np.array_equal(c.channels, expected):
            return None
        blocks.append(c.multiplicity * c.dimension)
        start += c.multiplicity * c.dimension
    return blocks if start == size else None

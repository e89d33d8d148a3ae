"""The entry set of one chemical system: the input to every hull.

Energies are formation energies per atom on the source's own elemental references, so
every element sits at 0 eV/atom (docs/conventions.md, 'Energies and references').
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from interfacestab.chem import Composition, chemsys, reduced_formula

if TYPE_CHECKING:
    from interfacestab.provenance import SourceInfo


@dataclass(frozen=True, slots=True)
class Entry:
    """One phase as stored.

    Attributes:
        formula: pymatgen reduced formula.
        composition: Element -> amount for one reduced formula unit.
        e_form_eV_per_atom: Formation energy per atom (eV/atom).
        material_id: Database id when known (e.g. ``mp-1234``), else empty.
        source: Name of the data source.
    """

    formula: str
    composition: Composition
    e_form_eV_per_atom: float
    material_id: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "formula": self.formula,
            "composition": dict(self.composition),
            "e_form_eV_per_atom": self.e_form_eV_per_atom,
            "material_id": self.material_id,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class EntrySet:
    """Entries of one chemical system from one source, as arrays ready for hull work.

    Attributes:
        elements: Element symbols of the system (sorted); column order of ``amounts``.
        entries: The stored entries (compounds only or with elements; elements are added
            at 0 eV/atom by the hull when absent).
        source: Provenance of the source.
    """

    elements: tuple[str, ...]
    entries: tuple[Entry, ...]
    source: SourceInfo

    @property
    def chemsys(self) -> str:
        """Canonical chemical-system key."""
        return chemsys(self.elements)

    def fractions(self) -> np.ndarray:
        """(n_entries, n_elements) atomic fractions."""
        mat = np.array([[e.composition.get(el, 0.0) for el in self.elements] for e in self.entries], dtype=float)
        if len(mat) == 0:
            return np.zeros((0, len(self.elements)))
        return mat / mat.sum(axis=1, keepdims=True)

    def energies(self) -> np.ndarray:
        """Formation energies per atom (eV/atom)."""
        return np.array([e.e_form_eV_per_atom for e in self.entries], dtype=float)

    def find(self, formula: str) -> Entry | None:
        """Lowest-energy entry with this reduced formula, or None."""
        best = [e for e in self.entries if e.formula == formula]
        return min(best, key=lambda e: e.e_form_eV_per_atom) if best else None

    def subset(self, elements: tuple[str, ...] | list[str]) -> EntrySet:
        """Entries whose elements all lie in ``elements``."""
        keep = set(elements)
        chosen = tuple(e for e in self.entries if set(e.composition) <= keep)
        return EntrySet(tuple(sorted(keep)), chosen, self.source)

    def with_entries(self, extra: list[Entry]) -> EntrySet:
        """A copy with extra entries appended (e.g. a user's hypothetical phase)."""
        return EntrySet(self.elements, self.entries + tuple(extra), self.source)


def make_entry(formula: str, composition: Composition, e_form_eV_per_atom: float, **kw: str) -> Entry:
    """An :class:`Entry` with its reduced formula computed when ``formula`` is empty."""
    return Entry(formula or reduced_formula(composition), composition, float(e_form_eV_per_atom), **kw)

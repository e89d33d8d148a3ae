"""The entry set of one chemical system: the input to every hull.

Energies are formation energies per atom on the source's own elemental references, so
every element sits at 0 eV/atom (docs/conventions.md, 'Energies and references').
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce
from typing import TYPE_CHECKING

import numpy as np

from interfacestab.chem import AMOUNT_TOL, Composition, chemsys

if TYPE_CHECKING:
    from interfacestab.provenance import SourceInfo


@dataclass(frozen=True, slots=True)
class Correction:
    """One fitted energy correction applied to an entry, with its published uncertainty.

    Attributes:
        name: The correction's name as its scheme writes it (e.g. ``MP2020 anion correction (oxide)``).
        share: Atoms it corrects over the atoms of the entry (``n_atoms / N_atoms``, 0-1).
        uncertainty_eV_per_atom: Uncertainty of the fitted correction per corrected atom (eV/atom).
    """

    name: str
    share: float
    uncertainty_eV_per_atom: float

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {"name": self.name, "share": self.share, "uncertainty_eV_per_atom": self.uncertainty_eV_per_atom}


@dataclass(frozen=True, slots=True)
class Entry:
    """One phase as stored.

    Attributes:
        formula: pymatgen reduced formula.
        composition: Element -> amount for one reduced formula unit.
        e_form_eV_per_atom: Formation energy per atom (eV/atom).
        material_id: Database id when known (e.g. ``mp-1234``), else empty.
        source: Name of the data source.
        corrections: The fitted energy corrections applied to the entry with their uncertainties, when
            its source records them (``()``: recorded, none applied); None when the source does not.
    """

    formula: str
    composition: Composition
    e_form_eV_per_atom: float
    material_id: str = ""
    source: str = ""
    corrections: tuple[Correction, ...] | None = None

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

    def find_composition(self, composition: Composition) -> Entry | None:
        """Lowest-energy entry with the same composition up to scale (see :func:`composition_key`), or None.

        ``LiNi1/3Mn1/3Co1/3O2``, ``Li3MnCoNiO6`` and ``Li6Mn2Co2Ni2O12`` all find the same entry.
        """
        key = composition_key(composition)
        elements = set(key_elements(key))
        best = [e for e in self.entries if set(e.composition) == elements and composition_key(e.composition) == key]
        return min(best, key=lambda e: e.e_form_eV_per_atom) if best else None

    def subset(self, elements: tuple[str, ...] | list[str]) -> EntrySet:
        """Entries whose elements all lie in ``elements``."""
        keep = set(elements)
        chosen = tuple(e for e in self.entries if set(e.composition) <= keep)
        return EntrySet(tuple(sorted(keep)), chosen, self.source)

    def with_entries(self, extra: list[Entry]) -> EntrySet:
        """A copy with extra entries appended (e.g. a user's hypothetical phase)."""
        return EntrySet(self.elements, self.entries + tuple(extra), self.source)


#: Largest denominator tried when turning a composition's amount ratios into integers.
KEY_MAX_DENOMINATOR = 1000
#: Relative tolerance on each amount ratio when matching it to a fraction (absorbs float noise, 1/3 = 0.33333333).
KEY_RELATIVE_TOL = 1e-6
#: Amounts this close to an integer are integers; fractions of an irrational-looking key are rounded to this.
KEY_INTEGER_TOL = 1e-9

CompositionKey = tuple[tuple[str, int | float], ...]


def composition_key(composition: Composition) -> CompositionKey:
    """The identity of a compound: proportional compositions give the same key, however written.

    The amounts are scaled to the smallest integers with the same ratios: each ratio to the
    smallest amount is matched to a fraction with denominator at most ``KEY_MAX_DENOMINATOR``
    within ``KEY_RELATIVE_TOL``, and the whole is multiplied by the common denominator and divided
    by the greatest common divisor. ``Li0.5CoO2``, ``Li(CoO2)2`` and ``Li2Co4O8`` all give
    ``(("Co", 2), ("Li", 1), ("O", 4))``. A composition whose ratios are not such fractions
    (``Li0.3183CoO2``-like irrational-looking amounts) is keyed by its atomic fractions rounded to
    1e-9 instead, so it still matches only itself.
    """
    items = sorted((el, float(amt)) for el, amt in composition.items() if amt > AMOUNT_TOL)
    if not items or not all(math.isfinite(a) for _, a in items):
        return tuple(items)
    if all(abs(a - round(a)) < KEY_INTEGER_TOL for _, a in items):
        ints = [round(a) for _, a in items]
        divisor = reduce(math.gcd, ints)
        return tuple((el, n // divisor) for (el, _), n in zip(items, ints, strict=True))
    smallest = min(a for _, a in items)
    ratios = []
    for _, amt in items:
        r = amt / smallest
        frac = Fraction(r).limit_denominator(KEY_MAX_DENOMINATOR)
        if abs(float(frac) - r) > KEY_RELATIVE_TOL * max(1.0, r):
            total = sum(a for _, a in items)
            return tuple((el, round(a / total, 9)) for el, a in items)
        ratios.append(frac)
    common = reduce(math.lcm, (f.denominator for f in ratios))
    ints = [int(f * common) for f in ratios]
    divisor = reduce(math.gcd, ints)
    return tuple((el, n // divisor) for (el, _), n in zip(items, ints, strict=True))


def key_elements(key: CompositionKey) -> tuple[str, ...]:
    """Element symbols of a composition key."""
    return tuple(el for el, _ in key)

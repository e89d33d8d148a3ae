"""From total energies to stored entries: elemental references, formation energies, reduced formulas.

Shared by every reader that gets total energies (pymatgen entry lists, user tables of total
energies per formula unit, live Materials Project fetches): formation energies per atom are
taken on the rows' own elemental references, the lowest energy per atom of each element.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from interfacestab.chem import n_atoms, reduced_composition, reduced_formula
from interfacestab.entries import Correction, Entry

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

#: One input row: composition (element -> amount), energy (eV total, or eV/atom once converted), material id.
Row = tuple[dict[str, float], float, str]


def elemental_references(rows: Iterable[Row]) -> dict[str, float]:
    """Energy per atom (eV/atom) of each element's reference: the lowest among its elemental rows."""
    refs: dict[str, float] = {}
    for comp, energy, _ in rows:
        if len(comp) == 1:
            (el,) = comp
            refs[el] = min(refs.get(el, float("inf")), energy / n_atoms(comp))
    return refs


def missing_references(rows: Iterable[Row], refs: dict[str, float]) -> list[str]:
    """Elements used by the rows that have no reference in ``refs``, sorted."""
    return sorted({el for comp, _, _ in rows for el in comp} - set(refs))


def formation_energies(rows: Iterable[Row], refs: dict[str, float]) -> list[Row]:
    """Replace total energies (eV) by formation energies per atom (eV/atom) on ``refs``.

    Every element of the rows must have a reference (check with :func:`missing_references`).
    """
    return [(c, (e - sum(refs[el] * amt for el, amt in c.items())) / n_atoms(c), mid) for c, e, mid in rows]


def to_entries(
    rows: Iterable[Row], name: str, corrections: Sequence[tuple[Correction, ...] | None] | None = None
) -> list[Entry]:
    """Entries with reduced formulas; elemental rows are dropped (the hull adds elements at 0 eV/atom).

    ``corrections``, when given, holds each row's corrections with their uncertainties (same order as ``rows``).
    """
    out = []
    for i, (comp, e_form, mid) in enumerate(rows):
        if len(comp) == 1:
            continue
        unit = reduced_composition(comp)
        corr = None if corrections is None else corrections[i]
        out.append(Entry(reduced_formula(comp), unit, float(e_form), mid, name, corr))
    return out


def content_hash(text: str) -> str:
    """SHA-256 of a text (used for sources that are not files, e.g. MP responses)."""
    return hashlib.sha256(text.encode()).hexdigest()

"""Resolve a user's formula against an entry set: in the data, or a virtual composition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from interfacestab.chem import (
    AMOUNT_TOL,
    Composition,
    composition_as_read,
    format_composition,
    formula_factor,
    parse_formula,
    reduced_composition,
    reduced_formula,
)
from interfacestab.errors import DataNotFoundError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from interfacestab.entries import EntrySet
    from interfacestab.store.database import Store


@dataclass(frozen=True, slots=True)
class ParsedFormula:
    """A user's formula, parsed once at the library's entrance.

    Attributes:
        text: The formula as written (stripped), or the compact form of a composition given as such.
        composition: Element -> amount, as :func:`interfacestab.chem.parse_formula` reads ``text``.
    """

    text: str
    composition: Composition

    @property
    def as_read(self) -> str:
        """The formula as reports name it: ``Li2O·CoO`` -> ``Li2CoO2`` (:func:`interfacestab.chem.formula_as_read`)."""
        return composition_as_read(self.composition)

    def read_note(self, role: str) -> str | None:
        """``cathode Li2O·CoO read as Li2CoO2`` when the formula as read differs from the one written."""
        read = self.as_read
        return None if read == self.text else f"{role} {self.text} read as {read}"


def parse_input(formula: str | Composition | ParsedFormula) -> ParsedFormula:
    """The one place a user's formula is parsed: a string is read, a composition taken as is.

    Raises:
        FormulaError: for a malformed formula or an unknown element.
    """
    if isinstance(formula, ParsedFormula):
        return formula
    if isinstance(formula, str):
        return ParsedFormula(formula.strip(), parse_formula(formula))
    comp = dict(formula)
    return ParsedFormula(format_composition(comp), comp)


@dataclass(frozen=True, slots=True)
class Target:
    """A phase to analyse.

    Attributes:
        formula: Reduced formula of the data compound (in the data) or the composition as
            written (virtual).
        composition: Element -> amount of the formula unit used for per-formula-unit numbers
            (the data compound's reduced formula unit when in the data).
        in_database: Whether the data hold this composition.
        material_id: Its id when in the data.
        e_form_eV_per_atom: Its formation energy in the data (lowest polymorph), None when virtual.
        input_formula: The formula as the user wrote it (``LiNi1/3Mn1/3Co1/3O2``).
        resolved_differently: Whether the data compound is written differently from the user's formula.
    """

    formula: str
    composition: Composition
    in_database: bool
    material_id: str = ""
    e_form_eV_per_atom: float | None = None
    input_formula: str = ""
    resolved_differently: bool = False

    @property
    def resolution_note(self) -> str | None:
        """``LiNi1/3Mn1/3Co1/3O2 = Li3MnCoNiO6 (mp-1222510) in the data ...`` when the spelling differs."""
        if not self.resolved_differently:
            return None
        ident = f" ({self.material_id})" if self.material_id else ""
        return (
            f"{self.input_formula} is {self.formula}{ident} in the data (the same composition, scaled): "
            f"results are for that compound, per its formula unit"
        )


def resolve_target(entries: EntrySet, formula: str | Composition | ParsedFormula) -> Target:
    """Find ``formula`` in ``entries`` by composition, or describe it as a virtual composition.

    Compositions are compared by :func:`interfacestab.entries.composition_key`, so proportional
    compositions are the same compound however written: ``LiNi1/3Mn1/3Co1/3O2`` is the data's
    ``Li3MnCoNiO6``, ``Li0.5CoO2`` is ``Li(CoO2)2``. Among polymorphs the lowest energy is used.
    A string is parsed here; give a :class:`ParsedFormula` to parse it only once.
    """
    given = parse_input(formula)
    comp, written = given.composition, given.text
    entry = entries.find_composition(comp)
    if entry is None and len(comp) == 1:  # an element: its reference state, at 0 eV/atom by construction
        (element,) = comp
        name = reduced_formula({element: 1.0})
        unit = {element: 1.0 / formula_factor({element: 1.0})}
        return Target(name, unit, True, "", 0.0, written, reduced_formula(comp) != name)
    if entry is not None:
        return Target(
            entry.formula,
            dict(entry.composition),
            True,
            entry.material_id,
            entry.e_form_eV_per_atom,
            written,
            reduced_formula(comp) != entry.formula,
        )
    integer = all(abs(v - round(v)) < AMOUNT_TOL for v in comp.values())
    unit = reduced_composition(comp) if integer else comp
    return Target(reduced_formula(comp) if integer else format_composition(comp), unit, False, input_formula=written)


def system_key(formula: str, ion: str) -> str:
    """Chemical system of a target with the ion (``Cl-Li-P-S``); ``!formula`` when it does not parse.

    Batches group work by this key so each worker builds each hull once.
    """
    from interfacestab.chem import chemsys
    from interfacestab.errors import InterfaceStabError

    try:
        return chemsys(set(parse_formula(formula)) | {ion})
    except InterfaceStabError:
        return f"!{formula}"


def require_data(
    entries: EntrySet,
    elements: list[str] | set[str] | tuple[str, ...],
    source_elements: Iterable[str] = (),
) -> None:
    """Refuse a system the data do not cover: an element that appears in no compound of the source.

    An element that forms no compound in this system but appears in other compounds of the
    source (``source_elements``) is covered: the system genuinely has no compound with it (Ti
    and Li), and the element references at 0 eV/atom are all a hull needs.

    Raises:
        DataNotFoundError: naming the system and how to get data for it.
    """
    system = "-".join(sorted(elements))
    covered = {el for e in entries.entries for el in e.composition} | set(source_elements)
    missing = sorted(set(elements) - covered)
    if missing:
        what = f"no compound containing {', '.join(missing)}" if entries.entries else "no entries"
        msg = (
            f"source '{entries.source.name}' has {what} in the {system} system; "
            f"run `interfacestab data fetch {system}` (needs MP_API_KEY) "
            "or import a file with `interfacestab data import`"
        )
        raise DataNotFoundError(msg)


def load_system(elements: Iterable[str], *, store: Store | None = None, source: str | None = None) -> EntrySet:
    """Entries of a chemical system from ``store`` (default: the configured store, opened and closed here).

    Raises:
        DataNotFoundError: when the data do not cover the system (see :func:`require_data`).
    """
    from interfacestab.store import store_or_default

    els = sorted(set(elements))
    with store_or_default(store) as st:
        entries = st.entries(els, source)
        require_data(entries, els, _elements_elsewhere(st, entries, els, entries.source.name))
    return entries


def source_covers(store: Store, elements: Iterable[str], source: str | None = None) -> set[str]:
    """The subset of ``elements`` that appear in at least one compound of ``source``."""
    return set(elements) & store.covered_elements(source)


def _elements_elsewhere(store: Store, entries: EntrySet, elements: list[str], source: str) -> set[str]:
    """Elements of the system without a compound in it that the source has in other compounds."""
    in_system = {el for e in entries.entries for el in e.composition}
    lacking = set(elements) - in_system
    return source_covers(store, lacking, source) if lacking else set()

"""Resolve a user's formula against an entry set: in the data, or a virtual composition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from interfacestab.chem import (
    Composition,
    format_composition,
    formula_factor,
    parse_formula,
    reduced_composition,
    reduced_formula,
)
from interfacestab.errors import DataNotFoundError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from interfacestab.store.database import Store

if TYPE_CHECKING:
    from interfacestab.entries import EntrySet


@dataclass(frozen=True, slots=True)
class Target:
    """A phase to analyse.

    Attributes:
        formula: Reduced formula (in the data) or the composition as written (virtual).
        composition: Element -> amount of the formula unit used for per-formula-unit numbers.
        in_database: Whether the data hold this composition.
        material_id: Its id when in the data.
        e_form_eV_per_atom: Its formation energy in the data (lowest polymorph), None when virtual.
    """

    formula: str
    composition: Composition
    in_database: bool
    material_id: str = ""
    e_form_eV_per_atom: float | None = None


def resolve_target(entries: EntrySet, formula: str | Composition) -> Target:
    """Find ``formula`` in ``entries`` (by reduced formula) or describe it as a virtual composition."""
    comp = parse_formula(formula) if isinstance(formula, str) else dict(formula)
    name = reduced_formula(comp)
    entry = entries.find(name)
    if entry is None and len(comp) == 1:  # an element: its reference state, at 0 eV/atom by construction
        (element,) = comp
        return Target(name, {element: 1.0 / formula_factor({element: 1.0})}, True, "", 0.0)
    if entry is not None:
        return Target(entry.formula, dict(entry.composition), True, entry.material_id, entry.e_form_eV_per_atom)
    integer = all(abs(v - round(v)) < 1e-8 for v in comp.values())
    unit = reduced_composition(comp) if integer else comp
    return Target(name if integer else format_composition(comp), unit, False)


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


def require_data(entries: EntrySet, elements: list[str] | set[str] | tuple[str, ...]) -> None:
    """Refuse a system the data do not cover: no entries at all, or an element in no compound.

    Raises:
        DataNotFoundError: naming the system and how to get data for it.
    """
    system = "-".join(sorted(elements))
    covered = {el for e in entries.entries for el in e.composition}
    missing = sorted(set(elements) - covered)
    if not entries.entries or missing:
        what = f"no compound containing {', '.join(missing)}" if entries.entries else "no entries"
        msg = (
            f"source '{entries.source.name}' has {what} in the {system} system; "
            f"run `interfacestab data fetch {system}` (needs MP_API_KEY) or import a file with `interfacestab data import`"
        )
        raise DataNotFoundError(msg)


def load_system(elements: Iterable[str], *, source: str | None = None, store: Store | None = None) -> EntrySet:
    """Entries of a chemical system from ``store`` (default: the configured store, opened and closed here).

    Raises:
        DataNotFoundError: when the data do not cover the system (see :func:`require_data`).
    """
    from interfacestab.store import open_store

    els = sorted(set(elements))
    if store is not None:
        entries = store.entries(els, source)
    else:
        with open_store(create=False) as owned:
            entries = owned.entries(els, source)
    require_data(entries, els)
    return entries

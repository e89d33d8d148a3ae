"""The anode an interlayer is screened against: its potential vs A/A+ and its phases.

The metal A itself is at 0 V vs A/A+ by definition. An alloy (``Li0.5In``, ``NaSn2``) sits on the
A-M hull: inside a two-phase region its potential is the plateau of that region (``Li0.5In`` is
LiIn + LiIn3 at one voltage); a composition that is a single phase is stable over a range of
voltages, of which the lowest is taken, the most reducing potential the anode holds in equilibrium
(the harshest for an interlayer). Both are the reduction limit of the anode's own window on the
same hull with the data as they are (``stabilize=False``), so that a metastable alloy is read as
its equilibrium phases.

(Computed here from the window; a shared reference-potential module, if one is added, can replace
:func:`anode_potential` without changing its result.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from interfacestab.analyses.targets import ParsedFormula, parse_input
from interfacestab.chem import format_composition
from interfacestab.conventions import ION_AMOUNT_TOL, ZERO_VOLTAGE_V
from interfacestab.errors import AnalysisError

if TYPE_CHECKING:
    from interfacestab.chem import Composition
    from interfacestab.entries import EntrySet


@dataclass(frozen=True, slots=True)
class AnodeState:
    """An anode's potential (V vs A/A+) and the phases that hold it."""

    formula: str
    potential_V: float
    phases: tuple[str, ...]


def check_anode(anode: str | Composition | ParsedFormula, ion: str) -> ParsedFormula:
    """The anode parsed, refused unless it holds the ion (the metal or an alloy of it).

    Raises:
        AnalysisError: for an anode without the ion.
        FormulaError: for a malformed formula.
    """
    given = parse_input(anode)
    if given.composition.get(ion, 0.0) <= ION_AMOUNT_TOL:
        msg = f"the anode {given.text} has no {ion}: give the {ion} metal or an alloy with {ion} (e.g. {ion}0.5In)"
        raise AnalysisError(msg)
    return given


def is_ion_metal(composition: Composition, ion: str) -> bool:
    """Whether ``composition`` is the metal of the ion alone (``Li``)."""
    return set(composition) == {ion}


def anode_potential(entries: EntrySet, anode: str | Composition | ParsedFormula, *, ion: str = "Li") -> AnodeState:
    """The anode's potential vs A/A+ on the hull of ``entries`` and its phases (see the module text).

    Raises:
        AnalysisError: for an anode without the ion.
    """
    from interfacestab.analyses.window import stability_window

    given = check_anode(anode, ion)
    if is_ion_metal(given.composition, ion):
        return AnodeState(ion, 0.0, (ion,))
    window = stability_window(entries, given, ion=ion, stabilize=False)
    low = window.reduction_limit_V
    plateau = window.oxidation_limit_V is not None and window.oxidation_limit_V - low <= ZERO_VOLTAGE_V
    if plateau:  # inside a two-phase region: the phases on either side of the plateau
        phases = tuple(sorted({*window.reduction_products, *window.oxidation_products}))
    else:
        stage = next((s for s in window.profile if s.is_window), None)
        phases = tuple(stage.phases) if stage is not None else (window.formula,)
    formula = window.formula if window.in_database else format_composition(given.composition)
    return AnodeState(formula, max(low, 0.0), phases)

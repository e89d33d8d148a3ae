"""The anode an interlayer is screened against: its potential vs A/A+ and its phases.

The metal A itself is at 0 V vs A/A+ by definition. An alloy (``Li0.5In``, ``NaSn2``) sits on the
A-M hull: inside a two-phase region its potential is the plateau of that region (``Li0.5In`` is
LiIn + LiIn3 at one voltage); a composition that is a single phase is stable over a range of
voltages, of which the lowest is taken, the most reducing potential the anode holds in equilibrium
(the harshest for an interlayer). Both are read from the voltage profile of the anode's framework
(its elements other than A) on the same hull with the data as they are, so a metastable alloy
composition is read as its equilibrium phases.

(Computed here from the window; a shared reference-potential module, if one is added, can replace
:func:`anode_potential` without changing its result.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from interfacestab.analyses.targets import ParsedFormula, parse_input
from interfacestab.chem import format_composition
from interfacestab.conventions import ION_AMOUNT_TOL
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

    The anode's framework (its non-A elements) is walked from 0 V upward with A open (the voltage
    profile of the framework's window, with the data as they are): each stage holds one A content. An
    anode whose A content is a stage's is stable over that stage and its lowest voltage is taken; one
    between two stages' contents sits on the plateau between them; one richer in A than every stage
    holds A metal (0 V).

    Raises:
        AnalysisError: for an anode without the ion.
    """
    from interfacestab.analyses.window import stability_window

    given = check_anode(anode, ion)
    comp = given.composition
    if is_ion_metal(comp, ion):
        return AnodeState(ion, 0.0, (ion,))
    framework = {el: amount for el, amount in comp.items() if el != ion}
    try:
        window = stability_window(entries, framework, ion=ion, stabilize=False)
    except AnalysisError:  # a framework not in the data (e.g. an alloy of two metals) is placed on the hull
        window = stability_window(entries, framework, ion=ion)
    stages = sorted(window.profile, key=lambda s: s.voltage_low_V)  # A content falls as the voltage rises
    amount = comp[ion]
    formula = format_composition(comp)
    if amount > stages[0].ion_per_formula_unit + ION_AMOUNT_TOL:  # richer in A than any phase: A metal is left
        return AnodeState(formula, 0.0, tuple(sorted({*stages[0].phases, ion})))
    for below, stage in zip([None, *stages[:-1]], stages, strict=True):
        if abs(stage.ion_per_formula_unit - amount) <= ION_AMOUNT_TOL:  # a stage's own content: its lowest voltage
            return AnodeState(formula, stage.voltage_low_V, tuple(stage.phases))
        if stage.ion_per_formula_unit < amount and below is not None:  # between two stages: the plateau
            return AnodeState(formula, stage.voltage_low_V, tuple(sorted({*below.phases, *stage.phases})))
    msg = f"no equilibrium stage of {formula} open to {ion} was found"  # the last stage holds no A: unreachable
    raise AnalysisError(msg)

"""A cathode charged to a voltage: its equilibrium phase assemblage on the same hull.

A cathode charged to V vs A/A+ is in equilibrium with an A reservoir at mu_A = -V (z = 1). Its
framework (the cathode without A) keeps its non-A atoms; the A content is the one that minimises
the grand potential ``E_hull(framework + t A) - t mu_A`` along the ray of the stability window.
That ray is what :func:`interfacestab.analyses.window.stability_window` walks: its stage whose
voltage range holds V gives the A taken up or released per formula unit and the phases in
equilibrium. So LiCoO2 charged to 3.9 V is Li(CoO2)2 (Li0.5CoO2 overall) in these data, and only
above the next stage's voltage (about 4.1 V) CoO2; a "fully charged" NMC111 is CoO2 + MnNiO3 + O2.

At a stage boundary (exactly the voltage where the phases change) the stage above is taken, the
more charged one. The cathode is placed on the hull (``stabilize``) as the window command does, so
a metastable or virtual cathode (NMC111 here) is the assemblage's starting point.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from interfacestab.analyses.targets import ParsedFormula, parse_input
from interfacestab.chem import Composition, format_composition
from interfacestab.conventions import ION_AMOUNT_TOL, VOLTAGE_RANGE_V
from interfacestab.errors import AnalysisError

if TYPE_CHECKING:
    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.sweep import InterfaceSweep
    from interfacestab.analyses.window import StabilityWindow
    from interfacestab.engine.cache import HullCache
    from interfacestab.entries import EntrySet
    from interfacestab.store.database import Store


@dataclass(frozen=True, slots=True)
class ChargedCathode:
    """A cathode at its equilibrium with the ion reservoir at ``voltage_V``.

    Attributes:
        cathode: The discharged cathode as found in the data (its formula).
        voltage_V: The charge voltage (V vs A/A+).
        composition: The overall composition of the assemblage, per formula unit of the cathode.
        formula: ``composition`` in compact form (``Li0.5CoO2``), the reactant name used downstream.
        phases: The phases in equilibrium (reduced formulas), e.g. ``("Li(CoO2)2",)``.
        ion_per_formula_unit: A taken up (+) or released (-) per formula unit of the cathode.
        stage_voltage_low_V: Lower end of the stage holding ``voltage_V``.
        stage_voltage_high_V: Upper end of that stage (None for the open top stage).
    """

    cathode: str
    ion: str
    voltage_V: float
    composition: Composition
    formula: str
    phases: tuple[str, ...]
    ion_per_formula_unit: float
    stage_voltage_low_V: float
    stage_voltage_high_V: float | None

    @property
    def parsed(self) -> ParsedFormula:
        """The assemblage as a reactant for the interface and screening functions."""
        return ParsedFormula(self.formula, dict(self.composition))

    def describe(self) -> str:
        """``LiCoO2 charged to 4.2 V vs Li/Li+ -> CoO2 (phases: CoO2)``."""
        return (
            f"{self.cathode} charged to {self.voltage_V:g} V vs {self.ion}/{self.ion}+ -> {self.formula} "
            f"(phases: {', '.join(self.phases)})"
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name (full precision)."""
        return {
            "cathode": self.cathode,
            "ion": self.ion,
            "voltage_V": self.voltage_V,
            "composition": dict(self.composition),
            "formula": self.formula,
            "phases": list(self.phases),
            "ion_per_formula_unit": self.ion_per_formula_unit,
            "stage_voltage_low_V": self.stage_voltage_low_V,
            "stage_voltage_high_V": self.stage_voltage_high_V,
        }


def check_charge_voltage(voltage_V: float) -> float:
    """``voltage_V`` if finite and within ``VOLTAGE_RANGE_V``; else an AnalysisError."""
    low, high = VOLTAGE_RANGE_V
    if not (voltage_V == voltage_V and low <= voltage_V <= high):  # NaN != NaN
        msg = f"charge voltage {voltage_V} V is outside {low}-{high} V"
        raise AnalysisError(msg)
    return voltage_V


def charged_from_window(window: StabilityWindow, voltage_V: float) -> ChargedCathode:
    """The assemblage at ``voltage_V`` read from a cathode's stability window (its voltage profile).

    Raises:
        AnalysisError: for a voltage outside the allowed range, or a cathode without the ion.
    """
    check_charge_voltage(voltage_V)
    ion = window.ion
    if window.composition.get(ion, 0.0) <= ION_AMOUNT_TOL:
        msg = f"{window.formula} has no {ion}: it cannot be charged (give a cathode with {ion})"
        raise AnalysisError(msg)
    stages = sorted(window.profile, key=lambda s: s.voltage_low_V)
    stage = stages[0]
    for s in stages:  # contiguous from 0 V upward; at a boundary the stage above (more charged)
        if s.voltage_low_V <= voltage_V:
            stage = s
    comp = dict(window.composition)
    amount = comp.get(ion, 0.0) + stage.ion_per_formula_unit
    amount = round(amount / ION_AMOUNT_TOL) * ION_AMOUNT_TOL
    if amount > ION_AMOUNT_TOL:
        comp[ion] = amount
    else:
        comp.pop(ion, None)
    return ChargedCathode(
        cathode=window.formula,
        ion=ion,
        voltage_V=voltage_V,
        composition=comp,
        formula=format_composition(comp),
        phases=tuple(stage.phases),
        ion_per_formula_unit=stage.ion_per_formula_unit,
        stage_voltage_low_V=stage.voltage_low_V,
        stage_voltage_high_V=stage.voltage_high_V,
    )


def charge_to_voltage(
    entries: EntrySet, cathode: str | Composition | ParsedFormula, voltage_V: float, *, ion: str = "Li"
) -> ChargedCathode:
    """The cathode's equilibrium assemblage at ``voltage_V`` on the hull of ``entries`` (library entry).

    Raises:
        AnalysisError: bad voltage, or a cathode without the ion.
        FormulaError: for a malformed formula.
    """
    from interfacestab.analyses.window import stability_window

    check_charge_voltage(voltage_V)
    return charged_from_window(stability_window(entries, parse_input(cathode), ion=ion), voltage_V)


def charged_cathode_for(
    cathode: str | Composition | ParsedFormula,
    voltage_V: float,
    *,
    ion: str = "Li",
    source: str | None = None,
    store: Store | None = None,
    cache: HullCache | None = None,
) -> ChargedCathode:
    """:func:`charge_to_voltage` from the local store (``--charge-voltage`` of interface, screen, matrix).

    Raises:
        AnalysisError: bad voltage, or a cathode without the ion.
        DataNotFoundError: when the store lacks the cathode's system.
    """
    from interfacestab.analyses.window import window_for

    check_charge_voltage(voltage_V)
    given = parse_input(cathode)
    if given.composition.get(ion, 0.0) <= ION_AMOUNT_TOL:
        msg = f"{given.text} has no {ion}: it cannot be charged (give a cathode with {ion})"
        raise AnalysisError(msg)
    window = window_for(given, ion=ion, source=source, store=store, cache=cache)
    return charged_from_window(window, voltage_V)


def with_charged_b(
    result: InterfaceProfile | InterfaceSweep, charged: ChargedCathode
) -> InterfaceProfile | InterfaceSweep:
    """An interface profile or sweep whose reactant B was ``charged``: its JSON names the assemblage used."""
    return replace(result, charged_b=charged.to_dict())

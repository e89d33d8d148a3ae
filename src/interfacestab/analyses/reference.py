"""Reference electrodes for window reports (``interfacestab window --reference VALUE``).

A reference is either a number, the potential of the reference electrode in V vs A/A+ (e.g. 0.62
for a measured In-InLi electrode), or a composition of the electrode such as ``Li0.5In``,
``Li0.5Al`` or ``Na0.5Sn``. A composition's potential is computed on the same kind of hull as the
window and from the same data source: along "the composition without A, plus t A" the A-open hull
has plateaus (two-phase mixtures, constant mu_A) between single equilibria; a composition inside a
plateau fixes mu_A, and its potential is ``V = -mu_A`` (:func:`interfacestab.conventions.voltage_from_mu`).
A composition that is itself one equilibrium (a single phase, or a vertex of the ray) holds over a
voltage range and does not fix a potential: that is an error naming the range.

Voltages vs the reference are ``V - V_ref``; the window keeps its canonical limits vs A/A+.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from interfacestab.analyses.measured import MeasuredReference, all_measured_references
from interfacestab.analyses.targets import ParsedFormula, load_system, parse_input
from interfacestab.analyses.window_routes import HullRoute
from interfacestab.analyses.window_voltages import AtVoltage, check_voltage, equilibrium_at
from interfacestab.chem import Composition, n_atoms, parse_formula, reduced_formula
from interfacestab.conventions import BREAKPOINT_RELATIVE_TOL, ION_CHARGE, ZERO_VOLTAGE_V, check_ion, voltage_from_mu
from interfacestab.errors import AnalysisError, FormulaError

if TYPE_CHECKING:
    from collections.abc import Callable

    from interfacestab.analyses.window import StabilityWindow
    from interfacestab.entries import EntrySet
    from interfacestab.store.database import Store


@dataclass(frozen=True, slots=True)
class ReferenceElectrode:
    """A reference electrode's potential on the A/A+ scale.

    Attributes:
        name: As given (``0.62`` or ``Li0.5In``).
        ion: The mobile ion A.
        voltage_V: Potential vs A/A+ (V).
        obtained: ``given`` (a number) or ``computed`` (a two-phase plateau on the hull).
        how: One sentence: how the potential was obtained.
        phases: The phases of the plateau (computed), else empty.
        source: Data source of the computed plateau, else empty.
        measured: A measured potential of the same electrode from the package's table, if any: quoted only
            when its two phases are the computed plateau's, or when the measured electrode's composition lies
            on the same computed plateau (then ``measured_note`` names both pairs).
        measured_note: Empty when the measured phases are the computed ones; else how they differ.
    """

    name: str
    ion: str
    voltage_V: float
    obtained: str
    how: str
    phases: tuple[str, ...] = ()
    source: str = ""
    measured: MeasuredReference | None = None
    measured_note: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "name": self.name,
            "ion": self.ion,
            "voltage_V": self.voltage_V,
            "obtained": self.obtained,
            "how": self.how,
            "phases": list(self.phases),
            "source": self.source,
            "measured_voltage_V": None if self.measured is None else self.measured.voltage_V,
            "measured": None if self.measured is None else self.measured.to_dict(),
            "measured_note": self.measured_note,
        }


@dataclass(frozen=True, slots=True)
class ReferenceReport:
    """A window seen from a reference electrode: its limits on both scales and the target at its potential."""

    reference: ReferenceElectrode
    reduction_limit_V_vs_reference: float
    oxidation_limit_V_vs_reference: float | None
    stable_at_reference: bool
    at_reference: AtVoltage

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "reference": self.reference.to_dict(),
            "reduction_limit_V_vs_reference": self.reduction_limit_V_vs_reference,
            "oxidation_limit_V_vs_reference": self.oxidation_limit_V_vs_reference,
            "stable_at_reference": self.stable_at_reference,
            "at_reference": self.at_reference.to_dict(),
        }


def _as_number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def given_reference(voltage_V: float, ion: str) -> ReferenceElectrode:
    """A reference given as its potential vs A/A+ (V), checked to be finite and in 0-10 V.

    Raises:
        AnalysisError: for a non-finite or out-of-range value.
    """
    check_voltage(voltage_V, what="a reference potential")
    return ReferenceElectrode(
        name=f"{voltage_V:g} V",
        ion=ion,
        voltage_V=float(voltage_V),
        obtained="given",
        how=f"given: {voltage_V:g} V vs {ion}/{ion}+",
    )


def _volts(mu: float, ion: str) -> float:
    v = voltage_from_mu(float(mu), ION_CHARGE[ion])
    return 0.0 if abs(v) < ZERO_VOLTAGE_V else v


def reference_potential(entries: EntrySet, formula: str | Composition | ParsedFormula, ion: str) -> ReferenceElectrode:
    """The potential of a two-phase reference electrode of composition ``formula`` on the hull of ``entries``.

    Raises:
        AnalysisError: for the ion metal itself, a composition without the ion (``Na0.5Sn`` for Li),
            a composition without the entries' elements, or a
            composition that is one equilibrium over a voltage range (the error names the range).
    """
    check_ion(ion)
    parsed = parse_input(formula)
    comp = parsed.composition
    name = parsed.text
    couple = f"{ion}/{ion}+"
    if set(comp) == {ion}:
        msg = f"--reference {name} is the {ion} metal itself, the 0 V of the {couple} scale: give --reference 0"
        raise AnalysisError(msg)
    _check_contains_ion(comp, name, ion)
    if not set(comp) | {ion} <= set(entries.elements):
        msg = f"the entry set {entries.chemsys} lacks {sorted(set(comp) - set(entries.elements))} for {name}"
        raise AnalysisError(msg)
    route = HullRoute(entries, None)
    elements = tuple(route.elements)
    x = route.vector(comp)
    g = np.array([0.0 if el == ion else comp.get(el, 0.0) for el in elements])
    t = float(comp.get(ion, 0.0))
    ray = route.ray(x, route.hull_energy(x), name, n_atoms(comp), g, ion)
    breakpoints, slopes = ray.breakpoints, ray.slopes
    close = np.flatnonzero(np.abs(breakpoints - t) <= BREAKPOINT_RELATIVE_TOL * max(1.0, t))
    if len(close):
        j = int(close[0])
        low = _volts(slopes[j], ion)
        high = None if j == 0 else _volts(slopes[j - 1], ion)
        single = " + ".join(sorted(ray.phases[j]))
        upper = f"{high:.3f} V" if high is not None else "any higher voltage"
        msg = (
            f"--reference {name} is a single equilibrium ({single}) from {low:.3f} V to {upper} vs {couple}, "
            "not a two-phase plateau: give a composition between two phases (e.g. Li0.5In) or a number in V"
        )
        raise AnalysisError(msg)
    j = int(np.searchsorted(breakpoints, t)) - 1
    voltage = _volts(slopes[j], ion)
    phases = set(ray.phases[j])
    phases |= set(ray.phases[j + 1]) if j + 1 < len(breakpoints) else {ion}
    names = tuple(sorted(reduced_formula({k: 1.0}) if k == ion else k for k in phases))

    def plateau_of(t_other: float) -> int | None:
        """The plateau of the ray that holds ``t_other`` (None on a breakpoint)."""
        if np.any(np.abs(breakpoints - t_other) <= BREAKPOINT_RELATIVE_TOL * max(1.0, t_other)):
            return None
        return int(np.searchsorted(breakpoints, t_other)) - 1

    measured, measured_note = _matching_measured(comp, ion, names, lambda t_other: plateau_of(t_other) == j)
    return ReferenceElectrode(
        name=name,
        ion=ion,
        voltage_V=voltage,
        obtained="computed",
        how=(
            f"computed: {name} lies on the {' + '.join(names)} plateau of the {ion}-open hull of "
            f"{entries.source.name} ({entries.chemsys}), at {voltage:.4f} V vs {couple}"
        ),
        phases=names,
        source=entries.source.name,
        measured=measured,
        measured_note=measured_note,
    )


def _ion_on_the_ray(composition: Composition, other: Composition, ion: str) -> float | None:
    """The ion per ``composition``'s host of ``other`` when both have the same host (non-ion part) up to scale."""
    host = {el: a for el, a in composition.items() if el != ion}
    other_host = {el: a for el, a in other.items() if el != ion}
    if set(host) != set(other_host) or not host:
        return None
    el0 = next(iter(host))
    k = host[el0] / other_host[el0]
    if any(abs(other_host[el] * k - a) > BREAKPOINT_RELATIVE_TOL * max(1.0, a) for el, a in host.items()):
        return None
    return float(other.get(ion, 0.0) * k)


def _matching_measured(
    composition: Composition, ion: str, phases: tuple[str, ...], on_same_plateau: Callable[[float], bool]
) -> tuple[MeasuredReference | None, str]:
    """The measured reference to quote beside a computed plateau of ``phases``, and a note when phases differ.

    Quoted when the measured electrode's two phases are the computed ones (compared as sets of reduced
    formulas); or, labelled, when the measured electrode's own composition lies on the same computed plateau
    (Li0.5In: measured as In + LiIn, while these data put LiIn3 between them). Otherwise nothing is quoted:
    Li3In sits on another plateau, and a measured In + LiIn potential says nothing about it.
    """
    computed = {reduced_formula(parse_formula(p)) for p in phases}
    for m in all_measured_references():
        if m.ion != ion:
            continue
        measured_phases = {reduced_formula(parse_formula(p)) for p in m.phases}
        t_other = _ion_on_the_ray(composition, parse_formula(m.formula), ion)
        if t_other is None:
            continue
        if measured_phases == computed:
            return m, ""
        if on_same_plateau(t_other):
            note = (
                f"measured for {' + '.join(m.phases)} (a different two-phase pair in this data: {' + '.join(phases)})"
            )
            return m, note
    return None, ""


def _check_contains_ion(comp: Composition, name: str, ion: str) -> None:
    """A composition reference is an alloy of the ion: it holds the ion (the ion metal alone is refused before).

    Raises:
        AnalysisError: naming the missing ion (``Na0.5Sn`` for a Li window).
    """
    if comp.get(ion, 0.0) <= 0.0:
        msg = f"the reference {name} contains no {ion}: give a {ion} alloy or a potential in V vs {ion}/{ion}+"
        raise AnalysisError(msg)


def reference_for(value: str, ion: str, *, source: str | None = None, store: Store | None = None) -> ReferenceElectrode:
    """The reference of ``--reference VALUE``: a number (V vs A/A+) or a composition on the store's hull.

    Raises:
        AnalysisError: for a bad number, the ion metal, a composition without the ion or a single-phase
            composition.
        FormulaError: for a malformed formula or an unknown element.
        DataNotFoundError: when the store lacks the electrode's chemical system.
    """
    text = value.strip()
    number = _as_number(text)
    if number is not None:
        if not math.isfinite(number):
            msg = f"--reference must be a finite number of V vs {ion}/{ion}+ or a composition, not '{text}'"
            raise AnalysisError(msg)
        return given_reference(number, ion)
    try:
        parsed = parse_input(text)
    except FormulaError as exc:
        msg = f"--reference '{text}' is neither a number (V vs {ion}/{ion}+) nor a composition: {exc}"
        raise FormulaError(msg) from exc
    if set(parsed.composition) == {ion}:
        return reference_potential(_ion_only(ion), parsed, ion)  # the same one-line error, no store needed
    _check_contains_ion(parsed.composition, parsed.text, ion)  # before loading the system
    entries = load_system(set(parsed.composition) | {ion}, source=source, store=store)
    return reference_potential(entries, parsed, ion)


def _ion_only(ion: str) -> EntrySet:
    from interfacestab.entries import EntrySet
    from interfacestab.provenance import SourceInfo

    return EntrySet((ion,), (), SourceInfo(name="none", description="", thermo_type="", vintage=""))


def with_reference(window: StabilityWindow, reference: ReferenceElectrode) -> StabilityWindow:
    """``window`` seen from ``reference``: limits on both scales, and the target at the reference's potential.

    Raises:
        AnalysisError: when the reference is for another ion than the window.
    """
    if reference.ion != window.ion:
        msg = f"the reference is vs {reference.ion}/{reference.ion}+, the window vs {window.ion}/{window.ion}+"
        raise AnalysisError(msg)
    at = equilibrium_at(window, reference.voltage_V)
    ox = window.oxidation_limit_V
    report = ReferenceReport(
        reference=reference,
        reduction_limit_V_vs_reference=window.reduction_limit_V - reference.voltage_V,
        oxidation_limit_V_vs_reference=None if ox is None else ox - reference.voltage_V,
        stable_at_reference=at.stable,
        at_reference=at,
    )
    notes = window.notes
    if reference.source and reference.source != window.provenance.source.name:
        notes = (
            *notes,
            f"the reference was computed on {reference.source}, the window on {window.provenance.source.name}",
        )
    return replace(window, reference=report, notes=notes)

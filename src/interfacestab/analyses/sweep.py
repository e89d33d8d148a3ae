"""Interface reactions swept over voltage, with the voltages where the interphase changes found exactly.

Within a range where the grand-potential hull keeps its facets, every kink keeps its mixing
ratio and products and its reaction energy is linear in V with slope equal to its A uptake per
non-A atom. So where the minimum's products differ between two grid voltages, the change is
first located as the crossing of the two lines (exact when two competing kinks swap), checked
just below and above; otherwise (a phase appears or vanishes on the hull) the interval is
bisected down to ``tol_V`` and the same test applied to each half.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from interfacestab.analyses.interface import InterfaceKink, InterfacePair, InterfaceProfile, at_state_of_charge
from interfacestab.analyses.interphase import Interphase
from interfacestab.analyses.targets import ParsedFormula, load_system, resolve_target
from interfacestab.analyses.uncertainty_fields import uncertainty_json
from interfacestab.conventions import SCHEMA_VERSION, VOLTAGE_RANGE_V, ENERGY_NOISE_eV_per_atom
from interfacestab.errors import AnalysisError, FormulaError
from interfacestab.provenance import Provenance

if TYPE_CHECKING:
    from interfacestab.analyses.uncertainty import InterfaceUncertainty, UncertaintySettings
    from interfacestab.chem import Composition
    from interfacestab.entries import EntrySet
    from interfacestab.store.database import Store

#: Half-width (V) of the check on either side of a crossing of two kinks' energy lines.
CROSSING_CHECK_V = 1e-6


def open_energy_line(kink: InterfaceKink) -> tuple[float, float]:
    """An open kink's dE (eV per non-A atom) and its slope dE/dV, the A uptake per non-A atom.

    Raises:
        AnalysisError: for a kink of a closed system (no grand potential, no uptake).
    """
    energy, uptake = kink.reaction_energy_eV_per_nonion_atom, kink.ion_uptake_per_nonion_atom
    if energy is None or uptake is None:
        msg = "a voltage sweep needs kinks of a system open to the ion"
        raise AnalysisError(msg)
    return energy, uptake


@dataclass(frozen=True, slots=True)
class SweepPoint:
    """The reaction minimum at one voltage (open to the ion: its kinks fill the ``_eV_per_nonion_atom`` energies)."""

    voltage_V: float
    minimum: InterfaceKink
    no_mixing_energies_eV_per_nonion_atom: dict[str, float]
    mutual_minimum: InterfaceKink | None = None
    #: With ``--sigma``: the sampled interval of the minimum at this voltage (as ``interface --voltage --sigma``).
    uncertainty: InterfaceUncertainty | None = None

    @property
    def reaction_energy_eV_per_nonion_atom(self) -> float:
        """The minimum's grand-potential reaction energy (eV per non-A atom)."""
        return open_energy_line(self.minimum)[0]

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name (the minimum's fields flattened)."""
        return {
            "voltage_V": self.voltage_V,
            **self.minimum.to_dict(),
            "no_mixing_energies_eV_per_nonion_atom": self.no_mixing_energies_eV_per_nonion_atom,
            "mutual_minimum": None if self.mutual_minimum is None else self.mutual_minimum.to_dict(),
            **uncertainty_json(self.uncertainty),
        }


@dataclass(frozen=True, slots=True)
class SweepTransition:
    """A voltage at which the products of the reaction minimum change.

    Attributes:
        voltage_V: The transition (V vs A/A+), exact to ``tolerance_V``.
        products_below: Products of the minimum just below it.
        products_above: Products just above it.
        method: ``crossing`` (two kinks swap, exact) or ``bisection``.
        tolerance_V: Uncertainty of ``voltage_V``.
    """

    voltage_V: float
    products_below: tuple[str, ...]
    products_above: tuple[str, ...]
    method: str
    tolerance_V: float

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "voltage_V": self.voltage_V,
            "products_below": list(self.products_below),
            "products_above": list(self.products_above),
            "method": self.method,
            "tolerance_V": self.tolerance_V,
        }


@dataclass(frozen=True, slots=True)
class InterfaceSweep:
    """Reaction minimum vs voltage and the exact voltages where its products change.

    ``input_a``/``input_b`` are the reactants as given (after any state of charge), ``reactant_a``/``_b``
    as found in the data.
    """

    reactant_a: str
    reactant_b: str
    ion: str
    points: tuple[SweepPoint, ...]
    transitions: tuple[SweepTransition, ...]
    provenance: Provenance
    n_evaluations: int
    input_a: str = ""
    input_b: str = ""
    #: Reactant B charged to a voltage (``--charge-voltage``): ``ChargedCathode.to_dict()``, else None.
    charged_b: dict[str, object] | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "schema_version": SCHEMA_VERSION,
            "reactant_a": self.reactant_a,
            "reactant_b": self.reactant_b,
            "input_a": self.input_a or self.reactant_a,
            "input_b": self.input_b or self.reactant_b,
            "ion": self.ion,
            "points": [p.to_dict() for p in self.points],
            "transitions": [t.to_dict() for t in self.transitions],
            "n_evaluations": self.n_evaluations,
            "provenance": self.provenance.to_dict(),
            "charged_b": self.charged_b,
        }

    #: Columns of :meth:`to_rows` (the CSV): a ``point`` row per grid voltage, a ``transition`` row per change.
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "reactant_a", "reactant_b", "ion", "row_type", "voltage_V", "reaction_energy_eV_per_nonion_atom",
        "mutual_reaction_energy_eV_per_nonion_atom", "reaction_energy_kJ_per_mol", "x_atomic_a", "x_molar_a",
        "ion_uptake_per_nonion_atom", "products", "reaction", "products_below", "products_above", "method",
        "tolerance_V", *Provenance.COLUMNS, *Interphase.COLUMNS,
    )  # fmt: skip

    def to_rows(self) -> list[dict[str, object]]:
        """Grid points and located transitions interleaved by voltage (``row_type`` says which)."""
        head = {"reactant_a": self.reactant_a, "reactant_b": self.reactant_b, "ion": self.ion}
        prov = self.provenance.to_columns()
        items: list[tuple[float, int, dict[str, object]]] = []
        sampled = [p.uncertainty for p in self.points if p.uncertainty is not None]
        extra = tuple(sampled[0].to_columns()) if sampled else ()
        for p in self.points:
            phase = Interphase.empty_columns() if p.minimum.interphase is None else p.minimum.interphase.to_columns()
            interval = {} if p.uncertainty is None else p.uncertainty.to_columns()
            items.append(
                (p.voltage_V, 0, {"row_type": "point", "voltage_V": p.voltage_V, **p.minimum.to_dict(), **phase,
                                  **interval})
            )  # fmt: skip
        for t in self.transitions:
            items.append((t.voltage_V, 1, {"row_type": "transition", **t.to_dict()}))
        items.sort(key=lambda item: (item[0], item[1]))
        return [{c: {**head, **d, **prov}.get(c) for c in (*self.ROW_FIELDS, *extra)} for _, _, d in items]


def parse_sweep(text: str) -> np.ndarray:
    """``0:5:0.1`` -> voltages 0, 0.1, ..., 5 (end included), at most ``MAX_GRID_POINTS`` of them, all finite."""
    from interfacestab.analyses.scan import grid_values

    shown = text if len(text) <= 60 else text[:57] + "..."
    try:
        start, stop, step = (float(v) for v in text.split(":"))
    except ValueError:
        msg = f"sweep '{shown}' must be V1:V2:STEP (volts)"
        raise AnalysisError(msg) from None
    if not all(math.isfinite(v) for v in (start, stop, step)):
        msg = f"sweep '{shown}' needs finite numbers V1:V2:STEP (volts)"
        raise AnalysisError(msg)
    if step <= 0 or stop <= start:
        msg = f"sweep '{shown}' needs V2 > V1 and STEP > 0"
        raise AnalysisError(msg)
    low, high = VOLTAGE_RANGE_V
    if start < low or stop > high:
        msg = f"sweep '{shown}' leaves the sensible range {low:g}-{high:g} V vs A/A+"
        raise AnalysisError(msg)
    try:
        return np.array(grid_values(start, stop, step, what=f"sweep '{shown}'"))
    except FormulaError as exc:  # more than MAX_GRID_POINTS voltages
        raise AnalysisError(str(exc)) from None


def interface_sweep(
    entries: EntrySet,
    reactant_a: str | Composition | ParsedFormula,
    reactant_b: str | Composition | ParsedFormula,
    voltages_V: np.ndarray | list[float],
    *,
    ion: str = "Li",
    use_entry_energies: bool = False,
    tol_V: float = 1e-4,
    uncertainty: UncertaintySettings | None = None,
) -> InterfaceSweep:
    """The reaction minimum at each voltage and every product change between them.

    Args:
        entries: Entries spanning both reactants and ``ion``.
        reactant_a: First reactant.
        reactant_b: Second reactant.
        voltages_V: Grid of voltages (V vs A/A+), ascending.
        ion: Mobile ion open to the reservoir.
        use_entry_energies: Data energies for the reactants instead of hull energies.
        tol_V: Resolution of transitions that are not a crossing of two kinks.
        uncertainty: Sample energy errors (``--sigma``): every grid point gets the interval of its minimum,
            the same as the open interface at that voltage gets (the same compound has the same errors at
            every voltage, so the band along the sweep is one set of samples).
    """
    pair = InterfacePair(
        entries, reactant_a, reactant_b, ion=ion, open_system=True, use_entry_energies=use_entry_energies
    )
    cache: dict[float, InterfaceProfile] = {}

    def at(v: float) -> InterfaceProfile:
        if v not in cache:
            cache[v] = pair.profile(float(v))
        return cache[v]

    grid = [float(v) for v in voltages_V]
    transitions: list[SweepTransition] = []
    for lo, hi in itertools.pairwise(grid):
        transitions += _locate(at, lo, hi, tol_V)
    points = tuple(
        SweepPoint(v, at(v).minimum, at(v).no_mixing_energies_eV_per_normalising_atom, at(v).mutual_minimum,
                   _sampled(entries, at(v), uncertainty))
        for v in grid
    )  # fmt: skip
    first = at(grid[0])
    conventions = dict(first.provenance.conventions)
    conventions["system"] = f"open to {ion}, swept {grid[0]:g}-{grid[-1]:g} V vs {ion}/{ion}+ (mu_{ion} = -V)"
    provenance = replace(first.provenance, conventions=conventions)
    return InterfaceSweep(
        first.reactant_a,
        first.reactant_b,
        ion,
        points,
        tuple(transitions),
        provenance,
        len(cache),
        input_a=first.input_a,
        input_b=first.input_b,
    )


def _sampled(
    entries: EntrySet, profile: InterfaceProfile, settings: UncertaintySettings | None
) -> InterfaceUncertainty | None:
    if settings is None:
        return None
    from interfacestab.analyses.uncertainty import interface_uncertainty

    return interface_uncertainty(entries, profile, settings)


def _products(profile: InterfaceProfile) -> tuple[str, ...]:
    return profile.minimum.products


def _locate(at: object, lo: float, hi: float, tol_V: float) -> list[SweepTransition]:
    """Transitions of the minimum's products inside (lo, hi]."""
    f = at  # callable voltage -> profile
    p_lo, p_hi = f(lo), f(hi)  # type: ignore[operator]
    if _products(p_lo) == _products(p_hi):
        return []
    (e_lo, u_lo), (e_hi, u_hi) = open_energy_line(p_lo.minimum), open_energy_line(p_hi.minimum)
    # crossing of the two kinks' linear energies E(V) = E(V0) + uptake * (V - V0), per non-A atom
    du = u_lo - u_hi
    if abs(du) > ENERGY_NOISE_eV_per_atom:
        v_star = (e_hi - u_hi * hi - e_lo + u_lo * lo) / du
        eps = min(CROSSING_CHECK_V, (hi - lo) / 4)
        if lo + eps < v_star < hi - eps:
            below, above = f(v_star - eps), f(v_star + eps)  # type: ignore[operator]
            if _products(below) == _products(p_lo) and _products(above) == _products(p_hi):
                return [SweepTransition(float(v_star), _products(p_lo), _products(p_hi), "crossing", eps)]
    if hi - lo <= tol_V:
        return [SweepTransition((lo + hi) / 2, _products(p_lo), _products(p_hi), "bisection", (hi - lo) / 2)]
    mid = (lo + hi) / 2
    return _locate(at, lo, mid, tol_V) + _locate(at, mid, hi, tol_V)


def interface_sweep_for(
    reactant_a: str | Composition | ParsedFormula,
    reactant_b: str | Composition | ParsedFormula,
    sweep: str,
    *,
    ion: str = "Li",
    use_entry_energies: bool = False,
    state_of_charge_a: float | None = None,
    state_of_charge_b: float | None = None,
    source: str | None = None,
    store: Store | None = None,
    uncertainty: UncertaintySettings | None = None,
) -> InterfaceSweep:
    """Voltage sweep of an interface from the local store (``interfacestab interface --sweep``).

    Each reactant is parsed once, here, with ``state_of_charge_a``/``_b`` of its ion removed when given.
    """
    voltages = parse_sweep(sweep)
    a = at_state_of_charge(reactant_a, ion, state_of_charge_a)
    b = at_state_of_charge(reactant_b, ion, state_of_charge_b)
    elements = sorted(set(a.composition) | set(b.composition) | {ion})
    entries = load_system(elements, source=source, store=store)
    result = interface_sweep(
        entries, a, b, voltages, ion=ion, use_entry_energies=use_entry_energies, uncertainty=uncertainty
    )
    comp_a, comp_b = resolve_target(entries, a).composition, resolve_target(entries, b).composition
    return with_interphases(result, comp_a, comp_b, store)


def with_interphases(
    result: InterfaceSweep, composition_a: Composition, composition_b: Composition, store: Store | None
) -> InterfaceSweep:
    """The sweep annotated with the interphase at every grid voltage (one property lookup)."""
    from interfacestab.analyses import interphase
    from interfacestab.store import store_or_default

    with store_or_default(store) as st:
        table = interphase.load_properties(st, interphase.sweep_formulas(result))
    return interphase.annotate_sweep(result, composition_a, composition_b, table)

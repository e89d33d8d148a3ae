"""Electrochemical stability window of a composition on the A-open grand-potential hull.

Method (exact, no grand-potential hull is rebuilt):
1. Build (or reuse) the closed hull of the system with A; stabilize the target by exact
   insertion ``E_hull - 1e-6 eV/atom`` (policy ``stabilize``, see conventions).
2. Walk the ray "target without A, plus t atoms of A" (pymatgen's critical compositions for
   ``get_element_profile``): the extensive hull energy along it is the upper envelope of one
   line per facet, ``mu_f . g + t mu_f,A``. Its breakpoints T_j are the equilibrium
   compositions; the slopes on either side are mu_A at the ends of the stage, and
   ``V = -mu_A`` (z = 1, mu_A0 = 0 on the same hull).
3. The stage at the target's own A content is the window; the stages next to it give the
   reduction (more A) and oxidation (less A) products.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from interfacestab._masses import ATOMIC_MASS_g_per_mol
from interfacestab.analyses.interphase import Interphase
from interfacestab.analyses.reactions import reaction_string
from interfacestab.analyses.targets import ParsedFormula, Target, load_system, parse_input, resolve_target
from interfacestab.analyses.uncertainty_fields import uncertainty_json, uncertainty_rows
from interfacestab.analyses.window_routes import HullRoute, LPRoute, Route
from interfacestab.analyses.window_voltages import check_voltage, with_voltages
from interfacestab.chem import Composition, chemsys, n_atoms
from interfacestab.conventions import (
    BREAKPOINT_RELATIVE_TOL,
    COMPOSITION_TOL,
    DEFAULT_MAX_VOLTAGE_V,
    ION_AMOUNT_TOL,
    ION_CHARGE,
    MAX_VOLTAGE_RANGE_V,
    NARROW_WINDOW_V,
    REPORT_VOLTAGES_V,
    SCHEMA_VERSION,
    WINDOW_CAVEATS,
    WINDOW_SAMPLED_THERMODYNAMICS_CAVEAT,
    ZERO_VOLTAGE_V,
    ENERGY_NOISE_eV_per_atom,
    EnergySource,
    STABILIZATION_EPSILON_eV_per_atom,
    capacity_mAh_per_g,
    check_ion,
    conventions_summary,
    stabilization_policy,
    stabilization_text,
    voltage_from_mu,
)
from interfacestab.engine.ray import LP_ROUTE_MIN_ELEMENTS
from interfacestab.entries import EntrySet, composition_key
from interfacestab.errors import AnalysisError
from interfacestab.provenance import Provenance

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from interfacestab.analyses.measured import MeasuredWindow
    from interfacestab.analyses.reference import ReferenceReport
    from interfacestab.analyses.uncertainty import WindowUncertainty
    from interfacestab.analyses.window_voltages import AtVoltage
    from interfacestab.engine.cache import HullCache
    from interfacestab.engine.hull import Hull
    from interfacestab.store.database import Store


@dataclass(frozen=True, slots=True)
class WindowStage:
    """One equilibrium stage of the voltage profile (labelled by both ends).

    Attributes:
        voltage_low_V: Lower end (V vs A/A+).
        voltage_high_V: Upper end (V vs A/A+); None for the open-ended highest stage.
        ion_per_formula_unit: A taken up (+) or released (-) per formula unit of the target.
        phases: Reduced formulas of the phases in equilibrium.
        reaction: Balanced reaction from the target (with A) to the phases.
        decomposition_energy_eV_per_nonion_atom: Grand-potential decomposition energy of the target
            (eV per non-A atom) at the stage end farthest from the window, within 0-5 V.
        decomposition_energy_low_eV_per_nonion_atom: The same at ``voltage_low_V``.
        decomposition_energy_high_eV_per_nonion_atom: The same at ``voltage_high_V`` (None when open).
        is_window: Whether this is the target's own stability stage.
        capacity_mAh_per_g: Charge of the step into this stage from its neighbour towards the window
            (mAh per gram of the target; 0 for the window stage).
        cumulative_capacity_mAh_per_g: Charge of all A exchanged from the target to this stage
            (``|ion_per_formula_unit|`` in mAh per gram of the target), counted from the window edge.
        decomposition_energy_eV_per_target_atom: ``decomposition_energy_eV_per_nonion_atom`` per atom of
            the target instead (the normalisation of Zhu, He & Mo 2015, Tables 2-3).
        decomposition_energy_low_eV_per_target_atom: The same at ``voltage_low_V``.
        decomposition_energy_high_eV_per_target_atom: The same at ``voltage_high_V`` (None when open).
        interphase: Character of the stage's products (band gaps, verdict, volume change); None for
            the window stage (no reaction) or when not annotated (:mod:`interfacestab.analyses.interphase`).
    """

    voltage_low_V: float
    voltage_high_V: float | None
    ion_per_formula_unit: float
    phases: tuple[str, ...]
    reaction: str
    decomposition_energy_eV_per_nonion_atom: float
    decomposition_energy_low_eV_per_nonion_atom: float
    decomposition_energy_high_eV_per_nonion_atom: float | None
    is_window: bool
    capacity_mAh_per_g: float = 0.0
    cumulative_capacity_mAh_per_g: float = 0.0
    decomposition_energy_eV_per_target_atom: float = 0.0
    decomposition_energy_low_eV_per_target_atom: float = 0.0
    decomposition_energy_high_eV_per_target_atom: float | None = None
    interphase: Interphase | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "voltage_low_V": self.voltage_low_V,
            "voltage_high_V": self.voltage_high_V,
            "ion_per_formula_unit": self.ion_per_formula_unit,
            "phases": list(self.phases),
            "reaction": self.reaction,
            "decomposition_energy_eV_per_nonion_atom": self.decomposition_energy_eV_per_nonion_atom,
            "decomposition_energy_low_eV_per_nonion_atom": self.decomposition_energy_low_eV_per_nonion_atom,
            "decomposition_energy_high_eV_per_nonion_atom": self.decomposition_energy_high_eV_per_nonion_atom,
            "is_window": self.is_window,
            "capacity_mAh_per_g": self.capacity_mAh_per_g,
            "cumulative_capacity_mAh_per_g": self.cumulative_capacity_mAh_per_g,
            "decomposition_energy_eV_per_target_atom": self.decomposition_energy_eV_per_target_atom,
            "decomposition_energy_low_eV_per_target_atom": self.decomposition_energy_low_eV_per_target_atom,
            "decomposition_energy_high_eV_per_target_atom": self.decomposition_energy_high_eV_per_target_atom,
            "interphase": None if self.interphase is None else self.interphase.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class StabilityWindow:
    """Stability window of a composition against the mobile ion A (V vs A/A+).

    ``oxidation_limit_V`` is None for a target without A (it cannot release A).
    ``energy_source`` says where the target's energy came from: ``data``, ``stabilized``
    (lowered onto the hull), ``virtual`` (not in the data; placed on the hull) or ``user``.
    Energies of the profile are grand-potential energies per atom of non-A elements.
    """

    formula: str
    ion: str
    composition: Composition
    reduction_limit_V: float
    oxidation_limit_V: float | None
    reduction_products: tuple[str, ...]
    oxidation_products: tuple[str, ...]
    reduction_reaction: str | None
    oxidation_reaction: str | None
    e_above_hull_eV_per_atom: float | None
    hull_energy_eV_per_atom: float
    target_energy_eV_per_atom: float
    in_database: bool
    material_id: str
    energy_source: EnergySource
    stabilized: bool
    stabilization_policy: str
    decomposition_energy_at_0V_eV_per_nonion_atom: float
    decomposition_energy_at_5V_eV_per_nonion_atom: float
    profile: tuple[WindowStage, ...]
    provenance: Provenance
    notes: tuple[str, ...] = field(default=())
    input_formula: str = ""
    formula_mass_g_per_mol: float = 0.0
    decomposition_energy_at_0V_eV_per_target_atom: float = 0.0
    decomposition_energy_at_5V_eV_per_target_atom: float = 0.0
    max_voltage_V: float = DEFAULT_MAX_VOLTAGE_V
    decomposition_energy_at_max_voltage_eV_per_nonion_atom: float = 0.0
    decomposition_energy_at_max_voltage_eV_per_target_atom: float = 0.0
    at_voltages: tuple[AtVoltage, ...] = ()
    reference: ReferenceReport | None = None
    measured_windows: tuple[MeasuredWindow, ...] = ()
    compared: bool = False
    caveats: tuple[str, ...] = tuple(text for _, text in WINDOW_CAVEATS)
    reduction_interphase: Interphase | None = None
    oxidation_interphase: Interphase | None = None
    interphase_at_ion_metal: Interphase | None = None
    uncertainty: WindowUncertainty | None = None

    def __post_init__(self) -> None:
        """The thermodynamics caveat says what a sampled interval covers when ``uncertainty`` is present."""
        plain, sampled = WINDOW_CAVEATS[0][1], WINDOW_SAMPLED_THERMODYNAMICS_CAVEAT[1]
        old, new = (plain, sampled) if self.uncertainty is not None else (sampled, plain)
        if old in self.caveats:
            object.__setattr__(self, "caveats", tuple(new if c == old else c for c in self.caveats))

    @property
    def width_V(self) -> float | None:
        """Window width (V); None when open-ended."""
        return None if self.oxidation_limit_V is None else self.oxidation_limit_V - self.reduction_limit_V

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name (the stable JSON contract)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "formula": self.formula,
            "input_formula": self.input_formula or self.formula,
            "ion": self.ion,
            "composition": dict(self.composition),
            "reduction_limit_V": self.reduction_limit_V,
            "oxidation_limit_V": self.oxidation_limit_V,
            "reduction_products": list(self.reduction_products),
            "oxidation_products": list(self.oxidation_products),
            "reduction_reaction": self.reduction_reaction,
            "oxidation_reaction": self.oxidation_reaction,
            "e_above_hull_eV_per_atom": self.e_above_hull_eV_per_atom,
            "hull_energy_eV_per_atom": self.hull_energy_eV_per_atom,
            "target_energy_eV_per_atom": self.target_energy_eV_per_atom,
            "in_database": self.in_database,
            "material_id": self.material_id,
            "energy_source": self.energy_source,
            "stabilized": self.stabilized,
            "stabilization_policy": self.stabilization_policy,
            "decomposition_energy_at_0V_eV_per_nonion_atom": self.decomposition_energy_at_0V_eV_per_nonion_atom,
            "decomposition_energy_at_5V_eV_per_nonion_atom": self.decomposition_energy_at_5V_eV_per_nonion_atom,
            "profile": [s.to_dict() for s in self.profile],
            "notes": list(self.notes),
            "provenance": self.provenance.to_dict(),
            **self._extra_dict(),
            **self._interphase_dict(),
            **uncertainty_json(self.uncertainty),
        }

    def _interphase_dict(self) -> dict[str, object]:
        """The interphases at both limits and at the ion metal (0 V), None where there is no reaction."""
        return {
            "reduction_interphase": None if self.reduction_interphase is None else self.reduction_interphase.to_dict(),
            "oxidation_interphase": None if self.oxidation_interphase is None else self.oxidation_interphase.to_dict(),
            "interphase_at_ion_metal": (
                None if self.interphase_at_ion_metal is None else self.interphase_at_ion_metal.to_dict()
            ),
        }

    def _extra_dict(self) -> dict[str, object]:
        """Fields of issue 12 (capacity, per-target-atom energies, profile range), after the older ones."""
        return {
            "formula_mass_g_per_mol": self.formula_mass_g_per_mol,
            "decomposition_energy_at_0V_eV_per_target_atom": self.decomposition_energy_at_0V_eV_per_target_atom,
            "decomposition_energy_at_5V_eV_per_target_atom": self.decomposition_energy_at_5V_eV_per_target_atom,
            "max_voltage_V": self.max_voltage_V,
            "decomposition_energy_at_max_voltage_eV_per_nonion_atom": (
                self.decomposition_energy_at_max_voltage_eV_per_nonion_atom
            ),
            "decomposition_energy_at_max_voltage_eV_per_target_atom": (
                self.decomposition_energy_at_max_voltage_eV_per_target_atom
            ),
            "at_voltages": [a.to_dict() for a in self.at_voltages],
            **self._reference_dict(),
            "compared": self.compared,
            "measured_windows": [m.to_dict() for m in self.measured_windows],
            "caveats": list(self.caveats),
        }

    def _reference_dict(self) -> dict[str, object]:
        """``reference`` and the limits vs the reference (null without ``--reference``)."""
        ref = self.reference
        keys = (
            "reference",
            "reduction_limit_V_vs_reference",
            "oxidation_limit_V_vs_reference",
            "stable_at_reference",
            "at_reference",
        )
        return dict.fromkeys(keys) if ref is None else ref.to_dict()

    #: Columns of :meth:`to_rows` (the CSV), in order: the window, its stage, the provenance.
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "formula", "ion", "reduction_limit_V", "oxidation_limit_V", "e_above_hull_eV_per_atom", "in_database",
        "material_id", "stabilized", "stabilization_policy", "voltage_low_V", "voltage_high_V",
        "ion_per_formula_unit", "phases", "reaction", "decomposition_energy_eV_per_nonion_atom",
        "decomposition_energy_low_eV_per_nonion_atom", "decomposition_energy_high_eV_per_nonion_atom", "is_window",
        *Provenance.COLUMNS, *Interphase.COLUMNS,
        "capacity_mAh_per_g", "cumulative_capacity_mAh_per_g", "decomposition_energy_eV_per_target_atom",
        "decomposition_energy_low_eV_per_target_atom", "decomposition_energy_high_eV_per_target_atom",
        "formula_mass_g_per_mol", "max_voltage_V", "row_type", "at_voltage_V", "on_transition",
        "decomposition_energy_at_voltage_eV_per_nonion_atom", "decomposition_energy_at_voltage_eV_per_target_atom",
        "reference_name", "reference_voltage_V", "reference_obtained", "reduction_limit_V_vs_reference",
        "oxidation_limit_V_vs_reference", "stable_at_reference", "voltage_low_V_vs_reference",
        "voltage_high_V_vs_reference", "measured_reduction_limit_V", "measured_oxidation_limit_V",
        "measured_method", "measured_citation", "caveats",
    )  # fmt: skip

    def to_rows(self) -> list[dict[str, object]]:
        """Flat rows keyed by ``ROW_FIELDS``: one per profile stage from 0 V upward (``row_type`` ``stage``).

        Then one ``at_voltage`` row per equilibrium at each ``--at`` voltage (two on a transition): the
        stage columns are those of the stage that holds the voltage, ``at_voltage_V``,
        ``on_transition`` and the ``decomposition_energy_at_voltage_*`` columns are its own.
        """
        head = {k: v for k, v in self.to_dict().items() if k in self.ROW_FIELDS}
        if self.reference is not None:
            head |= {
                "reference_name": self.reference.reference.name,
                "reference_voltage_V": self.reference.reference.voltage_V,
                "reference_obtained": self.reference.reference.obtained,
            }
        head["caveats"] = " | ".join(self.caveats)
        if self.measured_windows:
            m = self.measured_windows[0]  # the table has at most one row per compound and ion
            head |= {
                "measured_reduction_limit_V": m.reduction_limit_V,
                "measured_oxidation_limit_V": m.oxidation_limit_V,
                "measured_method": m.method,
                "measured_citation": m.citation,
            }
        prov = self.provenance.to_columns()
        blank = dict.fromkeys(self.ROW_FIELDS[self.ROW_FIELDS.index("row_type") :])
        rows = [
            {**blank, **head, **s.to_dict(), **prov, **_interphase_columns(s), "row_type": "stage"}
            for s in self.profile
        ]
        for at in self.at_voltages:
            for e in at.equilibria:
                stage = next(
                    s
                    for s in self.profile
                    if (s.voltage_low_V, s.voltage_high_V, s.phases)
                    == (e.stage_voltage_low_V, e.stage_voltage_high_V, e.phases)
                )
                rows.append(
                    {
                        **blank,
                        **head,
                        **stage.to_dict(),
                        **prov,
                        **_interphase_columns(stage),
                        "row_type": "at_voltage",
                        "at_voltage_V": at.voltage_V,
                        "on_transition": at.on_transition,
                        "decomposition_energy_at_voltage_eV_per_nonion_atom": e.decomposition_energy_eV_per_nonion_atom,
                        "decomposition_energy_at_voltage_eV_per_target_atom": e.decomposition_energy_eV_per_target_atom,
                    }
                )
        if self.reference is not None:
            v_ref = self.reference.reference.voltage_V
            for row in rows:
                high = row["voltage_high_V"]
                row["voltage_low_V_vs_reference"] = float(row["voltage_low_V"]) - v_ref  # type: ignore[arg-type]
                row["voltage_high_V_vs_reference"] = None if high is None else float(high) - v_ref  # type: ignore[arg-type]
        return uncertainty_rows([{c: row[c] for c in self.ROW_FIELDS} for row in rows], self.uncertainty)


def stability_window(
    entries: EntrySet,
    formula: str | Composition | ParsedFormula,
    *,
    ion: str = "Li",
    stabilize: bool = True,
    energy_above_hull_eV_per_atom: float | None = None,
    hull: Hull | None = None,
    route: str = "auto",
    max_voltage_V: float = DEFAULT_MAX_VOLTAGE_V,
    at_voltages_V: Sequence[float] = (),
) -> StabilityWindow:
    """Stability window, limit products and voltage profile of ``formula`` open to ``ion``.

    Args:
        entries: Entries of a chemical system that contains the target's elements and ``ion``.
        formula: Target formula (in the data, or a virtual composition such as ``Li6.5P0.5Ge0.5S5I``);
            found in the data by composition, however written (``LiNi1/3Mn1/3Co1/3O2``).
        ion: Mobile ion A (Li, Na or K), open to a reservoir at mu_A = -V.
        stabilize: Place a metastable or virtual target 1e-6 eV/atom below the hull (default);
            False keeps the data as they are.
        energy_above_hull_eV_per_atom: Energy of the target relative to the hull, used instead
            of the data (see :func:`interfacestab.conventions.stabilization_policy`).
        hull: A prebuilt hull of ``entries`` (batch work reuses one per system); implies the hull route.
        route: ``hull`` (convex hull, then the facet envelope along the ray), ``lp`` (linear
            programmes along the ray, no hull) or ``auto``: ``lp`` from
            :data:`~interfacestab.engine.ray.LP_ROUTE_MIN_ELEMENTS` elements up, unless ``hull`` is given.
        max_voltage_V: Top of the profile range (V vs A/A+, 5 to 10, default 5): each stage's decomposition energy
            is taken within 0 to this voltage, and the result also gives it at this voltage.
        at_voltages_V: Voltages (V vs A/A+) at which the target's equilibrium is reported (``at_voltages``).

    Raises:
        AnalysisError: for an unsupported ion, a target outside the system, the ion metal itself,
            or a ``max_voltage_V`` outside 5-10 V.
    """
    check_ion(ion)
    check_max_voltage(max_voltage_V)
    for v in at_voltages_V:
        check_voltage(v)
    if route not in {"auto", "hull", "lp"}:
        msg = f"route must be auto, hull or lp, not '{route}'"
        raise AnalysisError(msg)
    target = resolve_target(entries, formula)
    needed = set(target.composition) | {ion}
    if not needed <= set(entries.elements):
        msg = f"the entry set {entries.chemsys} lacks {sorted(needed - set(entries.elements))} for {target.formula}"
        raise AnalysisError(msg)
    if set(target.composition) == {ion}:
        msg = (
            f"{target.formula} is the {ion} metal itself, the 0 V reference of every window vs {ion}/{ion}+: "
            f"it is stable only at 0 V and dissolves as {ion}+ above it; give a compound (or another element)"
        )
        raise AnalysisError(msg)
    if energy_above_hull_eV_per_atom is not None and len(target.composition) == 1:
        msg = f"{target.formula} is an element, the 0 eV/atom reference: --energy-above-hull applies to compounds"
        raise AnalysisError(msg)
    if route == "auto":
        route = "hull" if hull is not None or len(needed) < LP_ROUTE_MIN_ELEMENTS else "lp"
    if route == "hull" and hull is not None:
        system = entries  # the given hull is that of ``entries``, possibly wider than the target's system
    else:
        hull = None
        system = entries if set(entries.elements) == needed else entries.subset(sorted(needed))
    engine: Route = HullRoute(system, hull) if route == "hull" else LPRoute(system)
    x = engine.vector(target.composition)
    e_hull = engine.hull_energy(x)
    if energy_above_hull_eV_per_atom is not None and target.in_database:
        # the user's energy replaces the data's entries of this composition (all polymorphs)
        key = composition_key(target.composition)
        others = tuple(e for e in system.entries if composition_key(e.composition) != key)
        reduced = EntrySet(system.elements, others, system.source)
        engine = HullRoute(reduced, None) if route == "hull" else LPRoute(reduced)
    window = _window(engine, system, target, x, e_hull, ion, stabilize, energy_above_hull_eV_per_atom, max_voltage_V)
    return with_voltages(window, at_voltages_V) if at_voltages_V else window


def check_max_voltage(max_voltage_V: float) -> float:
    """The top of a window's profile range, checked: a finite number from 5 to 10 V (``MAX_VOLTAGE_RANGE_V``).

    It only extends the profile above the default 5 V: a lower top would cut the oxidation stages short
    and change their decomposition energies.

    Raises:
        AnalysisError: for anything else.
    """
    low, high = MAX_VOLTAGE_RANGE_V
    if not math.isfinite(max_voltage_V) or not low <= max_voltage_V <= high:
        msg = (
            f"the maximum voltage must be from {low:g} to {high:g} V vs A/A+ (it extends the profile above the "
            f"default {DEFAULT_MAX_VOLTAGE_V:g} V), not {max_voltage_V:g}"
        )
        raise AnalysisError(msg)
    return float(max_voltage_V)


def molar_mass_g_per_mol(composition: Mapping[str, float]) -> float:
    """Molar mass of a formula unit (g/mol) from pymatgen's atomic masses (copied in ``interfacestab._masses``)."""
    return float(sum(amount * ATOMIC_MASS_g_per_mol[el] for el, amount in composition.items()))


def _window(
    engine: Route,
    system: EntrySet,
    target: Target,
    x: np.ndarray,
    e_hull: float,
    ion: str,
    stabilize: bool,
    energy_above_hull: float | None,
    max_voltage_V: float = DEFAULT_MAX_VOLTAGE_V,
) -> StabilityWindow:
    notes: list[str] = []
    if target.resolution_note:
        notes.append(target.resolution_note)
    e_above = None if target.e_form_eV_per_atom is None else target.e_form_eV_per_atom - e_hull
    if e_above is not None and abs(e_above) < ENERGY_NOISE_eV_per_atom:
        e_above = 0.0
    policy = stabilization_policy(stabilize, energy_above_hull)

    # --- the target's energy under the policy (conventions.stabilization_policy) -------------
    e_hull_work = engine.hull_energy(x) if energy_above_hull is not None else e_hull  # without its own entries
    if energy_above_hull is not None:
        energy = e_hull + energy_above_hull
        if (
            energy_above_hull == 0 and not energy < e_hull_work - ENERGY_NOISE_eV_per_atom
        ):  # 0: on the hull, as a vertex
            energy -= STABILIZATION_EPSILON_eV_per_atom
        stabilized = energy_above_hull <= 0
        if e_above == 0.0:
            notes.append(
                f"{target.formula} is on the hull in the data: the value is applied to its own energy "
                f"({target.e_form_eV_per_atom:.4f} {energy_above_hull:+.4f} eV/atom), in place of its data entry"
            )
        e_above = energy_above_hull
        notes.append(f"target energy set by the user: {energy_above_hull:+.4f} eV/atom relative to the hull")
        energy_source = EnergySource.USER
    elif target.e_form_eV_per_atom is None:
        if not stabilize:
            msg = f"{target.formula} is not in the data; give --energy-above-hull or allow stabilization"
            raise AnalysisError(msg)
        energy, stabilized, energy_source = e_hull - STABILIZATION_EPSILON_eV_per_atom, True, EnergySource.VIRTUAL
        notes.append("virtual composition (not in the data) placed on the hull")
    elif stabilize and e_above is not None and e_above > 0:
        energy, stabilized, energy_source = e_hull - STABILIZATION_EPSILON_eV_per_atom, True, EnergySource.STABILIZED
    else:
        energy, stabilized, energy_source = float(target.e_form_eV_per_atom), False, EnergySource.DATA
    atoms_target = n_atoms(target.composition)
    if energy > e_hull_work + ENERGY_NOISE_eV_per_atom:
        notes.append("target above the hull and not stabilized: limits are those of its equilibrium products")

    # --- the ray g + t A -------------------------------------------------------------------
    comp = target.composition
    elements = tuple(system.elements)
    g = np.array([0.0 if el == ion else comp.get(el, 0.0) for el in elements])
    t_target = float(comp.get(ion, 0.0))
    ray = engine.ray(x, energy, target.formula, atoms_target, g, ion)
    breakpoints, slopes, phi_break = ray.breakpoints, ray.slopes, ray.phi
    n_non_a = float(g.sum())
    energy_target = energy * atoms_target  # eV per formula unit

    def delta_phi(voltage_V: float, t: float, phi_t: float) -> float:
        # grand-potential decomposition energy per non-A atom, mu_A = -V
        return ((phi_t + voltage_V * t) - (energy_target + voltage_V * t_target)) / n_non_a

    def best_delta_phi(voltage_V: float) -> float:
        return float(min(delta_phi(voltage_V, t, p) for t, p in zip(breakpoints, phi_break, strict=True)))

    close = np.flatnonzero(np.abs(breakpoints - t_target) <= BREAKPOINT_RELATIVE_TOL * max(1.0, t_target))
    if len(close):
        window_index, degenerate = int(close[0]), False
    else:  # target inside a plateau: a single-voltage window
        window_index, degenerate = int(np.searchsorted(breakpoints, t_target) - 1), True

    def volts(mu: float) -> float:
        v = voltage_from_mu(float(mu), ION_CHARGE[ion])
        return 0.0 if abs(v) < ZERO_VOLTAGE_V else v

    stages: list[WindowStage] = []
    for j, t_j in enumerate(breakpoints):
        v_low = volts(slopes[j])
        v_high = None if j == 0 else volts(slopes[j - 1])
        phases = ray.phases[j]
        d_low = delta_phi(v_low, t_j, phi_break[j])
        d_high = None if v_high is None else delta_phi(v_high, t_j, phi_break[j])
        if t_j > t_target:  # reduced side: largest driving force at the low end
            d_extreme = delta_phi(max(v_low, REPORT_VOLTAGES_V[0]), t_j, phi_break[j])
        else:
            top = max_voltage_V if v_high is None else min(v_high, max_voltage_V)
            d_extreme = delta_phi(max(v_low, top), t_j, phi_break[j])
        dn = t_j - t_target
        dn = 0.0 if abs(dn) < ION_AMOUNT_TOL else dn
        reaction = _reaction(target.formula, ion, dn, phases)
        stages.append(
            WindowStage(
                voltage_low_V=v_low,
                voltage_high_V=v_high,
                ion_per_formula_unit=float(dn),
                phases=tuple(sorted(phases)),
                reaction=reaction,
                decomposition_energy_eV_per_nonion_atom=float(d_extreme),
                decomposition_energy_low_eV_per_nonion_atom=float(d_low),
                decomposition_energy_high_eV_per_nonion_atom=None if d_high is None else float(d_high),
                is_window=(j == window_index and not degenerate),
            )
        )

    if degenerate:
        v = volts(slopes[window_index])
        v_red, v_ox = v, (v if t_target > 0 else None)
        red_stage = stages[window_index + 1] if window_index + 1 < len(stages) else None
        ox_stage = stages[window_index] if t_target > 0 else None
        notes.append("the target lies inside a two-phase plateau: its window is a single voltage")
    else:
        win = stages[window_index]
        v_red, v_ox = win.voltage_low_V, win.voltage_high_V
        red_stage = stages[window_index + 1] if window_index + 1 < len(stages) else None
        ox_stage = stages[window_index - 1] if window_index > 0 else None
    if t_target == 0:
        v_ox, ox_stage = None, None
    if v_red == 0.0:
        red_stage = None
    if v_ox is not None and not degenerate and v_ox - v_red < NARROW_WINDOW_V:
        notes.append(_narrow_window_note(v_ox - v_red, stabilized, red_stage, ox_stage))

    mass = molar_mass_g_per_mol(comp)
    per_target = n_non_a / atoms_target  # eV per non-A atom -> eV per atom of the target
    stages = _with_capacity_and_target_atoms(stages, mass, ION_CHARGE[ion], per_target)
    profile = tuple(reversed(stages))  # from 0 V upward
    warnings: tuple[str, ...] = ()
    if energy_source == EnergySource.VIRTUAL:
        width = None if v_ox is None else v_ox - v_red
        warnings = (virtual_composition_warning(target.formula, width, red_stage, ox_stage),)
    provenance = Provenance(
        source=system.source,
        chemsys=chemsys(elements),
        n_entries_in_chemsys=len(system.entries),
        conventions=conventions_summary(stabilization=stabilization_text(stabilize, energy_above_hull)),
        warnings=warnings,
    )
    return StabilityWindow(
        formula=target.formula,
        ion=ion,
        composition=dict(comp),
        reduction_limit_V=float(v_red),
        oxidation_limit_V=None if v_ox is None else float(v_ox),
        reduction_products=red_stage.phases if red_stage else (),
        oxidation_products=ox_stage.phases if ox_stage else (),
        reduction_reaction=red_stage.reaction if red_stage else None,
        oxidation_reaction=ox_stage.reaction if ox_stage else None,
        e_above_hull_eV_per_atom=None if e_above is None else float(e_above),
        hull_energy_eV_per_atom=e_hull,
        target_energy_eV_per_atom=float(energy),
        in_database=target.in_database,
        material_id=target.material_id,
        energy_source=energy_source,
        stabilized=bool(stabilized),
        stabilization_policy=policy,
        decomposition_energy_at_0V_eV_per_nonion_atom=best_delta_phi(REPORT_VOLTAGES_V[0]),
        decomposition_energy_at_5V_eV_per_nonion_atom=best_delta_phi(REPORT_VOLTAGES_V[1]),
        profile=profile,
        provenance=provenance,
        notes=tuple(notes),
        input_formula=target.input_formula or target.formula,
        formula_mass_g_per_mol=mass,
        decomposition_energy_at_0V_eV_per_target_atom=best_delta_phi(REPORT_VOLTAGES_V[0]) * per_target,
        decomposition_energy_at_5V_eV_per_target_atom=best_delta_phi(REPORT_VOLTAGES_V[1]) * per_target,
        max_voltage_V=max_voltage_V,
        decomposition_energy_at_max_voltage_eV_per_nonion_atom=best_delta_phi(max_voltage_V),
        decomposition_energy_at_max_voltage_eV_per_target_atom=best_delta_phi(max_voltage_V) * per_target,
    )


def _with_capacity_and_target_atoms(
    stages: list[WindowStage], mass_g_per_mol: float, z: int, per_target: float
) -> list[WindowStage]:
    """Stages with their capacities (step and cumulative from the window edge) and per-target-atom energies."""
    out = []
    for stage in stages:
        dn = stage.ion_per_formula_unit
        # the neighbour towards the window is the same-side stage with the next smaller |dn| (0: the target)
        inner = [abs(o.ion_per_formula_unit) for o in stages if o.ion_per_formula_unit * dn > 0]
        previous = max((a for a in inner if a < abs(dn)), default=0.0)
        high = stage.decomposition_energy_high_eV_per_nonion_atom
        out.append(
            replace(
                stage,
                capacity_mAh_per_g=capacity_mAh_per_g(abs(dn) - previous, mass_g_per_mol, z),
                cumulative_capacity_mAh_per_g=capacity_mAh_per_g(dn, mass_g_per_mol, z),
                decomposition_energy_eV_per_target_atom=stage.decomposition_energy_eV_per_nonion_atom * per_target,
                decomposition_energy_low_eV_per_target_atom=stage.decomposition_energy_low_eV_per_nonion_atom
                * per_target,
                decomposition_energy_high_eV_per_target_atom=None if high is None else high * per_target,
            )
        )
    return out


#: How every warning about a virtual composition's inherited window starts (scans gather them by it).
VIRTUAL_WARNING_PREFIX = "virtual composition"


def virtual_composition_warning(
    formula: str, width_V: float | None, red: WindowStage | None, ox: WindowStage | None
) -> str:
    """Why the window of a composition that is not in the data says little about the doped phase itself."""
    neighbours = sorted({p for stage in (red, ox) if stage is not None for p in stage.phases})
    among = f" ({' + '.join(neighbours)} around it)" if neighbours else ""
    zero = ""
    if width_V is not None and width_V < NARROW_WINDOW_V:
        zero = f"; here that window has zero width ({width_V * 1000:.3g} mV, the stabilization offset)"
    return (
        f"{VIRTUAL_WARNING_PREFIX} {formula}: not in the data, it was placed just below the hull, so it inherits "
        f"the window of the tie simplex of data phases it lies on{among}{zero}; the window says nothing about "
        "the doped or off-stoichiometric phase itself: give its computed energy with --energy-above-hull E"
    )


def _narrow_window_note(width_V: float, stabilized: bool, red: WindowStage | None, ox: WindowStage | None) -> str:
    """Why a window is narrower than ``NARROW_WINDOW_V``."""
    width = f"window narrower than {NARROW_WINDOW_V * 1000:g} mV ({width_V * 1000:.3g} mV)"
    if not stabilized:
        return f"{width}: the target is barely stable against the ion in these data"
    neighbours = sorted({p for stage in (red, ox) if stage is not None for p in stage.phases})
    among = f" ({' + '.join(neighbours)})" if neighbours else ""
    return (
        f"{width}: the composition lies on a tie simplex of other phases{among} and was stabilized "
        f"{STABILIZATION_EPSILON_eV_per_atom:g} eV/atom below it, so the width reflects that offset, "
        "not a real stability range; in these data it decomposes at any voltage"
    )


def _reaction(formula: str, ion: str, dn: float, products: Mapping[str, float]) -> str:
    """'target + n A -> products' (A on the product side when released)."""
    if abs(dn) < COMPOSITION_TOL:
        return reaction_string([(1.0, formula)], sorted(((c, f) for f, c in products.items()), key=lambda t: t[1]))
    left = [(1.0, formula)] + ([(dn, ion)] if dn > 0 else [])
    right = sorted(((c, f) for f, c in products.items()), key=lambda t: t[1]) + ([(-dn, ion)] if dn < 0 else [])
    return reaction_string(left, right)


def window_for(
    formula: str | Composition | ParsedFormula,
    *,
    ion: str = "Li",
    stabilize: bool = True,
    energy_above_hull_eV_per_atom: float | None = None,
    source: str | None = None,
    store: Store | None = None,
    cache: HullCache | None = None,
    max_voltage_V: float = DEFAULT_MAX_VOLTAGE_V,
    at_voltages_V: Sequence[float] = (),
    reference: str | float | None = None,
    compare: bool = False,
    interphases: bool = True,
) -> StabilityWindow:
    """Stability window of ``formula`` from the local store (what ``interfacestab window`` runs).

    ``reference`` (``--reference``): a potential in V vs A/A+ or a two-phase electrode composition
    (``Li0.5In``) computed on the same data source; see :mod:`interfacestab.analyses.reference`.
    ``compare`` (``--compare``): add the measured windows of the package's table (``measured_windows``).

    ``interphases`` (default) annotates the products (:func:`with_interphases`); a caller that
    looks up phase properties itself for more than the window (the coating screen) turns it off.

    Raises:
        FormulaError: for a malformed formula or unknown element.
        DataNotFoundError: when the store lacks the chemical system.
    """
    given = parse_input(formula)  # parsed once, here
    elements = sorted(set(given.composition) | {ion})
    entries = load_system(elements, source=source, store=store)
    electrode = None
    if reference is not None:  # before the window: a bad reference costs no hull
        from interfacestab.analyses.reference import reference_for

        electrode = reference_for(str(reference), ion, source=entries.source.name, store=store)
    hull = cache.get(entries) if cache is not None and len(elements) < LP_ROUTE_MIN_ELEMENTS else None
    window = stability_window(
        entries,
        given,
        ion=ion,
        stabilize=stabilize,
        energy_above_hull_eV_per_atom=energy_above_hull_eV_per_atom,
        hull=hull,
        max_voltage_V=max_voltage_V,
        at_voltages_V=at_voltages_V,
    )
    if compare:
        from interfacestab.analyses.measured import measured_windows

        window = replace(window, measured_windows=measured_windows(window.composition, ion), compared=True)
    if electrode is not None:
        from interfacestab.analyses.reference import with_reference

        window = with_reference(window, electrode)
    return with_interphases(window, store) if interphases else window


def with_interphases(result: StabilityWindow, store: Store | None) -> StabilityWindow:
    """The window annotated with the interphase character of its products (one property lookup)."""
    from interfacestab.analyses import interphase
    from interfacestab.store import store_or_default

    with store_or_default(store) as st:
        table = interphase.load_properties(st, interphase.window_formulas(result))
    return interphase.annotate_window(result, table)


def _interphase_columns(stage: WindowStage) -> dict[str, object]:
    """The flat (CSV) interphase columns of a stage; empty ones for the window stage or an unannotated one."""
    return Interphase.empty_columns() if stage.interphase is None else stage.interphase.to_columns()

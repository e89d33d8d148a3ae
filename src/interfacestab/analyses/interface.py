"""Pseudo-binary interface reactions between two phases, closed or open to the ion at a voltage.

Conventions (docs/conventions.md, 'Interface reactions'):
- Each reactant is normalised to one atom; ``x_atomic`` is the atomic fraction of reactant a
  in the mixture; ``x_molar`` the fraction of a in its formula units.
- ``dE(x) = E_hull(x a + (1 - x) b) - x E_a - (1 - x) E_b`` (eV/atom of the mixture). Reactant
  energies are their hull (stabilized) energies by default; ``use_entry_energies`` takes the data.
- Open at voltage V: A is exchanged with a reservoir at mu_A = -V; every energy is a grand
  potential ``E - n_A mu_A`` per atom of non-A elements; reactant energies are the reactants'
  own grand potentials, so dE at x = 0 and 1 is each reactant's own decomposition with the
  reservoir (``no_mixing_energies_eV_per_nonion_atom``) and the mutual reaction energy removes it.
- Kinks are exact (tangent intersection on LP hull energies), not sampled on a grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from interfacestab.analyses.interface_kinks import (
    EnergyBasis,
    InterfaceKink,
    PhasePoints,
    basis_value,
    clean_energy,
    closed_points,
    composition_vector,
    hull_energy,
    make_kink,
    open_points,
    reactant_energy,
)
from interfacestab.analyses.interphase import Interphase
from interfacestab.analyses.targets import ParsedFormula, Target, load_system, parse_input, resolve_target
from interfacestab.analyses.uncertainty_fields import uncertainty_json, uncertainty_rows
from interfacestab.chem import Composition, chemsys, format_composition
from interfacestab.conventions import (
    COMPOSITION_TOL,
    ION_CHARGE,
    MIXING_CONVENTION,
    SCHEMA_VERSION,
    VOLTAGE_RANGE_V,
    ENERGY_NOISE_eV_per_atom,
    check_ion,
    conventions_summary,
    ion_choices,
    mu_from_voltage,
)
from interfacestab.engine.lp import PathHull
from interfacestab.errors import AnalysisError
from interfacestab.provenance import Provenance

if TYPE_CHECKING:
    from interfacestab.analyses.uncertainty import InterfaceUncertainty
    from interfacestab.entries import EntrySet
    from interfacestab.store.database import Store


@dataclass(frozen=True, slots=True)
class InterfaceProfile:
    """Reaction energy along the mixing line of two reactants, with its kinks and minimum.

    ``minimum`` is the kink of lowest reaction energy (its mutual reaction energy is the JSON's
    ``mutual_reaction_energy_at_minimum_eV_per_atom``, open ``..._eV_per_nonion_atom``);
    ``mutual_minimum`` is the kink of lowest mutual energy, which in an open system can sit elsewhere
    (each reactant's own reaction with the reservoir dominates the total near x = 0 or 1). Closed
    with hull energies they coincide.

    Every energy attribute names its unit, like the JSON keys: a closed profile fills the
    ``*_eV_per_atom`` attributes (per atom of the mixture) and leaves their ``*_eV_per_nonion_atom``
    twins None; an open one fills the twins (grand-potential energies per non-A atom) and leaves the
    ``*_eV_per_atom`` ones None. The CSV has one column of each (the other one empty). Code that
    serves both modes reads the ``*_eV_per_normalising_atom`` properties with ``energy_basis``.
    The mutual energies are those of the kinks ``minimum`` and ``mutual_minimum``.
    """

    reactant_a: str
    reactant_b: str
    composition_a: Composition
    composition_b: Composition
    ion: str | None
    voltage_V: float | None
    use_entry_energies: bool
    kinks: tuple[InterfaceKink, ...]
    minimum: InterfaceKink
    mutual_minimum: InterfaceKink
    provenance: Provenance
    no_mixing_energies_eV_per_atom: dict[str, float] | None = None
    energy_a_eV_per_atom: float | None = None
    energy_b_eV_per_atom: float | None = None
    no_mixing_energies_eV_per_nonion_atom: dict[str, float] | None = None
    energy_a_eV_per_nonion_atom: float | None = None
    energy_b_eV_per_nonion_atom: float | None = None
    n_lp: int = 0
    input_a: str = ""
    input_b: str = ""
    material_id_a: str = ""
    material_id_b: str = ""
    notes: tuple[str, ...] = ()
    #: Reactant B charged to a voltage (``--charge-voltage``): ``ChargedCathode.to_dict()``, else None.
    charged_b: dict[str, object] | None = None
    uncertainty: InterfaceUncertainty | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name (the stable JSON contract; units in the keys, see above)."""
        per = self.energy_basis.suffix
        return {
            "schema_version": SCHEMA_VERSION,
            "reactant_a": self.reactant_a,
            "reactant_b": self.reactant_b,
            "input_a": self.input_a or self.reactant_a,
            "input_b": self.input_b or self.reactant_b,
            "material_id_a": self.material_id_a,
            "material_id_b": self.material_id_b,
            "composition_a": dict(self.composition_a),
            "composition_b": dict(self.composition_b),
            "ion": self.ion,
            "voltage_V": self.voltage_V,
            "use_entry_energies": self.use_entry_energies,
            "minimum": self.minimum.to_dict(),
            "mutual_minimum": self.mutual_minimum.to_dict(),
            "kinks": [k.to_dict() for k in self.kinks],
            f"no_mixing_energies{per}": dict(self.no_mixing_energies_eV_per_normalising_atom),
            f"mutual_reaction_energy_at_minimum{per}": self.minimum.mutual_reaction_energy_eV_per_normalising_atom,
            f"most_negative_mutual_reaction_energy{per}": (
                self.mutual_minimum.mutual_reaction_energy_eV_per_normalising_atom
            ),
            f"energy_a{per}": self.energy_a_eV_per_normalising_atom,
            f"energy_b{per}": self.energy_b_eV_per_normalising_atom,
            "notes": list(self.notes),
            "provenance": self.provenance.to_dict(),
            "charged_b": self.charged_b,
            **uncertainty_json(self.uncertainty),
        }

    #: Columns of :meth:`to_rows` (the CSV), in order: the pair, the kink, ``is_minimum``, the provenance.
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "reactant_a", "reactant_b", "ion", "voltage_V", "use_entry_energies", "x_atomic_a", "x_molar_a",
        "reaction_energy_eV_per_atom", "reaction_energy_eV_per_nonion_atom", "reaction_energy_kJ_per_mol",
        "mutual_reaction_energy_eV_per_atom", "mutual_reaction_energy_eV_per_nonion_atom", "products", "reaction",
        "ion_uptake_per_nonion_atom", "is_minimum", *Provenance.COLUMNS, *Interphase.COLUMNS,
    )  # fmt: skip

    @property
    def open_system(self) -> bool:
        """Whether the system is open to the ion (energies per non-A atom)."""
        return self.voltage_V is not None

    @property
    def energy_basis(self) -> EnergyBasis:
        """What the ``*_eV_per_normalising_atom`` values are per: an atom of the mixture (closed) or a non-A atom."""
        return EnergyBasis.of(self.open_system)

    @property
    def no_mixing_energies_eV_per_normalising_atom(self) -> dict[str, float]:
        """Each reactant's own decomposition energy (dE at x = 1 and 0) in ``energy_basis``."""
        value = self.no_mixing_energies_eV_per_atom
        if value is None:
            value = self.no_mixing_energies_eV_per_nonion_atom
        assert value is not None, "an interface profile has either its closed or its open energies"
        return value

    @property
    def energy_a_eV_per_normalising_atom(self) -> float:
        """Reactant a's energy in ``energy_basis`` (closed: per atom; open: grand potential per non-A atom)."""
        return basis_value(self.energy_a_eV_per_atom, self.energy_a_eV_per_nonion_atom)

    @property
    def energy_b_eV_per_normalising_atom(self) -> float:
        """Reactant b's energy in ``energy_basis``."""
        return basis_value(self.energy_b_eV_per_atom, self.energy_b_eV_per_nonion_atom)

    def to_rows(self) -> list[dict[str, object]]:
        """Flat rows, one per kink in x order, keyed by ``ROW_FIELDS``."""
        head = {
            "reactant_a": self.reactant_a,
            "reactant_b": self.reactant_b,
            "ion": self.ion,
            "voltage_V": self.voltage_V,
            "use_entry_energies": self.use_entry_energies,
        }
        prov = self.provenance.to_columns()
        rows = [
            {**head, **k.to_dict(), "is_minimum": k == self.minimum, **prov, **_interphase_columns(k)}
            for k in self.kinks
        ]
        return uncertainty_rows([{c: row.get(c) for c in self.ROW_FIELDS} for row in rows], self.uncertainty)


def _interphase_columns(kink: InterfaceKink) -> dict[str, object]:
    """A kink's interphase as CSV columns (empty without a reaction)."""
    return Interphase.empty_columns() if kink.interphase is None else kink.interphase.to_columns()


def interface_reactions(
    entries: EntrySet,
    reactant_a: str | Composition | ParsedFormula,
    reactant_b: str | Composition | ParsedFormula,
    *,
    ion: str | None = None,
    voltage_V: float | None = None,
    use_entry_energies: bool = False,
) -> InterfaceProfile:
    """Interface reaction profile of ``reactant_a`` | ``reactant_b``.

    Args:
        entries: Entries of a system spanning both reactants (and ``ion`` when open).
        reactant_a: First reactant (formula or composition); x is its fraction.
        reactant_b: Second reactant.
        ion: Mobile ion A; required with ``voltage_V``.
        voltage_V: Open to A at this voltage vs A/A+ (mu_A = -V); None for a closed system.
        use_entry_energies: Use the data energies of the reactants instead of their hull energies.

    Raises:
        AnalysisError: identical reactants, a bad voltage, or a reactant missing from the system.
    """
    if voltage_V is not None:
        check_voltage(ion, voltage_V)
    pair = InterfacePair(
        entries,
        reactant_a,
        reactant_b,
        ion=ion,
        open_system=voltage_V is not None,
        use_entry_energies=use_entry_energies,
    )
    return pair.profile(voltage_V)


def check_open_ion(ion: str | None) -> str:
    """The ion of an open system: required, and one of ``ION_CHARGE`` (the one message of ``check_ion``)."""
    if ion is None:
        msg = f"an open system needs --ion (one of {ion_choices()})"
        raise AnalysisError(msg)
    return check_ion(ion)


def check_voltage(ion: str | None, voltage_V: float) -> None:
    """Refuse an open system without a known ion or with a voltage outside ``VOLTAGE_RANGE_V``."""
    check_open_ion(ion)
    low, high = VOLTAGE_RANGE_V
    if not low <= voltage_V <= high:
        msg = f"voltage {voltage_V} V is outside {low}-{high} V vs {ion}/{ion}+"
        raise AnalysisError(msg)


class InterfacePair:
    """Two reactants in one system, prepared once; :meth:`profile` evaluates any voltage.

    A voltage sweep reuses the candidate phases and reactant energies of the closed system and
    only re-weights energies by the grand-potential transform at each voltage.
    """

    def __init__(
        self,
        entries: EntrySet,
        reactant_a: str | Composition | ParsedFormula,
        reactant_b: str | Composition | ParsedFormula,
        *,
        ion: str | None = None,
        open_system: bool = False,
        use_entry_energies: bool = False,
    ) -> None:
        self.entries = entries
        self.ion = ion
        self.use_entry_energies = use_entry_energies
        self.a, self.b = self._resolve(entries, reactant_a), self._resolve(entries, reactant_b)
        if open_system:
            check_open_ion(ion)
        needed = set(self.a.composition) | set(self.b.composition) | ({ion} if open_system and ion else set())
        if not needed <= set(entries.elements):
            msg = f"the entry set {entries.chemsys} lacks {sorted(needed - set(entries.elements))}"
            raise AnalysisError(msg)
        self.closed = self._closed_points(
            entries if set(entries.elements) == needed else entries.subset(sorted(needed))
        )
        self.vec_a = composition_vector(self.closed.elements, self.a.composition)
        self.vec_b = composition_vector(self.closed.elements, self.b.composition)
        self.e_a = reactant_energy(self.closed, self.a, self.vec_a, use_entry_energies, self._hull_energy)
        self.e_b = reactant_energy(self.closed, self.b, self.vec_b, use_entry_energies, self._hull_energy)
        if open_system:
            assert ion is not None
            ia = self.closed.elements.index(ion)
            self.nonion_a, self.nonion_b = 1.0 - self.vec_a[ia], 1.0 - self.vec_b[ia]
            if self.nonion_a < ENERGY_NOISE_eV_per_atom or self.nonion_b < ENERGY_NOISE_eV_per_atom:
                msg = f"a reactant made only of {ion} is the reservoir itself in an open system; use a closed system"
                raise AnalysisError(msg)
            self.pa = np.delete(self.vec_a, ia) / self.nonion_a
            self.pb = np.delete(self.vec_b, ia) / self.nonion_b
            if np.allclose(self.pa, self.pb, atol=COMPOSITION_TOL):
                msg = f"{self.a.formula} and {self.b.formula} differ only in {ion}: nothing to mix with {ion} open"
                raise AnalysisError(msg)
        elif np.allclose(self.vec_a, self.vec_b, atol=COMPOSITION_TOL):
            msg = f"the reactants {self.a.formula} and {self.b.formula} have the same composition"
            raise AnalysisError(msg)
        self.n_lp = 0

    # -- the point sets and LPs; a subclass may share them between pairs (the interface matrix) --
    def _resolve(self, entries: EntrySet, reactant: str | Composition | ParsedFormula) -> Target:
        """The reactant found in the entries (in the data, or virtual)."""
        return resolve_target(entries, reactant)

    def _closed_points(self, entries: EntrySet) -> PhasePoints:
        """The closed-system phase points of the pair's entries."""
        return closed_points(entries)

    def _open_points(self, ion: str, mu: float) -> PhasePoints:
        """The grand-potential points of the closed ones at mu_ion."""
        return open_points(self.closed, ion, mu)

    def _hull_energy(self, points: PhasePoints, vec: np.ndarray) -> float:
        """Hull energy of ``points`` at the composition ``vec``."""
        return hull_energy(points, vec)

    def _path(self, points: PhasePoints, pa: np.ndarray, pb: np.ndarray) -> PathHull:
        """The hull along the mixing line of ``pa`` and ``pb`` in ``points``."""
        return PathHull(points.fractions, points.energies, pa, pb)

    def profile(self, voltage_V: float | None = None) -> InterfaceProfile:
        """The reaction profile, closed (None) or open to the ion at ``voltage_V`` (V vs A/A+)."""
        a, b, ion = self.a, self.b, self.ion
        if voltage_V is None:
            points, pa, pb = self.closed, self.vec_a, self.vec_b
            phi_a, phi_b = self.e_a, self.e_b
            nonion_a = nonion_b = 1.0
            dE_a = self._hull_energy(points, pa) - phi_a
            dE_b = self._hull_energy(points, pb) - phi_b
            a_per_atom = (0.0, 0.0)
        else:
            check_voltage(ion, voltage_V)
            assert ion is not None
            mu = mu_from_voltage(voltage_V, ION_CHARGE[ion])
            points = self._open_points(ion, mu)
            ia = self.closed.elements.index(ion)
            nonion_a, nonion_b, pa, pb = self.nonion_a, self.nonion_b, self.pa, self.pb
            phi_a = (self.e_a - self.vec_a[ia] * mu) / nonion_a
            phi_b = (self.e_b - self.vec_b[ia] * mu) / nonion_b
            dE_a = self._hull_energy(points, pa) - phi_a
            dE_b = self._hull_energy(points, pb) - phi_b
            a_per_atom = (self.vec_a[ia] / nonion_a, self.vec_b[ia] / nonion_b)
        no_mixing = {a.formula: clean_energy(dE_a), b.formula: clean_energy(dE_b)}
        path = self._path(points, pa, pb)
        raw = path.kinks()
        self.n_lp += path.n_lp + 2
        kinks = tuple(
            make_kink(pt, points, a, b, phi_a, phi_b, nonion_a, nonion_b, dE_a, dE_b, ion, voltage_V, a_per_atom)
            for pt in raw
        )
        minimum = min(kinks, key=lambda k: k.reaction_energy_eV_per_normalising_atom)
        mutual_minimum = min(kinks, key=lambda k: k.mutual_reaction_energy_eV_per_normalising_atom)
        provenance = Provenance(
            source=self.entries.source,
            chemsys=chemsys(self.closed.elements),
            n_entries_in_chemsys=len(self.closed.formulas) - len(self.closed.elements),
            conventions=conventions_summary(
                mixing=MIXING_CONVENTION,
                reactant_energies="entry energies as stored"
                if self.use_entry_energies
                else "hull (stabilized) energies",
                system="closed"
                if voltage_V is None
                else f"open to {ion} at {voltage_V} V (mu_{ion} = -{voltage_V} eV)",
            ),
        )
        closed = voltage_V is None
        return InterfaceProfile(
            reactant_a=a.formula,
            reactant_b=b.formula,
            composition_a=dict(a.composition),
            composition_b=dict(b.composition),
            ion=ion,
            voltage_V=voltage_V,
            use_entry_energies=self.use_entry_energies,
            kinks=kinks,
            minimum=minimum,
            mutual_minimum=mutual_minimum,
            provenance=provenance,
            no_mixing_energies_eV_per_atom=no_mixing if closed else None,
            energy_a_eV_per_atom=float(phi_a) if closed else None,
            energy_b_eV_per_atom=float(phi_b) if closed else None,
            no_mixing_energies_eV_per_nonion_atom=None if closed else no_mixing,
            energy_a_eV_per_nonion_atom=None if closed else float(phi_a),
            energy_b_eV_per_nonion_atom=None if closed else float(phi_b),
            n_lp=path.n_lp,
            input_a=a.input_formula or a.formula,
            input_b=b.input_formula or b.formula,
            material_id_a=a.material_id,
            material_id_b=b.material_id,
            notes=tuple(t.resolution_note for t in (a, b) if t.resolution_note),
        )


def interface_for(
    reactant_a: str | Composition | ParsedFormula,
    reactant_b: str | Composition | ParsedFormula,
    *,
    ion: str = "Li",
    voltage_V: float | None = None,
    use_entry_energies: bool = False,
    state_of_charge_a: float | None = None,
    state_of_charge_b: float | None = None,
    source: str | None = None,
    store: Store | None = None,
) -> InterfaceProfile:
    """Interface profile of two formulas from the local store (what ``interfacestab interface`` runs).

    Each reactant is parsed once, here. ``state_of_charge_a``/``_b`` remove that fraction (0-1) of
    the reactant's ion first (LiCoO2 at 0.5 reacts as Li0.5CoO2; see :func:`at_state_of_charge`);
    the result's ``input_a``/``input_b`` then name the reactant as reacted.
    """
    a = at_state_of_charge(reactant_a, ion, state_of_charge_a)
    b = at_state_of_charge(reactant_b, ion, state_of_charge_b)
    elements = sorted(set(a.composition) | set(b.composition) | ({ion} if voltage_V is not None else set()))
    entries = load_system(elements, source=source, store=store)
    result = interface_reactions(
        entries,
        a,
        b,
        ion=ion,
        voltage_V=voltage_V,
        use_entry_energies=use_entry_energies,
    )
    return with_interphases(result, store)


def with_interphases(result: InterfaceProfile, store: Store | None) -> InterfaceProfile:
    """The profile annotated with the interphase character of every kink (one property lookup)."""
    from interfacestab.analyses import interphase
    from interfacestab.store import store_or_default

    with store_or_default(store) as st:
        table = interphase.load_properties(st, interphase.interface_formulas(result))
    return interphase.annotate_interface(result, table)


def remove_ion(composition: Composition, ion: str, fraction: float) -> Composition:
    """A cathode at a state of charge: ``fraction`` (0-1) of its A removed (LiCoO2, 0.5 -> Li0.5CoO2)."""
    if not 0 <= fraction <= 1:
        msg = f"state of charge must be between 0 and 1, not {fraction}"
        raise AnalysisError(msg)
    if composition.get(ion, 0.0) == 0:
        msg = f"{format_composition(composition)} has no {ion} to remove"
        raise AnalysisError(msg)
    out = dict(composition)
    out[ion] = composition[ion] * (1 - fraction)
    if out[ion] < ENERGY_NOISE_eV_per_atom:
        del out[ion]
    if not out:
        msg = f"{format_composition(composition)} is all {ion}: removing {fraction:g} of it leaves nothing to react"
        raise AnalysisError(msg)
    return out


def at_state_of_charge(formula: str | Composition | ParsedFormula, ion: str, fraction: float | None) -> ParsedFormula:
    """The reactant as reacted: parsed once, with ``fraction`` (0-1) of its ion removed when given.

    ``LiCoO2`` at 0.5 is ``Li0.5CoO2`` (written in the compact form of the composition).

    Raises:
        FormulaError: for a malformed formula.
        AnalysisError: for a fraction outside 0-1, or a reactant without the ion.
    """
    given = parse_input(formula)
    if fraction is None:
        return given
    charged = remove_ion(given.composition, ion, fraction)
    return ParsedFormula(format_composition(charged), charged)

"""Pseudo-binary interface reactions between two phases, closed or open to the ion at a voltage.

Conventions (docs/conventions.md, 'Interface reactions'):
- Each reactant is normalised to one atom; ``x_atomic`` is the atomic fraction of reactant a
  in the mixture; ``x_molar`` the fraction of a in its formula units.
- ``dE(x) = E_hull(x a + (1 - x) b) - x E_a - (1 - x) E_b`` (eV/atom of the mixture). Reactant
  energies are their hull (stabilized) energies by default; ``use_entry_energies`` takes the data.
- Open at voltage V: A is exchanged with a reservoir at mu_A = -V; every energy is a grand
  potential ``E - n_A mu_A`` per atom of non-A elements; reactant energies are the reactants'
  own grand potentials, so dE at x = 0 and 1 is each reactant's own decomposition with the
  reservoir (``no_mixing_energies``) and ``mutual_reaction_energy`` removes it.
- Kinks are exact (tangent intersection on LP hull energies), not sampled on a grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from interfacestab.analyses.reactions import reaction_string
from interfacestab.analyses.targets import Target, load_system, resolve_target
from interfacestab.chem import Composition, chemsys, format_composition, n_atoms, parse_formula, reduced_formula
from interfacestab.conventions import (
    EV_TO_KJ_PER_MOL,
    ION_CHARGE,
    MIXING_CONVENTION,
    VOLTAGE_RANGE_V,
    conventions_summary,
)
from interfacestab.engine.lp import PathHull, PathPoint
from interfacestab.errors import AnalysisError
from interfacestab.provenance import Provenance

if TYPE_CHECKING:
    from interfacestab.entries import EntrySet
    from interfacestab.store.database import Store


@dataclass(frozen=True, slots=True)
class InterfaceKink:
    """One kink of the reaction-energy curve.

    Attributes:
        x_atomic_a: Atomic fraction of reactant a (open: of a's atoms including A).
        x_molar_a: Fraction of reactant a in formula units.
        reaction_energy_eV_per_atom: dE at the kink (eV per atom of the mixture; open: per non-A atom).
        reaction_energy_kJ_per_mol: dE per mole of the printed reaction (kJ/mol).
        mutual_reaction_energy_eV_per_atom: dE minus the mixing-weighted own decomposition energies.
        products: Reduced formulas of the product phases.
        reaction: Balanced reaction, reactant coefficients x_molar and 1 - x_molar.
        ion_uptake_per_atom: Open system: A taken up (+) or released (-) per non-A atom of the
            mixture; d(reaction energy)/dV at fixed products (0 when closed).
    """

    x_atomic_a: float
    x_molar_a: float
    reaction_energy_eV_per_atom: float
    reaction_energy_kJ_per_mol: float
    mutual_reaction_energy_eV_per_atom: float
    products: tuple[str, ...]
    reaction: str
    ion_uptake_per_atom: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "x_atomic_a": self.x_atomic_a,
            "x_molar_a": self.x_molar_a,
            "reaction_energy_eV_per_atom": self.reaction_energy_eV_per_atom,
            "reaction_energy_kJ_per_mol": self.reaction_energy_kJ_per_mol,
            "mutual_reaction_energy_eV_per_atom": self.mutual_reaction_energy_eV_per_atom,
            "products": list(self.products),
            "reaction": self.reaction,
            "ion_uptake_per_atom": self.ion_uptake_per_atom,
        }


@dataclass(frozen=True, slots=True)
class InterfaceProfile:
    """Reaction energy along the mixing line of two reactants, with its kinks and minimum.

    ``minimum`` is the kink of lowest reaction energy (its ``mutual_reaction_energy`` is
    reported as ``mutual_reaction_energy_eV_per_atom``); ``mutual_minimum`` is the kink of lowest
    mutual energy, which in an open system can sit elsewhere (each reactant's own reaction with
    the reservoir dominates the total near x = 0 or 1). Closed with hull energies they coincide.
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
    no_mixing_energies: dict[str, float]
    mutual_reaction_energy_eV_per_atom: float
    energy_a_eV_per_atom: float
    energy_b_eV_per_atom: float
    provenance: Provenance
    n_lp: int = 0
    input_a: str = ""
    input_b: str = ""
    material_id_a: str = ""
    material_id_b: str = ""
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name (the stable JSON contract)."""
        return {
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
            "no_mixing_energies": dict(self.no_mixing_energies),
            "mutual_reaction_energy_at_minimum_eV_per_atom": self.mutual_reaction_energy_eV_per_atom,
            "most_negative_mutual_reaction_energy_eV_per_atom": self.mutual_minimum.mutual_reaction_energy_eV_per_atom,
            "energy_a_eV_per_atom": self.energy_a_eV_per_atom,
            "energy_b_eV_per_atom": self.energy_b_eV_per_atom,
            "notes": list(self.notes),
            "provenance": self.provenance.to_dict(),
        }

    #: Columns of :meth:`to_rows` (the CSV), in order: the pair, the kink, ``is_minimum``, the provenance.
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "reactant_a", "reactant_b", "ion", "voltage_V", "use_entry_energies", "x_atomic_a", "x_molar_a",
        "reaction_energy_eV_per_atom", "reaction_energy_kJ_per_mol", "mutual_reaction_energy_eV_per_atom",
        "products", "reaction", "ion_uptake_per_atom", "is_minimum", *Provenance.COLUMNS,
    )  # fmt: skip

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
        rows = [{**head, **k.to_dict(), "is_minimum": k == self.minimum, **prov} for k in self.kinks]
        return [{c: row[c] for c in self.ROW_FIELDS} for row in rows]


@dataclass(frozen=True, slots=True)
class _Points:
    """Candidate phases of a system as arrays (closed or grand-potential transformed)."""

    elements: tuple[str, ...]
    formulas: tuple[str, ...]
    fractions: np.ndarray  # (m, k) atomic fractions over `elements`
    energies: np.ndarray  # (m,) eV per atom (closed) or per non-A atom (open)
    atoms_per_unit: np.ndarray  # (m,) atoms (open: non-A atoms) per formula unit
    ion_per_unit: np.ndarray  # (m,) A atoms per formula unit


def _closed_points(entries: EntrySet) -> _Points:
    best: dict[str, tuple[float, Composition]] = {}
    for e in entries.entries:
        if e.formula not in best or e.e_form_eV_per_atom < best[e.formula][0]:
            best[e.formula] = (e.e_form_eV_per_atom, e.composition)
    els = entries.elements
    formulas = [reduced_formula({el: 1.0}) for el in els] + list(best)
    comps = [{el: 1.0} for el in els] + [c for _, c in best.values()]
    mat = np.array([[c.get(el, 0.0) for el in els] for c in comps])
    atoms = mat.sum(axis=1)
    atoms[: len(els)] = [n_atoms(parse_formula(f)) for f in formulas[: len(els)]]
    energies = np.concatenate([np.zeros(len(els)), [e for e, _ in best.values()]])
    return _Points(els, tuple(formulas), mat / mat.sum(axis=1, keepdims=True), energies, atoms, np.zeros(len(mat)))


def _open_points(closed: _Points, ion: str, mu_ion: float) -> _Points:
    """Grand-potential transform: drop A, energies per non-A atom at mu_A (eV)."""
    a = closed.elements.index(ion)
    keep_cols = [i for i in range(len(closed.elements)) if i != a]
    frac_a = closed.fractions[:, a]
    rows = np.flatnonzero(frac_a < 1 - 1e-12)
    non_a = 1.0 - frac_a[rows]
    energies = (closed.energies[rows] - frac_a[rows] * mu_ion) / non_a
    fractions = closed.fractions[np.ix_(rows, keep_cols)] / non_a[:, None]
    return _Points(
        tuple(closed.elements[i] for i in keep_cols),
        tuple(closed.formulas[i] for i in rows),
        fractions,
        energies,
        closed.atoms_per_unit[rows] * non_a,
        closed.atoms_per_unit[rows] * frac_a[rows],
    )


def _hull_energy(points: _Points, vec: np.ndarray) -> float:
    path = PathHull(points.fractions, points.energies, vec, vec)
    return path.evaluate(1.0).energy


def interface_reactions(
    entries: EntrySet,
    reactant_a: str | Composition,
    reactant_b: str | Composition,
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


def check_voltage(ion: str | None, voltage_V: float) -> None:
    """Refuse an open system without a known ion or with a voltage outside ``VOLTAGE_RANGE_V``."""
    if ion is None or ion not in ION_CHARGE:
        msg = f"an open system needs --ion (one of {', '.join(ION_CHARGE)})"
        raise AnalysisError(msg)
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
        reactant_a: str | Composition,
        reactant_b: str | Composition,
        *,
        ion: str | None = None,
        open_system: bool = False,
        use_entry_energies: bool = False,
    ) -> None:
        self.entries = entries
        self.ion = ion
        self.use_entry_energies = use_entry_energies
        self.a, self.b = resolve_target(entries, reactant_a), resolve_target(entries, reactant_b)
        if open_system and (ion is None or ion not in ION_CHARGE):
            msg = f"an open system needs --ion (one of {', '.join(ION_CHARGE)})"
            raise AnalysisError(msg)
        needed = set(self.a.composition) | set(self.b.composition) | ({ion} if open_system and ion else set())
        if not needed <= set(entries.elements):
            msg = f"the entry set {entries.chemsys} lacks {sorted(needed - set(entries.elements))}"
            raise AnalysisError(msg)
        self.closed = _closed_points(entries if set(entries.elements) == needed else entries.subset(sorted(needed)))
        self.vec_a = _vector(self.closed.elements, self.a.composition)
        self.vec_b = _vector(self.closed.elements, self.b.composition)
        self.e_a = _reactant_energy(self.closed, self.a, self.vec_a, use_entry_energies)
        self.e_b = _reactant_energy(self.closed, self.b, self.vec_b, use_entry_energies)
        if open_system:
            assert ion is not None
            ia = self.closed.elements.index(ion)
            self.nonion_a, self.nonion_b = 1.0 - self.vec_a[ia], 1.0 - self.vec_b[ia]
            if self.nonion_a < 1e-12 or self.nonion_b < 1e-12:
                msg = f"a reactant made only of {ion} is the reservoir itself in an open system; use a closed system"
                raise AnalysisError(msg)
            self.pa = np.delete(self.vec_a, ia) / self.nonion_a
            self.pb = np.delete(self.vec_b, ia) / self.nonion_b
            if np.allclose(self.pa, self.pb, atol=1e-9):
                msg = f"{self.a.formula} and {self.b.formula} differ only in {ion}: nothing to mix with {ion} open"
                raise AnalysisError(msg)
        elif np.allclose(self.vec_a, self.vec_b, atol=1e-9):
            msg = f"the reactants {self.a.formula} and {self.b.formula} have the same composition"
            raise AnalysisError(msg)
        self.n_lp = 0

    def profile(self, voltage_V: float | None = None) -> InterfaceProfile:
        """The reaction profile, closed (None) or open to the ion at ``voltage_V`` (V vs A/A+)."""
        a, b, ion = self.a, self.b, self.ion
        if voltage_V is None:
            points, pa, pb = self.closed, self.vec_a, self.vec_b
            phi_a, phi_b = self.e_a, self.e_b
            nonion_a = nonion_b = 1.0
            dE_a = _hull_energy(points, pa) - phi_a
            dE_b = _hull_energy(points, pb) - phi_b
            a_per_atom = (0.0, 0.0)
        else:
            check_voltage(ion, voltage_V)
            assert ion is not None
            mu = -voltage_V * ION_CHARGE[ion]
            points = _open_points(self.closed, ion, mu)
            ia = self.closed.elements.index(ion)
            nonion_a, nonion_b, pa, pb = self.nonion_a, self.nonion_b, self.pa, self.pb
            phi_a = (self.e_a - self.vec_a[ia] * mu) / nonion_a
            phi_b = (self.e_b - self.vec_b[ia] * mu) / nonion_b
            dE_a = _hull_energy(points, pa) - phi_a
            dE_b = _hull_energy(points, pb) - phi_b
            a_per_atom = (self.vec_a[ia] / nonion_a, self.vec_b[ia] / nonion_b)
        no_mixing = {a.formula: _clean(dE_a), b.formula: _clean(dE_b)}
        path = PathHull(points.fractions, points.energies, pa, pb)
        raw = path.kinks()
        self.n_lp += path.n_lp + 2
        kinks = tuple(
            _kink(pt, points, a, b, phi_a, phi_b, nonion_a, nonion_b, dE_a, dE_b, ion, voltage_V, a_per_atom)
            for pt in raw
        )
        minimum = min(kinks, key=lambda k: k.reaction_energy_eV_per_atom)
        mutual_minimum = min(kinks, key=lambda k: k.mutual_reaction_energy_eV_per_atom)
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
            no_mixing_energies=no_mixing,
            mutual_reaction_energy_eV_per_atom=minimum.mutual_reaction_energy_eV_per_atom,
            energy_a_eV_per_atom=float(phi_a),
            energy_b_eV_per_atom=float(phi_b),
            provenance=provenance,
            n_lp=path.n_lp,
            input_a=a.input_formula or a.formula,
            input_b=b.input_formula or b.formula,
            material_id_a=a.material_id,
            material_id_b=b.material_id,
            notes=tuple(t.resolution_note for t in (a, b) if t.resolution_note),
        )


def _clean(value: float) -> float:
    """Round numerical noise (|v| < 1e-12 eV/atom, e.g. -0.0) to exactly 0."""
    return 0.0 if abs(value) < 1e-12 else float(value)


def _vector(elements: tuple[str, ...], comp: Composition) -> np.ndarray:
    vec = np.array([comp.get(el, 0.0) for el in elements], dtype=float)
    return vec / vec.sum()


def _reactant_energy(points: _Points, target: Target, vec: np.ndarray, use_entry: bool) -> float:
    if use_entry and target.e_form_eV_per_atom is not None:
        return float(target.e_form_eV_per_atom)
    return _hull_energy(points, vec)


def _kink(
    pt: PathPoint,
    points: _Points,
    a: Target,
    b: Target,
    phi_a: float,
    phi_b: float,
    nonion_a: float,
    nonion_b: float,
    dE_a: float,
    dE_b: float,
    ion: str | None,
    voltage_V: float | None,
    a_per_atom: tuple[float, float] = (0.0, 0.0),
) -> InterfaceKink:
    m = pt.x  # fraction of a on the (open: non-A) normalised path
    energy = pt.energy - m * phi_a - (1 - m) * phi_b
    mutual = energy - (m * dE_a + (1 - m) * dE_b)
    # back to atoms of the original reactants (pymatgen's _convert with factor = non-A atom share)
    x_atomic = m / nonion_a / (m / nonion_a + (1 - m) / nonion_b) if 0 < m < 1 else m
    atoms_a, atoms_b = n_atoms(a.composition), n_atoms(b.composition)
    units_a, units_b = x_atomic / atoms_a, (1 - x_atomic) / atoms_b
    x_molar = units_a / (units_a + units_b) if units_a + units_b > 0 else 0.0
    # formula units of products per one mole of reactant formula units (x_molar a + (1 - x_molar) b)
    scale = 1.0 / (units_a + units_b)
    mixture_atoms = scale * (units_a * (atoms_a * nonion_a) + units_b * (atoms_b * nonion_b))  # (non-A) atoms
    products = {points.formulas[i]: w * mixture_atoms / points.atoms_per_unit[i] for i, w in pt.weights.items()}
    reactants = [(x_molar, a.formula), (1 - x_molar, b.formula)]
    right = sorted(((c, f) for f, c in products.items()), key=lambda t: t[1])
    if ion is not None and voltage_V is not None:
        dn = sum(c * points.ion_per_unit[points.formulas.index(f)] for f, c in products.items()) - (
            x_molar * a.composition.get(ion, 0.0) + (1 - x_molar) * b.composition.get(ion, 0.0)
        )
        if dn > 1e-9:
            reactants.append((dn, ion))
        elif dn < -1e-9:
            right.append((-dn, ion))
    uptake = 0.0
    if voltage_V is not None:
        uptake = sum(w * points.ion_per_unit[i] / points.atoms_per_unit[i] for i, w in pt.weights.items()) - (
            m * a_per_atom[0] + (1 - m) * a_per_atom[1]
        )
    return InterfaceKink(
        x_atomic_a=float(x_atomic),
        x_molar_a=float(x_molar),
        reaction_energy_eV_per_atom=float(energy),
        reaction_energy_kJ_per_mol=float(energy * mixture_atoms * EV_TO_KJ_PER_MOL),
        mutual_reaction_energy_eV_per_atom=float(mutual),
        products=tuple(sorted(products)),
        reaction=reaction_string(reactants, right),
        ion_uptake_per_atom=float(uptake),
    )


def interface_for(
    reactant_a: str | Composition,
    reactant_b: str | Composition,
    *,
    ion: str = "Li",
    voltage_V: float | None = None,
    use_entry_energies: bool = False,
    source: str | None = None,
    store: Store | None = None,
) -> InterfaceProfile:
    """Interface profile of two formulas from the local store (what ``interfacestab interface`` runs)."""
    comp_a = parse_formula(reactant_a) if isinstance(reactant_a, str) else dict(reactant_a)
    comp_b = parse_formula(reactant_b) if isinstance(reactant_b, str) else dict(reactant_b)
    elements = sorted(set(comp_a) | set(comp_b) | ({ion} if voltage_V is not None else set()))
    entries = load_system(elements, source=source, store=store)
    return interface_reactions(
        entries,
        reactant_a,
        reactant_b,
        ion=ion,
        voltage_V=voltage_V,
        use_entry_energies=use_entry_energies,
    )


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
    if out[ion] < 1e-12:
        del out[ion]
    return out

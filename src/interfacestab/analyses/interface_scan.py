"""Interface reactivity along a composition series: ``interface "Li6+xP1-xGexS5I" LiCoO2 --scan x=0:0.8:0.1``.

One reactant is a template with a variable (the syntax of the window scans,
:func:`interfacestab.analyses.scan.parse_scan_range` and :func:`~interfacestab.analyses.scan.scan_composition`);
at each value the pair's interface profile is computed as ``interface`` computes it, from one entry set
loaded for the whole series. Each row says whether its composition is a compound in the data or a
virtual one: a virtual composition has no energy of its own and is placed on the hull (its hull
energy), so its own decomposition is never counted as reactivity; a compound in the data takes its
hull (stabilized) energy too unless ``use_entry_energies``, and its e_above_hull is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from interfacestab.conventions import SCHEMA_VERSION
from interfacestab.errors import AnalysisError, FormulaError
from interfacestab.provenance import Provenance

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.store.database import Store

#: How a scanned reactant's energy was taken (``energy_source`` of a row).
ENERGY_SOURCES = {
    "virtual": "virtual: not in the data, placed on the hull (its hull energy)",
    "hull": "in the data, at its hull (stabilized) energy",
    "data": "in the data, at its data energy (--use-entry-energies)",
}


@dataclass(frozen=True, slots=True)
class InterfaceScanRow:
    """One value of the scan variable: the scanned reactant there and the pair's interface profile.

    Attributes:
        value: The value of the variable.
        formula: The scanned reactant at this value (the data compound's formula, or the virtual composition).
        in_database: Whether the data hold this composition.
        material_id: Its id when in the data.
        e_above_hull_eV_per_atom: Of the compound in the data (before stabilization); None when virtual.
        energy_source: ``virtual``, ``hull`` or ``data`` (:data:`ENERGY_SOURCES`).
        profile: The interface profile of the pair at this value.
    """

    value: float
    formula: str
    in_database: bool
    material_id: str
    e_above_hull_eV_per_atom: float | None
    energy_source: str
    profile: InterfaceProfile

    def to_dict(self) -> dict[str, object]:
        """Flat JSON-safe row: the value, the scanned reactant, the minimum and the mutual energies."""
        p = self.profile
        per = p.energy_basis.suffix
        m = p.minimum
        return {
            "value": self.value,
            "formula": self.formula,
            "in_database": self.in_database,
            "material_id": self.material_id,
            "e_above_hull_eV_per_atom": self.e_above_hull_eV_per_atom,
            "energy_source": self.energy_source,
            f"reaction_energy{per}": m.reaction_energy_eV_per_normalising_atom,
            "reaction_energy_kJ_per_mol": m.reaction_energy_kJ_per_mol,
            "x_atomic_a": m.x_atomic_a,
            "x_molar_a": m.x_molar_a,
            "products": list(m.products),
            "reaction": m.reaction,
            f"mutual_reaction_energy_at_minimum{per}": m.mutual_reaction_energy_eV_per_normalising_atom,
            f"most_negative_mutual_reaction_energy{per}": (
                p.mutual_minimum.mutual_reaction_energy_eV_per_normalising_atom
            ),
            "n_kinks": len(p.kinks),
        }


@dataclass(frozen=True, slots=True)
class InterfaceScan:
    """The most negative interface reaction of a pair along a composition series of one reactant.

    Attributes:
        template: The scanned reactant's template (``Li6+xP1-xGexS5I``).
        scanned: ``a`` or ``b``: which reactant is the template (x of each row is always reactant a's fraction).
        partner: The other reactant as reacted.
        variable: The scan variable.
        ion: Mobile ion A.
        voltage_V: Open to A at this voltage; None: closed.
        use_entry_energies: Data energies for reactants in the data.
        rows: One per value, in order.
    """

    template: str
    scanned: str
    partner: str
    variable: str
    ion: str
    voltage_V: float | None
    use_entry_energies: bool
    rows: tuple[InterfaceScanRow, ...]

    @property
    def open_system(self) -> bool:
        """Whether the pairs are open to the ion."""
        return self.voltage_V is not None

    @property
    def provenance(self) -> Provenance:
        """One entry set for the series: the provenance of the row of the widest system, with every row's warnings.

        (A value where an element's amount is 0, Ge at x = 0, reacts in the system without it.)
        """
        warnings = dict.fromkeys(w for r in self.rows for w in r.profile.provenance.warnings)
        widest = max(
            self.rows, key=lambda r: (len(r.profile.provenance.chemsys), r.profile.provenance.n_entries_in_chemsys)
        )
        return replace(widest.profile.provenance, warnings=tuple(warnings))

    @property
    def notes(self) -> tuple[str, ...]:
        """The rows' notes (a formula read as a data compound), each once."""
        return tuple(dict.fromkeys(n for r in self.rows for n in r.profile.notes))

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary: the scan, one row per value, the shared provenance."""
        return {
            "schema_version": SCHEMA_VERSION,
            "template": self.template,
            "scanned_reactant": self.scanned,
            "partner": self.partner,
            "variable": self.variable,
            "ion": self.ion,
            "voltage_V": self.voltage_V,
            "use_entry_energies": self.use_entry_energies,
            "rows": [r.to_dict() for r in self.rows],
            "notes": list(self.notes),
            "provenance": self.provenance.to_dict(),
        }

    #: Columns of :meth:`to_rows` (the CSV): the scan, the row (both energy bases; the other empty), the provenance.
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "template", "scanned_reactant", "partner", "variable", "ion", "voltage_V", "use_entry_energies", "value",
        "formula", "in_database", "material_id", "e_above_hull_eV_per_atom", "energy_source",
        "reaction_energy_eV_per_atom", "reaction_energy_eV_per_nonion_atom", "reaction_energy_kJ_per_mol",
        "x_atomic_a", "x_molar_a", "products", "reaction", "mutual_reaction_energy_at_minimum_eV_per_atom",
        "mutual_reaction_energy_at_minimum_eV_per_nonion_atom", "most_negative_mutual_reaction_energy_eV_per_atom",
        "most_negative_mutual_reaction_energy_eV_per_nonion_atom", "n_kinks", *Provenance.COLUMNS,
    )  # fmt: skip

    def to_rows(self) -> list[dict[str, object]]:
        """Flat rows, one per value of the variable, keyed by ``ROW_FIELDS``."""
        head = {k: v for k, v in self.to_dict().items() if k in self.ROW_FIELDS}
        prov = self.provenance.to_columns()
        return [{c: {**head, **r.to_dict(), **prov}.get(c) for c in self.ROW_FIELDS} for r in self.rows]


def _scanned_side(a: str, b: str, variable: str) -> str:
    """``a`` or ``b``: the reactant whose text holds the scan variable (a lower-case letter, never in a symbol)."""
    in_a, in_b = variable in a, variable in b
    if in_a and in_b:
        msg = f"the scan variable '{variable}' appears in both reactants; scan one of them"
        raise FormulaError(msg)
    if not (in_a or in_b):
        msg = f"the scan variable '{variable}' does not appear in '{a}' or '{b}'"
        raise FormulaError(msg)
    return "a" if in_a else "b"


def interface_scan(
    reactant_a: str,
    reactant_b: str,
    scan: str | tuple[str, Sequence[float]],
    *,
    ion: str = "Li",
    voltage_V: float | None = None,
    use_entry_energies: bool = False,
    state_of_charge_a: float | None = None,
    state_of_charge_b: float | None = None,
    source: str | None = None,
    store: Store | None = None,
) -> InterfaceScan:
    """The interface of ``reactant_a`` | ``reactant_b`` at each value of the variable of the one that is a template.

    Args:
        reactant_a: First reactant (x is its fraction), a formula or a template such as ``Li6+xP1-xGexS5I``.
        reactant_b: Second reactant, a formula or a template.
        scan: ``"x=0:0.8:0.1"``, ``"x=0,0.25"`` or ``("x", [values])`` (as the window scans).
        ion: Mobile ion A.
        voltage_V: Open to A at this voltage (V vs A/A+); None: closed.
        use_entry_energies: Data energies for reactants in the data (a virtual one keeps its hull energy).
        state_of_charge_a: Remove this fraction of A from reactant a first (each value, when scanned).
        state_of_charge_b: The same for reactant b.
        source: Data source name.
        store: An open store (default: the configured one).

    Raises:
        FormulaError: a malformed template or range, or a variable in neither or both reactants.
        AnalysisError: a value where the pair cannot react (e.g. the same composition), naming the value.
    """
    from interfacestab.analyses.interface import InterfacePair, at_state_of_charge, check_voltage
    from interfacestab.analyses.interface_kinks import hull_energy
    from interfacestab.analyses.scan import parse_scan_range, scan_composition
    from interfacestab.analyses.targets import load_system
    from interfacestab.chem import format_composition

    variable, values = parse_scan_range(scan) if isinstance(scan, str) else (scan[0], list(scan[1]))
    side = _scanned_side(reactant_a, reactant_b, variable)
    template, fixed = (reactant_a, reactant_b) if side == "a" else (reactant_b, reactant_a)
    if voltage_V is not None:
        check_voltage(ion, voltage_V)
    soc_scanned, soc_fixed = (
        (state_of_charge_a, state_of_charge_b) if side == "a" else (state_of_charge_b, state_of_charge_a)
    )
    partner = at_state_of_charge(fixed, ion, soc_fixed)
    scanned = [at_state_of_charge(scan_composition(template, variable, v), ion, soc_scanned) for v in values]
    elements = {el for s in scanned for el in s.composition} | set(partner.composition)
    entries = load_system(elements | ({ion} if voltage_V is not None else set()), source=source, store=store)
    rows = []
    for value, reactant in zip(values, scanned, strict=True):
        a, b = (reactant, partner) if side == "a" else (partner, reactant)
        try:
            pair = InterfacePair(entries, a, b, ion=ion, open_system=voltage_V is not None,
                                 use_entry_energies=use_entry_energies)  # fmt: skip
            profile = pair.profile(voltage_V)
        except AnalysisError as exc:
            msg = f"{template} at {variable}={value:g}: {exc}"
            raise AnalysisError(msg) from exc
        target, vec = (pair.a, pair.vec_a) if side == "a" else (pair.b, pair.vec_b)
        e_above_hull = None
        if target.in_database and target.e_form_eV_per_atom is not None:
            e_above_hull = float(target.e_form_eV_per_atom - hull_energy(pair.closed, vec))
        source_kind = "virtual" if not target.in_database else "data" if use_entry_energies else "hull"
        name = target.formula if target.in_database else format_composition(reactant.composition)
        rows.append(InterfaceScanRow(value, name, target.in_database, target.material_id, e_above_hull,
                                     source_kind, profile))  # fmt: skip
    return InterfaceScan(
        template=template,
        scanned=side,
        partner=partner.text,
        variable=variable,
        ion=ion,
        voltage_V=voltage_V,
        use_entry_energies=use_entry_energies,
        rows=tuple(rows),
    )

"""A user's own phase properties: a CSV of ``formula`` plus band gaps, volumes or densities, ion-conductor flags.

Columns (``formula`` and at least one of the others; a cell left empty means "not given"):

- ``band_gap_eV``: band gap in eV (0 to 100).
- ``volume_per_atom_A3``: volume per atom in Å^3/atom (1 to 1000), or instead
- ``density_g_per_cm3``: density in g/cm^3 (above 0, below 30), converted to volume per atom as
  ``V = M / (N_A * rho)``, with ``M`` the mean atomic mass of the formula (pymatgen's atomic
  masses, g/mol) and ``N_A`` Avogadro's number: ``V[Å^3/atom] = M / rho * 1e24 / N_A``.
- ``ion_conductor``: yes/no, true/false or 1/0.
- ``reference``, ``note``: free text, not stored.

The file is told apart from an entry table (``formula,energy``) by its header: a CSV with
``formula`` and one of the property columns and no ``energy`` column. Rows are keyed by reduced
formula; a formula given twice, an unreadable formula, a value out of range or an unknown column
is an error naming the line (nothing is imported). The formula ``NaN`` is sodium nitride.
User values come first (:data:`~interfacestab.phase_properties.GAP_PREFERENCE`).
"""

from __future__ import annotations

import csv
import math
from typing import TYPE_CHECKING

from interfacestab.chem import n_atoms, parse_formula, reduced_formula
from interfacestab.errors import FormulaError, SourceError
from interfacestab.phase_properties import GapSource, PropertyRow, PropertySource
from interfacestab.provenance import SourceInfo
from interfacestab.sources.snapshot import file_sha256

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["PROPERTY_COLUMNS", "density_to_volume_per_atom", "is_user_properties_csv", "read_user_properties"]

PROPERTY_COLUMNS = ("band_gap_eV", "volume_per_atom_A3", "density_g_per_cm3", "ion_conductor")
TEXT_COLUMNS = ("reference", "note")
AVOGADRO_per_mol = 6.02214076e23
_FLAGS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


def _header(path: Path) -> list[str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            return [h.strip() for h in next(csv.reader(fh), [])]
    except (OSError, UnicodeDecodeError):
        return []


def is_user_properties_csv(path: Path) -> bool:
    """Whether a file is a user property table: a CSV whose header has ``formula``, a property column, no ``energy``."""
    if not path.name.lower().endswith(".csv") or not path.is_file():
        return False
    header = set(_header(path))
    return "formula" in header and bool(header & set(PROPERTY_COLUMNS)) and "energy" not in header


def density_to_volume_per_atom(formula_composition: dict[str, float], density_g_per_cm3: float) -> float:
    """Volume per atom (Å^3/atom) of a phase of this composition at this density (pymatgen atomic masses)."""
    from pymatgen.core.periodic_table import Element

    mass_g_per_mol = sum(float(Element(el).atomic_mass) * amt for el, amt in formula_composition.items())
    per_atom_g_per_mol = mass_g_per_mol / n_atoms(formula_composition)
    return per_atom_g_per_mol / (density_g_per_cm3 * AVOGADRO_per_mol) * 1e24


def _value(text: str, what: str, low: float, high: float, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        msg = f"{where}: {what} {text[:30]!r} is not a number"
        raise SourceError(msg) from None
    if not (math.isfinite(value) and low <= value <= high):
        msg = f"{where}: {what} {text[:30]!r} must be a finite number from {low:g} to {high:g}"
        raise SourceError(msg)
    return value


def read_user_properties(path: Path, *, source_name: str | None = None) -> tuple[PropertySource, list[PropertyRow]]:
    """Read a user property CSV (see the module docstring) without touching the store.

    Raises:
        SourceError: naming the first problem (file, line, column); nothing is returned then.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read {path}: {exc}"
        raise SourceError(msg) from exc
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or ()]
    if "formula" not in header or not set(header) & set(PROPERTY_COLUMNS):
        msg = f"{path}: a property table needs a 'formula' column and one of {', '.join(PROPERTY_COLUMNS)}"
        raise SourceError(msg)
    if unknown := [h for h in header if h not in ("formula", *PROPERTY_COLUMNS, *TEXT_COLUMNS)]:
        msg = (
            f"{path}: unknown column(s) {', '.join(repr(u) for u in unknown)}; "
            f"a property table has formula, {', '.join(PROPERTY_COLUMNS)} (and optionally {', '.join(TEXT_COLUMNS)})"
        )
        raise SourceError(msg)
    rows: dict[str, PropertyRow] = {}
    first_line: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        cells = {(k or "").strip(): (v or "").strip() if isinstance(v, str) else "" for k, v in raw.items()}
        where = f"{path}:{line}"
        formula = cells.get("formula", "")
        if not formula:
            msg = f"{where}: empty formula"
            raise SourceError(msg)
        try:
            comp = parse_formula(formula)
        except (FormulaError, ValueError, OverflowError) as exc:
            msg = f"{where}: {exc}"
            raise SourceError(msg) from exc
        key = reduced_formula(comp)
        if key in first_line:
            msg = f"{where}: {formula} is {key}, already given on line {first_line[key]}; give each phase once"
            raise SourceError(msg)
        first_line[key] = line
        gap = volume = None
        flag: bool | None = None
        if cells.get("band_gap_eV"):
            gap = _value(cells["band_gap_eV"], "band_gap_eV", 0.0, 100.0, where)
        if cells.get("volume_per_atom_A3") and cells.get("density_g_per_cm3"):
            msg = f"{where}: give volume_per_atom_A3 or density_g_per_cm3, not both"
            raise SourceError(msg)
        if cells.get("volume_per_atom_A3"):
            volume = _value(cells["volume_per_atom_A3"], "volume_per_atom_A3", 1.0, 1000.0, where)
        if cells.get("density_g_per_cm3"):
            density = _value(cells["density_g_per_cm3"], "density_g_per_cm3", 0.0, 30.0, where)
            if density <= 0:
                msg = f"{where}: density_g_per_cm3 must be above 0"
                raise SourceError(msg)
            volume = density_to_volume_per_atom(comp, density)
        if cells.get("ion_conductor"):
            flag = _FLAGS.get(cells["ion_conductor"].lower())
            if flag is None:
                msg = f"{where}: ion_conductor {cells['ion_conductor'][:20]!r} must be yes/no, true/false or 1/0"
                raise SourceError(msg)
        if gap is None and volume is None and flag is None:
            msg = f"{where}: {formula} has no value (fill one of {', '.join(PROPERTY_COLUMNS)})"
            raise SourceError(msg)
        rows[key] = PropertyRow(
            key,
            gap_min_eV=gap,
            gap_max_eV=gap,
            n_gaps=0 if gap is None else 1,
            volume_per_atom_A3=volume,
            ion_conductor=flag,
        )
    if not rows:
        msg = f"{path}: no rows"
        raise SourceError(msg)
    kinds = [
        kind
        for kind, present in (
            ("band_gap", any(r.n_gaps for r in rows.values())),
            ("volume", any(r.volume_per_atom_A3 is not None for r in rows.values())),
            ("ion_conductor", any(r.ion_conductor is not None for r in rows.values())),
        )
        if present
    ]
    info = SourceInfo(
        name=source_name or path.name.split(".")[0],
        description=f"user phase properties from {path.name} ({', '.join(kinds)})",
        thermo_type="user-supplied",
        vintage="user-supplied",
        origin=str(path.resolve()),
        content_sha256=file_sha256(path),
        n_entries=len(rows),
    )
    return PropertySource(info, GapSource.USER, tuple(kinds)), list(rows.values())

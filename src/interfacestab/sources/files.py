"""Readers for files a user imports: the snapshot CSV, pymatgen entry lists, formula/energy tables.

Formats (detected from the content):
- ``snapshot``: the merged MP snapshot CSV (``reduced_formula, formula_crabnet, e_form_per_atom, material_id``).
- ``entries``: a JSON or JSON.gz list of pymatgen ``ComputedEntry``/``ComputedStructureEntry`` dicts.
  Formation energies are taken on the list's own elemental references (lowest energy per atom of
  each element), so the list must contain every element it uses. These files come from other
  people, so they are read as plain JSON: composition, energy, correction and energy adjustments
  (of the known pymatgen adjustment classes) only; nothing is decoded with monty, which would
  import any module a file names in ``@module``. Structures and ``data`` are not read.
- ``user``: CSV or JSON rows with ``formula`` and ``energy`` (and optionally ``energy_type`` and
  ``material_id``). ``energy_type`` is ``formation_per_atom`` (eV/atom, elements at 0) or
  ``total_per_formula_unit`` (eV per formula unit as written; elemental rows must be included).
"""

from __future__ import annotations

import csv
import gzip
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from interfacestab.chem import n_atoms, parse_formula
from interfacestab.errors import FormulaError, SourceError
from interfacestab.provenance import SourceInfo
from interfacestab.sources.corrections import corrections_of, records_uncertainties
from interfacestab.sources.energies import (
    Row,
    elemental_references,
    formation_energies,
    missing_references,
    to_entries,
)
from interfacestab.sources.snapshot import SNAPSHOT_COLUMNS, SNAPSHOT_SOURCE_NAME, file_sha256, read_snapshot_csv

if TYPE_CHECKING:
    from interfacestab.entries import Correction, Entry

FileFormat = Literal["snapshot", "entries", "user"]
EnergyType = Literal["formation_per_atom", "total_per_formula_unit"]
ENERGY_TYPES: tuple[str, ...] = ("formation_per_atom", "total_per_formula_unit")


def _open_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        msg = f"cannot read {path}: {exc.strerror or exc}"
        raise SourceError(msg) from exc
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            msg = f"{path}: corrupt gzip file ({exc})"
            raise SourceError(msg) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"{path}: not a UTF-8 text file"
        raise SourceError(msg) from exc


def _load_json(path: Path) -> Any:
    try:
        return json.loads(_open_text(path))
    except json.JSONDecodeError as exc:
        msg = f"{path}: malformed JSON ({exc.msg} at line {exc.lineno})"
        raise SourceError(msg) from exc
    except RecursionError as exc:
        msg = f"{path}: JSON nested too deeply to be an entry file"
        raise SourceError(msg) from exc


#: Largest formation energy accepted from a file (eV/atom); real ones lie within a few eV/atom.
MAX_ABS_E_FORM_eV_per_atom = 50.0


def _number(value: object, what: str) -> float:
    """A finite number from JSON or CSV (numbers or numeric text; not booleans, null, lists, dicts)."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        msg = f"{what} must be a number, not {json.dumps(value)[:40]}"
        raise SourceError(msg)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        msg = f"{what} must be a number, not {str(value)[:40]!r}"
        raise SourceError(msg) from None
    if not math.isfinite(number):
        msg = f"{what} must be a finite number, not {value!r}"
        raise SourceError(msg)
    return number


def detect_format(path: Path) -> FileFormat:
    """Guess the file's format from its content (see module docstring)."""
    if not path.is_file():
        msg = f"no such file: {path}"
        raise SourceError(msg)
    name = path.name.lower()
    if name.endswith((".json", ".json.gz")):
        data = _load_json(path)
        rows = data if isinstance(data, list) else data.get("entries") if isinstance(data, dict) else None
        if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
            msg = f"{path}: expected a JSON list of entries or of {{formula, energy}} rows"
            raise SourceError(msg)
        first = rows[0]
        if "composition" in first and "energy" in first:
            return "entries"
        if "formula" in first and "energy" in first:
            return "user"
        msg = f"{path}: JSON rows need 'composition' and 'energy' (pymatgen entries) or 'formula' and 'energy'"
        raise SourceError(msg)
    if name.endswith((".csv", ".csv.gz", ".tsv")):
        header = next(csv.reader(_open_text(path).splitlines()[:1]), [])
        if set(SNAPSHOT_COLUMNS) <= set(header):
            return "snapshot"
        if {"formula", "energy"} <= set(header):
            return "user"
        msg = f"{path}: CSV needs columns 'formula,energy' (user data) or {','.join(SNAPSHOT_COLUMNS)} (snapshot)"
        raise SourceError(msg)
    msg = f"{path}: unsupported file type (use .csv, .json or .json.gz)"
    raise SourceError(msg)


def _formation_energies(rows: list[Row], path: Path) -> list[Row]:
    """Convert (composition, total energy, id) rows into formation energies per atom."""
    refs = elemental_references(rows)
    if missing := missing_references(rows, refs):
        msg = f"{path}: no elemental reference for {', '.join(missing)}; total energies need one row per element"
        raise SourceError(msg)
    return formation_energies(rows, refs)


#: pymatgen energy adjustment classes and how each gives its value (eV); any other class is refused.
_ADJUSTMENTS: dict[str, tuple[str, ...]] = {
    "EnergyAdjustment": ("value",),
    "ConstantEnergyAdjustment": ("value",),
    "ManualEnergyAdjustment": ("value",),
    "CompositionEnergyAdjustment": ("adj_per_atom", "n_atoms"),
    "TemperatureEnergyAdjustment": ("adj_per_deg", "temp", "n_atoms"),
}
_ENTRY_CLASSES = ("ComputedEntry", "ComputedStructureEntry", "GibbsComputedStructureEntry", None)


def _check_class(d: dict[str, Any], allowed: tuple[str | None, ...], what: str) -> str | None:
    module, cls = d.get("@module"), d.get("@class")
    if cls not in allowed or (module is not None and not str(module).startswith("pymatgen.")):
        msg = f"{what} has @module/@class {module}/{cls}, not a known pymatgen entry class; it is not read"
        raise SourceError(msg)
    return cls


def _safe_composition(value: object, what: str) -> dict[str, float]:
    """An element -> amount dict from a pymatgen composition dict or a formula string."""
    if isinstance(value, str):
        try:
            comp = parse_formula(value)
        except FormulaError as exc:
            msg = f"{what}: {exc}"
            raise SourceError(msg) from exc
    elif isinstance(value, dict) and value:
        comp = {}
        for el, amt in value.items():
            try:
                (symbol,) = parse_formula(str(el))  # one element, e.g. "Li" (not "Fe2+", not "LiO")
            except (FormulaError, ValueError):
                msg = f"{what}: '{str(el)[:20]}' is not an element symbol"
                raise SourceError(msg) from None
            if symbol != el:
                msg = f"{what}: '{str(el)[:20]}' is not an element symbol"
                raise SourceError(msg)
            comp[symbol] = _number(amt, f"{what}: the amount of {el}")
    else:
        msg = f"{what}: 'composition' must be an element -> amount object or a formula"
        raise SourceError(msg)
    if not comp or any(not 0 < amt < 1e6 for amt in comp.values()):
        msg = f"{what}: amounts must be positive and below 1e6"
        raise SourceError(msg)
    return comp


def _safe_entry(d: object, what: str) -> Row:
    """(composition, corrected total energy in eV, id) of one entry dict, as pymatgen would compute it.

    ``ComputedEntry.energy`` is the uncorrected energy plus the correction; the correction is the
    sum of the energy adjustments, or the legacy ``correction`` field when there are none.
    """
    if not isinstance(d, dict):
        msg = f"{what} is not a JSON object"
        raise SourceError(msg)
    _check_class(d, _ENTRY_CLASSES, what)
    if "composition" not in d or "energy" not in d:
        msg = f"{what} needs 'composition' and 'energy'"
        raise SourceError(msg)
    comp = _safe_composition(d["composition"], what)
    energy = _number(d["energy"], f"{what}: 'energy'")
    adjustments = d.get("energy_adjustments") or []
    if not isinstance(adjustments, list):
        msg = f"{what}: 'energy_adjustments' must be a list"
        raise SourceError(msg)
    correction = 0.0
    for j, adj in enumerate(adjustments):
        where = f"{what}: energy adjustment {j}"
        if not isinstance(adj, dict):
            msg = f"{where} is not a JSON object"
            raise SourceError(msg)
        cls = _check_class(adj, (*_ADJUSTMENTS, None), where) or "EnergyAdjustment"
        value = 1.0
        for field_name in _ADJUSTMENTS[cls]:
            value *= _number(adj.get(field_name), f"{where}: '{field_name}'")
        correction += value
    legacy = d.get("correction")
    if not adjustments and legacy is not None:
        correction = _number(legacy, f"{what}: 'correction'")
    entry_id = d.get("entry_id")
    raw_data = d.get("data")
    data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
    mid = entry_id if isinstance(entry_id, str) else d.get("material_id") or data.get("material_id") or ""
    return comp, energy + correction, str(mid) if isinstance(mid, (str, int)) else ""


def _entry_corrections(d: dict[str, Any], comp: dict[str, float], what: str) -> tuple[Correction, ...] | None:
    """The corrections of an entry dict with their uncertainties (None when not known; see sources/corrections.py).

    A legacy ``correction`` without energy adjustments has no uncertainty: None.
    """
    adjustments = d.get("energy_adjustments") or []
    if not adjustments:
        legacy = d.get("correction")
        return None if legacy not in (None, 0, 0.0) else ()
    return corrections_of(adjustments, n_atoms(comp), what)


def _text_field(d: dict[str, Any], *keys: str) -> str:
    """A short text value at a nested key path ('' when absent or not text)."""
    value: object = d
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, dict):  # a monty datetime: {"@module": "datetime", "string": ...}, never decoded
        value = value.get("string")
    return value if isinstance(value, str) else ""


def _read_entries_json(path: Path, name: str) -> tuple[SourceInfo, list[Entry]]:
    data = _load_json(path)
    rows_in = data if isinstance(data, list) else data.get("entries") if isinstance(data, dict) else None
    if not isinstance(rows_in, list) or not rows_in:
        msg = f"{path}: expected a JSON list of pymatgen entries"
        raise SourceError(msg)
    rows: list[Row] = []
    corrections: list[tuple[Correction, ...] | None] = []
    updated: list[str] = []
    thermo: set[str] = set()
    corrected = False
    for i, d in enumerate(rows_in):
        rows.append(_safe_entry(d, f"{path}: entry {i}"))
        corrections.append(_entry_corrections(d, rows[-1][0], f"{path}: entry {i}"))
        stamp = _text_field(d, "last_updated") or _text_field(d, "data", "last_updated")
        if stamp:
            updated.append(stamp[:10])
        if run_type := _text_field(d, "parameters", "run_type"):
            thermo.add(run_type)
        corrected = corrected or bool(d.get("energy_adjustments"))
    recorded = records_uncertainties(corrections)
    entries = to_entries(_formation_energies(rows, path), name, corrections if recorded else None)
    _check_range(entries, path)
    info = SourceInfo(
        name=name,
        description=f"pymatgen entry list {path.name} (formation energies on its own elemental references)",
        thermo_type=(
            f"{'/'.join(sorted(thermo)) or 'GGA/GGA+U'}"
            f"{', MP2020 corrections' if corrected else ', corrections as stored'}"
        ),
        vintage=f"entries updated {min(updated)} to {max(updated)}" if updated else "unknown",
        origin=str(path.resolve()),
        content_sha256=file_sha256(path),
        citation="Jain et al., APL Mater. 1, 011002 (2013)",
    )
    return info, entries


def _check_range(entries: list[Entry], path: Path) -> None:
    for e in entries:
        if not abs(e.e_form_eV_per_atom) <= MAX_ABS_E_FORM_eV_per_atom:
            msg = (
                f"{path}: {e.formula} has a formation energy of {e.e_form_eV_per_atom:.4g} eV/atom, beyond "
                f"+-{MAX_ABS_E_FORM_eV_per_atom:g} eV/atom; check the energies and their units"
            )
            raise SourceError(msg)


def _read_user(path: Path, name: str, energy_type: EnergyType | None) -> tuple[SourceInfo, list[Entry]]:
    if path.name.lower().endswith((".json", ".json.gz")):
        data = _load_json(path)
        records = data if isinstance(data, list) else data.get("entries") if isinstance(data, dict) else None
        if not isinstance(records, list):
            msg = f"{path}: expected a JSON list of {{formula, energy}} rows"
            raise SourceError(msg)
    else:
        records = list(csv.DictReader(_open_text(path).splitlines()))
    rows: list[Row] = []
    kinds: set[str] = set()
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            msg = f"{path}: row {i} is not an object with formula and energy"
            raise SourceError(msg)
        raw_kind = rec.get("energy_type")
        kind = energy_type or (raw_kind.strip() if isinstance(raw_kind, str) else "") or "formation_per_atom"
        if kind not in ENERGY_TYPES:
            msg = f"{path}: row {i}: energy_type '{str(raw_kind)[:40]}' is not one of {', '.join(ENERGY_TYPES)}"
            raise SourceError(msg)
        kinds.add(kind)
        formula, mid = rec.get("formula"), rec.get("material_id")
        if not isinstance(formula, str) or not formula.strip():
            msg = f"{path}: row {i}: 'formula' must be a formula such as Li2O"
            raise SourceError(msg)
        try:
            comp = parse_formula(formula)
        except (FormulaError, ValueError, OverflowError) as exc:
            msg = f"{path}: row {i}: {exc}"
            raise SourceError(msg) from exc
        energy = _number(rec.get("energy"), f"{path}: row {i}: 'energy'")
        rows.append((comp, energy, str(mid) if isinstance(mid, (str, int)) and not isinstance(mid, bool) else ""))
    if not rows:
        msg = f"{path}: no rows"
        raise SourceError(msg)
    if len(kinds) > 1:
        msg = f"{path}: mixes energy types {sorted(kinds)}; use one per file"
        raise SourceError(msg)
    if kinds == {"total_per_formula_unit"}:
        rows = _formation_energies(rows, path)
    elif any(len(c) == 1 and abs(e) > 1e-9 for c, e, _ in rows):
        msg = f"{path}: elemental rows must have formation energy 0 eV/atom"
        raise SourceError(msg)
    info = SourceInfo(
        name=name,
        description=f"user data from {path.name} ({kinds.pop()})",
        thermo_type="user-supplied",
        vintage="user-supplied",
        origin=str(path.resolve()),
        content_sha256=file_sha256(path),
    )
    entries = to_entries(rows, name)
    _check_range(entries, path)
    return info, entries


def read_file(
    path: str | Path, *, source_name: str | None = None, energy_type: EnergyType | None = None
) -> tuple[SourceInfo, list[Entry]]:
    """Read any supported file into ``(SourceInfo, entries)`` without touching the store."""
    p = Path(path)
    fmt = detect_format(p)
    default_name = p.name.split(".")[0]
    if fmt == "snapshot":
        return read_snapshot_csv(p, source_name or SNAPSHOT_SOURCE_NAME)
    if fmt == "entries":
        return _read_entries_json(p, source_name or default_name)
    return _read_user(p, source_name or default_name, energy_type)

"""Readers for files a user imports: the snapshot CSV, pymatgen entry lists, formula/energy tables.

Formats (detected from the content):
- ``snapshot``: the merged MP snapshot CSV (``reduced_formula, formula_crabnet, e_form_per_atom, material_id``).
- ``entries``: a JSON or JSON.gz list of pymatgen ``ComputedEntry``/``ComputedStructureEntry`` dicts.
  Formation energies are taken on the list's own elemental references (lowest energy per atom of
  each element), so the list must contain every element it uses.
- ``user``: CSV or JSON rows with ``formula`` and ``energy`` (and optionally ``energy_type`` and
  ``material_id``). ``energy_type`` is ``formation_per_atom`` (eV/atom, elements at 0) or
  ``total_per_formula_unit`` (eV per formula unit as written; elemental rows must be included).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from interfacestab.chem import n_atoms, parse_formula, reduced_composition, reduced_formula
from interfacestab.entries import Entry
from interfacestab.errors import FormulaError, SourceError
from interfacestab.provenance import SourceInfo
from interfacestab.sources.snapshot import SNAPSHOT_COLUMNS, file_sha256, read_snapshot_csv

if TYPE_CHECKING:
    from collections.abc import Callable

    from interfacestab.store.database import Store

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


def _formation_energies(
    rows: list[tuple[dict[str, float], float, str]], path: Path
) -> list[tuple[dict[str, float], float, str]]:
    """Convert (composition, total energy, id) rows into formation energies per atom."""
    refs: dict[str, float] = {}
    for comp, energy, _ in rows:
        if len(comp) == 1:
            (el,) = comp
            refs[el] = min(refs.get(el, float("inf")), energy / n_atoms(comp))
    needed = {el for comp, _, _ in rows for el in comp}
    if missing := sorted(needed - set(refs)):
        msg = f"{path}: no elemental reference for {', '.join(missing)}; total energies need one row per element"
        raise SourceError(msg)
    return [
        (comp, (energy - sum(refs[el] * amt for el, amt in comp.items())) / n_atoms(comp), mid)
        for comp, energy, mid in rows
    ]


def _read_entries_json(path: Path, name: str) -> tuple[SourceInfo, list[Entry]]:
    from pymatgen.entries.computed_entries import ComputedEntry, ComputedStructureEntry

    data = _load_json(path)
    rows_in = data if isinstance(data, list) else data["entries"]
    rows: list[tuple[dict[str, float], float, str]] = []
    updated: list[str] = []
    for i, d in enumerate(rows_in):
        try:
            cls = ComputedStructureEntry if "structure" in d else ComputedEntry
            entry = cls.from_dict(d)
        except Exception as exc:
            msg = f"{path}: entry {i} is not a valid pymatgen entry ({type(exc).__name__}: {exc})"
            raise SourceError(msg) from exc
        comp = {str(el): float(amt) for el, amt in entry.composition.get_el_amt_dict().items()}
        rows.append((comp, float(entry.energy), str(entry.entry_id or d.get("material_id") or "")))
        stamp = d.get("last_updated") or (d.get("data") or {}).get("last_updated")
        if stamp:
            updated.append(str(stamp.get("string", stamp) if isinstance(stamp, dict) else stamp)[:10])
    thermo = {str(d.get("parameters", {}).get("run_type", "")) for d in rows_in} - {""}
    corrected = any(d.get("energy_adjustments") for d in rows_in)
    entries = _to_entries(_formation_energies(rows, path), name)
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


def _to_entries(rows: list[tuple[dict[str, float], float, str]], name: str) -> list[Entry]:
    """Entries with reduced formulas; elemental rows are dropped (the hull adds elements at 0 eV/atom)."""
    out = []
    for comp, e_form, mid in rows:
        if len(comp) == 1:
            continue
        unit = reduced_composition(comp)
        out.append(Entry(reduced_formula(comp), unit, float(e_form), mid, name))
    return out


def _read_user(path: Path, name: str, energy_type: EnergyType | None) -> tuple[SourceInfo, list[Entry]]:
    if path.name.lower().endswith((".json", ".json.gz")):
        data = _load_json(path)
        records = data if isinstance(data, list) else data.get("entries", [])
    else:
        records = list(csv.DictReader(_open_text(path).splitlines()))
    rows: list[tuple[dict[str, float], float, str]] = []
    kinds: set[str] = set()
    for i, rec in enumerate(records, start=1):
        kind = energy_type or str(rec.get("energy_type") or "").strip() or "formation_per_atom"
        if kind not in ENERGY_TYPES:
            msg = f"{path}: row {i}: energy_type '{kind}' is not one of {', '.join(ENERGY_TYPES)}"
            raise SourceError(msg)
        kinds.add(kind)
        try:
            comp = parse_formula(str(rec["formula"]))
            energy = float(rec["energy"])
        except (FormulaError, ValueError, KeyError) as exc:
            msg = f"{path}: row {i}: {exc}"
            raise SourceError(msg) from exc
        rows.append((comp, energy, str(rec.get("material_id") or "")))
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
    return info, _to_entries(rows, name)


def read_file(
    path: str | Path, *, source_name: str | None = None, energy_type: EnergyType | None = None
) -> tuple[SourceInfo, list[Entry]]:
    """Read any supported file into ``(SourceInfo, entries)`` without touching the store."""
    p = Path(path)
    fmt = detect_format(p)
    default_name = p.name.split(".")[0]
    if fmt == "snapshot":
        return read_snapshot_csv(p, source_name or "mp_legacy2019")
    if fmt == "entries":
        return _read_entries_json(p, source_name or default_name)
    return _read_user(p, source_name or default_name, energy_type)


def import_file(
    store: Store,
    path: str | Path,
    *,
    source_name: str | None = None,
    energy_type: EnergyType | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[SourceInfo, bool]:
    """Import a file into the store as one source (atomic; idempotent).

    Returns:
        The stored source and whether anything changed (False when the same content was
        already imported under that name).
    """
    p = Path(path)
    if progress:
        progress(f"reading {p.name}")
    info, entries = read_file(p, source_name=source_name, energy_type=energy_type)
    existing = {s.name: s for s in store.sources()}.get(info.name)
    if existing is not None and existing.content_sha256 == info.content_sha256 and existing.n_entries == len(entries):
        return existing, False
    if not entries:
        msg = f"{p}: no compounds to import"
        raise SourceError(msg)
    if progress:
        progress(f"writing {len(entries)} entries as source '{info.name}'")
    return store.replace_source(info, entries), True


def content_hash(text: str) -> str:
    """SHA-256 of a text (used for sources that are not files, e.g. MP responses)."""
    return hashlib.sha256(text.encode()).hexdigest()

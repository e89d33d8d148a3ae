"""JSON, CSV and Markdown text of results, and atomic file writing.

- JSON is ``result.to_dict()`` at full precision (the stable contract).
- CSV is flat: one row per profile stage (window), per kink (interface), per entry (data
  entries) or per source (store info), with the result's header fields repeated on each row.
  Columns are field names (``voltage_low_V``), never LaTeX; lists are joined with ``;``;
  numbers keep full precision; a missing value is an empty cell.
- Markdown is a human report, rounded like the tables (the formatters of :mod:`.tables`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from interfacestab.errors import InterfaceStabError, OutputError
from interfacestab.reports.tables import (
    fmt_energy,
    fmt_fraction,
    fmt_ion_amount,
    fmt_kJ_per_mol,
    fmt_meV,
    fmt_phases,
    fmt_voltage,
    interface_energy_unit,
    interface_system_text,
    stabilization_summary,
    stage_reaction_text,
    target_text,
    window_range_text,
)

if TYPE_CHECKING:
    from interfacestab.analyses.data import ChemsysEntries, StoreInfo
    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.window import StabilityWindow
    from interfacestab.provenance import Provenance

LIST_SEPARATOR = ";"


# -- JSON ------------------------------------------------------------------------------------
def to_json(result: object) -> str:
    """``result.to_dict()`` as indented JSON at full precision (ends with a newline)."""
    return json.dumps(result.to_dict(), indent=2) + "\n"  # type: ignore[attr-defined]


# -- CSV -------------------------------------------------------------------------------------
def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def _provenance_columns(provenance: Provenance) -> dict[str, object]:
    src = provenance.source
    return {
        "source": src.name,
        "thermo_type": src.thermo_type,
        "vintage": src.vintage,
        "db_version": src.db_version,
        "chemsys": provenance.chemsys,
        "package_version": provenance.package_version,
    }


def window_rows(result: StabilityWindow) -> list[dict[str, object]]:
    """One row per profile stage (from 0 V upward) with the window's header fields."""
    header = {
        "formula": result.formula,
        "ion": result.ion,
        "reduction_limit_V": result.reduction_limit_V,
        "oxidation_limit_V": result.oxidation_limit_V,
        "e_above_hull_eV_per_atom": result.e_above_hull_eV_per_atom,
        "in_database": result.in_database,
        "material_id": result.material_id,
        "stabilized": result.stabilized,
        "stabilization_policy": result.stabilization_policy,
    }
    prov = _provenance_columns(result.provenance)
    return [{**header, **stage.to_dict(), **prov} for stage in result.profile]


def interface_rows(result: InterfaceProfile) -> list[dict[str, object]]:
    """One row per kink (in x order) with the profile's header fields and ``is_minimum``."""
    header = {
        "reactant_a": result.reactant_a,
        "reactant_b": result.reactant_b,
        "ion": result.ion,
        "voltage_V": result.voltage_V,
        "use_entry_energies": result.use_entry_energies,
    }
    prov = _provenance_columns(result.provenance)
    return [
        {**header, **kink.to_dict(), "is_minimum": kink == result.minimum, **prov} for kink in result.kinks
    ]


def entries_rows(result: ChemsysEntries) -> list[dict[str, object]]:
    """One row per entry of the chemical system."""
    prov = _provenance_columns(result.provenance)
    return [{"chemsys_queried": result.chemsys, **row.to_dict(), **prov} for row in result.rows]


def store_rows(result: StoreInfo) -> list[dict[str, object]]:
    """One row per source of the store."""
    return [{"store_path": result.store_path, **src.to_dict()} for src in result.sources]


def rows_for(result: object) -> list[dict[str, object]]:
    """The flat rows of any result type."""
    from interfacestab.analyses.data import ChemsysEntries, StoreInfo
    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.window import StabilityWindow

    if isinstance(result, StabilityWindow):
        return window_rows(result)
    if isinstance(result, InterfaceProfile):
        return interface_rows(result)
    if isinstance(result, ChemsysEntries):
        return entries_rows(result)
    if isinstance(result, StoreInfo):
        return store_rows(result)
    msg = f"no CSV layout for {type(result).__name__}"
    raise TypeError(msg)


def rows_to_csv(rows: Sequence[dict[str, object]]) -> str:
    """CSV text (``\\n`` line ends) with the keys of the first row as header."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def to_csv(result: object) -> str:
    """Flat CSV of a result (see the module docstring for the layout)."""
    return rows_to_csv(rows_for(result))


# -- Markdown --------------------------------------------------------------------------------
def _md_table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str) -> list[str]:
    marks = {"l": ":---", "r": "---:"}
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(marks[a] for a in align) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def _md_provenance(provenance: Provenance, notes: Sequence[str] = ()) -> list[str]:
    src = provenance.source
    lines = [
        "### Provenance",
        "",
        f"- source: `{src.name}` — {src.description}",
        f"- vintage: {src.vintage}" + (f" ({src.db_version})" if src.db_version else ""),
        f"- thermo type: {src.thermo_type}",
        f"- entries: {provenance.n_entries_in_chemsys} in {provenance.chemsys}",
    ]
    lines += [f"- {key}: {text}" for key, text in provenance.conventions.items()]
    lines.append(f"- interfacestab {provenance.package_version}")
    lines += [f"- note: {note}" for note in notes]
    lines += [f"- **warning**: {warning}" for warning in provenance.warnings]
    return [*lines, ""]


def window_markdown(result: StabilityWindow) -> str:
    """Markdown report of a stability window."""
    ion = result.ion
    lines = [
        f"## {result.formula}: stability window vs {ion}/{ion}+",
        "",
        f"**{window_range_text(result)}**",
        "",
        f"- target: {target_text(result)}",
        f"- e_above_hull: {stabilization_summary(result)}",
    ]
    if result.reduction_products:
        lines.append(
            f"- reduction products (below {fmt_voltage(result.reduction_limit_V)} V): "
            f"{fmt_phases(result.reduction_products)}"
            + (f" — `{result.reduction_reaction}`" if result.reduction_reaction else "")
        )
    else:
        lines.append(f"- reduction products: {fmt_phases(())} (stable down to 0 V, against {ion} metal)")
    if result.oxidation_limit_V is None:
        lines.append(f"- oxidation products: {fmt_phases(())} (no {ion} to release)")
    else:
        lines.append(
            f"- oxidation products (above {fmt_voltage(result.oxidation_limit_V)} V): "
            f"{fmt_phases(result.oxidation_products)}"
            + (f" — `{result.oxidation_reaction}`" if result.oxidation_reaction else "")
        )
    lines += [
        f"- decomposition energy: {fmt_energy(result.decomposition_energy_at_0V_eV_per_atom)} eV/atom at 0 V, "
        f"{fmt_energy(result.decomposition_energy_at_5V_eV_per_atom)} eV/atom at 5 V (per non-{ion} atom)",
        "",
        f"### Voltage profile (V vs {ion}/{ion}+)",
        "",
    ]
    rows = [
        [
            fmt_voltage(s.voltage_low_V),
            fmt_voltage(s.voltage_high_V),
            fmt_ion_amount(s.ion_per_formula_unit),
            fmt_phases(s.phases),
            stage_reaction_text(s),
            fmt_energy(s.decomposition_energy_eV_per_atom),
            "**window**" if s.is_window else "",
        ]
        for s in result.profile
    ]
    headers = ["V low", "V high", f"{ion} per f.u.", "phases", "reaction", "E_decomp (eV/atom)", ""]
    lines += _md_table(headers, rows, "rrrllrl")
    lines += ["", *_md_provenance(result.provenance, result.notes)]
    return "\n".join(lines)


def interface_markdown(result: InterfaceProfile) -> str:
    """Markdown report of an interface reaction profile."""
    unit = interface_energy_unit(result)
    m = result.minimum
    lines = [
        f"## {result.reactant_a} | {result.reactant_b}: interface reactions ({interface_system_text(result)})",
        "",
        f"**most negative: {fmt_energy(m.reaction_energy_eV_per_atom)} {unit} "
        f"({fmt_kJ_per_mol(m.reaction_energy_kJ_per_mol)} kJ/mol) at x_atomic = {fmt_fraction(m.x_atomic_a)}**",
        "",
        f"- products: {fmt_phases(m.products)} — `{m.reaction}`",
        f"- mutual reaction energy: {fmt_energy(result.mutual_reaction_energy_eV_per_atom)} {unit}",
    ]
    lines += [f"- no-mixing energy of {f}: {fmt_energy(e)} {unit}" for f, e in result.no_mixing_energies.items()]
    lines += ["", f"### Kinks (x = fraction of {result.reactant_a})", ""]
    rows = [
        [
            fmt_fraction(k.x_atomic_a),
            fmt_fraction(k.x_molar_a),
            fmt_energy(k.reaction_energy_eV_per_atom),
            fmt_kJ_per_mol(k.reaction_energy_kJ_per_mol),
            fmt_energy(k.mutual_reaction_energy_eV_per_atom),
            k.reaction,
            "**min**" if k == m else "",
        ]
        for k in result.kinks
    ]
    headers = ["x_atomic", "x_molar", f"dE ({unit})", "dE (kJ/mol)", "mutual", "reaction", ""]
    lines += _md_table(headers, rows, "rrrrrll")
    lines += ["", *_md_provenance(result.provenance)]
    return "\n".join(lines)


def entries_markdown(result: ChemsysEntries) -> str:
    """Markdown table of a chemical system's entries."""
    rows = [
        [
            r.formula,
            r.material_id,
            fmt_energy(r.e_form_eV_per_atom),
            fmt_meV(r.e_above_hull_eV_per_atom),
            "" if r.is_stable else fmt_phases(r.decomposition),
        ]
        for r in result.rows
    ]
    lines = [f"## {result.chemsys} ({len(result.rows)} entries)", ""]
    headers = ["formula", "material id", "E_form (eV/atom)", "E_above_hull (meV/atom)", "decomposes to"]
    lines += _md_table(headers, rows, "llrrl")
    lines += ["", *_md_provenance(result.provenance)]
    return "\n".join(lines)


def store_markdown(result: StoreInfo) -> str:
    """Markdown table of the store's sources."""
    rows = [[s.name, str(s.n_entries), s.thermo_type, s.vintage, s.origin, s.imported_at] for s in result.sources]
    lines = [f"## Store {result.store_path} ({result.n_entries} entries)", ""]
    lines += _md_table(["source", "entries", "thermo type", "vintage", "origin", "imported at"], rows, "lrllll")
    return "\n".join([*lines, ""])


def to_markdown(result: object) -> str:
    """Markdown report of any result type."""
    from interfacestab.analyses.data import ChemsysEntries, StoreInfo
    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.window import StabilityWindow

    if isinstance(result, StabilityWindow):
        return window_markdown(result)
    if isinstance(result, InterfaceProfile):
        return interface_markdown(result)
    if isinstance(result, ChemsysEntries):
        return entries_markdown(result)
    if isinstance(result, StoreInfo):
        return store_markdown(result)
    msg = f"no Markdown layout for {type(result).__name__}"
    raise TypeError(msg)


# -- files -----------------------------------------------------------------------------------
def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def temporary_sibling(path: Path) -> Path:
    """A new empty temporary file beside ``path`` (same folder, so ``os.replace`` is atomic).

    Raises:
        OutputError: when the folder does not exist or is not writable.
    """
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise OutputError(msg) from exc
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
    return Path(tmp)


def replace_atomically(tmp: Path, path: Path) -> None:
    """Move a finished temporary file onto ``path`` (readers never see a partial file)."""
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise OutputError(msg) from exc


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and ``os.replace``.

    Raises:
        OutputError: when the file cannot be written.
    """
    target = Path(path).expanduser()
    tmp = temporary_sibling(target)
    try:
        tmp.write_text(text, encoding="utf-8", newline="")
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            msg = f"cannot write {target}: {exc.strerror or exc}"
            raise OutputError(msg) from exc
        raise
    replace_atomically(tmp, target)
    return target

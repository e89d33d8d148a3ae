"""JSON, CSV and Markdown text of results, and atomic file writing.

- JSON is ``result.to_dict()`` at full precision (the stable contract).
- CSV is flat: one row per profile stage (window), per kink (interface), per entry (data
  entries), per source (store info), per scan value (composition scan), per grid voltage and
  per product change (voltage sweep, told apart by ``row_type``), per candidate (coating
  screen) or one summary row (batch), with the result's header fields repeated on each row.
  Columns are field names (``voltage_low_V``), never LaTeX; lists are joined with ``;``;
  numbers keep full precision; a missing value is an empty cell.
- Markdown is a human report, rounded like the tables (the formatters of :mod:`.tables`).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from interfacestab.errors import OutputError
from interfacestab.reports.tables import (
    SWEEP_SKIPPED_CONVENTIONS,
    fmt_energy,
    fmt_fraction,
    fmt_ion_amount,
    fmt_kJ_per_mol,
    fmt_meV,
    fmt_phases,
    fmt_scan_value,
    fmt_voltage,
    fmt_voltage_fine,
    interface_energy_unit,
    interface_system_text,
    phase_change_text,
    scan_e_above_hull_text,
    scan_entry_text,
    scan_range_text,
    screen_criteria_lines,
    screen_failed_text,
    screen_mark,
    screen_mean_margin_text,
    screen_score_text,
    screen_score_text_of,
    screen_skipped_text,
    screen_window_text,
    stabilization_summary,
    stage_reaction_text,
    sweep_range_text,
    target_text,
    transition_method_text,
    window_range_text,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from interfacestab.analyses.batch import BatchResult
    from interfacestab.analyses.coatings import CoatingScreen
    from interfacestab.analyses.data import ChemsysEntries, StoreInfo
    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.scan import WindowScan
    from interfacestab.analyses.sweep import InterfaceSweep
    from interfacestab.analyses.window import StabilityWindow
    from interfacestab.provenance import Provenance

LIST_SEPARATOR = ";"


# -- JSON ------------------------------------------------------------------------------------
def to_json(result: object) -> str:
    """``result.to_dict()`` as indented JSON at full precision (ends with a newline).

    Always valid JSON: a non-finite number (the -inf score of a failed candidate) is written as
    null, never as ``NaN``/``Infinity``, which JSON does not have.
    """
    return json.dumps(_finite_or_null(result.to_dict()), indent=2, allow_nan=False) + "\n"  # type: ignore[attr-defined]


def _finite_or_null(obj: object) -> object:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite_or_null(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite_or_null(v) for v in obj]
    return obj


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
    return [{**header, **kink.to_dict(), "is_minimum": kink == result.minimum, **prov} for kink in result.kinks]


def entries_rows(result: ChemsysEntries) -> list[dict[str, object]]:
    """One row per entry of the chemical system."""
    prov = _provenance_columns(result.provenance)
    return [{"chemsys_queried": result.chemsys, **row.to_dict(), **prov} for row in result.rows]


def store_rows(result: StoreInfo) -> list[dict[str, object]]:
    """One row per source of the store."""
    return [{"store_path": result.store_path, **src.to_dict()} for src in result.sources]


def scan_rows(result: WindowScan) -> list[dict[str, object]]:
    """One row per value of the scan variable: limits, products and reactions of its window."""
    rows = []
    for row in result.rows:
        w = row.window
        rows.append(
            {
                "template": result.template,
                "variable": result.variable,
                "ion": result.ion,
                **row.to_dict(),
                "width_V": w.width_V,
                "material_id": w.material_id,
                "stabilized": w.stabilized,
                "stabilization_policy": w.stabilization_policy,
                **_provenance_columns(w.provenance),
            }
        )
    return rows


#: Columns of a sweep's CSV: a ``point`` row per grid voltage, a ``transition`` row per product change.
SWEEP_COLUMNS = (
    "row_type", "voltage_V", "reaction_energy_eV_per_atom", "mutual_reaction_energy_eV_per_atom",
    "reaction_energy_kJ_per_mol", "x_atomic_a", "x_molar_a", "ion_uptake_per_atom", "products", "reaction",
    "products_below", "products_above", "method", "tolerance_V",
)  # fmt: skip


def sweep_rows(result: InterfaceSweep) -> list[dict[str, object]]:
    """Grid points and located transitions interleaved by voltage (``row_type`` says which)."""
    header = {"reactant_a": result.reactant_a, "reactant_b": result.reactant_b, "ion": result.ion}
    prov = _provenance_columns(result.provenance)
    items: list[tuple[float, int, dict[str, object]]] = []
    for p in result.points:
        items.append((p.voltage_V, 0, {"row_type": "point", "voltage_V": p.voltage_V, **p.minimum.to_dict()}))
    for t in result.transitions:
        items.append((t.voltage_V, 1, {"row_type": "transition", **t.to_dict()}))
    items.sort(key=lambda item: (item[0], item[1]))
    return [{**header, **{c: d.get(c) for c in SWEEP_COLUMNS}, **prov} for _, _, d in items]


def screen_csv_rows(screen: CoatingScreen) -> list[dict[str, object]]:
    """The library's flat screen rows (rank first) with the screen's setup and source on each row."""
    from interfacestab.analyses.coatings import screen_rows

    header = {
        "electrolyte": screen.electrolyte,
        "cathode": screen.cathode,
        "charged_cathode": screen.charged_cathode,
        "ion": screen.ion,
        "voltage_V": screen.voltage_V,
    }
    tail = {
        "source": screen.source.get("name", ""),
        "thermo_type": screen.source.get("thermo_type", ""),
        "vintage": screen.source.get("vintage", ""),
        "package_version": screen.package_version,
    }
    return [{**header, **row, **tail} for row in screen_rows(screen)]


def batch_rows(result: BatchResult) -> list[dict[str, object]]:
    """The summary of a batch run as one row."""
    return [result.to_dict()]


def rows_for(result: object) -> list[dict[str, object]]:
    """The flat rows of any result type."""
    from interfacestab.analyses.batch import BatchResult
    from interfacestab.analyses.coatings import CoatingScreen
    from interfacestab.analyses.data import ChemsysEntries, StoreInfo
    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.scan import WindowScan
    from interfacestab.analyses.sweep import InterfaceSweep
    from interfacestab.analyses.window import StabilityWindow

    if isinstance(result, StabilityWindow):
        return window_rows(result)
    if isinstance(result, InterfaceProfile):
        return interface_rows(result)
    if isinstance(result, WindowScan):
        return scan_rows(result)
    if isinstance(result, InterfaceSweep):
        return sweep_rows(result)
    if isinstance(result, CoatingScreen):
        return screen_csv_rows(result)
    if isinstance(result, BatchResult):
        return batch_rows(result)
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


def _md_provenance(provenance: Provenance, notes: Sequence[str] = (), *, skip: Sequence[str] = ()) -> list[str]:
    src = provenance.source
    lines = [
        "### Provenance",
        "",
        f"- source: `{src.name}` — {src.description}",
        f"- vintage: {src.vintage}" + (f" ({src.db_version})" if src.db_version else ""),
        f"- thermo type: {src.thermo_type}",
        f"- entries: {provenance.n_entries_in_chemsys} in {provenance.chemsys}",
    ]
    lines += [f"- {key}: {text}" for key, text in provenance.conventions.items() if key not in skip]
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


def scan_markdown(result: WindowScan) -> str:
    """Markdown report of a composition scan."""
    ion = result.ion
    lines = [f"## {result.template}: stability windows vs {ion}/{ion}+, {scan_range_text(result)}", ""]
    rows = [
        [
            fmt_scan_value(r.value),
            r.formula,
            scan_entry_text(r.window),
            scan_e_above_hull_text(r.window),
            fmt_voltage(r.window.reduction_limit_V),
            fmt_voltage(r.window.oxidation_limit_V),
            fmt_voltage(r.window.width_V),
            fmt_phases(r.window.reduction_products),
            fmt_phases(r.window.oxidation_products),
        ]
        for r in result.rows
    ]
    headers = [
        result.variable, "formula", "entry", "E_above_hull (meV/atom)", "V_red (V)", "V_ox (V)", "width (V)",
        "reduction products", "oxidation products",
    ]  # fmt: skip
    lines += _md_table(headers, rows, "rllrrrrll")
    lines.append("")
    if result.rows:
        lines += _md_provenance(result.rows[0].window.provenance)
    return "\n".join(lines)


def sweep_markdown(result: InterfaceSweep) -> str:
    """Markdown report of an interface voltage sweep."""
    ion = result.ion
    unit = f"eV per non-{ion} atom"
    lines = [
        f"## {result.reactant_a} | {result.reactant_b}: interface reactions open to {ion}, {sweep_range_text(result)}",
        "",
        f"### Product changes of the most negative reaction ({len(result.transitions)})",
        "",
    ]
    rows = [
        [
            fmt_voltage_fine(t.voltage_V),
            fmt_phases(t.products_below),
            fmt_phases(t.products_above),
            phase_change_text(t.products_below, t.products_above),
            transition_method_text(t.method, t.tolerance_V),
        ]
        for t in result.transitions
    ]
    lines += _md_table(["V", "products below", "products above", "change", "method"], rows, "rllll")
    lines += ["", f"### Most negative reaction at each voltage (dE in {unit})", ""]
    rows = [
        [
            fmt_voltage(p.voltage_V),
            fmt_energy(p.minimum.reaction_energy_eV_per_atom),
            fmt_energy(p.minimum.mutual_reaction_energy_eV_per_atom),
            fmt_fraction(p.minimum.x_atomic_a),
            fmt_phases(p.minimum.products),
        ]
        for p in result.points
    ]
    lines += _md_table(["V", "dE", "mutual", "x_atomic", "products"], rows, "rrrrl")
    lines += ["", *_md_provenance(result.provenance, skip=SWEEP_SKIPPED_CONVENTIONS)]
    return "\n".join(lines)


def screen_markdown(screen: CoatingScreen, *, top: int | None = None) -> str:
    """Markdown report of a coating screen (``top`` rows at most), with criteria and provenance."""
    shown = screen.results if top is None else screen.results[: max(0, top)]
    lines = [
        f"## Coatings for {screen.electrolyte} | {screen.cathode}: {len(screen.passed)} of {len(screen.results)} pass",
        "",
    ]
    rows = [
        [
            str(rank),
            r.formula,
            screen_mark(r),
            screen_score_text_of(r),
            screen_mean_margin_text(r),
            fmt_meV(r.e_above_hull_eV_per_atom),
            screen_window_text(r),
            fmt_energy(r.electrolyte_reaction_eV_per_atom),
            fmt_energy(r.cathode_reaction_eV_per_atom),
            fmt_energy(r.charged_cathode_reaction_eV_per_atom),
            screen_failed_text(r),
        ]
        for rank, r in enumerate(shown, start=1)
    ]
    ion = screen.ion
    headers = [
        "#", "formula", "pass", "score", "mean margin", "E_hull (meV/atom)", f"window (V vs {ion}/{ion}+)",
        f"dE {screen.electrolyte}", f"dE {screen.cathode}", f"dE {screen.charged_cathode}", "failed criteria",
    ]  # fmt: skip
    lines += _md_table(headers, rows, "rllrrrrrrrl")
    if len(shown) < len(screen.results):
        lines += ["", f"(top {len(shown)} of {len(screen.results)} shown)"]
    skipped = screen_skipped_text(screen)
    if skipped:
        lines += ["", skipped]
    lines += ["", "### Criteria", ""]
    lines += [f"- {name}: {rule}" for name, rule in screen_criteria_lines(screen)]
    lines += [f"- {screen_score_text(screen)}", f"- after {screen.criteria.citation}", "", "### Provenance", ""]
    src = screen.source
    lines += [
        f"- source: `{src.get('name', '')}` — {src.get('description', '')}",
        f"- vintage: {src.get('vintage', '')}" + (f" ({src['db_version']})" if src.get("db_version") else ""),
        f"- thermo type: {src.get('thermo_type', '')}",
    ]
    lines += [f"- {key}: {text}" for key, text in screen.conventions.items()]
    lines += [f"- interfacestab {screen.package_version}", ""]
    return "\n".join(lines)


def batch_markdown(result: BatchResult) -> str:
    """Markdown summary of a batch run."""
    return "\n".join(
        [
            "## Batch of stability windows",
            "",
            f"- targets: {result.n_targets}",
            f"- computed this run: {result.n_computed}",
            f"- failed: {result.n_failed}",
            f"- output: {result.output}",
            f"- checkpoint: {result.checkpoint}",
            f"- source: {result.source}",
            "",
        ]
    )


def to_markdown(result: object, *, top: int | None = None) -> str:
    """Markdown report of any result type (``top``: rows of a coating screen shown)."""
    from interfacestab.analyses.batch import BatchResult
    from interfacestab.analyses.coatings import CoatingScreen
    from interfacestab.analyses.data import ChemsysEntries, StoreInfo
    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.scan import WindowScan
    from interfacestab.analyses.sweep import InterfaceSweep
    from interfacestab.analyses.window import StabilityWindow

    if isinstance(result, StabilityWindow):
        return window_markdown(result)
    if isinstance(result, InterfaceProfile):
        return interface_markdown(result)
    if isinstance(result, WindowScan):
        return scan_markdown(result)
    if isinstance(result, InterfaceSweep):
        return sweep_markdown(result)
    if isinstance(result, CoatingScreen):
        return screen_markdown(result, top=top)
    if isinstance(result, BatchResult):
        return batch_markdown(result)
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

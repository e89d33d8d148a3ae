"""Reports by result type: one model per result, so table, Markdown, CSV and JSON carry the same fields.

Every result type is built from the offline snapshot; its report model is rendered both ways and the
model's head keys, column headers, cells, legend, notes and provenance lines must appear in both.
CSV columns, ``to_rows`` keys and the documented ``ROW_FIELDS`` must be one list; the JSON
provenance has one shape for every result.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from interfacestab import reports
from interfacestab.analyses.batch import window_batch
from interfacestab.analyses.coatings import CoatingResult, screen_coatings
from interfacestab.analyses.data import chemsys_entries, store_info
from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.scan import window_scan
from interfacestab.analyses.sweep import interface_sweep_for
from interfacestab.analyses.window import window_for
from interfacestab.errors import InterfaceStabError, OutputError
from interfacestab.fileio import check_output_path, to_json_text, write_atomically
from interfacestab.provenance import Provenance, SourceInfo
from interfacestab.reports import render_markdown, render_rich
from interfacestab.reports.registry import NoReportError

SEEDS = ["Li3PO4", "LiNbO3", "Li2ZrO3", "LiAlO2"]


@pytest.fixture(scope="module")
def results(snapshot_store, tmp_path_factory) -> dict[str, object]:
    """One result of every type (two variants where the report changes: open/closed, with/without Li)."""
    store_path = str(snapshot_store.path)
    out = tmp_path_factory.mktemp("batch") / "b.csv"
    return {
        "window": window_for("Li6PS5Cl", store=snapshot_store),
        "window_no_ion": window_for("P2S5", store=snapshot_store),
        "interface": interface_for("Li6PS5Cl", "LiCoO2", store=snapshot_store),
        "interface_open": interface_for("Li6PS5Cl", "CoO2", voltage_V=4.0, store=snapshot_store),
        "sweep": interface_sweep_for("Li6PS5Cl", "LiCoO2", "3:4:0.5", store=snapshot_store),
        "scan": window_scan("Li6+xP1-xGexS5I", "x=0:0.5:0.25", store=snapshot_store),
        "screen": screen_coatings(SEEDS, "Li6PS5Cl", "LiCoO2", store_path=store_path, workers=1),
        "screen_open": screen_coatings(SEEDS, "Li6PS5Cl", "LiCoO2", voltage_V=4.0, store_path=store_path, workers=1),
        "batch": window_batch([("Li3PO4", "Li"), ("LiCoO2", "Li")], out, store_path=store_path, workers=1),
        "entries": chemsys_entries(snapshot_store, "Li-P-S-Cl"),
        "store": store_info(snapshot_store),
    }


NAMES = [
    "window", "window_no_ion", "interface", "interface_open", "sweep", "scan", "screen", "screen_open", "batch",
    "entries", "store",
]  # fmt: skip
WIDE = 2000  # no wrapping: every model string must appear verbatim in the rich text


def _rich_text(model) -> str:
    return render_rich.to_text(render_rich.render(model), width=WIDE)


# -- table and Markdown carry the same fields -------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_table_and_markdown_carry_the_same_model(results, name) -> None:
    model = reports.report_for(results[name])
    text, md = _rich_text(model), render_markdown.render(model)
    assert reports.to_markdown(results[name]) == md  # the registry renders that same model
    md_headers = [line for line in md.splitlines() if line.startswith("| ") and "---" not in line]
    for item in (*model.head, *(i for s in model.sections for i in s.items)):
        for out in (text, md):
            assert item.key in out, item.key
            assert item.value in out, item.value
            assert item.detail in out, item.detail
    for table in model.tables:
        md_header = "| " + " | ".join(c.header.replace("|", "\\|") for c in table.columns) + " |"
        assert md_header in md_headers
        for column in table.columns:
            for word in column.label.split():  # rich may break a long label over lines
                assert word in text, word
            if column.unit:
                assert f"({column.unit})" in text
        for row in table.rows:
            for cell in row.cells:
                assert cell in text, cell
                assert cell.replace("|", "\\|") in md, cell
    for line in (*model.legend, *model.notes):
        assert line in text and line in md, line
    for line in model.provenance:
        assert line.value in text and f"{line.value}" in md, line
    assert "\x1b[" not in text


def test_every_column_names_result_fields(results) -> None:
    """A column shows fields of the result's rows or JSON (markers and ranks aside), so CSV and table agree."""
    derived = {"rank", "is_window", "is_minimum", "status", "name"}
    for name in NAMES:
        result = results[name]
        known = set(type(result).ROW_FIELDS) | set(result.to_dict()) | derived
        for table in reports.report_for(result).tables:
            for column in table.columns:
                assert set(column.fields) <= known, (name, column)


# -- CSV == to_rows == ROW_FIELDS; one provenance shape -----------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_csv_columns_are_the_documented_row_fields(results, name) -> None:
    result = results[name]
    rows = result.to_rows()
    assert rows, name
    fields = list(type(result).ROW_FIELDS)
    assert all(list(row) == fields for row in rows)
    parsed = list(csv.DictReader(io.StringIO(reports.to_csv(result))))
    assert list(parsed[0]) == fields
    assert len(parsed) == len(rows)


def test_json_provenance_has_one_shape(results) -> None:
    shape = set(Provenance(SourceInfo("s", "", "", ""), "", 0, {}).to_dict())
    for name in NAMES:
        if name == "store":  # a listing of sources, each with its full SourceInfo
            continue
        data = json.loads(reports.to_json(results[name]))
        assert set(data["provenance"]) == shape, name
        assert data["provenance"]["source"] == "mp_legacy2019", name


def test_scan_provenance_is_the_union_of_its_windows_warnings(results) -> None:
    """The union, except that the per-composition virtual-composition warnings are gathered into one (issue 12)."""
    from interfacestab.analyses.scan import virtual_scan_warning

    scan = results["scan"]
    own = {w for row in scan.rows for w in row.window.provenance.warnings if not w.startswith("virtual composition")}
    gathered = virtual_scan_warning(scan)
    assert gathered is not None  # the template's x > 0 compositions are virtual
    assert set(scan.provenance.warnings) == own | {gathered}
    assert scan.provenance.source == scan.rows[0].window.provenance.source


# -- the drifts that were found, now impossible ---------------------------------------------------
def test_fixed_drifts_are_in_the_markdown(results) -> None:
    window = results["window"]
    assert f"- width: {window.width_V:.2f} V" in reports.to_markdown(window)
    open_md = reports.to_markdown(results["interface_open"])
    ip = results["interface_open"]
    assert ip.mutual_minimum != ip.minimum  # the open case where the two mutual numbers differ
    assert f"- most negative mutual: **{ip.mutual_minimum.mutual_reaction_energy_eV_per_nonion_atom:.3f}" in open_md
    assert "- reactant energies: Li6PS5Cl" in open_md
    assert "| V | dE | mutual | x_atomic | x_molar | products |" in reports.to_markdown(results["sweep"])
    screen_md = reports.to_markdown(results["screen_open"])
    assert "dE el. open (eV/non-Li atom) | dE cath. open (eV/non-Li atom)" in screen_md


# -- issue 9 §5: the open columns and the mutual energies say what they hold ------------------------
def test_open_screen_columns_are_the_most_negative_mutual_energies(results, snapshot_store) -> None:
    screen = results["screen_open"]
    text = _rich_text(reports.report_for(screen))
    assert "includes each reactant's own reaction" not in text
    assert "each reactant's own reaction with the Li reservoir is removed" in text
    for r in screen.results:
        ip = interface_for(r.formula, "Li6PS5Cl", voltage_V=4.0, store=snapshot_store).to_dict()
        assert r.open_electrolyte_reaction_eV_per_nonion_atom == pytest.approx(
            ip["most_negative_mutual_reaction_energy_eV_per_nonion_atom"], abs=1e-9
        )


def test_interface_json_names_both_mutual_energies(results) -> None:
    ip = results["interface_open"]
    data = json.loads(reports.to_json(ip))
    assert "mutual_reaction_energy_eV_per_nonion_atom" not in data
    at_min = data["mutual_reaction_energy_at_minimum_eV_per_nonion_atom"]  # open: per non-ion atom
    most_negative = data["most_negative_mutual_reaction_energy_eV_per_nonion_atom"]
    assert at_min == data["minimum"]["mutual_reaction_energy_eV_per_nonion_atom"]
    assert most_negative == min(k["mutual_reaction_energy_eV_per_nonion_atom"] for k in data["kinks"])
    assert most_negative < at_min  # two different numbers, two names


# -- strict JSON, unknown types -------------------------------------------------------------------
def test_json_is_strict_and_names_the_bad_value() -> None:
    assert json.loads(to_json_text({"a": [1.5, None]})) == {"a": [1.5, None]}
    with pytest.raises(OutputError, match=r"a\.b\[1\] is not a finite number"):
        to_json_text({"a": {"b": [0.0, math.inf]}})


def test_screen_with_an_error_row_is_valid_json_and_csv(results) -> None:
    screen = results["screen"]
    broken = replace(screen, results=(*screen.results, CoatingResult.failed("Xx2O", "no data for Xx")))
    data = json.loads(reports.to_json(broken))  # -inf scores would be -Infinity, which is not JSON
    assert data["results"][-1]["score"] is None
    assert data["results"][-1]["error"] == "no data for Xx"
    row = list(csv.DictReader(io.StringIO(reports.to_csv(broken))))[-1]
    assert (row["score"], row["error"]) == ("", "no data for Xx")
    assert "error: no data for Xx" in reports.to_markdown(broken)


def test_unknown_result_type_is_a_user_error() -> None:
    for call in (reports.render, reports.to_markdown, reports.to_json, reports.to_csv):
        with pytest.raises(NoReportError, match="no report for object") as info:
            call(object())
        assert isinstance(info.value, InterfaceStabError)
        assert not isinstance(info.value, TypeError)


def test_a_result_without_a_plot_says_so(results, tmp_path: Path) -> None:
    with pytest.raises(NoReportError, match="no plot for StoreInfo"):
        reports.plot(results["store"], tmp_path / "s.png")
    assert not list(tmp_path.iterdir())


# -- files ----------------------------------------------------------------------------------------
def test_check_output_path(tmp_path: Path) -> None:
    assert check_output_path(tmp_path / "a.csv", suffixes=(".csv",)) == tmp_path / "a.csv"
    with pytest.raises(OutputError, match="does not exist"):
        check_output_path(tmp_path / "missing" / "a.csv")
    with pytest.raises(OutputError, match="is a folder"):
        check_output_path(tmp_path)
    with pytest.raises(OutputError, match=r"ending in \.csv or \.json"):
        check_output_path(tmp_path / "a.txt", suffixes=(".csv", ".json"))


def test_write_atomically_leaves_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")

    def fail(tmp: Path) -> None:
        tmp.write_text("half")
        raise PermissionError(13, "Permission denied")

    with pytest.raises(OutputError, match=r"cannot write .*out\.txt: Permission denied"):
        write_atomically(target, fail)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


# -- issue 9 §4: screen tables readable at 100 and 80 columns (the installed script) ------------------
SCRIPT = Path(sys.executable).parent / "interfacestab"
NMC = ["screen", "--electrolyte", "Li6PS5Cl", "--cathode", "LiNi1/3Mn1/3Co1/3O2", "--workers", "1"]


def _run(store: Path, args: list[str], columns: int | None = None) -> str:
    env = {**os.environ}
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = str(columns)
    done = subprocess.run(
        [str(SCRIPT), "--store", str(store), *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("voltage", [[], ["--voltage", "4"]])
@pytest.mark.parametrize("columns", [100, 80])
def test_screen_table_keeps_every_column_and_score_at_narrow_widths(snapshot_store, columns, voltage) -> None:
    store = snapshot_store.path
    data = json.loads(_run(store, [*NMC, *voltage, "--format", "json"]))
    text = _run(store, [*NMC, *voltage], columns=columns)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= columns
    assert "…" not in text
    screen_model = reports.report_for(_screen_from_json(data))
    (table,) = screen_model.tables
    for column in table.columns:
        for word in column.label.split():
            assert word in text, word
    for rank, r in enumerate(data["results"], start=1):
        mark = "✓" if r["passed"] else "✗"
        wanted = [str(rank), r["formula"], mark, f"{r['score']:.2f}"]
        assert any(line.split()[:4] == wanted for line in lines if line.split()), wanted


def _screen_from_json(data: dict) -> object:
    """A screen's report columns depend only on whether it is open; a stand-in with the JSON's setup."""
    from interfacestab.analyses.coatings import CoatingScreen, ScreeningCriteria

    return CoatingScreen(
        data["electrolyte"], data["cathode"], data["charged_cathode"], data["ion"], data["voltage_V"],
        ScreeningCriteria(), (), {"name": "x", "description": "", "thermo_type": "", "vintage": ""},
    )  # fmt: skip

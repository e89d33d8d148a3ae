"""The interphase verdict of every matrix cell is the one ``interface`` reports for that pair's minimum.

A copy of the snapshot store gets a small band-gap source (inputs, not results: MP PBE values as in the
snapshot's spot checks); the oracle is ``interface_for`` on the same store, closed and open, in process and
through the installed script on two workers (JSON and CSV parsed with json/csv).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from tests.helpers.cli_helpers import run_script

from interfacestab import reports
from interfacestab.analyses import interphase
from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.matrix import InterfaceMatrix, MatrixCell, interface_matrix
from interfacestab.chem import parse_formula
from interfacestab.errors import InterfaceStabError
from interfacestab.fileio import LIST_SEPARATOR
from interfacestab.phase_properties import GapSource, PropertyRow, PropertySource
from interfacestab.provenance import SourceInfo
from interfacestab.reports import render_markdown
from interfacestab.store import open_store

ELECTROLYTES = ["Li6PS5Cl", "Li3InCl6"]
ELECTRODES = ["LiCoO2", "Li", "LiFePO4"]
VOLTAGE_V = 3.0
GAPS = {  # reduced formula: (min, max, n) eV (inputs)
    "Li2S": (2.68, 3.90, 5),
    "LiCl": (5.93, 6.25, 3),
    "Li3P": (0.70, 0.70, 1),
    "Co9S8": (0.0, 0.0, 1),
    "CoS2": (0.0, 0.0, 1),
    "Li3PO4": (5.73, 5.82, 2),
    "In": (0.0, 0.0, 1),
    "In2O3": (0.93, 2.5, 3),
}


@pytest.fixture(scope="module")
def gap_store(snapshot_store, tmp_path_factory):
    """A copy of the snapshot store with one MP-PBE band-gap source."""
    path = tmp_path_factory.mktemp("matrix_gaps") / "gaps.sqlite"
    src, dst = sqlite3.connect(snapshot_store.path), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    store = open_store(path)
    source = PropertySource(
        SourceInfo("matrix_gaps_test", "MP PBE gaps (matrix test)", "PBE", "test"), GapSource.MP_PBE, ("band_gap",)
    )
    store.replace_properties(source, [PropertyRow(f, lo, hi, n) for f, (lo, hi, n) in GAPS.items()])
    yield store
    store.close()


@pytest.fixture(scope="module", params=[None, VOLTAGE_V], ids=["closed", "open"])
def matrix(request, gap_store) -> InterfaceMatrix:
    return interface_matrix(ELECTROLYTES, ELECTRODES, voltage_V=request.param, store_path=gap_store.path, workers=1)


EMPTY = {"verdict": "", "conducting": [], "uncertain": [], "interdiffusion": [], "summary": ""}


def _expected(electrolyte: str, electrode: str, voltage_V: float | None, store) -> dict[str, object]:
    """What ``interface`` reports for the pair's minimum kink (a pair it refuses: no interphase, ``error``)."""
    try:
        phase = interface_for(electrolyte, electrode, voltage_V=voltage_V, store=store).minimum.interphase
    except InterfaceStabError:
        return {**EMPTY, "error": True}
    if phase is None:
        return dict(EMPTY)
    return {
        "verdict": str(phase.verdict),
        "conducting": list(phase.conducting_phases),
        "uncertain": list(phase.uncertain_phases),
        "interdiffusion": list(phase.interdiffusion_phases),
        "summary": phase.summary(),
    }


def _of_cell(c: MatrixCell) -> dict[str, object]:
    return {
        **({"error": True} if c.error else {}),
        "verdict": c.interphase_verdict,
        "conducting": list(c.conducting_phases),
        "uncertain": list(c.uncertain_phases),
        "interdiffusion": list(c.interdiffusion_products),
        "summary": c.interphase_summary,
    }


def test_every_cell_is_the_interphase_of_interface_at_its_minimum(matrix: InterfaceMatrix, gap_store) -> None:
    for c in matrix.cells:
        assert _of_cell(c) == _expected(c.electrolyte, c.electrode, matrix.voltage_V, gap_store), c
    verdicts = {c.interphase_verdict for c in matrix.cells}
    assert "mixed-conducting" in verdicts  # the gaps above make the test discriminating
    assert len(verdicts - {""}) >= 2


def test_a_cobalt_sulfide_from_licoo2_is_interdiffusion(gap_store) -> None:
    """Li6PS5Cl | LiCoO2: Co of the cathode in the electrolyte's S/P/Cl framework, and Co sulfides are metals here."""
    m = interface_matrix(["Li6PS5Cl"], ["LiCoO2"], store_path=gap_store.path, workers=1)
    c = m.cell("Li6PS5Cl", "LiCoO2")
    by_hand = [p for p in c.products if "Co" in parse_formula(p) and set(parse_formula(p)) & {"S", "P", "Cl"}]
    assert by_hand and any(set(parse_formula(p)) == {"Co", "S"} for p in by_hand), c.products
    assert list(c.interdiffusion_products) == by_hand
    cobalt_sulfides = [p for p in by_hand if p in GAPS and GAPS[p][1] == 0.0]
    assert cobalt_sulfides and set(cobalt_sulfides) <= set(c.conducting_phases)
    assert c.interphase_verdict == "mixed-conducting"


def test_one_property_lookup_per_chunk(gap_store, monkeypatch) -> None:
    calls: list[set[str]] = []
    real = interphase.load_properties

    def counting(store, formulas):
        calls.append(set(formulas))
        return real(store, formulas)

    monkeypatch.setattr(interphase, "load_properties", counting)
    m = interface_matrix(ELECTROLYTES, ELECTRODES, store_path=gap_store.path, workers=1, chunk_size=100)
    assert len(calls) == 1
    assert {p for c in m.cells for p in c.products} <= calls[0]


def test_an_error_cell_has_no_verdict(gap_store) -> None:
    m = interface_matrix(["Li6PS5Cl"], ["LiCoO2", "Li"], state_of_charge=1.0, store_path=gap_store.path, workers=1)
    li = m.cell("Li6PS5Cl", "Li")
    assert li.error and _of_cell(li) == {**EMPTY, "error": True}
    assert m.cell("Li6PS5Cl", "LiCoO2").interphase_verdict


def test_report_and_provenance_name_the_verdicts_thresholds_and_sources(matrix: InterfaceMatrix) -> None:
    conventions = matrix.provenance.conventions
    assert "matrix_gaps_test" in conventions["phase_properties"]
    assert conventions["interphase"] == interphase.DEFAULT_THRESHOLDS.text()
    text = render_markdown.render(reports.report_for(matrix))
    assert interphase.DEFAULT_THRESHOLDS.text() in text
    lines = text.splitlines()
    for c in matrix.cells:
        if not c.interphase_verdict:
            continue
        row = [ln for ln in lines if ln.startswith(f"| {c.electrolyte} | {c.electrode} |")]
        assert len(row) == 1 and c.interphase_summary in row[0], (c, row)


def test_json_and_csv_through_the_script_on_two_workers(gap_store) -> None:
    base = ("--store", str(gap_store.path), "matrix", "--electrolytes", ",".join(ELECTROLYTES))
    base += ("--electrodes", ",".join(ELECTRODES), "--voltage", str(VOLTAGE_V), "--workers", "2")
    run = run_script(*base, "--format", "json", timeout=300)
    assert run.returncode == 0, run.stderr
    cells = json.loads(run.stdout)["cells"]
    assert len(cells) == len(ELECTROLYTES) * len(ELECTRODES)
    for d in cells:
        got = {
            **({"error": True} if d["error"] else {}),
            "verdict": d["interphase_verdict"],
            "conducting": d["conducting_phases"],
            "uncertain": d["uncertain_phases"],
            "interdiffusion": d["interdiffusion_products"],
            "summary": d["interphase_summary"],
        }
        assert got == _expected(d["electrolyte"], d["electrode"], VOLTAGE_V, gap_store), d
    run = run_script(*base, "--format", "csv", timeout=300)
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert len(rows) == len(cells)

    def split(text: str) -> list[str]:
        return [p for p in text.split(LIST_SEPARATOR) if p] if text else []

    for row in rows:
        want = _expected(row["electrolyte"], row["electrode"], VOLTAGE_V, gap_store)
        assert bool(row["error"]) == ("error" in want)
        assert row["interphase_verdict"] == want["verdict"]
        assert split(row["conducting_phases"]) == want["conducting"]
        assert split(row["uncertain_phases"]) == want["uncertain"]
        assert split(row["interdiffusion_products"]) == want["interdiffusion"]
        assert row["interphase_summary"] == want["summary"]


def test_the_html_heatmap_hover_shows_the_verdict(matrix: InterfaceMatrix) -> None:
    import html

    from interfacestab.reports.interactive import matrix_figures

    (figure,) = matrix_figures(matrix)
    hover = figure.spec["data"][0]["customdata"]
    for i, electrolyte in enumerate(matrix.electrolytes):
        for j, electrode in enumerate(matrix.electrodes):
            c = matrix.cell(electrolyte, electrode)
            if c.interphase_verdict:
                assert c.interphase_summary in html.unescape(hover[i][j])

"""Composition scans, resumable batches (kill -9 mid-run), and voltage sweeps."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from typing import TYPE_CHECKING

import pytest
from helpers.oracle import pmg_interface

from interfacestab.analyses.batch import all_compound_targets, read_targets, window_batch
from interfacestab.analyses.interface import interface_reactions
from interfacestab.analyses.scan import parse_scan_range, scan_composition, window_scan
from interfacestab.analyses.sweep import interface_sweep, parse_sweep
from interfacestab.analyses.window import stability_window
from interfacestab.errors import AnalysisError, FormulaError

if TYPE_CHECKING:
    from pathlib import Path


# --- scans -------------------------------------------------------------------------------------
def test_scan_parsing() -> None:
    var, values = parse_scan_range("x=0:0.8:0.1")
    assert var == "x" and values == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
    assert parse_scan_range("y=0,0.5")[1] == [0.0, 0.5]
    assert scan_composition("Li6+xP1-xGexS5I", "x", 0.25) == pytest.approx(
        {"Li": 6.25, "P": 0.75, "Ge": 0.25, "S": 5.0, "I": 1.0}
    )
    assert scan_composition("Li6+xP1-xSnxS5I", "x", 1.0) == {"Li": 7.0, "Sn": 1.0, "S": 5.0, "I": 1.0}
    assert scan_composition("Li7-2xLa3Zr2-xTaxO12", "x", 0.5)["Li"] == pytest.approx(6.0)
    with pytest.raises(FormulaError, match="START:STOP:STEP"):
        parse_scan_range("x=1:0:0.1")
    with pytest.raises(FormulaError, match="negative amount"):
        scan_composition("Li6+xP1-xGexS5I", "x", 2.0)
    with pytest.raises(FormulaError, match="unknown element"):
        scan_composition("Qq6+xS5", "x", 0.0)


@pytest.mark.parametrize(
    "formula", ["LiCoO2", "Li6PS5Cl", "Li7La3Zr2O12", "LiNi0.5Mn1.5O4", "Li10GeP2S12", "NaCl", "ScN", "Co3O4", "Cs2O"]
)
def test_scan_template_reads_symbols_as_the_formula_parser_does(formula: str) -> None:
    """A template without the variable is a formula: the shared tokenizer reads it as parse_formula does."""
    from interfacestab.chem import parse_formula

    for variable in ("x", "y"):
        assert scan_composition(formula, variable, 0.5) == pytest.approx(parse_formula(formula))


def test_scan_template_symbols_stop_before_the_variable_and_at_any_capital() -> None:
    """``Scx``: Sc then x when the variable is x, S then c when it is c; a stray capital is an unknown element."""
    assert scan_composition("Scx", "x", 0.5) == {"Sc": 0.5}
    assert scan_composition("Sc", "c", 0.5) == {"S": 0.5}
    assert scan_composition("Li(1-x)CoO2", "x", 0.25) == pytest.approx({"Li": 0.75, "Co": 1.0, "O": 2.0})
    with pytest.raises(FormulaError, match="unknown element 'Ä'"):
        scan_composition("LixÄO", "x", 0.5)
    with pytest.raises(FormulaError, match=r"expected an element at '\(Li\)'"):
        scan_composition("(Li)", "x", 0.5)


def test_scan_rows_equal_single_windows(snapshot_store) -> None:
    scan = window_scan("Li6+xP1-xGexS5I", "x=0:0.8:0.1", store=snapshot_store)
    assert len(scan.rows) == 9
    entries = snapshot_store.entries(["Li", "P", "Ge", "S", "I"])
    for row in scan.rows:
        single = stability_window(entries, scan_composition("Li6+xP1-xGexS5I", "x", row.value), ion="Li")
        assert row.window.reduction_limit_V == pytest.approx(single.reduction_limit_V, abs=1e-9)
        assert row.window.oxidation_limit_V == pytest.approx(single.oxidation_limit_V, abs=1e-9)
        assert row.window.reduction_products == single.reduction_products
    assert scan.rows[0].window.in_database == bool(snapshot_store.find_formula("Li6PS5I"))
    assert not scan.rows[1].window.in_database  # Li6.1P0.9Ge0.1S5I is a virtual composition
    assert "Li4GeS4" in scan.rows[5].window.reduction_products  # Ge appears in the products once present
    d = json.loads(json.dumps(scan.to_dict()))
    assert len(d["rows"]) == 9 and d["variable"] == "x"


# --- batches -----------------------------------------------------------------------------------
def test_read_targets(tmp_path: Path) -> None:
    plain = tmp_path / "t.txt"
    plain.write_text("# comment\nLi3PS4\nNa3PS4\n")
    assert read_targets(plain) == [("Li3PS4", "Li"), ("Na3PS4", "Li")]
    table = tmp_path / "t.csv"
    table.write_text("formula,ion\nNa3PS4,Na\nK3PS4,K\n")
    assert read_targets(table) == [("Na3PS4", "Na"), ("K3PS4", "K")]


def test_batch_rows_match_single_windows_and_record_errors(snapshot_store, tmp_path: Path) -> None:
    targets = [("Li6PS5Cl", "Li"), ("Na3PS4", "Na"), ("Qq2O", "Li"), ("Li6.5P0.5Ge0.5S5I", "Li"), ("GeS2", "Li")]
    result = window_batch(targets, tmp_path / "out.json", store_path=snapshot_store.path, workers=2, chunk_size=1)
    assert (result.n_targets, result.n_computed, result.n_failed) == (5, 5, 1)
    rows = json.loads((tmp_path / "out.json").read_text())["results"]
    assert [r["input"] for r in rows] == [t[0] for t in targets]  # input order kept
    assert "unknown element 'Qq'" in rows[2]["error"]
    single = stability_window(snapshot_store.entries(["Li", "P", "S", "Cl"]), "Li6PS5Cl", ion="Li")
    assert rows[0]["reduction_limit_V"] == pytest.approx(single.reduction_limit_V, abs=1e-12)
    assert rows[4]["oxidation_limit_V"] is None


@pytest.mark.parametrize("stabilize", [True, False])
def test_batch_json_file_carries_schema_version_and_provenance(snapshot_store, tmp_path: Path, stabilize) -> None:
    """The batch JSON file has the JSON contract of every result, with the batch's stabilization policy."""
    from interfacestab.conventions import SCHEMA_VERSION, stabilization_text

    out = tmp_path / "out.json"
    result = window_batch([("Li3PS4", "Li")], out, stabilize=stabilize, store_path=snapshot_store.path, workers=1)
    payload = json.loads(out.read_text())
    assert payload["schema_version"] == SCHEMA_VERSION
    assert result.provenance is not None
    assert payload["provenance"] == json.loads(json.dumps(result.provenance.to_dict()))
    info = snapshot_store.source(None)
    prov = payload["provenance"]
    assert (prov["source"], prov["thermo_type"], prov["vintage"], prov["db_version"]) == (
        info.name, info.thermo_type, info.vintage, info.db_version,
    )  # fmt: skip
    assert prov["conventions"]["stabilization"] == stabilization_text(stabilize)
    assert payload["results"][0]["stabilized"] is not None


_KILLABLE = textwrap.dedent(
    """
    import sys
    from interfacestab.analyses.batch import all_compound_targets, window_batch
    from interfacestab.store import open_store
    store = open_store(sys.argv[1])
    targets = all_compound_targets(["K"], store=store)[:400]
    window_batch(targets, sys.argv[2], store_path=sys.argv[1], workers=1, chunk_size=4)
    """
)


def test_batch_killed_then_resumed_gives_identical_output(snapshot_store, tmp_path: Path) -> None:
    targets = all_compound_targets(["K"], store=snapshot_store)[:400]
    reference = tmp_path / "reference.csv"
    window_batch(targets, reference, store_path=snapshot_store.path, workers=1, chunk_size=4)

    output = tmp_path / "killed.csv"
    checkpoint = output.with_name(output.name + ".checkpoint.jsonl")
    proc = subprocess.Popen([sys.executable, "-c", _KILLABLE, str(snapshot_store.path), str(output)])
    deadline = time.time() + 120
    while time.time() < deadline and (not checkpoint.exists() or len(checkpoint.read_text().splitlines()) < 40):
        time.sleep(0.05)
    proc.kill()  # SIGKILL: no cleanup at all
    proc.wait()
    partial = len(checkpoint.read_text().splitlines())
    assert 40 <= partial < 400, partial
    assert not output.exists()

    resumed = window_batch(targets, output, store_path=snapshot_store.path, workers=2, resume=True, chunk_size=4)
    assert resumed.n_computed <= 400 - partial + 4  # only the missing targets (and at most a cut line) are recomputed
    assert output.read_text() == reference.read_text()


# --- voltage sweeps ----------------------------------------------------------------------------
def test_sweep_parsing() -> None:
    assert list(parse_sweep("0:1:0.5")) == [0.0, 0.5, 1.0]
    with pytest.raises(AnalysisError, match="V1:V2:STEP"):
        parse_sweep("0-5")


def test_sweep_points_match_pymatgen_and_transitions_are_exact(snapshot_store) -> None:
    entries = snapshot_store.entries(["Li", "Co", "O", "P", "S", "Cl"])
    sweep = interface_sweep(entries, "LiCoO2", "Li6PS5Cl", parse_sweep("0:5:0.5"), ion="Li")
    assert sweep.n_evaluations >= 11
    for point in sweep.points[::2]:
        ref = pmg_interface(entries, "LiCoO2", "Li6PS5Cl", ion="Li", voltage_V=point.voltage_V)
        best = min(ref, key=lambda k: k["energy"])
        assert point.minimum.reaction_energy_eV_per_nonion_atom == pytest.approx(best["energy"], abs=1e-3)
        assert point.minimum.reaction_energy_eV_per_atom is None  # open: no value under a per-atom name
        assert point.to_dict()["no_mixing_energies_eV_per_nonion_atom"] == point.no_mixing_energies_eV_per_nonion_atom
        assert list(point.minimum.products) == best["products"]
    assert len(sweep.transitions) >= 5
    for tr in sweep.transitions:
        below = interface_reactions(
            entries, "LiCoO2", "Li6PS5Cl", ion="Li", voltage_V=tr.voltage_V - 2 * tr.tolerance_V
        )
        above = interface_reactions(
            entries, "LiCoO2", "Li6PS5Cl", ion="Li", voltage_V=tr.voltage_V + 2 * tr.tolerance_V
        )
        assert below.minimum.products == tr.products_below
        assert above.minimum.products == tr.products_above
        assert tr.tolerance_V <= 1e-4


def test_scan_and_sweep_input_checks(snapshot_store) -> None:
    with pytest.raises(FormulaError, match="does not appear"):
        window_scan("Li6PS5Cl", "x=0:1:0.5", store=snapshot_store)
    with pytest.raises(AnalysisError, match="sensible range"):
        parse_sweep("0:50:1")


def test_scan_json_rows_carry_every_csv_column(snapshot_store) -> None:
    """A scan's JSON rows and its CSV rows hold the same per-value fields with the same values."""
    from interfacestab.provenance import Provenance

    scan = window_scan("Li6+xP1-xGexS5I", "x=0:0.2:0.1", ion="Li", store=snapshot_store)
    header = {"template", "variable", "ion", *Provenance.COLUMNS}
    for json_row, csv_row, row in zip(scan.to_dict()["rows"], scan.to_rows(), scan.rows, strict=True):
        assert set(json_row) == set(csv_row) - header
        assert all(json_row[k] == csv_row[k] for k in json_row)
        assert json_row["width_V"] == row.window.width_V
        assert json_row["stabilization_policy"] == row.window.stabilization_policy

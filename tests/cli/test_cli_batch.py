"""The CLI's many-result commands: ``window --scan``, ``window --batch/--all-compounds``,
``interface --sweep`` and ``screen``, on the offline snapshot (``snapshot_store``) and a toy store.

The toy Li-Co-P-S-O-Cl energies below are made up (formation energies in eV/atom); they only
need a few Li compounds, an electrolyte and a cathode.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from helpers.cli_helpers import assert_usage_error, assert_user_error, import_toy_store

from interfacestab_cli.main import app

if TYPE_CHECKING:
    from typer.testing import CliRunner

    from interfacestab.store.database import Store

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TOY_CSV = """formula,energy
Li2S,-1.50
Li3P,-0.70
LiCl,-1.90
P2S5,-0.30
Li3PS4,-1.10
LiP,-0.55
Li2O,-2.07
CoO,-1.30
Co3O4,-1.35
CoO2,-1.10
LiCoO2,-2.00
Li3PO4,-2.20
P2O5,-1.60
CoS2,-0.50
"""


@pytest.fixture
def snap(snapshot_store: Store) -> list[str]:
    """``--store <snapshot>`` for the command line."""
    return ["--store", str(snapshot_store.path)]


@pytest.fixture
def toy(runner: CliRunner, tmp_path: Path) -> list[str]:
    """``--store <toy store>`` holding TOY_CSV as source 'toy', imported through the CLI."""
    return ["--store", str(import_toy_store(tmp_path, TOY_CSV, runner=runner))]


def read_csv(path_or_text: Path | str) -> list[dict[str, str]]:
    text = path_or_text.read_text() if isinstance(path_or_text, Path) else path_or_text
    return list(csv.DictReader(io.StringIO(text)))


# -- window --scan -----------------------------------------------------------------------------
SCAN = ["window", "Li6+xP1-xGexS5I", "--scan", "x=0:0.8:0.1"]


def test_scan_json_is_the_library_result(runner: CliRunner, snap: list[str], snapshot_store: Store) -> None:
    from interfacestab.analyses.scan import window_scan

    result = runner.invoke(app, [*snap, *SCAN, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = window_scan("Li6+xP1-xGexS5I", "x=0:0.8:0.1", store=snapshot_store)
    assert data == json.loads(json.dumps(expected.to_dict()))

    assert (data["template"], data["variable"], data["ion"]) == ("Li6+xP1-xGexS5I", "x", "Li")
    rows = data["rows"]
    assert len(rows) == 9
    assert [r["value"] for r in rows] == pytest.approx([i / 10 for i in range(9)])
    assert rows[0]["formula"] == "Li6PS5I" and rows[0]["in_database"] is True
    assert rows[5]["formula"] == "Li6.5Ge0.5P0.5S5I" and rows[5]["in_database"] is False
    for row in rows:
        assert 0 < row["reduction_limit_V"] < row["oxidation_limit_V"]
        assert "Li2S" in row["reduction_products"]
        assert row["oxidation_products"]
    assert all("Li4GeS4" in r["reduction_products"] for r in rows[1:])  # Ge appears in the products
    assert data["provenance"]["source"] == "mp_legacy2019"


def test_scan_table_csv_and_plot(runner: CliRunner, snap: list[str], tmp_path: Path) -> None:
    png = tmp_path / "scan.png"
    result = runner.invoke(app, [*snap, *SCAN, "--plot", str(png)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "x = 0 … 0.8 (9 values)" in out
    assert "Li6.8Ge0.8P0.2S5I" in out
    assert out.count("virtual") >= 8
    scan = json.loads(runner.invoke(app, [*snap, *SCAN, "--format", "json"]).stdout)
    by_formula = {cells[1]: cells for line in out.splitlines() if len(cells := line.split()) > 7}
    for row in scan["rows"]:  # each composition's V_red, V_ox and width, rounded to 0.01 V, on its table line
        red, ox = row["reduction_limit_V"], row["oxidation_limit_V"]
        assert by_formula[row["formula"]][4:7] == [f"{red:.2f}", f"{ox:.2f}", f"{ox - red:.2f}"], row["formula"]
    assert "provenance" in out
    assert png.read_bytes()[:8] == PNG_MAGIC

    result = runner.invoke(app, [*snap, *SCAN, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = read_csv(result.stdout)
    assert len(rows) == 9
    assert rows[0]["reduction_products"] == "Li2S;LiI;P"
    assert {r["template"] for r in rows} == {"Li6+xP1-xGexS5I"}
    assert float(rows[-1]["value"]) == pytest.approx(0.8)


def test_scan_needs_a_template(runner: CliRunner, snap: list[str]) -> None:
    assert_usage_error(runner.invoke(app, [*snap, "window", "--scan", "x=0:1:0.5"]), "--scan needs a FORMULA")


def test_bad_scan_range_is_one_line(runner: CliRunner, snap: list[str]) -> None:
    result = runner.invoke(app, [*snap, "window", "Li6+xP1-xGexS5I", "--scan", "x=0.8:0:0.1"])
    assert_user_error(result, "STOP >= START")


# -- window --batch / --all-compounds ----------------------------------------------------------
@pytest.fixture
def targets_file(tmp_path: Path) -> Path:
    path = tmp_path / "targets.txt"
    path.write_text("# a comment\nLi6PS5Cl\nLi3PS4\nLi2(O\nNa3PS4,Na\nLiCoO2\n")
    return path


def test_batch_from_file_writes_csv_and_prints_summary(
    runner: CliRunner, snap: list[str], targets_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "windows.csv"
    result = runner.invoke(app, [*snap, "window", "--batch", str(targets_file), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert [r["formula"] for r in rows] == ["Li6PS5Cl", "Li3PS4", "Li2(O", "Na3PS4", "LiCoO2"]
    bad = rows[2]
    assert "malformed formula" in bad["error"]
    assert bad["reduction_limit_V"] == ""
    good = [r for r in rows if not r["error"]]
    assert len(good) == 4
    assert float(rows[0]["reduction_limit_V"]) == pytest.approx(1.72, abs=0.01)
    assert rows[3]["ion"] == "Li"  # a plain line list: everything after the formula is ignored
    assert rows[3]["oxidation_limit_V"] == ""  # Na3PS4 has no Li to release
    for r in (rows[0], rows[1], rows[4]):
        assert float(r["reduction_limit_V"]) < float(r["oxidation_limit_V"])

    summary = " ".join(result.stdout.split())
    for text in ("targets 5", "computed this run 5", "failed 1", str(out), f"{out}.checkpoint.jsonl", "mp_legacy2019"):
        assert text in summary, summary
    assert "5 targets from" in result.stderr
    assert "5/5" in result.stderr  # the progress bar's counts


def test_batch_csv_file_with_ion_column_and_json_output(runner: CliRunner, snap: list[str], tmp_path: Path) -> None:
    targets = tmp_path / "targets.csv"
    targets.write_text("formula,ion\nNa3PS4,Na\nLi3PS4,\n")
    out = tmp_path / "windows.json"
    result = runner.invoke(app, [*snap, "window", "--batch", str(targets), "-o", str(out), "-f", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["n_targets"] == 2 and summary["n_failed"] == 0
    payload = json.loads(out.read_text())
    assert [(r["formula"], r["ion"]) for r in payload["results"]] == [("Na3PS4", "Na"), ("Li3PS4", "Li")]
    assert payload["source"] == "mp_legacy2019"


def test_batch_resume_after_a_partial_run(
    runner: CliRunner, snap: list[str], targets_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "windows.csv"
    checkpoint = tmp_path / "windows.csv.checkpoint.jsonl"
    args = [*snap, "window", "--batch", str(targets_file), "-o", str(out), "--workers", "1", "-f", "json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["n_computed"] == 5
    complete = out.read_text()

    # an interrupted run: the fingerprint line and two rows in the checkpoint, no result file yet
    lines = checkpoint.read_text().splitlines(keepends=True)
    assert len(lines) == 1 + 5
    assert "fingerprint" in json.loads(lines[0])
    checkpoint.write_text("".join(lines[:3]))
    out.unlink()

    resumed = runner.invoke(app, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    summary = json.loads(resumed.stdout)
    assert (summary["n_targets"], summary["n_computed"], summary["n_failed"]) == (5, 3, 1)
    assert out.read_text() == complete

    again = runner.invoke(app, [*args, "--resume"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["n_computed"] == 0
    assert out.read_text() == complete


def test_ctrl_c_exits_130_and_says_resume(
    runner: CliRunner, snap: list[str], targets_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import interfacestab.analyses.batch as batch_module

    def interrupted_run(targets, output, **kwargs):
        kwargs["progress"](0, len(targets))
        kwargs["progress"](2, len(targets))
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_module, "window_batch", interrupted_run)
    out = tmp_path / "windows.csv"
    result = runner.invoke(app, [*snap, "window", "--batch", str(targets_file), "-o", str(out)])
    assert result.exit_code == 130
    assert result.stdout == ""
    message = " ".join(result.stderr.split())
    assert "interrupted after 2 of 5 targets" in message
    assert f"{out}.checkpoint.jsonl" in message
    assert "--resume" in message
    assert "Traceback" not in result.output


def test_batch_passes_options_to_the_library(
    runner: CliRunner, snap: list[str], targets_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import interfacestab.analyses.batch as batch_module
    from interfacestab.provenance import Provenance, SourceInfo

    calls = []

    def fake(targets, output, **kwargs):
        calls.append((targets, output, kwargs))
        info = SourceInfo("mp_legacy2019", "fake", "GGA", "2019")
        provenance = Provenance(info, "", 0, {})
        return batch_module.BatchResult(Path(output), Path(f"{output}.ck"), len(targets), 0, 0, info.name, provenance)

    monkeypatch.setattr(batch_module, "window_batch", fake)
    out = tmp_path / "w.csv"
    args = [*snap, "window", "--batch", str(targets_file), "-o", str(out), "--ion", "Na", "--no-stabilize"]
    result = runner.invoke(app, [*args, "--workers", "3", "--resume", "--source", "mp_legacy2019"])
    assert result.exit_code == 0, result.output
    ((targets, output, kwargs),) = calls
    assert targets[0] == ("Li6PS5Cl", "Na")  # --ion is the default ion of the file's rows
    assert targets[3] == ("Na3PS4", "Na")
    assert output == out
    kwargs.pop("progress")
    assert kwargs == {
        "stabilize": False,
        "source": "mp_legacy2019",
        "store_path": Path(snap[1]),
        "workers": 3,
        "resume": True,
        "scheduler": None,
    }


def test_all_compounds_of_several_ions(runner: CliRunner, toy: list[str], tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    result = runner.invoke(app, [*toy, "window", "--all-compounds", "--ion", "Li", "--ion", "Na", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    formulas = {r["formula"] for r in rows}
    assert formulas == {"Li2S", "Li3P", "LiCl", "Li3PS4", "LiP", "Li2O", "LiCoO2", "Li3PO4"}  # no Na compounds
    assert {r["ion"] for r in rows} == {"Li"}
    assert all(r["error"] == "" for r in rows)
    assert "compounds containing Li or Na" in result.stderr
    assert "targets 8" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--batch", "{file}"], "need --output"),
        (["--all-compounds"], "need --output"),
        (["Li3PS4", "--batch", "{file}", "-o", "x.csv"], "give one of FORMULA"),
        (["--batch", "{file}", "-o", "x.csv", "--plot", "x.png"], "--plot applies to one FORMULA"),
        (["--batch", "{file}", "-o", "x.csv", "--workers", "2", "--scheduler", "tcp://h:8786"], "not both"),
        (["Li3PS4", "--workers", "2"], "apply to --batch and --all-compounds only"),
        (["Li3PS4", "--ion", "Li", "--ion", "Na"], "several --ion values need --all-compounds"),
        (["Li3PS4", "--scan", "x=0:1:0.5", "--energy-above-hull", "0.01"], "--energy-above-hull applies"),
    ],
)
def test_window_option_combinations(
    runner: CliRunner, snap: list[str], targets_file: Path, args: list[str], fragment: str
) -> None:
    args = [a.replace("{file}", str(targets_file)) for a in args]
    assert_usage_error(runner.invoke(app, [*snap, "window", *args]), fragment)


def test_batch_output_must_be_csv_or_json(
    runner: CliRunner, snap: list[str], targets_file: Path, tmp_path: Path
) -> None:
    result = runner.invoke(app, [*snap, "window", "--batch", str(targets_file), "-o", str(tmp_path / "w.txt")])
    assert_user_error(result, ".csv or .json")


# -- interface --sweep -------------------------------------------------------------------------
SWEEP = ["interface", "LiCoO2", "Li6PS5Cl", "--sweep", "0:5:0.5"]


def test_sweep_json_points_and_transitions(runner: CliRunner, snap: list[str]) -> None:
    result = runner.invoke(app, [*snap, *SWEEP, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    points, transitions = data["points"], data["transitions"]
    assert [p["voltage_V"] for p in points] == pytest.approx([0.5 * i for i in range(11)])
    assert len(transitions) >= 3
    assert [t["voltage_V"] for t in transitions] == sorted(t["voltage_V"] for t in transitions)
    for t in transitions:
        assert 0 < t["voltage_V"] < 5
        assert t["products_below"] != t["products_above"]
        assert t["method"] in {"crossing", "bisection"}
    # the changes chain up: each grid interval starts from its lower point's products, ends at its upper one's
    for lo, hi in itertools.pairwise(points):
        inside = [t for t in transitions if lo["voltage_V"] < t["voltage_V"] <= hi["voltage_V"]]
        if not inside:
            assert lo["products"] == hi["products"]
            continue
        assert inside[0]["products_below"] == lo["products"]
        assert inside[-1]["products_above"] == hi["products"]
        for a, b in itertools.pairwise(inside):
            assert a["products_above"] == b["products_below"]
    assert points[0]["products"] == ["Co", "Li2O"]  # LiCoO2 reduced by the Li reservoir near 0 V
    assert data["provenance"]["source"] == "mp_legacy2019"


def test_sweep_table_csv_and_plot(runner: CliRunner, snap: list[str], tmp_path: Path) -> None:
    png = tmp_path / "sweep.png"
    result = runner.invoke(app, [*snap, *SWEEP, "--plot", str(png)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "LiCoO2 | Li6PS5Cl" in out
    assert "0.00 … 5.00 V vs Li/Li+ (11 voltages)" in out
    assert "products below" in out and "→" in out
    # every located change is a table row: its voltage to 1 mV, then the products below and above
    transitions = json.loads(runner.invoke(app, [*snap, *SWEEP, "--format", "json"]).stdout)["transitions"]
    lines = [" ".join(line.split()) for line in out.splitlines()]
    for t in transitions:
        row = f"{t['voltage_V']:.3f} {' + '.join(t['products_below'])} {' + '.join(t['products_above'])} "
        assert sum(line.startswith(row) for line in lines) == 1, row
    assert "open to Li at 0.0 V" not in out  # the first voltage's provenance line is not the sweep's
    assert png.read_bytes()[:8] == PNG_MAGIC

    result = runner.invoke(app, [*snap, *SWEEP, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = read_csv(result.stdout)
    kinds = [r["row_type"] for r in rows]
    assert kinds.count("point") == 11
    assert kinds.count("transition") >= 3
    voltages = [float(r["voltage_V"]) for r in rows]
    assert voltages == sorted(voltages)


def test_voltage_and_sweep_are_exclusive(runner: CliRunner, snap: list[str]) -> None:
    result = runner.invoke(app, [*snap, *SWEEP, "--voltage", "3"])
    assert_usage_error(result, "--voltage and --sweep cannot be used together")


def test_bad_sweep_is_one_line(runner: CliRunner, snap: list[str]) -> None:
    result = runner.invoke(app, [*snap, "interface", "LiCoO2", "Li6PS5Cl", "--sweep", "5:0:0.5"])
    assert_user_error(result, "V2 > V1")


# -- screen ------------------------------------------------------------------------------------
SCREEN = ["screen", "--electrolyte", "Li6PS5Cl", "--cathode", "LiCoO2", "--workers", "1"]


def test_screen_default_seeds_json(runner: CliRunner, snap: list[str]) -> None:
    from interfacestab.analyses.coatings import SEED_COATINGS, ScreeningCriteria

    result = runner.invoke(app, [*snap, *SCREEN, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["electrolyte"], data["cathode"], data["charged_cathode"]) == ("Li6PS5Cl", "LiCoO2", "CoO2")
    assert data["criteria"] == ScreeningCriteria.for_ion("Li").to_dict()
    results = data["results"]
    assert sorted(r["formula"] for r in results) == sorted(SEED_COATINGS)
    criteria = {"e_above_hull", "reduction_limit", "oxidation_limit", "electrolyte_reaction", "cathode_reaction",
                "charged_cathode_reaction"}  # fmt: skip
    for r in results:
        assert set(r["criteria_pass"]) == criteria
        assert all(isinstance(v, bool) for v in r["criteria_pass"].values())
        assert r["passed"] == all(r["criteria_pass"].values())
        assert r["failed_criteria"] == [k for k, ok in r["criteria_pass"].items() if not ok]
        assert r["error"] is None
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    by_formula = {r["formula"]: r for r in results}
    assert by_formula["Li3PO4"]["passed"] is True
    assert by_formula["Li3PO4"]["oxidation_limit_V"] > 4.0
    assert by_formula["LiNbO3"]["criteria_pass"]["oxidation_limit"] is False  # 3.76 V in this snapshot
    assert data["n_passed"] == sum(r["passed"] for r in results)
    assert data["n_candidates"] == 10
    assert "min over criteria" in data["score_rule"]  # moved out of the provenance (one provenance shape)
    assert data["provenance"]["source"] == "mp_legacy2019"
    assert "10 seed coatings" in result.stderr


def test_screen_table_top_and_plot(runner: CliRunner, snap: list[str], tmp_path: Path) -> None:
    png = tmp_path / "screen.png"
    result = runner.invoke(app, [*snap, *SCREEN, "--top", "3", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "coatings for Li6PS5Cl | LiCoO2" in out
    assert "top 3 shown" in out
    ranked = [line.split() for line in out.splitlines() if line.strip()[:2] in {"1 ", "2 ", "3 ", "4 "}]
    assert [r[0] for r in ranked] == ["1", "2", "3"]
    assert ranked[0][1:3] == ["Li3PO4", "✓"]
    assert all(r[2] == "✗" for r in ranked[1:])
    for text in ("criteria", "≤ 2.70 V vs Li/Li+", "≥ 4.00 V", "Xiao, Miara, Wang, Ceder", "score", "provenance",
                 "mp_legacy2019", "oxidation limit"):  # fmt: skip
        assert text in out, text
    assert png.read_bytes()[:8] == PNG_MAGIC
    assert "wrote plot" in result.stderr


def test_screen_output_file_and_resume(runner: CliRunner, snap: list[str], tmp_path: Path) -> None:
    out = tmp_path / "screen.csv"
    args = [*snap, *SCREEN, "-o", str(out), "-f", "json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["n_computed"] == 10
    rows = read_csv(out)
    assert len(rows) == 10
    assert rows[0]["rank"] == "1" and rows[0]["formula"] == "Li3PO4" and rows[0]["passed"] == "True"

    again = runner.invoke(app, [*args, "--resume"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["n_computed"] == 0
    assert read_csv(out) == rows


def test_screen_candidates_file_and_criteria_override(runner: CliRunner, snap: list[str], tmp_path: Path) -> None:
    candidates = tmp_path / "candidates.csv"
    candidates.write_text("formula,note\nLiNbO3,classic\nLi3PO4,\n")
    result = runner.invoke(
        app, [*snap, *SCREEN, "--candidates", str(candidates), "--min-oxidation-limit", "3.7", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["criteria"]["min_oxidation_limit_V"] == 3.7
    by_formula = {r["formula"]: r for r in data["results"]}
    assert set(by_formula) == {"LiNbO3", "Li3PO4"}
    assert by_formula["LiNbO3"]["criteria_pass"]["oxidation_limit"] is True  # 3.76 V >= 3.7 V now


def test_screen_auto_candidates_from_the_data(runner: CliRunner, toy: list[str]) -> None:
    from interfacestab.analyses.coatings import auto_candidates
    from interfacestab.store import open_store

    base = [*toy, "screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", "--auto", "--workers", "1", "-f", "json"]
    result = runner.invoke(app, [*base, "--include-elements", "O"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    screened = {r["formula"] for r in data["results"]}
    with open_store(Path(toy[1]), create=False) as store:
        expected = set(auto_candidates(store, include_elements=["O"]))
    assert {"LiCoO2", "Li3PO4"} <= expected
    assert data["skipped_candidates"] == ["LiCoO2"]  # the cathode is no coating of itself
    assert screened == expected - {"LiCoO2"}
    assert all("O" in f for f in screened)

    result = runner.invoke(app, [*base, "--include-elements", "O", "--exclude-elements", "P"])
    assert result.exit_code == 0, result.output
    assert {r["formula"] for r in json.loads(result.stdout)["results"]} == expected - {"LiCoO2", "Li3PO4"}


def test_screen_unknown_electrolyte_element(runner: CliRunner, snap: list[str]) -> None:
    result = runner.invoke(app, [*snap, "screen", "--electrolyte", "Xx6PS5Cl", "--cathode", "LiCoO2"])
    assert_user_error(result, "unknown element 'Xx'")


def test_screen_unknown_include_element(runner: CliRunner, snap: list[str]) -> None:
    args = [*snap, "screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", "--auto", "--include-elements", "O,Qq"]
    assert_user_error(runner.invoke(app, args), "--include-elements", "Qq")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--auto", "--candidates", "{file}"], "either --candidates FILE or --auto"),
        (["--include-elements", "O"], "add --auto"),
        (["--resume"], "give the same --output"),
        (["--workers", "2", "--scheduler", "tcp://h:8786"], "not both"),
    ],
)
def test_screen_option_combinations(
    runner: CliRunner, snap: list[str], tmp_path: Path, args: list[str], fragment: str
) -> None:
    file = tmp_path / "c.txt"
    file.write_text("Li3PO4\n")
    args = [a.replace("{file}", str(file)) for a in args]
    result = runner.invoke(app, [*snap, "screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", *args])
    assert_usage_error(result, fragment)


def test_screen_help_states_the_library_defaults(runner: CliRunner) -> None:
    from interfacestab.analyses.coatings import DEFAULT_EXCLUDED_ELEMENTS, SEED_COATINGS, ScreeningCriteria
    from interfacestab_cli.screen import EXCLUDED_ELEMENTS_TEXT, HELP, SEED_COATINGS_TEXT

    assert ", ".join(SEED_COATINGS) == SEED_COATINGS_TEXT
    listed = EXCLUDED_ELEMENTS_TEXT.replace(";", ",").replace("(", ",").replace(")", ",").split(",")
    assert {e.strip() for e in listed if e.strip() and e.strip()[0].isupper()} == set(DEFAULT_EXCLUDED_ELEMENTS)
    li, na, k = (ScreeningCriteria.for_ion(i) for i in ("Li", "Na", "K"))
    assert (li.max_e_above_hull_eV_per_atom, li.max_reduction_limit_V, li.min_oxidation_limit_V) == (0.005, 2.7, 4.0)
    assert (li.max_abs_electrolyte_reaction_eV_per_atom, li.max_abs_cathode_reaction_eV_per_atom) == (0.1, 0.1)
    assert na.min_oxidation_limit_V == pytest.approx(4.0 - 0.33)
    assert k.max_reduction_limit_V == pytest.approx(2.7 - 0.11)
    assert (li.scale_e_above_hull_eV_per_atom, li.scale_voltage_V, li.scale_reaction_eV_per_atom) == (0.025, 0.5, 0.05)
    for text in ("5 meV/atom", "2.7 V", "4.0 V", "0.1 eV/atom", "lowered by 0.33 V", "0.11 V", "0.025 eV/atom", "0.5 V",
                 "0.05 eV/atom", "Xiao, Miara, Wang, Ceder"):  # fmt: skip
        assert text in HELP, text

    result = runner.invoke(app, ["screen", "--help"])
    assert result.exit_code == 0, result.output
    shown = " ".join(result.stdout.replace("│", " ").split())
    for text in ("Xiao, Miara, Wang, Ceder", "5 meV/atom", "Li3PO4", "Hg, Cd, Tl, Be", "--auto", "--top", "--resume"):
        assert text in shown, text


def test_new_help_pages_do_not_load_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from interfacestab_cli.main import app\n"
        "for args in (['screen', '--help'], ['window', '--help'], ['interface', '--help']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
        "bad = [m for m in ('pymatgen', 'matplotlib', 'mp_api', 'scipy', 'numpy') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

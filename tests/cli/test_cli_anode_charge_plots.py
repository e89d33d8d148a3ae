"""The installed script: screen --anode, --charge-voltage, interface plots (--x, --operating-voltage), bad values."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import pytest
from helpers.cli_helpers import one_error_line, run_script

if TYPE_CHECKING:
    from pathlib import Path


def _ok(*args: str, timeout: float = 300):
    result = run_script(*args, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def anode_json(snapshot_store) -> dict:
    result = _ok("--store", str(snapshot_store.path), "screen", "--electrolyte", "Li6PS5Cl", "--anode", "Li",
                 "--workers", "2", "--format", "json")  # fmt: skip
    assert "anode Li at 0 V vs Li/Li+" in result.stderr
    return json.loads(result.stdout)


def test_anode_screen_json(anode_json: dict) -> None:
    assert anode_json["anode"] == "Li" and anode_json["anode_potential_V"] == 0.0
    assert anode_json["criteria"]["anode_potential_V"] == 0.0
    rows = {r["formula"]: r for r in anode_json["results"]}
    assert rows["LiF"]["passed"] is True
    assert rows["Li3PO4"]["criteria_pass"]["reduction_limit"] is False
    for r in anode_json["results"]:
        assert set(r["criteria_pass"]) == {"e_above_hull", "reduction_limit", "electrolyte_reaction", "anode_reaction"}
        assert isinstance(r["anode_reaction_eV_per_atom"], float)
        assert r["cathode_reaction_eV_per_atom"] is None


def test_anode_screen_csv_and_markdown_carry_the_anode_columns(snapshot_store, anode_json: dict) -> None:
    store = str(snapshot_store.path)
    out = _ok("--store", store, "screen", "--electrolyte", "Li6PS5Cl", "--anode", "Li", "--workers", "2",
              "--format", "csv").stdout  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out)))
    by_json = {r["formula"]: r for r in anode_json["results"]}
    assert len(rows) == len(by_json)
    for row in rows:
        assert row["anode"] == "Li" and float(row["anode_potential_V"]) == 0.0
        assert float(row["anode_reaction_eV_per_atom"]) == by_json[row["formula"]]["anode_reaction_eV_per_atom"]
    md = _ok("--store", store, "screen", "--electrolyte", "Li6PS5Cl", "--anode", "Li", "--workers", "2",
             "--format", "md").stdout  # fmt: skip
    header = next(line for line in md.splitlines() if line.startswith("|") and "formula" in line)
    cells = [c.strip() for c in header.strip("|").split("|")]
    assert any(c.startswith("dE anode") for c in cells)
    assert not any(c.startswith("dE cath") for c in cells)


def test_screen_charge_voltage_json(snapshot_store) -> None:
    out = _ok("--store", str(snapshot_store.path), "screen", "--electrolyte", "Li6PS5Cl", "--cathode", "LiCoO2",
              "--charge-voltage", "4.2", "--workers", "2", "--format", "json").stdout  # fmt: skip
    data = json.loads(out)
    assert data["charged_cathode"] == "CoO2" and data["charge_voltage_V"] == 4.2
    assert data["charged_cathode_phases"] == ["CoO2"]


def test_interface_charge_voltage_names_the_assemblage(snapshot_store) -> None:
    result = _ok("--store", str(snapshot_store.path), "interface", "Li6PS5Cl", "LiCoO2", "--charge-voltage", "3.9",
                 "--format", "json")  # fmt: skip
    data = json.loads(result.stdout)
    assert data["charged_b"]["phases"] == ["Li(CoO2)2"]
    assert data["charged_b"]["composition"] == {"Li": 0.5, "Co": 1.0, "O": 2.0}
    b = data["composition_b"]  # the compound found in the data for Li0.5CoO2 (LiCo2O4), per its formula unit
    assert b["Li"] / b["Co"] == pytest.approx(0.5) and b["O"] / b["Co"] == pytest.approx(2.0)
    assert "B: LiCoO2 charged to 3.9 V" in result.stderr


def _non_blank_png(path: Path) -> None:
    from matplotlib.image import imread

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(str(path))
    assert pixels.std() > 0.01  # not a blank canvas


def test_interface_and_sweep_plots_via_the_script(toy_data_store, tmp_path: Path) -> None:
    store = str(toy_data_store.path)
    png = tmp_path / "molar.png"
    result = _ok("--store", store, "interface", "Li3PS4", "LiCoO2", "--x", "molar", "--plot", str(png), "-f", "json")
    json.loads(result.stdout)
    _non_blank_png(png)
    sweep_png = tmp_path / "sweep.png"
    _ok("--store", store, "interface", "Li3PS4", "LiCoO2", "--sweep", "2:4.5:0.5", "--operating-voltage", "4.2",
        "--plot", str(sweep_png), "-f", "json")  # fmt: skip
    _non_blank_png(sweep_png)


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["screen", "--electrolyte", "Li3PS4", "--cathode", "Li"], 1, "--anode Li"),
        (["screen", "--electrolyte", "Li3PS4", "--anode", "Li", "--voltage", "3"], 2, "not with --anode"),
        (["screen", "--electrolyte", "Li3PS4", "--anode", "Li", "--charge-voltage", "4"], 2, "not with --anode"),
        (["screen", "--electrolyte", "Li3PS4", "--anode", "Co"], 1, "has no Li"),
        (["screen", "--electrolyte", "Li3PS4"], 2, "--anode FORMULA"),
        (["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", "--anode", "Li"], 2, "not both"),
        (["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", "--max-anode-reaction", "0.1"], 2, "--anode"),
        (["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", "--charge-voltage", "-1"], 2, "--charge-voltage"),
        (["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", "--charge-voltage", "nan"], 2,
         "--charge-voltage"),
        (["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", "--charge-voltage", "4",
          "--charged-fraction", "0.5"], 2, "not both"),
        (["interface", "Li3PS4", "LiCoO2", "--charge-voltage", "4", "--soc-b", "0.5"], 2, "not both"),
        (["interface", "Li3PS4", "LiCoO2", "--charge-voltage", "12"], 2, "--charge-voltage"),
        (["interface", "Li3PS4", "Co", "--charge-voltage", "4"], 1, "has no Li"),
        (["interface", "Li3PS4", "LiCoO2", "--operating-voltage", "4"], 2, "--sweep"),
        (["interface", "Li3PS4", "LiCoO2", "--sweep", "2:4:1", "--operating-voltage", "-3"], 2,
         "--operating-voltage"),
        (["interface", "Li3PS4", "LiCoO2", "--x", "weight"], 2, "--x"),
        (["interface", "Li3PS4", "LiCoO2", "--sweep", "2:4:1", "--x", "molar"], 2, "--x molar"),
    ],
)  # fmt: skip
def test_bad_values_one_line(toy_data_store, args: list[str], code: int, fragment: str) -> None:
    result = run_script("--store", str(toy_data_store.path), *args)
    assert result.returncode == code, result.stderr
    assert result.stdout == ""
    assert fragment in one_error_line(result.stderr)


def test_anode_screen_interphase_fields_json_csv_markdown(snapshot_store, anode_json: dict) -> None:
    """The installed script: gap/gate/verdict fields filled, ``anode_interphase`` in JSON and CSV, el/anode column."""
    rows = {r["formula"]: r for r in anode_json["results"]}
    assert rows["LiF"]["band_gap_gate"] == "pass" and rows["LiF"]["coating_band_gap_min_eV"] is not None
    assert rows["LiAg"]["band_gap_gate"] == "fail" and rows["LiAg"]["coating_electronic_class"] == "metal"
    assert rows["Li2O"]["electrolyte_interphase"] in {"passivating", "mixed-conducting", "uncertain"}
    assert all("anode_interphase" in r for r in anode_json["results"])
    assert rows["Li3PO4"]["anode_interphase"] in {"passivating", "mixed-conducting", "uncertain"}
    store = str(snapshot_store.path)
    out = _ok("--store", store, "screen", "--electrolyte", "Li6PS5Cl", "--anode", "Li", "--workers", "2",
              "--format", "csv").stdout  # fmt: skip
    for row in csv.DictReader(io.StringIO(out)):
        assert row["anode_interphase"] == rows[row["formula"]]["anode_interphase"]
        assert row["band_gap_gate"] == rows[row["formula"]]["band_gap_gate"]
    md = _ok("--store", store, "screen", "--electrolyte", "Li6PS5Cl", "--anode", "Li", "--workers", "2",
             "--format", "md").stdout  # fmt: skip
    header = next(line for line in md.splitlines() if line.startswith("|") and "formula" in line)
    cells = [c.strip() for c in header.strip("|").split("|")]
    assert any(c.startswith("interphase el/anode") for c in cells), cells
    assert not any("el/cath/chg" in c for c in cells)
    assert "charged cathode" not in md.split("criteria")[0]


def test_cathode_screen_conducting_products_json_csv(snapshot_store) -> None:
    """The installed script: every mixed-conducting verdict has its conducting phases named, in JSON and CSV."""
    store = str(snapshot_store.path)
    args = ("--store", store, "screen", "--electrolyte", "Li6PS5Cl", "--cathode", "LiCoO2", "--workers", "2")
    data = json.loads(_ok(*args, "--format", "json").stdout)
    verdict_keys = ("electrolyte_interphase", "cathode_interphase", "charged_cathode_interphase")
    for r in data["results"]:
        mixed = any(r[k] == "mixed-conducting" for k in verdict_keys)
        assert r["conducting_interphase"] is mixed and bool(r["conducting_products"]) is mixed, r["formula"]
        assert set(r["metallic_products"]) <= set(r["conducting_products"])
    assert any(r["conducting_interphase"] and not r["metallic_interphase"] for r in data["results"])
    rows = list(csv.DictReader(io.StringIO(_ok(*args, "--format", "csv").stdout)))
    by = {r["formula"]: r for r in data["results"]}
    for row in rows:
        assert row["conducting_interphase"] == str(by[row["formula"]]["conducting_interphase"])
        assert [p for p in row["conducting_products"].split(";") if p] == by[row["formula"]]["conducting_products"]


def test_charge_voltage_is_said_in_the_screen_legend_and_interface_head(snapshot_store) -> None:
    """The installed script: --charge-voltage 4.2 is named as such (not the fraction) in Markdown and the table."""
    store = str(snapshot_store.path)
    md = _ok("--store", store, "screen", "--electrolyte", "Li6PS5Cl", "--cathode", "LiCoO2", "--charge-voltage", "4.2",
             "--workers", "2", "--format", "md").stdout  # fmt: skip
    line = next(ln for ln in md.splitlines() if "dE el., dE cath., dE chg." in ln)
    assert "charged to 4.2 V" in line and "its equilibrium at 4.2 V vs Li/Li+" in line
    assert "--charged-fraction" not in line and "by removing" not in line
    out = _ok("--store", store, "interface", "Li6PS5Cl", "LiCoO2", "--charge-voltage", "4.2", "--format", "md").stdout
    title = next(ln for ln in out.splitlines() if ln.startswith("#"))
    assert title.startswith("## Li6PS5Cl | CoO2 (LiCoO2 charged to 4.2 V)"), title
    head = next(ln for ln in out.splitlines() if ln.startswith("- charged cathode:"))
    assert "LiCoO2 charged to 4.2 V vs Li/Li+" in head and "(CoO2)" in head
    table = _ok("--store", store, "interface", "Li6PS5Cl", "LiCoO2", "--charge-voltage", "4.2").stdout
    assert "(LiCoO2 charged to 4.2 V)" in table
    plain = _ok("--store", store, "interface", "Li6PS5Cl", "LiCoO2", "--format", "md").stdout
    assert "charged" not in plain.split("\n### ")[0]  # no charge voltage: no such line

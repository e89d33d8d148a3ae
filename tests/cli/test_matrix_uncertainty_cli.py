"""``matrix --sigma`` through the installed script: JSON, CSV, Markdown and the HTML heatmap parsed with real
parsers, each cell equal to ``interface --sigma`` of its pair; bad options one line and a non-zero exit."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from tests.helpers.cli_helpers import one_error_line, run_script
from tests.helpers.html_report import parse_page
from tests.helpers.output_parsers import csv_number, md_table_with, parse_csv, parse_json, parse_markdown

from interfacestab.analyses.matrix import InterfaceMatrix, interface_matrix
from interfacestab.analyses.uncertainty import UncertaintySettings

if TYPE_CHECKING:
    from pathlib import Path

ELECTROLYTES = "Li3PS4,Li6PS5Cl"
ELECTRODES = "LiCoO2,Li"
SAMPLING = ("--sigma", "0.04", "--samples", "25", "--seed", "3", "--confidence", "0.8")
SETTINGS = UncertaintySettings(0.04, samples=25, seed=3, confidence=0.8)


@pytest.fixture(scope="module")
def store_path(toy_data_store) -> str:
    return str(toy_data_store.path)


@pytest.fixture(scope="module")
def library(store_path: str) -> InterfaceMatrix:
    return interface_matrix(ELECTROLYTES.split(","), ELECTRODES.split(","), store_path=store_path, workers=1,
                            uncertainty=SETTINGS)  # fmt: skip


def matrix(store_path: str, *args: str) -> tuple[int, str, str]:
    run = run_script("--store", store_path, "matrix", "--electrolytes", ELECTROLYTES, "--electrodes", ELECTRODES,
                     *args, timeout=300)  # fmt: skip
    return run.returncode, run.stdout, run.stderr


def test_json_is_the_library_and_each_cell_is_interface_sigma(store_path: str, library: InterfaceMatrix) -> None:
    code, out, err = matrix(store_path, *SAMPLING, "--workers", "2", "--format", "json")
    assert code == 0, err
    data = parse_json(out)
    assert data == json.loads(json.dumps(library.to_dict()))
    assert data["uncertainty"]["samples"] == 25 and data["uncertainty"]["model"] == "global"
    for cell in data["cells"]:
        single = run_script("--store", store_path, "interface", cell["electrolyte"], cell["electrode"], *SAMPLING,
                            "--format", "json")  # fmt: skip
        assert single.returncode == 0, single.stderr
        assert cell["uncertainty"] == parse_json(single.stdout)["uncertainty"]
        energy = cell["uncertainty"]["reaction_energy_eV_per_atom"]
        assert energy["low"] <= cell["reaction_energy_eV_per_atom"] <= energy["high"]


def test_csv_has_the_interval_columns(store_path: str, library: InterfaceMatrix) -> None:
    code, out, err = matrix(store_path, *SAMPLING, "--format", "csv")
    assert code == 0, err
    interval = ("minimum_reaction_energy_low_eV_per_atom", "minimum_reaction_energy_high_eV_per_atom")
    header, rows = parse_csv(out, required=("sigma_eV_per_atom", "samples", "seed", *interval))
    assert header[: len(InterfaceMatrix.ROW_FIELDS)] == list(InterfaceMatrix.ROW_FIELDS)
    assert len(rows) == len(library.cells)
    for row, cell in zip(rows, library.cells, strict=True):
        u = cell.uncertainty
        assert u is not None
        assert (row["electrolyte"], row["electrode"]) == (cell.electrolyte, cell.electrode)
        assert csv_number(row[interval[0]]) == u.reaction_energy.low
        assert csv_number(row[interval[1]]) == u.reaction_energy.high
        assert csv_number(row["minimum_reaction_energy_median_eV_per_atom"]) == u.reaction_energy.median
        assert (row["samples"], row["seed"], row["confidence"]) == ("25", "3", "0.8")
        assert float(row["point_products_frequency"]) == u.point_products_frequency


def test_markdown_grid_shows_point_and_interval(store_path: str, library: InterfaceMatrix) -> None:
    code, out, err = matrix(store_path, *SAMPLING, "--format", "md")
    assert code == 0, err
    doc = parse_markdown(out)
    grid = md_table_with(doc, "electrolyte", *ELECTRODES.split(","))
    assert grid.header[1:] == ELECTRODES.split(",")
    for i, row in enumerate(grid.rows):
        for j, shown in enumerate(row[1:]):
            cell = library.cells[i * 2 + j]
            u = cell.uncertainty
            assert u is not None and cell.reaction_energy_eV_per_atom is not None
            point, low, high = cell.reaction_energy_eV_per_atom, u.reaction_energy.low, u.reaction_energy.high
            assert shown == f"{point:.3f} ({low:.3f} to {high:.3f})"
    pairs = md_table_with(doc, "electrode", "dE min 80% interval (eV/atom)")
    for shown, cell in zip(pairs.column("dE min 80% interval (eV/atom)"), library.cells, strict=True):
        u = cell.uncertainty
        assert u is not None
        assert shown == f"{u.reaction_energy.low:.3f} to {u.reaction_energy.high:.3f}"
    legend = " ".join(item for items in doc.lists for item in items)
    assert "25 samples" in legend and "sigma = 0.04 eV/atom" in legend and "seed 3" in legend


def test_html_heatmap_hover_shows_the_interval(store_path: str, library: InterfaceMatrix, tmp_path: Path) -> None:
    pytest.importorskip("plotly")
    page_path = tmp_path / "m.html"
    code, _, err = matrix(store_path, *SAMPLING, "--output", str(page_path))
    assert code == 0, err
    page = parse_page(page_path.read_text())
    heatmap = next(t for spec in page.figure_specs for t in spec["data"] if t.get("type") == "heatmap")
    for i, hover_row in enumerate(heatmap["customdata"]):
        for j, hover in enumerate(hover_row):
            cell = library.cells[i * 2 + j]
            u = cell.uncertainty
            assert u is not None and cell.reaction_energy_eV_per_atom is not None
            point, low, high = cell.reaction_energy_eV_per_atom, u.reaction_energy.low, u.reaction_energy.high
            assert f"E_rxn 80% interval (eV/atom): {point:.3f} ({low:.3f} to {high:.3f})" in hover.split("<br>")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--samples", "30"), "--samples needs --sigma"),
        (("--seed", "2", "--confidence", "0.8"), "--seed, --confidence need --sigma"),
        (("--sigma", "-0.1"), "--sigma"),
        (("--sigma", "nan"), "--sigma"),
        (("--sigma", "0.02", "--samples", "0"), "--samples"),
        (("--sigma", "0.02", "--confidence", "1"), "--confidence"),
        (("--sigma", "0.02", "--seed", "-1"), "--seed"),
    ],
)
def test_bad_sampling_options_are_one_line_and_exit_2(store_path: str, args: tuple[str, ...], fragment: str) -> None:
    code, out, err = matrix(store_path, *args)
    assert code == 2, (out, err)
    assert out == ""
    assert fragment in one_error_line(err)


def test_resume_with_another_seed_is_one_line(store_path: str, tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    code, _, err = matrix(store_path, *SAMPLING, "--output", str(out))
    assert code == 0, err
    code, stdout, err = matrix(store_path, "--sigma", "0.04", "--samples", "25", "--seed", "4", "--confidence", "0.8",
                               "--output", str(out), "--resume")  # fmt: skip
    assert code == 1 and stdout == ""
    assert "seed" in one_error_line(err)

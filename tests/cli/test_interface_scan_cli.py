"""``interface A B --scan`` through the installed script: JSON, CSV and Markdown parsed and equal to the
library; bad scans as one line with a non-zero exit."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import pytest
from tests.helpers.cli_helpers import one_error_line, run_script

from interfacestab.analyses.interface_scan import InterfaceScan, interface_scan

if TYPE_CHECKING:
    from pathlib import Path

    from interfacestab.store.database import Store

TEMPLATE = "Li6+xP1-xGexS5I"
ARGS = (TEMPLATE, "LiCoO2", "--scan", "x=0:0.6:0.3")


@pytest.fixture(scope="module")
def library(snapshot_store: Store) -> InterfaceScan:
    return interface_scan(TEMPLATE, "LiCoO2", "x=0:0.6:0.3", store=snapshot_store)


def interface(store: Store, *args: str):
    return run_script("--store", str(store.path), "interface", *args, timeout=120)


def test_json(snapshot_store: Store, library: InterfaceScan) -> None:
    run = interface(snapshot_store, *ARGS, "-f", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data == json.loads(json.dumps(library.to_dict()))
    assert [r["in_database"] for r in data["rows"]] == [True, False, False]
    assert data["rows"][1]["formula"] == "Li6.3Ge0.3P0.7S5I"


def test_csv(snapshot_store: Store, library: InterfaceScan) -> None:
    run = interface(snapshot_store, *ARGS, "-f", "csv")
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert list(rows[0]) == list(InterfaceScan.ROW_FIELDS)
    for row, ref in zip(rows, library.rows, strict=True):
        assert float(row["value"]) == ref.value
        assert float(row["reaction_energy_eV_per_atom"]) == ref.profile.minimum.reaction_energy_eV_per_atom
        assert row["energy_source"] == ref.energy_source
        assert row["reaction_energy_eV_per_nonion_atom"] == ""


def test_markdown(snapshot_store: Store, library: InterfaceScan) -> None:
    run = interface(snapshot_store, *ARGS, "-f", "md")
    assert run.returncode == 0, run.stderr
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith("| ") and "---" not in ln]
    header, *body = [[c.strip().strip("*") for c in ln.strip("|").split(" | ")] for ln in lines]  # virtual rows: bold
    assert header[:3] == ["x", "formula", "entry"]
    assert [r[2] for r in body] == [library.rows[0].material_id, "virtual", "virtual"]
    energies = [float(r[header.index("dE min (eV/atom)")]) for r in body]
    assert energies == pytest.approx([r.profile.minimum.reaction_energy_eV_per_atom for r in library.rows], abs=5e-4)


def test_plot(snapshot_store: Store, tmp_path: Path) -> None:
    from matplotlib.image import imread

    run = interface(snapshot_store, *ARGS, "--plot", str(tmp_path / "s.png"), "-f", "json")
    assert run.returncode == 0, run.stderr
    assert imread(tmp_path / "s.png").std() > 0.05


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        ((TEMPLATE, "LiCoO2", "--scan", "x=0:1"), 1, "START:STOP:STEP"),
        ((TEMPLATE, "LiCoO2", "--scan", "x=0:nan:0.1"), 1, "finite"),
        (("Li6PS5I", "LiCoO2", "--scan", "x=0:1:0.5"), 1, "does not appear"),
        ((TEMPLATE, "LiCoO2", "--scan", "x=0:1:0.5", "--sweep", "0:5:1"), 2, "--sweep"),
        ((TEMPLATE, "LiCoO2", "--scan", "x=0:1:0.5", "--voltage", "nan"), 2, "--voltage"),
    ],
)
def test_bad_scans(snapshot_store: Store, args, code: int, fragment: str) -> None:
    run = interface(snapshot_store, *args)
    assert run.returncode == code, (run.stdout, run.stderr)
    assert run.stdout == ""
    assert fragment in one_error_line(run.stderr)

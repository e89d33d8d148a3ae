"""interface --sweep --sigma: every grid voltage gets the interval that interface --voltage --sigma gives it."""

from __future__ import annotations

import json

import pytest
from helpers.cli_helpers import run_script
from helpers.html_report import parse_page
from helpers.output_parsers import parse_csv, parse_markdown

from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.sweep import interface_sweep_for
from interfacestab.analyses.uncertainty import UncertaintySettings, add_interface_uncertainty
from interfacestab.reports.format import fmt_energy

A, B, SWEEP = "Li3PS4", "LiCoO2", "1:4:1.5"
SAMPLING = ("--sigma", "0.03", "--samples", "30", "--seed", "8")
SETTINGS = UncertaintySettings(0.03, 30, 8)


@pytest.fixture(scope="module")
def sweep(snapshot_store):
    return interface_sweep_for(A, B, SWEEP, store=snapshot_store, uncertainty=SETTINGS)


def test_each_grid_voltage_has_the_interval_of_the_open_interface(sweep, snapshot_store) -> None:
    assert len(sweep.points) == 3
    for p in sweep.points:
        own = add_interface_uncertainty(interface_for(A, B, voltage_V=p.voltage_V, store=snapshot_store), SETTINGS,
                                        store=snapshot_store)  # fmt: skip
        assert p.uncertainty is not None and own.uncertainty is not None
        assert p.uncertainty.to_dict() == own.uncertainty.to_dict(), p.voltage_V
        e = p.uncertainty.reaction_energy
        assert e.low - 1e-12 <= p.reaction_energy_eV_per_nonion_atom <= e.high + 1e-12
    plain = interface_sweep_for(A, B, SWEEP, store=snapshot_store)
    assert [p.reaction_energy_eV_per_nonion_atom for p in plain.points] == [
        p.reaction_energy_eV_per_nonion_atom for p in sweep.points
    ]
    assert all("uncertainty" not in p.to_dict() for p in plain.points)


def test_sweep_sigma_through_the_script_in_every_format(sweep, snapshot_store, tmp_path) -> None:
    base = ("--store", str(snapshot_store.path), "interface", A, B, "--sweep", SWEEP, *SAMPLING)
    js = run_script(*base, "-f", "json", timeout=300)
    assert js.returncode == 0, js.stderr
    points = json.loads(js.stdout)["points"]
    assert [p["uncertainty"] for p in points] == [p.uncertainty.to_dict() for p in sweep.points]

    _, rows = parse_csv(run_script(*base, "-f", "csv", timeout=300).stdout,
                        required=("row_type", "minimum_reaction_energy_low_eV_per_nonion_atom"))  # fmt: skip
    point_rows = [r for r in rows if r["row_type"] == "point"]
    for got, p in zip(point_rows, sweep.points, strict=True):
        assert float(got["minimum_reaction_energy_low_eV_per_nonion_atom"]) == p.uncertainty.reaction_energy.low
    assert all(r["minimum_reaction_energy_low_eV_per_nonion_atom"] == "" for r in rows if r["row_type"] != "point")

    md = parse_markdown(run_script(*base, "-f", "md", timeout=300).stdout)
    table = next(t for t in md.tables if "dE" in t.header)
    for cell, p in zip(table.column("dE"), sweep.points, strict=True):
        e = p.uncertainty.reaction_energy
        assert (
            cell == f"{fmt_energy(p.reaction_energy_eV_per_nonion_atom)} ({fmt_energy(e.low)} to {fmt_energy(e.high)})"
        )

    page_path = tmp_path / "sweep.html"
    done = run_script(*base, "-o", str(page_path), timeout=300)
    assert done.returncode == 0, done.stderr
    spec = parse_page(page_path.read_text()).figure_specs[0]
    (bars,) = [t for t in spec["data"] if t["name"].startswith("minimum: sampled")]
    assert bars["error_y"]["arrayminus"] == pytest.approx(
        [p.reaction_energy_eV_per_nonion_atom - p.uncertainty.reaction_energy.low for p in sweep.points]
    )

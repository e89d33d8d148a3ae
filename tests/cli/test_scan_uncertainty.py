"""window --scan --sigma: every row of a composition scan gets the interval that window FORMULA --sigma gives it."""

from __future__ import annotations

import json

import pytest
from helpers.cli_helpers import run_script
from helpers.html_report import parse_page
from helpers.output_parsers import parse_csv, parse_markdown

from interfacestab.analyses.scan import window_scan
from interfacestab.analyses.uncertainty import UncertaintySettings, add_window_uncertainty
from interfacestab.analyses.window import window_for

TEMPLATE, RANGE = "Li3+xP1-xGexS4", "x=0:0.5:0.25"
SAMPLING = ("--sigma", "0.03", "--samples", "40", "--seed", "6")
SETTINGS = UncertaintySettings(0.03, 40, 6)


@pytest.fixture(scope="module")
def scan(snapshot_store):
    return window_scan(TEMPLATE, RANGE, store=snapshot_store, uncertainty=SETTINGS)


def test_each_row_has_the_interval_of_its_own_window(scan, snapshot_store) -> None:
    for row in scan.rows:
        own = add_window_uncertainty(window_for(row.formula, store=snapshot_store), SETTINGS, store=snapshot_store)
        assert row.window.uncertainty is not None and own.uncertainty is not None
        assert row.window.uncertainty.to_dict() == own.uncertainty.to_dict(), row.formula
        u = row.window.uncertainty
        assert u.reduction_limit_V.low <= row.window.reduction_limit_V <= u.reduction_limit_V.high
    plain = window_scan(TEMPLATE, RANGE, store=snapshot_store)
    assert [r.window.reduction_limit_V for r in plain.rows] == [r.window.reduction_limit_V for r in scan.rows]
    assert all("uncertainty" not in r.to_dict() for r in plain.rows)


def test_scan_sigma_through_the_script_in_every_format(scan, snapshot_store, tmp_path) -> None:
    base = ("--store", str(snapshot_store.path), "window", TEMPLATE, "--scan", RANGE, *SAMPLING)
    js = run_script(*base, "-f", "json", timeout=300)
    assert js.returncode == 0, js.stderr
    rows = json.loads(js.stdout)["rows"]
    assert [r["uncertainty"] for r in rows] == [r.window.uncertainty.to_dict() for r in scan.rows]

    _, csv_rows = parse_csv(run_script(*base, "-f", "csv", timeout=300).stdout,
                            required=("value", "reduction_limit_low_V", "reduction_limit_high_V", "uncertainty_model"))  # fmt: skip
    for got, row in zip(csv_rows, scan.rows, strict=True):
        assert float(got["reduction_limit_low_V"]) == row.window.uncertainty.reduction_limit_V.low
        assert got["samples"] == "40" and got["seed"] == "6"

    md = parse_markdown(run_script(*base, "-f", "md", timeout=300).stdout)
    table = md.tables[0]
    for cell, row in zip(table.column("V_red (V)"), scan.rows, strict=True):
        low, high = row.window.uncertainty.reduction_limit_V.low, row.window.uncertainty.reduction_limit_V.high
        assert cell == f"{row.window.reduction_limit_V:.2f} ({low:.2f}-{high:.2f})"

    page_path = tmp_path / "scan.html"
    done = run_script(*base, "-o", str(page_path), timeout=300)
    assert done.returncode == 0, done.stderr
    (spec,) = parse_page(page_path.read_text()).figure_specs
    bars = [t for t in spec["data"] if t["name"].startswith("reduction limit: sampled")]
    assert len(bars) == 1
    assert bars[0]["error_y"]["arrayminus"] == pytest.approx(
        [r.window.reduction_limit_V - r.window.uncertainty.reduction_limit_V.low for r in scan.rows]
    )

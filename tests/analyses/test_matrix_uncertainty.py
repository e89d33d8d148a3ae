"""``matrix --sigma`` in the library: every cell's interval is what ``interface --sigma`` gives for its pair,
the same on one or two workers and on a Dask cluster, after a resume, and on a hand-checked toy pair."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from interfacestab import reports
from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.matrix import InterfaceMatrix, interface_matrix
from interfacestab.analyses.uncertainty import Interval, UncertaintySettings, add_interface_uncertainty, entry_errors
from interfacestab.errors import AnalysisError
from interfacestab.reports import render_markdown, render_rich
from interfacestab.reports.format import fmt_energy

if TYPE_CHECKING:
    from pathlib import Path

ELECTROLYTES = ["Li6PS5Cl", "Li3InCl6"]
ELECTRODES = ["LiCoO2", "Li", "LiFePO4"]
SETTINGS = UncertaintySettings(0.03, samples=30, seed=11, confidence=0.8)


@pytest.fixture(scope="module")
def sampled(snapshot_store) -> InterfaceMatrix:
    return interface_matrix(ELECTROLYTES, ELECTRODES, store_path=snapshot_store.path, workers=1, uncertainty=SETTINGS)


def test_every_cell_is_interface_sigma_of_its_pair(sampled, snapshot_store) -> None:
    """Closed: the cell's uncertainty equals ``interface --sigma`` (the library call it makes) exactly."""
    assert sampled.uncertainty == SETTINGS
    for cell in sampled.cells:
        point = interface_for(cell.electrolyte, cell.electrode, store=snapshot_store)
        expected = add_interface_uncertainty(point, SETTINGS, store=snapshot_store).uncertainty
        assert cell.uncertainty is not None
        assert cell.uncertainty == expected
        assert cell.uncertainty.energy_key == "reaction_energy_eV_per_atom"


def test_open_and_charged_cells_are_interface_sigma_of_their_pair(snapshot_store) -> None:
    from interfacestab.analyses.charging import charged_cathode_for

    opened = interface_matrix(["Li6PS5Cl"], ["LiCoO2", "LiFePO4"], voltage_V=3.0, store_path=snapshot_store.path,
                              workers=1, uncertainty=SETTINGS)  # fmt: skip
    for cell in opened.cells:
        point = interface_for(cell.electrolyte, cell.electrode, voltage_V=3.0, store=snapshot_store)
        expected = add_interface_uncertainty(point, SETTINGS, store=snapshot_store).uncertainty
        assert cell.uncertainty == expected
        assert cell.uncertainty is not None and cell.uncertainty.energy_key == "reaction_energy_eV_per_nonion_atom"
    charged = interface_matrix(["Li3InCl6"], ["LiCoO2"], charge_voltage_V=4.2, store_path=snapshot_store.path,
                               workers=1, uncertainty=SETTINGS)  # fmt: skip
    b = charged_cathode_for("LiCoO2", 4.2, store=snapshot_store).parsed
    point = interface_for("Li3InCl6", b, store=snapshot_store)  # type: ignore[arg-type]
    assert charged.cells[0].uncertainty == add_interface_uncertainty(point, SETTINGS, store=snapshot_store).uncertainty
    soc = interface_matrix(["Li6PS5Cl"], ["LiCoO2"], state_of_charge=0.5, store_path=snapshot_store.path, workers=1,
                           uncertainty=SETTINGS)  # fmt: skip
    point = interface_for("Li6PS5Cl", "LiCoO2", state_of_charge_b=0.5, store=snapshot_store)
    assert soc.cells[0].uncertainty == add_interface_uncertainty(point, SETTINGS, store=snapshot_store).uncertainty


def test_same_seed_same_json_on_one_and_two_workers_and_dask(sampled, snapshot_store) -> None:
    from distributed import LocalCluster

    expected = json.loads(reports.to_json(sampled))
    two = interface_matrix(ELECTROLYTES, ELECTRODES, store_path=snapshot_store.path, workers=2, chunk_size=1,
                           uncertainty=SETTINGS)  # fmt: skip
    assert json.loads(reports.to_json(two)) == expected
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = interface_matrix(ELECTROLYTES, ELECTRODES, store_path=snapshot_store.path, chunk_size=1,
                                   scheduler=cluster.scheduler_address, uncertainty=SETTINGS)  # fmt: skip
    assert json.loads(reports.to_json(on_dask)) == expected
    other = interface_matrix(ELECTROLYTES[:1], ELECTRODES[:1], store_path=snapshot_store.path, workers=1,
                             uncertainty=UncertaintySettings(0.03, samples=30, seed=12, confidence=0.8))  # fmt: skip
    assert other.cells[0].uncertainty != sampled.cells[0].uncertainty  # another seed, other samples


def test_hand_checked_toy_pair_contains_the_point_and_shrinks_at_sigma_zero(toy_data_store) -> None:
    """S | Li in the toy data: Li2S (-1.40 eV/atom) is the only compound, so the minimum of every sample is at
    x_S = 1/3 with energy -1.40 + that sample's error of Li2S (elements stay at 0)."""
    settings = UncertaintySettings(0.05, samples=40, seed=5)
    m = interface_matrix(["S"], ["Li"], store_path=toy_data_store.path, workers=1, uncertainty=settings)
    cell = m.cells[0]
    assert cell.reaction_energy_eV_per_atom == pytest.approx(-1.40, abs=1e-12)
    assert cell.x_atomic_electrolyte == pytest.approx(1 / 3, abs=1e-12)
    u = cell.uncertainty
    assert u is not None
    li2s = next(e for e in toy_data_store.entries(["Li", "S"]).entries if e.formula == "Li2S")
    expected = Interval.of(-1.40 + entry_errors([li2s], settings)[:, 0], settings.confidence)
    assert u.reaction_energy.median == pytest.approx(expected.median, abs=1e-12)
    assert u.reaction_energy.low == pytest.approx(expected.low, abs=1e-12)
    assert u.reaction_energy.high == pytest.approx(expected.high, abs=1e-12)
    assert u.reaction_energy.low < -1.40 < u.reaction_energy.high
    assert u.x_atomic_a.low == pytest.approx(1 / 3) and u.x_atomic_a.high == pytest.approx(1 / 3)
    assert u.products_frequency == ((("Li2S",), 1.0),) and u.point_products_frequency == 1.0
    zero = interface_matrix(["S"], ["Li"], store_path=toy_data_store.path, workers=1,
                            uncertainty=UncertaintySettings(0.0, samples=5))  # fmt: skip
    z = zero.cells[0].uncertainty
    assert z is not None
    for value in (z.reaction_energy.low, z.reaction_energy.median, z.reaction_energy.high):
        assert value == pytest.approx(-1.40, abs=1e-12)
    wider = interface_matrix(["S"], ["Li"], store_path=toy_data_store.path, workers=1,
                             uncertainty=UncertaintySettings(0.10, samples=40, seed=5))  # fmt: skip
    w = wider.cells[0].uncertainty
    assert w is not None
    assert w.reaction_energy.high - w.reaction_energy.low > u.reaction_energy.high - u.reaction_energy.low


def test_resume_same_settings_identical_other_settings_refused(sampled, snapshot_store, tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    fresh = interface_matrix(ELECTROLYTES, ELECTRODES, store_path=snapshot_store.path, workers=1, output=out,
                             chunk_size=1, uncertainty=SETTINGS)  # fmt: skip
    assert fresh.to_dict() == sampled.to_dict()
    checkpoint = out.with_name(out.name + ".checkpoint.jsonl")
    lines = checkpoint.read_text().splitlines()
    checkpoint.write_text("\n".join(lines[:3]) + "\n" + lines[3][: len(lines[3]) // 2])  # 2 rows, a cut line
    resumed = interface_matrix(ELECTROLYTES, ELECTRODES, store_path=snapshot_store.path, workers=1, output=out,
                               resume=True, uncertainty=SETTINGS)  # fmt: skip
    assert resumed.n_computed == len(sampled.cells) - 2
    assert resumed.to_dict() == sampled.to_dict()
    assert resumed.cells == sampled.cells  # the uncertainty objects come back exactly from the checkpoint
    for other in (UncertaintySettings(0.03, samples=30, seed=12, confidence=0.8), None):
        with pytest.raises(AnalysisError, match="uncertainty"):
            interface_matrix(ELECTROLYTES, ELECTRODES, store_path=snapshot_store.path, workers=1, output=out,
                             resume=True, uncertainty=other)  # fmt: skip
    plain_out = tmp_path / "plain.json"
    interface_matrix(["Li6PS5Cl"], ["Li"], store_path=snapshot_store.path, workers=1, output=plain_out)
    with pytest.raises(AnalysisError, match="uncertainty"):  # a plain checkpoint is not resumed into a sampled run
        interface_matrix(["Li6PS5Cl"], ["Li"], store_path=snapshot_store.path, workers=1, output=plain_out,
                         resume=True, uncertainty=SETTINGS)  # fmt: skip


def test_json_csv_and_tables_carry_the_intervals(sampled) -> None:
    from tests.helpers.output_parsers import parse_csv

    data = json.loads(reports.to_json(sampled))
    top = data["uncertainty"]
    assert (top["sigma_eV_per_atom"], top["samples"], top["seed"], top["confidence"]) == (0.03, 30, 11, 0.8)
    assert top["model"] == "global"
    assert "uncertainty" in data["provenance"]["conventions"]
    for c, cell in zip(data["cells"], sampled.cells, strict=True):
        assert cell.uncertainty is not None
        assert c["uncertainty"] == json.loads(json.dumps(cell.uncertainty.to_dict()))
        energy = c["uncertainty"]["reaction_energy_eV_per_atom"]
        assert set(energy) == {"median", "low", "high"}
        assert energy["low"] - 1e-12 <= c["reaction_energy_eV_per_atom"] <= energy["high"] + 1e-12  # rounding only
        assert sum(f["frequency"] for f in c["uncertainty"]["products_frequency"]) == pytest.approx(1.0)
    header, rows = parse_csv(reports.to_csv(sampled))
    extra = list(sampled.cells[0].uncertainty.to_columns())  # type: ignore[union-attr]
    assert header == [*InterfaceMatrix.ROW_FIELDS, *extra]
    for row, cell in zip(rows, sampled.cells, strict=True):
        assert cell.uncertainty is not None
        for key, value in cell.uncertainty.to_columns().items():
            assert row[key] == str(value)
    model = reports.report_for(sampled)
    text = render_rich.to_text(render_rich.render(model), width=2000)
    md = render_markdown.render(model)
    for i, row in enumerate(model.tables[0].rows):
        for j, shown in enumerate(row.cells[1:]):
            u = sampled.cells[i * len(ELECTRODES) + j].uncertainty
            assert u is not None
            point = sampled.cells[i * len(ELECTRODES) + j].reaction_energy_eV_per_atom
            assert shown.startswith(f"{fmt_energy(point)} (")  # the report's rounding: -0.000 shows as 0.000
            sep = " to " if u.reaction_energy.low < 0 or u.reaction_energy.high < 0 else "-"
            assert f"({fmt_energy(u.reaction_energy.low)}{sep}{fmt_energy(u.reaction_energy.high)})" in shown
            assert shown in text and shown in md
    known = set(InterfaceMatrix.ROW_FIELDS) | set(sampled.to_rows()[0]) | set(sampled.to_dict())
    assert all(set(c.fields) <= known for t in model.tables for c in t.columns)
    assert any("30 samples" in line and "seed 11" in line for line in model.legend)


def test_a_failed_pair_has_no_interval_and_keeps_the_columns(snapshot_store) -> None:
    from tests.helpers.output_parsers import parse_csv

    m = interface_matrix(["Li6PS5Cl"], ["LiCoO2", "C"], state_of_charge=1.0, store_path=snapshot_store.path,
                         workers=1, uncertainty=SETTINGS)  # fmt: skip
    ok, failed = m.cells
    assert ok.uncertainty is not None and failed.error and failed.uncertainty is None
    assert json.loads(reports.to_json(m))["cells"][1]["uncertainty"] is None
    header, rows = parse_csv(reports.to_csv(m))
    assert "minimum_reaction_energy_low_eV_per_atom" in header
    assert rows[1]["minimum_reaction_energy_low_eV_per_atom"] == "" and rows[1]["error"]
    assert float(rows[0]["minimum_reaction_energy_low_eV_per_atom"]) == ok.uncertainty.reaction_energy.low

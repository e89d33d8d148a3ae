"""``interface_matrix(charge_voltage_V=V)``: every electrode charged to V first; each cell is exactly what
``interface ELECTROLYTE ELECTRODE --charge-voltage V`` reacts (the same charged assemblage), and the run names
the composition and phases used per electrode."""

from __future__ import annotations

import json

import pytest
from tests.analyses.test_matrix import _same_as_interface

from interfacestab import reports
from interfacestab.analyses.charging import charged_cathode_for
from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.matrix import interface_matrix
from interfacestab.errors import AnalysisError
from interfacestab.reports import render_markdown

ELECTROLYTES = ["Li6PS5Cl", "Li3InCl6"]
ELECTRODES = ["LiCoO2", "LiNi1/3Mn1/3Co1/3O2", "Si"]


@pytest.mark.parametrize("voltage_V", [3.9, 4.2])
def test_each_cell_is_the_interface_of_the_electrode_charged_to_the_voltage(snapshot_store, voltage_V: float) -> None:
    result = interface_matrix(
        ELECTROLYTES, ELECTRODES, charge_voltage_V=voltage_V, store_path=snapshot_store.path, workers=1
    )
    assert result.charge_voltage_V == voltage_V
    charged_by_name = {c["electrode"]: c for c in result.charged_electrodes}
    assert list(charged_by_name) == ELECTRODES
    for electrode in ("LiCoO2", "LiNi1/3Mn1/3Co1/3O2"):
        # what `interface E X --charge-voltage V` does: charge B, then react the assemblage
        charged = charged_cathode_for(electrode, voltage_V, store=snapshot_store)
        assert charged_by_name[electrode] == {"electrode": electrode, **charged.to_dict()}
        for electrolyte in ELECTROLYTES:
            cell = result.cell(electrolyte, electrode)
            _same_as_interface(cell, interface_for(electrolyte, charged.parsed, store=snapshot_store))
    # Si has no Li to remove: its cells fail, and the run says why
    assert "no Li" in str(charged_by_name["Si"]["error"])
    for electrolyte in ELECTROLYTES:
        assert "no Li" in str(result.cell(electrolyte, "Si").error)


def test_licoo2_is_half_charged_below_and_fully_charged_above_4_1_V(snapshot_store) -> None:
    """In these data LiCoO2 at 3.9 V is Li(CoO2)2 (Li0.5CoO2) and at 4.2 V CoO2: the matrix reacts exactly that."""
    low = interface_matrix(["Li6PS5Cl"], ["LiCoO2"], charge_voltage_V=3.9, store_path=snapshot_store.path, workers=1)
    high = interface_matrix(["Li6PS5Cl"], ["LiCoO2"], charge_voltage_V=4.2, store_path=snapshot_store.path, workers=1)
    assert low.charged_electrodes[0]["phases"] == ["Li(CoO2)2"]
    assert low.charged_electrodes[0]["composition"] == {"Li": 0.5, "Co": 1.0, "O": 2.0}
    assert high.charged_electrodes[0]["phases"] == ["CoO2"]
    assert high.charged_electrodes[0]["composition"] == {"Co": 1.0, "O": 2.0}


def test_the_json_csv_and_notes_name_the_charged_electrodes(snapshot_store) -> None:
    import csv
    import io

    result = interface_matrix(
        ["Li6PS5Cl"], ["LiCoO2", "Si"], charge_voltage_V=4.2, store_path=snapshot_store.path, workers=1
    )
    data = json.loads(reports.to_json(result))
    assert data["charge_voltage_V"] == 4.2
    assert [c["electrode"] for c in data["charged_electrodes"]] == ["LiCoO2", "Si"]
    assert data["charged_electrodes"][0]["formula"] == "CoO2"
    assert "error" in data["charged_electrodes"][1]
    assert "charge_voltage" in data["provenance"]["conventions"]
    rows = list(csv.DictReader(io.StringIO(reports.to_csv(result))))
    assert [float(r["charge_voltage_V"]) for r in rows] == [4.2, 4.2]
    assert rows[0]["electrode_formula"] == "CoO2"
    model = reports.report_for(result)
    assert "charged LiCoO2 -> CoO2 (phases: CoO2)" in model.legend
    assert "- charged LiCoO2 -> CoO2 (phases: CoO2)" in render_markdown.render(model).splitlines()
    assert any(line.startswith("Si could not be charged: ") for line in model.legend)


def test_a_matrix_without_charge_voltage_reports_none(snapshot_store) -> None:
    result = interface_matrix(["Li6PS5Cl"], ["LiCoO2"], store_path=snapshot_store.path, workers=1)
    data = result.to_dict()
    assert data["charge_voltage_V"] is None
    assert data["charged_electrodes"] == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"charge_voltage_V": 4.2, "state_of_charge": 0.5}, "not both"),
        ({"charge_voltage_V": 40.0}, "outside"),
        ({"charge_voltage_V": float("nan")}, "outside"),
        ({"charge_voltage_V": -1.0}, "outside"),
    ],
)
def test_bad_charge_voltages_are_refused(snapshot_store, kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(AnalysisError, match=match):
        interface_matrix(["Li6PS5Cl"], ["LiCoO2"], store_path=snapshot_store.path, workers=1, **kwargs)


def test_a_checkpoint_of_another_charge_voltage_is_not_resumed(snapshot_store, tmp_path) -> None:
    out = tmp_path / "m.json"
    interface_matrix(["Li6PS5Cl"], ["LiCoO2"], charge_voltage_V=4.2, store_path=snapshot_store.path, output=out)
    with pytest.raises(AnalysisError, match="charge_voltage_V"):
        interface_matrix(
            ["Li6PS5Cl"], ["LiCoO2"], charge_voltage_V=3.9, store_path=snapshot_store.path, output=out, resume=True
        )

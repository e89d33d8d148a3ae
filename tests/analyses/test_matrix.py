"""The interface matrix: every cell is what ``interface`` gives for that pair (and what pymatgen gives),
whether run in one process, on workers, on a Dask cluster or resumed from a checkpoint."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import TYPE_CHECKING

import pytest
from tests.helpers.oracle import pmg_interface

from interfacestab import reports
from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.matrix import InterfaceMatrix, MatrixCell, interface_matrix, split_formula_list
from interfacestab.errors import AnalysisError, DataNotFoundError, FormulaError, InterfaceStabError
from interfacestab.reports import render_markdown, render_rich

if TYPE_CHECKING:
    from pathlib import Path

ELECTROLYTES = ["Li6PS5Cl", "Li3InCl6", "Li7La3Zr2O12"]
ELECTRODES = ["LiCoO2", "LiFePO4", "Li", "LiNi1/3Mn1/3Co1/3O2"]
TOL_E = 1e-3  # eV/atom, against pymatgen (as the interface benchmark)


@pytest.fixture(scope="module")
def closed(snapshot_store, tmp_path_factory) -> InterfaceMatrix:
    out = tmp_path_factory.mktemp("matrix") / "closed.json"
    return interface_matrix(ELECTROLYTES, ELECTRODES, store_path=snapshot_store.path, workers=2, output=out)


@pytest.fixture(scope="module")
def opened(snapshot_store) -> InterfaceMatrix:
    return interface_matrix(
        ["Li6PS5Cl", "Li3InCl6"], ["LiCoO2", "LiFePO4"], voltage_V=3.0, store_path=snapshot_store.path, workers=1
    )


def _same_as_interface(cell: MatrixCell, profile) -> None:
    m, mm = profile.minimum, profile.mutual_minimum
    assert cell.error is None
    assert cell.reaction_energy_eV_per_atom == m.reaction_energy_eV_per_atom
    assert cell.reaction_energy_eV_per_nonion_atom == m.reaction_energy_eV_per_nonion_atom
    assert cell.reaction_energy_kJ_per_mol == m.reaction_energy_kJ_per_mol
    assert cell.x_atomic_electrolyte == m.x_atomic_a
    assert cell.x_molar_electrolyte == m.x_molar_a
    assert cell.products == m.products
    assert cell.reaction == m.reaction
    assert cell.mutual_reaction_energy_at_minimum_eV_per_nonion_atom == m.mutual_reaction_energy_eV_per_nonion_atom
    assert cell.most_negative_mutual_reaction_energy_eV_per_atom == mm.mutual_reaction_energy_eV_per_atom
    assert cell.most_negative_mutual_reaction_energy_eV_per_nonion_atom == mm.mutual_reaction_energy_eV_per_nonion_atom
    assert cell.x_atomic_electrolyte_at_mutual_minimum == mm.x_atomic_a
    assert cell.products_at_mutual_minimum == mm.products
    assert cell.n_kinks == len(profile.kinks)
    assert (cell.electrolyte_formula, cell.electrode_formula) == (profile.reactant_a, profile.reactant_b)


def test_every_cell_is_the_interface_of_its_pair(closed, snapshot_store) -> None:
    assert len(closed.cells) == len(ELECTROLYTES) * len(ELECTRODES)
    for e in ELECTROLYTES:
        for x in ELECTRODES:
            cell = closed.cell(e, x)
            assert (cell.electrolyte, cell.electrode) == (e, x)
            _same_as_interface(cell, interface_for(e, x, store=snapshot_store))


def test_open_cells_are_the_open_interface_of_their_pair(opened, snapshot_store) -> None:
    assert opened.open_system
    for cell in opened.cells:
        profile = interface_for(cell.electrolyte, cell.electrode, voltage_V=3.0, store=snapshot_store)
        _same_as_interface(cell, profile)
        assert cell.reaction_energy_eV_per_atom is None  # open: per non-Li atom only
    d = opened.to_dict()["cells"][0]
    assert "reaction_energy_eV_per_nonion_atom" in d and "most_negative_mutual_reaction_energy_eV_per_nonion_atom" in d
    assert "reaction_energy_eV_per_atom" not in d


def test_charged_electrodes_are_the_interface_at_that_state_of_charge(snapshot_store) -> None:
    m = interface_matrix(["Li6PS5Cl"], ["LiCoO2", "C"], state_of_charge=0.5, store_path=snapshot_store.path, workers=1)
    cell = m.cell("Li6PS5Cl", "LiCoO2")
    _same_as_interface(cell, interface_for("Li6PS5Cl", "LiCoO2", state_of_charge_b=0.5, store=snapshot_store))
    assert cell.electrode_formula == "Li(CoO2)2"
    graphite = m.cell("Li6PS5Cl", "C")  # nothing to remove: that cell fails, the rest stands
    assert graphite.error is not None and "no Li to remove" in graphite.error
    assert graphite.reaction_energy_eV_per_atom is None


@pytest.mark.parametrize(
    ("electrolyte", "electrode"), [("Li6PS5Cl", "LiCoO2"), ("Li3InCl6", "Li"), ("Li7La3Zr2O12", "LiFePO4")]
)
def test_cells_agree_with_pymatgen(closed, snapshot_store, electrolyte: str, electrode: str) -> None:
    """The minimum of each cell is pymatgen InterfacialReactivity's on the same entries."""
    from interfacestab.chem import parse_formula

    cell = closed.cell(electrolyte, electrode)
    entries = snapshot_store.entries(set(parse_formula(electrolyte)) | set(parse_formula(electrode)))
    kinks = pmg_interface(entries, electrolyte, electrode)
    best = min(kinks, key=lambda k: k["energy"])
    assert cell.reaction_energy_eV_per_atom == pytest.approx(best["energy"], abs=TOL_E)
    assert cell.x_atomic_electrolyte == pytest.approx(best["x"], abs=1e-4)
    assert list(cell.products) == best["products"]


def test_open_cell_agrees_with_pymatgen(opened, snapshot_store) -> None:
    cell = opened.cell("Li6PS5Cl", "LiCoO2")
    entries = snapshot_store.entries(["Li", "P", "S", "Cl", "Co", "O"])
    best = min(pmg_interface(entries, "Li6PS5Cl", "LiCoO2", ion="Li", voltage_V=3.0), key=lambda k: k["energy"])
    assert cell.reaction_energy_eV_per_nonion_atom == pytest.approx(best["energy"], abs=TOL_E)
    assert list(cell.products) == best["products"]


def test_resume_and_dask_cluster_give_identical_results(closed, snapshot_store, tmp_path: Path) -> None:
    """A resumed matrix (checkpoint cut by a kill) and one on a Dask LocalCluster equal the local run."""
    from distributed import LocalCluster

    lines = closed_checkpoint(snapshot_store, tmp_path).read_text().splitlines()
    out = tmp_path / "resumed.json"
    checkpoint = out.with_name(out.name + ".checkpoint.jsonl")
    # the fingerprint line, some rows, and a last line cut by a kill
    checkpoint.write_text("\n".join(lines[:6]) + "\n" + lines[6][: len(lines[6]) // 2])
    done_before = 5
    resumed = interface_matrix(
        ELECTROLYTES, ELECTRODES, store_path=snapshot_store.path, workers=1, output=out, resume=True
    )
    assert resumed.n_computed == len(closed.cells) - done_before
    assert resumed.to_dict() == closed.to_dict()

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = interface_matrix(
            ELECTROLYTES, ELECTRODES, store_path=snapshot_store.path, scheduler=cluster.scheduler_address
        )
    assert on_dask.to_dict() == closed.to_dict()


def closed_checkpoint(snapshot_store, tmp_path: Path) -> Path:
    """A fresh checkpointed run, one pair per task so the checkpoint has one line per pair; its checkpoint."""
    out = tmp_path / "fresh.json"
    interface_matrix(ELECTROLYTES, ELECTRODES, store_path=snapshot_store.path, workers=1, output=out, chunk_size=1)
    return out.with_name(out.name + ".checkpoint.jsonl")


def test_resume_with_other_settings_is_refused(snapshot_store, tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    interface_matrix(["Li6PS5Cl"], ["LiCoO2"], store_path=snapshot_store.path, workers=1, output=out)
    with pytest.raises(AnalysisError, match="voltage_V"):
        interface_matrix(
            ["Li6PS5Cl"], ["LiCoO2"], voltage_V=3.0, store_path=snapshot_store.path, workers=1, output=out, resume=True
        )


def test_json_csv_and_markdown_carry_every_cell(closed) -> None:
    data = json.loads(reports.to_json(closed))
    assert [(c["electrolyte"], c["electrode"]) for c in data["cells"]] == [
        (e, x) for e in ELECTROLYTES for x in ELECTRODES
    ]
    for c, cell in zip(data["cells"], closed.cells, strict=True):
        assert c["reaction_energy_eV_per_atom"] == cell.reaction_energy_eV_per_atom  # full precision
        assert c["products"] == list(cell.products)
    rows = list(csv.DictReader(io.StringIO(reports.to_csv(closed))))
    assert list(rows[0]) == list(InterfaceMatrix.ROW_FIELDS)
    assert len(rows) == len(closed.cells)
    for row, cell in zip(rows, closed.cells, strict=True):
        assert float(row["reaction_energy_eV_per_atom"]) == cell.reaction_energy_eV_per_atom
        assert float(row["x_molar_electrolyte"]) == cell.x_molar_electrolyte
        assert row["reaction_energy_eV_per_nonion_atom"] == ""
        assert row["source"] == "mp_legacy2019"


def test_table_and_markdown_show_the_same_model(closed, opened) -> None:
    for result in (closed, opened):
        model = reports.report_for(result)
        text = render_rich.to_text(render_rich.render(model), width=2000)
        md = render_markdown.render(model)
        grid = model.tables[0]
        assert [c.label for c in grid.columns[1:]] == list(result.electrodes)
        assert [r.cells[0] for r in grid.rows] == list(result.electrolytes)
        for table in model.tables:
            for row in table.rows:
                for cell in row.cells:
                    assert cell in text and cell.replace("|", "\\|") in md
        known = set(InterfaceMatrix.ROW_FIELDS) | set(result.to_dict())
        assert all(set(c.fields) <= known for t in model.tables for c in t.columns)
        for line in model.legend:
            assert line in text and line in md


def test_grid_cells_are_graded_by_energy(closed) -> None:
    """Each graded cell's tone follows its energy: green down to -0.1, yellow to -0.3, red below."""
    grid = reports.report_for(closed).tables[0]
    for i, row in enumerate(grid.rows):
        for j, tone in enumerate(row.tones[1:]):
            energy = closed.cells[i * len(ELECTRODES) + j].reaction_energy_eV_per_atom
            assert energy is not None
            assert tone == ("good" if energy >= -0.1 else "warn" if energy >= -0.3 else "bad")
    li6_li = closed.cell("Li6PS5Cl", "Li").reaction_energy_eV_per_atom
    assert li6_li is not None and li6_li < -0.3  # a sulfide against Li metal: strongly reduced (red)


def test_heatmap_is_drawn_with_a_value_in_every_cell(closed, tmp_path: Path) -> None:
    from matplotlib.image import imread

    png = reports.plot(closed, tmp_path / "m.png")
    pixels = imread(png)
    assert pixels.shape[0] > 100 and pixels.std() > 0.05  # not blank
    from interfacestab.reports.matrix_plot import matrix_heatmap

    fig = matrix_heatmap(closed)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == len(closed.cells)
    assert texts[0] == f"{closed.cells[0].reaction_energy_eV_per_atom:.3f}"


@pytest.mark.parametrize(
    ("electrolytes", "electrodes", "kwargs", "error", "fragment"),
    [
        ([], ["LiCoO2"], {}, AnalysisError, "no electrolytes"),
        (["Li6PS5Cl"], ["  "], {}, AnalysisError, "no electrodes"),
        (["Li6PS5Cl"], ["LiCoO"], {}, None, ""),  # a virtual composition is a valid reactant
        (["Li6PS5Qq"], ["LiCoO2"], {}, FormulaError, "Qq"),
        (["Li6PS5Cl"], ["LiCoO2"], {"voltage_V": math.nan}, AnalysisError, "voltage"),
        (["Li6PS5Cl"], ["LiCoO2"], {"state_of_charge": 1.5}, AnalysisError, "state of charge"),
        (["Li6PS5Cl"], ["LiCoO2"], {"ion": "Mg"}, AnalysisError, "Mg"),
    ],
)
def test_bad_input_is_refused_before_any_work(
    snapshot_store, electrolytes, electrodes, kwargs, error, fragment
) -> None:
    if error is None:
        m = interface_matrix(electrolytes, electrodes, store_path=snapshot_store.path, workers=1, **kwargs)
        assert m.cells[0].error is None
        return
    with pytest.raises(error, match=fragment):
        interface_matrix(electrolytes, electrodes, store_path=snapshot_store.path, workers=1, **kwargs)


def test_an_element_without_data_is_refused(toy_data_store) -> None:
    with pytest.raises(DataNotFoundError, match="no data for"):
        interface_matrix(["Li2O"], ["Xe"], store_path=toy_data_store.path, workers=1)


def test_identical_pair_fails_only_its_cell(snapshot_store) -> None:
    m = interface_matrix(["Li3PS4", "Li6PS5Cl"], ["Li3PS4"], store_path=snapshot_store.path, workers=1)
    same = m.cell("Li3PS4", "Li3PS4")
    assert same.error is not None and "same composition" in same.error
    assert m.cell("Li6PS5Cl", "Li3PS4").error is None
    assert len(m.failed) == 1


def test_duplicates_are_computed_once_and_said(snapshot_store) -> None:
    m = interface_matrix(["Li6PS5Cl", "Li6PS5Cl"], ["LiCoO2"], store_path=snapshot_store.path, workers=1)
    assert m.electrolytes == ("Li6PS5Cl",)
    assert any("more than once" in n for n in m.notes)


def test_split_formula_list() -> None:
    assert split_formula_list(" Li6PS5Cl, Li3InCl6 ", "electrolytes") == ["Li6PS5Cl", "Li3InCl6"]
    for bad in ("", " , ", "Li6PS5Cl,,LiCoO2"):
        with pytest.raises(InterfaceStabError):
            split_formula_list(bad, "electrolytes")


def test_pairs_of_one_system_share_points_and_one_lp_model(snapshot_store) -> None:
    """Li3PS4 | LiCoO2 and Li7P3S11 | LiCoO2 (both Co-Li-O-P-S) build one model; each cell is still exactly interface's."""
    from interfacestab.analyses.matrix import MatrixPair, MatrixSetup, SharedModels, SystemCache, pair_cell
    from interfacestab.analyses.targets import parse_input

    setup = MatrixSetup("Li", None, "mp_legacy2019", str(snapshot_store.path))
    systems, shared = SystemCache(snapshot_store, "mp_legacy2019"), SharedModels()
    for electrolyte in ("Li3PS4", "Li7P3S11", "Li3PS4"):
        pair = MatrixPair(electrolyte, "LiCoO2", parse_input(electrolyte), parse_input("LiCoO2"))
        _same_as_interface(
            pair_cell(pair, setup, systems, shared), interface_for(electrolyte, "LiCoO2", store=snapshot_store)
        )
    assert systems.loads <= 1  # 0 when an earlier test of this process loaded the system (process cache)
    assert shared.models_built == 1


def test_an_electrode_made_only_of_the_ion_fails_its_cells_when_charged(snapshot_store) -> None:
    """Removing all the Li of Li metal leaves nothing: an error cell (it crashed with a TypeError before)."""
    from interfacestab.analyses.interface import at_state_of_charge

    with pytest.raises(AnalysisError, match="leaves nothing"):
        at_state_of_charge("Li", "Li", 1.0)
    m = interface_matrix(["Li6PS5Cl"], ["LiCoO2", "Li"], state_of_charge=1.0, store_path=snapshot_store.path, workers=1)
    assert m.cell("Li6PS5Cl", "LiCoO2").electrode_formula == "CoO2"
    li = m.cell("Li6PS5Cl", "Li")
    assert li.error is not None and "leaves nothing" in li.error


def test_graded_cells_are_coloured_in_a_terminal(closed) -> None:
    """The table colours a cell by its tone (red for Li6PS5Cl | Li) in a colour terminal, and only there."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=200, force_terminal=True, color_system="standard").print(reports.render(closed))
    li6_li = f"{closed.cell('Li6PS5Cl', 'Li').reaction_energy_eV_per_atom:.3f}"
    assert f"\x1b[31m{li6_li}" in buffer.getvalue()  # red
    assert "\x1b[" not in render_rich.to_text(reports.render(closed))

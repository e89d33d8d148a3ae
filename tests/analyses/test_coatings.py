"""Coating screens: rows against pymatgen computed independently, verdicts, resume, Dask cluster."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from helpers.oracle import pmg_interface, pmg_phase_diagram, pmg_window

from interfacestab.analyses.coatings import (
    SEED_COATINGS,
    ScreeningCriteria,
    auto_candidates,
    read_candidates,
    screen_coatings,
)
from interfacestab.chem import parse_formula
from interfacestab.errors import DataNotFoundError

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="module")
def seed_screen(snapshot_store):
    return screen_coatings(SEED_COATINGS, "Li6PS5Cl", "LiCoO2", store_path=snapshot_store.path, workers=2)


def test_seed_screen_has_every_seed_with_verdicts(seed_screen) -> None:
    assert {r.formula for r in seed_screen.results} == set(SEED_COATINGS)
    scores = [r.score for r in seed_screen.results]
    assert scores == sorted(scores, reverse=True)
    for r in seed_screen.results:
        assert r.error is None
        assert set(r.criteria_pass) >= {
            "e_above_hull",
            "reduction_limit",
            "oxidation_limit",
            "electrolyte_reaction",
            "cathode_reaction",
            "charged_cathode_reaction",
        }
        assert r.passed == all(r.criteria_pass.values())
        assert r.passed == (r.score >= 0)
    by = {r.formula: r for r in seed_screen.results}
    assert by["Li3PO4"].passed  # stable 0.69-4.21 V and inert to both sides in these data
    assert "oxidation_limit" in by["LiNbO3"].failed_criteria  # 3.76 V < 4.0 V
    assert seed_screen.charged_cathode == "CoO2"


@pytest.mark.parametrize("coating", ["LiNbO3", "Li2SnO3", "Li4Ti5O12"])
def test_rows_match_pymatgen(snapshot_store, seed_screen, coating: str) -> None:
    """Each number of a row, recomputed with pymatgen's classes on the same entries."""
    row = {r.formula: r for r in seed_screen.results}[coating]
    own = snapshot_store.entries(set(parse_formula(coating)))
    pd = pmg_phase_diagram(own)
    from pymatgen.core import Composition

    target = next(e for e in pd.all_entries if e.name == coating)
    assert row.e_above_hull_eV_per_atom == pytest.approx(pd.get_e_above_hull(target), abs=1e-6)
    window = pmg_window(own, coating, "Li")
    assert row.reduction_limit_V == pytest.approx(window["reduction_limit_V"], abs=1e-3)
    assert row.oxidation_limit_V == pytest.approx(window["oxidation_limit_V"], abs=1e-3)
    for partner, energy, products in [
        ("Li6PS5Cl", row.electrolyte_reaction_eV_per_atom, row.electrolyte_products),
        ("LiCoO2", row.cathode_reaction_eV_per_atom, row.cathode_products),
        ("CoO2", row.charged_cathode_reaction_eV_per_atom, row.charged_cathode_products),
    ]:
        entries = snapshot_store.entries(set(parse_formula(coating)) | set(Composition(partner).as_dict()))
        kinks = pmg_interface(entries, coating, partner)
        best = min(kinks, key=lambda k: k["energy"])
        assert energy == pytest.approx(best["energy"], abs=1e-3), partner
        if best["energy"] < -1e-6:  # with no reaction every kink ties at 0 and "the" products are arbitrary
            assert list(products) == best["products"], partner


def test_criteria_for_other_ions_and_overrides() -> None:
    na = ScreeningCriteria.for_ion("Na")
    assert na.max_reduction_limit_V == pytest.approx(2.37) and na.min_oxidation_limit_V == pytest.approx(3.67)
    strict = ScreeningCriteria.for_ion("Li", min_oxidation_limit_V=4.5, max_reduction_limit_V=None)
    assert strict.min_oxidation_limit_V == 4.5 and strict.max_reduction_limit_V == 2.7


def test_half_charged_cathode(toy_data_store) -> None:
    """The half-charged cathode is Li0.5CoO2 and the row's reaction with it is pymatgen's (toy store)."""
    screen = screen_coatings(
        ["Li3PO4"], "Li3PS4", "LiCoO2", charged_fraction=0.5, store_path=toy_data_store.path, workers=1
    )
    assert screen.charged_cathode == "Li0.5CoO2"
    (row,) = screen.results
    entries = toy_data_store.entries(["Li", "P", "O", "Co"])
    best = min(pmg_interface(entries, "Li3PO4", "Li0.5CoO2"), key=lambda k: k["energy"])
    assert best["energy"] < -0.01  # the toy's LiCoPO4 makes Li3PO4 react with the charged cathode
    assert row.charged_cathode_reaction_eV_per_atom == pytest.approx(best["energy"], abs=1e-6)
    assert list(row.charged_cathode_products) == best["products"]
    full = {
        r.formula: r
        for r in screen_coatings(["Li3PO4"], "Li3PS4", "LiCoO2", store_path=toy_data_store.path, workers=1).results
    }
    best_full = min(pmg_interface(entries, "Li3PO4", "CoO2"), key=lambda k: k["energy"])
    assert full["Li3PO4"].charged_cathode_reaction_eV_per_atom == pytest.approx(best_full["energy"], abs=1e-6)
    assert best_full["energy"] != pytest.approx(best["energy"], abs=1e-3)  # the charged fraction matters


def test_missing_electrolyte_system_is_a_clear_error(snapshot_store) -> None:
    with pytest.raises(DataNotFoundError, match="no data for"):
        screen_coatings(["Li3PO4"], "Li3XeS4", "LiCoO2", store_path=snapshot_store.path, workers=1)


def test_auto_candidates_respect_filters(snapshot_store) -> None:
    oxides = auto_candidates(snapshot_store, ion="Li", include_elements=["O", "Si"])
    assert "Li2SiO3" in oxides and "Li4SiO4" in oxides
    assert all({"Li", "O", "Si"} <= set(parse_formula(f)) for f in oxides)
    assert not any("U" in parse_formula(f) for f in auto_candidates(snapshot_store, include_elements=["O", "U"]))


def test_resume_and_dask_cluster_give_identical_results(snapshot_store, tmp_path: Path) -> None:
    """A resumed screen and a screen on a 2-worker Dask LocalCluster equal the plain local run."""
    from distributed import LocalCluster

    candidates = ["Li3PO4", "LiNbO3", "Li2SiO3", "LiAlO2", "Li2ZrO3", "LiTaO3"]
    local = screen_coatings(
        candidates, "Li6PS5Cl", "LiCoO2", store_path=snapshot_store.path, workers=1, output=tmp_path / "local.json"
    )
    # an interrupted run: only the first rows made it to the checkpoint
    out = tmp_path / "resumed.json"
    checkpoint = out.with_name(out.name + ".checkpoint.jsonl")
    lines = (tmp_path / "local.json.checkpoint.jsonl").read_text().splitlines()
    # the fingerprint line, 3 rows, and a last line cut by a kill
    checkpoint.write_text("\n".join(lines[:4]) + "\n" + lines[4][: len(lines[4]) // 2])
    resumed = screen_coatings(
        candidates, "Li6PS5Cl", "LiCoO2", store_path=snapshot_store.path, workers=1, output=out, resume=True
    )
    assert resumed.n_computed == len(candidates) - 3
    assert [r.to_dict() for r in resumed.results] == [r.to_dict() for r in local.results]

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = screen_coatings(
            candidates,
            "Li6PS5Cl",
            "LiCoO2",
            store_path=snapshot_store.path,
            scheduler=cluster.scheduler_address,
            output=tmp_path / "dask.json",
        )
    assert [r.to_dict() for r in on_dask.results] == [r.to_dict() for r in local.results]
    saved = json.loads((tmp_path / "dask.json").read_text())
    assert saved["n_candidates"] == len(candidates) and saved["provenance"]["source"] == "mp_legacy2019"


def test_read_candidates(tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text("# coatings\nLiNbO3\n\nLi3PO4\n")
    assert read_candidates(tmp_path / "c.txt") == ["LiNbO3", "Li3PO4"]
    (tmp_path / "c.csv").write_text("formula,note\nLiTaO3,x\n")
    assert read_candidates(tmp_path / "c.csv") == ["LiTaO3"]


def test_partner_phases_are_skipped_and_ties_broken_by_mean_margin(snapshot_store) -> None:
    screen = screen_coatings(
        ["LiCoO2", "Li3PO4", "Li2SO4", "Li4P2O7"], "Li6PS5Cl", "LiCoO2", store_path=snapshot_store.path, workers=1
    )
    assert screen.skipped == ("LiCoO2",)
    assert "LiCoO2" not in {r.formula for r in screen.results}
    ranked = [(r.score, r.mean_margin) for r in screen.results]
    assert ranked == sorted(ranked, reverse=True)


def test_screen_input_checks(snapshot_store) -> None:
    from interfacestab.analyses.coatings import default_candidates
    from interfacestab.errors import AnalysisError

    with pytest.raises(AnalysisError, match="outside"):
        screen_coatings(["Li3PO4"], "Li6PS5Cl", "LiCoO2", voltage_V=50.0, store_path=snapshot_store.path, workers=1)
    with pytest.raises(AnalysisError, match="same phase"):
        screen_coatings(["Li3PO4"], "Li6PS5Cl", "Li12P2S10Cl2", store_path=snapshot_store.path, workers=1)
    assert default_candidates("Li") == list(SEED_COATINGS)
    with pytest.raises(AnalysisError, match="seed coatings are Li compounds"):
        default_candidates("Na")


# -- inputs parsed at the library's entrance (issue 10 §5) -------------------------------------------
def test_screen_names_its_partners_as_read_and_says_so(toy_data_store) -> None:
    """The screen, not the command line, reads ``Li2O·CoO`` as Li2CoO2 and carries the note."""
    screen = screen_coatings(["Li3PO4"], " Li3PS4 ", "Li2O·CoO", store_path=toy_data_store.path, workers=1)
    assert (screen.electrolyte, screen.cathode) == ("Li3PS4", "Li2CoO2")
    assert screen.notes == ("cathode Li2O·CoO read as Li2CoO2",)
    plain = screen_coatings(["Li3PO4"], "Li3PS4", "LiCoO2", store_path=toy_data_store.path, workers=1)
    assert plain.notes == ()


def test_lazy_candidates_are_chosen_only_after_the_partners_are_checked(toy_data_store) -> None:
    """A bad electrolyte fails before --auto builds its hulls (the candidates function is never called)."""
    from interfacestab.errors import FormulaError

    calls: list[int] = []

    def choose() -> list[str]:
        calls.append(1)
        return ["Li3PO4"]

    with pytest.raises(FormulaError, match="Xx"):
        screen_coatings(choose, "Xx6PS5Cl", "LiCoO2", store_path=toy_data_store.path, workers=1)
    assert calls == []
    screen = screen_coatings(choose, "Li3PS4", "LiCoO2", store_path=toy_data_store.path, workers=1)
    assert calls == [1] and [r.formula for r in screen.results] == ["Li3PO4"]


def test_auto_candidates_read_element_lists_as_text(snapshot_store) -> None:
    """``"O,Si"``, ``"O Si"`` and ``["O", "Si"]`` choose the same; ``"none"`` excludes nothing; bad symbols refused."""
    from interfacestab.errors import FormulaError

    as_list = auto_candidates(snapshot_store, include_elements=["O", "Si"])
    assert auto_candidates(snapshot_store, include_elements="O,Si") == as_list
    assert auto_candidates(snapshot_store, include_elements="Si O") == as_list
    everything = auto_candidates(snapshot_store, include_elements="O,Si", exclude_elements="none")
    assert auto_candidates(snapshot_store, include_elements="O,Si", exclude_elements=()) == everything
    assert set(as_list) <= set(everything)
    with pytest.raises(FormulaError, match=r"^--exclude-elements: unknown element\(s\) Qq"):
        auto_candidates(snapshot_store, exclude_elements="O,Qq")


def test_screen_names_the_data_compound_of_a_fractional_cathode(snapshot_store) -> None:
    """NMC111 written with fractions is Li3MnCoNiO6 in the snapshot: the screen says so, as window does."""
    from interfacestab import window_for

    window = window_for("LiNi1/3Mn1/3Co1/3O2", ion="Li", store=snapshot_store)
    assert window.in_database
    screen = screen_coatings(["Li3PO4"], "Li6PS5Cl", "LiNi1/3Mn1/3Co1/3O2", store_path=snapshot_store.path, workers=1)
    resolved = [n for n in screen.notes if n.startswith("cathode ") and "in the data" in n]
    assert len(resolved) == 1
    assert f"is {window.formula} ({window.material_id}) in the data" in resolved[0]
    assert not [n for n in screen.notes if n.startswith("electrolyte ") and "in the data" in n]


@pytest.mark.parametrize("coating", ["Li2SiO3", "LiNbO3", "Li3PO4"])
def test_conducting_products_name_every_conducting_phase(snapshot_store, seed_screen, coating: str) -> None:
    """conducting_products: the union of the conducting phases of the three reactions (interface_for minima)."""
    from interfacestab.analyses.interface import interface_for

    row = {r.formula: r for r in seed_screen.results}[coating]
    expected: dict[str, None] = {}
    verdicts = []
    for partner in ("Li6PS5Cl", "LiCoO2", seed_screen.charged_cathode):
        phase = interface_for(coating, partner, store=snapshot_store).minimum.interphase
        verdicts.append("" if phase is None else str(phase.verdict))
        expected.update(dict.fromkeys(() if phase is None else phase.conducting_phases))
    assert verdicts == [row.electrolyte_interphase, row.cathode_interphase, row.charged_cathode_interphase]
    assert set(row.conducting_products) == set(expected)
    assert set(row.metallic_products) <= set(row.conducting_products)
    assert row.conducting_interphase == ("mixed-conducting" in verdicts)


def test_small_gap_cobalt_oxide_is_named_conducting_not_metallic(snapshot_store, seed_screen) -> None:
    """Li(CoO2)2 (a small PBE gap) makes the charged-cathode reactions mixed-conducting: named, not a metal."""
    from interfacestab.conventions import SMALL_GAP_MAX_eV
    from interfacestab.reports.views.screen import screen_report

    row = {r.formula: r for r in seed_screen.results}["Li2SiO3"]
    assert row.charged_cathode_interphase == "mixed-conducting" and row.conducting_interphase
    assert "Li(CoO2)2" in row.conducting_products and "Li(CoO2)2" not in row.metallic_products
    gap = snapshot_store.phase_properties(["Li(CoO2)2"]).get("Li(CoO2)2").band_gap
    assert gap is not None and 0 < gap.min_eV <= gap.max_eV <= SMALL_GAP_MAX_eV
    table = screen_report(seed_screen).tables[0]
    flags = table.columns.index(next(c for c in table.columns if "conducting_products" in c.fields))
    cells = {r.cells[1]: r.cells[flags] for r in table.rows}
    assert "small gap: Li(CoO2)2" in cells["Li2SiO3"] and "metallic" not in cells["Li2SiO3"]

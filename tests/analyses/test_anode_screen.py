"""Anode-side screens (interlayers between an electrolyte and a metal or alloy anode).

A hand-made toy whose every number is worked out below, and the snapshot checked criterion by
criterion against the window and interface functions and pymatgen on the same entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from helpers.oracle import pmg_interface, pmg_phase_diagram, pmg_window

from interfacestab.analyses.coatings import (
    SEED_INTERLAYERS,
    ScreeningCriteria,
    anode_potential,
    default_interlayers,
    screen_coatings,
    screen_interlayers,
    verdict,
)
from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.window import window_for
from interfacestab.chem import parse_formula
from interfacestab.errors import AnalysisError

if TYPE_CHECKING:
    from pathlib import Path

#: Toy (formation energies, eV/atom; elements at 0):
#:   LiF  -3.0: Li + F -> LiF; nothing richer in Li, so LiF is stable at 0 V (reduction limit 0).
#:   Li2S -1.5: E = -4.5 eV per Li2S.
#:   LiS  -2.13: E = -4.26 eV per LiS; LiS + Li -> Li2S releases 0.24 eV: reduction limit 0.24 V;
#:        with Li metal the most negative mixture is Li2S: -0.24 eV over 3 atoms = -0.08 eV/atom.
#:   LiIn -0.2: E = -0.4 eV per LiIn; In + Li -> LiIn at mu_Li = -0.4 eV: Li0.5In (In + LiIn) sits on a
#:        0.4 V plateau. LiS + LiIn -> Li2S + In costs +0.16 eV: no reaction with the alloy.
TOY_CSV = "formula,energy\nLiF,-3.0\nLi2S,-1.5\nLiS,-2.13\nLiIn,-0.2\n"


@pytest.fixture(scope="module")
def toy_store_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    from interfacestab.ingest import import_file
    from interfacestab.store import open_store

    folder = tmp_path_factory.mktemp("anode_toy")
    csv_path, path = folder / "anode.csv", folder / "anode.sqlite"
    csv_path.write_text(TOY_CSV)
    with open_store(path) as store:
        import_file(store, csv_path, source_name="toy")
    return str(path)


def test_toy_metal_anode_by_hand(toy_store_path: str) -> None:
    screen = screen_interlayers(["LiF", "LiS"], "Li2S", "Li", store_path=toy_store_path, workers=1)
    assert screen.anode == "Li" and screen.anode_potential_V == 0.0 and screen.anode_side
    assert screen.criteria.anode_potential_V == 0.0 and screen.cathode == ""
    by = {r.formula: r for r in screen.results}
    assert by["LiF"].passed and by["LiF"].reduction_limit_V == pytest.approx(0.0, abs=1e-9)
    assert by["LiF"].anode_reaction_eV_per_atom == pytest.approx(0.0, abs=1e-9)
    lis = by["LiS"]
    assert lis.reduction_limit_V == pytest.approx(0.24, abs=1e-9)
    assert lis.anode_reaction_eV_per_atom == pytest.approx(-0.08, abs=1e-9)
    assert lis.anode_products == ("Li2S",)
    assert lis.electrolyte_reaction_eV_per_atom == pytest.approx(0.0, abs=1e-9)  # neighbours on the Li-S hull
    assert lis.failed_criteria == ("reduction_limit",)  # |-0.08| is within 0.1 eV/atom
    assert lis.margins["reduction_limit"] == pytest.approx(-0.24 / 0.5)
    assert "oxidation_limit" not in lis.criteria_pass  # reported, not a criterion at the anode
    assert [r.formula for r in screen.results] == ["LiF", "LiS"]


def test_toy_alloy_anode_plateau_by_hand(toy_store_path: str) -> None:
    screen = screen_interlayers(["LiF", "LiS"], "Li2S", "Li0.5In", store_path=toy_store_path, workers=1)
    assert screen.anode_potential_V == pytest.approx(0.4, abs=1e-9)
    assert set(screen.anode_phases) == {"In", "LiIn"}
    by = {r.formula: r for r in screen.results}
    assert by["LiS"].passed  # 0.24 V is below the 0.4 V plateau
    assert by["LiS"].margins["reduction_limit"] == pytest.approx((0.4 - 0.24) / 0.5)
    assert by["LiS"].anode_reaction_eV_per_atom == pytest.approx(0.0, abs=1e-9)


def test_verdict_anode_keys_only() -> None:
    """An anode verdict has no oxidation criterion; its reduction limit is held to the anode's potential."""
    c = ScreeningCriteria.for_ion("Li").at_anode(0.5)
    values = {"e_above_hull": 0.0, "reduction_limit": 0.6, "electrolyte_reaction": -0.05, "anode_reaction": -0.2}
    passes, margins = verdict(values, c)
    assert set(passes) == {"e_above_hull", "reduction_limit", "electrolyte_reaction", "anode_reaction"}
    assert passes == {"e_above_hull": True, "reduction_limit": False, "electrolyte_reaction": True,
                      "anode_reaction": False}  # fmt: skip
    assert margins["reduction_limit"] == pytest.approx(-0.1 / 0.5)


def test_seed_interlayers_have_reasons_and_the_seed_names() -> None:
    assert {"LiF", "LiI", "Li3N", "Li3PO4", "Li2O"} <= set(default_interlayers("Li"))
    assert any(f.startswith("Na") and "Sn" in f for f in default_interlayers("Na"))
    for ion, seeds in SEED_INTERLAYERS.items():
        for formula, reason in seeds:
            assert ion in parse_formula(formula) and reason.strip(), formula


def test_cathode_li_points_to_anode(toy_store_path: str) -> None:
    with pytest.raises(AnalysisError, match="use --anode Li instead of --cathode"):
        screen_coatings(["LiF"], "Li2S", "Li", store_path=toy_store_path, workers=1)


@pytest.mark.parametrize(
    ("cathode", "anode", "extra", "message"),
    [
        (None, "In", {}, "has no Li"),
        (None, None, {}, "give a cathode"),
        ("LiS", "Li", {}, "not both"),
        (None, "Li", {"voltage_V": 1.0}, "cathode side"),
    ],
)
def test_bad_sides_are_refused(toy_store_path: str, cathode, anode, extra, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        screen_coatings(["LiF"], "Li2S", cathode, anode=anode, store_path=toy_store_path, workers=1, **extra)


@pytest.fixture(scope="module")
def li_screen(snapshot_store):
    return screen_interlayers(default_interlayers("Li"), "Li6PS5Cl", "Li", store_path=snapshot_store.path, workers=2)


def test_snapshot_li_anode_ranks_reduction_stable_halides_first(li_screen) -> None:
    by = {r.formula: r for r in li_screen.results}
    assert by["LiF"].passed  # stable at 0 V and inert to Li6PS5Cl
    assert "reduction_limit" in by["Li3PO4"].failed_criteria  # reduced to Li3P + Li2O below ~0.7 V
    ranks = [r.passed for r in li_screen.results]
    assert ranks == sorted(ranks, reverse=True)  # every passing candidate ranks above every failing one
    for r in li_screen.results:
        assert r.error is None
        assert r.passed == all(r.criteria_pass.values()) == (r.score >= 0)


@pytest.mark.parametrize("formula", ["LiF", "Li3PO4", "Li3N", "LiAg"])
def test_snapshot_rows_match_library_and_pymatgen(snapshot_store, li_screen, formula: str) -> None:
    """Each anode-side number, recomputed by the window and interface functions and by pymatgen."""
    row = {r.formula: r for r in li_screen.results}[formula]
    window = window_for(formula, store=snapshot_store)
    assert row.reduction_limit_V == window.reduction_limit_V
    assert row.passed is not None
    own = snapshot_store.entries(set(parse_formula(formula)) | {"Li"})
    assert row.reduction_limit_V == pytest.approx(pmg_window(own, formula, "Li")["reduction_limit_V"], abs=1e-3)
    with_li = interface_for(formula, "Li", store=snapshot_store).minimum
    assert row.anode_reaction_eV_per_atom == with_li.reaction_energy_eV_per_atom
    best = min(pmg_interface(own, formula, "Li"), key=lambda k: k["energy"])
    assert row.anode_reaction_eV_per_atom == pytest.approx(best["energy"], abs=1e-3)
    with_ely = interface_for(formula, "Li6PS5Cl", store=snapshot_store).minimum
    assert row.electrolyte_reaction_eV_per_atom == with_ely.reaction_energy_eV_per_atom
    assert row.criteria_pass["reduction_limit"] == (row.reduction_limit_V <= 1e-9)
    assert row.criteria_pass["anode_reaction"] == (abs(row.anode_reaction_eV_per_atom) <= 0.1)


def test_snapshot_alloy_plateau_matches_pymatgen(snapshot_store) -> None:
    """Li0.5In lies between LiIn and LiIn3: its potential is that tie line's mu_Li, as pymatgen finds it."""
    from pymatgen.core import Composition, Element

    entries = snapshot_store.entries(["Li", "In"])
    state = anode_potential(entries, "Li0.5In", ion="Li")
    pd = pmg_phase_diagram(entries)
    mu = pd.get_composition_chempots(Composition("Li0.5In"))[Element("Li")]
    assert state.potential_V == pytest.approx(-mu, abs=1e-6)
    assert set(state.phases) == {e.composition.reduced_formula for e in pd.get_decomposition(Composition("Li0.5In"))}
    assert anode_potential(entries, "Li", ion="Li").potential_V == 0.0


def test_snapshot_charge_voltage_screen(snapshot_store, tmp_path: Path) -> None:
    """--charge-voltage: the charged cathode is the assemblage at that voltage; reactions are with it."""
    screen = screen_coatings(
        ["Li3PO4"], "Li6PS5Cl", "LiCoO2", charge_voltage_V=3.9, store_path=snapshot_store.path, workers=1
    )
    assert screen.charged_cathode == "Li0.5CoO2" and screen.charged_cathode_phases == ("Li(CoO2)2",)
    assert screen.charge_voltage_V == 3.9
    (row,) = screen.results
    direct = interface_for("Li3PO4", "Li0.5CoO2", store=snapshot_store).minimum
    assert row.charged_cathode_reaction_eV_per_atom == direct.reaction_energy_eV_per_atom


def test_anode_screen_figure_plots_the_anode_reactions(toy_store_path: str) -> None:
    from interfacestab.reports.plots import screen_figure

    screen = screen_interlayers(["LiF", "LiS"], "Li2S", "Li", store_path=toy_store_path, workers=1)
    fig = screen_figure(screen)
    ax = fig.axes[0]
    points = sorted(float(y) for coll in ax.collections for _, y in coll.get_offsets())
    assert points == pytest.approx(sorted(r.anode_reaction_eV_per_atom for r in screen.results))
    assert "anode" in ax.get_ylabel() and "Li$_{2}$S" in ax.get_title()


def test_help_lists_the_seed_interlayers() -> None:
    from interfacestab_cli.screen import SEED_INTERLAYERS_TEXT

    assert {ion: ", ".join(default_interlayers(ion)) for ion in SEED_INTERLAYERS} == SEED_INTERLAYERS_TEXT


def test_anode_screen_resumes_and_refuses_another_side(toy_store_path: str, tmp_path: Path) -> None:
    """The checkpoint knows the anode: a resumed anode run is identical, a cathode run on it is refused."""
    from interfacestab.errors import InterfaceStabError

    out = tmp_path / "anode.json"
    first = screen_interlayers(["LiF", "LiS"], "Li2S", "Li0.5In", store_path=toy_store_path, output=out, workers=1)
    again = screen_interlayers(
        ["LiF", "LiS"], "Li2S", "Li0.5In", store_path=toy_store_path, output=out, resume=True, workers=1
    )
    assert again.n_computed == 0
    assert [r.to_dict() for r in again.results] == [r.to_dict() for r in first.results]
    with pytest.raises(InterfaceStabError, match="other settings"):
        screen_interlayers(["LiF", "LiS"], "Li2S", "Li", store_path=toy_store_path, output=out, resume=True, workers=1)


# -- the interphase fields of an anode screen (band gap, gate, verdicts with the electrolyte and the anode) --
def _expt_gap(shared_data: Path, formula: str) -> float:
    """Oracle: the measured band gap of ``formula`` in the Matbench experimental file."""
    import csv

    with (shared_data / "band_gaps_matbench" / "expt_band_gap.csv").open(encoding="utf-8") as fh:
        (gap,) = [float(row["band_gap_eV"]) for row in csv.DictReader(fh) if row["formula"] == formula]
    return gap


def test_snapshot_anode_screen_has_the_interlayer_gap_and_gate(li_screen, shared_data: Path) -> None:
    by = {r.formula: r for r in li_screen.results}
    lif = by["LiF"]
    gap = _expt_gap(shared_data, "LiF")
    assert (lif.coating_band_gap_min_eV, lif.coating_band_gap_max_eV) == (gap, gap)
    assert lif.coating_band_gap_source == "experimental" and lif.coating_electronic_class == "insulator"
    assert lif.band_gap_gate == "pass"
    alloys = [f for f in ("LiAg", "Li13In3", "Li9Al4") if f in by]
    assert alloys
    for formula in alloys:  # a Li-M alloy conducts: a metal, and the gate fails
        assert by[formula].coating_electronic_class == "metal", formula
        assert by[formula].band_gap_gate == "fail", formula
    for r in li_screen.results:
        assert r.cathode_interphase == "" and r.charged_cathode_interphase == ""


def test_snapshot_anode_screen_verdicts_match_interface(snapshot_store, li_screen) -> None:
    """The el/anode verdicts are those of the minimum kinks of interface_for with each partner."""
    by = {r.formula: r for r in li_screen.results}
    for formula in ("Li2O", "LiAg", "Li3PO4"):
        for partner, got in (("Li6PS5Cl", by[formula].electrolyte_interphase), ("Li", by[formula].anode_interphase)):
            phase = interface_for(formula, partner, store=snapshot_store).minimum.interphase
            assert got == ("" if phase is None else str(phase.verdict)), (formula, partner)
    assert by["Li2O"].electrolyte_interphase != ""  # Li2O reacts with Li6PS5Cl (-0.2 eV/atom): a verdict
    assert by["Li3PO4"].anode_interphase != ""  # Li3PO4 is reduced by Li metal
    reduction = window_for("Li3PO4", store=snapshot_store).reduction_interphase
    assert reduction is not None and by["Li3PO4"].reduction_interphase == str(reduction.verdict)

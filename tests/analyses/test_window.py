"""Stability windows: hand-checked toy, pymatgen oracle on random compounds, published values."""

from __future__ import annotations

import json
import random

import pytest
from helpers.oracle import pmg_window
from helpers.paths import literature_rows
from helpers.toy import li_x_toy

from interfacestab.analyses.window import stability_window
from interfacestab.errors import AnalysisError


# --- toy system (see tests/helpers/toy.py for the hand calculation) -----------------------------------
def test_toy_window_limits_and_products() -> None:
    w = stability_window(li_x_toy(), "LiS", ion="Li")
    assert w.reduction_limit_V == pytest.approx(0.7)
    assert w.oxidation_limit_V == pytest.approx(2.0)
    assert w.reduction_products == ("Li2S",)
    assert w.oxidation_products == ("S",)
    assert w.reduction_reaction == "LiS + Li -> Li2S"
    assert w.oxidation_reaction == "LiS -> S + Li"
    assert w.e_above_hull_eV_per_atom == 0.0
    assert not w.stabilized


def test_toy_profile_stages_are_labelled_by_both_ends_with_signed_uptake() -> None:
    w = stability_window(li_x_toy(), "LiS", ion="Li")
    stages = [(s.voltage_low_V, s.voltage_high_V, s.ion_per_formula_unit, s.phases) for s in w.profile]
    assert stages == [
        (0.0, pytest.approx(0.7), pytest.approx(1.0), ("Li2S",)),
        (pytest.approx(0.7), pytest.approx(2.0), pytest.approx(0.0), ("LiS",)),
        (pytest.approx(2.0), None, pytest.approx(-1.0), ("S",)),
    ]
    assert [s.is_window for s in w.profile] == [False, True, False]
    # decomposition energy per non-A atom: at 0 V, LiS + Li -> Li2S releases 2.7 - 2.0 - 0.0 = 0.7 eV per S
    assert w.decomposition_energy_at_0V_eV_per_nonion_atom == pytest.approx(-0.7)
    # at 5 V, LiS -> S + Li(at -5 eV): -(5 - 2) = -3 eV per S
    assert w.decomposition_energy_at_5V_eV_per_nonion_atom == pytest.approx(-3.0)


def test_toy_stable_against_metal_has_no_reduction_products() -> None:
    w = stability_window(li_x_toy(), "Li2S", ion="Li")
    assert w.reduction_limit_V == 0.0
    assert w.reduction_products == ()
    assert w.reduction_reaction is None
    assert w.oxidation_limit_V == pytest.approx(0.7)
    assert w.oxidation_products == ("LiS",)


def test_toy_target_without_ion_has_no_oxidation_limit() -> None:
    w = stability_window(li_x_toy(), "S", ion="Li")
    assert w.oxidation_limit_V is None
    assert w.oxidation_products == ()
    assert w.reduction_limit_V == pytest.approx(2.0)
    assert w.reduction_products == ("LiS",)


def test_toy_stabilization_on_and_off() -> None:
    on = stability_window(li_x_toy(), "LiS2", ion="Li")
    assert on.stabilized
    assert on.e_above_hull_eV_per_atom == pytest.approx(-0.3 + 2 / 3)
    assert on.target_energy_eV_per_atom == pytest.approx(-2 / 3 - 1e-6)
    assert on.reduction_limit_V <= on.oxidation_limit_V
    assert on.reduction_limit_V == pytest.approx(2.0, abs=1e-4)
    off = stability_window(li_x_toy(), "LiS2", ion="Li", stabilize=False)
    assert not off.stabilized
    assert off.reduction_limit_V == pytest.approx(2.0) and off.oxidation_limit_V == pytest.approx(2.0)
    assert len(off.notes) == 2, off.notes  # both facts are stated, each in its own note
    assert any(n.startswith("target above the hull and not stabilized") for n in off.notes), off.notes
    assert any(n.endswith("its window is a single voltage") for n in off.notes), off.notes


def test_toy_virtual_composition_is_stabilized_and_flagged() -> None:
    w = stability_window(li_x_toy(), "Li1.5S", ion="Li")
    assert not w.in_database
    assert w.e_above_hull_eV_per_atom is None
    assert w.stabilized
    assert w.reduction_limit_V == pytest.approx(0.7, abs=1e-4)
    assert w.reduction_products == ("Li2S",) and w.oxidation_products == ("LiS",)


def test_user_energy_above_hull_is_used() -> None:
    w = stability_window(li_x_toy(), "Li1.5S", ion="Li", energy_above_hull_eV_per_atom=-0.05)
    assert w.e_above_hull_eV_per_atom == -0.05
    assert w.oxidation_limit_V - w.reduction_limit_V > 0.1  # a real, finite window once below the hull


def test_bad_ion_and_foreign_element() -> None:
    with pytest.raises(AnalysisError, match="ion must be one of"):
        stability_window(li_x_toy(), "LiS", ion="Mg")
    with pytest.raises(AnalysisError, match="lacks"):
        stability_window(li_x_toy(), "LiP", ion="Li")


def test_to_dict_round_trips_through_json() -> None:
    w = stability_window(li_x_toy(), "LiS", ion="Li")
    d = json.loads(json.dumps(w.to_dict()))
    for key in [
        "formula",
        "ion",
        "reduction_limit_V",
        "oxidation_limit_V",
        "reduction_products",
        "oxidation_products",
        "reduction_reaction",
        "oxidation_reaction",
        "e_above_hull_eV_per_atom",
        "in_database",
        "stabilized",
        "decomposition_energy_at_0V_eV_per_nonion_atom",
        "decomposition_energy_at_5V_eV_per_nonion_atom",
        "profile",
        "provenance",
    ]:
        assert key in d
    assert d["profile"][0].keys() >= {
        "voltage_low_V",
        "voltage_high_V",
        "ion_per_formula_unit",
        "phases",
        "reaction",
        "decomposition_energy_eV_per_nonion_atom",
    }
    assert d["provenance"]["source"] == "toy"


# --- pymatgen oracle --------------------------------------------------------------------------
def _compare(ours, ref) -> None:
    assert ours.reduction_limit_V == pytest.approx(ref["reduction_limit_V"], abs=1e-3)
    if ref["oxidation_limit_V"] is None:
        assert ours.oxidation_limit_V is None
    else:
        assert ours.oxidation_limit_V == pytest.approx(ref["oxidation_limit_V"], abs=1e-3)
    assert list(ours.reduction_products) == ref["reduction_products"]
    assert list(ours.oxidation_products) == ref["oxidation_products"]
    # every pymatgen stage (labelled by its A-rich end) is one of our stages with the same phases
    ours_stages = sorted(ours.profile, key=lambda s: -s.ion_per_formula_unit)
    assert len(ours_stages) == len(ref["stages"])
    for mine, theirs in zip(ours_stages, ref["stages"], strict=True):
        assert mine.voltage_low_V == pytest.approx(max(theirs["voltage_low_V"], 0.0), abs=1e-3)
        assert list(mine.phases) == theirs["phases"] or mine.is_window
        assert mine.ion_per_formula_unit == pytest.approx(theirs["uptake"], abs=1e-4)


@pytest.mark.parametrize("ion", ["Li", "Na", "K"])
def test_windows_match_pymatgen_on_random_compounds(snapshot_store, ion: str) -> None:
    """70 random compounds per ion (210 in all): limits to 1 mV, identical products and stages."""
    pool = [e for e in snapshot_store.iter_entries(containing=ion) if len(e.composition) <= 4]
    rng = random.Random(20261122)
    for entry in rng.sample(pool, 70):
        entries = snapshot_store.entries(entry.composition)
        _compare(stability_window(entries, entry.formula, ion=ion), pmg_window(entries, entry.formula, ion))


@pytest.mark.parametrize(
    ("formula", "ion"),
    [
        ("Li6PS5Cl", "Li"),
        ("Li10GeP2S12", "Li"),
        ("Li7La3Zr2O12", "Li"),
        ("GeS2", "Li"),
        ("Na3Zr2Si2PO12", "Na"),
        ("K3PS4", "K"),
        ("P2S5", "Na"),
    ],
)
def test_published_cases_match_pymatgen(snapshot_store, formula: str, ion: str) -> None:
    from interfacestab.chem import parse_formula

    entries = snapshot_store.entries(set(parse_formula(formula)) | {ion})
    _compare(stability_window(entries, formula, ion=ion), pmg_window(entries, formula, ion))


def test_virtual_composition_matches_pymatgen(snapshot_store) -> None:
    entries = snapshot_store.entries(["Li", "P", "Ge", "S", "I"])
    ours = stability_window(entries, "Li6.5P0.5Ge0.5S5I", ion="Li")
    ref = pmg_window(entries, "Li6.5P0.5Ge0.5S5I", "Li")
    _compare(ours, ref)
    assert not ours.in_database


# --- published values (../shared/validation/windows_literature.csv) ---------------------------
def _literature_rows() -> list[dict[str, str]]:
    return literature_rows("windows_literature.csv")


@pytest.mark.parametrize("row", _literature_rows(), ids=lambda r: f"{r['formula']}-{r['source'].split(',')[0]}")
def test_published_windows(snapshot_store, row: dict[str, str]) -> None:
    from interfacestab.chem import parse_formula

    ion = row["ion"]
    entries = snapshot_store.entries(set(parse_formula(row["formula"])) | {ion})
    w = stability_window(entries, row["formula"], ion=ion)
    tol = float(row["tolerance_V"])
    assert w.reduction_limit_V == pytest.approx(float(row["reduction_limit_V"]), abs=tol)
    assert w.oxidation_limit_V == pytest.approx(float(row["oxidation_limit_V"]), abs=tol)


def test_element_target_is_its_reference_state() -> None:
    w = stability_window(li_x_toy(), "S", ion="Li")
    assert w.in_database and w.e_above_hull_eV_per_atom == 0.0 and w.energy_source == "data"


def test_mp2020_source_vintage(snapshot_store) -> None:
    vintage = snapshot_store.source("mp2020_Li-Co-Ni-O").vintage
    assert vintage.startswith("entries updated 20")

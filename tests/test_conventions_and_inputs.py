"""Conventions decided once (issue 10 §4) and every input parsed once at the library's entrance (§5)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from interfacestab import conventions as conv
from interfacestab.analyses import targets
from interfacestab.errors import AnalysisError, OutputError

SEEDS_TWO = ["Li3PO4", "LiNbO3"]


# -- conventions -------------------------------------------------------------------------------
def test_voltage_and_mu_are_inverse_with_the_charge() -> None:
    assert conv.voltage_from_mu(-2.5) == 2.5  # z = 1: V = -mu
    assert conv.mu_from_voltage(3.0, 2) == -6.0  # mu = -z V
    for z in (1, 2, 3):
        for v in (0.0, 0.7, 4.25):
            assert conv.voltage_from_mu(conv.mu_from_voltage(v, z), z) == pytest.approx(v)


def test_one_ion_check_and_message() -> None:
    assert conv.check_ion("Na") == "Na"
    with pytest.raises(AnalysisError, match=r"^ion must be one of Li, Na, K, not 'Mg'$"):
        conv.check_ion("Mg")


def test_faraday_constant_without_scipy() -> None:
    from scipy.constants import physical_constants

    expected = physical_constants["electron volt"][0] * physical_constants["Avogadro constant"][0] / 1000.0
    assert expected == conv.EV_TO_KJ_PER_MOL  # the same number, bit for bit


def test_conventions_import_nothing_heavy() -> None:
    code = (
        "import sys, interfacestab.conventions, interfacestab_cli.screen; "
        "print(sorted(m for m in ('numpy', 'scipy', 'pymatgen') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_screening_defaults_come_from_conventions() -> None:
    from interfacestab.analyses.screening import ScreeningCriteria
    from interfacestab_cli.screen import HELP

    na = ScreeningCriteria.for_ion("Na")
    assert na.max_reduction_limit_V == conv.SCREEN_MAX_REDUCTION_LIMIT_V - conv.COUPLE_SHIFT_V["Na"]
    assert na.min_oxidation_limit_V == conv.SCREEN_MIN_OXIDATION_LIMIT_V - conv.COUPLE_SHIFT_V["Na"]
    assert ScreeningCriteria().score_rule == conv.score_rule_text()
    scaled = ScreeningCriteria(scale_voltage_V=0.25).score_rule
    assert "voltages: 0.25 V" in scaled  # the rule states the scales actually used
    assert conv.screen_limit_help("reduction") == "default 2.7 vs Li/Li+; Na 2.37, K 2.59"
    assert conv.screen_limit_help("oxidation") == "default 4.0 vs Li/Li+; Na 3.67, K 3.89"
    assert f"lowered by {conv.COUPLE_SHIFT_V['Na']:g} V" in HELP


def test_vocabulary_is_enums_with_the_same_json_strings() -> None:
    assert (
        json.dumps([conv.EnergySource.VIRTUAL, conv.StabilizationPolicy.NO_STABILIZE]) == '["virtual", "no-stabilize"]'
    )
    assert conv.stabilization_policy(True) is conv.StabilizationPolicy.STABILIZE
    assert conv.stabilization_policy(True, 0.01) is conv.StabilizationPolicy.USER_ENERGY


# -- parse once --------------------------------------------------------------------------------
@pytest.fixture
def parse_count(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every formula parsed by the library's entrance (``targets.parse_formula``)."""
    seen: list[str] = []
    real = targets.parse_formula

    def counting(formula: str):
        seen.append(formula)
        return real(formula)

    monkeypatch.setattr(targets, "parse_formula", counting)
    return seen


def test_window_for_parses_its_formula_once(snapshot_store, parse_count: list[str]) -> None:
    from interfacestab.analyses.window import window_for

    w = window_for("LiNi1/3Mn1/3Co1/3O2", store=snapshot_store)
    assert parse_count == ["LiNi1/3Mn1/3Co1/3O2"]
    assert w.input_formula == "LiNi1/3Mn1/3Co1/3O2"  # the user's spelling is kept


def test_interface_for_parses_each_reactant_once(snapshot_store, parse_count: list[str]) -> None:
    from interfacestab.analyses.interface import interface_for

    interface_for("Li6PS5Cl", "LiCoO2", voltage_V=3.0, store=snapshot_store)
    assert sorted(parse_count) == ["Li6PS5Cl", "LiCoO2"]


def test_screen_candidate_is_parsed_once(snapshot_store, parse_count: list[str]) -> None:
    from interfacestab.analyses.interface import remove_ion
    from interfacestab.analyses.screening import ScreeningCriteria, ScreeningSetup, screen_candidate
    from interfacestab.analyses.targets import parse_input

    ely, cat = parse_input("Li6PS5Cl"), parse_input("LiCoO2")
    setup = ScreeningSetup(
        ely, cat, remove_ion(cat.composition, "Li", 1.0), "Li", ScreeningCriteria(), 4.0, None, str(snapshot_store.path)
    )
    parse_count.clear()
    result = screen_candidate("Li3PO4", setup, snapshot_store, None)
    assert parse_count == ["Li3PO4"]  # was three times (window, composition, each reaction's partner)
    assert result.open_electrolyte_reaction_eV_per_nonion_atom is not None


def test_state_of_charge_is_applied_by_the_library(snapshot_store) -> None:
    from interfacestab.analyses.interface import interface_for

    charged = interface_for("LiCoO2", "Li6PS5Cl", state_of_charge_a=0.5, store=snapshot_store)
    written = interface_for("Li0.5CoO2", "Li6PS5Cl", store=snapshot_store)
    assert charged.input_a == "Li0.5CoO2"
    assert charged.to_dict()["kinks"] == written.to_dict()["kinks"]
    with pytest.raises(AnalysisError, match="has no Li to remove"):
        interface_for("CoO2", "Li6PS5Cl", state_of_charge_a=0.5, store=snapshot_store)


def test_state_of_charge_in_a_sweep(snapshot_store) -> None:
    from interfacestab.analyses.sweep import interface_sweep_for

    sweep = interface_sweep_for("LiCoO2", "Li6PS5Cl", "3:4:1", state_of_charge_a=0.5, store=snapshot_store)
    assert sweep.to_dict()["input_a"] == "Li0.5CoO2"
    assert sweep.to_dict()["schema_version"] == conv.SCHEMA_VERSION


# -- the screen's output file --------------------------------------------------------------------
def test_screen_output_writes_null_for_a_failed_candidate(snapshot_store, tmp_path: Path) -> None:
    from interfacestab.analyses.screening import screen_coatings

    out = tmp_path / "screen.json"
    screen = screen_coatings(
        ["Li3PO4", "Xx2O"], "Li6PS5Cl", "LiCoO2", store_path=snapshot_store.path, output=out, workers=1
    )
    text = out.read_text(encoding="utf-8")
    assert "Infinity" not in text and "NaN" not in text
    data = json.loads(text, parse_constant=lambda name: pytest.fail(f"non-JSON constant {name}"))
    failed = [r for r in data["results"] if r["error"]]
    assert [r["formula"] for r in failed] == ["Xx2O"]
    assert (failed[0]["score"], failed[0]["mean_margin"]) == (None, None)
    assert data["schema_version"] == conv.SCHEMA_VERSION
    assert [r["formula"] for r in data["results"]] == [r.formula for r in screen.results]

    out_csv = tmp_path / "screen.csv"
    screen_coatings(["Li3PO4", "Xx2O"], "Li6PS5Cl", "LiCoO2", store_path=snapshot_store.path, output=out_csv, workers=1)
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8", newline="")))
    bad = next(r for r in rows if r["formula"] == "Xx2O")
    assert (bad["score"], bad["mean_margin"]) == ("", "")
    assert "unknown element" in bad["error"]


def test_screen_output_folder_is_checked_first(snapshot_store, tmp_path: Path) -> None:
    from interfacestab.analyses.screening import screen_coatings

    with pytest.raises(OutputError, match="does not exist"):
        screen_coatings(
            SEEDS_TWO, "Li6PS5Cl", "LiCoO2", store_path=snapshot_store.path, output=tmp_path / "no" / "s.json"
        )


def test_cli_state_of_charge_note_and_result(snapshot_store) -> None:
    """The installed command: the note names the composition reacted, the JSON is the library's for it."""
    from interfacestab.analyses.interface import interface_for

    exe = Path(sys.executable).with_name("interfacestab")
    args = [str(exe), "--store", str(snapshot_store.path), "interface", "LiCoO2", "Li6PS5Cl", "--soc-a", "0.5"]
    run = subprocess.run([*args, "--format", "json"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "A: LiCoO2 at state of charge 0.5 -> Li0.5CoO2"
    doc = json.loads(run.stdout)
    expected = interface_for("Li0.5CoO2", "Li6PS5Cl", store=snapshot_store).to_dict()
    assert (doc["input_a"], doc["kinks"]) == ("Li0.5CoO2", expected["kinks"])

"""Targets found by composition however written; element targets; the ion metal; user energies; narrow windows.

Oracles: pymatgen (PhaseDiagram, get_element_profile, InterfacialReactivity) on the same entries,
the data themselves (a rescaled snapshot compound must find itself), and hand-checked toys.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from helpers.oracle import pmg_entries, pmg_phase_diagram, pmg_window
from helpers.toy import li_x_toy

from interfacestab.analyses.interface import interface_for, interface_reactions
from interfacestab.analyses.scan import window_scan
from interfacestab.analyses.targets import load_system, resolve_target
from interfacestab.analyses.window import stability_window, window_for
from interfacestab.chem import format_composition, parse_formula
from interfacestab.conventions import POLICY_USER_ENERGY, stabilization_text
from interfacestab.entries import composition_key
from interfacestab.errors import AnalysisError, DataNotFoundError
from interfacestab.reports import to_markdown

SCRIPT = str(Path(sys.executable).with_name("interfacestab"))

# (as written, ion): the spellings of the issue, each a compound of the snapshot
FRACTIONAL_SPELLINGS = [
    ("LiNi1/3Mn1/3Co1/3O2", "Li"),
    ("Li0.5CoO2", "Li"),
    ("LiNi0.5Mn1.5O4", "Li"),
    ("Li0.5Ni0.5O", "Li"),
    ("Na0.5CoO2", "Na"),
    ("LiCo0.5Ni0.5O2", "Li"),
]


def _same_composition(a: dict[str, float], b: dict[str, float]) -> bool:
    """pymatgen's judgement: equal atomic fractions (to 1e-9; its default rtol of 0.1 is far too loose here)."""
    from pymatgen.core import Composition

    fa, fb = Composition(a).fractional_composition, Composition(b).fractional_composition
    return fa.almost_equals(fb, rtol=0.0, atol=1e-9)


def _lowest_of_composition(entries, comp: dict[str, float]):
    same = [e for e in entries.entries if _same_composition(e.composition, comp)]
    return min(same, key=lambda e: e.e_form_eV_per_atom) if same else None


def _run(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [SCRIPT, "--store", str(store), *args], capture_output=True, text=True, timeout=300, env=env, check=False
    )


# --- the identity key -------------------------------------------------------------------------
def test_composition_key_is_scale_free_and_spelling_free() -> None:
    key = composition_key(parse_formula("Li3MnCoNiO6"))
    for spelling in ("LiNi1/3Mn1/3Co1/3O2", "Li6Mn2Co2Ni2O12", "Li(Ni1/3Mn1/3Co1/3)O2", "Li0.5Ni1/6Mn1/6Co1/6O"):
        assert composition_key(parse_formula(spelling)) == key
    assert composition_key(parse_formula("Li0.5CoO2")) == composition_key(parse_formula("Li(CoO2)2"))
    assert composition_key(parse_formula("Li0.33CoO2")) != composition_key(parse_formula("Li(CoO2)3"))  # 0.33 != 1/3
    assert composition_key(parse_formula("LiCoO2")) != composition_key(parse_formula("LiCoO3"))


def _fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    if 10**6 % value.denominator == 0:  # a terminating decimal: write it as one
        return f"{float(value):.6f}".rstrip("0")
    return f"{value.numerator}/{value.denominator}"


def test_random_rescalings_of_snapshot_compounds_find_themselves(snapshot_store) -> None:
    """600 random compounds, each written at a random scale (fractions, decimals, integers)."""
    rng = random.Random(909)
    pool = [e for e in snapshot_store.iter_entries() if len(e.composition) >= 2]
    factors = [
        Fraction(1, 2),
        Fraction(1, 3),
        Fraction(2, 3),
        Fraction(1, 7),
        Fraction(5, 2),
        Fraction(3),
        Fraction(1, 4),
    ]
    checked = 0
    for entry in rng.sample(pool, 600):
        factor = rng.choice(factors)
        amounts = {el: Fraction(round(a)) * factor for el, a in entry.composition.items()}
        written = "".join(f"{el}{_fraction_text(a)}" for el, a in rng.sample(sorted(amounts.items()), len(amounts)))
        entries = snapshot_store.entries(entry.composition)
        target = resolve_target(entries, written)
        best = _lowest_of_composition(entries, entry.composition)
        assert target.in_database, written
        assert target.formula == entry.formula, written
        assert target.material_id == best.material_id and target.e_form_eV_per_atom == best.e_form_eV_per_atom
        checked += 1
    assert checked == 600


# --- the issue's spellings ----------------------------------------------------------------------
@pytest.mark.parametrize(("written", "ion"), FRACTIONAL_SPELLINGS)
def test_fractional_spellings_resolve_to_the_data_compound(snapshot_store, written: str, ion: str) -> None:
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition

    comp = parse_formula(written)
    entries = load_system(set(comp) | {ion}, store=snapshot_store)
    best = _lowest_of_composition(entries, comp)
    assert best is not None  # pymatgen agrees the data hold this composition
    w = stability_window(entries, written, ion=ion)
    assert w.in_database and w.formula == best.formula and w.material_id == best.material_id
    assert w.input_formula == written
    assert any(written in n and best.formula in n and best.material_id in n for n in w.notes)
    # e_above_hull as pymatgen's PhaseDiagram gives it for that entry on the same entries
    pd = pmg_phase_diagram(entries)
    probe = PDEntry(Composition(best.composition), best.e_form_eV_per_atom * sum(best.composition.values()))
    assert w.e_above_hull_eV_per_atom == pytest.approx(pd.get_e_above_hull(probe), abs=1e-9)
    # --no-stabilize works: the data energy as it is
    kept = stability_window(entries, written, ion=ion, stabilize=False)
    assert kept.energy_source == "data" and not kept.stabilized
    assert kept.target_energy_eV_per_atom == pytest.approx(best.e_form_eV_per_atom, abs=1e-12)
    # the same window as the data compound's own formula
    own = stability_window(entries, best.formula, ion=ion)
    assert (w.reduction_limit_V, w.oxidation_limit_V) == (own.reduction_limit_V, own.oxidation_limit_V)


def test_nmc111_issue_material_id_and_hull_distance(snapshot_store) -> None:
    """The issue's facts: mp-1222510, 43 meV/atom above the hull."""
    w = window_for("LiNi1/3Mn1/3Co1/3O2", store=snapshot_store)
    assert w.material_id == "mp-1222510" and w.formula == "Li3MnCoNiO6"
    assert w.e_above_hull_eV_per_atom == pytest.approx(0.043, abs=5e-4)


def test_nmc111_entry_energy_interface_matches_pymatgen(snapshot_store) -> None:
    import warnings

    from pymatgen.analysis.interface_reactions import InterfacialReactivity
    from pymatgen.core import Composition

    ours = interface_for("LiNi1/3Mn1/3Co1/3O2", "Li6PS5Cl", use_entry_energies=True, store=snapshot_store)
    entries = load_system(set(parse_formula("LiNi1/3Mn1/3Co1/3O2")) | {"P", "S", "Cl"}, store=snapshot_store)
    pd = pmg_phase_diagram(entries)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ir = InterfacialReactivity(
            Composition("Li3MnCoNiO6"), Composition("Li6PS5Cl"), pd, norm=True, use_hull_energy=False
        )
        ref = min(float(e) for _, _, e, _, _ in ir.get_kinks())
    assert ours.minimum.reaction_energy_eV_per_atom == pytest.approx(ref, abs=1e-9)
    assert ours.minimum.reaction_energy_eV_per_atom == pytest.approx(-0.370, abs=1e-3)  # the issue's number
    assert ours.input_a == "LiNi1/3Mn1/3Co1/3O2" and ours.reactant_a == "Li3MnCoNiO6"
    assert ours.material_id_a == "mp-1222510"


def test_state_of_charge_and_scan_values_hit_data_compounds(snapshot_store) -> None:
    """--soc-a style compositions and scan rows are found in the data when they are there."""
    profile = interface_reactions(
        load_system(["Li", "Co", "O", "P", "S", "Cl"], store=snapshot_store), {"Li": 0.5, "Co": 1, "O": 2}, "Li6PS5Cl"
    )
    assert profile.reactant_a == "Li(CoO2)2" and profile.material_id_a.startswith("mp-")
    scan = window_scan("Li1-xCoO2", "x=0,0.5,0.75", store=snapshot_store)
    by_value = {row.value: row for row in scan.rows}
    assert by_value[0.5].window.in_database and by_value[0.5].formula == "Li(CoO2)2"
    assert by_value[0.0].formula == "LiCoO2"


def test_cli_window_and_interface_show_both_spellings(snapshot_store) -> None:
    done = _run("window", "LiNi1/3Mn1/3Co1/3O2", "--no-stabilize", "--format", "json", store=snapshot_store.path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["input_formula"], data["formula"], data["material_id"]) == (
        "LiNi1/3Mn1/3Co1/3O2",
        "Li3MnCoNiO6",
        "mp-1222510",
    )
    assert data["in_database"] is True and data["stabilization_policy"] == "no-stabilize"
    done = _run("interface", "LiCoO2", "Li6PS5Cl", "--soc-a", "0.5", "--format", "json", store=snapshot_store.path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["input_a"] == "Li0.5CoO2" and data["reactant_a"] == "Li(CoO2)2"
    assert any("Li(CoO2)2" in n for n in data["notes"])


def test_screen_finds_fractional_spellings_and_skips_the_cathode_written_otherwise(snapshot_store) -> None:
    from interfacestab.analyses.coatings import screen_coatings

    screen = screen_coatings(
        ["Li3MnCoNiO6", "Li1.5P0.5O2"], "Li3PS4", "LiNi1/3Mn1/3Co1/3O2", store_path=snapshot_store.path, workers=1
    )
    assert screen.skipped == ("Li3MnCoNiO6",)
    (result,) = screen.results
    li3po4 = min(snapshot_store.find_formula("Li3PO4"), key=lambda e: e.e_form_eV_per_atom)
    assert (result.formula, result.in_database, result.material_id) == ("Li3PO4", True, li3po4.material_id)
    assert result.e_above_hull_eV_per_atom is not None


def test_batch_and_sweep_resolve_by_composition(snapshot_store, tmp_path: Path) -> None:
    import csv

    from interfacestab.analyses.batch import window_batch
    from interfacestab.analyses.sweep import interface_sweep_for

    out = tmp_path / "windows.csv"
    window_batch([("Li0.5CoO2", "Li"), ("LiCoO2", "Li")], out, store_path=snapshot_store.path, workers=1)
    rows = {r["input"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["Li0.5CoO2"]["formula"] == "Li(CoO2)2" and rows["Li0.5CoO2"]["in_database"] == "True"
    assert rows["Li0.5CoO2"]["material_id"].startswith("mp-")
    sweep = interface_sweep_for("LiNi1/3Mn1/3Co1/3O2", "Li6PS5Cl", "3:4:0.5", store=snapshot_store)
    assert sweep.reactant_a == "Li3MnCoNiO6"


# --- element targets and the ion metal -----------------------------------------------------------
@pytest.mark.parametrize(("element", "ion"), [("Ti", "Li"), ("Mn", "Li"), ("Cs", "Li"), ("V", "Na"), ("Ni", "K")])
def test_element_without_ion_compounds_has_a_window_from_0V(snapshot_store, element: str, ion: str) -> None:
    entries = load_system([element, ion], store=snapshot_store)
    assert not [e for e in entries.entries if len(e.composition) > 1]  # really no compound in the binary
    w = stability_window(entries, element, ion=ion)
    ref = pmg_window(entries, element, ion)
    assert w.reduction_limit_V == 0.0 == pytest.approx(max(ref["reduction_limit_V"], 0.0), abs=1e-9)
    assert w.oxidation_limit_V is None and ref["oxidation_limit_V"] is None
    assert w.reduction_products == () and w.oxidation_products == ()


def test_element_interface_is_zero_and_matches_pymatgen(snapshot_store) -> None:
    from helpers.oracle import pmg_interface

    profile = interface_for("Ti", "Li", store=snapshot_store)
    ref = pmg_interface(load_system(["Ti", "Li"], store=snapshot_store), "Ti", "Li")
    assert profile.minimum.reaction_energy_eV_per_atom == 0.0
    assert min(k["energy"] for k in ref) == pytest.approx(0.0, abs=1e-12)


def test_element_the_source_lacks_still_asks_for_data(snapshot_store) -> None:
    with pytest.raises(DataNotFoundError, match="data fetch"):
        window_for("Ti", source="mp2020_Li-Co-Ni-O", store=snapshot_store)


def test_ion_metal_target_gets_a_true_message(snapshot_store) -> None:
    with pytest.raises(AnalysisError, match="Li metal itself, the 0 V reference"):
        window_for("Li", store=snapshot_store)
    done = _run("window", "Li", store=snapshot_store.path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ") and "0 V reference" in done.stderr
    done = _run("window", "Ti", "--format", "json", store=snapshot_store.path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["reduction_limit_V"] == 0.0 and data["oxidation_limit_V"] is None


# --- --energy-above-hull ------------------------------------------------------------------------
def test_user_energy_on_a_hull_compound_replaces_its_own_energy() -> None:
    """Hand check (tests/helpers/toy.py): LiS at -1.0 + 0.05 = -0.95 eV/atom, -1.9 eV per LiS.

    Oxidation LiS -> S + Li at mu = -1.9 eV (1.9 V); reduction LiS + Li -> Li2S at -2.7 + 1.9 = -0.8 eV
    (0.8 V). With the data entry left in the hull the window would stay 0.7-2.0 V.
    """
    w = stability_window(li_x_toy(), "LiS", ion="Li", energy_above_hull_eV_per_atom=0.05)
    assert w.reduction_limit_V == pytest.approx(0.8)
    assert w.oxidation_limit_V == pytest.approx(1.9)
    assert w.stabilization_policy == POLICY_USER_ENERGY and w.energy_source == "user"
    assert w.stabilized is False and w.e_above_hull_eV_per_atom == 0.05
    assert w.provenance.conventions["stabilization"] == stabilization_text(True, 0.05)
    assert any("on the hull in the data: the value is applied to its own energy" in n for n in w.notes)
    zero = stability_window(li_x_toy(), "LiS", ion="Li", energy_above_hull_eV_per_atom=0.0)
    assert zero.stabilized is True and zero.reduction_limit_V == pytest.approx(0.7)
    assert zero.oxidation_limit_V == pytest.approx(2.0)


def test_user_energy_json_fields_agree_through_the_cli(snapshot_store) -> None:
    for value, stabilized in (("0.02", False), ("0", True), ("-0.01", True)):
        for policy_flag in ("--stabilize", "--no-stabilize"):
            args = ["window", "Li3PS4", "--energy-above-hull", value, policy_flag, "--format", "json"]
            done = _run(*args, store=snapshot_store.path)
            assert done.returncode == 0, done.stderr
            data = json.loads(done.stdout)
            assert data["stabilization_policy"] == POLICY_USER_ENERGY
            assert data["stabilized"] is stabilized
            assert data["energy_source"] == "user"
            assert data["e_above_hull_eV_per_atom"] == float(value)
            assert data["provenance"]["conventions"]["stabilization"].startswith("energy-above-hull:")
            assert float(value) == pytest.approx(
                data["target_energy_eV_per_atom"] - data["hull_energy_eV_per_atom"], abs=2e-6
            )
            assert any("applied to its own energy" in n for n in data["notes"])  # Li3PS4 is on the hull


# --- narrow windows ------------------------------------------------------------------------------
def test_narrow_window_from_a_tie_simplex_is_explained(snapshot_store) -> None:
    """Na3Mn2P2(CO7)2 = Na2MnPCO7 + NaMnPCO7: stabilized onto that tie line, its window is ~0.05 mV wide."""
    entries = load_system(["Na", "Mn", "P", "C", "O"], store=snapshot_store)
    w = stability_window(entries, "Na3Mn2P2(CO7)2", ion="Na")
    ref = pmg_window(entries, "Na3Mn2P2(CO7)2", "Na")
    assert w.width_V == pytest.approx(ref["oxidation_limit_V"] - ref["reduction_limit_V"], abs=1e-6)
    assert w.width_V < 1e-3
    (note,) = [n for n in w.notes if n.startswith("window narrower than 1 mV")]
    assert "tie simplex" in note and "Na2MnPCO7" in note and "NaMnPCO7" in note
    assert f"- note: {note}" in to_markdown(w).splitlines()
    assert note in json.loads(json.dumps(w.to_dict()))["notes"]
    wide = stability_window(load_system(["Li", "La", "Zr", "Ta", "O"], store=snapshot_store), "Li6.4La3Zr1.4Ta0.6O12")
    assert wide.width_V > 1e-3 and not any("narrower" in n for n in wide.notes)


def test_format_composition_round_trips_through_the_key() -> None:
    comp = {"Li": 0.5, "Co": 1.0, "O": 2.0}
    assert composition_key(parse_formula(format_composition(comp))) == composition_key(comp)
    assert pmg_entries  # the oracle module is importable (pymatgen present)

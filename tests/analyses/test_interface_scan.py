"""Interface reactivity along a composition series: each row is ``interface`` at that composition (and
pymatgen's minimum), and says honestly whether the composition is in the data or virtual."""

from __future__ import annotations

import pytest
from tests.helpers.oracle import pmg_interface, pmg_phase_diagram

from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.interface_scan import interface_scan
from interfacestab.analyses.scan import scan_composition
from interfacestab.chem import format_composition
from interfacestab.errors import AnalysisError, FormulaError

TEMPLATE = "Li6+xP1-xGexS5I"


def _same(row_profile, profile) -> None:
    m, ref = row_profile.minimum, profile.minimum
    assert m.reaction_energy_eV_per_normalising_atom == pytest.approx(
        ref.reaction_energy_eV_per_normalising_atom, abs=1e-9
    )
    assert m.x_atomic_a == pytest.approx(ref.x_atomic_a, abs=1e-9)
    assert m.x_molar_a == pytest.approx(ref.x_molar_a, abs=1e-9)
    assert m.products == ref.products
    assert len(row_profile.kinks) == len(profile.kinks)


@pytest.fixture(scope="module")
def scan(snapshot_store):
    return interface_scan(TEMPLATE, "LiCoO2", "x=0:0.8:0.2", store=snapshot_store)


def test_each_row_is_the_interface_at_that_composition(scan, snapshot_store) -> None:
    assert [r.value for r in scan.rows] == [0.0, 0.2, 0.4, 0.6, 0.8]
    for row in scan.rows:
        comp = scan_composition(TEMPLATE, "x", row.value)
        _same(row.profile, interface_for(comp, "LiCoO2", store=snapshot_store))


def test_rows_say_which_compositions_are_in_the_data(scan, snapshot_store) -> None:
    first, *rest = scan.rows
    assert first.in_database and first.formula == "Li6PS5I" and first.material_id.startswith("mp-")
    assert first.energy_source == "hull"
    # e_above_hull of Li6PS5I from pymatgen on the same entries
    entries = snapshot_store.entries(["Li", "P", "S", "I"])
    pd = pmg_phase_diagram(entries)
    target = min((e for e in pd.all_entries if e.composition.reduced_formula == "Li6PS5I"), key=pd.get_e_above_hull)
    assert first.e_above_hull_eV_per_atom == pytest.approx(pd.get_e_above_hull(target), abs=1e-6)
    for row in rest:
        assert not row.in_database and row.energy_source == "virtual" and row.e_above_hull_eV_per_atom is None
        assert row.formula == format_composition(scan_composition(TEMPLATE, "x", row.value))
    d = scan.to_dict()
    assert [r["energy_source"] for r in d["rows"]] == ["hull", "virtual", "virtual", "virtual", "virtual"]


def test_a_virtual_row_agrees_with_pymatgen(scan, snapshot_store) -> None:
    row = scan.rows[2]  # x = 0.4: Li6.4P0.6Ge0.4S5I, not in the data
    comp = scan_composition(TEMPLATE, "x", 0.4)
    entries = snapshot_store.entries(set(comp) | {"Co", "O"})
    best = min(pmg_interface(entries, comp, {"Li": 1, "Co": 1, "O": 2}), key=lambda k: k["energy"])
    assert row.profile.minimum.reaction_energy_eV_per_atom == pytest.approx(best["energy"], abs=1e-3)
    assert list(row.profile.minimum.products) == best["products"]


def test_scanning_the_second_reactant_open_to_li(snapshot_store) -> None:
    result = interface_scan("LiCoO2", TEMPLATE, "x=0,0.5", voltage_V=3.0, store=snapshot_store)
    assert result.scanned == "b" and result.partner == "LiCoO2"
    for row in result.rows:
        comp = scan_composition(TEMPLATE, "x", row.value)
        _same(row.profile, interface_for("LiCoO2", comp, voltage_V=3.0, store=snapshot_store))
    row = result.to_rows()[0]
    assert row["reaction_energy_eV_per_atom"] is None and row["reaction_energy_eV_per_nonion_atom"] is not None


def test_charged_partner_and_entry_energies(snapshot_store) -> None:
    result = interface_scan(TEMPLATE, "LiCoO2", "x=0", state_of_charge_b=1.0, use_entry_energies=True,
                            store=snapshot_store)  # fmt: skip
    assert result.partner == "CoO2"
    assert result.rows[0].energy_source == "data"
    ref = interface_for("Li6PS5I", "LiCoO2", state_of_charge_b=1.0, use_entry_energies=True, store=snapshot_store)
    _same(result.rows[0].profile, ref)


@pytest.mark.parametrize(
    ("a", "b", "scan", "error", "fragment"),
    [
        ("Li6PS5I", "LiCoO2", "x=0:1:0.5", FormulaError, "does not appear"),
        ("LixCoO2", "Li6+xP1-xGexS5I", "x=0:1:0.5", FormulaError, "both"),
        (TEMPLATE, "LiCoO2", "x=0:nan:0.1", FormulaError, "finite"),
        (TEMPLATE, "LiCoO2", "x=1:0:0.1", FormulaError, "STEP"),
        (TEMPLATE, "LiCoO2", "y=0:1:0.5", FormulaError, "'y'"),
        ("Li3PS4+x", "Li3PS4", "x=0,1", AnalysisError, "x=0"),  # the same composition at x = 0
    ],
)
def test_bad_scans_are_refused(snapshot_store, a, b, scan, error, fragment) -> None:
    with pytest.raises(error, match=fragment):
        interface_scan(a, b, scan, store=snapshot_store)

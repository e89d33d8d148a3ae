"""Issue 12: capacity in mAh/g, decomposition energy per atom of the target, the --max-voltage range."""

from __future__ import annotations

import pytest
from helpers.toy import li_x_toy

from interfacestab.analyses.window import stability_window
from interfacestab.errors import AnalysisError

#: Faraday constant (C/mol), written out here as a hand value independent of conventions.py.
FARADAY = 96485.33212


def _pmg_mass(formula: str) -> float:
    from pymatgen.core import Composition

    return float(Composition(formula).weight)


# --- capacity -----------------------------------------------------------------------------------
def test_toy_capacity_by_hand() -> None:
    """LiS + Li -> Li2S: 1 Li per LiS; LiS -> S + Li: 1 Li; mAh/g = n F / (3.6 M)."""
    w = stability_window(li_x_toy(), "LiS", ion="Li")
    mass = 6.941 + 32.065  # atomic masses of Li and S (g/mol), as pymatgen has them
    assert w.formula_mass_g_per_mol == pytest.approx(mass, abs=1e-3)
    one_li = FARADAY / 3.6 / mass
    caps = [(s.capacity_mAh_per_g, s.cumulative_capacity_mAh_per_g) for s in w.profile]
    assert caps == [
        (pytest.approx(one_li, rel=1e-4), pytest.approx(one_li, rel=1e-4)),
        (0.0, 0.0),
        (pytest.approx(one_li, rel=1e-4), pytest.approx(one_li, rel=1e-4)),
    ]


def test_toy_capacity_steps_add_up_to_the_cumulative_one() -> None:
    """Li2S oxidised: Li2S -> LiS + Li (1 Li) then -> S + 2 Li: steps 1 and 1, cumulative 1 and 2."""
    w = stability_window(li_x_toy(), "Li2S", ion="Li")
    one_li = FARADAY / 3.6 / _pmg_mass("Li2S")
    ox = [s for s in w.profile if s.ion_per_formula_unit < 0]
    assert [s.capacity_mAh_per_g for s in ox] == [pytest.approx(one_li, rel=1e-6)] * len(ox)
    assert [s.cumulative_capacity_mAh_per_g for s in ox] == [
        pytest.approx(one_li * (i + 1), rel=1e-6) for i in range(len(ox))
    ]


def test_na3ps4_fully_desodiated_is_352_mAh_per_g(snapshot_store) -> None:
    entries = snapshot_store.entries(["Na", "P", "S"])
    w = stability_window(entries, "Na3PS4", ion="Na")
    top = w.profile[-1]
    assert top.ion_per_formula_unit == pytest.approx(-3.0)
    mass = 3 * 22.98976928 + 30.973762 + 4 * 32.065  # g/mol, IUPAC-style masses
    by_hand = 3 * FARADAY / 3.6 / mass
    assert by_hand == pytest.approx(352.3, abs=0.2)
    assert top.cumulative_capacity_mAh_per_g == pytest.approx(by_hand, abs=0.1)
    assert top.cumulative_capacity_mAh_per_g == pytest.approx(3 * FARADAY / 3.6 / _pmg_mass("Na3PS4"), rel=1e-6)
    # the steps of the oxidised side add up to the full desodiation
    steps = sum(s.capacity_mAh_per_g for s in w.profile if s.ion_per_formula_unit < 0)
    assert steps == pytest.approx(top.cumulative_capacity_mAh_per_g, rel=1e-9)


# --- decomposition energy per atom of the target ------------------------------------------------------
def test_toy_decomposition_energy_per_target_atom() -> None:
    """LiS has 2 atoms, 1 non-Li: per target atom is half the per-non-Li value (-0.7 -> -0.35 at 0 V)."""
    w = stability_window(li_x_toy(), "LiS", ion="Li")
    assert w.decomposition_energy_at_0V_eV_per_target_atom == pytest.approx(-0.35)
    assert w.decomposition_energy_at_5V_eV_per_target_atom == pytest.approx(-1.5)
    for s in w.profile:
        assert s.decomposition_energy_eV_per_target_atom == pytest.approx(s.decomposition_energy_eV_per_nonion_atom / 2)


def test_decomposition_energy_per_target_atom_matches_pymatgen(snapshot_store) -> None:
    """At 5 V the Li6PS5Cl decomposition energy per atom equals pymatgen's grand-potential e_above_hull.

    pymatgen's GrandPotentialPhaseDiagram normalises per non-open atom; times n_nonLi / n_atoms
    it is the per-atom value of Zhu, He & Mo.
    """
    from helpers.oracle import pmg_entries
    from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram, GrandPotPDEntry, PDEntry
    from pymatgen.core import Composition, Element

    entries = snapshot_store.entries(["Li", "P", "S", "Cl"])
    w = stability_window(entries, "Li6PS5Cl", ion="Li", stabilize=False)
    pmg = pmg_entries(entries)
    gpd = GrandPotentialPhaseDiagram(pmg, {Element("Li"): -5.0})
    target = next(e for e in pmg if e.name == "Li6PS5Cl")
    assert isinstance(target, PDEntry)
    de = gpd.get_e_above_hull(GrandPotPDEntry(target, {Element("Li"): -5.0}))
    n_non, n_all = 7, 13
    # our decomposition energy is negative (energy released); theirs is the height above the hull
    assert w.decomposition_energy_at_5V_eV_per_nonion_atom == pytest.approx(-de, abs=1e-6)
    assert w.decomposition_energy_at_5V_eV_per_target_atom == pytest.approx(-de * n_non / n_all, abs=1e-6)
    assert Composition("Li6PS5Cl").num_atoms == n_all


# --- --max-voltage --------------------------------------------------------------------------------
def test_toy_max_voltage_moves_the_profile_range_not_the_5V_fields() -> None:
    w = stability_window(li_x_toy(), "LiS", ion="Li", max_voltage_V=8.0)
    assert w.max_voltage_V == 8.0
    assert w.decomposition_energy_at_5V_eV_per_nonion_atom == pytest.approx(-3.0)  # 5 V stays 5 V
    assert w.decomposition_energy_at_max_voltage_eV_per_nonion_atom == pytest.approx(-6.0)  # -(8 - 2) per S
    assert w.profile[-1].decomposition_energy_eV_per_nonion_atom == pytest.approx(-6.0)
    default = stability_window(li_x_toy(), "LiS", ion="Li")
    assert default.profile[-1].decomposition_energy_eV_per_nonion_atom == pytest.approx(-3.0)
    assert default.decomposition_energy_at_max_voltage_eV_per_nonion_atom == pytest.approx(-3.0)


def test_lif_above_5V_gets_a_decomposition_energy(snapshot_store) -> None:
    entries = snapshot_store.entries(["Li", "F"])
    default = stability_window(entries, "LiF", ion="Li")
    assert default.oxidation_limit_V > 5.0
    assert default.profile[-1].decomposition_energy_eV_per_nonion_atom == 0.0  # above 5 V: out of range
    wide = stability_window(entries, "LiF", ion="Li", max_voltage_V=8.0)
    # LiF -> 1/2 F2 + Li above V_ox: Phi rises by (8 - V_ox) eV per F atom
    expected = -(8.0 - wide.oxidation_limit_V)
    assert wide.profile[-1].decomposition_energy_eV_per_nonion_atom == pytest.approx(expected, abs=1e-9)
    assert wide.decomposition_energy_at_max_voltage_eV_per_target_atom == pytest.approx(expected / 2, abs=1e-9)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf"), 10.5, 1.0, 4.99])
def test_bad_max_voltage(bad: float) -> None:
    with pytest.raises(AnalysisError, match="maximum voltage must be from 5 to 10 V"):
        stability_window(li_x_toy(), "LiS", ion="Li", max_voltage_V=bad)


@pytest.mark.parametrize("top", [5.0, 10.0])
def test_max_voltage_range_ends_are_accepted_and_keep_the_stages_below_5V(top: float) -> None:
    """--max-voltage only extends the range: stages that end below 5 V keep the default's energies."""
    default = stability_window(li_x_toy(), "LiS", ion="Li")
    wide = stability_window(li_x_toy(), "LiS", ion="Li", max_voltage_V=top)
    assert wide.max_voltage_V == top
    for a, b in zip(default.profile, wide.profile, strict=True):
        if b.voltage_high_V is not None:
            assert b.decomposition_energy_eV_per_nonion_atom == a.decomposition_energy_eV_per_nonion_atom


def test_atomic_masses_are_pymatgens() -> None:
    from pymatgen.core.periodic_table import Element

    from interfacestab._masses import ATOMIC_MASS_g_per_mol
    from interfacestab._periodic import ELEMENTS

    assert set(ATOMIC_MASS_g_per_mol) == set(ELEMENTS)
    for symbol, mass in ATOMIC_MASS_g_per_mol.items():
        assert mass == float(Element(symbol).atomic_mass), symbol

"""Issue 12: the equilibrium at chosen voltages (``--at``), on the toy and against pymatgen on the snapshot."""

from __future__ import annotations

import pytest
from helpers.toy import li_x_toy
from pymatgen.core import Composition

from interfacestab.analyses.window import stability_window
from interfacestab.analyses.window_voltages import equilibrium_at
from interfacestab.errors import AnalysisError


def test_toy_inside_a_stage() -> None:
    """LiS at 0.35 V: LiS + Li -> Li2S, dPhi = E(Li2S) + 2V - E(LiS) - V = -2.7 + 2.0 + V = -0.35 eV per S."""
    w = stability_window(li_x_toy(), "LiS", ion="Li", at_voltages_V=[0.35, 1.0])
    low, mid = w.at_voltages
    assert not low.on_transition and not low.stable
    (eq,) = low.equilibria
    assert eq.phases == ("Li2S",) and eq.reaction == "LiS + Li -> Li2S"
    assert eq.ion_per_formula_unit == pytest.approx(1.0)
    assert eq.decomposition_energy_eV_per_nonion_atom == pytest.approx(-0.35)
    assert eq.decomposition_energy_eV_per_target_atom == pytest.approx(-0.175)
    # one Li per LiS from the target: F / (3.6 M) with M from pymatgen; the name says it is cumulative
    one_li = 96485.33212 / (3.6 * Composition("LiS").weight)
    assert eq.cumulative_capacity_mAh_per_g == pytest.approx(one_li, rel=1e-6)
    assert "cumulative_capacity_mAh_per_g" in eq.to_dict() and "capacity_mAh_per_g" not in eq.to_dict()
    assert mid.stable and not mid.on_transition
    (inside,) = mid.equilibria
    assert inside.is_window and inside.phases == ("LiS",) and inside.decomposition_energy_eV_per_nonion_atom == 0.0


@pytest.mark.parametrize(("voltage", "phases"), [(0.7, [("Li2S",), ("LiS",)]), (2.0, [("LiS",), ("S",)])])
def test_toy_voltage_on_a_transition_gives_both_neighbours(voltage: float, phases: list) -> None:
    w = stability_window(li_x_toy(), "LiS", ion="Li")
    at = equilibrium_at(w, voltage)
    assert at.on_transition and at.stable  # a window limit belongs to the window
    assert [e.phases for e in at.equilibria] == phases
    # dPhi is continuous across the transition; at a window limit it is 0
    energies = [e.decomposition_energy_eV_per_nonion_atom for e in at.equilibria]
    assert energies == [pytest.approx(0.0, abs=1e-12)] * 2


def test_toy_zero_volt_is_the_bottom_stage_only() -> None:
    at = equilibrium_at(stability_window(li_x_toy(), "LiS", ion="Li"), 0.0)
    assert not at.on_transition and [e.phases for e in at.equilibria] == [("Li2S",)]
    assert at.equilibria[0].decomposition_energy_eV_per_nonion_atom == pytest.approx(-0.7)


@pytest.mark.parametrize("bad", [float("nan"), -1.0, 10.5, float("inf")])
def test_bad_voltage(bad: float) -> None:
    with pytest.raises(AnalysisError, match="voltage must be a finite number"):
        stability_window(li_x_toy(), "LiS", ion="Li", at_voltages_V=[bad])


def _pmg_equilibrium(entries, formula: str, voltage: float) -> tuple[set[str], float]:
    """pymatgen's phases and grand-potential decomposition energy (per non-Li atom) at mu_Li = -V."""
    from helpers.oracle import pmg_entries
    from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram, GrandPotPDEntry
    from pymatgen.core import Composition, Element

    pmg = pmg_entries(entries)
    mu = {Element("Li"): -voltage}
    gpd = GrandPotentialPhaseDiagram(pmg, mu)
    non_li = Composition({el: amt for el, amt in Composition(formula).items() if el.symbol != "Li"})
    phases = {e.original_entry.composition.reduced_formula for e in gpd.get_decomposition(non_li)}
    target = next(e for e in pmg if e.name == formula)
    return phases, -gpd.get_e_above_hull(GrandPotPDEntry(target, mu))


def test_li6ps5cl_at_4_3_V_matches_pymatgen(snapshot_store) -> None:
    entries = snapshot_store.entries(["Li", "P", "S", "Cl"])
    w = stability_window(entries, "Li6PS5Cl", ion="Li", stabilize=False, at_voltages_V=[4.3])
    (at,) = w.at_voltages
    (eq,) = at.equilibria
    phases, energy = _pmg_equilibrium(entries, "Li6PS5Cl", 4.3)
    assert set(eq.phases) == phases
    assert eq.decomposition_energy_eV_per_nonion_atom == pytest.approx(energy, abs=1e-6)
    assert not at.stable and eq.ion_per_formula_unit < 0  # oxidised at the cathode's cut-off: Li released


def test_li6ps5cl_on_a_snapshot_transition(snapshot_store) -> None:
    """A boundary of the real profile, at full precision, gives both stages; pymatgen agrees just inside each."""
    entries = snapshot_store.entries(["Li", "P", "S", "Cl"])
    w = stability_window(entries, "Li6PS5Cl", ion="Li", stabilize=False)
    lower, upper = w.profile[1], w.profile[2]
    boundary = upper.voltage_low_V
    at = equilibrium_at(w, boundary)
    assert at.on_transition
    assert [e.phases for e in at.equilibria] == [lower.phases, upper.phases]
    for e, v in zip(at.equilibria, (boundary - 1e-3, boundary + 1e-3), strict=True):
        phases, _ = _pmg_equilibrium(entries, "Li6PS5Cl", v)
        assert set(e.phases) == phases
    _, energy = _pmg_equilibrium(entries, "Li6PS5Cl", boundary)
    for e in at.equilibria:
        assert e.decomposition_energy_eV_per_nonion_atom == pytest.approx(energy, abs=1e-6)


# --- issue 12, item 6: virtual compositions inherit the window of their tie simplex ------------------------
def test_toy_virtual_composition_warns_with_its_reason() -> None:
    """Li1.5S lies on the LiS-Li2S tie line: its window is the 0.7 V plateau it was stabilized onto."""
    w = stability_window(li_x_toy(), "Li1.5S", ion="Li")
    (warning,) = w.provenance.warnings
    assert warning.startswith("virtual composition Li1.5S")
    assert "Li2S + LiS" in warning and "zero width" in warning and "--energy-above-hull" in warning
    data = stability_window(li_x_toy(), "LiS", ion="Li")
    assert data.provenance.warnings == ()  # a compound of the data: no such warning
    user = stability_window(li_x_toy(), "Li1.5S", ion="Li", energy_above_hull_eV_per_atom=-0.05)
    assert user.provenance.warnings == ()  # the user's energy: the window is the phase's own


def test_scan_gathers_the_virtual_warnings(snapshot_store) -> None:
    from interfacestab.analyses.scan import window_scan

    scan = window_scan("Na3-xPS4-xClx", "x=0:0.125:0.0625", ion="Na", store=snapshot_store)
    virtual = [r for r in scan.rows if not r.window.in_database]
    assert len(virtual) == 2
    (warning,) = [w for w in scan.provenance.warnings if w.startswith("virtual composition")]
    assert warning.startswith("virtual compositions: 2 of 3 compositions")
    assert "flat by construction" in warning
    assert "Na2.9375PS3.9375Cl0.0625" in warning  # the zero-width example of the issue
    assert scan.to_dict()["provenance"]["warnings"] == list(scan.provenance.warnings)

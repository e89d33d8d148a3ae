"""A cathode charged to a voltage: a hand-checked toy and pymatgen's grand-potential diagram on the snapshot."""

from __future__ import annotations

import math

import pytest
from helpers.oracle import pmg_entries
from helpers.toy import li_x_toy

from interfacestab.analyses.charging import charge_to_voltage, charged_cathode_for
from interfacestab.errors import AnalysisError


@pytest.mark.parametrize(
    ("voltage_V", "li", "phases"),
    [
        (0.3, 2.0, ("Li2S",)),  # below 0.7 V LiS takes up Li: Li2S
        (1.0, 1.0, ("LiS",)),  # inside its window 0.7-2.0 V
        (2.5, 0.0, ("S",)),  # above 2.0 V all Li is released
    ],
)
def test_toy_assemblage_by_hand(voltage_V: float, li: float, phases: tuple[str, ...]) -> None:
    """Li-S toy (helpers.toy.li_x_toy): LiS is stable 0.7-2.0 V, Li2S below, S above (worked out in its docstring)."""
    charged = charge_to_voltage(li_x_toy(), "LiS", voltage_V, ion="Li")
    assert charged.composition.get("Li", 0.0) == pytest.approx(li)
    assert charged.composition["S"] == pytest.approx(1.0)
    assert charged.phases == phases
    assert charged.ion_per_formula_unit == pytest.approx(li - 1.0)


def test_toy_boundary_takes_the_more_charged_stage() -> None:
    """Exactly at the 2.0 V boundary between LiS and S the stage above (S) is taken."""
    charged = charge_to_voltage(li_x_toy(), "LiS", 2.0, ion="Li")
    assert charged.phases == ("S",)
    assert charged.stage_voltage_low_V == pytest.approx(2.0)


@pytest.mark.parametrize("bad", [-0.1, 10.5, math.nan, math.inf])
def test_bad_voltages_are_refused(bad: float) -> None:
    with pytest.raises(AnalysisError, match="charge voltage"):
        charge_to_voltage(li_x_toy(), "LiS", bad, ion="Li")


def test_cathode_without_the_ion_is_refused() -> None:
    with pytest.raises(AnalysisError, match="has no Li"):
        charge_to_voltage(li_x_toy(), "S", 3.0, ion="Li")


def _gppd_assemblage(entries, framework: str, ion: str, voltage_V: float) -> tuple[set[str], float]:
    """pymatgen oracle: phases of the framework's decomposition open to the ion at mu = -V, and A per framework."""
    from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram
    from pymatgen.core import Composition, Element

    gpd = GrandPotentialPhaseDiagram(pmg_entries(entries), {Element(ion): -voltage_V})
    comp = Composition(framework)
    decomposition = gpd.get_decomposition(comp)
    non_ion_atoms = comp.num_atoms
    ion_amount = 0.0
    phases = set()
    for entry, fraction in decomposition.items():
        original = entry.original_entry.composition
        phases.add(original.reduced_formula)
        ion_amount += fraction * non_ion_atoms * original[Element(ion)] / (original.num_atoms - original[Element(ion)])
    return phases, ion_amount


@pytest.mark.parametrize(("voltage_V", "expected"), [(3.9, "Li(CoO2)2"), (4.2, "CoO2")])
def test_licoo2_matches_grand_potential_diagram(snapshot_store, voltage_V: float, expected: str) -> None:
    """LiCoO2 at 3.9 V is Li(CoO2)2 and at 4.2 V CoO2, as pymatgen's GrandPotentialPhaseDiagram says."""
    charged = charged_cathode_for("LiCoO2", voltage_V, store=snapshot_store)
    entries = snapshot_store.entries(["Li", "Co", "O"])
    phases, li = _gppd_assemblage(entries, "CoO2", "Li", voltage_V)
    assert set(charged.phases) == phases == {expected}
    assert charged.composition.get("Li", 0.0) == pytest.approx(li, abs=1e-6)
    assert charged.parsed.composition == charged.composition


def test_nmc111_fully_charged_matches_grand_potential_diagram(snapshot_store) -> None:
    """NMC111 at 4.5 V decomposes into CoO2 + MnNiO3 + O2 (the issue's "fully charged" NMC), as pymatgen says."""
    charged = charged_cathode_for("LiNi1/3Mn1/3Co1/3O2", 4.5, store=snapshot_store)
    entries = snapshot_store.entries(["Li", "Ni", "Mn", "Co", "O"])
    phases, li = _gppd_assemblage(entries, "MnCoNiO6", "Li", 4.5)
    assert set(charged.phases) == phases == {"CoO2", "MnNiO3", "O2"}
    assert charged.composition.get("Li", 0.0) == pytest.approx(0.0) == pytest.approx(li, abs=1e-9)

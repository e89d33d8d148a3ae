"""Issue 12: reference electrodes (``--reference``) on the toy, against pymatgen on the snapshot, and the measured table."""

from __future__ import annotations

import pytest
from helpers.toy import li_x_toy

from interfacestab.analyses.measured import all_measured_references, all_measured_windows
from interfacestab.analyses.reference import given_reference, reference_for, reference_potential, with_reference
from interfacestab.analyses.window import stability_window, window_for
from interfacestab.chem import parse_formula
from interfacestab.entries import composition_key
from interfacestab.errors import AnalysisError, FormulaError


# --- toy: Li-S with LiS (-1.0 eV/atom) and Li2S (-0.9 eV/atom); plateaus at 2.0 V (S/LiS) and 0.7 V (LiS/Li2S)
@pytest.mark.parametrize(
    ("formula", "voltage", "phases"),
    [("Li0.5S", 2.0, ("LiS", "S")), ("Li1.5S", 0.7, ("Li2S", "LiS")), ("Li3S", 0.0, ("Li", "Li2S"))],
)
def test_toy_two_phase_reference(formula: str, voltage: float, phases: tuple[str, ...]) -> None:
    ref = reference_potential(li_x_toy(), formula, "Li")
    assert ref.voltage_V == pytest.approx(voltage)
    assert ref.phases == phases and ref.obtained == "computed"


@pytest.mark.parametrize(
    ("formula", "range_text"), [("LiS", "from 0.700 V to 2.000 V"), ("Li2S", "from 0.000 V to 0.700 V")]
)
def test_toy_single_phase_reference_is_an_error_naming_the_range(formula: str, range_text: str) -> None:
    with pytest.raises(AnalysisError, match=range_text):
        reference_potential(li_x_toy(), formula, "Li")


def test_toy_window_on_both_scales_and_stability_at_the_reference() -> None:
    w = stability_window(li_x_toy(), "LiS", ion="Li")  # window 0.7 - 2.0 V
    inside = with_reference(w, reference_potential(li_x_toy(), "Li0.5S", "Li"))  # at 2.0 V: a window limit
    assert inside.reference.reduction_limit_V_vs_reference == pytest.approx(0.7 - 2.0)
    assert inside.reference.oxidation_limit_V_vs_reference == pytest.approx(0.0)
    assert inside.reference.stable_at_reference
    below = with_reference(w, given_reference(0.3, "Li"))
    assert not below.reference.stable_at_reference
    (eq,) = below.reference.at_reference.equilibria
    assert eq.phases == ("Li2S",)
    assert eq.decomposition_energy_eV_per_nonion_atom == pytest.approx(-0.7 + 0.3)  # -0.7 + V per S (by hand)
    assert w.reduction_limit_V == below.reduction_limit_V  # the canonical limits stay vs Li/Li+


def test_reference_errors() -> None:
    with pytest.raises(AnalysisError, match="Li metal itself"):
        reference_for("Li", "Li")
    with pytest.raises(AnalysisError, match="finite number"):
        reference_for("nan", "Li")
    with pytest.raises(AnalysisError, match="reference potential must be"):
        reference_for("-1", "Li")
    with pytest.raises(FormulaError, match="neither a number"):
        reference_for("Xx", "Li")
    # a composition reference must hold the ion: a Na alloy is no reference for a Li window (no store needed)
    with pytest.raises(AnalysisError, match=r"^the reference Na0\.5Sn contains no Li: give a Li alloy or a potential"):
        reference_for("Na0.5Sn", "Li")
    with pytest.raises(AnalysisError, match=r"^the reference Li0\.5In contains no Na: .* V vs Na/Na\+$"):
        reference_for("Li0.5In", "Na")


def test_toy_reference_without_the_ion() -> None:
    """S alone is no Li electrode (it was computed as 'a single equilibrium' vs Li/Li+)."""
    with pytest.raises(AnalysisError, match="the reference S contains no Li"):
        reference_potential(li_x_toy(), "S", "Li")


# --- snapshot, with pymatgen as the oracle ----------------------------------------------------------
@pytest.mark.parametrize(("formula", "ion"), [("Li0.5In", "Li"), ("Li0.5Al", "Li"), ("Na0.25Sn", "Na")])
def test_alloy_reference_matches_pymatgen(snapshot_store, formula: str, ion: str) -> None:
    from helpers.oracle import pmg_phase_diagram
    from pymatgen.core import Composition, Element

    comp = parse_formula(formula)
    entries = snapshot_store.entries(set(comp) | {ion})
    ref = reference_potential(entries, formula, ion)
    pd = pmg_phase_diagram(entries)
    decomposition = pd.get_decomposition(Composition(formula))
    assert {e.composition.reduced_formula for e in decomposition} == set(ref.phases)
    mu = pd.get_composition_chempots(Composition(formula))[Element(ion)]
    assert ref.voltage_V == pytest.approx(-mu, abs=1e-9)


def test_na0_5sn_is_the_single_phase_nasn2_in_these_data(snapshot_store) -> None:
    """Na0.5Sn is NaSn2, a single phase here: the error names its range (Na0.25Sn lies on the Sn + NaSn2 plateau)."""
    entries = snapshot_store.entries(["Na", "Sn"])
    with pytest.raises(AnalysisError, match=r"single equilibrium \(NaSn2\) from 0\.4\d\d V to 0\.4\d\d V"):
        reference_potential(entries, "Na0.5Sn", "Na")


def test_li6ps5cl_vs_li_in(snapshot_store) -> None:
    w = window_for("Li6PS5Cl", reference="Li0.5In", store=snapshot_store)
    rep = w.reference
    assert rep is not None
    assert rep.reference.voltage_V == pytest.approx(0.51, abs=0.01)  # the plateau of these data, ~0.51 V
    assert rep.reference.measured is not None and rep.reference.measured.voltage_V == 0.62
    assert rep.reduction_limit_V_vs_reference == pytest.approx(w.reduction_limit_V - rep.reference.voltage_V)
    assert not rep.stable_at_reference  # the argyrodite is reduced at the Li-In potential
    assert rep.at_reference.equilibria[0].ion_per_formula_unit > 0
    given = window_for("Li6PS5Cl", reference=0.62, store=snapshot_store)
    assert given.reference.oxidation_limit_V_vs_reference == pytest.approx(given.oxidation_limit_V - 0.62)
    assert given.reference.reference.obtained == "given"


# --- the measured table ------------------------------------------------------------------------------------
def test_measured_table_is_consistent() -> None:
    windows, references = all_measured_windows(), all_measured_references()
    assert windows and references
    for m in windows:
        parse_formula(m.formula)
        assert m.citation and m.citation_status in {"literature", "seed summary of issue 12"}
        assert m.reduction_limit_V is not None or m.oxidation_limit_V is not None
        if m.reduction_limit_V is not None and m.oxidation_limit_V is not None:
            assert m.reduction_limit_V < m.oxidation_limit_V
    keys = [(composition_key(parse_formula(m.formula)), m.ion) for m in windows]
    assert len(keys) == len(set(keys)), "one measured window per compound and ion (the CSV carries one)"
    li_in = next(r for r in references if set(parse_formula(r.formula)) == {"Li", "In"})
    assert li_in.voltage_V == 0.62 and li_in.doi

"""Issue 12: reference electrodes (``--reference``) on the toy, against pymatgen on the snapshot, and the measured table."""

from __future__ import annotations

import pytest
from helpers.toy import li_x_toy

from interfacestab.analyses.measured import MeasuredReference, all_measured_references, all_measured_windows
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
        assert m.citation and m.citation_status in {"literature", "not checked against the original paper"}
        assert m.reduction_limit_V is not None or m.oxidation_limit_V is not None
        if m.reduction_limit_V is not None and m.oxidation_limit_V is not None:
            assert m.reduction_limit_V < m.oxidation_limit_V
    keys = [(composition_key(parse_formula(m.formula)), m.ion) for m in windows]
    assert len(keys) == len(set(keys)), "one measured window per compound and ion (the CSV carries one)"
    li_in = next(r for r in references if set(parse_formula(r.formula)) == {"Li", "In"})
    assert li_in.voltage_V == 0.62 and li_in.doi


def test_measured_texts_hold_no_computed_numbers_nor_internal_references() -> None:
    """Citations quote the measured side only; statuses and notes are words a user understands."""
    import re

    rows = [*all_measured_windows(), *all_measured_references()]
    for m in rows:
        texts = " ".join((m.method, m.citation, m.note, m.citation_status))
        assert not re.search(r"\d(\.\d+)?\s*V computed", texts), m
        assert "seed" not in texts.lower() and "issue" not in texts.lower(), m
        assert m.citation_status in {"literature", "not checked against the original paper"}, m
    (lyc,) = [m for m in all_measured_windows() if m.formula == "Li3YCl6"]
    assert lyc.method == "cycled with LiCoO2 (a range survived, not a measured window)"


# --- which measured reference is quoted (issue 12 review) -------------------------------------------------
def _measured_row(formula: str, phases: tuple[str, ...], voltage_V: float) -> MeasuredReference:
    return MeasuredReference(formula, "Li", voltage_V, phases, "toy", "toy", "", "literature", "")


@pytest.mark.parametrize(
    ("reference", "rows", "quoted", "note"),
    [
        # the measured phases are the computed plateau's (as sets of reduced formulas): quoted, no note
        ("Li0.5S", [_measured_row("Li0.25S", ("S", "LiS"), 2.1)], 2.1, ""),
        # the measured electrode lies on the same computed plateau, with other phases: quoted, labelled
        (
            "Li0.5S",
            [_measured_row("Li0.4S", ("Li2S", "S"), 1.9)],
            1.9,
            "measured for Li2S + S (a different two-phase pair in this data: LiS + S)",
        ),
        # another plateau and other phases: nothing measured is quoted
        ("Li1.5S", [_measured_row("Li0.25S", ("S", "LiS"), 2.1)], None, ""),
    ],
)
def test_toy_measured_reference_only_for_its_own_plateau(
    monkeypatch: pytest.MonkeyPatch, reference: str, rows: list, quoted: float | None, note: str
) -> None:
    monkeypatch.setattr("interfacestab.analyses.reference.all_measured_references", lambda: tuple(rows))
    ref = reference_potential(li_x_toy(), reference, "Li")
    assert (None if ref.measured is None else ref.measured.voltage_V) == quoted
    assert ref.measured_note == note
    assert ref.to_dict()["measured_note"] == note


def test_li3in_quotes_no_measured_in_lin_potential(snapshot_store) -> None:
    """Li3In sits on another plateau than the measured In + LiIn electrode (pymatgen: its decomposition)."""
    from helpers.oracle import pmg_phase_diagram
    from pymatgen.core import Composition

    entries = snapshot_store.entries(["Li", "In"])
    ref = reference_potential(entries, "Li3In", "Li")
    pd = pmg_phase_diagram(entries)
    phases = {e.composition.reduced_formula for e in pd.get_decomposition(Composition("Li3In"))}
    assert phases == set(ref.phases) and phases != {"In", "LiIn"}
    assert ref.measured is None and ref.measured_note == ""
    assert ref.to_dict()["measured_voltage_V"] is None


def test_li0_5in_quotes_the_measured_pair_labelled_as_different(snapshot_store) -> None:
    """These data put LiIn3 between In and LiIn, so Li0.5In computes to LiIn + LiIn3; the 0.62 V is In + LiIn."""
    from helpers.oracle import pmg_phase_diagram
    from pymatgen.core import Composition

    entries = snapshot_store.entries(["Li", "In"])
    ref = reference_potential(entries, "Li0.5In", "Li")
    pd = pmg_phase_diagram(entries)
    computed = sorted(e.composition.reduced_formula for e in pd.get_decomposition(Composition("Li0.5In")))
    assert ref.measured is not None and set(ref.measured.phases) == {"In", "LiIn"}
    assert set(computed) == set(ref.phases) != {"In", "LiIn"}  # these data: LiIn + LiIn3 (pymatgen agrees)
    assert ref.measured_note == (
        f"measured for In + LiIn (a different two-phase pair in this data: {' + '.join(ref.phases)})"
    )

"""Interphase character: classes and verdicts on hand-made toys, volume change by hand, interdiffusion."""

from __future__ import annotations

import math

import pytest

from interfacestab.analyses.interphase import (
    A3_TO_ML_PER_MOL,
    ElectronicClass,
    InterphaseThresholds,
    ProductCharacter,
    Verdict,
    balance,
    band_gap_gate,
    characterize,
    interdiffusion_pairs,
    interphase_of,
    verdict_of,
)
from interfacestab.chem import parse_formula
from interfacestab.conventions import AVOGADRO_PER_MOL, ION_CONDUCTORS
from interfacestab.phase_properties import BandGap, GapSource, PhaseProperties, PropertyTable


def _props(formula: str, lo: float | None = None, hi: float | None = None, **kw: object) -> PhaseProperties:
    source = kw.pop("source", GapSource.MP_PBE)
    n = kw.pop("n", 1)
    gaps = () if lo is None else (BandGap(lo, lo if hi is None else hi, n, source, "toy"),)  # type: ignore[arg-type]
    return PhaseProperties(formula, gaps, **kw)  # type: ignore[arg-type]


# -- classes ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (_props("Co9S8", 0.0), ElectronicClass.METAL),  # MP: 0 = metallic in GGA
        (_props("Co9S8", experimental_is_metal=True), ElectronicClass.METAL),  # measured metal, no gap
        (_props("Na3P", 0.40), ElectronicClass.SEMICONDUCTOR),
        (_props("Li2S", 2.68, 3.90, n=5), ElectronicClass.INSULATOR),
        (_props("Ge", 0.0, 2.5, n=2), ElectronicClass.UNCERTAIN),  # polymorphs on both sides
        (_props("X", 1.0, 3.0, n=2), ElectronicClass.UNCERTAIN),  # semiconductor and insulator polymorphs
        (_props("LiCl"), ElectronicClass.UNKNOWN),  # known phase, no gap
        (None, ElectronicClass.UNKNOWN),
        # a measured non-metal that GGA makes metallic: no guess
        (_props("CoO", 0.0, experimental_is_metal=False), ElectronicClass.UNCERTAIN),
        # the user's gap overrides the experimental metal label
        (_props("Y", 3.0, source=GapSource.USER, experimental_is_metal=True), ElectronicClass.INSULATOR),
    ],
)
def test_electronic_class(props: PhaseProperties | None, expected: ElectronicClass) -> None:
    assert characterize("Co9S8" if props is None else props.formula, props).electronic_class == expected


def test_thresholds_are_configurable_and_ordered() -> None:
    na3p = _props("Na3P", 0.40)
    assert characterize(
        "Na3P", na3p, InterphaseThresholds(small_gap_max_eV=0.2, insulator_min_gap_eV=0.3)
    ).electronic_class == (ElectronicClass.INSULATOR)
    with pytest.raises(ValueError, match="thresholds"):
        InterphaseThresholds(small_gap_max_eV=3.0, insulator_min_gap_eV=2.0)


def test_preferred_gap_is_experimental_over_mp() -> None:
    both = PhaseProperties(
        "Li3PS4", (BandGap(2.39, 2.95, 3, GapSource.MP_PBE, "mp"), BandGap(3.68, 3.68, 1, GapSource.EXPERIMENTAL, "x"))
    )
    ch = characterize("Li3PS4", both)
    assert (ch.band_gap_min_eV, ch.band_gap_source) == (3.68, "experimental")


def test_ion_conductor_default_list_and_user_override() -> None:
    assert characterize("Li3PS4", None).ion_conductor is True
    assert characterize("Li3PS4", None).ion_conductor_source == ION_CONDUCTORS["Li3PS4"]
    assert characterize("P4Li12S16", None).ion_conductor is True  # any spelling of the formula
    mine = _props("Li3PS4", ion_conductor=False, ion_conductor_source="user (mine)")
    assert characterize("Li3PS4", mine).ion_conductor is False
    assert characterize("Li2S", None).ion_conductor is None


# -- verdicts --------------------------------------------------------------------------------------
def _ch(formula: str, lo: float | None, hi: float | None = None) -> ProductCharacter:
    return characterize(formula, None if lo is None else _props(formula, lo, hi))


@pytest.mark.parametrize(
    ("products", "verdict"),
    [
        ([_ch("Li2S", 2.68, 3.9), _ch("LiCl", 5.93, 6.25)], Verdict.PASSIVATING),
        ([_ch("Li2S", 2.68, 3.9), _ch("Li15Ge4", 0.0)], Verdict.MIXED_CONDUCTING),  # a metal
        ([_ch("Na2S", 2.4), _ch("Na3P", 0.40)], Verdict.MIXED_CONDUCTING),  # a small gap
        ([_ch("Li2S", 2.68, 3.9), _ch("Li3P", 0.70)], Verdict.UNCERTAIN),  # between the thresholds
        ([_ch("Li2S", 2.68, 3.9), _ch("Li2SO4", None)], Verdict.UNCERTAIN),  # no data
        ([_ch("Li3P", 0.70), _ch("Co9S8", 0.0)], Verdict.MIXED_CONDUCTING),  # a metal outranks uncertainty
    ],
)
def test_verdicts(products: list[ProductCharacter], verdict: Verdict) -> None:
    assert verdict_of(products) == verdict


# -- one reaction: what counts, volumes ------------------------------------------------------------
def test_ion_metal_and_reactants_are_not_products() -> None:
    table = PropertyTable.from_records([_props("Li2S", 2.68, 3.9), _props("Li", 0.0), _props("S", 2.5)])
    phase = interphase_of([(1.0, {"S": 1.0}, "S")], ["Li2S", "Li", "S"], table, ion="Li", open_ion=True)
    assert phase is not None
    assert [p.formula for p in phase.products] == ["Li2S"]
    assert set(phase.not_counted) == {"Li", "S"}
    assert phase.verdict == Verdict.PASSIVATING
    assert interphase_of([(1.0, {"S": 1.0}, "S")], ["S"], table, ion="Li") is None  # nothing but the reactant


def test_volume_change_by_hand() -> None:
    # S + 2 Li -> Li2S with 10 and 15 A^3/atom: the S consumed (10 A^3) becomes 3*15 = 45 A^3 of Li2S; the
    # Li comes from the reservoir (the electrode) and is not part of the layer
    table = PropertyTable.from_records(
        [
            _props("S", 2.5, volume_per_atom_A3=10.0, volume_source="toy"),
            _props("Li", 0.0, volume_per_atom_A3=20.0, volume_source="toy"),
            _props("Li2S", 3.0, volume_per_atom_A3=15.0, volume_source="toy"),
        ]
    )
    phase = interphase_of([(1.0, {"S": 1.0}, "S")], ["Li2S"], table, ion="Li", open_ion=True, source_name="toy")
    assert phase is not None
    assert phase.volume_change_percent == pytest.approx(350.0)
    assert phase.volume_change_mL_per_mol == pytest.approx(35.0 * 1e-24 * AVOGADRO_PER_MOL)
    assert phase.reactant_volume_mL_per_mol == pytest.approx(10.0 * A3_TO_ML_PER_MOL)
    assert phase.volume_note == ""


def test_no_volume_is_never_guessed() -> None:
    table = PropertyTable.from_records([_props("Li2S", 3.0, volume_per_atom_A3=15.0), _props("S", 2.5)])
    phase = interphase_of([(1.0, {"S": 1.0}, "S")], ["Li2S"], table, ion="Li", open_ion=True, source_name="src")
    assert phase is not None
    assert phase.volume_change_percent is None and phase.volume_change_mL_per_mol is None
    assert phase.volume_note == "n/a (no volumes in source src)"  # the table names no volume source
    empty = interphase_of([(1.0, {"S": 1.0}, "S")], ["Li2S"], PropertyTable.empty(), ion="Li", open_ion=True,
                          source_name="src")  # fmt: skip
    assert empty is not None and empty.volume_note == "n/a (no volumes in source src)"


def test_balance_solves_amounts_and_ion_uptake() -> None:
    # Li3PS4 + 8 Li -> 4 Li2S + Li3P
    solved = balance([(1.0, parse_formula("Li3PS4"))], ["Li2S", "Li3P"], free_ion="Li")
    assert solved is not None
    amounts, ion = solved
    assert amounts == pytest.approx({"Li2S": 4.0, "Li3P": 1.0})
    assert ion == pytest.approx(8.0)
    assert balance([(1.0, parse_formula("Li3PS4"))], ["Li2S"]) is None  # P has nowhere to go


# -- interdiffusion and the coating gate -----------------------------------------------------------
def test_interdiffusion_marks_cathode_metal_in_electrolyte_framework() -> None:
    pairs = interdiffusion_pairs(parse_formula("LiCoO2"), parse_formula("Li6PS5Cl"))
    assert pairs == ((frozenset({"Co"}), frozenset({"P", "S", "Cl"})),)
    reactants = [(0.74, parse_formula("LiCoO2"), "LiCoO2"), (0.26, parse_formula("Li6PS5Cl"), "Li6PS5Cl")]
    table = PropertyTable.from_records([_props("Co9S8", 0.0), _props("Li3PO4", 5.7)])
    phase = interphase_of(reactants, ["Co9S8", "Li3PO4", "Co"], table, interdiffusion_pairs=pairs)
    assert phase is not None
    assert phase.interdiffusion_phases == ("Co9S8",)  # Co metal and Li3PO4 carry no Co into S/P/Cl
    assert phase.metallic_phases == ("Co9S8",)
    assert phase.verdict == Verdict.MIXED_CONDUCTING
    assert "Co9S8: metal" in phase.summary()


@pytest.mark.parametrize(
    ("props", "gate"),
    [
        (_props("LiNbO3", 2.79, 3.08), "pass"),
        (_props("X", 1.0), "fail"),
        (_props("X", 0.0), "fail"),
        (_props("X", 1.0, 3.0), "unknown"),  # polymorphs on both sides of the gate
        (None, "unknown"),
    ],
)
def test_band_gap_gate(props: PhaseProperties | None, gate: str) -> None:
    assert band_gap_gate(characterize("X" if props is None else props.formula, props), 2.0) == gate


def test_to_dict_and_columns_are_json_and_csv_safe() -> None:
    import json

    table = PropertyTable.from_records([_props("Li2S", 2.68, 3.9, n=5), _props("Li3P", 0.70)])
    phase = interphase_of([(1.0, parse_formula("Li3PS4"), "Li3PS4")], ["Li2S", "Li3P"], table, ion="Li",
                          open_ion=True)  # fmt: skip
    assert phase is not None
    d = json.loads(json.dumps(phase.to_dict()))
    assert d["verdict"] == "uncertain" and d["uncertain_phases"] == ["Li3P"]
    assert d["products"][0]["band_gap_max_eV"] == 3.9 and d["products"][0]["band_gap_n_values"] == 5
    cols = phase.to_columns()
    assert cols["product_band_gap_min_eV"] == [2.68, 0.70]
    assert not math.isnan(float(cols["product_band_gap_max_eV"][1]))  # type: ignore[index]


def test_missing_volume_names_the_phases_and_the_volume_sources() -> None:
    from interfacestab.phase_properties import PropertySource
    from interfacestab.provenance import SourceInfo

    vols = PropertySource(SourceInfo("vols", "volumes", "", ""), None, ("volume",))
    table = PropertyTable(
        {"Li2S": _props("Li2S", 3.0, volume_per_atom_A3=15.0), "S": _props("S", 2.5)}, ["vols"], source_infos=[vols]
    )
    phase = interphase_of([(1.0, {"S": 1.0}, "S")], ["Li2S"], table, ion="Li", open_ion=True, source_name="src")
    assert phase is not None and phase.volume_change_percent is None
    assert phase.volume_note == "n/a (no volume for S in vols; none in source src)"


# -- evolved elemental gases form no layer -----------------------------------------------------------
def test_evolved_gas_is_not_counted_in_the_verdict() -> None:
    """Li2SiO3 -> SiO2 + O2 (+ Li to the reservoir): O2 (a toy 1 eV gap, 'uncertain' if counted) is not counted."""
    table = PropertyTable.from_records([_props("SiO2", 5.0), _props("O2", 1.0), _props("Li2SiO3", 5.0)])
    phase = interphase_of([(1.0, {"Li": 2.0, "Si": 1.0, "O": 3.0}, "Li2SiO3")], ["SiO2", "O2"], table, ion="Li")
    assert phase is not None
    assert [p.formula for p in phase.products] == ["SiO2"]
    assert phase.verdict == Verdict.PASSIVATING and phase.uncertain_phases == ()
    assert phase.not_counted == ("O2",) and phase.not_counted_reasons == ("gas",)
    assert phase.to_dict()["not_counted_reasons"] == ["gas"]


def test_only_gas_evolved_is_no_layer() -> None:
    """LiF -> 1/2 F2 + Li (reservoir): no solid forms: ``no-layer``, not ``uncertain`` because of F2."""
    table = PropertyTable.from_records([_props("F2", 0.9, 2.0, n=5), _props("LiF", 11.7)])
    phase = interphase_of([(1.0, {"Li": 1.0, "F": 1.0}, "LiF")], ["F2", "Li"], table, ion="Li", open_ion=True)
    assert phase is not None
    assert phase.verdict == Verdict.NO_LAYER and phase.products == () and phase.uncertain_phases == ()
    assert dict(zip(phase.not_counted, phase.not_counted_reasons, strict=True)) == {"F2": "gas", "Li": "ion metal"}
    assert phase.summary() == "no-layer (only gas evolved: F2)"
    for gas in ("H2", "N2", "O2", "F2", "Cl2"):  # every elemental gas, as the reduced formula reads it
        assert interphase_of([(1.0, {"Li": 1.0}, "X")], [gas], table).verdict == Verdict.NO_LAYER  # type: ignore[union-attr]

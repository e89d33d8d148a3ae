"""Interphase verdicts on the snapshot's reactions, with a small property source added to a copy of the store.

The band gaps below are inputs (MP PBE values as listed in the snapshot's PROVENANCE spot checks, and
two measured gaps); what is tested is what the reports make of them on the real reactions: which
phases form at each limit, which are named, and the verdict.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.screening import screen_coatings
from interfacestab.analyses.window import window_for
from interfacestab.phase_properties import GapSource, PropertyRow, PropertySource
from interfacestab.provenance import SourceInfo
from interfacestab.store import open_store

SCRIPT = Path(sys.executable).with_name("interfacestab")

MP_GAPS = {  # reduced formula: (min, max, n) eV, MP PBE
    "Li2S": (2.68, 3.90, 5),
    "LiCl": (5.93, 6.25, 3),
    "Li3P": (0.70, 0.70, 1),
    "Na3P": (0.40, 0.40, 1),
    "Co9S8": (0.0, 0.0, 1),
    "Co3S4": (0.0, 0.0, 1),
    "CoS2": (0.0, 0.0, 1),
    "Li15Ge4": (0.0, 0.0, 1),
    "Li3PO4": (5.73, 5.82, 2),
    "Li2O": (4.90, 5.24, 2),
    "LiNbO3": (2.79, 3.08, 3),
}
MEASURED = {"Na2S": 2.4, "Li3PS4": 3.68}


@pytest.fixture(scope="module")
def gap_store(snapshot_store, tmp_path_factory):
    """A copy of the snapshot store with an MP-PBE and an experimental band-gap source."""
    path = tmp_path_factory.mktemp("gaps") / "gaps.sqlite"
    src = sqlite3.connect(snapshot_store.path)
    dst = sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    store = open_store(path)
    mp = PropertySource(
        SourceInfo("mp_gaps_test", "MP PBE gaps (test)", "PBE", "test"), GapSource.MP_PBE, ("band_gap",)
    )
    expt = PropertySource(
        SourceInfo("expt_gaps_test", "measured gaps (test)", "experiment", "test"),
        GapSource.EXPERIMENTAL,
        ("band_gap",),
    )
    store.replace_properties(mp, [PropertyRow(f, lo, hi, n) for f, (lo, hi, n) in MP_GAPS.items()])
    store.replace_properties(expt, [PropertyRow(f, g, g, 1) for f, g in MEASURED.items()])
    yield store
    store.close()


def test_li10gep2s12_at_li_metal_is_mixed_conducting_by_a_li_ge_phase(gap_store) -> None:
    w = window_for("Li10GeP2S12", store=gap_store)
    at_metal = w.interphase_at_ion_metal
    assert at_metal is not None
    assert w.profile[0].voltage_low_V == 0.0 and w.profile[0].interphase == at_metal
    assert at_metal.verdict == "mixed-conducting"
    li_ge = [p for p in at_metal.conducting_phases if set(p) >= set("LiGe") and "S" not in p and "P" not in p]
    assert li_ge, at_metal.conducting_phases
    assert all(at_metal.products[[p.formula for p in at_metal.products].index(f)].is_metallic for f in li_ge)
    assert "Li" not in [p.formula for p in at_metal.products]  # the electrode, not a product
    assert "mp_gaps_test" in w.provenance.conventions["phase_properties"]
    assert "30-50 %" in w.provenance.conventions["interphase"]


def test_li3ps4_names_li2s_with_its_range(gap_store) -> None:
    w = window_for("Li3PS4", store=gap_store)
    assert w.reduction_interphase is not None
    li2s = {p.formula: p for p in w.reduction_interphase.products}["Li2S"]
    assert (li2s.band_gap_min_eV, li2s.band_gap_max_eV, li2s.band_gap_n_values) == (2.68, 3.90, 5)
    assert li2s.band_gap_source == "MP PBE" and li2s.electronic_class == "insulator"
    at_metal = w.interphase_at_ion_metal
    assert at_metal is not None and {p.formula for p in at_metal.products} == {"Li2S", "Li3P"}
    assert at_metal.verdict == "uncertain" and at_metal.uncertain_phases == ("Li3P",)  # 0.70 eV: between


def test_na3ps4_at_na_metal_gives_na3p_small_gap(gap_store) -> None:
    w = window_for("Na3PS4", ion="Na", store=gap_store)
    at_metal = w.interphase_at_ion_metal
    assert at_metal is not None
    na3p = {p.formula: p for p in at_metal.products}["Na3P"]
    assert na3p.band_gap_min_eV == pytest.approx(0.40)
    assert at_metal.verdict == "mixed-conducting" and "Na3P" in at_metal.conducting_phases
    na2s = {p.formula: p for p in at_metal.products}["Na2S"]
    assert na2s.band_gap_source == "experimental"  # measured preferred over MP PBE


def test_licoo2_li6ps5cl_marks_metallic_cobalt_sulfides_and_interdiffusion(gap_store) -> None:
    r = interface_for("LiCoO2", "Li6PS5Cl", store=gap_store)
    phase = r.minimum.interphase
    assert phase is not None
    co_s = [p for p in r.minimum.products if "Co" in p and "S" in p and "O" not in p]
    assert co_s and set(co_s) <= set(phase.metallic_phases)
    assert set(co_s) <= set(phase.interdiffusion_phases)
    assert phase.verdict == "mixed-conducting"
    kinks_with_co_s = [k for k in r.kinks if any("Co" in p and "S" in p for p in k.products)]
    assert all(k.interphase is not None and k.interphase.interdiffusion_phases for k in kinks_with_co_s)


def test_screen_has_gate_and_interphase_columns(gap_store) -> None:
    screen = screen_coatings(["LiNbO3", "Li3PO4"], "Li6PS5Cl", "LiCoO2", store_path=gap_store.path, workers=1)
    by = {r.formula: r for r in screen.results}
    assert by["LiNbO3"].band_gap_gate == "pass" and by["LiNbO3"].coating_band_gap_min_eV == 2.79
    assert by["Li3PO4"].band_gap_gate == "pass"
    for r in screen.results:
        assert r.electrolyte_interphase in {"passivating", "mixed-conducting", "uncertain", ""}
        assert r.metallic_interphase == bool(r.metallic_products)


# -- through the installed script -----------------------------------------------------------------
def _run(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(SCRIPT), "--store", str(store), *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def test_cli_window_json_and_csv(gap_store) -> None:
    data = json.loads(_run(gap_store.path, "window", "Li10GeP2S12", "--format", "json").stdout)
    assert data["interphase_at_ion_metal"]["verdict"] == "mixed-conducting"
    assert data["profile"][0]["interphase"] == data["interphase_at_ion_metal"]
    assert [s["interphase"] is None for s in data["profile"]] == [s["is_window"] for s in data["profile"]]
    rows = list(csv.DictReader(io.StringIO(_run(gap_store.path, "window", "Li3PS4", "--format", "csv").stdout)))
    first = rows[0]  # 0 V: Li2S + Li3P
    products = first["interphase_products"].split(";")
    lows = first["product_band_gap_min_eV"].split(";")
    assert float(lows[products.index("Li2S")]) == 2.68 and float(lows[products.index("Li3P")]) == 0.70
    assert first["interphase_verdict"] == "uncertain"
    assert first["volume_note"].startswith("n/a (no volume")
    window_row = next(r for r in rows if r["is_window"] == "True")
    assert window_row["interphase_verdict"] == ""


def test_cli_interface_json(gap_store) -> None:
    data = json.loads(_run(gap_store.path, "interface", "LiCoO2", "Li6PS5Cl", "--format", "json").stdout)
    minimum = data["minimum"]["interphase"]
    assert minimum["verdict"] == "mixed-conducting"
    assert minimum["interdiffusion_phases"] and set(minimum["interdiffusion_phases"]) <= set(minimum["metallic_phases"])


def test_cli_screen_workers_json_and_csv(gap_store, tmp_path) -> None:
    out = tmp_path / "screen.csv"
    args = ("screen", "--electrolyte", "Li6PS5Cl", "--cathode", "LiCoO2", "--workers", "2")
    data = json.loads(_run(gap_store.path, *args, "--format", "json").stdout)
    assert data["criteria"]["min_coating_band_gap_eV"] == 2.0
    conventions = data["provenance"]["conventions"]
    assert "mp_gaps_test" in conventions["phase_properties"] and "30-50 %" in conventions["interphase"]
    by = {r["formula"]: r for r in data["results"]}
    assert by["LiNbO3"]["band_gap_gate"] == "pass" and by["LiNbO3"]["coating_band_gap_max_eV"] == 3.08
    for r in data["results"]:  # the gate follows the coating's own gap range
        lo, hi = r["coating_band_gap_min_eV"], r["coating_band_gap_max_eV"]
        if lo is None:
            assert r["band_gap_gate"] == ("fail" if r["coating_electronic_class"] == "metal" else "unknown")
        else:
            assert r["band_gap_gate"] == ("pass" if lo >= 2.0 else "fail" if hi < 2.0 else "unknown"), r
    assert all(r["metallic_interphase"] == bool(r["metallic_products"]) for r in data["results"])
    _run(gap_store.path, *args, "--output", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["formula"]: r["band_gap_gate"] for r in rows} == {f: r["band_gap_gate"] for f, r in by.items()}
    assert {"electrolyte_interphase", "cathode_interphase", "charged_cathode_interphase"} <= set(rows[0])


def test_volume_change_on_mp2020_volumes_against_pymatgen_balance(snapshot_store) -> None:
    """LiCoO2 at Li metal (MP2020 set, which has structures): the layer's volume against the LiCoO2 consumed."""
    from pymatgen.analysis.reaction_calculator import Reaction
    from pymatgen.core import Composition

    w = window_for("LiCoO2", source="mp2020_Li-Co-Ni-O", store=snapshot_store)
    phase = w.interphase_at_ion_metal
    assert phase is not None and phase.volume_change_percent is not None, phase
    products = [p.formula for p in phase.products]
    rxn = Reaction([Composition("LiCoO2"), Composition("Li")], [Composition(p) for p in products])
    rxn.normalize_to(Composition("LiCoO2"))
    table = snapshot_store.phase_properties([*products, "LiCoO2"])

    def volume(formula: str) -> float:
        props = table.get(formula)
        assert props is not None and props.volume_per_atom_A3 is not None
        return props.volume_per_atom_A3 * Composition(formula).num_atoms

    v_prod = sum(rxn.get_coeff(Composition(p)) * volume(p) for p in products)
    v_react = volume("LiCoO2")
    assert phase.volume_change_percent == pytest.approx(100 * (v_prod - v_react) / v_react, rel=1e-9)
    assert phase.volume_change_mL_per_mol == pytest.approx((v_prod - v_react) * 0.602214076, rel=1e-9)
    assert phase.volume_note == ""


# -- the done-when examples on the snapshot's own band gaps (imported by setup) ----------------------
def _mp_gap_range(shared_data: Path, reduced: str) -> tuple[float, float, int]:
    """Oracle: the Matbench MP PBE rows whose pymatgen reduced formula is ``reduced``."""
    with (shared_data / "band_gaps_matbench" / "mp_pbe_band_gap.csv").open(encoding="utf-8") as fh:
        values = _rows_for(fh, reduced)
    return min(values), max(values), len(values)


def _rows_for(fh: io.TextIOBase, reduced: str) -> list[float]:
    """Band gaps of the rows whose cell formula reduces to ``reduced`` (pymatgen; cheap element prefilter)."""
    from pymatgen.core import Composition

    wanted = set(Composition(reduced).elements)
    out = []
    for row in csv.DictReader(fh):
        text = row["formula"]
        if not all(str(el) in text for el in wanted):
            continue
        comp = Composition(text)
        if set(comp.elements) == wanted and comp.reduced_formula == reduced:
            out.append(float(row["band_gap_eV"]))
    return out


def test_snapshot_gaps_li10gep2s12_li3ps4_na3ps4(snapshot_store, shared_data) -> None:
    lgps = window_for("Li10GeP2S12", store=snapshot_store).interphase_at_ion_metal
    assert lgps is not None and lgps.verdict == "mixed-conducting"
    assert any(set(f) >= set("LiGe") and "S" not in f for f in lgps.metallic_phases), lgps.metallic_phases

    lps = window_for("Li3PS4", store=snapshot_store)
    assert lps.reduction_interphase is not None
    li2s = {p.formula: p for p in lps.reduction_interphase.products}["Li2S"]
    lo, hi, n = _mp_gap_range(shared_data, "Li2S")
    assert (li2s.band_gap_min_eV, li2s.band_gap_max_eV, li2s.band_gap_n_values) == pytest.approx((lo, hi, n))
    assert li2s.band_gap_source == "MP PBE" and n > 1

    nps = window_for("Na3PS4", ion="Na", store=snapshot_store).interphase_at_ion_metal
    assert nps is not None and nps.verdict == "mixed-conducting" and "Na3P" in nps.conducting_phases
    na3p = {p.formula: p for p in nps.products}["Na3P"]
    assert na3p.band_gap_min_eV == pytest.approx(_mp_gap_range(shared_data, "Na3P")[0])
    assert na3p.band_gap_min_eV == pytest.approx(0.40, abs=0.01)


def test_snapshot_gaps_licoo2_li6ps5cl(snapshot_store) -> None:
    r = interface_for("LiCoO2", "Li6PS5Cl", store=snapshot_store)
    phase = r.minimum.interphase
    assert phase is not None and phase.verdict == "mixed-conducting"
    co_s = {p for p in r.minimum.products if "Co" in p and "S" in p and "O" not in p}
    assert co_s and co_s <= set(phase.metallic_phases) and co_s <= set(phase.interdiffusion_phases)
    names = r.provenance.conventions["phase_properties"]
    assert "mp_pbe_band_gaps" in names and "expt_band_gaps" in names


def test_plots_mark_metallic_products(snapshot_store) -> None:
    from interfacestab.reports import plots

    r = interface_for("LiCoO2", "Li6PS5Cl", store=snapshot_store)
    labels = plots.interface_figure(r).axes[0].get_legend_handles_labels()[1]
    assert "metallic product" in labels
    w = window_for("Li3PS4", store=snapshot_store)  # no metallic product anywhere in its profile
    assert all(s.interphase is None or not s.interphase.metallic_phases for s in w.profile)
    assert "metallic product" not in plots.window_figure(w).axes[0].get_legend_handles_labels()[1]
    lgps = window_for("Li10GeP2S12", store=snapshot_store)
    assert "metallic product" in plots.window_figure(lgps).axes[0].get_legend_handles_labels()[1]


def test_cli_sweep_json_and_csv_carry_the_interphase(snapshot_store) -> None:
    args = ("interface", "LiCoO2", "Li6PS5Cl", "--sweep", "0:4:1")
    data = json.loads(_run(snapshot_store.path, *args, "--format", "json").stdout)
    verdicts = [p["interphase"]["verdict"] for p in data["points"]]
    assert verdicts == ["mixed-conducting"] * 5  # Co metal at low voltage, metallic cobalt sulfides above
    assert all(p["interphase"]["metallic_phases"] for p in data["points"])
    rows = list(csv.DictReader(io.StringIO(_run(snapshot_store.path, *args, "--format", "csv").stdout)))
    points = [r for r in rows if r["row_type"] == "point"]
    assert [r["interphase_verdict"] for r in points] == verdicts
    assert all(r["interphase_verdict"] == "" for r in rows if r["row_type"] == "transition")


def test_snapshot_lif_oxidation_is_not_uncertain_because_of_f2(snapshot_store) -> None:
    """LiF is oxidized to F2 gas (Li to the reservoir): the gas forms no layer; installed script JSON too."""
    w = window_for("LiF", store=snapshot_store)
    assert w.oxidation_products == ("F2",)
    phase = w.oxidation_interphase
    assert phase is not None and phase.verdict == "no-layer" and "F2" not in phase.uncertain_phases
    assert phase.not_counted == ("F2",) and phase.not_counted_reasons == ("gas",)
    data = json.loads(_run(snapshot_store.path, "window", "LiF", "--format", "json").stdout)
    oxidation = data["oxidation_interphase"]
    assert oxidation["verdict"] == "no-layer" and oxidation["not_counted_reasons"] == ["gas"]
    assert "not counted" in data["provenance"]["conventions"]["interphase"]
    md = _run(snapshot_store.path, "window", "LiF", "--format", "md").stdout
    row = next(ln for ln in md.splitlines() if ln.startswith("|") and "F2" in ln and "->" in ln)
    assert "no-layer: F2 gas" in [c.strip() for c in row.strip("|").split("|")], row

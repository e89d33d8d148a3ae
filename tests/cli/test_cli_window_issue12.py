"""Issue 12 through the installed console script: capacity, --at, --max-voltage (and later options).

Every output is read with a real parser (json, csv, Markdown) and compared with the library on the
same store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from helpers.cli_helpers import one_error_line, run_script
from helpers.output_parsers import csv_number, parse_csv, parse_json, parse_markdown

from interfacestab.analyses.window import window_for

if TYPE_CHECKING:
    from interfacestab.store.database import Store


def _run(store: Store, *args: str) -> str:
    proc = run_script("--store", str(store.path), "window", *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_na3ps4_capacity_json_csv_md(snapshot_store: Store) -> None:
    lib = window_for("Na3PS4", ion="Na", store=snapshot_store)
    data = parse_json(_run(snapshot_store, "Na3PS4", "--ion", "Na", "-f", "json"))
    top = data["profile"][-1]
    assert top["ion_per_formula_unit"] == pytest.approx(-3.0)
    assert top["cumulative_capacity_mAh_per_g"] == pytest.approx(352.3, abs=0.1)
    assert top["cumulative_capacity_mAh_per_g"] == lib.profile[-1].cumulative_capacity_mAh_per_g
    assert data["formula_mass_g_per_mol"] == lib.formula_mass_g_per_mol
    assert data["decomposition_energy_at_5V_eV_per_target_atom"] == lib.decomposition_energy_at_5V_eV_per_target_atom
    _, rows = parse_csv(
        _run(snapshot_store, "Na3PS4", "--ion", "Na", "-f", "csv"),
        required=("capacity_mAh_per_g", "cumulative_capacity_mAh_per_g", "decomposition_energy_eV_per_target_atom"),
    )
    stage_rows = [r for r in rows if r["row_type"] == "stage"]
    assert len(stage_rows) == len(lib.profile)
    assert csv_number(stage_rows[-1]["cumulative_capacity_mAh_per_g"]) == lib.profile[-1].cumulative_capacity_mAh_per_g
    doc = parse_markdown(_run(snapshot_store, "Na3PS4", "--ion", "Na", "-f", "md"))
    table = next(t for t in doc.tables if "cumulative capacity (mAh/g)" in t.header)
    assert table.column("cumulative capacity (mAh/g)")[-1] == "352.3"
    assert "capacity (mAh/g)" not in table.header  # one name, one meaning
    assert any(item.startswith("cumulative capacity: all Na") for items in doc.lists for item in items)


def test_at_voltages_json_csv_md(snapshot_store: Store) -> None:
    lib = window_for("Li6PS5Cl", store=snapshot_store)
    boundary = lib.profile[2].voltage_low_V
    args = ("Li6PS5Cl", "--at", "4.3", "--at", repr(boundary))
    data = parse_json(_run(snapshot_store, *args, "-f", "json"))
    at_43, at_b = data["at_voltages"]
    assert at_43["voltage_V"] == 4.3 and not at_43["on_transition"] and not at_43["stable"]
    assert len(at_43["equilibria"]) == 1
    # at a voltage the capacity is the cumulative one (all Li from the target), and named so
    assert "capacity_mAh_per_g" not in at_43["equilibria"][0]
    assert at_43["equilibria"][0]["cumulative_capacity_mAh_per_g"] == lib.profile[-1].cumulative_capacity_mAh_per_g
    assert lib.profile[-1].capacity_mAh_per_g != lib.profile[-1].cumulative_capacity_mAh_per_g
    assert at_43["equilibria"][0]["phases"] == list(lib.profile[-1].phases)
    assert at_b["on_transition"] and len(at_b["equilibria"]) == 2
    assert [e["phases"] for e in at_b["equilibria"]] == [list(lib.profile[1].phases), list(lib.profile[2].phases)]
    _, rows = parse_csv(_run(snapshot_store, *args, "-f", "csv"), required=("row_type", "at_voltage_V"))
    at_rows = [r for r in rows if r["row_type"] == "at_voltage"]
    assert [csv_number(r["at_voltage_V"]) for r in at_rows] == [4.3, boundary, boundary]
    assert (
        csv_number(at_rows[0]["decomposition_energy_at_voltage_eV_per_nonion_atom"])
        == (at_43["equilibria"][0]["decomposition_energy_eV_per_nonion_atom"])
    )
    doc = parse_markdown(_run(snapshot_store, *args, "-f", "md"))
    table = next(t for t in doc.tables if t.header[0] == "at (V)")
    assert table.column("at (V)") == ["4.30", f"{boundary:.2f}", f"{boundary:.2f}"]
    assert table.column("cumulative capacity (mAh/g)")[0] == f"{lib.profile[-1].cumulative_capacity_mAh_per_g:.1f}"


def test_max_voltage_lif_json(snapshot_store: Store) -> None:
    data = parse_json(_run(snapshot_store, "LiF", "--max-voltage", "8", "-f", "json"))
    assert data["max_voltage_V"] == 8.0
    assert data["profile"][-1]["decomposition_energy_eV_per_nonion_atom"] == pytest.approx(
        -(8.0 - data["oxidation_limit_V"])
    )
    assert data["decomposition_energy_at_5V_eV_per_nonion_atom"] == 0.0  # 5 V is inside LiF's window


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--at", "nan"), "--at must be"),
        (("--at", "-1"), "--at must be"),
        (("--at", "12"), "--at must be"),
        (("--max-voltage", "0"), "--max-voltage must be"),
        (("--max-voltage", "inf"), "--max-voltage must be"),
        (("--max-voltage", "1"), "--max-voltage must be from 5 to 10 V"),  # below 5 V it changed the stages' energies
        (("--max-voltage", "4.99"), "--max-voltage must be from 5 to 10 V"),
        (("--max-voltage", "10.5"), "--max-voltage must be from 5 to 10 V"),
    ],
)
def test_bad_values_one_line(args: tuple[str, ...], fragment: str) -> None:
    proc = run_script("window", "Li6PS5Cl", *args)
    assert proc.returncode == 2
    assert fragment in one_error_line(proc.stderr)


def test_at_refused_with_scan() -> None:
    proc = run_script("window", "Li6+xP1-xGexS5I", "--scan", "x=0:0.5:0.5", "--at", "1")
    assert proc.returncode == 2
    assert "apply to one FORMULA only" in one_error_line(proc.stderr)


# --- --reference ---------------------------------------------------------------------------------------------
def test_reference_alloy_json_csv_md(snapshot_store: Store) -> None:
    lib = window_for("Li6PS5Cl", reference="Li0.5In", store=snapshot_store)
    assert lib.reference is not None
    v_ref = lib.reference.reference.voltage_V
    data = parse_json(_run(snapshot_store, "Li6PS5Cl", "--reference", "Li0.5In", "-f", "json"))
    assert data["reduction_limit_V"] == lib.reduction_limit_V  # canonical limits kept
    assert data["reference"]["voltage_V"] == v_ref
    assert data["reference"]["obtained"] == "computed" and data["reference"]["measured_voltage_V"] == 0.62
    assert data["reduction_limit_V_vs_reference"] == pytest.approx(data["reduction_limit_V"] - v_ref, abs=1e-12)
    assert data["oxidation_limit_V_vs_reference"] == pytest.approx(data["oxidation_limit_V"] - v_ref, abs=1e-12)
    assert data["stable_at_reference"] is False
    assert data["at_reference"]["equilibria"][0]["phases"] == list(lib.profile[0].phases)
    _, rows = parse_csv(
        _run(snapshot_store, "Li6PS5Cl", "--reference", "Li0.5In", "-f", "csv"),
        required=("reference_name", "reference_voltage_V", "voltage_low_V_vs_reference"),
    )
    for row in rows:
        assert row["reference_name"] == "Li0.5In"
        assert csv_number(row["reference_voltage_V"]) == v_ref
        assert csv_number(row["voltage_low_V_vs_reference"]) == pytest.approx(csv_number(row["voltage_low_V"]) - v_ref)
    doc = parse_markdown(_run(snapshot_store, "Li6PS5Cl", "--reference", "Li0.5In", "-f", "md"))
    profile = next(t for t in doc.tables if "V low vs ref (V)" in t.header)
    lows = [float(c) for c in profile.column("V low vs ref (V)")]
    assert lows == [pytest.approx(s.voltage_low_V - v_ref, abs=0.006) for s in lib.profile]
    assert any(h == (3, "reference electrode Li0.5In") for h in doc.headings)


def test_reference_number_json(snapshot_store: Store) -> None:
    data = parse_json(_run(snapshot_store, "Li6PS5Cl", "--reference", "0.62", "-f", "json"))
    assert data["reference"]["voltage_V"] == 0.62 and data["reference"]["obtained"] == "given"
    assert data["oxidation_limit_V_vs_reference"] == pytest.approx(data["oxidation_limit_V"] - 0.62, abs=1e-12)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("Xx", "neither a number"),
        ("Li", "Li metal itself"),
        ("LiIn", "single equilibrium (LiIn) from"),
        ("nan", "finite number"),
        ("-1", "reference potential must be"),
        ("Na0.5Sn", "the reference Na0.5Sn contains no Li: give a Li alloy or a potential in V vs Li/Li+"),
        ("In", "the reference In contains no Li"),
    ],
)
def test_bad_reference_one_line(snapshot_store: Store, value: str, fragment: str) -> None:
    proc = run_script("--store", str(snapshot_store.path), "window", "Li6PS5Cl", "--reference", value)
    assert proc.returncode == 1, proc.stderr
    assert fragment in one_error_line(proc.stderr)


def test_reference_measured_only_for_its_own_plateau(snapshot_store: Store) -> None:
    """Li3In (Li13In3 + Li2In here) quotes no measured In + LiIn potential; Li0.5In quotes it, labelled."""
    li3in = parse_json(_run(snapshot_store, "Li6PS5Cl", "--reference", "Li3In", "-f", "json"))["reference"]
    assert "LiIn" not in li3in["phases"]
    assert li3in["measured"] is None and li3in["measured_voltage_V"] is None and li3in["measured_note"] == ""
    doc = parse_markdown(_run(snapshot_store, "Li6PS5Cl", "--reference", "Li3In", "-f", "md"))
    assert not any(item.startswith("measured:") for items in doc.lists for item in items)
    li05 = parse_json(_run(snapshot_store, "Li6PS5Cl", "--reference", "Li0.5In", "-f", "json"))["reference"]
    assert li05["measured"]["phases"] == ["In", "LiIn"] and li05["phases"] != ["In", "LiIn"]
    pair = " + ".join(li05["phases"])
    assert li05["measured_note"] == f"measured for In + LiIn (a different two-phase pair in this data: {pair})"
    doc = parse_markdown(_run(snapshot_store, "Li6PS5Cl", "--reference", "Li0.5In", "-f", "md"))
    (measured,) = [item for items in doc.lists for item in items if item.startswith("measured:")]
    assert li05["measured_note"] in measured


def test_reference_of_the_other_ion_one_line(snapshot_store: Store) -> None:
    """A Li alloy is no reference for a Na window (it was reported as a two-phase plateau vs Na/Na+)."""
    proc = run_script("--store", str(snapshot_store.path), "window", "NaCl", "--ion", "Na", "--reference", "Li0.5In")
    assert proc.returncode == 1, proc.stderr
    assert one_error_line(proc.stderr) == (
        "error: the reference Li0.5In contains no Na: give a Na alloy or a potential in V vs Na/Na+"
    )
    assert proc.stdout == ""


# --- --compare and the caveats -----------------------------------------------------------------------------------
def test_compare_llzo_json_csv_md_table(snapshot_store: Store) -> None:
    data = parse_json(_run(snapshot_store, "Li7La3Zr2O12", "--compare", "-f", "json"))
    assert data["oxidation_limit_V"] == pytest.approx(2.91, abs=0.01)  # Zhu, He, Mo 2015: 2.91 V
    (measured,) = data["measured_windows"]
    assert measured["oxidation_limit_V"] == 4.0 and measured["citation"]
    _, rows = parse_csv(_run(snapshot_store, "Li7La3Zr2O12", "--compare", "-f", "csv"))
    assert {csv_number(r["measured_oxidation_limit_V"]) for r in rows} == {4.0}
    assert {r["measured_citation"] for r in rows} == {measured["citation"]}
    doc = parse_markdown(_run(snapshot_store, "Li7La3Zr2O12", "--compare", "-f", "md"))
    table = next(t for t in doc.tables if t.header[0] == "window")
    assert table.column("window") == ["computed", "measured"]
    assert table.column("oxidation (V vs Li/Li+)") == [f"{data['oxidation_limit_V']:.2f}", "4.00"]
    text = _run(snapshot_store, "Li7La3Zr2O12", "--compare")
    assert "computed vs measured" in text and "Zhu, He, Mo" in text


def test_compare_texts_user_facing(snapshot_store: Store) -> None:
    """The measured row quotes no computed number; the cycling range says it is one; no internal references."""
    data = parse_json(_run(snapshot_store, "Na3PS4", "--ion", "Na", "--compare", "-f", "json"))
    (measured,) = data["measured_windows"]
    assert "computed" not in measured["citation"]
    assert measured["citation_status"] == "not checked against the original paper"
    doc = parse_markdown(_run(snapshot_store, "Li3YCl6", "--compare", "-f", "md"))
    table = next(t for t in doc.tables if t.header[0] == "window")
    assert table.column("window") == ["computed", "measured"]
    assert table.column("method")[1] == "cycled with LiCoO2 (a range survived, not a measured window)"
    assert table.column("source")[1].endswith("[not checked against the original paper]")
    assert not any("seed" in cell or "issue" in cell for row in table.rows for cell in row)


def test_sigma_caveat_and_interval_legend(snapshot_store: Store) -> None:
    """With --sigma the caveat says what the interval covers, in JSON, CSV and Markdown alike."""
    from interfacestab.conventions import WINDOW_CAVEATS, WINDOW_SAMPLED_THERMODYNAMICS_CAVEAT

    args = ("Li3PS4", "--sigma", "0.03", "--samples", "20", "--confidence", "0.8")
    caveats = parse_json(_run(snapshot_store, *args, "-f", "json"))["caveats"]
    assert caveats == [WINDOW_SAMPLED_THERMODYNAMICS_CAVEAT[1]] + [text for _, text in WINDOW_CAVEATS[1:]]
    _, rows = parse_csv(_run(snapshot_store, *args, "-f", "csv"), required=("caveats",))
    assert {r["caveats"] for r in rows} == {" | ".join(caveats)}
    items = [i for lst in parse_markdown(_run(snapshot_store, *args, "-f", "md")).lists for i in lst]
    assert "interval: point value (low-high, 80% interval of the sampled limit; median in JSON)" in items
    assert f"thermodynamics: {caveats[0]}" in items


def test_compare_without_a_measured_window(snapshot_store: Store) -> None:
    data = parse_json(_run(snapshot_store, "Li3PS4", "--compare", "-f", "json"))
    assert data["compared"] is True and data["measured_windows"] == []
    assert "no measured window of Li3PS4" in _run(snapshot_store, "Li3PS4", "--compare", "-f", "md")


def test_caveats_in_every_format(snapshot_store: Store) -> None:
    from interfacestab.conventions import WINDOW_CAVEATS

    texts = [text for _, text in WINDOW_CAVEATS]
    assert parse_json(_run(snapshot_store, "Li3PS4", "-f", "json"))["caveats"] == texts
    _, rows = parse_csv(_run(snapshot_store, "Li3PS4", "-f", "csv"), required=("caveats",))
    assert {r["caveats"] for r in rows} == {" | ".join(texts)}
    doc = parse_markdown(_run(snapshot_store, "Li3PS4", "-f", "md"))
    assert (3, "caveats") in doc.headings
    md = _run(snapshot_store, "Li3PS4", "-f", "md")
    for key, text in WINDOW_CAVEATS:
        assert f"- {key}: {text}" in md
    table = _run(snapshot_store, "Li3PS4")
    assert "caveats" in table and "semi-blocking" in table


# --- the new fields in batch rows, and the scan's virtual-composition warning -------------------------------------
def test_batch_json_rows_carry_the_new_fields_workers_2(snapshot_store: Store, tmp_path) -> None:
    targets = tmp_path / "targets.csv"
    targets.write_text("formula,ion\nLi3PS4,Li\nNa3PS4,Na\n")
    out = tmp_path / "out.json"
    proc = run_script(
        "--store", str(snapshot_store.path), "window", "--batch", str(targets), "-o", str(out), "--workers", "2"
    )
    assert proc.returncode == 0, proc.stderr
    rows = {r["formula"]: r for r in parse_json(out.read_text())["results"]}
    lib = window_for("Na3PS4", ion="Na", store=snapshot_store)
    na = rows["Na3PS4"]
    assert na["formula_mass_g_per_mol"] == lib.formula_mass_g_per_mol
    assert [s["cumulative_capacity_mAh_per_g"] for s in na["profile"]] == [
        s.cumulative_capacity_mAh_per_g for s in lib.profile
    ]
    assert na["caveats"] == list(lib.caveats) and rows["Li3PS4"]["caveats"] == list(lib.caveats)


def test_scan_virtual_warning_on_stderr_and_in_json(snapshot_store: Store) -> None:
    args = (
        "--store",
        str(snapshot_store.path),
        "window",
        "Na3-xPS4-xClx",
        "--ion",
        "Na",
        "--scan",
        "x=0:0.0625:0.0625",
    )
    proc = run_script(*args, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    warnings = parse_json(proc.stdout)["provenance"]["warnings"]
    gathered = [w for w in warnings if w.startswith("virtual compositions: 1 of 2")]
    assert len(gathered) == 1 and "zero-width" in gathered[0]
    assert f"warning: {gathered[0]}" in proc.stderr.replace("\n", " ")


def test_formula_as_typed_beside_the_reduced_one(snapshot_store: Store) -> None:
    data = parse_json(_run(snapshot_store, "Li10GeP2S12", "-f", "json"))
    assert (data["input_formula"], data["formula"]) == ("Li10GeP2S12", "Li10Ge(PS6)2")
    doc = parse_markdown(_run(snapshot_store, "Li10GeP2S12", "-f", "md"))
    assert doc.headings[0] == (2, "Li10GeP2S12 (Li10Ge(PS6)2): stability window vs Li/Li+")
    assert doc.items(0)["formula"].startswith("Li10GeP2S12 as typed; Li10Ge(PS6)2 reduced")
    same = parse_markdown(_run(snapshot_store, "Li6PS5Cl", "-f", "md"))
    assert same.headings[0] == (2, "Li6PS5Cl: stability window vs Li/Li+") and "formula" not in same.items(0)


# --- the whole report of a window with every new option: one model for table/Markdown/CSV; the plot ----------------
def test_full_report_model_names_result_fields_and_renders_everywhere(snapshot_store: Store) -> None:
    from interfacestab import reports
    from interfacestab.reports import render_markdown, render_rich

    w = window_for("Li6PS5Cl", at_voltages_V=[4.3], reference="Li0.5In", compare=True, store=snapshot_store)
    known = set(type(w).ROW_FIELDS) | set(w.to_dict()) | {"is_window"}
    model = reports.report_for(w)
    text = render_rich.to_text(render_rich.render(model), width=2000)
    md = render_markdown.render(model)
    for table in model.tables:
        for column in table.columns:
            assert set(column.fields) <= known, column
        for row in table.rows:
            for cell in row.cells:
                assert cell in text and cell.replace("|", "\\|") in md, cell
    for section in model.sections:
        for item in section.items:
            assert item.value in text and item.value in md, item


def test_plot_with_reference_and_at_voltages(snapshot_store: Store, tmp_path) -> None:
    from interfacestab.reports.plots import window_figure

    w = window_for("Li6PS5Cl", at_voltages_V=[4.3], reference="Li0.5In", max_voltage_V=6.0, store=snapshot_store)
    fig = window_figure(w)
    ax_n, ax_e = fig.axes[:2]
    children = list(ax_n.child_axes)
    assert any(a.get_xlabel() == "voltage (V vs Li0.5In)" for a in children)  # the reference's scale on top
    assert any(a.get_ylabel().startswith("capacity (mAh per g of Li6PS5Cl") for a in children)
    assert ax_e.get_xlim()[1] == pytest.approx(6.0)  # --max-voltage sets the range
    png = tmp_path / "w.png"
    args = ("Li6PS5Cl", "--reference", "Li0.5In", "--at", "4.3", "--max-voltage", "6", "--plot", str(png))
    proc = run_script("--store", str(snapshot_store.path), "window", *args)
    assert proc.returncode == 0, proc.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_scan_markdown_says_why_virtual_rows_are_flat(snapshot_store: Store) -> None:
    args = ("Na3-xPS4-xClx", "--ion", "Na", "--scan", "x=0:0.0625:0.0625", "-f", "md")
    md = _run(snapshot_store, *args)
    doc = parse_markdown(md)
    assert doc.tables[0].column("entry")[1] == "virtual"
    assert "- 1 virtual row: each inherits the window of the tie simplex" in md
    assert "**warning**: virtual compositions: 1 of 2 compositions" in md

"""Reports: rounding only in tables/Markdown, full precision in JSON/CSV, flat CSV layouts, plots."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from interfacestab import fileio, reports
from interfacestab.analyses.data import chemsys_entries, store_info
from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.window import window_for
from interfacestab.errors import InterfaceStabError
from interfacestab.reports import format as fmt
from interfacestab.reports.views.window import window_range_text

if TYPE_CHECKING:
    from pathlib import Path


# The results are built on the invented toy set in tests/data (see its README for the hull), so the
# report checks run without ../shared; the window limits below are hand-checked on that toy:
#   oxidation: Li6PS5Cl -> Li3PS4 + LiCl + S + 2 Li: (-8.4 - 3.8) - 13 x -1.30 = +4.7 eV for 2 Li => 2.35 V
#   reduction: Li6PS5Cl + 5 Li -> 5 Li2S + LiCl + P: (5 x -4.2 - 3.8) - (-16.9) = -7.9 eV for 5 Li => 1.58 V
TOY_REDUCTION_V, TOY_OXIDATION_V = 7.9 / 5, 4.7 / 2


@pytest.fixture(scope="module")
def Li6PS5Cl(toy_data_store):
    return window_for("Li6PS5Cl", store=toy_data_store)


@pytest.fixture(scope="module")
def Li7PS6(toy_data_store):
    """A metastable target: 0.05 eV/atom above Li3PS4 + 2 Li2S on the toy hull."""
    return window_for("Li7PS6", store=toy_data_store)


@pytest.fixture(scope="module")
def P2S5(toy_data_store):
    """A target without Li: no oxidation limit."""
    return window_for("P2S5", store=toy_data_store)


@pytest.fixture(scope="module")
def Li6PS5Cl_LiCoO2(toy_data_store):
    return interface_for("Li6PS5Cl", "LiCoO2", store=toy_data_store)


@pytest.fixture(scope="module")
def Li6PS5Cl_CoO2_4V(toy_data_store):
    return interface_for("Li6PS5Cl", "CoO2", voltage_V=4.0, store=toy_data_store)


@pytest.fixture(scope="module")
def LiPSCl_entries(toy_data_store):
    return chemsys_entries(toy_data_store, "Li-P-S-Cl")


# -- formatting --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("func", "value", "text"),
    [
        (fmt.fmt_voltage, 1.7207326900714308, "1.72"),
        (fmt.fmt_voltage, 2.1385486128571416, "2.14"),
        (fmt.fmt_voltage, None, "none"),
        (fmt.fmt_voltage, -1e-12, "0.00"),
        (fmt.fmt_energy, -0.31993434462071857, "-0.320"),
        (fmt.fmt_energy, -0.0004, "0.000"),
        (fmt.fmt_meV, 0.08310911557692147, "83"),
        (fmt.fmt_meV, -1e-7, "0"),
        (fmt.fmt_kJ_per_mol, -195.0791703970013, "-195.1"),
        (fmt.fmt_fraction, 0.5301794453507344, "0.530"),
        (fmt.fmt_ion_amount, 5.428571428571432, "+5.43"),
        (fmt.fmt_ion_amount, -1.7499999999999893, "-1.75"),
        (fmt.fmt_ion_amount, -2.391251641142844e-10, "0"),
    ],
)
def test_formatters(func, value, text) -> None:
    assert func(value) == text


def test_window_range_text(Li6PS5Cl, P2S5) -> None:
    assert Li6PS5Cl.reduction_limit_V == pytest.approx(TOY_REDUCTION_V, abs=1e-9)
    assert Li6PS5Cl.oxidation_limit_V == pytest.approx(TOY_OXIDATION_V, abs=1e-9)
    assert window_range_text(Li6PS5Cl) == "1.58 – 2.35 V vs Li/Li+"
    assert P2S5.oxidation_limit_V is None
    assert window_range_text(P2S5).endswith("– none vs Li/Li+")


# -- tables ------------------------------------------------------------------------------------
def test_window_table_text(Li6PS5Cl, toy_data_store) -> None:
    text = reports.to_text(reports.render(Li6PS5Cl))
    n_entries = len(toy_data_store.entries(["Li", "P", "S", "Cl"]).entries)
    for fragment in (
        "1.58 – 2.35 V vs Li/Li+",
        "Li2S + LiCl + P",
        "Li6PS5Cl + 5 Li -> 5 Li2S + LiCl + P",
        "Li3PS4 + LiCl + S",
        "voltage profile",
        "toy",
        "user-supplied",
        f"{n_entries} in Cl-Li-P-S",
        "interfacestab",
    ):
        assert fragment in text, fragment
    rows_marked = [line for line in text.splitlines() if line.rstrip().endswith("◀")]
    assert len(rows_marked) == 1  # the window stage, with both limits
    assert rows_marked[0].split()[:2] == ["1.58", "2.35"]
    assert "above the hull" not in text  # on the toy hull: nothing to stabilize
    assert "1.5800" not in text  # no full precision in a table
    assert "\x1b[" not in text


def test_window_table_of_a_metastable_target(Li7PS6) -> None:
    text = reports.to_text(reports.render(Li7PS6))
    assert Li7PS6.e_above_hull_eV_per_atom == pytest.approx(0.05, abs=1e-9)  # hand check in tests/data
    assert "50 meV/atom above the hull" in text
    assert "stabilized" in text


def test_window_table_without_oxidation_limit(P2S5) -> None:
    text = reports.to_text(reports.render(P2S5))
    (line,) = [line for line in text.splitlines() if "oxidation " in line]
    assert line.split()[1:5] == ["oxidation", "none", "(no", "Li"]
    assert "no Li to release" in line


def test_interface_table_text(Li6PS5Cl_LiCoO2) -> None:
    text = reports.to_text(reports.render(Li6PS5Cl_LiCoO2))
    m = Li6PS5Cl_LiCoO2.minimum
    assert f"{m.reaction_energy_eV_per_atom:.3f} eV/atom" in text
    assert f"x_atomic = {m.x_atomic_a:.3f}" in text
    assert "closed system" in text
    assert "no-mixing Li6PS5Cl" in text
    rows_marked = [line for line in text.splitlines() if line.rstrip().endswith("◀")]
    assert len(rows_marked) == 1
    assert f"{m.x_atomic_a:.3f}" in rows_marked[0]


def test_open_interface_states_its_normalisation(Li6PS5Cl_CoO2_4V) -> None:
    text = reports.to_text(reports.render(Li6PS5Cl_CoO2_4V))
    assert "open to Li at 4.00 V vs Li/Li+" in text
    assert "per non-Li atom" in text


def test_entries_and_store_tables(LiPSCl_entries, toy_data_store) -> None:
    text = reports.to_text(reports.render(LiPSCl_entries))
    entry = next(r for r in LiPSCl_entries.rows if r.formula == "Li6PS5Cl")
    (line,) = [line for line in text.splitlines() if line.split()[:2] == ["Li6PS5Cl", "toy-10"]]
    e_form, e_above_meV = line.split()[2:4]
    assert float(e_form) == pytest.approx(entry.e_form_eV_per_atom, abs=5e-4)  # rounded to 1 meV/atom
    assert float(e_above_meV) == pytest.approx(entry.e_above_hull_eV_per_atom * 1000, abs=0.5)
    info_text = reports.to_text(reports.render(store_info(toy_data_store)), width=200)
    assert "toy" in info_text
    assert str(toy_data_store.path) in info_text


# -- JSON --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Li6PS5Cl", "P2S5", "Li6PS5Cl_LiCoO2", "Li6PS5Cl_CoO2_4V", "LiPSCl_entries"])
def test_json_is_to_dict_at_full_precision(request, name) -> None:
    result = request.getfixturevalue(name)
    text = reports.to_json(result)
    assert text.endswith("\n")
    assert json.loads(text) == json.loads(json.dumps(result.to_dict()))


def test_json_keeps_every_digit(Li6PS5Cl) -> None:
    data = json.loads(reports.to_json(Li6PS5Cl))
    assert data["reduction_limit_V"] == Li6PS5Cl.reduction_limit_V
    assert data["oxidation_limit_V"] == Li6PS5Cl.oxidation_limit_V
    assert data["profile"][0]["voltage_high_V"] == Li6PS5Cl.profile[0].voltage_high_V


# -- CSV ---------------------------------------------------------------------------------------
def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_window_csv(Li6PS5Cl, P2S5) -> None:
    rows = _rows(reports.to_csv(Li6PS5Cl))
    assert len(rows) == len(Li6PS5Cl.profile)
    header = set(rows[0])
    assert {"formula", "ion", "reduction_limit_V", "oxidation_limit_V", "e_above_hull_eV_per_atom"} <= header
    assert {"voltage_low_V", "voltage_high_V", "ion_per_formula_unit", "phases", "reaction"} <= header
    assert {"decomposition_energy_eV_per_nonion_atom", "is_window", "source", "thermo_type", "vintage"} <= header
    assert not any(ch in "".join(header) for ch in "$\\{}^")  # no LaTeX in column names
    for row, stage in zip(rows, Li6PS5Cl.profile, strict=True):
        assert float(row["voltage_low_V"]) == stage.voltage_low_V  # full precision
        assert row["phases"].split(";") == list(stage.phases)
    assert [r["is_window"] for r in rows].count("True") == 1
    assert rows[-1]["voltage_high_V"] == ""
    assert all(r["oxidation_limit_V"] == "" for r in _rows(reports.to_csv(P2S5)))


def test_interface_csv(Li6PS5Cl_LiCoO2) -> None:
    rows = _rows(reports.to_csv(Li6PS5Cl_LiCoO2))
    assert len(rows) == len(Li6PS5Cl_LiCoO2.kinks)
    (minimum,) = [r for r in rows if r["is_minimum"] == "True"]
    assert minimum["reaction"] == Li6PS5Cl_LiCoO2.minimum.reaction
    assert float(minimum["x_atomic_a"]) == Li6PS5Cl_LiCoO2.minimum.x_atomic_a
    assert rows[0]["voltage_V"] == ""
    assert {"reactant_a", "reactant_b", "x_molar_a", "reaction_energy_kJ_per_mol", "products"} <= set(rows[0])


def test_entries_csv(LiPSCl_entries) -> None:
    rows = _rows(reports.to_csv(LiPSCl_entries))
    assert len(rows) == len(LiPSCl_entries.rows)
    by_formula = {r["formula"]: r for r in rows}
    assert by_formula["Li2S"]["is_stable"] == "True"
    assert by_formula["Li7PS6"]["is_stable"] == "False"
    assert float(by_formula["Li7PS6"]["e_above_hull_eV_per_atom"]) == pytest.approx(0.05, abs=1e-9)  # hand check
    assert float(by_formula["Li6PS5Cl"]["e_above_hull_eV_per_atom"]) == 0


# -- Markdown ----------------------------------------------------------------------------------
def test_window_markdown(Li6PS5Cl) -> None:
    md = reports.to_markdown(Li6PS5Cl)
    assert md.startswith("## Li6PS5Cl: stability window vs Li/Li+")
    assert "**1.58 – 2.35 V vs Li/Li+**" in md
    assert "| V low | V high |" in md
    assert "- width: 0.77 V" in md  # the table and the Markdown both give the width
    marked = [line for line in md.splitlines() if line.startswith("|") and "◀" in line]
    assert len(marked) == 1
    assert marked[0].startswith("| **1.58** | **2.35** |")
    assert "### Provenance" in md


def test_interface_markdown(Li6PS5Cl_LiCoO2) -> None:
    md = reports.to_markdown(Li6PS5Cl_LiCoO2)
    assert "Li6PS5Cl | LiCoO2" in md
    m = Li6PS5Cl_LiCoO2.minimum
    marked = [line for line in md.splitlines() if line.startswith("|") and "◀" in line]
    assert len(marked) == 1
    assert marked[0].startswith(f"| **{m.x_atomic_a:.3f}** |")
    assert "| x_atomic | x_molar |" in md
    assert "- reactant energies: " in md  # the drift fixed: the Markdown had no reactant energies


# -- files -------------------------------------------------------------------------------------
def test_write_text_atomic_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    fileio.write_text_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_write_text_atomic_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(InterfaceStabError, match="cannot write"):
        fileio.write_text_atomic(tmp_path / "no" / "out.json", "x")


# -- plots -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Li6PS5Cl", "P2S5", "Li6PS5Cl_LiCoO2", "Li6PS5Cl_CoO2_4V"])
def test_plots_png_and_svg(request, tmp_path: Path, name) -> None:
    result = request.getfixturevalue(name)
    png = reports.plot(result, tmp_path / f"{name}.png")
    svg = reports.plot(result, tmp_path / f"{name}.svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in svg.read_text()
    assert not list(tmp_path.glob("*.tmp"))


def test_plot_extension_is_checked(Li6PS5Cl, tmp_path: Path) -> None:
    with pytest.raises(InterfaceStabError, match=r"\.png or \.svg"):
        reports.plot(Li6PS5Cl, tmp_path / "w.pdf")
    assert not list(tmp_path.iterdir())


def test_reports_import_is_light() -> None:
    code = (
        "import sys, interfacestab.reports; "
        "bad = [m for m in ('numpy', 'scipy', 'pymatgen', 'matplotlib', 'mp_api') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_plot_path_needs_an_existing_folder(tmp_path) -> None:
    import pytest

    from interfacestab.errors import OutputError
    from interfacestab.reports.plots import check_plot_path

    assert check_plot_path(tmp_path / "ok.png") == tmp_path / "ok.png"
    with pytest.raises(OutputError, match="does not exist"):
        check_plot_path(tmp_path / "missing" / "x.png")

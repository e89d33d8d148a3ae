"""The ``interfacestab`` command line: help, version, happy paths on small stores, one-line user errors.

The toy Li-P-S-Cl data below are made up (formation energies in eV/atom, elements at 0); they
only need to give a hull with a few stages. Real numbers come from the offline snapshot
(``snapshot_store`` in conftest.py).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from helpers.cli_helpers import assert_user_error, one_error_line, run_script

from interfacestab.store.database import Store, open_store
from interfacestab_cli.main import app

if TYPE_CHECKING:
    from typer.testing import CliRunner

TOY_CSV = """formula,energy
Li2S,-1.50
Li3P,-0.70
LiCl,-1.90
P2S5,-0.30
Li3PS4,-1.10
Li6PS5Cl,-1.30
PCl3,-0.45
LiP,-0.55
"""
HEAVY = ("pymatgen", "matplotlib", "mp_api")


@pytest.fixture
def toy_csv(tmp_path: Path) -> Path:
    path = tmp_path / "toy_lipscl.csv"
    path.write_text(TOY_CSV)
    return path


@pytest.fixture
def toy_store(runner: CliRunner, tmp_path: Path, toy_csv: Path) -> Path:
    """A store holding the toy CSV as source 'toy', imported through the CLI."""
    path = tmp_path / "toy.sqlite"
    result = runner.invoke(app, ["--store", str(path), "data", "import", str(toy_csv), "--source-name", "toy"])
    assert result.exit_code == 0, result.output
    return path


# -- help, version, start-up -------------------------------------------------------------------
def test_help_lists_commands(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("setup", "data", "window", "interface", "--store", "--version"):
        assert command in result.stdout


def test_no_arguments_shows_help(runner: CliRunner) -> None:
    result = runner.invoke(app, [])
    assert "Usage" in result.output
    assert "window" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["window", "--help"],
            ["FORMULA", "vs A/A+", "--no-stabilize", "--energy-above-hull", "Thermodynamics", "Output"],
        ),
        (["interface", "--help"], ["--voltage", "--soc-a", "--soc-b", "--use-entry-energies", "vs A/A+"]),
        (["data", "--help"], ["import", "fetch", "info", "entries"]),
        (["data", "import", "--help"], ["--source-name", "--energy-type", "formation_per_atom"]),
        (["data", "fetch", "--help"], ["--thermo-type", "--api-key", "GGA_GGA+U_R2SCAN"]),
        (["setup", "--help"], ["--data-dir"]),
    ],
)
def test_command_help(runner: CliRunner, args: list[str], expected: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.stdout


def test_version_prints_three_versions(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines == [
        f"interfacestab {metadata.version('interfacestab')}",
        f"pymatgen {metadata.version('pymatgen')}",
        f"mp-api {metadata.version('mp-api')}",
    ]


def test_import_does_not_load_heavy_libraries() -> None:
    code = f"import sys, interfacestab_cli.main; bad = [m for m in {HEAVY!r} if m in sys.modules]; assert not bad, bad"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_help_and_version_do_not_load_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from interfacestab_cli.main import app\n"
        "for args in (['--help'], ['--version'], ['window', '--help'], ['interface', '--help'], ['data', '--help']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
        f"bad = [m for m in {(*HEAVY, 'scipy')!r} if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_python_m_smoke() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "interfacestab_cli", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "interfacestab" in proc.stdout
    assert "window" in proc.stdout


# Click's own usage errors through the installed script: one line on stderr, exit 2, no usage box
@pytest.mark.parametrize(
    ("args", "command", "reason"),
    [
        (["window", "Li3PS4", "--bogus"], "interfacestab window", "No such option: --bogus"),
        (
            ["window", "Li3PS4", "--energy-above-hull", "abc"],
            "interfacestab window",
            "Invalid value for '--energy-above-hull'",
        ),
        (["interface", "Li3PS4"], "interfacestab interface", "Missing argument 'B'"),
        (["window", "Li3PS4", "--format", "xml"], "interfacestab window", "Invalid value for '--format'"),
        (["nosuchcommand"], "interfacestab", "No such command 'nosuchcommand'"),
        (["data", "nosuchcommand"], "interfacestab data", "No such command 'nosuchcommand'"),
    ],
)
def test_installed_script_usage_errors_are_one_line(args: list[str], command: str, reason: str) -> None:
    proc = run_script(*args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    line = one_error_line(proc.stderr)
    assert line.startswith(f"error: {reason}"), line
    assert line.endswith(f"(try '{command} --help')"), line
    assert "Usage:" not in proc.stderr and "╭" not in proc.stderr


def test_installed_script_option_combination_error_is_one_line() -> None:
    proc = run_script("window", "--scan", "x=0:1:0.5")  # usage_error(): a BadParameter raised by the command
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    one_error_line(proc.stderr)


def test_installed_script_help_and_version_are_unchanged() -> None:
    help_proc = run_script("window", "--help")
    assert help_proc.returncode == 0, help_proc.stderr
    assert help_proc.stderr == ""
    assert "Usage: interfacestab window [OPTIONS] [FORMULA]" in " ".join(help_proc.stdout.split())
    version = run_script("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.splitlines()[0] == f"interfacestab {metadata.version('interfacestab')}"
    bare = run_script("data")  # a bare group shows its help (exit 2, as Click does), no error line
    assert bare.returncode == 2
    assert "import" in bare.stdout
    assert "error:" not in bare.stderr


def test_ctrl_c_in_a_single_window_is_one_line_and_exit_130(
    runner: CliRunner, toy_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import interfacestab.analyses.window as window_module

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(window_module, "window_for", interrupted)
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Li3PS4"])
    assert result.exit_code == 130
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == ["interrupted"]


def test_thermo_type_choices_match_the_mp_source() -> None:
    from interfacestab.sources.mp import THERMO_TYPES
    from interfacestab_cli.options import ThermoType

    assert tuple(t.value for t in ThermoType) == THERMO_TYPES


def test_energy_type_choices_match_the_file_reader() -> None:
    from interfacestab.sources.files import ENERGY_TYPES
    from interfacestab_cli.options import EnergyType

    assert tuple(t.value for t in EnergyType) == ENERGY_TYPES


# -- data --------------------------------------------------------------------------------------
def test_data_import_then_reimport_is_unchanged(runner: CliRunner, tmp_path: Path, toy_csv: Path) -> None:
    store = tmp_path / "s.sqlite"
    first = runner.invoke(app, ["--store", str(store), "data", "import", str(toy_csv), "--source-name", "toy"])
    assert first.exit_code == 0, first.output
    assert "toy" in first.stdout
    assert "imported" in first.stdout
    assert "user-supplied" in first.stdout
    second = runner.invoke(app, ["--store", str(store), "data", "import", str(toy_csv), "--source-name", "toy"])
    assert second.exit_code == 0
    assert "unchanged" in second.stdout


def test_data_import_total_energies(runner: CliRunner, tmp_path: Path) -> None:
    csv_path = tmp_path / "totals.csv"
    csv_path.write_text("formula,energy\nLi,-1.9\nO2,-9.8\nLi2O,-14.3\n")  # Li2O: (-14.3 + 3.8 + 4.9)/3
    store = tmp_path / "t.sqlite"
    args = ["--store", str(store), "data", "import", str(csv_path), "--energy-type", "total_per_formula_unit"]
    assert runner.invoke(app, args).exit_code == 0
    result = runner.invoke(app, ["--store", str(store), "data", "entries", "Li-O", "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)["entries"]
    assert row["formula"] == "Li2O"
    assert row["e_form_eV_per_atom"] == pytest.approx((-14.3 + 2 * 1.9 + 4.9) / 3)


def test_data_info_json(runner: CliRunner, toy_store: Path) -> None:
    result = runner.invoke(app, ["--store", str(toy_store), "data", "info", "--format", "json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert Path(info["store_path"]) == toy_store
    assert info["n_entries"] == 8
    (source,) = info["sources"]
    assert source["name"] == "toy"
    assert source["n_entries"] == 8
    assert source["thermo_type"] == "user-supplied"
    assert source["origin"].endswith("toy_lipscl.csv")
    assert source["imported_at"]


def test_data_info_table(runner: CliRunner, toy_store: Path) -> None:
    result = runner.invoke(app, ["--store", str(toy_store), "data", "info"])
    assert result.exit_code == 0, result.output
    for text in (str(toy_store), "toy", "user-supplied", "imported at"):
        assert text in result.stdout


def test_store_from_environment(runner: CliRunner, toy_store: Path) -> None:
    result = runner.invoke(app, ["data", "info", "--format", "json"], env={"INTERFACESTAB_STORE": str(toy_store)})
    assert result.exit_code == 0, result.output
    assert Path(json.loads(result.stdout)["store_path"]) == toy_store


def test_data_entries_csv(runner: CliRunner, toy_store: Path) -> None:
    result = runner.invoke(app, ["--store", str(toy_store), "data", "entries", "Li-P-S-Cl", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 8
    assert {"formula", "material_id", "e_form_eV_per_atom", "e_above_hull_eV_per_atom", "is_stable"} <= set(rows[0])
    by_formula = {r["formula"]: r for r in rows}
    assert float(by_formula["LiCl"]["e_form_eV_per_atom"]) == -1.9
    assert float(by_formula["LiCl"]["e_above_hull_eV_per_atom"]) == 0.0


def test_data_entries_snapshot_json(runner: CliRunner, snapshot_store: Store) -> None:
    args = ["--store", str(snapshot_store.path), "data", "entries", "Li-P-S-Cl", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["chemsys"] == "Cl-Li-P-S"
    rows = {r["formula"]: r for r in data["entries"]}
    for formula in ("Li6PS5Cl", "Li3PS4", "Li2S", "LiCl", "P2S5"):
        assert formula in rows
        assert isinstance(rows[formula]["e_above_hull_eV_per_atom"], float)
    assert rows["Li2S"]["e_above_hull_eV_per_atom"] == 0.0
    # argyrodite is metastable in MP data (about 80 meV/atom, docs/conventions.md, 'Stabilization policy')
    assert rows["Li6PS5Cl"]["e_above_hull_eV_per_atom"] == pytest.approx(0.083, abs=0.01)
    assert data["provenance"]["source"] == "mp_legacy2019"


def test_setup_imports_a_snapshot_folder(runner: CliRunner, tmp_path: Path) -> None:
    from interfacestab.sources.snapshot import SNAPSHOT_COLUMNS, SNAPSHOT_FILENAME

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / SNAPSHOT_FILENAME).write_text(
        ",".join(SNAPSHOT_COLUMNS) + "\nLi2O,Li2O,-2.07,mp-1960\nLi2O2,Li2O2,-1.65,mp-841\nLiCl,LiCl,-1.90,\n"
    )
    store = tmp_path / "setup.sqlite"
    result = runner.invoke(app, ["--store", str(store), "setup", "--data-dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "mp_legacy2019" in result.stdout
    assert "imported" in result.stdout
    with open_store(store, create=False) as st:
        assert st.count() == 3


def test_data_fetch_passes_options(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import interfacestab.ingest as ingest_module
    from interfacestab.provenance import SourceInfo

    calls: list[tuple[tuple, dict]] = []

    def fake(*args, **kwargs):
        calls.append((args, kwargs))
        return SourceInfo("mp_live_GGA_GGA+U_R2SCAN", "fake", "mixed GGA/GGA+U/r2SCAN", "today", n_entries=7), 7

    monkeypatch.setattr(ingest_module, "fetch_chemsys", fake)
    store = tmp_path / "f.sqlite"
    args = ["--store", str(store), "data", "fetch", "Li-O", "--thermo-type", "GGA_GGA+U_R2SCAN", "--api-key", "k" * 32]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    ((call_args, kwargs),) = calls
    assert isinstance(call_args[0], Store)
    assert call_args[1] == "Li-O"
    assert kwargs == {"thermo_type": "GGA_GGA+U_R2SCAN", "api_key": "k" * 32}
    assert "7 compounds stored for Li-O" in result.stdout
    assert "k" * 32 not in result.output


# -- window ------------------------------------------------------------------------------------
def test_window_table_on_toy_store(runner: CliRunner, toy_store: Path) -> None:
    from interfacestab.analyses.window import window_for

    with open_store(toy_store, create=False) as st:
        expected = window_for("Li6PS5Cl", store=st)
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Li6PS5Cl"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"{expected.reduction_limit_V:.2f} – {expected.oxidation_limit_V:.2f} V vs Li/Li+" in out
    assert f"{expected.e_above_hull_eV_per_atom * 1000:.0f} meV/atom" in out
    for text in ("policy: stabilize", "voltage profile", "◀", "provenance", "toy", "user-supplied", "Li2S + LiCl"):
        assert text in out
    assert repr(expected.reduction_limit_V) not in out  # rounded in the table


def test_window_json_equals_the_library_result(runner: CliRunner, toy_store: Path) -> None:
    from interfacestab.analyses.window import window_for

    with open_store(toy_store, create=False) as st:
        expected = window_for("Li6PS5Cl", store=st)
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Li6PS5Cl", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(json.dumps(expected.to_dict()))


def test_window_snapshot_Li6PS5Cl(runner: CliRunner, snapshot_store: Store) -> None:
    result = runner.invoke(app, ["--store", str(snapshot_store.path), "window", "Li6PS5Cl", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # Zhu, He, Mo 2015 report 1.71 V (MP data of that time); this snapshot gives 1.72 V
    assert data["reduction_limit_V"] == pytest.approx(1.72, abs=0.02)
    assert data["oxidation_limit_V"] > data["reduction_limit_V"]
    assert "Li2S" in data["reduction_products"]
    assert data["stabilized"] is True
    assert data["provenance"]["source"] == "mp_legacy2019"


def test_window_csv_rows_are_profile_stages(runner: CliRunner, toy_store: Path) -> None:
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Li6PS5Cl", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) >= 3
    assert [r["is_window"] for r in rows].count("True") == 1
    assert float(rows[0]["voltage_low_V"]) == 0.0
    assert rows[-1]["voltage_high_V"] == ""
    assert all(r["formula"] == "Li6PS5Cl" and r["source"] == "toy" for r in rows)


def test_window_output_file_and_plot(runner: CliRunner, toy_store: Path, tmp_path: Path) -> None:
    out, png = tmp_path / "w.md", tmp_path / "w.png"
    result = runner.invoke(
        app, ["--store", str(toy_store), "window", "Li6PS5Cl", "-f", "md", "--output", str(out), "--plot", str(png)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "wrote md" in result.stderr
    assert "wrote plot" in result.stderr
    assert out.read_text().startswith("## Li6PS5Cl: stability window vs Li/Li+")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_window_table_to_file_has_no_colour_codes(runner: CliRunner, toy_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "w.txt"
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Li6PS5Cl", "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "V vs Li/Li+" in text
    assert "\x1b[" not in text


def test_window_passes_options_to_the_library(
    runner: CliRunner, toy_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import interfacestab.analyses.window as window_module

    real = window_module.window_for
    calls: list[tuple[tuple, dict]] = []

    def fake(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(window_module, "window_for", fake)
    args = ["--store", str(toy_store), "window", "Li6PS5Cl", "--ion", "Li", "--no-stabilize"]
    args += ["--energy-above-hull", "0.05", "--source", "toy", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    ((call_args, kwargs),) = calls
    assert call_args == ("Li6PS5Cl",)
    store = kwargs.pop("store")
    assert isinstance(store, Store)
    assert store.path == toy_store
    assert kwargs == {
        "ion": "Li",
        "stabilize": False,
        "energy_above_hull_eV_per_atom": 0.05,
        "source": "toy",
        # issue 12's options, at their defaults
        "max_voltage_V": 5.0,
        "at_voltages_V": (),
        "reference": None,
        "compare": False,
    }
    assert type(kwargs["ion"]) is str  # the plain value, not the CLI's Enum
    # a user energy overrides --no-stabilize; the JSON says so (issue 9, section 5)
    assert json.loads(result.stdout)["stabilization_policy"] == "energy-above-hull"


def test_library_warning_is_one_line_on_stderr(
    runner: CliRunner, toy_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import warnings

    import interfacestab.analyses.window as window_module

    real = window_module.window_for

    def fake(*args, **kwargs):
        warnings.warn("a documented fallback was used", UserWarning, stacklevel=2)
        return real(*args, **kwargs)

    monkeypatch.setattr(window_module, "window_for", fake)
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Li6PS5Cl", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "warning: a documented fallback was used"
    json.loads(result.stdout)  # stdout stays clean JSON


def test_a_bug_keeps_its_traceback(runner: CliRunner, toy_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import interfacestab.analyses.window as window_module

    def broken(*args, **kwargs):
        msg = "boom"
        raise RuntimeError(msg)

    monkeypatch.setattr(window_module, "window_for", broken)
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Li6PS5Cl"])
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)  # not swallowed into an `error:` line
    assert "error:" not in result.stderr


# -- interface ---------------------------------------------------------------------------------
def test_interface_json_on_toy_store(runner: CliRunner, toy_store: Path) -> None:
    result = runner.invoke(app, ["--store", str(toy_store), "interface", "Li3PS4", "Li", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["reactant_a"], data["reactant_b"]) == ("Li3PS4", "Li")
    assert data["schema_version"] == "3"
    assert data["minimum"]["reaction_energy_eV_per_atom"] < 0  # closed: per atom of the mixture
    ends = [k for k in data["kinks"] if k["x_atomic_a"] in (0.0, 1.0)]
    assert [k["reaction_energy_eV_per_atom"] for k in ends] == [0.0, 0.0]
    assert "Li2S" in data["minimum"]["products"]


def test_interface_table_marks_the_minimum(runner: CliRunner, snapshot_store: Store) -> None:
    result = runner.invoke(app, ["--store", str(snapshot_store.path), "interface", "Li6PS5Cl", "LiCoO2"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Li6PS5Cl | LiCoO2" in out
    assert "closed system" in out
    assert out.count("◀") == 2  # the minimum row and its legend
    for text in ("x_atomic", "x_molar", "kJ/mol", "no-mixing", "provenance", "mp_legacy2019"):
        assert text in out


def test_interface_svg_plot_and_csv(runner: CliRunner, toy_store: Path, tmp_path: Path) -> None:
    svg = tmp_path / "i.svg"
    args = ["--store", str(toy_store), "interface", "Li3PS4", "Li", "--format", "csv", "--plot", str(svg)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["is_minimum"] for r in rows].count("True") == 1
    assert "<svg" in svg.read_text()


def test_interface_state_of_charge_and_options(
    runner: CliRunner, toy_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import interfacestab.analyses.interface as interface_module

    real = interface_module.interface_for
    calls: list[tuple[tuple, dict]] = []

    def fake(*args, **kwargs):
        calls.append((args, kwargs))
        return real("Li3PS4", "Li", store=kwargs["store"], source="toy")

    monkeypatch.setattr(interface_module, "interface_for", fake)
    args = ["--store", str(toy_store), "interface", "Li3PS4", "LiCoO2", "--soc-b", "0.5", "--voltage", "3.5"]
    args += ["--use-entry-energies", "--source", "toy", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    ((call_args, kwargs),) = calls
    assert call_args == ("Li3PS4", "LiCoO2")  # the library applies the state of charge (issue 10 §5)
    kwargs.pop("store")
    assert kwargs == {
        "ion": "Li", "voltage_V": 3.5, "use_entry_energies": True, "state_of_charge_a": None,
        "state_of_charge_b": 0.5, "source": "toy",
    }  # fmt: skip
    assert "B: LiCoO2 at state of charge 0.5 -> " in result.stderr


# -- user errors: exit 1, one line -------------------------------------------------------------
def test_unknown_element(runner: CliRunner, toy_store: Path) -> None:
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Xx2O"])
    assert_user_error(result, "unknown element 'Xx'")


def test_malformed_formula(runner: CliRunner, toy_store: Path) -> None:
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Li2(O"])
    assert_user_error(result, "malformed formula", "unbalanced")


def test_missing_import_file(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    result = runner.invoke(app, ["--store", str(tmp_path / "s.sqlite"), "data", "import", str(missing)])
    assert_user_error(result, "no such file", "nowhere.csv")


def test_wrong_csv_columns(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,value\nLi2S,-1.5\n")
    result = runner.invoke(app, ["--store", str(tmp_path / "s.sqlite"), "data", "import", str(bad)])
    assert_user_error(result, "formula,energy")


def test_chemical_system_without_data(runner: CliRunner, toy_store: Path) -> None:
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Na2O", "--ion", "Na"])
    assert_user_error(result, "has no entries in the Na-O system", "interfacestab data fetch Na-O")
    result = runner.invoke(app, ["--store", str(toy_store), "data", "entries", "Fe-O"])
    assert_user_error(result, "no entries for Fe-O")


def test_unknown_source(runner: CliRunner, toy_store: Path) -> None:
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Li6PS5Cl", "--source", "nope"])
    assert_user_error(result, "no source named 'nope'")


@pytest.mark.parametrize("args", [["data", "info"], ["window", "Li2S"], ["data", "entries", "Li-S"]])
def test_corrupt_store(runner: CliRunner, tmp_path: Path, args: list[str]) -> None:
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(bytes(range(256)) * 16)
    result = runner.invoke(app, ["--store", str(garbage), *args])
    assert_user_error(result, "corrupt", "garbage.sqlite")


def test_missing_store(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--store", str(tmp_path / "none.sqlite"), "window", "Li2S"])
    assert_user_error(result, "no store at", "interfacestab setup")


def test_fetch_without_api_key(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MP_API_KEY", raising=False)
    monkeypatch.delenv("PMG_MAPI_KEY", raising=False)
    monkeypatch.setenv("MP_API_ENDPOINT", "http://127.0.0.1:9/")  # never the internet, whatever happens
    result = runner.invoke(app, ["--store", str(tmp_path / "s.sqlite"), "data", "fetch", "Li-O"])
    assert_user_error(result, "API key", "MP_API_KEY")


def test_setup_without_snapshot(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["--store", str(tmp_path / "s.sqlite"), "setup", "--data-dir", str(empty)])
    assert_user_error(result, "offline snapshot not found")


def test_bad_state_of_charge(runner: CliRunner, toy_store: Path) -> None:
    """Out of its stated range 0-1: refused when the options are read, a usage error (exit 2), one line."""
    result = runner.invoke(app, ["--store", str(toy_store), "interface", "Li3PS4", "LiCl", "--soc-b", "1.5"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == "error: --soc-b must be a finite number from 0 to 1, not 1.5"


def test_unwritable_output(runner: CliRunner, toy_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "w.json"
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Li6PS5Cl", "-f", "json", "-o", str(target)])
    assert_user_error(result, "cannot write", "w.json")


# -- usage errors: exit 2 (Click) --------------------------------------------------------------
def test_window_needs_a_formula(runner: CliRunner, toy_store: Path) -> None:
    result = runner.invoke(app, ["--store", str(toy_store), "window"])
    assert result.exit_code == 2
    assert "FORMULA" in result.stderr


def test_unsupported_plot_extension_is_refused_before_work(runner: CliRunner, toy_store: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Li6PS5Cl", "--plot", str(tmp_path / "w.pdf")])
    assert result.exit_code == 2
    assert ".png or .svg" in result.stderr


def test_unknown_ion_is_a_usage_error(runner: CliRunner, toy_store: Path) -> None:
    result = runner.invoke(app, ["--store", str(toy_store), "window", "Li6PS5Cl", "--ion", "Mg"])
    assert result.exit_code == 2

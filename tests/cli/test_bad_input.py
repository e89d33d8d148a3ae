"""Bad input is one clear line and a non-zero exit (issue 9 §4), never a traceback, an exit 0 or invalid JSON.

The small store here is made up (formation energies in eV/atom, elements at 0): the checks are about
what the tool refuses and how, not about the numbers.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
from typing import TYPE_CHECKING

import pytest
from helpers.cli_helpers import import_toy_store, one_error_line, run_script

from interfacestab.analyses.batch import read_targets
from interfacestab.analyses.coatings import read_candidates
from interfacestab.analyses.scan import MAX_GRID_POINTS, eval_amount, parse_scan_range, scan_composition
from interfacestab.analyses.sweep import parse_sweep
from interfacestab.errors import AnalysisError, FormulaError, SourceError
from interfacestab_cli import options
from interfacestab_cli.main import app

if TYPE_CHECKING:
    from pathlib import Path

    from typer.testing import CliRunner

TOY_CSV = """formula,energy
Li2O,-2.08
Li2O2,-1.65
CoO,-1.30
Co3O4,-1.35
LiCoO2,-1.75
Li2S,-1.50
P2S5,-0.30
Li3PS4,-1.10
LiCl,-1.90
Li6PS5Cl,-1.30
Li3PO4,-2.50
Li3P,-0.70
CoS2,-0.50
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_toy_store(tmp_path_factory.mktemp("bad_input"), TOY_CSV)


# -- 1. NaN, infinite and out-of-range numbers ---------------------------------------------------
BAD_NUMBERS = ["nan", "inf", "-inf", "1e308", "-1e308"]
NUMERIC_OPTIONS = [
    (["window", "Li3PS4"], "--energy-above-hull", ["2", "-2"]),
    (["interface", "Li3PS4", "LiCoO2"], "--voltage", ["-0.1", "10.5"]),
    (["interface", "Li3PS4", "LiCoO2"], "--soc-a", ["1.5", "-0.5"]),
    (["interface", "Li3PS4", "LiCoO2"], "--soc-b", ["1.5"]),
    (["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2"], "--max-e-above-hull", ["-0.1", "2"]),
    (["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2"], "--max-reduction-limit", ["-1", "11"]),
    (["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2"], "--min-oxidation-limit", ["-1", "11"]),
    (["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2"], "--max-electrolyte-reaction", ["-0.1", "20"]),
    (["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2"], "--max-cathode-reaction", ["-0.1", "20"]),
    (["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2"], "--charged-fraction", ["1.5"]),
    (["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2"], "--voltage", ["-1", "11"]),
]


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [(c, o, v) for c, o, extra in NUMERIC_OPTIONS for v in [*BAD_NUMBERS, *extra]],
)
def test_non_finite_and_out_of_range_numbers_are_refused(
    runner: CliRunner, store: Path, command: list[str], option: str, value: str
) -> None:
    """Was: nan exits 0, -inf a ValueError traceback, 1e308 or inf gives -Infinity/Infinity in the JSON."""
    result = runner.invoke(app, ["--store", str(store), *command, option, value, "-f", "json"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    line = one_error_line(result.stderr)
    assert option in line and "finite number" in line
    low, high, _ = options.RANGES[option]
    assert f"{low:g} to {high:g}" in line


def test_every_numeric_option_states_its_range_in_help(runner: CliRunner) -> None:
    for command, option, _ in NUMERIC_OPTIONS:
        result = runner.invoke(app, [command[0], "--help"], env={"COLUMNS": "400"})
        assert result.exit_code == 0
        text = " ".join(result.stdout.split())
        assert option in text
        if option not in {"--soc-a", "--soc-b", "--charged-fraction"}:  # fractions say 0-1 in words
            assert options.range_text(option) in text, option
    assert options.MAX_GRID_POINTS == MAX_GRID_POINTS


@pytest.mark.parametrize("value", ["0", "-0.05", "0.2"])
def test_valid_energy_above_hull_still_works(runner: CliRunner, store: Path, value: str) -> None:
    result = runner.invoke(app, ["--store", str(store), "window", "Li3PS4", "--energy-above-hull", value, "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["e_above_hull_eV_per_atom"] == pytest.approx(float(value))


def test_installed_script_refuses_nan_with_one_line() -> None:
    proc = run_script("window", "Li3PS4", "--energy-above-hull", "nan", "-f", "json")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert "--energy-above-hull" in one_error_line(proc.stderr)


def test_json_never_holds_nan_or_infinity(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    """A failed candidate's score is -inf in the library; JSON has no -Infinity, so it is written as null."""
    candidates = tmp_path / "c.txt"
    candidates.write_text("Li3PO4\nXx2O\nLi2O\n")
    args = ["--store", str(store), "screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2"]
    result = runner.invoke(app, [*args, "--candidates", str(candidates), "-j", "1", "-f", "json"])
    assert result.exit_code == 0, result.output

    def strict(text: str) -> object:
        return json.loads(text, parse_constant=lambda c: pytest.fail(f"JSON holds {c}"))

    data = strict(result.stdout)
    failed = [r for r in data["results"] if r["error"]]  # type: ignore[index]
    assert [r["formula"] for r in failed] == ["Xx2O"]
    assert failed[0]["score"] is None


# -- 2. candidate and batch files ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"formula\n\xff\xfeLi3PS4\n", "not UTF-8 text (byte 0xff at offset 8)"),
        (b"formula,ion\n,Li\n", "line 2 has an empty formula cell"),
        (b"Li3PS4\x00\n", "NUL bytes"),
        (b"\n# only a comment\n", "no formulas"),
        (b'formula\n"' + b"Li" * 100_000 + b'"\n', "not valid CSV"),  # over the csv module's field limit
    ],
)
@pytest.mark.parametrize("reader", [read_targets, read_candidates])
def test_bad_list_files_are_one_source_error(tmp_path: Path, reader: object, content: bytes, message: str) -> None:
    """Was: UnicodeDecodeError, AttributeError ('NoneType' has no attribute 'strip') tracebacks."""
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError) as err:
        reader(path)  # type: ignore[operator]
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_list_files_keep_working(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "formula,ion\nLi3PS4,\n,\nNa3PS4,Na\n"
    )  # an empty ion is the default; a row of empty cells is skipped
    assert read_targets(path) == [("Li3PS4", "Li"), ("Na3PS4", "Na")]
    assert read_candidates(path) == ["Li3PS4", "Na3PS4"]
    path.write_text("formula,ion\nLi3PS4,Xx\n")
    with pytest.raises(SourceError, match="ion 'Xx'"):
        read_targets(path)


@pytest.mark.parametrize("kind", ["missing", "folder", "fifo"])
@pytest.mark.parametrize("reader", [read_targets, read_candidates])
def test_list_file_must_be_a_regular_file(tmp_path: Path, reader: object, kind: str) -> None:
    """A FIFO nobody writes to blocked for ever; it is refused at once."""
    path = tmp_path / "list"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    done: list[BaseException] = []

    def call() -> None:
        try:
            reader(path)  # type: ignore[operator]
        except BaseException as exc:
            done.append(exc)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(5)
    if thread.is_alive():  # unblock the reader so the test process can end
        with path.open("w"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert len(done) == 1 and isinstance(done[0], SourceError), done
    assert {"missing": "No such file", "folder": "is a folder", "fifo": "not a regular file"}[kind] in str(done[0])


def test_installed_script_refuses_a_fifo_batch(tmp_path: Path) -> None:
    fifo = tmp_path / "targets"
    os.mkfifo(fifo)
    proc = run_script("window", "--batch", str(fifo), "-o", str(tmp_path / "out.csv"), timeout=30)
    assert proc.returncode == 1
    assert "not a regular file" in one_error_line(proc.stderr)


def test_batch_with_huge_amounts_reports_the_row(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    """Was: OverflowError for 'inf' amounts; now the row carries the formula error."""
    targets = tmp_path / "t.txt"
    targets.write_text("Li3PS4\nLi" + "9" * 400 + "S\n")
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["--store", str(store), "window", "--batch", str(targets), "-o", str(out), "-j", "1"])
    assert "Traceback" not in result.output
    rows = json.loads(out.read_text())["results"]
    assert rows[0]["error"] is None
    assert "larger than 1e+06" in rows[1]["error"]


# -- 3. scan templates and grids -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("Li99**99**99xS", "unexpected '\\*'"),  # eval never returned
        ("Li10**400xS", "unexpected '\\*'"),  # eval overflowed
        ("Li999999*999999xS", "must be finite, at most 1e\\+06"),
        ("Lix/0S", "division by zero"),
        ("Li__import__S", "unexpected '_'"),
        ("Li(x+1S", "unbalanced"),
        ("Li" + "(" * 40 + "x" + ")" * 40 + "S", "nested parentheses"),
        ("Li6+yS", "'y' is not the scan variable"),
        ("Li1e400xS", "'e' is not the scan variable"),
    ],
)
def test_scan_template_amounts_are_parsed_not_evaluated(template: str, message: str) -> None:
    with pytest.raises(FormulaError, match=message):
        scan_composition(template, "x", 1.0)


@pytest.mark.parametrize(
    ("expr", "x", "expected"),
    [("6+x", 0.25, 6.25), ("1-x", 0.25, 0.75), ("0.5x", 0.5, 0.25), ("2(1-x)/3", 0.25, 0.5), ("-x+2*x", 3, 3),
     ("", 7, 1.0), ("(x)", 2, 2), ("7-2x", 0.5, 6.0)],
)  # fmt: skip
def test_amount_expressions(expr: str, x: float, expected: float) -> None:
    assert eval_amount(expr, "x", x) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("x=0:1e9:1e-9", "more than the 1001 allowed"),  # tried to allocate gigabytes
        ("x=0:5:nan", "finite"),
        ("x=0,inf", "finite"),
        ("x=nan,1", "finite"),
        ("x=0:1", "START:STOP:STEP"),
        ("x=0:1:0", "STEP > 0"),
        ("x=" + ",".join(["0"] * (MAX_GRID_POINTS + 1)), "more than the 1001 allowed"),
    ],
)
def test_scan_ranges_are_bounded_and_finite(spec: str, message: str) -> None:
    with pytest.raises(FormulaError, match=message):
        parse_scan_range(spec)


def test_scan_range_at_the_limit() -> None:
    var, values = parse_scan_range("x=0:1:0.001")
    assert var == "x" and len(values) == MAX_GRID_POINTS
    assert values[0] == 0 and values[-1] == 1 and all(math.isfinite(v) for v in values)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("0:5:nan", "finite"),  # was ValueError: arange: cannot compute length
        ("nan:5:1", "finite"),
        ("0:inf:1", "finite"),
        ("0:10:1e-9", "more than the 1001 allowed"),  # MemoryError
        ("0:10:1e-5", "more than the 1001 allowed"),  # ran for minutes
    ],
)
def test_sweeps_are_bounded_and_finite(spec: str, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        parse_sweep(spec)
    assert len(parse_sweep("0:10:0.01")) == MAX_GRID_POINTS


@pytest.mark.parametrize(
    "args",
    [
        ["window", "Li10**400xS", "--scan", "x=0,1"],
        ["window", "Li99**99**99xS", "--scan", "x=0,1"],
        ["window", "Li6+xP1-xS", "--scan", "x=0:1e9:1e-9"],
        ["interface", "Li3PS4", "LiCoO2", "--sweep", "0:10:1e-9"],
        ["interface", "Li3PS4", "LiCoO2", "--sweep", "0:5:nan"],
        ["window", "Li" + "9" * 400 + "S"],
    ],
)
def test_cli_refuses_resource_exhaustion_with_one_line(runner: CliRunner, store: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["--store", str(store), *args])
    assert result.exit_code == 1, result.output
    one_error_line(result.stderr)


# -- 4. hydrates: the parsed formula is what the report shows --------------------------------------
def test_hydrate_report_shows_the_parsed_formula(runner: CliRunner, store: Path) -> None:
    """CuSO4.5H2O was read as CuH2SO5.5; it is CuSO4 + 5 H2O, and the report names CuH10SO9."""
    result = runner.invoke(app, ["--store", str(store), "window", "LiCoO2.Li2O", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["composition"] == {"Li": 3.0, "Co": 1.0, "O": 3.0}
    assert data["formula"] == "Li3CoO3"


def test_interface_and_screen_show_the_parsed_formula(runner: CliRunner, store: Path) -> None:
    """The screen echoed the typed name; every report now names the formula as read."""
    result = runner.invoke(app, ["--store", str(store), "interface", "Li2O.CoO", "Li3PS4", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["reactant_a"] == "Li2CoO2"

    args = ["--store", str(store), "screen", "--electrolyte", "Li3PS4", "--cathode", "Li2O·CoO", "-j", "1"]
    for fmt in ("json", "md"):
        result = runner.invoke(app, [*args, "-f", fmt])
        assert result.exit_code == 0, result.output
        assert "cathode Li2O·CoO read as Li2CoO2" in result.stderr
        if fmt == "json":
            assert json.loads(result.stdout)["cathode"] == "Li2CoO2"
        else:
            assert "Li2O·CoO" not in result.stdout and "Li3PS4 | Li2CoO2" in result.stdout


# -- 5. scheduler addresses --------------------------------------------------------------------------
@pytest.mark.parametrize("address", ["not a url", "http://host:8786", "tcp://:8786", "tcp://host", "tcp://host:99999"])
def test_bad_scheduler_address_is_one_line(runner: CliRunner, store: Path, tmp_path: Path, address: str) -> None:
    """Was: ValueError traceback from the Dask client."""
    targets = tmp_path / "t.txt"
    targets.write_text("Li3PS4\n")
    args = ["--store", str(store), "window", "--batch", str(targets), "-o", str(tmp_path / "o.csv")]
    result = runner.invoke(app, [*args, "--scheduler", address])
    assert result.exit_code == 2, result.output
    assert "--scheduler must be an address such as tcp://HOST:PORT" in one_error_line(result.stderr)


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tls://scheduler.example:8786", "127.0.0.1:8786"])
def test_good_scheduler_addresses_pass(address: str) -> None:
    assert options.check_scheduler(address) == address


@pytest.mark.parametrize(("option", "value"), [("--workers", "0"), ("--workers", "100000"), ("--top", "0")])
def test_counts_are_bounded(runner: CliRunner, store: Path, option: str, value: str) -> None:
    args = ["--store", str(store), "screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", option, value]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert option in one_error_line(result.stderr)


# -- 7. screen --auto: progress from the start, one hull per maximal system ----------------------
def test_auto_candidates_match_pymatgen_and_report_progress(store: Path) -> None:
    """The selection (tens of seconds on the snapshot) reports progress; its answer is pymatgen's."""
    from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
    from pymatgen.core import Composition

    from interfacestab.analyses import coatings
    from interfacestab.store import open_store

    calls: list[tuple[int, int]] = []
    with open_store(store, create=False) as st:
        for limit in (0.0, 0.005, 0.3):
            got = coatings.auto_candidates(
                st, max_e_above_hull_eV_per_atom=limit, progress=lambda d, t: calls.append((d, t))
            )
            expected = []
            entries = list(st.iter_entries(None, containing="Li"))
            for e in entries:
                system = set(e.composition)
                pool = [x for x in st.iter_entries(None) if set(x.composition) <= system]
                pd_entries = [PDEntry(Composition(el), 0.0) for el in system]
                pd_entries += [
                    PDEntry(Composition(x.composition), x.e_form_eV_per_atom * sum(x.composition.values()))
                    for x in pool
                ]
                pd = PhaseDiagram(pd_entries)
                mine = PDEntry(Composition(e.composition), e.e_form_eV_per_atom * sum(e.composition.values()))
                if pd.get_e_above_hull(mine, allow_negative=True) <= limit + 1e-9:
                    expected.append(e.formula)
            assert sorted(got) == sorted(expected), limit
    assert calls[0][0] == 0 and all(t == calls[0][1] for _, t in calls[: calls[0][1] + 1])
    assert calls[calls[0][1]] == (calls[0][1], calls[0][1])


def test_auto_screen_shows_progress_on_stderr(runner: CliRunner, store: Path) -> None:
    args = ["--store", str(store), "screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", "--auto"]
    result = runner.invoke(app, [*args, "--max-e-above-hull", "0.3", "-j", "1", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n_candidates"] > 0
    assert "--auto: e_above_hull of every compound with Li" in result.stderr
    found = re.search(r"(\d+) candidates with Li from the data \(--auto\)", result.stderr)
    assert found is not None
    assert int(found.group(1)) == data["n_candidates"] + len(data["skipped_candidates"])

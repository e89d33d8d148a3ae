"""The stdout contract of the installed ``interfacestab`` script, checked the way a script reads it.

Every command runs as a subprocess of the console script installed beside ``sys.executable`` (what
``pip install`` puts on PATH), so output written by C code straight to file descriptor 1 (the HiGHS
banner) or by worker processes is seen, which in-process ``CliRunner`` tests cannot see. stdout is
parsed as a whole with real parsers (``json.loads`` rejecting NaN/Infinity, ``csv.DictReader``,
markdown-it for Markdown tables); the formats of one result are cross-checked against each other, and
``--output FILE`` must hold exactly what stdout would. Nothing but the result may reach stdout;
stderr may carry progress and warnings, never a traceback.

One store per module (``setup`` from the offline snapshot, plus a hand-made toy source via
``data import``) lives in a temporary folder: the tests never touch ``cache/``.

Matrix (formats as each command's ``--help`` offers them):

====================================  ==================  ===========================================
command                               stdout formats      also
====================================  ==================  ===========================================
window FORMULA                        json csv md table   --output .json/.md equals stdout
window --scan                         json csv md         --output .csv equals stdout
window --batch FILE                   json csv md         --output .csv/.json, --workers 1 and 2
window --all-compounds                json csv md         --output .csv/.json, --workers 1 and 2
interface A B (closed)                json csv md table   --output .csv equals stdout
interface --voltage                   json csv md         --output .json equals stdout
interface --sweep                     json csv md         --output .md equals stdout
interface --soc-a                     json csv md
screen (seed coatings)                json csv md table   --workers 2 (2 chunks: 2 worker processes), 1
screen --candidates FILE              json csv md         --workers 2, --output .json/.csv
screen --auto --include-elements      json                --workers 2
data info                             json table
data entries                          json csv            toy source: hand-checked e_above_hull
--help of every (sub)command, --version
====================================  ==================  ===========================================
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers.output_parsers import csv_number, md_table, md_table_with, parse_csv, parse_json, parse_markdown, rounds_to

SCRIPT = Path(sys.executable).parent / "interfacestab"
TIMEOUT_S = 300
HELP_TIMEOUT_S = 30
#: Modules that must stay off the start-up of --help and --version (they take seconds to import).
HEAVY = ("numpy", "scipy", "pymatgen", "highspy", "matplotlib", "mp_api", "dask", "distributed", "pandas")
ANSI = re.compile(r"\x1b\[")
#: Environment a user's terminal may set that would change what a pipe receives; removed for the runs.
UNSET = ("FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS", "LINES", "PYTHONWARNINGS")

ELECTROLYTE, CATHODE = "Li6PS5Cl", "LiCoO2"
#: Nine coatings from different chemical systems: two chunks of the screen, so two worker processes.
CANDIDATES = ("LiF", "Li2O", "Li3BO3", "LiAlO2", "Li2SiO3", "LiTaO3", "Li2ZrO3", "LiNbO3", "Li3PO4")

#: A hand-made Li-Co-O source (formation energies, eV/atom; elements at 0) whose windows are worked out
#: by hand in ``test_all_compounds_toy_source_numbers_are_the_hand_values``.
TOY_SOURCE = "toy_LiCoO"
TOY_CSV = """formula,energy
Li2O,-2.07
Li2O2,-1.65
LiO2,-0.90
LiCoO2,-1.75
CoO,-1.25
Co3O4,-1.30
"""


# -- running the script ----------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """One finished run of the script."""

    args: tuple[str, ...]
    stdout: str
    stderr: str
    seconds: float


def _env(store: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env["INTERFACESTAB_STORE"] = str(store)  # never the checkout's cache/
    env.update(extra)
    return env


def run_script(store: Path, *args: str, timeout: float = TIMEOUT_S, **env: str) -> Run:
    """Run ``interfacestab --store STORE ARGS`` and require exit 0 and no traceback on stderr."""
    argv = [str(SCRIPT), "--store", str(store), *args]
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=_env(store, **env), check=False)
    seconds = time.perf_counter() - start
    shown = " ".join(args)
    assert proc.returncode == 0, f"`interfacestab {shown}` exited {proc.returncode}; stderr:\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, f"`interfacestab {shown}` printed a traceback:\n{proc.stderr}"
    return Run(tuple(args), proc.stdout, proc.stderr, seconds)


def assert_nothing_but(run: Run, fmt: str) -> Any:
    """Parse a run's whole stdout in its format (json, csv, md) and return the parsed value."""
    assert run.stdout, f"`{' '.join(run.args)}` printed nothing on stdout"
    assert run.stdout.endswith("\n"), "stdout does not end with a newline"
    if fmt == "json":
        return parse_json(run.stdout)
    if fmt == "csv":
        return parse_csv(run.stdout)
    if fmt == "md":
        return parse_markdown(run.stdout)
    raise AssertionError(fmt)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli_contract")


@pytest.fixture(scope="module")
def store(workdir: Path, shared_data: Path) -> Path:
    """A store filled by the script itself: ``setup`` from the snapshot, ``data import`` of the toy table."""
    path = workdir / "store.sqlite"
    run_script(path, "setup", "--data-dir", str(shared_data))
    toy = workdir / f"{TOY_SOURCE}.csv"
    toy.write_text(TOY_CSV, encoding="utf-8")
    run_script(path, "data", "import", str(toy), "--source-name", TOY_SOURCE)
    assert path.is_file()
    return path


@pytest.fixture(scope="module")
def cli(store: Path):
    """``cli(*args)``: a run of the script on the module's store, memoized (each command runs once)."""
    done: dict[tuple[str, ...], Run] = {}

    def call(*args: str) -> Run:
        if args not in done:
            done[args] = run_script(store, *args)
        return done[args]

    return call


@pytest.fixture(scope="module")
def candidates_file(workdir: Path) -> Path:
    path = workdir / "candidates.txt"
    path.write_text("# coatings to try\n" + "\n".join(CANDIDATES) + "\n", encoding="utf-8")
    return path


# -- comparing formats -----------------------------------------------------------------------
def same_cell(cell: str, value: object) -> bool:
    """Whether a CSV cell holds a JSON value (full precision: floats must round-trip exactly)."""
    if value is None:
        return cell == ""
    if isinstance(value, bool):
        return cell == str(value)
    if isinstance(value, int | float):
        return cell != "" and float(cell) == float(value)
    if isinstance(value, list):
        return cell == ";".join(str(v) for v in value)
    return cell == str(value)


def assert_rows_match(rows: list[dict[str, str]], items: list[dict[str, Any]], top: dict[str, Any]) -> None:
    """CSV rows against the JSON list they flatten: every shared column, row by row, plus header fields."""
    assert len(rows) == len(items), f"{len(rows)} CSV rows for {len(items)} JSON items"
    compared = 0
    for i, (row, item) in enumerate(zip(rows, items, strict=True)):
        for name, cell in row.items():
            if name in item and not isinstance(item[name], dict):
                value = item[name]
            elif name in top and not isinstance(top[name], dict | list):
                value = top[name]
            else:
                continue
            assert same_cell(cell, value), f"row {i} column {name}: CSV {cell!r} != JSON {value!r}"
            compared += 1
    assert compared >= 3 * len(rows), "CSV and JSON share too few columns to compare"


# -- single results: window, scan, interface, sweep ------------------------------------------
SINGLE: dict[str, tuple[str, ...]] = {
    "window": ("window", "Li6PS5Cl"),
    "window-scan": ("window", "Li6+xP1-xGexS5I", "--scan", "x=0:0.5:0.25"),
    "interface": ("interface", ELECTROLYTE, CATHODE),
    "interface-voltage": ("interface", ELECTROLYTE, CATHODE, "--voltage", "3"),
    "interface-sweep": ("interface", ELECTROLYTE, CATHODE, "--sweep", "0:5:1"),
    "interface-soc-a": ("interface", CATHODE, ELECTROLYTE, "--soc-a", "0.5"),
}
#: Per kind: the JSON list the CSV flattens and the columns the CSV must have.
CSV_SHAPE: dict[str, tuple[str, tuple[str, ...]]] = {
    "window": ("profile", ("formula", "ion", "reduction_limit_V", "oxidation_limit_V", "voltage_low_V",
                           "voltage_high_V", "phases", "decomposition_energy_eV_per_nonion_atom", "is_window", "source")),
    "window-scan": ("rows", ("template", "value", "formula", "reduction_limit_V", "oxidation_limit_V", "source")),
    "interface": ("kinks", ("reactant_a", "reactant_b", "x_atomic_a", "reaction_energy_eV_per_atom",
                            "reaction_energy_kJ_per_mol", "products", "is_minimum", "source")),
    "interface-voltage": ("kinks", ("voltage_V", "x_atomic_a", "reaction_energy_eV_per_nonion_atom", "is_minimum")),
    "interface-sweep": ("", ("row_type", "voltage_V", "reaction_energy_eV_per_nonion_atom", "products_below",
                             "products_above", "source")),
    "interface-soc-a": ("kinks", ("reactant_a", "x_atomic_a", "reaction_energy_eV_per_atom", "is_minimum")),
}  # fmt: skip


def single(cli, kind: str, fmt: str) -> Run:
    return cli(*SINGLE[kind], "--format", fmt)


@pytest.mark.parametrize("kind", SINGLE)
def test_json_stdout_is_one_strict_document(cli, kind: str) -> None:
    doc = assert_nothing_but(single(cli, kind, "json"), "json")
    assert isinstance(doc, dict)
    if kind.startswith("window"):
        assert doc["ion"] == "Li"
    else:
        assert doc["reactant_b"] in {CATHODE, ELECTROLYTE}


@pytest.mark.parametrize("kind", SINGLE)
def test_csv_stdout_agrees_with_json(cli, kind: str) -> None:
    doc = parse_json(single(cli, kind, "json").stdout)
    list_key, required = CSV_SHAPE[kind]
    run = single(cli, kind, "csv")
    assert_nothing_but(run, "csv")
    _, rows = parse_csv(run.stdout, required)
    if kind == "interface-sweep":  # grid points and located transitions, told apart by row_type
        points = [r for r in rows if r["row_type"] == "point"]
        transitions = [r for r in rows if r["row_type"] == "transition"]
        assert len(points) + len(transitions) == len(rows)
        points_json = [{k: v for k, v in p.items() if not isinstance(v, dict)} for p in doc["points"]]
        assert_rows_match(points, points_json, doc)
        assert_rows_match(transitions, doc["transitions"], doc)
        voltages = [float(r["voltage_V"]) for r in rows]
        assert voltages == sorted(voltages)
        return
    assert_rows_match(rows, doc[list_key], doc)
    if list_key == "kinks":
        minima = [r for r in rows if r["is_minimum"] == "True"]
        assert len(minima) == 1
        per = "_eV_per_atom" if doc["voltage_V"] is None else "_eV_per_nonion_atom"  # the key says the unit
        assert f"reaction_energy{per}" in doc["minimum"]
        assert float(minima[0][f"reaction_energy{per}"]) == doc["minimum"][f"reaction_energy{per}"]
        assert float(minima[0]["x_atomic_a"]) == doc["minimum"]["x_atomic_a"]
    if kind == "window":
        window_rows = [r for r in rows if r["is_window"] == "True"]
        assert len(window_rows) == 1
        assert float(window_rows[0]["voltage_low_V"]) == doc["reduction_limit_V"]
        assert float(window_rows[0]["voltage_high_V"]) == doc["oxidation_limit_V"]


@pytest.mark.parametrize("kind", SINGLE)
def test_markdown_stdout_tables_agree_with_json(cli, kind: str) -> None:
    doc = parse_json(single(cli, kind, "json").stdout)
    md = assert_nothing_but(single(cli, kind, "md"), "md")
    assert md.headings[0][0] == 2
    if kind == "window":
        assert md.headings[0][1].startswith(f"{doc['formula']}:")
        # stages by column label; the unlabelled last column carries the window mark, explained in the legend
        table = md_table_with(
            md, "V low", "V high", "Li per f.u.", "phases", "reaction", "E_decomp (eV/non-Li atom)", ""
        )
        assert len(table.rows) == len(doc["profile"])
        for name, key, digits in (("V low", "voltage_low_V", 2), ("V high", "voltage_high_V", 2),
                                  ("Li per f.u.", "ion_per_formula_unit", 2),
                                  ("E_decomp (eV/non-Li atom)", "decomposition_energy_eV_per_nonion_atom", 3)):  # fmt: skip
            for cell, stage in zip(table.column(name), doc["profile"], strict=True):
                assert rounds_to(cell, stage[key], digits), (name, cell, stage)
        assert table.column("phases") == [" + ".join(stage["phases"]) for stage in doc["profile"]]
        marks = table.column("")
        assert set(marks) == {"◀", ""}
        assert [m == "◀" for m in marks] == [stage["is_window"] for stage in doc["profile"]]
        assert marks.count("◀") == 1
    elif kind == "window-scan":
        assert md.headings[0][1].startswith(f"{doc['template']}:")
        table = md_table(md, doc["variable"])
        assert len(table.rows) == len(doc["rows"])
        assert table.column("formula") == [r["formula"] for r in doc["rows"]]
        for cell, r in zip(table.column("V_red (V)"), doc["rows"], strict=True):
            assert rounds_to(cell, r["reduction_limit_V"], 2)
        for cell, r in zip(table.column("V_ox (V)"), doc["rows"], strict=True):
            assert rounds_to(cell, r["oxidation_limit_V"], 2)
    elif kind == "interface-sweep":
        point_tables = [t for t in md.tables if t.header[:2] == ["V", "dE"]]
        change_tables = [t for t in md.tables if t.header[:2] == ["V", "products below"]]
        assert len(point_tables) == len(change_tables) == 1
        assert len(point_tables[0].rows) == len(doc["points"])
        assert len(change_tables[0].rows) == len(doc["transitions"])
        for row, p in zip(point_tables[0].rows, doc["points"], strict=True):
            assert rounds_to(row[0], p["voltage_V"], 2)
            assert rounds_to(row[1], p["reaction_energy_eV_per_nonion_atom"], 3)
        for row, t in zip(change_tables[0].rows, doc["transitions"], strict=True):
            assert rounds_to(row[0], t["voltage_V"], 3)
    else:  # interface profiles
        assert md.headings[0][1].startswith(f"{doc['reactant_a']} | {doc['reactant_b']}:")
        ion = doc["ion"]
        unit = "eV/atom" if doc["voltage_V"] is None else f"eV per non-{ion} atom"  # open: per non-ion atom
        per = "_eV_per_atom" if doc["voltage_V"] is None else "_eV_per_nonion_atom"
        energy, mutual = f"dE ({unit})", f"mutual ({unit})"
        table = md_table_with(md, "x_atomic", "x_molar", energy, "dE (kJ/mol)", mutual, "reaction", "")
        assert len(table.rows) == len(doc["kinks"])
        for name, key, digits in (("x_atomic", "x_atomic_a", 3), ("x_molar", "x_molar_a", 3),
                                  (energy, f"reaction_energy{per}", 3),
                                  ("dE (kJ/mol)", "reaction_energy_kJ_per_mol", 1),
                                  (mutual, f"mutual_reaction_energy{per}", 3)):  # fmt: skip
            for cell, kink in zip(table.column(name), doc["kinks"], strict=True):
                assert rounds_to(cell, kink[key], digits), (name, cell, kink)
        # the one marked row (the mark is explained in the legend) is the JSON minimum
        marks = table.column("")
        assert set(marks) == {"◀", ""}
        marked = [i for i, m in enumerate(marks) if m == "◀"]
        assert len(marked) == 1
        assert doc["kinks"][marked[0]] == doc["minimum"]


OUTPUT_FILES = [
    ("window", "json"), ("window", "md"), ("window-scan", "csv"), ("interface", "csv"), ("interface-voltage", "json"),
    ("interface-sweep", "md"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "fmt"), OUTPUT_FILES)
def test_output_file_holds_exactly_what_stdout_gets(cli, workdir: Path, kind: str, fmt: str) -> None:
    target = workdir / f"{kind}.{fmt}"
    run = cli(*SINGLE[kind], "--format", fmt, "--output", str(target))
    assert run.stdout == "", f"--output still printed on stdout: {run.stdout[:300]!r}"
    assert target.read_text(encoding="utf-8") == single(cli, kind, fmt).stdout


# -- table format on a pipe ------------------------------------------------------------------
TABLE_RUNS = {
    "window": SINGLE["window"],
    "interface": SINGLE["interface"],
    "screen": ("screen", "--electrolyte", ELECTROLYTE, "--cathode", CATHODE, "--workers", "2"),
    "data-info": ("data", "info"),
}


@pytest.mark.parametrize("kind", TABLE_RUNS)
def test_table_on_a_pipe_is_plain_text(cli, kind: str) -> None:
    """The human table, piped: no ANSI escapes, no rich markup left, no stray lines before it."""
    run = cli(*TABLE_RUNS[kind], "--format", "table")
    assert run.stdout.strip(), "empty table"
    assert not ANSI.search(run.stdout), "ANSI escape codes on a pipe"
    assert not re.search(r"\[/?(bold|dim|red|yellow|green|italic)[^\]]*\]", run.stdout), "rich markup left in text"
    assert "HiGHS" not in run.stdout


# -- screen ----------------------------------------------------------------------------------
SCREEN_REQUIRED = ("electrolyte", "cathode", "rank", "formula", "passed", "score", "e_above_hull_eV_per_atom",
                   "reduction_limit_V", "oxidation_limit_V", "electrolyte_reaction_eV_per_atom",
                   "cathode_reaction_eV_per_atom", "charged_cathode_reaction_eV_per_atom", "source")  # fmt: skip


def screen_args(kind: str, candidates: Path) -> tuple[str, ...]:
    base = ("screen", "--electrolyte", ELECTROLYTE, "--cathode", CATHODE)
    return {
        "seeds": (*base, "--workers", "2"),
        "candidates": (*base, "--candidates", str(candidates), "--workers", "2"),
        "auto": (*base, "--auto", "--include-elements", "Ta,O", "--workers", "2"),
    }[kind]


SCREEN_FORMATS = [("seeds", "json"), ("seeds", "csv"), ("seeds", "md"), ("candidates", "json"),
                  ("candidates", "csv"), ("candidates", "md"), ("auto", "json")]  # fmt: skip


@pytest.mark.parametrize(("kind", "fmt"), SCREEN_FORMATS)
def test_screen_stdout_parses_and_agrees_with_json(cli, candidates_file: Path, kind: str, fmt: str) -> None:
    args = screen_args(kind, candidates_file)
    doc = parse_json(cli(*args, "--format", "json").stdout)
    results = doc["results"]
    assert doc["n_candidates"] == len(results) > 0
    if kind == "candidates":
        assert sorted(r["formula"] for r in results) == sorted(CANDIDATES)
    if kind == "auto":
        assert len(results) > 8  # more than one chunk of work: both worker processes ran
    run = cli(*args, "--format", fmt)
    parsed = assert_nothing_but(run, fmt)
    if fmt == "csv":
        _, rows = parsed
        parse_csv(run.stdout, SCREEN_REQUIRED)
        items = [{k: v for k, v in r.items() if not isinstance(v, dict)} for r in results]
        assert_rows_match(rows, items, doc)
        assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    elif fmt == "md":
        # short headers (dE el./cath./chg.); the title and the legend name the compounds they stand for
        assert parsed.headings[0] == (2, f"coatings for {ELECTROLYTE} | {CATHODE}: {doc['n_passed']} of "
                                         f"{doc['n_candidates']} pass")  # fmt: skip
        dE = {"dE el. (eV/atom)": "electrolyte_reaction_eV_per_atom", "dE cath. (eV/atom)": "cathode_reaction_eV_per_atom",
              "dE chg. (eV/atom)": "charged_cathode_reaction_eV_per_atom"}  # fmt: skip
        table = md_table_with(parsed, "#", "formula", "pass", "score", "mean margin", "window (V)", *dE)
        assert len(table.rows) == len(results)
        assert table.column("#") == [str(i) for i in range(1, len(results) + 1)]
        assert table.column("formula") == [r["formula"] for r in results]
        assert table.column("pass") == ["✓" if r["passed"] else "✗" for r in results]
        for cell, r in zip(table.column("score"), results, strict=True):
            assert rounds_to(cell, r["score"], 2)
        for cell, r in zip(table.column("mean margin"), results, strict=True):
            assert rounds_to(cell, r["mean_margin"], 2)
        for cell, r in zip(table.column("window (V)"), results, strict=True):
            low, high = cell.split(" – ")
            assert rounds_to(low, r["reduction_limit_V"], 2) and rounds_to(high, r["oxidation_limit_V"], 2), cell
        for label, key in dE.items():
            for cell, r in zip(table.column(label), results, strict=True):
                assert rounds_to(cell, r[key], 3), (label, cell, r[key])


def test_screen_results_do_not_depend_on_workers(cli, candidates_file: Path) -> None:
    two = parse_json(cli(*screen_args("seeds", candidates_file), "--format", "json").stdout)
    one = parse_json(
        cli("screen", "--electrolyte", ELECTROLYTE, "--cathode", CATHODE, "--workers", "1", "--format", "json").stdout
    )
    assert two["results"] == one["results"]


@pytest.mark.parametrize("ext", ["json", "csv"])
def test_screen_output_file_agrees_with_stdout(cli, workdir: Path, candidates_file: Path, ext: str) -> None:
    """``screen --output`` writes every candidate; stdout still carries only the chosen format."""
    target = workdir / f"screen.{ext}"
    args = screen_args("candidates", candidates_file)
    run = cli(*args, "--format", "json", "--output", str(target))
    stdout_doc = assert_nothing_but(run, "json")
    assert stdout_doc["results"] == parse_json(cli(*args, "--format", "json").stdout)["results"]
    text = target.read_text(encoding="utf-8")
    if ext == "json":
        assert parse_json(text)["results"] == stdout_doc["results"]
    else:
        _, rows = parse_csv(text, ("rank", "formula", "score", "reduction_limit_V"))
        items = [{k: v for k, v in r.items() if not isinstance(v, dict)} for r in stdout_doc["results"]]
        assert_rows_match(rows, items, {})


def test_screen_with_a_failed_candidate_is_still_valid_output(cli, workdir: Path) -> None:
    """A candidate that cannot be screened (no F in the toy source) is a row with its error, ranked last.

    Its score is not a number: JSON ``null`` and an empty CSV cell, never ``-Infinity`` (not JSON) or ``-inf``.
    """
    path = workdir / "toy_candidates.txt"
    path.write_text("Li2O2\nLiF\nCoO\n", encoding="utf-8")
    args = ("screen", "--source", TOY_SOURCE, "--electrolyte", "Li2O", "--cathode", "LiCoO2",
            "--candidates", str(path), "--workers", "1")  # fmt: skip
    doc = assert_nothing_but(cli(*args, "--format", "json"), "json")
    results = doc["results"]
    assert [r["formula"] for r in results][-1] == "LiF"
    failed = results[-1]
    assert failed["error"] and "F-Li" in failed["error"]
    assert failed["score"] is None and failed["mean_margin"] is None and failed["passed"] is False
    assert all(isinstance(r["score"], float) for r in results[:-1])
    run = cli(*args, "--format", "csv")
    _, rows = parse_csv(run.stdout, SCREEN_REQUIRED)
    assert_rows_match(rows, [{k: v for k, v in r.items() if not isinstance(v, dict)} for r in results], doc)
    assert rows[-1]["score"] == rows[-1]["mean_margin"] == ""
    table = md_table(assert_nothing_but(cli(*args, "--format", "md"), "md"), "#")
    assert table.column("formula")[-1] == "LiF"
    assert table.column("score")[-1] == "–"
    # the checkpoint holds the null score; a resumed run reads it back and ranks the same way
    out = workdir / "toy_screen.json"
    first = assert_nothing_but(cli(*args, "--format", "json", "--output", str(out)), "json")
    resumed = assert_nothing_but(cli(*args, "--format", "json", "--output", str(out), "--resume"), "json")
    assert resumed["n_computed"] == 0
    assert resumed["results"] == first["results"] == results
    assert parse_json(out.read_text(encoding="utf-8"))["results"] == results


# -- window batches --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def batch_file(cli, workdir: Path) -> tuple[Path, list[str], dict[str, dict[str, Any]]]:
    """Every Li compound of three systems as listed by ``data entries`` (more than one chunk of 64 targets).

    Returns the file, its distinct formulas in order, and the entries by formula.
    """
    entries: dict[str, dict[str, Any]] = {}
    for chemsys in ("Li-Co-O", "Li-P-S", "Li-Nb-O"):
        doc = assert_nothing_but(cli("data", "entries", chemsys, "--format", "json"), "json")
        for e in doc["entries"]:
            if "Li" in e["formula"] and e["formula"] != "Li":
                entries.setdefault(e["formula"], e)
    formulas = list(entries)
    assert len(formulas) > 64
    path = workdir / "targets.txt"
    path.write_text("# every Li compound of three systems\n" + "\n".join(formulas) + "\n", encoding="utf-8")
    return path, formulas, entries


def _batch_summary(run: Run, fmt: str) -> dict[str, str]:
    """The one-row run summary on stdout, in any format, as field -> text."""
    parsed = assert_nothing_but(run, fmt)
    if fmt == "json":
        return {k: str(v) for k, v in parsed.items()}
    if fmt == "csv":
        _, rows = parsed
        assert len(rows) == 1
        return rows[0]
    md = parsed
    assert md.headings == [(2, "batch of stability windows"), (3, "Provenance")]
    assert md.block_types == ["heading", "bullet_list", "heading", "bullet_list"]
    items = md.items(0)  # the summary list: counts, files, source
    counts = re.fullmatch(r"(\d+) \((\d+) from the checkpoint\)", items["computed this run"])
    assert counts, items["computed this run"]
    computed, from_checkpoint = counts.groups()
    assert int(computed) + int(from_checkpoint) == int(items["targets"])
    assert md.items(1)["source"].startswith(f"{items['source']} — ")  # the provenance names the same source
    failed = items["failed"].removesuffix(" (see the error column)")
    return {"n_targets": items["targets"], "n_computed": computed, "n_failed": failed, "output": items["output"],
            "checkpoint": items["checkpoint"], "source": items["source"]}  # fmt: skip


BATCH_RUNS = [("w2.csv", "json", "2"), ("w2.json", "csv", "2"), ("w1.csv", "md", "1")]


@pytest.mark.parametrize(("out", "fmt", "workers"), BATCH_RUNS)
def test_batch_summary_on_stdout(cli, workdir: Path, batch_file, out: str, fmt: str, workers: str) -> None:
    path, formulas, _ = batch_file
    target = workdir / f"batch_{out}"
    run = cli("window", "--batch", str(path), "--output", str(target), "--workers", workers, "--format", fmt)
    summary = _batch_summary(run, fmt)
    if summary:
        assert summary["n_targets"] == str(len(formulas))
        assert summary["n_computed"] == str(len(formulas))
        assert Path(summary["output"]) == target
    assert target.is_file()


def test_batch_files_agree_across_formats_and_workers(cli, workdir: Path, batch_file) -> None:
    """The batch CSV and JSON files hold the same numbers; 1 and 2 workers write identical files."""
    from interfacestab.analyses.batch import BATCH_COLUMNS

    path, formulas, entries = batch_file
    for out, fmt, workers in BATCH_RUNS:
        cli("window", "--batch", str(path), "--output", str(workdir / f"batch_{out}"), "--workers", workers,
            "--format", fmt)  # fmt: skip
    csv_text = (workdir / "batch_w2.csv").read_text(encoding="utf-8")
    assert (workdir / "batch_w1.csv").read_text(encoding="utf-8") == csv_text
    header, rows = parse_csv(csv_text)
    assert header == list(BATCH_COLUMNS)
    payload = parse_json((workdir / "batch_w2.json").read_text(encoding="utf-8"))
    # the JSON contract of every result: schema version, then the common provenance object
    single = parse_json(cli("window", "LiCoO2", "--format", "json").stdout)
    assert payload["schema_version"] == single["schema_version"]
    assert set(payload) == {"schema_version", "source", "provenance", "results"}
    prov, single_prov = payload["provenance"], single["provenance"]
    assert set(prov) == set(single_prov)
    for name in ("source", "source_description", "thermo_type", "vintage", "db_version", "package_version"):
        assert prov[name] == single_prov[name], name
    assert prov["conventions"] == single_prov["conventions"]  # the same stabilization policy (the default)
    assert prov["conventions"]["stabilization"].startswith("stabilize:")
    assert prov["chemsys"] == ""  # many systems
    results = payload["results"]
    assert [r["input"] for r in rows] == [r["input"] for r in results] == formulas
    for row, res in zip(rows, results, strict=True):
        for name in header:
            if name != "source":
                assert same_cell(row[name], res.get(name)), (name, row[name], res.get(name))
        assert row["source"] == payload["source"] == "mp_legacy2019"
        assert not row["error"], row
        # another command, the same data: e_above_hull as `data entries` lists it
        entry = entries[row["input"]]
        e_above_hull = csv_number(row["e_above_hull_eV_per_atom"])
        assert e_above_hull is not None
        assert math.isclose(e_above_hull, entry["e_above_hull_eV_per_atom"], abs_tol=1e-9), row["input"]


def test_batch_row_equals_the_single_window(cli, workdir: Path, batch_file) -> None:
    path, formulas, _ = batch_file
    cli("window", "--batch", str(path), "--output", str(workdir / "batch_w2.csv"), "--workers", "2", "--format", "json")
    _, rows = parse_csv((workdir / "batch_w2.csv").read_text(encoding="utf-8"))
    by_input = {r["input"]: r for r in rows}
    for formula in ("LiCoO2", "Li3PS4"):
        assert formula in formulas
        single_doc = parse_json(cli("window", formula, "--format", "json").stdout)
        row = by_input[formula]
        for name in ("reduction_limit_V", "oxidation_limit_V", "e_above_hull_eV_per_atom"):
            assert math.isclose(float(row[name]), single_doc[name], rel_tol=0, abs_tol=1e-9), (formula, name)
        assert row["reduction_products"] == ";".join(single_doc["reduction_products"])


# -- window --all-compounds ------------------------------------------------------------------
ALL_COMPOUNDS_RUNS = [
    # (source, ion, output file, stdout format, workers)
    ("mp2020_Na-Fe-P-O", "Na", "na_w2.csv", "json", "2"),
    ("mp2020_Na-Fe-P-O", "Na", "na_w1.csv", "csv", "1"),
    ("mp2020_Na-Fe-P-O", "Na", "na_w2.json", "md", "2"),
    (TOY_SOURCE, "Li", "toy.json", "json", "2"),
    (TOY_SOURCE, "Li", "toy.csv", "csv", "1"),
]


def _all_compounds(cli, workdir: Path, source: str, ion: str, out: str, fmt: str, workers: str) -> Run:
    return cli("window", "--all-compounds", "--source", source, "--ion", ion, "--output", str(workdir / out),
               "--workers", workers, "--format", fmt)  # fmt: skip


@pytest.mark.parametrize(("source", "ion", "out", "fmt", "workers"), ALL_COMPOUNDS_RUNS)
def test_all_compounds_summary_on_stdout(
    cli, workdir: Path, source: str, ion: str, out: str, fmt: str, workers: str
) -> None:
    summary = _batch_summary(_all_compounds(cli, workdir, source, ion, out, fmt, workers), fmt)
    if summary:
        assert summary["source"] == source
        assert summary["n_failed"] == "0"
    assert (workdir / out).is_file()


def test_all_compounds_files_agree_across_formats_and_workers(cli, workdir: Path) -> None:
    for run in ALL_COMPOUNDS_RUNS[:3]:
        _all_compounds(cli, workdir, *run)
    csv_text = (workdir / "na_w2.csv").read_text(encoding="utf-8")
    assert (workdir / "na_w1.csv").read_text(encoding="utf-8") == csv_text
    _, rows = parse_csv(csv_text)
    results = parse_json((workdir / "na_w2.json").read_text(encoding="utf-8"))["results"]
    assert len(rows) == len(results) > 64  # more than one chunk: the two workers both ran
    for row, res in zip(rows, results, strict=True):
        assert "Na" in row["formula"]
        for name in ("formula", "reduction_limit_V", "oxidation_limit_V", "e_above_hull_eV_per_atom", "stabilized"):
            assert same_cell(row[name], res[name]), (name, row[name], res[name])


def test_all_compounds_toy_source_numbers_are_the_hand_values(cli, workdir: Path) -> None:
    """Windows of the toy Li-Co-O source, worked out by hand from TOY_CSV (eV/atom, elements at 0).

    E per formula unit: Li2O -6.21, Li2O2 -6.60, LiCoO2 -7.00, Co3O4 -9.10 eV.
    - Li2O -> 1/2 Li2O2 + Li: V = -3.30 + 6.21 = 2.91 V; stable down to 0 V.
    - Li2O2 + 2 Li -> 2 Li2O: V = (12.42 - 6.60)/2 = 2.91 V; Li2O2 -> O2 + 2 Li: V = 6.60/2 = 3.30 V.
    - LiCoO2 + 3 Li -> Co + 2 Li2O: V = (12.42 - 7.00)/3 = 1.8067 V (above CoO's 1.71 V route);
      LiCoO2 -> 1/3 Co3O4 + 1/3 O2 + Li: V = 7.00 - 9.10/3 = 3.9667 V.
    - LiO2 lies above Li2O2-O2: hull at Li1/3O2/3 is 2/3 * -1.65 = -1.10, so e_above_hull = 0.20 eV/atom.
    """
    for run in ALL_COMPOUNDS_RUNS[3:]:
        _all_compounds(cli, workdir, *run)
    _, rows = parse_csv((workdir / "toy.csv").read_text(encoding="utf-8"))
    results = parse_json((workdir / "toy.json").read_text(encoding="utf-8"))["results"]
    by_formula = {r["formula"]: r for r in rows}
    assert sorted(by_formula) == ["Li2O", "Li2O2", "LiCoO2", "LiO2"]
    assert [r["formula"] for r in results] == [r["formula"] for r in rows]
    expected = {
        "Li2O": (0.0, 2.91),
        "Li2O2": (2.91, 3.30),
        "LiCoO2": (5.42 / 3, 7.00 - 9.10 / 3),
    }
    for formula, (red, ox) in expected.items():
        row = by_formula[formula]
        assert math.isclose(float(row["reduction_limit_V"]), red, abs_tol=1e-9), formula
        assert math.isclose(float(row["oxidation_limit_V"]), ox, abs_tol=1e-9), formula
    assert math.isclose(float(by_formula["LiO2"]["e_above_hull_eV_per_atom"]), 0.20, abs_tol=1e-9)
    for res in results:
        row = by_formula[res["formula"]]
        assert float(row["reduction_limit_V"]) == res["reduction_limit_V"]


# -- data ------------------------------------------------------------------------------------
def test_data_info_json(cli, store: Path) -> None:
    doc = assert_nothing_but(cli("data", "info", "--format", "json"), "json")
    assert Path(doc["store_path"]).resolve() == store.resolve()
    names = {s["name"]: s for s in doc["sources"]}
    assert {"mp_legacy2019", TOY_SOURCE} <= set(names)
    assert names[TOY_SOURCE]["n_entries"] == len(TOY_CSV.strip().splitlines()) - 1
    assert doc["n_entries"] == sum(s["n_entries"] for s in doc["sources"])


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_data_entries_toy_hand_values(cli, fmt: str) -> None:
    """`data entries` of the toy source: LiO2 0.20 eV/atom above Li2O2 + O2 (worked out above), the rest on the hull."""
    doc = parse_json(cli("data", "entries", "Li-Co-O", "--source", TOY_SOURCE, "--format", "json").stdout)
    run = cli("data", "entries", "Li-Co-O", "--source", TOY_SOURCE, "--format", fmt)
    if fmt == "json":
        rows = assert_nothing_but(run, "json")["entries"]
        e_hull = {r["formula"]: r["e_above_hull_eV_per_atom"] for r in rows}
        decomposition = {r["formula"]: r["decomposition"] for r in rows}
    else:
        _, rows = assert_nothing_but(run, "csv")
        parse_csv(run.stdout, ("formula", "e_form_eV_per_atom", "e_above_hull_eV_per_atom", "decomposition"))
        assert_rows_match(rows, doc["entries"], doc)
        e_hull = {r["formula"]: float(r["e_above_hull_eV_per_atom"]) for r in rows}
        decomposition = {r["formula"]: r["decomposition"].split(";") for r in rows}
    compounds = {line.split(",")[0] for line in TOY_CSV.strip().splitlines()[1:]}
    assert compounds <= set(e_hull)
    assert math.isclose(e_hull["LiO2"], 0.20, abs_tol=1e-9)
    assert sorted(decomposition["LiO2"]) == ["Li2O2", "O2"]
    for formula in compounds - {"LiO2"}:
        assert abs(e_hull[formula]) < 1e-9, formula


def test_data_entries_snapshot_csv_agrees_with_json(cli) -> None:
    doc = parse_json(cli("data", "entries", "Li-Co-O", "--format", "json").stdout)
    run = cli("data", "entries", "Li-Co-O", "--format", "csv")
    _, rows = parse_csv(run.stdout, ("formula", "material_id", "e_form_eV_per_atom", "e_above_hull_eV_per_atom"))
    assert_rows_match(rows, doc["entries"], doc)


# -- help and version ------------------------------------------------------------------------
def _command_paths() -> list[tuple[str, ...]]:
    """Every command and subcommand of the app, from its Click tree."""
    import typer.main

    from interfacestab_cli.main import app

    paths: list[tuple[str, ...]] = [()]

    def walk(group: Any, prefix: tuple[str, ...]) -> None:  # a Click group (Typer vendors its own Click)
        for name, command in sorted(group.commands.items()):
            paths.append((*prefix, name))
            if hasattr(command, "commands"):
                walk(command, (*prefix, name))

    walk(typer.main.get_command(app), ())
    return paths


COMMAND_PATHS = _command_paths()


def test_every_command_is_covered() -> None:
    expected = {(), ("setup",), ("window",), ("interface",), ("screen",), ("data",), ("data", "import"),
                ("data", "fetch"), ("data", "info"), ("data", "entries")}  # fmt: skip
    assert expected <= set(COMMAND_PATHS)


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "interfacestab")
def test_help_is_clean_and_light(workdir: Path, path: tuple[str, ...]) -> None:
    """``--help`` exits 0 at once with the usage on stdout, and imports none of the heavy libraries."""
    run = run_script(workdir / "no_store.sqlite", *path, "--help", timeout=HELP_TIMEOUT_S, PYTHONPROFILEIMPORTTIME="1")
    assert run.stdout.lstrip().startswith(f"Usage: interfacestab {' '.join(path)}".rstrip()), run.stdout[:200]
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert imported, "no import profile on stderr"
    heavy = sorted(m for m in imported if m.split(".")[0] in HEAVY)
    assert not heavy, f"--help imported {heavy}"
    leftover = [line for line in run.stderr.splitlines() if not line.startswith("import time:")]
    assert leftover == [], f"--help wrote to stderr: {leftover}"
    assert not (workdir / "no_store.sqlite").exists(), "--help created a store"


def test_version(workdir: Path) -> None:
    from importlib import metadata

    run = run_script(workdir / "no_store.sqlite", "--version", timeout=HELP_TIMEOUT_S)
    assert run.stdout.splitlines() == [
        f"interfacestab {metadata.version('interfacestab')}",
        f"pymatgen {metadata.version('pymatgen')}",
        f"mp-api {metadata.version('mp-api')}",
    ]
    assert run.stderr == ""

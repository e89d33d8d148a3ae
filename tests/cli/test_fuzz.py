"""Property-based tests of the command line (hypothesis): whatever the input, a clean outcome.

The property, for formulas, numeric options, scan and sweep specs and list-file contents:

- exit 0 with output a real parser accepts (strict JSON without NaN/Infinity, CSV with a header
  row, Markdown or a table that is not empty); or
- exit 1 with exactly one line on stderr, ``error: ...`` (after the progress lines of work done
  before the error was found, as in ``screen --auto``); or
- exit 2 (a usage error) with exactly one line on stderr, ``error: ...``, from our option checks
  or for what Click itself refuses (an unknown option, a word where a number belongs);
- never a traceback, never another exit code.

Most runs are in-process (``CliRunner``) for volume; a few run the installed console script. The
search is derandomized (``derandomize=True``, no example database) so CI sees the same cases on
every run, and bounded in examples so the file takes about a minute on two cores. The store is a
small made-up Li-Co-O-P-S-Cl data set (formation energies in eV/atom, invented), imported once per
module through ``data import``: about 0.3 s, against about 20 s for the whole snapshot, and every
command answers on it in milliseconds.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from interfacestab_cli.main import app

SCRIPT = Path(sys.executable).with_name("interfacestab")

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
Li2SO4,-2.10
CoCl2,-1.10
"""

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def store() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz_store_"))
    csv_path = folder / "toy.csv"
    csv_path.write_text(TOY_CSV)
    path = folder / "toy.sqlite"
    result = CliRunner().invoke(app, ["--store", str(path), "data", "import", str(csv_path), "--source-name", "toy"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="fuzz_files_"))


RUNNER = CliRunner(env={"COLUMNS": "120", "INTERFACESTAB_STORE": None})


# -- strategies ----------------------------------------------------------------------------------
ELEMENTS = ["Li", "Co", "O", "P", "S", "Cl", "Li", "O", "S", "Xx", "Cu"]  # mostly elements the store has
KNOWN = ["Li3PS4", "LiCoO2", "Li2O", "Li6PS5Cl", "Li0.5CoO2", "LiCoO2.Li2O", "CoO·Li2O", "Li2SO4.5H2O", "Li" + "9" * 400 + "S",
         "Li1e400S", "Li(S)" + "9" * 40, "LiCo1/3O2", "Li2O2", "Co3O4", "O2", "Li", "Li3(PS4)2", "Li2O.", "(Li2O"]  # fmt: skip
AMOUNTS = [
    "",
    "",
    "1",
    "2",
    "3",
    "0",
    "0.5",
    ".5",
    "1/3",
    "2/0",
    "9" * 40,
    "9" * 400,
    "1e400",
    "nan",
    "inf",
    "-1",
    "4.5",
]
SEPARATORS = ["", "", "", ".", "·", " ", "(", ")", "-", "**", "+", ",", "/"]
NUMBERS = ["nan", "inf", "-inf", "1e308", "-1e308", "0", "-0", "1", "0.5", "4.2", "10", "11", "-0.1", "1e-300", "abc", "",
           "0x10", "1_0"]  # fmt: skip


@st.composite
def formulas(draw: st.DrawFn) -> str:
    """Formula-like text: element tokens, amounts and separators, or any short text."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.text(min_size=1, max_size=12).filter(lambda t: not t.startswith("-")))
    if kind <= 3:
        return draw(st.sampled_from(KNOWN))
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        parts.append(draw(st.sampled_from(SEPARATORS)))
        parts.append(draw(st.sampled_from(ELEMENTS)) + draw(st.sampled_from(AMOUNTS)))
    text = "".join(parts).strip()
    return text if text and not text.startswith("-") else "Li2O"


def numbers() -> st.SearchStrategy[str]:
    listed = st.sampled_from(NUMBERS)
    return st.one_of(listed, listed, listed, st.floats(allow_nan=True, allow_infinity=True).map(repr))


@st.composite
def grids(draw: st.DrawFn, var: str = "") -> str:
    """``START:STOP:STEP`` (or a value list for a scan) with good, huge and non-finite numbers."""
    steps = ["0.5", "1", "0.25", "1e-9", "1e-5", "0", "-1", "nan", "inf"]
    ends = ["0", "1", "5", "10", "50", "-1", "nan", "1e9"]
    if var and draw(st.booleans()):
        values = draw(
            st.lists(st.sampled_from(["0", "0.25", "0.5", "1", "nan", "inf", "2", "x"]), min_size=1, max_size=4)
        )
        return f"{var}=" + ",".join(values)
    spec = f"{draw(st.sampled_from(ends))}:{draw(st.sampled_from(ends))}:{draw(st.sampled_from(steps))}"
    return f"{var}={spec}" if var else spec


@st.composite
def list_files(draw: st.DrawFn) -> bytes:
    """Contents of a --batch or --candidates file: formula lines, CSV with empty cells, or any bytes."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.binary(max_size=64))
    if kind == 1:
        return "\n".join(draw(st.lists(formulas(), min_size=0, max_size=4))).encode()
    rows = ["formula,ion"]
    for _ in range(draw(st.integers(0, 3))):
        ion = draw(st.sampled_from(["", "Li", "Na", "Xx", "inf"]))
        rows.append(
            f"{draw(st.sampled_from(['', 'Li3PO4', 'Li' + '9' * 400 + 'S', 'LiCoO2', 'Xx2O', 'Li2O.H2O']))},{ion}"
        )
    text = "\n".join(rows)
    return text.encode("utf-8" if kind == 2 else "latin-1", errors="replace") + draw(
        st.sampled_from([b"", b"\xff\xfe"])
    )


# -- the property --------------------------------------------------------------------------------
def check_outcome(
    exit_code: int, stdout: str, stderr: str, fmt: str, *, exception: BaseException | None = None
) -> None:
    """Exit 0 with parseable output, or exit 1/2 with one clean error, never a traceback."""
    assert "Traceback" not in stderr + stdout, stderr
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    if exit_code == 0:
        assert stdout.strip(), "exit 0 with nothing on stdout"
        if fmt == "json":
            json.loads(stdout, parse_constant=lambda c: pytest.fail(f"JSON holds {c}"))
        elif fmt == "csv":
            rows = list(csv.reader(io.StringIO(stdout)))
            assert rows and rows[0], stdout
            assert all(len(r) == len(rows[0]) for r in rows), stdout
        return
    assert exit_code in (1, 2), (exit_code, stderr)
    lines = stderr.strip().splitlines()
    errors = [ln for ln in lines if ln.startswith("error: ")]
    # one error line, last; usage errors (exit 2, ours or Click's: an unknown option, a word for a number)
    # included. Progress of work done before it may precede it: screen --auto's hulls, or a run whose
    # every target failed (exit 1 after the work, with the result still written)
    assert len(errors) == 1 and lines[-1] == errors[0], stderr
    work_done = "--auto" in lines[0] or re.match(r"error: all \d+ \w+ failed", errors[0]) is not None
    assert len(lines) == 1 or (exit_code == 1 and work_done), stderr


INVOCATION_LIMIT_S = 30  # one in-process run over this is a failure (eval of Li99**99**99xS never returned)


def _over_time(signum: int, frame: object) -> None:
    msg = f"one invocation ran over {INVOCATION_LIMIT_S} s"
    raise TimeoutError(msg)


def invoke(store: Path, args: list[str], fmt: str) -> None:
    previous = signal.signal(signal.SIGALRM, _over_time)
    signal.alarm(INVOCATION_LIMIT_S)
    try:
        result = RUNNER.invoke(app, ["--store", str(store), *args])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    check_outcome(result.exit_code, result.stdout, result.stderr, fmt, exception=result.exception)


# -- in-process properties -------------------------------------------------------------------------
@settings(FUZZ, max_examples=250)
@given(formula=formulas(), fmt=st.sampled_from(["json", "csv", "md", "table"]), energy=st.none() | numbers())
def test_window_any_formula_and_energy(store: Path, formula: str, fmt: str, energy: str | None) -> None:
    extra = [] if energy is None else ["--energy-above-hull", energy]
    invoke(store, ["window", formula, "-f", fmt, *extra], fmt)


@FUZZ
@given(a=formulas(), b=formulas(), fmt=st.sampled_from(["json", "csv", "md"]), voltage=st.none() | numbers(),
       soc=st.none() | numbers())  # fmt: skip
def test_interface_any_pair_voltage_and_soc(
    store: Path, a: str, b: str, fmt: str, voltage: str | None, soc: str | None
) -> None:
    args = ["interface", a, b, "-f", fmt]
    args += [] if voltage is None else ["--voltage", voltage]
    args += [] if soc is None else ["--soc-b", soc]
    invoke(store, args, fmt)


@FUZZ
@given(
    spec=grids(), fmt=st.sampled_from(["json", "csv"]), pair=st.sampled_from([("Li3PS4", "LiCoO2"), ("Li2S", "CoO")])
)
def test_interface_any_sweep(store: Path, spec: str, fmt: str, pair: tuple[str, str]) -> None:
    invoke(store, ["interface", *pair, "--sweep", spec, "-f", fmt], fmt)


@FUZZ
@given(
    template=st.one_of(
        st.sampled_from(["Li6+xP1-xCoxS5Cl", "Li2-2xCoxO", "Li99**99**99xS", "Li10**400xS", "Li(1-x)CoO2", "Lix/0S",
                         "Li1+x(S", "Li2xO", "Li(x)S", "LiCoO2"]),
        formulas(),
    ),
    spec=grids("x"),
    fmt=st.sampled_from(["json", "csv"]),
)  # fmt: skip
def test_window_any_scan(store: Path, template: str, spec: str, fmt: str) -> None:
    invoke(store, ["window", template, "--scan", spec, "-f", fmt], fmt)


CRITERIA = ["--max-e-above-hull", "--max-reduction-limit", "--min-oxidation-limit", "--max-electrolyte-reaction",
            "--max-cathode-reaction", "--charged-fraction", "--voltage"]  # fmt: skip


@settings(FUZZ, max_examples=40)
@given(
    content=list_files(), option=st.sampled_from(CRITERIA), value=numbers(), fmt=st.sampled_from(["json", "csv", "md"])
)
def test_screen_any_candidates_file_and_criterion(store: Path, workdir: Path, content: bytes, option: str, value: str,
                                                  fmt: str) -> None:  # fmt: skip
    path = workdir / "candidates.csv"
    path.write_bytes(content)
    args = ["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", "--candidates", str(path), "-j", "1"]
    invoke(store, [*args, option, value, "-f", fmt], fmt)


@settings(FUZZ, max_examples=30)
@given(content=list_files())
def test_batch_any_targets_file(store: Path, workdir: Path, content: bytes) -> None:
    path = workdir / "targets.csv"
    path.write_bytes(content)
    out = workdir / "out.csv"
    out.unlink(missing_ok=True)
    invoke(store, ["window", "--batch", str(path), "-o", str(out), "-j", "1", "-f", "json"], "json")
    if out.exists():  # the result file parses and names every target's formula
        rows = list(csv.DictReader(io.StringIO(out.read_text())))
        assert rows and all(r["formula"] for r in rows)


@settings(FUZZ, max_examples=25)
@given(
    include=st.sampled_from([None, "O", "S", "Co,O", "Xx", "none", "Li"]),
    exclude=st.sampled_from([None, "none", "Co", "O,S", "Qq"]),
    e_above=st.sampled_from([None, "0", "0.1", "1", "nan", "-1"]),
)
def test_auto_screen_any_filters(store: Path, include: str | None, exclude: str | None, e_above: str | None) -> None:
    args = ["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", "--auto", "-j", "1", "-f", "json"]
    args += [] if include is None else ["--include-elements", include]
    args += [] if exclude is None else ["--exclude-elements", exclude]
    args += [] if e_above is None else ["--max-e-above-hull", e_above]
    invoke(store, args, "json")


# -- a few runs of the installed script ----------------------------------------------------------------
@settings(FUZZ, max_examples=6)
@given(
    args=st.sampled_from([
        ["window", "CuSO4.5H2O", "-f", "json"],
        ["window", "Li" + "9" * 400 + "S", "-f", "json"],
        ["window", "Li3PS4", "--energy-above-hull", "nan", "-f", "json"],
        ["interface", "Li3PS4", "LiCoO2", "--sweep", "0:10:1e-9", "-f", "csv"],
        ["window", "Li10**400xS", "--scan", "x=0,1", "-f", "json"],
        ["interface", "Li3PS4", "LiCoO2.Li2O", "-f", "md"],
        ["window", "Li2-2xCoxO", "--scan", "x=0:1:0.25", "-f", "csv"],
    ])
)  # fmt: skip
def test_installed_script(store: Path, args: list[str]) -> None:
    env = {**os.environ, "COLUMNS": "120"}
    env.pop("INTERFACESTAB_STORE", None)
    proc = subprocess.run(
        [str(SCRIPT), "--store", str(store), *args], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    check_outcome(proc.returncode, proc.stdout, proc.stderr, args[-1])

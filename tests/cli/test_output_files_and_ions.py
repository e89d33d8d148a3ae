"""``--output`` files follow their extension, ``--ion`` in any case, and batch counts that add up.

Every run goes through the installed console script in a subprocess; files and stdout are read
with real parsers (json, csv). The small store is made up (formation energies in eV/atom,
elements at 0): these checks are about formats and messages, not about the numbers.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import pytest
from helpers.cli_helpers import import_toy_store, one_error_line, run_script

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

TOY_CSV = """formula,energy
Li2O,-2.08
Li2O2,-1.65
CoO,-1.30
Co3O4,-1.35
LiCoO2,-1.75
Li2S,-1.50
P2S5,-0.30
Li3PS4,-1.10
Li3P,-0.70
CoS2,-0.50
"""

#: Results written with --output, as (command arguments, what the tests call it).
COMMANDS = {
    "window": ["window", "Li3PS4"],
    "window --scan": ["window", "Li3+xPS4", "--scan", "x=0:0.5:0.25"],
    "interface": ["interface", "LiCoO2", "Li3PS4"],
    "interface --sweep": ["interface", "LiCoO2", "Li3PS4", "--sweep", "1:4:1"],
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_toy_store(tmp_path_factory.mktemp("outputs"), TOY_CSV)


def ok(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = run_script("--store", str(store), *args, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def usage_error(store: Path, *args: str) -> str:
    proc = run_script("--store", str(store), *args, timeout=300)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    return one_error_line(proc.stderr)


def parsed(text: str, fmt: str) -> object:
    if fmt == "json":
        return json.loads(text)
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text)))
    return text


# -- 1. the format follows the extension of --output unless --format is given ---------------------
@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize(("suffix", "fmt"), [(".csv", "csv"), (".json", "json"), (".md", "md"), (".CSV", "csv")])
def test_output_extension_chooses_the_format(store: Path, tmp_path: Path, command: str, suffix: str, fmt: str) -> None:
    """Was: `window Li3PS4 --output w.csv` wrote the box-drawn table into w.csv (exit 0)."""
    args = COMMANDS[command]
    target = tmp_path / f"result{suffix}"
    written = ok(store, *args, "--output", str(target))
    assert written.stdout == ""
    stdout = ok(store, *args, "--format", fmt).stdout
    text = target.read_text(encoding="utf-8")
    assert "╭" not in text and "│" not in text  # not the terminal table
    assert parsed(text, fmt) == parsed(stdout, fmt)
    # the same file when the format is also given (and agrees)
    agreeing = tmp_path / f"agreeing{suffix}"
    ok(store, *args, "--output", str(agreeing), "--format", fmt)
    assert agreeing.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("command", list(COMMANDS))
def test_format_contradicting_the_extension_is_refused(store: Path, tmp_path: Path, command: str) -> None:
    target = tmp_path / "result.csv"
    line = usage_error(store, *COMMANDS[command], "--output", str(target), "--format", "json")
    assert line == (
        "error: --format json does not match --output result.csv (a .csv file is csv); "
        "drop --format to write what the extension says, or change the extension"
    )
    assert not target.exists()  # refused before any work
    assert usage_error(store, *COMMANDS[command], "-o", str(tmp_path / "r.txt"), "-f", "md").startswith(
        "error: --format md does not match --output r.txt (a .txt file is table)"
    )


def test_txt_and_unknown_extensions(store: Path, tmp_path: Path) -> None:
    """.txt (and any extension without a format of its own) is the table, unless --format says otherwise."""
    ok(store, "window", "Li3PS4", "--output", str(tmp_path / "w.txt"))
    ok(store, "window", "Li3PS4", "--output", str(tmp_path / "w2.txt"), "--format", "table")
    table = (tmp_path / "w.txt").read_text(encoding="utf-8")
    assert table == (tmp_path / "w2.txt").read_text(encoding="utf-8")
    assert "Li3PS4" in table and "│" in table
    with pytest.raises(json.JSONDecodeError):
        json.loads(table)
    ok(store, "window", "Li3PS4", "--output", str(tmp_path / "w.out"))
    assert (tmp_path / "w.out").read_text(encoding="utf-8") == table
    ok(store, "window", "Li3PS4", "--output", str(tmp_path / "w.out"), "--format", "json")
    stdout = ok(store, "window", "Li3PS4", "--format", "json").stdout
    assert json.loads((tmp_path / "w.out").read_text(encoding="utf-8")) == json.loads(stdout)


# -- 5. --ion in any case; a wrong ion is the library's one message --------------------------------
@pytest.mark.parametrize(
    "args",
    [["window", "Li3PS4"], ["interface", "LiCoO2", "Li3PS4", "--voltage", "3"]],
)
@pytest.mark.parametrize("spelling", ["li", "LI", " Li"])
def test_ion_is_case_insensitive(store: Path, args: list[str], spelling: str) -> None:
    """Was: `--ion li` was refused."""
    lower = json.loads(ok(store, *args, "--ion", spelling, "--format", "json").stdout)
    upper = json.loads(ok(store, *args, "--ion", "Li", "--format", "json").stdout)
    assert lower == upper
    assert lower.get("ion", "Li") == "Li"


@pytest.mark.parametrize(
    "args",
    [
        ["window", "Li3PS4"],
        ["interface", "LiCoO2", "Li3PS4"],
        ["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2"],
        ["window", "--all-compounds", "--ion", "Li", "--output", "never.csv"],
    ],
)
def test_unknown_ion_is_one_line(store: Path, args: list[str]) -> None:
    """Was: `Value error, 'Mg' is not one of 'Li', 'Na', 'K'` (Pydantic's wording)."""
    assert usage_error(store, *args, "--ion", "Mg") == "error: --ion must be one of Li, Na, K, not 'Mg'"


# -- 4. a batch says how many duplicates it dropped ------------------------------------------------
def test_batch_counts_add_up_with_duplicates(store: Path, tmp_path: Path) -> None:
    """Was: "7 targets from formulas.txt", then a summary of 6 targets."""
    names = ["Li2O", "Li2O2", "LiCoO2", "Li3PS4", "Li2S", "Li2O", "Li3P"]  # Li2O twice
    targets = tmp_path / "formulas.txt"
    targets.write_text("\n".join(names) + "\n", encoding="utf-8")
    out = tmp_path / "w.csv"
    proc = ok(store, "window", "--batch", str(targets), "--output", str(out), "--workers", "1", "--format", "json")
    stderr = " ".join(proc.stderr.split())
    assert f"7 targets from {targets} (1 duplicate dropped)" in stderr
    summary = json.loads(proc.stdout)
    assert summary["n_targets"] == 6 == len(set(names))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["input"] for r in rows] == list(dict.fromkeys(names))
    # no note when nothing repeats
    targets.write_text("\n".join(dict.fromkeys(names)) + "\n", encoding="utf-8")
    proc = ok(store, "window", "--batch", str(targets), "--output", str(out), "--workers", "1")
    assert "duplicate" not in proc.stderr
    assert f"6 targets from {targets}" in " ".join(proc.stderr.split())

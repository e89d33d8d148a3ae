"""``interfacestab matrix`` through the installed script: every format parsed with a real parser and equal
to the library, the heatmap, resuming after kill -9, and bad input as one line with a non-zero exit."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.helpers.cli_helpers import SCRIPT, one_error_line, run_script

from interfacestab.analyses.matrix import InterfaceMatrix, interface_matrix
from interfacestab.fileio import LIST_SEPARATOR

if TYPE_CHECKING:
    from interfacestab.store.database import Store

ELECTROLYTES = "Li6PS5Cl,Li3InCl6,Li7La3Zr2O12"
ELECTRODES = "LiCoO2,LiFePO4,Li,LiNi1/3Mn1/3Co1/3O2"
#: A 10 x 10 matrix: long enough on two workers to be killed in the middle.
BIG_ELECTROLYTES = [
    *("Li6PS5Cl", "Li3PS4", "Li7P3S11", "Li10GeP2S12", "Li3InCl6"),
    *("Li3ScCl6", "Li3ErCl6", "Li7La3Zr2O12", "Li3PO4", "LiTi2(PO4)3"),
]
BIG_ELECTRODES = [
    *("LiCoO2", "LiNiO2", "LiMn2O4", "LiFePO4", "LiNi1/3Mn1/3Co1/3O2"),
    *("Li4Ti5O12", "Li", "Si", "C", "LiCoPO4"),
]


@pytest.fixture(scope="module")
def library(snapshot_store: Store) -> InterfaceMatrix:
    return interface_matrix(ELECTROLYTES.split(","), ELECTRODES.split(","), store_path=snapshot_store.path, workers=1)


def matrix(store: Store | Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = store if isinstance(store, Path) else store.path
    return run_script("--store", str(path), "matrix", *args, timeout=300)


BASE = ("--electrolytes", ELECTROLYTES, "--electrodes", ELECTRODES, "--workers", "2")


def test_json_through_the_script_is_the_library_matrix(snapshot_store: Store, library: InterfaceMatrix) -> None:
    run = matrix(snapshot_store, *BASE, "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == json.loads(json.dumps(library.to_dict()))


def test_csv_through_the_script_has_every_pair(snapshot_store: Store, library: InterfaceMatrix) -> None:
    run = matrix(snapshot_store, *BASE, "--format", "csv")
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert list(rows[0]) == list(InterfaceMatrix.ROW_FIELDS)
    assert [(r["electrolyte"], r["electrode"]) for r in rows] == [(c.electrolyte, c.electrode) for c in library.cells]
    for row, cell in zip(rows, library.cells, strict=True):
        assert float(row["reaction_energy_eV_per_atom"]) == cell.reaction_energy_eV_per_atom
        assert float(row["reaction_energy_kJ_per_mol"]) == cell.reaction_energy_kJ_per_mol
        assert float(row["x_atomic_electrolyte"]) == cell.x_atomic_electrolyte
        assert row["products"].split(LIST_SEPARATOR) == list(cell.products)


def _md_tables(text: str) -> list[list[list[str]]]:
    """The Markdown tables of a document as lists of rows of stripped cells (header first, rule dropped)."""
    tables, current = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if not all(set(c) <= set("-:") for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def test_markdown_through_the_script_is_the_grid(snapshot_store: Store, library: InterfaceMatrix) -> None:
    run = matrix(snapshot_store, *BASE, "--format", "md")
    assert run.returncode == 0, run.stderr
    grid, pairs = _md_tables(run.stdout)[:2]
    assert grid[0] == ["electrolyte", *ELECTRODES.split(",")]
    for row, name in zip(grid[1:], ELECTROLYTES.split(","), strict=True):
        assert row[0] == name
        values = [library.cell(name, x).reaction_energy_eV_per_atom for x in ELECTRODES.split(",")]
        assert [float(v) for v in row[1:]] == pytest.approx(values, abs=5e-4)  # rounded to 1 meV/atom
    assert len(pairs) == 1 + len(library.cells)


def test_table_on_a_pipe_names_every_electrolyte_and_electrode(snapshot_store: Store) -> None:
    run = matrix(snapshot_store, *BASE)
    assert run.returncode == 0, run.stderr
    assert "\x1b[" not in run.stdout
    grid_header = next(line for line in run.stdout.splitlines() if line.startswith("electrolyte "))
    assert grid_header.split() == ["electrolyte", *ELECTRODES.split(",")]


def test_open_matrix_with_charged_electrodes(snapshot_store: Store) -> None:
    run = matrix(snapshot_store, "--electrolytes", "Li6PS5Cl", "--electrodes", "LiCoO2", "--voltage", "4", "--soc",
                 "0.5", "-f", "json")  # fmt: skip
    assert run.returncode == 0, run.stderr
    (cell,) = json.loads(run.stdout)["cells"]
    lib = interface_matrix(["Li6PS5Cl"], ["LiCoO2"], voltage_V=4.0, state_of_charge=0.5,
                           store_path=snapshot_store.path, workers=1).cells[0]  # fmt: skip
    assert cell["electrode_formula"] == "Li(CoO2)2"
    assert cell["reaction_energy_eV_per_nonion_atom"] == lib.reaction_energy_eV_per_nonion_atom
    assert cell["most_negative_mutual_reaction_energy_eV_per_nonion_atom"] == (
        lib.most_negative_mutual_reaction_energy_eV_per_nonion_atom
    )


def test_lists_from_files_and_the_heatmap(snapshot_store: Store, tmp_path: Path, library: InterfaceMatrix) -> None:
    from matplotlib.image import imread

    (tmp_path / "ely.txt").write_text("# electrolytes\n" + ELECTROLYTES.replace(",", "\n") + "\n")
    (tmp_path / "ele.csv").write_text("formula,note\n" + "\n".join(f"{x},x" for x in ELECTRODES.split(",")) + "\n")
    png, out = tmp_path / "heat.png", tmp_path / "m.json"
    run = matrix(snapshot_store, "--electrolytes-file", str(tmp_path / "ely.txt"), "--electrodes-file",
                 str(tmp_path / "ele.csv"), "--plot", str(png), "--output", str(out))  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(out.read_text()) == json.loads(json.dumps(library.to_dict()))
    pixels = imread(png)
    assert pixels.shape[0] > 100 and pixels.std() > 0.05


def test_resumes_after_kill_9_to_identical_output(snapshot_store: Store, tmp_path: Path) -> None:
    base = ["--store", str(snapshot_store.path), "matrix", "--electrolytes", ",".join(BIG_ELECTROLYTES),
            "--electrodes", ",".join(BIG_ELECTRODES), "--voltage", "3"]  # fmt: skip
    reference = tmp_path / "reference.json"
    ref = run_script(*base, "--workers", "2", "--output", str(reference), timeout=600)
    assert ref.returncode == 0, ref.stderr
    n_pairs = len(BIG_ELECTROLYTES) * len(BIG_ELECTRODES)

    out = tmp_path / "killed.json"
    checkpoint = out.with_name(out.name + ".checkpoint.jsonl")
    env = {k: v for k, v in os.environ.items() if k != "INTERFACESTAB_STORE"}
    proc = subprocess.Popen(
        [str(SCRIPT), *base, "--workers", "2", "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
    )  # fmt: skip
    deadline = time.time() + 300
    while time.time() < deadline and (not checkpoint.exists() or len(checkpoint.read_bytes().splitlines()) < 1 + 8):
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its workers, no cleanup at all
    proc.wait()
    done = len(checkpoint.read_bytes().splitlines()) - 1
    assert 8 <= done < n_pairs, done
    assert not out.exists()

    resumed = run_script(*base, "--workers", "1", "--output", str(out), "--resume", timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    computed = int(next(ln for ln in resumed.stderr.splitlines() if "computed this run" in ln).split()[0])
    assert computed <= n_pairs - done + 1  # at most a line cut by the kill is redone
    assert out.read_text() == reference.read_text()


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (("--electrolytes", "", "--electrodes", "LiCoO2"), 1, "no electrolytes"),
        (("--electrolytes", "Li6PS5Cl,,Li3PS4", "--electrodes", "LiCoO2"), 1, "empty formula"),
        (("--electrolytes", "Li6PS5Cl", "--electrodes", "LiCoO2,Li9Qz"), 1, "Qz"),
        (("--electrolytes", "Li6PS5Cl", "--electrodes-file", "/nonexistent/e.txt"), 1, "/nonexistent/e.txt"),
        (("--electrolytes", "Li6PS5Cl", "--electrodes", "LiCoO2", "--voltage", "nan"), 2, "--voltage"),
        (("--electrolytes", "Li6PS5Cl", "--electrodes", "LiCoO2", "--soc", "2"), 2, "--soc"),
        (("--electrolytes", "Li6PS5Cl"), 2, "--electrodes"),
        (("--electrolytes", "Li6PS5Cl", "--electrodes", "LiCoO2", "--resume"), 2, "--output"),
        (("--electrolytes", "Li6PS5Cl", "--electrolytes-file", "x.txt", "--electrodes", "LiCoO2"), 2, "not both"),
        (("--electrolytes", "Li6PS5Cl", "--electrodes", "LiCoO2", "--workers", "0"), 2, "--workers"),
    ],
)
def test_bad_input_is_one_line_and_a_nonzero_exit(snapshot_store: Store, args, code: int, fragment: str) -> None:
    run = matrix(snapshot_store, *args)
    assert run.returncode == code, (run.stdout, run.stderr)
    assert run.stdout == ""
    assert fragment in one_error_line(run.stderr)


def test_every_pair_failing_is_an_error(snapshot_store: Store) -> None:
    run = matrix(snapshot_store, "--electrolytes", "Li3PS4", "--electrodes", "Li3PS4", "-f", "json")
    assert run.returncode == 1
    assert json.loads(run.stdout)["cells"][0]["error"]  # the output still says why
    assert "all 1 pairs failed" in run.stderr


def test_interface_of_fully_charged_lithium_is_one_line(snapshot_store: Store) -> None:
    run = run_script("--store", str(snapshot_store.path), "interface", "Li6PS5Cl", "Li", "--soc-b", "1")
    assert run.returncode == 1 and run.stdout == ""
    assert "leaves nothing" in one_error_line(run.stderr)

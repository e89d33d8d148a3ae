"""The worked notebooks in notebooks/ run top to bottom on the offline snapshot, and are committed stripped.

Each notebook is executed in memory with nbclient (nothing is written back to the .ipynb files),
with the working directory in notebooks/ and ``INTERFACESTAB_STORE`` pointing to one temporary
store per session that holds the imported snapshot. A cell error fails the test; so does a
notebook that writes no PNG figure into notebooks/figures/ (git-ignored, created by the notebooks).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
FIGURES = NOTEBOOK_DIR / "figures"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT_S = 600
KERNEL = "python3"  # resolved by jupyter_client to the interpreter running pytest (the venv's)

# an import of an underscore-private module or name of the package
PRIVATE_IMPORT = re.compile(r"(from\s+interfacestab[\w.]*\s+import\s+[^\n]*\b_\w+)|(interfacestab(\.\w+)*\._\w+)")


def _execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT_S, kernel_name=KERNEL, resources={"metadata": {"path": str(NOTEBOOK_DIR)}}
    )
    # ipykernel stops forwarding what C code writes to file descriptors 1/2 (the HiGHS banner) into the
    # cell outputs when it sees PYTEST_CURRENT_TEST; without it the kernel behaves as in Jupyter
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    return client.execute(env=env)


def _pngs() -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in FIGURES.glob("*.png")} if FIGURES.is_dir() else {}


@pytest.fixture(scope="session")
def notebook_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """One store file with the offline snapshot, shared by every notebook of the session."""
    from interfacestab.analyses.data import setup_offline
    from interfacestab.store import open_store

    path = tmp_path_factory.mktemp("notebook_store") / "interfacestab.sqlite"
    with open_store(path) as store:
        setup_offline(store, shared_data)
    return path


@pytest.fixture
def notebook_env(monkeypatch: pytest.MonkeyPatch, notebook_store: Path, shared_data: Path) -> Path:
    """The environment the kernel inherits: the session store and the snapshot folder."""
    monkeypatch.setenv("INTERFACESTAB_STORE", str(notebook_store))
    monkeypatch.setenv("INTERFACESTAB_SHARED_DATA", str(shared_data))
    return notebook_store


def test_notebooks_present() -> None:
    names = {p.name for p in NOTEBOOKS}
    expected = {
        "01_argyrodite_windows.ipynb",
        "02_licoo2_li6ps5cl_interphase.ipynb",
        "03_coating_screening.ipynb",
        "04_sodium_potassium_electrolytes.ipynb",
    }
    assert expected <= names, f"missing notebooks: {sorted(expected - names)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_committed_stripped(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has saved outputs: strip them"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count: strip it"
    first = nb.cells[0]
    assert first.cell_type == "markdown", f"{path.name} must start with a markdown cell (conventions, provenance)"
    for word in ("Conventions", "provenance"):
        assert word.lower() in first.source.lower(), f"{path.name}: first cell does not state the {word}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_uses_public_api_only(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            match = PRIVATE_IMPORT.search(cell.source)
            assert match is None, f"{path.name} cell {i} uses a private name: {match.group(0)!r}"


@pytest.mark.slow
def test_kernel_is_this_interpreter(notebook_env: Path) -> None:
    """nbclient's "python3" kernel runs in the interpreter (virtual environment) running the tests."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell("import os, sys\nprint(sys.prefix)\nprint(os.environ['INTERFACESTAB_STORE'])")
    )
    out = _execute(nb).cells[0].outputs[0]["text"].split("\n")
    assert Path(out[0]).resolve() == Path(sys.prefix).resolve()
    assert Path(out[1]) == notebook_env


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, notebook_env: Path) -> None:
    nb = nbformat.read(path, as_version=4)  # executed in memory: the committed file stays stripped
    before = _pngs()
    executed = _execute(nb)  # raises CellExecutionError (with the traceback) on the first failing cell
    streams = [
        (i, out.get("name"), out.get("text", ""))
        for i, cell in enumerate(executed.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "stream"
    ]
    banner = [(i, name) for i, name, text in streams if "Running HiGHS" in text]
    assert not banner, f"{path.name}: the HiGHS banner reached the cell output in cells {banner}"
    written = [p for p, mtime in _pngs().items() if before.get(p) != mtime]
    assert written, f"{path.name} wrote no PNG into {FIGURES.relative_to(REPO)}/"

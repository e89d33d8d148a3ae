"""Entry files from other people, through the installed console script: read as plain JSON (no module a
file names is ever imported), every malformed value one clear error, no silent replacement of a source.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "interfacestab"
ZEN = "Beautiful is better than ugly"  # what `import this` prints


def run(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "INTERFACESTAB_STORE"} | {"COLUMNS": "200"}
    return subprocess.run(
        [str(SCRIPT), "--store", str(store), *args], capture_output=True, text=True, env=env, timeout=300
    )


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], proc.stderr
    return " ".join(errors[0].split())


def sources(store: Path) -> dict[str, int]:
    if not store.exists():
        return {}
    conn = sqlite3.connect(store)
    try:
        return dict(conn.execute("SELECT name, n_entries FROM sources").fetchall())
    finally:
        conn.close()


def entry(comp: dict[str, float], energy: object, **extra: object) -> dict[str, object]:
    """A pymatgen ComputedEntry dict (what ComputedEntry.as_dict() writes)."""
    return {
        "@module": "pymatgen.entries.computed_entries",
        "@class": "ComputedEntry",
        "energy": energy,
        "composition": comp,
        "entry_id": f"x-{len(comp)}-{sorted(comp)[0]}",
        "correction": 0.0,
        "energy_adjustments": [],
        "parameters": {},
        "data": {},
        **extra,
    }


def li_o_entries(**li2o_extra: object) -> list[dict[str, object]]:
    return [
        entry({"Li": 2.0}, -3.8),
        entry({"O": 2.0}, -9.8),
        entry({"Li": 4.0, "O": 2.0}, -28.6, **li2o_extra),
    ]


def li_o_with(last: dict[str, object]) -> list[dict[str, object]]:
    """The two elements of li_o_entries and another entry."""
    return [*li_o_entries()[:2], last]


SNAP_HEADER = "reduced_formula,formula_crabnet,e_form_per_atom,material_id"
NULL_ADJ = {"@module": "pymatgen.entries.computed_entries", "@class": "ConstantEnergyAdjustment", "value": None}


# --- no code from the file ---------------------------------------------------------------------
def test_module_named_in_data_is_never_imported(tmp_path: Path) -> None:
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(li_o_entries(data={"payload": {"@module": "this", "@class": "s"}})))
    proc = run(tmp_path / "s.sqlite", "data", "import", str(path))
    assert ZEN not in proc.stdout and ZEN not in proc.stderr  # `this` was not imported
    assert proc.returncode == 0, proc.stderr
    # Li2O: (-28.6 - 4 * (-3.8 / 2) - 2 * (-9.8 / 2)) / 6 eV/atom, on the file's own references
    out = run(tmp_path / "s.sqlite", "data", "entries", "Li-O", "-f", "json")
    rows = {r["formula"]: r for r in json.loads(out.stdout)["entries"]}
    assert rows["Li2O"]["e_form_eV_per_atom"] == pytest.approx((-28.6 + 7.6 + 9.8) / 6, abs=1e-12)


@pytest.mark.parametrize(
    "where",
    ["entry", "adjustment", "composition"],
)
def test_unknown_classes_are_refused_without_importing_them(tmp_path: Path, where: str) -> None:
    rows = li_o_entries()
    bad = {"@module": "this", "@class": "s"}
    if where == "entry":
        rows[2].update(bad)
    elif where == "adjustment":
        rows[2]["energy_adjustments"] = [{**bad, "value": -0.1}]
    else:
        rows[2]["composition"] = {**bad, "Li": 2}
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(rows))
    store = tmp_path / "s.sqlite"
    proc = run(store, "data", "import", str(path))
    assert ZEN not in proc.stdout and ZEN not in proc.stderr
    line = one_error_line(proc)
    assert "entry 2" in line
    assert sources(store) == {}


def test_reader_does_not_import_modules_in_process(tmp_path: Path) -> None:
    """The library reader on the same file, in a fresh interpreter: `this` never enters sys.modules."""
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(li_o_entries(data={"x": {"@module": "this", "@class": "s"}})))
    code = (
        "import sys; from interfacestab.sources.files import read_file; "
        f"info, entries = read_file({str(path)!r}); "
        "print(len(entries), 'this' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["1", "False"]


def test_safe_reader_equals_pymatgen_on_real_entry_files(shared_data: Path) -> None:
    """Every entry of the shipped MP2020 entry sets: same composition, corrected energy and id as pymatgen."""
    from pymatgen.entries.computed_entries import ComputedEntry, ComputedStructureEntry

    from interfacestab.sources.files import _safe_entry

    files = sorted((shared_data / "mp2020_chemsys_matterviz").glob("*.json.gz"))
    assert files
    n_adjusted = 0
    for f in files:
        for d in json.loads(gzip.decompress(f.read_bytes())):
            comp, energy, mid = _safe_entry(d, "test")
            ref = (ComputedStructureEntry if "structure" in d else ComputedEntry).from_dict(d)
            assert math.isclose(energy, ref.energy, rel_tol=0, abs_tol=1e-9)
            assert comp == {str(el): amt for el, amt in ref.composition.get_el_amt_dict().items()}
            assert mid == str(ref.entry_id)
            n_adjusted += bool(d["energy_adjustments"])
    assert n_adjusted > 100  # the corrections were exercised


def test_adjustment_classes_match_pymatgen() -> None:
    from pymatgen.entries.computed_entries import (
        CompositionEnergyAdjustment,
        ComputedEntry,
        ConstantEnergyAdjustment,
        TemperatureEnergyAdjustment,
    )

    from interfacestab.sources.files import _safe_entry

    ref = ComputedEntry(
        "Li2O",
        -14.3,
        energy_adjustments=[
            CompositionEnergyAdjustment(-0.687, 1, name="oxide"),
            ConstantEnergyAdjustment(0.25),
            TemperatureEnergyAdjustment(-0.001, 300, 3),
        ],
    )
    d = json.loads(json.dumps(ref.as_dict()))
    assert _safe_entry(d, "t")[1] == pytest.approx(ref.energy, abs=1e-12)
    legacy = {**d, "energy_adjustments": [], "correction": -0.5}
    assert _safe_entry(legacy, "t")[1] == pytest.approx(ComputedEntry.from_dict(legacy).energy, abs=1e-12)


# --- malformed files ---------------------------------------------------------------------------
def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("deep.json", _nested(100_000), "nested too deeply"),
        ("null.json", json.dumps([{"formula": "Li2O", "energy": None}]), "'energy' must be a number, not null"),
        ("dict.json", json.dumps([{"formula": "Li2O", "energy": {"v": 1}}]), "'energy' must be a number"),
        ("list.json", json.dumps([{"formula": "Li2O", "energy": [1, 2]}]), "'energy' must be a number"),
        ("text.json", json.dumps([{"formula": "Li2O", "energy": "low"}]), "'energy' must be a number, not 'low'"),
        ("bool.json", json.dumps([{"formula": "Li2O", "energy": True}]), "'energy' must be a number"),
        ("nan.json", '[{"formula": "Li2O", "energy": NaN}]', "finite number"),
        ("inf.csv", "formula,energy\nLi2O,-inf\n", "finite number"),
        ("nan.csv", "formula,energy\nLi2O,nan\n", "finite number"),
        ("huge.csv", "formula,energy\nLi2O,-1e20\n", "beyond +-50 eV/atom"),
        ("formula.json", json.dumps([{"formula": ["Li2O"], "energy": -2.0}]), "'formula' must be a formula"),
        ("row.json", json.dumps([{"formula": "Li2O", "energy": -2.0}, [1, 2]]), "row 2 is not an object"),
        ("entries.json", json.dumps({"entries": {"formula": "Li2O", "energy": -2}}), "expected a JSON list"),
        ("elements.csv", "formula,energy\nLi,0\nO,0\n", "no compounds to import"),
        ("snap_nan.csv", f"{SNAP_HEADER}\nLi2O,Li2O,nan,mp-1\n", "e_form_per_atom must be a finite number"),
        ("snap_short.csv", f"{SNAP_HEADER}\nLi2O\n", "snap_short.csv:2:"),
        ("pmg_null.json", json.dumps(li_o_with(entry({"Li": 2, "O": 1}, None))), "'energy' must be"),
        ("pmg_comp.json", json.dumps(li_o_with(entry({"Li": "x", "O": 1}, -1.0))), "amount of Li"),
        ("pmg_ion.json", json.dumps(li_o_with(entry({"Fe2+": 1, "O": 1}, -1.0))), "'Fe2+' is not"),
        (
            "pmg_adj.json",
            json.dumps(li_o_with(entry({"Li": 2, "O": 1}, -1.0, energy_adjustments=[NULL_ADJ]))),
            "'value'",
        ),
        ("pmg_row.json", json.dumps([*li_o_entries(), "Li2O"]), "entry 3 is not a JSON object"),
    ],
)
def test_malformed_files_are_one_line_and_import_nothing(
    tmp_path: Path, name: str, content: str, fragment: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    store = tmp_path / "s.sqlite"
    line = one_error_line(run(store, "data", "import", str(path)))
    assert fragment in line, line
    assert sources(store) == {}


def test_extreme_energies_in_a_store_are_one_line_not_a_qhull_traceback(tmp_path: Path) -> None:
    """Energies the importer now refuses, put into a store directly: the hull error is one line."""
    data = tmp_path / "toy.csv"
    data.write_text("formula,energy\nLi2O,-2.0\nLiO2,-1.0\n")
    store = tmp_path / "s.sqlite"
    assert run(store, "data", "import", str(data)).returncode == 0
    conn = sqlite3.connect(store)
    conn.execute("UPDATE entries SET e_form_eV_per_atom = -1e20 WHERE formula = 'Li2O'")
    conn.execute("DROP TABLE chemsys_digests")  # as in a store made before row checksums
    conn.commit()
    conn.close()
    line = one_error_line(run(store, "window", "Li2O"))
    assert "cannot build the convex hull of Li-O" in line and "degenerate or out of range" in line


@pytest.mark.parametrize("energy", [-1e20, float("nan")])
def test_build_hull_turns_qhull_errors_into_analysis_errors(energy: float) -> None:
    from interfacestab.engine.hull import build_hull
    from interfacestab.entries import Entry, EntrySet
    from interfacestab.errors import AnalysisError
    from interfacestab.provenance import SourceInfo

    info = SourceInfo(name="t", description="t", thermo_type="t", vintage="t")
    entries = EntrySet(("Li", "O"), (Entry("Li2O", {"Li": 2.0, "O": 1.0}, energy, "", "t"),), info)
    with pytest.raises(AnalysisError, match="cannot build the convex hull of Li-O from source 't'"):
        build_hull(entries)


# --- replacing a source ------------------------------------------------------------------------
def test_file_named_like_an_existing_source_needs_replace(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    first = tmp_path / "a" / "mine.csv"
    first.parent.mkdir()
    first.write_text("formula,energy\nLi2O,-2.0\nLi2O2,-1.6\nLiO2,-1.0\n")
    assert run(store, "data", "import", str(first)).returncode == 0
    other = tmp_path / "b" / "mine.csv"
    other.parent.mkdir()
    other.write_text("formula,energy\nNaCl,-2.1\n")
    line = one_error_line(run(store, "data", "import", str(other)))
    assert "source named 'mine' (3 entries from" in line and str(first) in line and "--replace" in line
    assert sources(store) == {"mine": 3}
    replaced = run(store, "data", "import", str(other), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert sources(store) == {"mine": 1}
    # the same file, edited, updates its own source without --replace
    other.write_text("formula,energy\nNaCl,-2.1\nNa2O,-1.9\n")
    assert run(store, "data", "import", str(other)).returncode == 0
    assert sources(store) == {"mine": 2}


def test_reimport_does_what_data_import_help_says(tmp_path: Path) -> None:
    """`data import --help`: unchanged content is a no-op, an edited file at the same path updates its source."""

    def stored(store: Path) -> dict[str, object]:
        proc = run(store, "data", "info", "--format", "json")
        assert proc.returncode == 0, proc.stderr
        (source,) = json.loads(proc.stdout)["sources"]
        return source

    store = tmp_path / "s.sqlite"
    path = tmp_path / "mine.csv"
    path.write_text("formula,energy\nLi2O,-2.0\nLi2O2,-1.6\n")
    assert run(store, "data", "import", str(path)).returncode == 0
    before = stored(store)
    again = run(store, "data", "import", str(path))
    assert again.returncode == 0, again.stderr
    assert "unchanged" in again.stdout.split()
    assert stored(store) == before  # not even the import time moved
    # the same content from another path is the same content: still a no-op, no --replace needed
    copy = tmp_path / "copy" / "mine.csv"
    copy.parent.mkdir()
    copy.write_text(path.read_text())
    assert run(store, "data", "import", str(copy)).returncode == 0
    assert stored(store) == before
    # the same path, edited: updated without --replace
    path.write_text("formula,energy\nLi2O,-2.0\nLi2O2,-1.6\nLiO2,-1.0\n")
    edited = run(store, "data", "import", str(path))
    assert edited.returncode == 0, edited.stderr
    assert "imported" in edited.stdout.split()
    after = stored(store)
    assert after["n_entries"] == 3 and after["content_sha256"] != before["content_sha256"]


def test_one_row_file_named_after_the_snapshot_does_not_replace_it(snapshot_store, tmp_path: Path) -> None:
    store = tmp_path / "copy.sqlite"
    src = sqlite3.connect(snapshot_store.path)
    dst = sqlite3.connect(store)
    src.backup(dst)
    dst.close()
    src.close()
    impostor = tmp_path / "mp_legacy2019.csv"
    impostor.write_text("formula,energy\nLi2O,-2.0\n")
    line = one_error_line(run(store, "data", "import", str(impostor)))
    assert "source named 'mp_legacy2019' (85014 entries" in line
    assert sources(store)["mp_legacy2019"] == 85014

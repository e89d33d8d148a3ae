"""The SQLite store: chemical-system loading, atomic and idempotent imports, concurrent readers, corruption."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from interfacestab.entries import Entry
from interfacestab.errors import DataNotFoundError, StoreError
from interfacestab.provenance import SourceInfo
from interfacestab.store import open_store

INFO = SourceInfo(name="toy", description="toy", thermo_type="toy", vintage="toy")


def _entries(n: int, energy: float = -0.5) -> list[Entry]:
    return [
        Entry(f"Li{i + 1 if i else ''}O", {"Li": float(i + 1), "O": 1.0}, energy, f"id-{i}", "toy") for i in range(n)
    ]


def test_snapshot_import_counts_and_provenance(snapshot_store) -> None:
    info = snapshot_store.source("mp_legacy2019")
    assert info.n_entries == 85014
    assert snapshot_store.count("mp_legacy2019") == 85014
    assert "legacy" in info.thermo_type and "2019" in info.vintage
    assert len(info.content_sha256) == 64
    # formulas spelling "NaN" stay formulas, not missing values (a pandas pitfall)
    assert [e.formula for e in snapshot_store.find_formula("Ba3NaN")] == ["Ba3NaN"]
    assert snapshot_store.find_formula("Ba3NaN")[0].composition == {"Ba": 3.0, "Na": 1.0, "N": 1.0}


@pytest.mark.parametrize("store_fixture", ["toy_data_store", "snapshot_store"])
def test_chemsys_loading_equals_brute_force(request: pytest.FixtureRequest, store_fixture: str) -> None:
    store = request.getfixturevalue(store_fixture)
    system = {"Li", "P", "S", "Cl"}
    loaded = {e.formula for e in store.entries(system).entries}
    brute = {e.formula for e in store.iter_entries() if set(e.composition) <= system}
    assert loaded == brute
    assert {"Li6PS5Cl", "Li3PS4", "Li2S", "LiCl", "P2S5"} <= loaded
    assert not loaded & {"LiCoO2", "Li3PO4", "CoS2"}  # a phase with one more element is not loaded


def test_reimport_is_idempotent(tmp_path: Path) -> None:
    from interfacestab.ingest import import_file

    store = open_store(tmp_path / "s.sqlite")
    csv_path = tmp_path / "mine.csv"
    csv_path.write_text("formula,energy\nLi2O,-2.0\nLi2O2,-1.6\n")
    _, changed_first = import_file(store, csv_path)
    second, changed_second = import_file(store, csv_path)
    assert changed_first and not changed_second
    assert store.count("mine") == 2 == second.n_entries
    csv_path.write_text("formula,energy\nLi2O,-2.0\n")
    _, changed_third = import_file(store, csv_path)
    assert changed_third and store.count("mine") == 1


def test_failed_write_leaves_previous_state(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite")
    store.replace_source(INFO, _entries(3))
    bad = [*_entries(2), Entry("X", {"Li": 1.0}, float("nan"), "", "toy")]
    store._conn.execute(
        "CREATE TRIGGER no_nan BEFORE INSERT ON entries WHEN NEW.e_form_eV_per_atom IS NULL "
        "BEGIN SELECT RAISE(ABORT, 'nan energy'); END"
    )
    with pytest.raises(StoreError):
        store.replace_source(INFO, bad)
    assert store.count("toy") == 3
    assert store.source("toy").n_entries == 3


_WRITER = textwrap.dedent(
    """
    import sys, time
    from interfacestab.store import open_store
    from interfacestab.entries import Entry
    from interfacestab.provenance import SourceInfo
    store = open_store(sys.argv[1])
    info = SourceInfo(name="toy", description="new", thermo_type="toy", vintage="toy")
    with store._write() as conn:
        conn.execute("DELETE FROM entries WHERE source = 'toy'")
        conn.execute("INSERT INTO entries (source, chemsys, formula, composition, e_form_eV_per_atom, material_id) "
                     "VALUES ('toy', 'Li-O', 'LiO9', '{\\"Li\\":1,\\"O\\":9}', -0.1, '')")
        print("in-transaction", flush=True)
        time.sleep(60)
    """
)


def _start_writer(path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "in-transaction"
    return proc


def test_reader_sees_consistent_state_while_another_process_writes(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    open_store(path).replace_source(INFO, _entries(3))
    proc = _start_writer(path)
    try:
        reader = open_store(path)
        start = time.perf_counter()
        formulas = sorted(e.formula for e in reader.entries(["Li", "O"], "toy").entries)
        assert time.perf_counter() - start < 5  # the reader is not blocked by the writer
        assert formulas == ["Li2O", "Li3O", "LiO"]
    finally:
        proc.kill()
        proc.wait()


def test_killed_import_leaves_previous_state(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    open_store(path).replace_source(INFO, _entries(3))
    proc = _start_writer(path)
    proc.kill()  # SIGKILL in the middle of the transaction
    proc.wait()
    store = open_store(path)
    assert sorted(e.formula for e in store.entries(["Li", "O"], "toy").entries) == ["Li2O", "Li3O", "LiO"]
    store.replace_source(INFO, _entries(1))  # and the store is writable again
    assert store.count("toy") == 1


def test_corrupt_and_incompatible_store_errors(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"corrupt or not an interfacestab store.*rebuild"):
        open_store(garbage)
    old = tmp_path / "old.sqlite"
    conn = sqlite3.connect(old)
    conn.execute("CREATE TABLE sources (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="schema version 99"):
        open_store(old)
    with pytest.raises(DataNotFoundError, match="interfacestab setup"):
        open_store(tmp_path / "absent.sqlite", create=False)


def test_unknown_source_and_empty_store(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite")
    with pytest.raises(DataNotFoundError, match="empty"):
        store.entries(["Li", "O"])
    store.replace_source(INFO, _entries(1))
    with pytest.raises(DataNotFoundError, match="no source named 'nope'"):
        store.entries(["Li", "O"], "nope")


def test_replace_chemsys_only_touches_that_system(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite")
    store.replace_source(INFO, [*_entries(2), Entry("NaCl", {"Na": 1.0, "Cl": 1.0}, -2.0, "", "toy")])
    store.replace_chemsys(INFO, ["Li", "O"], _entries(1, energy=-0.7))
    assert sorted(e.formula for e in store.iter_entries("toy")) == ["LiO", "NaCl"]
    assert store.entries(["Li", "O"], "toy").entries[0].e_form_eV_per_atom == -0.7
    assert store.source("toy").n_entries == 2


def test_default_source_snapshot_first_then_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No name: ``INTERFACESTAB_SOURCE`` when set, else the offline snapshot's source, else the first source."""
    from dataclasses import replace

    from interfacestab.settings import SNAPSHOT_SOURCE_NAME, SOURCE_ENV

    monkeypatch.delenv(SOURCE_ENV, raising=False)
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        store.replace_source(INFO, _entries(1))
        assert store.source().name == "toy"  # the only (first) source
        store.replace_source(replace(INFO, name="later"), _entries(2))
        assert store.source().name == store.sources()[0].name  # first in import order (then by name)
        store.replace_source(replace(INFO, name=SNAPSHOT_SOURCE_NAME), _entries(3))
        assert store.source().name == SNAPSHOT_SOURCE_NAME
        assert store.entries(["Li", "O"]).source.name == SNAPSHOT_SOURCE_NAME
    monkeypatch.setenv(SOURCE_ENV, "later")
    with open_store(path) as store:
        assert store.source().name == "later"
        assert len(store.entries(["Li", "O"]).entries) == 2
        assert store.source("toy").name == "toy"  # a named source still wins
    monkeypatch.setenv(SOURCE_ENV, "absent")
    with open_store(path) as store, pytest.raises(DataNotFoundError, match=f"{SOURCE_ENV} names the source 'absent'"):
        store.entries(["Li", "O"])


def test_default_source_setting_reaches_the_cli(tmp_path: Path) -> None:
    """``INTERFACESTAB_SOURCE`` picks the source of a CLI run (installed console script, JSON parsed)."""
    import json
    import os
    from dataclasses import replace

    exe = Path(sys.executable).with_name("interfacestab")
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        store.replace_source(INFO, _entries(1))
        store.replace_source(replace(INFO, name="later"), _entries(2))
    env = {**os.environ, "INTERFACESTAB_SOURCE": "later"}
    run = subprocess.run(
        [str(exe), "--store", str(path), "data", "entries", "Li-O", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["provenance"]["source"] == "later"
    assert len(data["entries"]) == 2
    env["INTERFACESTAB_SOURCE"] = "absent"
    run = subprocess.run(
        [str(exe), "--store", str(path), "data", "entries", "Li-O"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 1
    assert run.stderr.startswith("error: INTERFACESTAB_SOURCE names the source 'absent'"), run.stderr
    assert "Traceback" not in run.stderr

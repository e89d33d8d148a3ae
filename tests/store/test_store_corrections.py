"""Per-entry corrections in the store: round trip, checksums, and the migration of a version-1 store.

The entry file is hand-made (pymatgen ComputedEntry dicts with MP2020-style adjustments; the numbers
are invented): Li, O2, Li2O (oxide correction) and Li2O2 (peroxide correction).
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

import pytest

from interfacestab.entries import Correction, Entry
from interfacestab.errors import StoreError
from interfacestab.ingest import import_file
from interfacestab.provenance import SourceInfo
from interfacestab.store import integrity, open_store
from interfacestab.store import rows as store_rows
from interfacestab.store.rows import SCHEMA_VERSION

if TYPE_CHECKING:
    from pathlib import Path

INFO = SourceInfo(name="toy", description="toy", thermo_type="toy", vintage="toy")
OXIDE = "MP2020 anion correction (oxide)"
PEROXIDE = "MP2020 anion correction (peroxide)"


def _adjustment(name: str, adj: float, n: float, u: float) -> dict[str, object]:
    return {
        "@module": "pymatgen.entries.computed_entries",
        "@class": "CompositionEnergyAdjustment",
        "adj_per_atom": adj,
        "n_atoms": n,
        "uncertainty_per_atom": u,
        "name": name,
    }


def _entry(comp: dict[str, float], energy: float, mid: str, adjustments: list[dict[str, object]]) -> dict[str, object]:
    return {
        "@module": "pymatgen.entries.computed_entries",
        "@class": "ComputedEntry",
        "composition": comp,
        "energy": energy,
        "correction": sum(float(a["adj_per_atom"]) * float(a["n_atoms"]) for a in adjustments),  # type: ignore[arg-type]
        "energy_adjustments": adjustments,
        "entry_id": mid,
        "data": {},
    }


def entry_file(folder: Path) -> Path:
    """Li, O2, Li4O2 (two oxide O of six atoms) and Li2O2 (two peroxide O of four atoms)."""
    rows = [
        _entry({"Li": 2.0}, -3.8, "t-1", []),
        _entry({"O": 2.0}, -9.8, "t-2", []),
        _entry({"Li": 4.0, "O": 2.0}, -25.0, "t-3", [_adjustment(OXIDE, -0.687, 2.0, 0.002)]),
        _entry({"Li": 2.0, "O": 2.0}, -16.0, "t-4", [_adjustment(PEROXIDE, -0.465, 2.0, 0.0172)]),
    ]
    path = folder / "toy_entries.json"
    path.write_text(json.dumps(rows))
    return path


EXPECTED = {"Li2O": (Correction(OXIDE, 2 / 6, 0.002),), "Li2O2": (Correction(PEROXIDE, 2 / 4, 0.0172),)}


def _corrections(store, source: str = "toy") -> dict[str, tuple[Correction, ...] | None]:
    return {e.formula: e.corrections for e in store.entries(["Li", "O"], source).entries}


def test_round_trip_of_corrections(tmp_path: Path) -> None:
    entries = [
        Entry("Li2O", {"Li": 2.0, "O": 1.0}, -2.0, "a", "toy", (Correction(OXIDE, 1 / 3, 0.002),)),
        Entry("LiO", {"Li": 1.0, "O": 1.0}, -1.5, "b", "toy", ()),  # recorded: none applied
        Entry("Li3O", {"Li": 3.0, "O": 1.0}, -1.0, "c", "toy", None),  # not recorded
    ]
    with open_store(tmp_path / "s.sqlite") as store:
        store.replace_source(INFO, entries)
    store_rows._DECODED.clear()
    with open_store(tmp_path / "s.sqlite") as store:
        loaded = {e.formula: e for e in store.entries(["Li", "O"], "toy").entries}
        assert {f: e.corrections for f, e in loaded.items()} == {e.formula: e.corrections for e in entries}
        assert [e.corrections for e in store.find_formula("Li2O", "toy")] == [entries[0].corrections]
        assert {e.formula: e.corrections for e in store.iter_entries("toy")} == {
            e.formula: e.corrections for e in entries
        }
        store.check_integrity()


def test_import_of_an_entry_file_records_corrections(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        info, changed = import_file(store, entry_file(tmp_path), source_name="toy")
        assert changed
        assert _corrections(store) == EXPECTED
        assert store.records_corrections("toy")
        assert import_file(store, entry_file(tmp_path), source_name="toy") == (info, False)  # idempotent


def test_checksums_cover_the_corrections(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        import_file(store, entry_file(tmp_path), source_name="toy")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE entries SET corrections = replace(corrections, '0.0172', '0.0017') WHERE formula = 'Li2O2'")
    conn.commit()
    conn.close()
    with open_store(path) as store, pytest.raises(StoreError, match="do not match their checksum"):
        store.entries(["Li", "O"], "toy")


def test_a_damaged_corrections_value_is_refused(tmp_path: Path) -> None:
    for bad in ('[["x", -1, 0.1]]', '{"x": 1}', "[[1, 0.5, 0.1]]", '[["x", 0.5]]', "not json"):
        with pytest.raises(StoreError, match="corrections"):
            store_rows.decode_row(tmp_path, "toy", "Li2O", '{"Li": 2, "O": 1}', -2.0, "a", bad)


def _make_version_1(path: Path, source: str = "toy") -> None:
    """Turn a store into what version 1 wrote: no corrections column, checksums of rows without them."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE entries SET corrections = NULL")
    integrity.store_checksums(conn, source, None)
    conn.execute("COMMIT")
    conn.execute("ALTER TABLE entries DROP COLUMN corrections")
    conn.execute("PRAGMA user_version = 1")
    conn.close()


def test_a_version_1_store_is_migrated_and_refreshed_by_a_reimport(tmp_path: Path) -> None:
    path, source_file = tmp_path / "old.sqlite", entry_file(tmp_path)
    with open_store(path) as store:
        import_file(store, source_file, source_name="toy")
    _make_version_1(path)
    store_rows._DECODED.clear()

    with open_store(path) as store:  # writable: migrated on opening
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        assert _corrections(store) == {"Li2O": None, "Li2O2": None}  # checksums still hold
        store.check_integrity()
        assert not store.records_corrections("toy")
        # the same file again: its rows were stored before corrections, so they are refreshed once
        _, changed = import_file(store, source_file, source_name="toy")
        assert changed
        assert _corrections(store) == EXPECTED
        assert import_file(store, source_file, source_name="toy")[1] is False


def test_a_read_only_version_1_store_is_read_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.sqlite"
    with open_store(path) as store:
        import_file(store, entry_file(tmp_path), source_name="toy")
    _make_version_1(path)
    store_rows._DECODED.clear()
    monkeypatch.setattr("interfacestab.store.database._is_writable", lambda _path: False)
    with open_store(path) as store:
        assert store.read_only
        assert _corrections(store) == {"Li2O": None, "Li2O2": None}
        assert [e.corrections for e in store.iter_entries("toy")] == [None, None]
        store.check_integrity()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1  # untouched
    conn.close()

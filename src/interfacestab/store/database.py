"""SQLite store of entries, indexed by chemical system.

Design:
- One row per entry, with its canonical chemical-system key (``Cl-Li-P-S``) indexed together
  with the source. Loading a system queries the index for every subsystem (2^n - 1 keys), so
  a 4-element system of the 85,014-entry snapshot loads in about a millisecond without
  parsing formulas (compositions are stored as JSON of the reduced formula unit).
- Imports replace a source inside one ``BEGIN IMMEDIATE`` transaction: an interrupted import
  rolls back and leaves the previous state intact; re-importing identical content is a no-op.
- WAL journal mode: readers in other processes keep reading while one process writes.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from interfacestab.chem import chemsys as chemsys_key
from interfacestab.entries import Entry, EntrySet
from interfacestab.errors import DataNotFoundError, StoreError
from interfacestab.provenance import SourceInfo

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

SCHEMA_VERSION = 1
_MAX_SUBSET_ELEMENTS = 14  # above this, filter the source's entries in Python instead of by subsets

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    thermo_type TEXT NOT NULL,
    vintage TEXT NOT NULL,
    db_version TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT '',
    content_sha256 TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL,
    n_entries INTEGER NOT NULL,
    citation TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    chemsys TEXT NOT NULL,
    formula TEXT NOT NULL,
    composition TEXT NOT NULL,
    e_form_eV_per_atom REAL NOT NULL,
    material_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS entries_by_chemsys ON entries(source, chemsys);
CREATE INDEX IF NOT EXISTS entries_by_formula ON entries(source, formula);
"""


def _rebuild_hint(path: Path) -> str:
    return f"delete {path} and run `interfacestab data import` (or `interfacestab setup`) to rebuild it"


class Store:
    """A connection to the store file. Use :func:`open_store` to create one."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn

    # -- lifecycle ---------------------------------------------------------------
    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sources -----------------------------------------------------------------
    def sources(self) -> list[SourceInfo]:
        """All sources, in import order."""
        rows = self._query("SELECT * FROM sources ORDER BY imported_at, name")
        return [SourceInfo(**dict(row)) for row in rows]

    def source(self, name: str | None = None) -> SourceInfo:
        """One source by name; with no name, the only source or the offline snapshot."""
        sources = {s.name: s for s in self.sources()}
        if not sources:
            msg = f"the store at {self.path} is empty; run `interfacestab setup` or `interfacestab data import PATH`"
            raise DataNotFoundError(msg)
        if name:
            if name not in sources:
                msg = f"no source named '{name}' in the store (have: {', '.join(sources)})"
                raise DataNotFoundError(msg)
            return sources[name]
        from interfacestab.sources.snapshot import SNAPSHOT_SOURCE_NAME

        if SNAPSHOT_SOURCE_NAME in sources:
            return sources[SNAPSHOT_SOURCE_NAME]
        return next(iter(sources.values()))

    # -- reads -------------------------------------------------------------------
    def entries(self, elements: Iterable[str], source: str | None = None) -> EntrySet:
        """Every entry of ``source`` whose elements lie within ``elements``.

        Raises:
            DataNotFoundError: when the source has no compound in the system.
        """
        info = self.source(source)
        els = tuple(sorted(set(elements)))
        if len(els) <= _MAX_SUBSET_ELEMENTS:
            keys = [chemsys_key(c) for r in range(1, len(els) + 1) for c in itertools.combinations(els, r)]
            rows: list[sqlite3.Row] = []
            for start in range(0, len(keys), 900):
                chunk = keys[start : start + 900]
                marks = ",".join("?" * len(chunk))
                rows += self._query(
                    f"SELECT formula, composition, e_form_eV_per_atom, material_id FROM entries "
                    f"WHERE source = ? AND chemsys IN ({marks})",
                    (info.name, *chunk),
                )
        else:
            allowed = set(els)
            rows = [
                r
                for r in self._query(
                    "SELECT formula, composition, e_form_eV_per_atom, material_id, chemsys FROM entries WHERE source = ?",
                    (info.name,),
                )
                if set(r["chemsys"].split("-")) <= allowed
            ]
        entries = tuple(
            Entry(r["formula"], json.loads(r["composition"]), r["e_form_eV_per_atom"], r["material_id"], info.name)
            for r in rows
        )
        return EntrySet(els, entries, info)

    def has_chemsys(self, elements: Iterable[str], source: str | None = None) -> bool:
        """Whether the source has at least one compound spanning exactly these elements or a subsystem."""
        return bool(self.entries(elements, source).entries)

    def covered_elements(self, source: str | None = None) -> frozenset[str]:
        """Every element that appears in at least one entry of the source."""
        info = self.source(source)
        rows = self._query("SELECT DISTINCT chemsys FROM entries WHERE source = ?", (info.name,))
        return frozenset(el for r in rows for el in r[0].split("-"))

    def find_formula(self, formula: str, source: str | None = None) -> list[Entry]:
        """Entries with this reduced formula."""
        info = self.source(source)
        rows = self._query(
            "SELECT formula, composition, e_form_eV_per_atom, material_id FROM entries WHERE source = ? AND formula = ?",
            (info.name, formula),
        )
        return [Entry(r[0], json.loads(r[1]), r[2], r[3], info.name) for r in rows]

    def iter_entries(self, source: str | None = None, containing: str | None = None) -> Iterator[Entry]:
        """All entries of a source, optionally only those containing an element."""
        info = self.source(source)
        for r in self._query(
            "SELECT formula, composition, e_form_eV_per_atom, material_id, chemsys FROM entries WHERE source = ? "
            "ORDER BY chemsys, formula",
            (info.name,),
        ):
            if containing and containing not in r["chemsys"].split("-"):
                continue
            yield Entry(r[0], json.loads(r[1]), r[2], r[3], info.name)

    def count(self, source: str | None = None) -> int:
        """Number of entries of a source (all sources when None)."""
        if source is None:
            return int(self._query("SELECT COUNT(*) FROM entries")[0][0])
        return int(self._query("SELECT COUNT(*) FROM entries WHERE source = ?", (source,))[0][0])

    # -- writes ------------------------------------------------------------------
    def replace_source(self, info: SourceInfo, entries: Iterable[Entry]) -> SourceInfo:
        """Atomically replace every entry of ``info.name`` with ``entries``.

        Returns the stored :class:`SourceInfo` (with ``n_entries`` and ``imported_at`` set).
        An exception (or a killed process) inside the transaction leaves the previous
        content of the store untouched.
        """
        rows = [
            (
                info.name,
                chemsys_key(e.composition),
                e.formula,
                json.dumps(e.composition, separators=(",", ":")),
                float(e.e_form_eV_per_atom),
                e.material_id,
            )
            for e in entries
        ]
        stamped = SourceInfo(
            **{**info.to_dict(), "n_entries": len(rows), "imported_at": datetime.now(UTC).isoformat(timespec="seconds")}
        )
        with self._write() as conn:
            conn.execute("DELETE FROM entries WHERE source = ?", (info.name,))
            conn.execute("DELETE FROM sources WHERE name = ?", (info.name,))
            conn.execute(
                "INSERT INTO sources VALUES (:name, :description, :thermo_type, :vintage, :db_version, :origin, "
                ":content_sha256, :imported_at, :n_entries, :citation)",
                stamped.to_dict(),
            )
            conn.executemany(
                "INSERT INTO entries (source, chemsys, formula, composition, e_form_eV_per_atom, material_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
        return stamped

    def replace_chemsys(self, info: SourceInfo, elements: Iterable[str], entries: Iterable[Entry]) -> SourceInfo:
        """Atomically replace the entries of ``info.name`` in a chemical system and all its subsystems.

        Used by live fetches: each fetched system overwrites what the source held inside it
        and leaves other systems alone. The source row's counts and metadata are updated.
        """
        els = tuple(sorted(set(elements)))
        keys = [chemsys_key(c) for r in range(1, len(els) + 1) for c in itertools.combinations(els, r)]
        rows = [
            (
                info.name,
                chemsys_key(e.composition),
                e.formula,
                json.dumps(e.composition, separators=(",", ":")),
                float(e.e_form_eV_per_atom),
                e.material_id,
            )
            for e in entries
        ]
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write() as conn:
            for start in range(0, len(keys), 900):
                chunk = keys[start : start + 900]
                conn.execute(
                    f"DELETE FROM entries WHERE source = ? AND chemsys IN ({','.join('?' * len(chunk))})",
                    (info.name, *chunk),
                )
            conn.executemany(
                "INSERT INTO entries (source, chemsys, formula, composition, e_form_eV_per_atom, material_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            count = conn.execute("SELECT COUNT(*) FROM entries WHERE source = ?", (info.name,)).fetchone()[0]
            stamped = SourceInfo(**{**info.to_dict(), "n_entries": int(count), "imported_at": now})
            conn.execute("DELETE FROM sources WHERE name = ?", (info.name,))
            conn.execute(
                "INSERT INTO sources VALUES (:name, :description, :thermo_type, :vintage, :db_version, :origin, "
                ":content_sha256, :imported_at, :n_entries, :citation)",
                stamped.to_dict(),
            )
        return stamped

    def remove_source(self, name: str) -> None:
        """Delete a source and its entries."""
        with self._write() as conn:
            conn.execute("DELETE FROM entries WHERE source = ?", (name,))
            conn.execute("DELETE FROM sources WHERE name = ?", (name,))

    # -- internals ---------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            msg = f"could not write to the store at {self.path}: {exc}"
            raise StoreError(msg) from exc
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            msg = f"the store at {self.path} is corrupt or unreadable ({exc}); {_rebuild_hint(self.path)}"
            raise StoreError(msg) from exc


def open_store(path: str | Path | None = None, *, create: bool = True) -> Store:
    """Open (and create when asked) the store at ``path`` (default: settings' store path).

    Raises:
        StoreError: when the file is not an interfacestab store, is corrupt, or has another schema version.
        DataNotFoundError: when ``create`` is False and no store exists.
    """
    from interfacestab.settings import resolve_store_path

    store_path = resolve_store_path(path)
    if not store_path.exists():
        if not create:
            msg = f"no store at {store_path}; run `interfacestab setup` to import the offline snapshot"
            raise DataNotFoundError(msg)
        store_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(store_path, timeout=60.0, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version != SCHEMA_VERSION or not {"sources", "entries"} <= tables:
            conn.close()
            msg = (
                f"the store at {store_path} has schema version {version}, this interfacestab needs "
                f"{SCHEMA_VERSION}; {_rebuild_hint(store_path)}"
            )
            raise StoreError(msg)
    except sqlite3.DatabaseError as exc:
        msg = f"the store at {store_path} is corrupt or not an interfacestab store ({exc}); {_rebuild_hint(store_path)}"
        raise StoreError(msg) from exc
    return Store(store_path, conn)

"""SQLite store of entries, indexed by chemical system.

Design:
- One row per entry, with its canonical chemical-system key (``Cl-Li-P-S``) indexed together
  with the source. Loading a system queries the index for every subsystem (2^n - 1 keys), so
  a 4-element system of the 85,014-entry snapshot loads in about a millisecond without
  parsing formulas (compositions are stored as JSON of the reduced formula unit).
- Imports replace a source inside one ``BEGIN IMMEDIATE`` transaction: an interrupted import
  rolls back and leaves the previous state intact; re-importing identical content is a no-op.
- WAL journal mode: readers in other processes keep reading while one process writes.
- Read-only stores (a shared group store in a folder the user cannot write): opened with
  ``mode=ro``; when SQLite cannot open a WAL database that way (it needs to create the ``-shm``
  file beside it), with ``immutable=1``, but only when no ``-wal`` file with unmerged writes exists.
- Integrity: ``PRAGMA quick_check`` when a file is first opened in a process (about 20 ms on the
  85,014-entry snapshot store; repeated opens of an unchanged file skip it). A SHA-256 of the rows
  of each (source, chemical system) is stored at import and checked whenever a system is loaded
  (a few ms), so bytes flipped inside a value are found, not used. ``data info`` runs
  :meth:`Store.check_integrity`: ``PRAGMA integrity_check`` and every checksum. Every row is also
  validated where it is decoded (composition JSON, finite energy).

The schema, row checksums and row decoding are in :mod:`interfacestab.store.rows`; the checks of
the stored checksums and the full integrity check in :mod:`interfacestab.store.integrity`; the
file-level helpers (writability, read-only opening) in :mod:`interfacestab.store.connection`.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from interfacestab.chem import chemsys as chemsys_key
from interfacestab.entries import Entry, EntrySet
from interfacestab.errors import DataNotFoundError, StoreError
from interfacestab.provenance import SourceInfo
from interfacestab.settings import SNAPSHOT_SOURCE_NAME, SOURCE_ENV, load_settings
from interfacestab.store import integrity
from interfacestab.store import properties as _properties
from interfacestab.store.connection import CHECKED, connect_read_only, file_state
from interfacestab.store.connection import is_writable as _is_writable
from interfacestab.store.rows import (
    SCHEMA,
    SCHEMA_VERSION,
    corrections_column,
    corrupt,
    decode_row,
    encode_corrections,
    migrate,
    rebuild_hint,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from interfacestab.phase_properties import PropertyRow, PropertySource, PropertyTable

_MAX_SUBSET_ELEMENTS = 14  # above this, filter the source's entries in Python instead of by subsets

_INSERT_SOURCE = (
    "INSERT INTO sources VALUES (:name, :description, :thermo_type, :vintage, :db_version, :origin, "
    ":content_sha256, :imported_at, :n_entries, :citation)"
)
_INSERT_ENTRY = (
    "INSERT INTO entries (source, chemsys, formula, composition, e_form_eV_per_atom, material_id, corrections) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
#: Schema versions this interfacestab opens: the current one, and version 1 (migrated when writable).
_READABLE_VERSIONS = (1, SCHEMA_VERSION)


def _entry_rows(source: str, entries: Iterable[Entry]) -> list[tuple[str, str, str, str, float, str, str | None]]:
    """Rows of the ``entries`` table (``_INSERT_ENTRY`` order) for a source's entries."""
    return [
        (
            source,
            chemsys_key(e.composition),
            e.formula,
            json.dumps(e.composition, separators=(",", ":")),
            float(e.e_form_eV_per_atom),
            e.material_id,
            encode_corrections(e.corrections),
        )
        for e in entries
    ]


class Store:
    """A connection to the store file. Use :func:`open_store` to create one.

    Attributes:
        path: The SQLite file.
        read_only: True when the file or its folder is not writable (reads work, writes raise).
        default_source: Source used when none is named (``Settings.default_source``; empty: the
            offline snapshot when present, else the first source imported).
    """

    def __init__(
        self, path: Path, conn: sqlite3.Connection, *, read_only: bool = False, default_source: str = ""
    ) -> None:
        self.path = path
        self._conn = conn
        self.read_only = read_only
        self.default_source = default_source
        self._has_digests: dict[str, bool] = {}
        #: The corrections value in SELECTs (NULL on a version-1 store opened read-only).
        self._corrections = corrections_column(conn)

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
        """One source by name; with no name, the default source (see :attr:`default_source`).

        Raises:
            DataNotFoundError: when the store is empty or has no source of that name.
        """
        sources = {s.name: s for s in self.sources()}
        if not sources:
            msg = f"the store at {self.path} is empty; run `interfacestab setup` or `interfacestab data import PATH`"
            raise DataNotFoundError(msg)
        if name:
            if name not in sources:
                msg = f"no source named '{name}' in the store (have: {', '.join(sources)})"
                raise DataNotFoundError(msg)
            return sources[name]
        if self.default_source:
            if self.default_source not in sources:
                msg = (
                    f"{SOURCE_ENV} names the source '{self.default_source}', which is not in the store "
                    f"(have: {', '.join(sources)})"
                )
                raise DataNotFoundError(msg)
            return sources[self.default_source]
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
                    f"SELECT formula, composition, e_form_eV_per_atom, material_id, chemsys, {self._corrections} "
                    f"FROM entries WHERE source = ? AND chemsys IN ({marks})",
                    (info.name, *chunk),
                )
            self._verify(info.name, keys, rows)
        else:
            allowed = set(els)
            rows = [
                r
                for r in self._query(
                    f"SELECT formula, composition, e_form_eV_per_atom, material_id, chemsys, {self._corrections} "
                    "FROM entries WHERE source = ?",
                    (info.name,),
                )
                if set(str(r["chemsys"]).split("-")) <= allowed
            ]
        entries = tuple(decode_row(self.path, info.name, r[0], r[1], r[2], r[3], r[5]) for r in rows)
        return EntrySet(els, entries, info)

    def covered_elements(self, source: str | None = None) -> frozenset[str]:
        """Every element that appears in at least one entry of the source."""
        info = self.source(source)
        rows = self._query("SELECT DISTINCT chemsys FROM entries WHERE source = ?", (info.name,))
        return frozenset(el for r in rows for el in r[0].split("-"))

    def find_formula(self, formula: str, source: str | None = None) -> list[Entry]:
        """Entries with this reduced formula."""
        info = self.source(source)
        rows = self._query(
            f"SELECT formula, composition, e_form_eV_per_atom, material_id, {self._corrections} "
            "FROM entries WHERE source = ? AND formula = ?",
            (info.name, formula),
        )
        return [decode_row(self.path, info.name, r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def iter_entries(self, source: str | None = None, containing: str | None = None) -> Iterator[Entry]:
        """All entries of a source, optionally only those containing an element."""
        info = self.source(source)
        for r in self._query(
            f"SELECT formula, composition, e_form_eV_per_atom, material_id, chemsys, {self._corrections} "
            "FROM entries WHERE source = ? ORDER BY chemsys, formula",
            (info.name,),
        ):
            if containing and containing not in str(r["chemsys"]).split("-"):
                continue
            yield decode_row(self.path, info.name, r[0], r[1], r[2], r[3], r[5])

    def records_corrections(self, source: str) -> bool:
        """Whether the stored entries of ``source`` carry their corrections (False for rows stored before them)."""
        if self._corrections != "corrections":
            return False
        rows = self._query("SELECT 1 FROM entries WHERE source = ? AND corrections IS NOT NULL LIMIT 1", (source,))
        return bool(rows)

    def corrections_coverage(self, source: str) -> tuple[int, int]:
        """(entries of ``source`` that carry their corrections, entries that do not)."""
        if self._corrections != "corrections":
            return 0, self.count(source)
        row = self._query(
            "SELECT COUNT(corrections), COUNT(*) - COUNT(corrections) FROM entries WHERE source = ?", (source,)
        )[0]
        return int(row[0]), int(row[1])

    def count(self, source: str | None = None) -> int:
        """Number of entries of a source (all sources when None)."""
        if source is None:
            return int(self._query("SELECT COUNT(*) FROM entries")[0][0])
        return int(self._query("SELECT COUNT(*) FROM entries WHERE source = ?", (source,))[0][0])

    def _digests_of(self, source: str) -> bool:
        if source not in self._has_digests:
            self._has_digests[source] = integrity.has_checksums(self._conn, self.path, source)
        return self._has_digests[source]

    def _verify(self, source: str, keys: list[str], rows: list[sqlite3.Row]) -> None:
        """Compare the loaded rows of each chemical system in ``keys`` with their stored checksums."""
        if self._digests_of(source):
            integrity.verify_systems(self._conn, self.path, source, keys, rows)

    def check_integrity(self) -> None:
        """Full check of the store (``data info`` runs it): see :func:`interfacestab.store.integrity.check_store`.

        Raises:
            StoreError: naming the damage and how to rebuild the store.
        """
        digested = [info.name for info in self.sources() if self._digests_of(info.name)]
        integrity.check_store(self._conn, self.path, digested)
        with self._reading():
            _properties.check_all(self._conn, self.path)

    # -- phase properties (band gaps, volumes, ion-conductor flags; see store/properties.py) ----------
    def phase_properties(self, formulas: Iterable[str]) -> PropertyTable:
        """What every property source knows of these phases, by reduced formula (one indexed query).

        Formulas are written any way (``Li4S2`` is ``Li2S``); one that cannot be read is simply not
        in the table. A store without phase properties (made before them, or never given any) gives
        an empty table whose ``notes`` say how to add them. Each row read is checked against its checksum.

        Raises:
            StoreError: the store cannot be read or a row is damaged.
        """
        from interfacestab.errors import FormulaError
        from interfacestab.phase_properties import property_key

        keys = []
        for formula in formulas:
            try:
                keys.append(property_key(formula))
            except (FormulaError, ValueError, OverflowError):
                continue
        with self._reading():
            return _properties.lookup(self._conn, self.path, keys)

    def property_sources(self) -> list[PropertySource]:
        """Every source of phase properties with its provenance and counts, user data first (empty for an old store)."""
        with self._reading():
            if not _properties.tables_exist(self._conn):
                return []
            return _properties.read_sources(self._conn, self.path)

    def replace_properties(
        self, source: PropertySource, rows: Iterable[PropertyRow], *, formulas: Iterable[str] | None = None
    ) -> PropertySource:
        """Atomically store a property source and its rows; returns it with ``n_entries`` and ``imported_at`` set.

        ``formulas`` None replaces every row of the source; otherwise only the rows of those reduced
        formulas (and of ``rows``) are replaced and the others kept (a live fetch of one system).
        A store made before phase properties gets their tables in the same transaction.
        """
        listed = list(rows)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        stamped = replace(source, info=replace(source.info, imported_at=now))
        with self._write() as conn:
            count = _properties.write_source(conn, stamped, listed, only=None if formulas is None else set(formulas))
        return replace(stamped, info=replace(stamped.info, n_entries=count))

    def properties_known_elsewhere(
        self, formulas: Iterable[str], exclude: str
    ) -> list[tuple[str, str, frozenset[str]]]:
        """What sources other than ``exclude`` know of these reduced formulas: (source, formula, property kinds)."""
        with self._reading():
            return _properties.known_elsewhere(self._conn, list(formulas), exclude)

    def property_formulas(self, name: str) -> list[str]:
        """The reduced formulas a property source holds (empty for an unknown source or an old store)."""
        with self._reading():
            if not _properties.tables_exist(self._conn):
                return []
            rows = self._conn.execute("SELECT formula FROM phase_properties WHERE source = ?", (name,)).fetchall()
            return [str(r[0]) for r in rows]

    def delete_properties(self, name: str) -> None:
        """Remove a property source and its rows (nothing happens when there is none)."""
        with self._write() as conn:
            _properties.delete_source(conn, name)

    # -- writes ------------------------------------------------------------------
    def replace_source(self, info: SourceInfo, entries: Iterable[Entry]) -> SourceInfo:
        """Atomically replace every entry of ``info.name`` with ``entries``.

        Returns the stored :class:`SourceInfo` (with ``n_entries`` and ``imported_at`` set).
        An exception (or a killed process) inside the transaction leaves the previous
        content of the store untouched.
        """
        rows = _entry_rows(info.name, entries)
        stamped = replace(info, n_entries=len(rows), imported_at=datetime.now(UTC).isoformat(timespec="seconds"))
        with self._write() as conn:
            conn.execute("DELETE FROM entries WHERE source = ?", (info.name,))
            conn.execute("DELETE FROM sources WHERE name = ?", (info.name,))
            conn.execute(_INSERT_SOURCE, stamped.to_dict())
            conn.executemany(_INSERT_ENTRY, rows)
            self._store_digests(conn, info.name, None)
        return stamped

    def replace_chemsys(self, info: SourceInfo, elements: Iterable[str], entries: Iterable[Entry]) -> SourceInfo:
        """Atomically replace the entries of ``info.name`` in a chemical system and all its subsystems.

        Used by live fetches: each fetched system overwrites what the source held inside it
        and leaves other systems alone. The source row's counts and metadata are updated.
        """
        els = tuple(sorted(set(elements)))
        keys = [chemsys_key(c) for r in range(1, len(els) + 1) for c in itertools.combinations(els, r)]
        rows = _entry_rows(info.name, entries)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write() as conn:
            for start in range(0, len(keys), 900):
                chunk = keys[start : start + 900]
                conn.execute(
                    f"DELETE FROM entries WHERE source = ? AND chemsys IN ({','.join('?' * len(chunk))})",
                    (info.name, *chunk),
                )
            conn.executemany(_INSERT_ENTRY, rows)
            self._store_digests(conn, info.name, keys)
            count = conn.execute("SELECT COUNT(*) FROM entries WHERE source = ?", (info.name,)).fetchone()[0]
            stamped = replace(info, n_entries=int(count), imported_at=now)
            conn.execute("DELETE FROM sources WHERE name = ?", (info.name,))
            conn.execute(_INSERT_SOURCE, stamped.to_dict())
        return stamped

    def _store_digests(self, conn: sqlite3.Connection, source: str, keys: list[str] | None) -> None:
        """Recompute the checksums of a source's systems (all, or ``keys``) inside a write transaction."""
        integrity.store_checksums(conn, source, keys)
        self._has_digests.pop(source, None)

    # -- internals ---------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            msg = (
                f"cannot write to the store at {self.path}: the file or its folder is not writable "
                "(it is open for reading only); use a store of your own with --store PATH"
            )
            raise StoreError(msg)
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

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """SQLite errors while reading become StoreError (unreadable) or the corrupt-store error."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            msg = f"cannot read the store at {self.path}: {exc}"
            raise StoreError(msg) from exc
        except sqlite3.DatabaseError as exc:
            raise corrupt(self.path, str(exc)) from exc

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            msg = f"cannot read the store at {self.path}: {exc}"
            raise StoreError(msg) from exc
        except sqlite3.DatabaseError as exc:
            raise corrupt(self.path, str(exc)) from exc


def open_store(path: str | Path | None = None, *, create: bool = True) -> Store:
    """Open (and create when asked) the store at ``path`` (default: settings' store path).

    A store the user cannot write (file or folder not writable) is opened read-only.

    Raises:
        StoreError: when the path is not a regular file, the file is not an interfacestab store,
            is corrupt, or has another schema version.
        DataNotFoundError: when ``create`` is False and no store exists.
    """
    settings = load_settings(path)
    store_path = settings.store_path
    if store_path.exists() and not store_path.is_file():
        msg = f"the store path {store_path} is not a regular file; give --store a file path (e.g. my_store.sqlite)"
        raise StoreError(msg)
    if not store_path.exists():
        ancestor = next((a for a in store_path.parents if a.exists()), None)
        if ancestor is not None and not ancestor.is_dir():
            msg = (
                f"cannot use the store path {store_path}: {ancestor} is not a folder "
                "(give --store a file path such as my_store.sqlite, or a folder)"
            )
            raise StoreError(msg)
        if not create:
            msg = f"no store at {store_path}; run `interfacestab setup` to import the offline snapshot"
            raise DataNotFoundError(msg)
        try:
            store_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            msg = f"cannot create the store at {store_path}: {exc.strerror or exc}"
            raise StoreError(msg) from exc
        if not os.access(store_path.parent, os.W_OK | os.X_OK):
            msg = f"cannot create the store at {store_path}: no permission to write in {store_path.parent}"
            raise StoreError(msg)
    read_only = not _is_writable(store_path)
    conn: sqlite3.Connection | None = None
    try:
        if read_only:
            conn = connect_read_only(store_path)
        else:
            conn = sqlite3.connect(store_path, timeout=60.0, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables and not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version not in _READABLE_VERSIONS or not {"sources", "entries"} <= tables:
            conn.close()
            msg = (
                f"the store at {store_path} has schema version {version}, this interfacestab needs "
                f"{SCHEMA_VERSION} (or it is not an interfacestab store); {rebuild_hint(store_path)}"
            )
            raise StoreError(msg)
        elif version != SCHEMA_VERSION and not read_only:
            migrate(conn)
        state = file_state(store_path)
        if state not in CHECKED:
            problems = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                conn.close()
                raise corrupt(store_path, f"integrity check: {'; '.join(problems[:3])}")
            CHECKED.add(state)
    except sqlite3.OperationalError as exc:
        if conn is not None:
            conn.close()
        msg = f"cannot open the store at {store_path}: {exc}"
        raise StoreError(msg) from exc
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        msg = f"the store at {store_path} is corrupt or not an interfacestab store ({exc}); {rebuild_hint(store_path)}"
        raise StoreError(msg) from exc
    return Store(store_path, conn, read_only=read_only, default_source=settings.default_source)


@contextmanager
def store_or_default(store: Store | None) -> Iterator[Store]:
    """``store`` itself, or else the configured store, opened (never created) for the block and closed after.

    The one place a library call resolves an optional ``store`` argument.

    Raises:
        DataNotFoundError: when no store is given and none exists at the configured path.
    """
    if store is not None:
        yield store
        return
    with open_store(create=False) as owned:
        yield owned

"""Phase properties in the store: band gaps, metal labels, volumes, ion-conductor flags by reduced formula.

Two tables, added without a schema-version change (``CREATE TABLE IF NOT EXISTS`` inside the first
write that needs them), so a store made before them still opens: reading it gives an empty
:class:`~interfacestab.phase_properties.PropertyTable` with a note saying how to add them
(``interfacestab setup``), and nothing is written when it is only read (a read-only store stays as
it is).

- ``property_sources``: one row per source (the provenance fields of
  :class:`~interfacestab.provenance.SourceInfo` plus the kind of its band gaps, what it holds and
  how many input rows were skipped).
- ``phase_properties``: one row per (source, reduced formula), indexed by formula, so the
  properties of the ~10 products of a report are one indexed query. Each row carries a checksum of
  its own values (``row_sha256``), verified whenever the row is read; ``data info`` checks every row.
"""

from __future__ import annotations

import hashlib
import math
from typing import TYPE_CHECKING, Any

from interfacestab.errors import StoreError
from interfacestab.phase_properties import (
    PROPERTY_KINDS,
    GapSource,
    PhaseProperties,
    PropertyRow,
    PropertySource,
    PropertyTable,
    combine,
    source_order,
)
from interfacestab.provenance import SourceInfo
from interfacestab.store.rows import corrupt

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable
    from pathlib import Path

PROPERTY_SCHEMA = """
CREATE TABLE IF NOT EXISTS property_sources (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    thermo_type TEXT NOT NULL,
    vintage TEXT NOT NULL,
    db_version TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT '',
    content_sha256 TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL,
    n_entries INTEGER NOT NULL,
    citation TEXT NOT NULL DEFAULT '',
    gap_source TEXT NOT NULL DEFAULT '',
    properties TEXT NOT NULL DEFAULT '',
    n_skipped INTEGER NOT NULL DEFAULT 0,
    skipped TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS phase_properties (
    source TEXT NOT NULL,
    formula TEXT NOT NULL,
    gap_min_eV REAL,
    gap_max_eV REAL,
    n_gaps INTEGER NOT NULL DEFAULT 0,
    is_metal INTEGER,
    volume_per_atom_A3 REAL,
    ion_conductor INTEGER,
    row_sha256 TEXT NOT NULL,
    PRIMARY KEY (source, formula)
);
CREATE INDEX IF NOT EXISTS phase_properties_by_formula ON phase_properties(formula);
"""

_TABLES = ("property_sources", "phase_properties")
_COLUMNS = "source, formula, gap_min_eV, gap_max_eV, n_gaps, is_metal, volume_per_atom_A3, ion_conductor"
_INSERT_ROW = f"INSERT INTO phase_properties ({_COLUMNS}, row_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_INSERT_SOURCE = (
    "INSERT INTO property_sources VALUES (:name, :description, :thermo_type, :vintage, :db_version, :origin, "
    ":content_sha256, :imported_at, :n_entries, :citation, :gap_source, :properties, :n_skipped, :skipped)"
)
_CHUNK = 900
#: Bounds a stored value must lie within (a damaged row outside them is refused, not used).
MAX_GAP_eV = 100.0
MAX_VOLUME_A3 = 1e4

NO_PROPERTIES_NOTE = (
    "the store at {path} has no phase properties (band gaps, volumes): it was made before they existed or "
    "they were not imported; run `interfacestab setup` (offline band gaps and MP2020 volumes) or "
    "`interfacestab data import FILE` to add them"
)


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def row_values(source: str, row: PropertyRow) -> tuple[Any, ...]:
    """The stored values of a row (``_COLUMNS`` order, without its checksum)."""
    return (
        source,
        row.formula,
        row.gap_min_eV,
        row.gap_max_eV,
        int(row.n_gaps),
        _flag(row.is_metal),
        row.volume_per_atom_A3,
        _flag(row.ion_conductor),
    )


def row_digest(values: Iterable[object]) -> str:
    """SHA-256 of a row's stored values (their ``repr``, so 1 and 1.0 differ as SQLite keeps them)."""
    return hashlib.sha256("\x1f".join(repr(v) for v in values).encode()).hexdigest()[:32]


def tables_exist(conn: sqlite3.Connection) -> bool:
    """Whether the store has the phase-property tables (a store made before them has not)."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return set(_TABLES) <= names


def write_source(
    conn: sqlite3.Connection, src: PropertySource, rows: list[PropertyRow], *, only: set[str] | None
) -> int:
    """Inside the caller's write transaction: store ``src`` and its ``rows``; returns the source's formula count.

    ``only`` None replaces every row of the source; a set of reduced formulas replaces only those
    (a live fetch of one system), keeping the rest.
    """
    for statement in PROPERTY_SCHEMA.split(";"):  # executescript would COMMIT the caller's transaction
        if statement.strip():
            conn.execute(statement)
    if only is None:
        conn.execute("DELETE FROM phase_properties WHERE source = ?", (src.name,))
    else:
        keys = sorted(only | {r.formula for r in rows})
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            conn.execute(
                f"DELETE FROM phase_properties WHERE source = ? AND formula IN ({','.join('?' * len(chunk))})",
                (src.name, *chunk),
            )
    values = [row_values(src.name, r) for r in rows]
    for v in values:
        if not _valid(v):
            msg = f"refusing to store phase properties of {v[1]!r} from '{src.name}': a value out of range ({v[2:]})"
            raise StoreError(msg)
    conn.executemany(_INSERT_ROW, [(*v, row_digest(v)) for v in values])
    count = int(conn.execute("SELECT COUNT(*) FROM phase_properties WHERE source = ?", (src.name,)).fetchone()[0])
    record = {
        **src.info.to_dict(),
        "n_entries": count,
        "gap_source": "" if src.gap_source is None else str(src.gap_source),
        "properties": ",".join(src.properties),
        "n_skipped": int(src.n_skipped),
        "skipped": src.skipped,
    }
    conn.execute("DELETE FROM property_sources WHERE name = ?", (src.name,))
    conn.execute(_INSERT_SOURCE, record)
    return count


def delete_source(conn: sqlite3.Connection, name: str) -> None:
    """Inside the caller's write transaction: remove a property source and its rows (if the tables exist)."""
    if tables_exist(conn):
        conn.execute("DELETE FROM phase_properties WHERE source = ?", (name,))
        conn.execute("DELETE FROM property_sources WHERE name = ?", (name,))


def read_sources(conn: sqlite3.Connection, path: Path) -> list[PropertySource]:
    """Every property source, in the order their values are used (user first)."""
    out = []
    for r in conn.execute("SELECT * FROM property_sources").fetchall():
        d = dict(r)
        gap = d.pop("gap_source")
        props = tuple(p for p in str(d.pop("properties")).split(",") if p)
        n_skipped, skipped = d.pop("n_skipped"), d.pop("skipped")
        try:
            gap_source = GapSource(gap) if gap else None
        except ValueError:
            raise corrupt(path, f"property source '{d.get('name')}': unknown band gap kind {gap!r}") from None
        if not set(props) <= set(PROPERTY_KINDS):
            raise corrupt(path, f"property source '{d.get('name')}': unknown properties {props!r}")
        out.append(PropertySource(SourceInfo(**d), gap_source, props, int(n_skipped), str(skipped)))
    return source_order(out)


def _number(value: object, low: float, high: float, *, strict_low: bool) -> bool:
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    return (low < value if strict_low else low <= value) and value <= high


def _valid(values: tuple[Any, ...]) -> bool:
    """Whether stored values (``_COLUMNS`` order) are in range."""
    _, formula, gmin, gmax, n_gaps, metal, volume, ion = values
    return (
        isinstance(formula, str)
        and bool(formula)
        and _number(gmin, 0.0, MAX_GAP_eV, strict_low=False)
        and _number(gmax, 0.0, MAX_GAP_eV, strict_low=False)
        and (gmin is None) == (gmax is None)
        and (gmin is None or gmin <= gmax)
        and isinstance(n_gaps, int)
        and (n_gaps == 0) == (gmin is None)
        and n_gaps >= 0
        and metal in (None, 0, 1)
        and ion in (None, 0, 1)
        and _number(volume, 0.0, MAX_VOLUME_A3, strict_low=True)
    )


def decode(path: Path, r: Any) -> tuple[str, PropertyRow]:
    """``(source, PropertyRow)`` from a stored row (``_COLUMNS`` then ``row_sha256``), validated.

    Raises:
        StoreError: the row does not match its checksum or holds a value out of range.
    """
    values = tuple(r[:8])
    source, formula, gmin, gmax, n_gaps, metal, volume, ion = values
    where = f"phase properties of source {source!r}, formula {formula!r}"
    if row_digest(values) != r[8]:
        raise corrupt(path, f"{where}: the row does not match its checksum")
    ok = _valid(values)
    if not ok:
        raise corrupt(path, f"{where}: a value out of range")
    return str(source), PropertyRow(
        formula=formula,
        gap_min_eV=None if gmin is None else float(gmin),
        gap_max_eV=None if gmax is None else float(gmax),
        n_gaps=int(n_gaps),
        is_metal=None if metal is None else bool(metal),
        volume_per_atom_A3=None if volume is None else float(volume),
        ion_conductor=None if ion is None else bool(ion),
    )


def lookup(conn: sqlite3.Connection, path: Path, keys: list[str]) -> PropertyTable:
    """What every source knows of the reduced formulas ``keys`` (one indexed query per 900 formulas)."""
    if not tables_exist(conn):
        return PropertyTable({}, notes=(NO_PROPERTIES_NOTE.format(path=path),))
    sources = read_sources(conn, path)
    if not sources:
        return PropertyTable({}, notes=(NO_PROPERTIES_NOTE.format(path=path),))
    by_name = {s.name: s for s in sources}
    found: dict[str, list[tuple[PropertySource, PropertyRow]]] = {}
    unique = sorted(set(keys))
    cursor = conn.cursor()
    cursor.row_factory = None
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        rows = cursor.execute(
            f"SELECT {_COLUMNS}, row_sha256 FROM phase_properties WHERE formula IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
        for r in rows:
            name, row = decode(path, r)
            if name not in by_name:
                raise corrupt(path, f"phase properties of formula {row.formula!r} name an unknown source {name!r}")
            found.setdefault(row.formula, []).append((by_name[name], row))
    records: dict[str, PhaseProperties] = {key: combine(key, rows) for key, rows in found.items()}
    return PropertyTable(records, [s.name for s in sources], source_infos=sources)


def check_all(conn: sqlite3.Connection, path: Path) -> None:
    """Every stored property row against its checksum and bounds (the full check of ``data info``).

    Raises:
        StoreError: naming the first damaged row.
    """
    if not tables_exist(conn):
        return
    names = {s.name for s in read_sources(conn, path)}
    cursor = conn.cursor()
    cursor.row_factory = None
    for r in cursor.execute(f"SELECT {_COLUMNS}, row_sha256 FROM phase_properties"):
        name, row = decode(path, r)
        if name not in names:
            raise corrupt(path, f"phase properties of formula {row.formula!r} name an unknown source {name!r}")


def known_elsewhere(conn: sqlite3.Connection, keys: list[str], exclude: str) -> list[tuple[str, str, frozenset[str]]]:
    """What sources other than ``exclude`` know of ``keys``: (source, formula, which of PROPERTY_KINDS) triples."""
    if not tables_exist(conn):
        return []
    out: list[tuple[str, str, frozenset[str]]] = []
    unique = sorted(set(keys))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        sql = (
            "SELECT source, formula, n_gaps > 0, is_metal IS NOT NULL, volume_per_atom_A3 IS NOT NULL, "
            f"ion_conductor IS NOT NULL FROM phase_properties WHERE source != ? AND formula IN ({marks})"
        )
        for source, formula, *flags in conn.execute(sql, (exclude, *chunk)):
            kinds = frozenset(kind for kind, flag in zip(PROPERTY_KINDS, flags, strict=True) if flag)
            out.append((str(source), str(formula), kinds))
    return out

"""Integrity of the store's rows: the SHA-256 of each (source, chemical system), stored and checked.

A checksum of the rows of each system is written inside the import transaction
(:func:`store_checksums`) and compared whenever a system is loaded (:func:`verify_systems`), so
bytes flipped inside a value are found, not used. :func:`check_store` is the full check
``data info`` runs: ``PRAGMA integrity_check``, every checksum, and the rows of sources without
checksums (stores made before them) validated value by value.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from interfacestab._periodic import ELEMENTS
from interfacestab.errors import StoreError
from interfacestab.store.rows import DIGEST_SCHEMA, corrections_column, corrupt, decode_row, digest, row_text

if TYPE_CHECKING:
    from pathlib import Path

_CHUNK = 900  # SQLite's limit on bound parameters is 999 in older builds


def _query(conn: sqlite3.Connection, path: Path, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        msg = f"cannot read the store at {path}: {exc}"
        raise StoreError(msg) from exc
    except sqlite3.DatabaseError as exc:
        raise corrupt(path, str(exc)) from exc


def has_checksums(conn: sqlite3.Connection, path: Path, source: str) -> bool:
    """Whether the source's systems have stored checksums (a store made before them has none)."""
    try:
        n = conn.execute("SELECT COUNT(*) FROM chemsys_digests WHERE source = ?", (source,)).fetchone()[0]
    except sqlite3.OperationalError:  # a store made before digests existed
        return False
    except sqlite3.DatabaseError as exc:
        raise corrupt(path, str(exc)) from exc
    return bool(n > 0)


def verify_systems(conn: sqlite3.Connection, path: Path, source: str, keys: list[str], rows: list[Any]) -> None:
    """Compare the loaded rows of each chemical system in ``keys`` with their stored checksums.

    Raises:
        StoreError: naming the first system whose rows do not match.
    """
    stored: dict[str, str] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        stored.update(
            (str(k), str(v))
            for k, v in _query(
                conn,
                path,
                f"SELECT chemsys, rows_sha256 FROM chemsys_digests WHERE source = ? "
                f"AND chemsys IN ({','.join('?' * len(chunk))})",
                (source, *chunk),
            )
        )
    compare_rows(path, source, rows, stored)


def compare_rows(path: Path, source: str, rows: list[Any], stored: dict[str, str]) -> None:
    """Rows: (formula, composition, energy, material_id, chemsys[, corrections]); ``stored``: chemsys -> checksum."""
    texts: dict[str, list[str]] = {}
    for r in rows:
        texts.setdefault(str(r[4]), []).append(row_text(r[0], r[1], r[2], r[3], r[5] if len(r) > 5 else None))
    for key in sorted(set(texts) | set(stored)):
        if stored.get(key) != (digest(texts[key]) if key in texts else None):
            raise corrupt(path, f"the rows of source '{source}' in {key} do not match their checksum")


def check_store(conn: sqlite3.Connection, path: Path, digested: list[str]) -> None:
    """``PRAGMA integrity_check``, rows of the ``digested`` sources against their checksums, the rest value by value.

    Raises:
        StoreError: naming the damage and how to rebuild the store.
    """
    problems = [str(r[0]) for r in _query(conn, path, "PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise corrupt(path, f"integrity check: {'; '.join(problems[:3])}")
    for name in digested:
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples: about twice as fast as sqlite3.Row here
        try:
            rows = cursor.execute(
                "SELECT formula, composition, e_form_eV_per_atom, material_id, chemsys, "
                f"{corrections_column(conn)} FROM entries WHERE source = ?",
                (name,),
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise corrupt(path, str(exc)) from exc
        stored = {
            str(k): str(v)
            for k, v in _query(conn, path, "SELECT chemsys, rows_sha256 FROM chemsys_digests WHERE source = ?", (name,))
        }
        compare_rows(path, name, rows, stored)
    bad = _query(
        conn,
        path,
        "SELECT source, formula, composition, e_form_eV_per_atom, material_id FROM entries "
        f"WHERE source NOT IN ({','.join('?' * len(digested))}) AND ("
        "typeof(formula) != 'text' OR typeof(e_form_eV_per_atom) NOT IN ('real', 'integer') "
        "OR abs(e_form_eV_per_atom) > 1e300 OR NOT json_valid(composition) "
        "OR json_type(composition) != 'object' OR NOT EXISTS (SELECT 1 FROM json_each(composition)) "
        "OR EXISTS (SELECT 1 FROM json_each(composition) WHERE typeof(value) NOT IN ('integer', 'real') "
        f"OR value <= 0 OR value >= 1e6 OR key NOT IN ({','.join('?' * len(ELEMENTS))}))) LIMIT 1",
        (*digested, *ELEMENTS),
    )
    for r in bad:
        decode_row(path, str(r[0]), r[1], r[2], r[3], r[4])
        raise corrupt(path, f"source '{r[0]}', formula {r[1]!r}: a value out of range")


def store_checksums(conn: sqlite3.Connection, source: str, keys: list[str] | None) -> None:
    """Recompute the checksums of a source's systems (all, or ``keys``) inside the caller's write transaction."""
    conn.execute(DIGEST_SCHEMA)
    if keys is None:
        conn.execute("DELETE FROM chemsys_digests WHERE source = ?", (source,))
        selected = conn.execute(
            "SELECT chemsys, formula, composition, e_form_eV_per_atom, material_id, corrections FROM entries "
            "WHERE source = ?",
            (source,),
        ).fetchall()
    else:
        selected = []
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM chemsys_digests WHERE source = ? AND chemsys IN ({marks})", (source, *chunk))
            selected += conn.execute(
                "SELECT chemsys, formula, composition, e_form_eV_per_atom, material_id, corrections FROM entries "
                f"WHERE source = ? AND chemsys IN ({marks})",
                (source, *chunk),
            ).fetchall()
    texts: dict[str, list[str]] = {}
    for r in selected:
        texts.setdefault(str(r[0]), []).append(row_text(r[1], r[2], r[3], r[4], r[5]))
    conn.executemany(
        "INSERT INTO chemsys_digests (source, chemsys, rows_sha256) VALUES (?, ?, ?)",
        [(source, key, digest(t)) for key, t in texts.items()],
    )

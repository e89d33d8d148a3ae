"""How the store's rows look: the schema, row checksums, and decoding a row into a validated entry."""

from __future__ import annotations

import hashlib
import json
import math
from typing import TYPE_CHECKING

from interfacestab._periodic import ELEMENTS
from interfacestab.entries import Correction, Entry
from interfacestab.errors import StoreError

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable
    from pathlib import Path

#: 2: ``entries.corrections`` (per-entry MP2020 corrections and their uncertainties); a version-1 store
#: gets the column when a writable copy is opened (:func:`migrate`) and is read as it is otherwise.
SCHEMA_VERSION = 2

SCHEMA = """
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
    material_id TEXT NOT NULL DEFAULT '',
    corrections TEXT
);
CREATE INDEX IF NOT EXISTS entries_by_chemsys ON entries(source, chemsys);
CREATE INDEX IF NOT EXISTS entries_by_formula ON entries(source, formula);
"""


#: Checksums of each (source, chemical system)'s rows, verified whenever a system is loaded. Added
#: without a schema change: stores made before it have no digests and are simply not verified.
DIGEST_SCHEMA = """
CREATE TABLE IF NOT EXISTS chemsys_digests (
    source TEXT NOT NULL,
    chemsys TEXT NOT NULL,
    rows_sha256 TEXT NOT NULL,
    PRIMARY KEY (source, chemsys)
);
"""


def row_text(formula: object, composition: object, energy: object, mid: object, corrections: object = None) -> str:
    """One stored row as the text its system's checksum covers.

    The corrections are in it only when recorded, so rows without them have the checksums of version-1 stores.
    """
    text = f"{formula!r}\x1f{composition!r}\x1f{energy!r}\x1f{mid!r}"
    return text if corrections is None else f"{text}\x1f{corrections!r}"


def has_corrections_column(conn: sqlite3.Connection) -> bool:
    """Whether the ``entries`` table has the ``corrections`` column (schema version 2)."""
    return any(r[1] == "corrections" for r in conn.execute("PRAGMA table_info(entries)"))


def corrections_column(conn: sqlite3.Connection) -> str:
    """The SQL of the corrections value in a SELECT: the column, or NULL on a version-1 store read as it is."""
    return "corrections" if has_corrections_column(conn) else "NULL AS corrections"


def migrate(conn: sqlite3.Connection) -> None:
    """Bring a version-1 store to version 2 in one transaction (the column added, the version set).

    Another process may have migrated it meanwhile: the version is read again inside the transaction.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] == 1:
            if not has_corrections_column(conn):
                conn.execute("ALTER TABLE entries ADD COLUMN corrections TEXT")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def encode_corrections(corrections: tuple[Correction, ...] | None) -> str | None:
    """The stored text of an entry's corrections: ``[[name, share, uncertainty_eV_per_atom], ...]`` or NULL."""
    if corrections is None:
        return None
    return json.dumps([[c.name, c.share, c.uncertainty_eV_per_atom] for c in corrections], separators=(",", ":"))


#: Corrections texts already decoded (entries of one system often share them): text -> corrections.
_CORRECTIONS: dict[object, tuple[Correction, ...]] = {}


def _decode_corrections(path: Path, where: str, text: object) -> tuple[Correction, ...] | None:
    if text is None:
        return None
    if isinstance(text, str) and (known := _CORRECTIONS.get(text)) is not None:
        return known
    corrections = _parse_corrections(path, where, text)
    if len(_CORRECTIONS) >= _DECODED_MAX:
        _CORRECTIONS.clear()
    if isinstance(text, str):
        _CORRECTIONS[text] = corrections
    return corrections


def _parse_corrections(path: Path, where: str, text: object) -> tuple[Correction, ...]:
    try:
        items = json.loads(text) if isinstance(text, (str, bytes)) else None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        items = None
    if not isinstance(items, list):
        raise corrupt(path, f"{where}: the corrections {str(text)[:60]!r} are not valid")
    out = []
    for item in items:
        try:
            name, share, u = item
            valid = (
                type(name) is str
                and type(share) in (int, float)
                and type(u) in (int, float)
                and 0 <= share <= 1e6
                and 0 <= u <= 1e3
            )
        except (TypeError, ValueError):
            valid = False
        if not valid:  # NaN fails the range checks; infinities are out of range
            raise corrupt(path, f"{where}: the corrections {str(text)[:60]!r} are not valid")
        out.append(Correction(name, float(share), float(u)))
    return tuple(out)


def digest(texts: Iterable[str]) -> str:
    """SHA-256 of a system's row texts (order-independent)."""
    return hashlib.sha256("\n".join(sorted(texts)).encode()).hexdigest()


def rebuild_hint(path: Path) -> str:
    """How to rebuild a damaged or incompatible store."""
    return (
        f"rebuild it: delete {path} (and any {path.name}-wal/-shm beside it), then run `interfacestab setup` "
        "and re-import your own files with `interfacestab data import`"
    )


def corrupt(path: Path, detail: str) -> StoreError:
    """The error for a damaged store, with how to rebuild it."""
    return StoreError(f"the store at {path} is corrupt ({detail}); {rebuild_hint(path)}")


#: Rows already decoded in this process, by their stored values (source, formula, composition text,
#: energy and its type, material id): the same values always decode to the same (frozen) entry.
_DECODED: dict[tuple[object, ...], Entry] = {}
_DECODED_MAX = 400_000


def decode_row(
    path: Path,
    source: str,
    formula: object,
    composition: object,
    energy: object,
    mid: object,
    corrections: object = None,
) -> Entry:
    """An :class:`Entry` from a stored row, validated (a damaged row raises :class:`StoreError`).

    Systems that share subsystems load the same rows again; a row whose values were decoded before
    in this process is not parsed again (the key is the values themselves, so a changed row is new).
    """
    key = (source, formula, composition, type(energy), repr(energy), mid, corrections)
    try:
        found = _DECODED.get(key)
    except TypeError:  # an unhashable value: only a damaged row; decode it to say so
        found = None
    if found is not None:
        return found
    entry = _decode_row(path, source, formula, composition, energy, mid, corrections)
    if len(_DECODED) >= _DECODED_MAX:
        _DECODED.clear()
    _DECODED[key] = entry
    return entry


def _decode_row(
    path: Path, source: str, formula: object, composition: object, energy: object, mid: object, corrections: object
) -> Entry:
    where = f"source '{source}', formula {formula!r}"
    if not isinstance(formula, str) or not formula:
        raise corrupt(path, f"{where}: the formula is not text")
    try:
        comp = json.loads(composition) if isinstance(composition, (str, bytes)) else None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        comp = None
    if (
        not isinstance(comp, dict)
        or not comp
        or not all(
            k in ELEMENTS
            and isinstance(v, (int, float))
            and not isinstance(v, bool)
            and math.isfinite(v)
            and 0 < v < 1e6
            for k, v in comp.items()
        )
    ):
        raise corrupt(path, f"{where}: the composition {str(composition)[:60]!r} is not valid")
    if isinstance(energy, bool) or not isinstance(energy, (int, float)) or not math.isfinite(energy):
        raise corrupt(path, f"{where}: the formation energy {str(energy)[:30]!r} is not a finite number")
    corr = _decode_corrections(path, where, corrections)
    return Entry(formula, {k: float(v) for k, v in comp.items()}, float(energy), str(mid or ""), source, corr)

"""How the store's rows look: the schema, row checksums, and decoding a row into a validated entry."""

from __future__ import annotations

import hashlib
import json
import math
from typing import TYPE_CHECKING

from interfacestab._periodic import ELEMENTS
from interfacestab.entries import Entry
from interfacestab.errors import StoreError

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

SCHEMA_VERSION = 1

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
    material_id TEXT NOT NULL DEFAULT ''
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


def row_text(formula: object, composition: object, energy: object, mid: object) -> str:
    """One stored row as the text its system's checksum covers."""
    return f"{formula!r}\x1f{composition!r}\x1f{energy!r}\x1f{mid!r}"


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


def decode_row(path: Path, source: str, formula: object, composition: object, energy: object, mid: object) -> Entry:
    """An :class:`Entry` from a stored row, validated (a damaged row raises :class:`StoreError`).

    Systems that share subsystems load the same rows again; a row whose values were decoded before
    in this process is not parsed again (the key is the values themselves, so a changed row is new).
    """
    key = (source, formula, composition, type(energy), repr(energy), mid)
    try:
        found = _DECODED.get(key)
    except TypeError:  # an unhashable value: only a damaged row; decode it to say so
        found = None
    if found is not None:
        return found
    entry = _decode_row(path, source, formula, composition, energy, mid)
    if len(_DECODED) >= _DECODED_MAX:
        _DECODED.clear()
    _DECODED[key] = entry
    return entry


def _decode_row(path: Path, source: str, formula: object, composition: object, energy: object, mid: object) -> Entry:
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
    return Entry(formula, {k: float(v) for k, v in comp.items()}, float(energy), str(mid or ""), source)

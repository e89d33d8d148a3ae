"""Getting data into the store: import a file, import the offline snapshot, fetch from the Materials Project.

The one layer that both reads sources and writes the store. Readers in :mod:`interfacestab.sources`
return ``(SourceInfo, entries)`` and never see a store; :class:`~interfacestab.store.Store` knows
nothing about where entries come from. Which source is used when none is named is a setting
(``INTERFACESTAB_SOURCE``, see :class:`~interfacestab.settings.Settings`), applied by the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from interfacestab.chem import parse_chemsys
from interfacestab.errors import SourceError
from interfacestab.settings import SNAPSHOT_SOURCE_NAME
from interfacestab.sources.files import EnergyType, read_file
from interfacestab.sources.mp import fetch_entries
from interfacestab.sources.snapshot import MP2020_SETS_DIRNAME, SNAPSHOT_FILENAME

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from interfacestab.provenance import SourceInfo
    from interfacestab.store.database import Store

    ProgressCallback = Callable[[str], None]

__all__ = ["fetch_chemsys", "import_file", "import_offline_snapshot"]


def import_file(
    store: Store,
    path: str | Path,
    *,
    source_name: str | None = None,
    energy_type: EnergyType | None = None,
    progress: ProgressCallback | None = None,
    replace: bool = False,
) -> tuple[SourceInfo, bool]:
    """Import a file into the store as one source (atomic; idempotent).

    Args:
        store: The store to write.
        path: The file (see :mod:`interfacestab.sources.files` for the formats).
        source_name: Name of the source (default: the file name without extension).
        energy_type: Meaning of a user file's energy column (default: its energy_type column).
        progress: Called with short status texts.
        replace: Replace a source of the same name imported from another file (otherwise refused;
            the same file, edited, updates its own source without it; unchanged content is a no-op).

    Returns:
        The stored source and whether anything changed (False when the same content was
        already imported under that name).

    Raises:
        SourceError: for an unreadable or invalid file, a file without compounds, or an existing
            source of that name with other content when ``replace`` is False.
        StoreError: when the store cannot be written.
    """
    p = Path(path)
    if progress:
        progress(f"reading {p.name}")
    info, entries = read_file(p, source_name=source_name, energy_type=energy_type)
    if not entries:
        msg = f"{p}: no compounds to import (elements alone are implied at 0 eV/atom)"
        raise SourceError(msg)
    existing = {s.name: s for s in store.sources()}.get(info.name)
    if existing is not None and existing.content_sha256 == info.content_sha256 and existing.n_entries == len(entries):
        return existing, False
    if existing is not None and not replace and existing.origin != info.origin:
        msg = (
            f"the store already has a source named '{info.name}' ({existing.n_entries} entries from "
            f"{existing.origin or existing.description}, imported {existing.imported_at}); importing {p.name} would "
            "replace it: add --replace to do so, or choose another name with --source-name"
        )
        raise SourceError(msg)
    if progress:
        progress(f"writing {len(entries)} entries as source '{info.name}'")
    return store.replace_source(info, entries), True


def import_offline_snapshot(
    store: Store, data_dir: str | Path, *, include_mp2020: bool = True, progress: ProgressCallback | None = None
) -> list[tuple[SourceInfo, bool]]:
    """Import the whole-MP snapshot (and the MP2020 entry sets beside it) from ``data_dir``.

    A changed file replaces its stored source (``setup`` refreshes its own sources).

    Returns:
        One ``(source, changed)`` pair per file; unchanged files are skipped.

    Raises:
        SourceError: when the snapshot file is missing or invalid.
    """
    folder = Path(data_dir)
    snapshot = folder / SNAPSHOT_FILENAME
    if not snapshot.is_file():
        msg = f"offline snapshot not found at {snapshot}; set INTERFACESTAB_SHARED_DATA to the folder that holds it"
        raise SourceError(msg)
    results = [import_file(store, snapshot, source_name=SNAPSHOT_SOURCE_NAME, progress=progress, replace=True)]
    sets_dir = folder / MP2020_SETS_DIRNAME
    if include_mp2020 and sets_dir.is_dir():
        for path in sorted(sets_dir.glob("*.json.gz")):
            name = "mp2020_" + path.name.split(".")[0]
            results.append(import_file(store, path, source_name=name, progress=progress, replace=True))
    return results


def fetch_chemsys(
    store: Store,
    elements: str | Iterable[str],
    *,
    thermo_type: str = "GGA_GGA+U",
    api_key: str | None = None,
    endpoint: str | None = None,
    retries: int = 3,
    backoff_s: float = 1.0,
    timeout_s: float | None = None,
    source_name: str | None = None,
) -> tuple[SourceInfo, int]:
    """Fetch every MP entry of a chemical system and store its formation energies.

    The fetch (see :func:`interfacestab.sources.mp.fetch_entries` for the arguments) replaces
    what the source held inside this system and its subsystems; other systems are left alone.

    Returns:
        The stored source and the number of compounds stored for this system (elemental
        entries are not stored: they sit at 0 eV/atom).

    Raises:
        FormulaError: an element symbol is unknown.
        MPError: no API key, key rejected, API unreachable after retries, malformed response,
            no entries, or an element without an elemental reference.
        StoreError: when the store cannot be written.
    """
    els = parse_chemsys(elements if isinstance(elements, str) else "-".join(elements))
    info, entries = fetch_entries(
        els,
        thermo_type=thermo_type,
        api_key=api_key,
        endpoint=endpoint,
        retries=retries,
        backoff_s=backoff_s,
        timeout_s=timeout_s,
        source_name=source_name,
    )
    return store.replace_chemsys(info, els, entries), len(entries)

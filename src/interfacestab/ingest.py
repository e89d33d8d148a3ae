"""Getting data into the store: import a file, import the offline snapshot, fetch from the Materials Project.

The one layer that both reads sources and writes the store. Readers in :mod:`interfacestab.sources`
return ``(SourceInfo, entries)`` and never see a store; :class:`~interfacestab.store.Store` knows
nothing about where entries come from. Which source is used when none is named is a setting
(``INTERFACESTAB_SOURCE``, see :class:`~interfacestab.settings.Settings`), applied by the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from interfacestab.chem import parse_chemsys
from interfacestab.errors import SourceError
from interfacestab.settings import SNAPSHOT_SOURCE_NAME
from interfacestab.sources.files import EnergyType, read_file
from interfacestab.sources.mp import fetch_entries
from interfacestab.sources.snapshot import MP2020_SETS_DIRNAME, SNAPSHOT_FILENAME, file_sha256

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from interfacestab.phase_properties import PropertyRow, PropertySource
    from interfacestab.provenance import SourceInfo
    from interfacestab.store.database import Store

    ProgressCallback = Callable[[str], None]

__all__ = [
    "FetchResult",
    "PropertyImport",
    "fetch_chemsys",
    "fetch_system",
    "import_band_gap_folder",
    "import_entry_volumes",
    "import_file",
    "import_offline_snapshot",
    "import_path",
    "import_properties",
]


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
    if (
        existing is not None
        and existing.content_sha256 == info.content_sha256
        and existing.n_entries == len(entries)
        # rows stored before the store kept corrections are refreshed once (same content, now with them)
        and (all(e.corrections is None for e in entries) or store.records_corrections(info.name))
    ):
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
    store: Store,
    data_dir: str | Path,
    *,
    include_mp2020: bool = True,
    include_properties: bool = True,
    progress: ProgressCallback | None = None,
) -> list[tuple[SourceInfo, bool]]:
    """Import the whole-MP snapshot, the MP2020 entry sets and the offline band gaps from ``data_dir``.

    A changed file replaces its stored source (``setup`` refreshes its own sources). With
    ``include_properties``, the volumes of the MP2020 sets' structures (``<set>_volumes``) and the
    Matbench band gap files in ``band_gaps_matbench/`` (when present) are imported as property sources.

    Returns:
        One ``(source, changed)`` pair per file: the entry sources first, then the property sources
        (their ``n_entries`` counts formulas); unchanged files are skipped.

    Raises:
        SourceError: when the snapshot file is missing or invalid.
    """
    from interfacestab.sources.band_gaps import MATBENCH_DIRNAME

    folder = Path(data_dir)
    snapshot = folder / SNAPSHOT_FILENAME
    if not snapshot.is_file():
        msg = f"offline snapshot not found at {snapshot}; set INTERFACESTAB_SHARED_DATA to the folder that holds it"
        raise SourceError(msg)
    results = [import_file(store, snapshot, source_name=SNAPSHOT_SOURCE_NAME, progress=progress, replace=True)]
    props: list[PropertyImport] = []
    sets_dir = folder / MP2020_SETS_DIRNAME
    if include_mp2020 and sets_dir.is_dir():
        for path in sorted(sets_dir.glob("*.json.gz")):
            name = "mp2020_" + path.name.split(".")[0]
            results.append(import_file(store, path, source_name=name, progress=progress, replace=True))
            if include_properties and (volumes := import_entry_volumes(store, path, name, progress=progress)):
                props.append(volumes)
    gaps_dir = folder / MATBENCH_DIRNAME
    if include_properties and gaps_dir.is_dir():
        props += import_band_gap_folder(store, gaps_dir, progress=progress)
    return results + [(p.source.info, p.changed) for p in props]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What ``data fetch`` stored for one chemical system.

    Attributes:
        source: The entry source (formation energies).
        n_compounds: Compounds stored for this system (elements sit at 0 eV/atom and are not stored).
        properties: The live property source (band gaps, volumes), None when not asked for.
        n_property_formulas: Reduced formulas of this system with band gaps or volumes stored.
    """

    source: SourceInfo
    n_compounds: int
    properties: PropertySource | None = None
    n_property_formulas: int = 0


def fetch_system(
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
    properties: bool = True,
) -> FetchResult:
    """Fetch the entries of a chemical system and (``properties``) its band gaps and volumes, then store both.

    Both queries are made before anything is written: a failure of either leaves the store as it
    was. Entries replace what the entry source held inside the system and its subsystems; the
    properties (source ``mp_live_properties``, band gaps as ``GapSource.MP_LIVE``) replace that
    source's rows of formulas within the system and keep the rest.

    Raises:
        FormulaError: an element symbol is unknown.
        MPError: see :func:`interfacestab.sources.mp.fetch_entries` and ``fetch_properties``.
        StoreError: when the store cannot be written.
    """
    from interfacestab.chem import parse_formula
    from interfacestab.sources.mp import fetch_properties

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
    fetched = None
    if properties:
        fetched = fetch_properties(
            els, api_key=api_key, endpoint=endpoint, retries=retries, backoff_s=backoff_s, timeout_s=timeout_s
        )
    stored = store.replace_chemsys(info, els, entries)
    if fetched is None:
        return FetchResult(stored, len(entries))
    prop_source, rows = fetched
    inside = {f for f in store.property_formulas(prop_source.name) if set(parse_formula(f)) <= set(els)}
    kept = store.replace_properties(prop_source, rows, formulas=inside)
    return FetchResult(stored, len(entries), kept, len(rows))


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
    properties: bool = True,
) -> tuple[SourceInfo, int]:
    """Fetch every MP entry of a chemical system and store its formation energies (and band gaps, volumes).

    The fetch (see :func:`interfacestab.sources.mp.fetch_entries` for the arguments) replaces
    what the source held inside this system and its subsystems; other systems are left alone.
    See :func:`fetch_system` for the properties.

    Returns:
        The stored source and the number of compounds stored for this system (elemental
        entries are not stored: they sit at 0 eV/atom).

    Raises:
        FormulaError: an element symbol is unknown.
        MPError: no API key, key rejected, API unreachable after retries, malformed response,
            no entries, or an element without an elemental reference.
        StoreError: when the store cannot be written.
    """
    result = fetch_system(
        store,
        elements,
        thermo_type=thermo_type,
        api_key=api_key,
        endpoint=endpoint,
        retries=retries,
        backoff_s=backoff_s,
        timeout_s=timeout_s,
        source_name=source_name,
        properties=properties,
    )
    return result.source, result.n_compounds


# -- phase properties (band gaps, metal labels, volumes, ion-conductor flags) --------------------------------


@dataclass(frozen=True, slots=True)
class PropertyImport:
    """One property source imported.

    Attributes:
        source: The stored source (``info.n_entries`` counts its formulas).
        changed: False when the same content was already stored under that name.
        n_overridden: Formulas of a user file for which another source has a value the file also gives
            (a band gap, volume, ...): the user's values win.
        overrides: (other source, how many of those formulas it has a value for), most first.
    """

    source: PropertySource
    changed: bool
    n_overridden: int = 0
    overrides: tuple[tuple[str, int], ...] = ()

    @property
    def override_note(self) -> str:
        """``overrides N formulas known from A (n), B (m)``, empty when nothing is overridden."""
        if not self.n_overridden:
            return ""
        where = ", ".join(f"{name} ({n})" for name, n in self.overrides)
        return f"overrides {self.n_overridden} formula(s) known from {where}"

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "source": self.source.to_dict(),
            "changed": self.changed,
            "n_overridden": self.n_overridden,
            "overrides": dict(self.overrides),
            "override_note": self.override_note,
        }


def _existing_property_source(store: Store, name: str) -> PropertySource | None:
    return next((s for s in store.property_sources() if s.name == name), None)


def _store_properties(
    store: Store,
    source: PropertySource,
    rows: list[PropertyRow],
    *,
    replace: bool,
    progress: ProgressCallback | None,
) -> PropertyImport:
    """Store a read property source unless the same content is stored; a user source reports what it overrides."""
    from interfacestab.phase_properties import GapSource

    existing = _existing_property_source(store, source.name)
    if existing is not None and not replace and existing.info.origin != source.info.origin:
        msg = (
            f"the store already has a property source named '{source.name}' ({existing.info.n_entries} formulas from "
            f"{existing.info.origin or existing.info.description}); importing {source.info.origin} would replace it: "
            "add --replace to do so, or choose another name with --source-name"
        )
        raise SourceError(msg)
    changed = existing is None or existing.info.content_sha256 != source.info.content_sha256
    stored = existing if existing is not None and not changed else None
    if stored is None:
        if progress:
            progress(f"writing {len(rows)} formulas as property source '{source.name}'")
        stored = store.replace_properties(source, rows)
    if source.gap_source is not GapSource.USER:
        return PropertyImport(stored, changed)
    given = {r.formula: _kinds(r) for r in rows}
    overridden: set[str] = set()
    per_source: dict[str, int] = {}
    for other, formula, kinds in store.properties_known_elsewhere(given, exclude=source.name):
        if kinds & given[formula]:  # the user gives a value this source also has
            overridden.add(formula)
            per_source[other] = per_source.get(other, 0) + 1
    ranked = tuple(sorted(per_source.items(), key=lambda kv: (-kv[1], kv[0])))
    return PropertyImport(stored, changed, len(overridden), ranked)


def _kinds(row: PropertyRow) -> frozenset[str]:
    """Which properties a row gives (names of :data:`~interfacestab.phase_properties.PROPERTY_KINDS`)."""
    flags = (
        row.n_gaps > 0,
        row.is_metal is not None,
        row.volume_per_atom_A3 is not None,
        row.ion_conductor is not None,
    )
    return frozenset(
        kind for kind, flag in zip(("band_gap", "is_metal", "volume", "ion_conductor"), flags, strict=True) if flag
    )


def import_properties(
    store: Store,
    path: str | Path,
    *,
    source_name: str | None = None,
    replace: bool = False,
    progress: ProgressCallback | None = None,
) -> PropertyImport:
    """Import a property file: one of the Matbench band gap files, or a user property CSV (atomic; idempotent).

    Re-importing the same content changes nothing; a Matbench file unchanged since its last
    import is not even parsed (its SHA-256 is compared first).

    Raises:
        SourceError: the file is neither, cannot be read, or (a user file) holds a bad value; or a
            source of that name from another file exists and ``replace`` is False.
        StoreError: the store cannot be written.
    """
    from interfacestab.sources.band_gaps import MATBENCH_FILES, is_matbench_file, read_matbench_csv
    from interfacestab.sources.user_properties import is_user_properties_csv, read_user_properties

    p = Path(path)
    if progress:
        progress(f"reading {p.name}")
    if is_matbench_file(p):
        name = source_name or MATBENCH_FILES[p.name][0]
        existing = _existing_property_source(store, name)
        if existing is not None and existing.info.content_sha256 == file_sha256(p):
            return PropertyImport(existing, False)
        source, rows = read_matbench_csv(p, source_name=name)
    elif is_user_properties_csv(p):
        source, rows = read_user_properties(p, source_name=source_name)
    else:
        msg = f"{p}: not a property table (a CSV with formula and band_gap_eV, volume_per_atom_A3, ...)"
        raise SourceError(msg)
    return _store_properties(store, source, rows, replace=replace, progress=progress)


def import_band_gap_folder(
    store: Store, folder: str | Path, *, progress: ProgressCallback | None = None
) -> list[PropertyImport]:
    """Import every Matbench band gap file found in ``folder`` (see :mod:`interfacestab.sources.band_gaps`).

    Raises:
        SourceError: the folder holds none of them.
    """
    from interfacestab.sources.band_gaps import MATBENCH_FILES

    d = Path(folder)
    found = [d / name for name in MATBENCH_FILES if (d / name).is_file()]
    if not found:
        msg = f"{d}: no band gap files ({', '.join(MATBENCH_FILES)}) in this folder"
        raise SourceError(msg)
    return [import_properties(store, p, replace=True, progress=progress) for p in found]


def import_entry_volumes(
    store: Store, path: str | Path, entry_source: str, *, progress: ProgressCallback | None = None
) -> PropertyImport | None:
    """Store the ground-state volume per atom of each formula of an entry list with structures.

    The property source is ``<entry_source>_volumes``; a file without structures gives none (and
    removes volumes stored for that entry source from an earlier file). Unchanged content is not re-read.
    """
    from interfacestab.phase_properties import volume_source_name
    from interfacestab.sources.volumes import read_entry_volumes

    p = Path(path)
    name = volume_source_name(entry_source)
    existing = _existing_property_source(store, name)
    if existing is not None and existing.info.content_sha256 == file_sha256(p):
        return PropertyImport(existing, False)
    if progress:
        progress(f"reading the structures of {p.name}")
    read = read_entry_volumes(p, entry_source)
    if read is None:
        if existing is not None:
            store.delete_properties(name)
        return None
    return _store_properties(store, read[0], read[1], replace=True, progress=progress)


def import_path(
    store: Store,
    path: str | Path,
    *,
    source_name: str | None = None,
    energy_type: EnergyType | None = None,
    replace: bool = False,
    progress: ProgressCallback | None = None,
) -> tuple[list[tuple[SourceInfo, bool]], list[PropertyImport]]:
    """What ``data import`` does with a path: tell a folder, a property table and an entry file apart by content.

    - a folder: the Matbench band gap files in it;
    - a Matbench file or a CSV whose header has ``formula`` and a property column but no ``energy``:
      phase properties (:func:`import_properties`);
    - anything else: an entry file (:func:`import_file`), plus the volumes of its structures when it has any.

    Returns:
        The entry sources imported (with whether each changed) and the property imports.
    """
    from interfacestab.sources.band_gaps import is_matbench_file
    from interfacestab.sources.user_properties import is_user_properties_csv

    p = Path(path)
    if p.is_dir():
        return [], import_band_gap_folder(store, p, progress=progress)
    if is_matbench_file(p) or is_user_properties_csv(p):
        return [], [import_properties(store, p, source_name=source_name, replace=replace, progress=progress)]
    entry = import_file(store, p, source_name=source_name, energy_type=energy_type, progress=progress, replace=replace)
    props = []
    if p.name.lower().endswith((".json", ".json.gz")):
        volumes = import_entry_volumes(store, p, entry[0].name, progress=progress)
        props = [volumes] if volumes is not None else []
    return [entry], props

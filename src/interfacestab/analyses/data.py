"""Library side of ``interfacestab data``: what the store holds, entries of a system with hull energies."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from interfacestab.chem import chemsys as chemsys_key
from interfacestab.chem import parse_chemsys
from interfacestab.conventions import SCHEMA_VERSION, conventions_summary
from interfacestab.engine.hull import build_hull
from interfacestab.errors import DataNotFoundError
from interfacestab.provenance import Provenance, SourceInfo

if TYPE_CHECKING:
    from collections.abc import Callable

    from interfacestab.phase_properties import PropertySource
    from interfacestab.store.database import Store


@dataclass(frozen=True, slots=True)
class StoreInfo:
    """Sources and counts of a store.

    Attributes:
        store_path: The SQLite file.
        sources: Every source with its provenance.
        n_entries: Entries over all sources.
    """

    store_path: str
    sources: tuple[SourceInfo, ...]
    n_entries: int
    property_sources: tuple[PropertySource, ...] = ()
    property_notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "schema_version": SCHEMA_VERSION,
            "store_path": self.store_path,
            "sources": [s.to_dict() for s in self.sources],
            "n_entries": self.n_entries,
            "property_sources": [s.to_dict() for s in self.property_sources],
            "property_notes": list(self.property_notes),
        }

    #: Columns of :meth:`to_rows` (the CSV): the store, every field of a source, then what kind of source
    #: it is (``entries`` or ``properties``) and a property source's own fields (empty for entry sources).
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "store_path", *SourceInfo.__dataclass_fields__, "source_kind", "gap_source", "properties", "n_skipped",
    )  # fmt: skip

    def to_rows(self) -> list[dict[str, object]]:
        """Flat rows, one per source (entry sources, then property sources), keyed by ``ROW_FIELDS``."""
        empty = {"gap_source": "", "properties": "", "n_skipped": ""}
        rows: list[dict[str, object]] = [
            {"store_path": self.store_path, **src.to_dict(), "source_kind": "entries", **empty} for src in self.sources
        ]
        for prop in self.property_sources:
            d = prop.to_dict()
            rows.append(
                {
                    "store_path": self.store_path,
                    **prop.info.to_dict(),
                    "source_kind": "properties",
                    "gap_source": d["gap_source"],
                    "properties": ";".join(prop.properties),
                    "n_skipped": prop.n_skipped,
                }
            )
        return rows

    @property
    def provenance(self) -> Provenance:
        """The store in the provenance shape every result has: its sources joined (each in full in ``sources``).

        A store spans every system: no ``chemsys``; ``n_entries`` of the joined source counts all sources.
        """

        def joined(attribute: str) -> str:
            return ", ".join(dict.fromkeys(str(getattr(s, attribute)) for s in self.sources if getattr(s, attribute)))

        info = SourceInfo(
            joined("name"),
            f"{len(self.sources)} source(s) of the store {self.store_path}",
            joined("thermo_type"),
            joined("vintage"),
            joined("db_version"),
            origin=self.store_path,
            n_entries=self.n_entries,
        )
        return Provenance(info, "", 0, conventions_summary())


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One entry of a chemical system with its hull facts."""

    formula: str
    material_id: str
    e_form_eV_per_atom: float
    e_above_hull_eV_per_atom: float
    decomposition: tuple[str, ...]
    is_stable: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "formula": self.formula,
            "material_id": self.material_id,
            "e_form_eV_per_atom": self.e_form_eV_per_atom,
            "e_above_hull_eV_per_atom": self.e_above_hull_eV_per_atom,
            "decomposition": list(self.decomposition),
            "is_stable": self.is_stable,
        }


@dataclass(frozen=True, slots=True)
class ChemsysEntries:
    """Entries of a chemical system from one source, sorted by e_above_hull then formula."""

    chemsys: str
    rows: tuple[EntryRow, ...]
    provenance: Provenance

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "schema_version": SCHEMA_VERSION,
            "chemsys": self.chemsys,
            "entries": [r.to_dict() for r in self.rows],
            "provenance": self.provenance.to_dict(),
        }

    #: Columns of :meth:`to_rows` (the CSV): the system asked for, the entry, the provenance.
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "chemsys_queried", "formula", "material_id", "e_form_eV_per_atom", "e_above_hull_eV_per_atom",
        "decomposition", "is_stable", *Provenance.COLUMNS,
    )  # fmt: skip

    def to_rows(self) -> list[dict[str, object]]:
        """Flat rows, one per entry, keyed by ``ROW_FIELDS``."""
        prov = self.provenance.to_columns()
        return [{"chemsys_queried": self.chemsys, **row.to_dict(), **prov} for row in self.rows]


def store_info(store: Store, *, check: bool = True) -> StoreInfo:
    """Sources, counts and path of the store, after a full integrity check when ``check``.

    Raises:
        StoreError: when the store is damaged (the message says how to rebuild it).
    """
    if check:
        store.check_integrity()
    props = tuple(store.property_sources())
    notes = () if props else store.phase_properties(()).notes
    return StoreInfo(str(store.path), tuple(store.sources()), store.count(), props, notes)


def chemsys_entries(store: Store, chemsys: str, *, source: str | None = None) -> ChemsysEntries:
    """Every entry of a chemical system (and its subsystems) with e_above_hull and decomposition.

    Raises:
        FormulaError: for an unknown element.
        DataNotFoundError: when the source has no entry in the system.
    """
    elements = parse_chemsys(chemsys)
    entries = store.entries(elements, source)
    if not entries.entries:
        msg = (
            f"no entries for {chemsys_key(elements)} in source '{entries.source.name}'; "
            f"run `interfacestab data fetch {chemsys_key(elements)}` (needs MP_API_KEY) or import a file"
        )
        raise DataNotFoundError(msg)
    hull = build_hull(entries)
    n = hull.n_elements
    rows = []
    for i, e in enumerate(entries.entries):
        x = hull.fractions[n + i]
        ehull = hull.e_above_hull(x, e.e_form_eV_per_atom)
        ehull = 0.0 if abs(ehull) < 1e-12 else ehull
        decomp = tuple(sorted(hull.formulas[k] for k in hull.decomposition(x)))
        rows.append(EntryRow(e.formula, e.material_id, e.e_form_eV_per_atom, ehull, decomp, ehull <= 1e-9))
    rows.sort(key=lambda r: (r.e_above_hull_eV_per_atom, r.formula))
    provenance = Provenance(entries.source, chemsys_key(elements), len(entries.entries), conventions_summary())
    return ChemsysEntries(chemsys_key(elements), tuple(rows), provenance)


def setup_offline(
    store: Store, data_dir: Path | None = None, progress: Callable[[str], None] | None = None
) -> list[tuple[SourceInfo, bool]]:
    """Import the offline snapshot folder (default: settings' shared data dir) into the store.

    See :func:`interfacestab.ingest.import_offline_snapshot`.
    """
    from interfacestab.ingest import import_offline_snapshot
    from interfacestab.settings import load_settings

    folder = data_dir or load_settings().shared_data_dir
    return import_offline_snapshot(store, Path(folder), progress=progress)

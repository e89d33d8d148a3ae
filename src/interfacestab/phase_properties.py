"""What is known of a phase besides its energy: band gaps, volume, whether it conducts the ion.

These annotate products (the interphase character of a decomposition layer); they never enter a
hull. Every value keeps its source, and a phase is looked up by its reduced formula
(:func:`property_key`), so ``Li4S2``, ``Li2S`` and ``S2Li4`` are one phase. Where a source holds
several polymorphs of one formula and does not say which is the ground state, the range of their
values and their count are kept, never one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from interfacestab.chem import parse_formula, reduced_formula

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from interfacestab.provenance import SourceInfo


class GapSource(StrEnum):
    """Where a band gap comes from, in order of trust when several are known (first wins)."""

    USER = "user"
    EXPERIMENTAL = "experimental"
    MP_LIVE = "MP PBE (live)"
    MP_PBE = "MP PBE"


#: Which band gap a report uses when several sources know the phase.
GAP_PREFERENCE: tuple[GapSource, ...] = (GapSource.USER, GapSource.EXPERIMENTAL, GapSource.MP_LIVE, GapSource.MP_PBE)


@lru_cache(maxsize=16384)
def property_key(formula: str) -> str:
    """The lookup key of a phase: its reduced formula (``O16Si8`` -> ``SiO2``); cached (a lookup per product).

    Raises:
        FormulaError: The formula cannot be read.
    """
    return reduced_formula(parse_formula(formula))


@dataclass(frozen=True, slots=True)
class BandGap:
    """Band gap(s) of one reduced formula from one source.

    Attributes:
        min_eV: Smallest gap among the source's rows for this formula (eV).
        max_eV: Largest (equal to ``min_eV`` for a single value).
        n_values: How many rows (polymorphs, duplicate measurements) the range covers.
        source: Kind of value (:class:`GapSource`).
        origin: The store source it came from (its ``--source`` name), for provenance.
    """

    min_eV: float
    max_eV: float
    n_values: int
    source: GapSource
    origin: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "min_eV": self.min_eV,
            "max_eV": self.max_eV,
            "n_values": self.n_values,
            "source": str(self.source),
            "origin": self.origin,
        }


@dataclass(frozen=True, slots=True)
class PhaseProperties:
    """Everything known of one phase, by source.

    Attributes:
        formula: Reduced formula (the key).
        band_gaps: Every known band gap, one per source, ordered by :data:`GAP_PREFERENCE`.
        experimental_is_metal: Experimental metal (True) / non-metal (False) label, None if unknown.
        volume_per_atom_A3: Volume per atom (Å^3/atom) of the phase as the source has it, None if unknown.
        volume_source: Where the volume comes from (store source name or ``user``), empty if unknown.
        ion_conductor: Whether the phase is a documented alkali-ion conductor, None if unknown.
        ion_conductor_source: Reference or ``user`` for ``ion_conductor``, empty if unknown.
    """

    formula: str
    band_gaps: tuple[BandGap, ...] = ()
    experimental_is_metal: bool | None = None
    volume_per_atom_A3: float | None = None  # noqa: N815 (unit in the name)
    volume_source: str = ""
    ion_conductor: bool | None = None
    ion_conductor_source: str = ""

    @property
    def band_gap(self) -> BandGap | None:
        """The band gap a report uses: the first known in :data:`GAP_PREFERENCE` order, else None."""
        for wanted in GAP_PREFERENCE:
            for gap in self.band_gaps:
                if gap.source == wanted:
                    return gap
        return None

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "formula": self.formula,
            "band_gaps": [g.to_dict() for g in self.band_gaps],
            "experimental_is_metal": self.experimental_is_metal,
            "volume_per_atom_A3": self.volume_per_atom_A3,
            "volume_source": self.volume_source,
            "ion_conductor": self.ion_conductor,
            "ion_conductor_source": self.ion_conductor_source,
        }


class PropertyTable:
    """Phase properties by reduced formula; a missing phase is ``None``, never a guess.

    Built in memory (tests, user data) with :meth:`from_records`, or read from the store.
    """

    __slots__ = ("_by_key", "notes", "source_infos", "sources")

    def __init__(
        self,
        records: Mapping[str, PhaseProperties],
        sources: Iterable[str] = (),
        *,
        notes: Iterable[str] = (),
        source_infos: Iterable[PropertySource] = (),
    ) -> None:
        """``records`` maps :func:`property_key` of a formula to its properties; ``sources`` names the data used.

        ``notes``: why the table may know less than expected (e.g. a store made before phase
        properties existed); ``source_infos``: the provenance of each source in ``sources``.
        """
        self._by_key = dict(records)
        self.sources: tuple[str, ...] = tuple(sources)
        self.notes: tuple[str, ...] = tuple(notes)
        self.source_infos: tuple[PropertySource, ...] = tuple(source_infos)

    @classmethod
    def from_records(cls, records: Iterable[PhaseProperties], sources: Iterable[str] = ()) -> PropertyTable:
        """A table of the given phases, keyed by the reduced formula of each."""
        return cls({property_key(p.formula): p for p in records}, sources)

    @classmethod
    def empty(cls) -> PropertyTable:
        """A table that knows nothing (every lookup is None)."""
        return cls({})

    def get(self, formula: str) -> PhaseProperties | None:
        """The properties of a phase written any way, or None when no source knows it."""
        try:
            key = property_key(formula)
        except ValueError:
            return None
        return self._by_key.get(key)

    def __len__(self) -> int:
        return len(self._by_key)

    def __contains__(self, formula: object) -> bool:
        return isinstance(formula, str) and self.get(formula) is not None


# -- stored form (helper a: the data layer of issue #11) ------------------------------------------------

#: What a property source may hold (its ``properties``), in the order they are listed.
PROPERTY_KINDS: tuple[str, ...] = ("band_gap", "is_metal", "volume", "ion_conductor")


@dataclass(frozen=True, slots=True)
class PropertyRow:
    """What one source knows of one reduced formula (a row of the store's ``phase_properties`` table).

    Attributes:
        formula: Reduced formula (:func:`property_key`).
        gap_min_eV: Smallest band gap among the source's rows for the formula (eV), None if none.
        gap_max_eV: Largest band gap (eV), None if none.
        n_gaps: How many rows (polymorphs, duplicate measurements) the gap range covers (0: no gap).
        is_metal: Experimental metal (True) / non-metal (False) label, None if unknown.
        volume_per_atom_A3: Volume per atom (Å^3/atom), None if unknown.
        ion_conductor: Whether the phase conducts the working ion, None if unknown.
    """

    formula: str
    gap_min_eV: float | None = None
    gap_max_eV: float | None = None
    n_gaps: int = 0
    is_metal: bool | None = None
    volume_per_atom_A3: float | None = None  # noqa: N815
    ion_conductor: bool | None = None


@dataclass(frozen=True, slots=True)
class PropertySource:
    """One source of phase properties in the store, with its provenance.

    Attributes:
        info: Name, description, vintage, origin, content hash, import time, citation; ``n_entries``
            counts the formulas stored; ``thermo_type`` says what the values are (e.g. the functional).
        gap_source: Kind of its band gaps (None when it has none).
        properties: Which of :data:`PROPERTY_KINDS` it holds.
        n_skipped: Rows of the input that were not imported (unreadable formula, missing or invalid value).
        skipped: A short description of the skipped rows (first examples), empty when none.
    """

    info: SourceInfo
    gap_source: GapSource | None
    properties: tuple[str, ...]
    n_skipped: int = 0
    skipped: str = ""

    @property
    def name(self) -> str:
        """The source's name."""
        return self.info.name

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary: the source's provenance fields plus the property fields."""
        return {
            **self.info.to_dict(),
            "n_formulas": self.info.n_entries,
            "gap_source": "" if self.gap_source is None else str(self.gap_source),
            "properties": list(self.properties),
            "n_skipped": self.n_skipped,
            "skipped": self.skipped,
        }


def _gap_rank(src: PropertySource) -> int:
    return GAP_PREFERENCE.index(src.gap_source) if src.gap_source in GAP_PREFERENCE else len(GAP_PREFERENCE)


def source_order(sources: Iterable[PropertySource]) -> list[PropertySource]:
    """Sources in the order their values are used: :data:`GAP_PREFERENCE` (user first), latest import first."""
    by_latest = sorted(sources, key=lambda s: (s.info.imported_at, s.name), reverse=True)
    return sorted(by_latest, key=_gap_rank)


def combine(formula: str, rows: Iterable[tuple[PropertySource, PropertyRow]]) -> PhaseProperties:
    """Everything the sources know of one formula, each property from the first source (see :func:`source_order`).

    Band gaps keep one entry per source; volume, metal label and conductor flag come from the
    first source that has them (user data first, then live MP, then the rest).
    """
    by_name = {src.name: (src, row) for src, row in rows}
    ordered = [by_name[s.name] for s in source_order(src for src, _ in by_name.values())]
    gaps = tuple(
        BandGap(row.gap_min_eV, row.gap_max_eV, row.n_gaps, src.gap_source, src.name)
        for src, row in ordered
        if src.gap_source is not None and row.gap_min_eV is not None and row.gap_max_eV is not None
    )
    metal = next((row.is_metal for _, row in ordered if row.is_metal is not None), None)
    volume = next(
        ((row.volume_per_atom_A3, src.name) for src, row in ordered if row.volume_per_atom_A3 is not None), (None, "")
    )
    ion = next(((row.ion_conductor, src.name) for src, row in ordered if row.ion_conductor is not None), (None, ""))
    return PhaseProperties(
        formula=formula,
        band_gaps=gaps,
        experimental_is_metal=metal,
        volume_per_atom_A3=volume[0],
        volume_source=volume[1],
        ion_conductor=ion[0],
        ion_conductor_source=f"user ({ion[1]})" if ion[1] else "",
    )


def volume_source_name(entry_source: str) -> str:
    """Name of the property source holding the volumes of an entry source's structures (``<name>_volumes``)."""
    return f"{entry_source}_volumes"

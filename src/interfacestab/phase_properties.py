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
from typing import TYPE_CHECKING

from interfacestab.chem import parse_formula, reduced_formula

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


class GapSource(StrEnum):
    """Where a band gap comes from, in order of trust when several are known (first wins)."""

    USER = "user"
    EXPERIMENTAL = "experimental"
    MP_LIVE = "MP PBE (live)"
    MP_PBE = "MP PBE"


#: Which band gap a report uses when several sources know the phase.
GAP_PREFERENCE: tuple[GapSource, ...] = (GapSource.USER, GapSource.EXPERIMENTAL, GapSource.MP_LIVE, GapSource.MP_PBE)


def property_key(formula: str) -> str:
    """The lookup key of a phase: its reduced formula (``O16Si8`` -> ``SiO2``).

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

    __slots__ = ("_by_key", "sources")

    def __init__(self, records: Mapping[str, PhaseProperties], sources: Iterable[str] = ()) -> None:
        """``records`` maps :func:`property_key` of a formula to its properties; ``sources`` names the data used."""
        self._by_key = dict(records)
        self.sources: tuple[str, ...] = tuple(sources)

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

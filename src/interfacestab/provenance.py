"""Where numbers come from: data source, vintage, thermo type, conventions, versions."""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import ClassVar, Protocol


@functools.cache
def package_version(name: str = "interfacestab") -> str:
    """Installed version of a distribution, or ``"unknown"`` when it is not installed (read once per process)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One data source in the store (a snapshot import, an MP fetch, a user file).

    Attributes:
        name: Short key used with ``--source``.
        description: What the data are.
        thermo_type: Correction scheme / functional mix, e.g. ``legacy-corrected GGA/GGA+U``.
        vintage: Date or period of the underlying database.
        db_version: Database release when known (MP ``db_version``), else empty.
        origin: File path or URL the data came from.
        content_sha256: Hash of the imported content (idempotent re-import).
        imported_at: ISO time of the import.
        n_entries: Number of entries stored for this source.
        citation: What to cite.
    """

    name: str
    description: str
    thermo_type: str
    vintage: str
    db_version: str = ""
    origin: str = ""
    content_sha256: str = ""
    imported_at: str = ""
    n_entries: int = 0
    citation: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Provenance:
    """What every result carries: its data, its conventions, the software that made it."""

    source: SourceInfo
    chemsys: str
    n_entries_in_chemsys: int
    conventions: dict[str, str]
    package_version: str = field(default_factory=package_version)
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "source": self.source.name,
            "source_description": self.source.description,
            "thermo_type": self.source.thermo_type,
            "vintage": self.source.vintage,
            "db_version": self.source.db_version,
            "chemsys": self.chemsys,
            "n_entries_in_chemsys": self.n_entries_in_chemsys,
            "conventions": dict(self.conventions),
            "package_version": self.package_version,
            "warnings": list(self.warnings),
        }

    #: Columns :meth:`to_columns` adds to every flat (CSV) row of a result.
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "source",
        "thermo_type",
        "vintage",
        "db_version",
        "chemsys",
        "package_version",
    )

    def to_columns(self) -> dict[str, object]:
        """The provenance as flat columns repeated on each CSV row (``COLUMNS``)."""
        return {
            "source": self.source.name,
            "thermo_type": self.source.thermo_type,
            "vintage": self.source.vintage,
            "db_version": self.source.db_version,
            "chemsys": self.chemsys,
            "package_version": self.package_version,
        }


class HasProvenance(Protocol):
    """What every result type offers (each analysis result and ``StoreInfo``): one :class:`Provenance`.

    Its ``warnings`` are the result's warnings; the command line repeats them on stderr.
    """

    @property
    def provenance(self) -> Provenance: ...  # noqa: D102

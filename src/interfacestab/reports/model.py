"""The neutral report model: what a report says, before it is a rich table, Markdown or HTML.

A view (``reports/views/<result>.py``) turns one result into one :class:`Report`; renderers
(``render_rich``, ``render_markdown``) only lay it out. Every cell is already rounded text (see
``reports.format``), every column names the result fields it shows, so the table, the Markdown
and the CSV of one result cannot say different things. Nothing here knows about rich or
Markdown syntax: emphasis is a flag, a unit is a string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "right"]


@dataclass(frozen=True, slots=True)
class Item:
    """One key/value line of a head or a section.

    Attributes:
        key: Short label (``window``, ``products``).
        value: Rounded text.
        detail: A secondary line under the value (a balanced reaction), shown quieter.
        emphasis: The line a reader should see first.
    """

    key: str
    value: str
    detail: str = ""
    emphasis: bool = False


@dataclass(frozen=True, slots=True)
class Column:
    """A table column.

    Attributes:
        fields: Result fields (``to_rows`` / ``to_dict`` names) the column shows; empty for a marker.
        label: Short header text.
        unit: Unit of the cells (``V``, ``eV/atom``), empty when none.
        align: ``right`` for numbers.
        wrap: Long text that may wrap (names, reactions); numbers never wrap.
        key: Identifies a row (rank, formula): repeated when a narrow display splits the table.
    """

    fields: tuple[str, ...]
    label: str
    unit: str = ""
    align: Align = "left"
    wrap: bool = False
    key: bool = False

    @property
    def header(self) -> str:
        """``label (unit)``, or the label alone."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


@dataclass(frozen=True, slots=True)
class Row:
    """Cells of one table row (rounded text, one per column); ``emphasis`` marks a highlighted row.

    ``tones`` (optional, one per cell) grades a cell's value for colour: ``good``, ``warn``, ``bad``
    or ``""``; the terminal colours them, Markdown and plain text ignore them.
    """

    cells: tuple[str, ...]
    emphasis: bool = False
    tones: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table; ``empty`` is said when it has no rows."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    empty: str = ""

    def __post_init__(self) -> None:
        """Every row has one cell per column."""
        for row in self.rows:
            if len(row.cells) != len(self.columns):
                msg = f"table '{self.title}': a row has {len(row.cells)} cells for {len(self.columns)} columns"
                raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class Section:
    """A titled block of key/value lines after the tables (criteria, reactant energies)."""

    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class ProvenanceLine:
    """One line of the provenance block; ``kind``: ``fact``, ``convention``, ``note`` or ``warning``."""

    key: str
    value: str
    kind: Literal["fact", "convention", "note", "warning"] = "fact"


@dataclass(frozen=True, slots=True)
class Report:
    """Everything one result says to a reader.

    Attributes:
        title: One line naming the result.
        head: Key/value summary (the answer first).
        tables: Tables in reading order.
        legend: Lines explaining the tables' columns and marks.
        sections: Further key/value blocks (criteria, extra energies).
        notes: Remarks about this result (rendered with the provenance, as ``note``).
        provenance: Where the numbers come from (built by ``reports.format.provenance_lines``).
    """

    title: str
    head: tuple[Item, ...] = ()
    tables: tuple[Table, ...] = ()
    legend: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    notes: tuple[str, ...] = ()
    provenance: tuple[ProvenanceLine, ...] = field(default=())

"""A :class:`~interfacestab.reports.model.Report` as a rich renderable (terminal tables, no colour codes in files).

Layout: a header panel (title and key/value head), the tables, a dim legend, a panel per
section, the provenance panel. Text is passed as :class:`rich.text.Text`, never as markup, so
brackets in formulas or paths print as they are. A table too wide for the console is split into
column groups that each repeat the key columns (rank, formula), so no column is cut or dropped.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.reports import model


def _grid() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def _items_grid(items: Sequence[model.Item]) -> Table:
    grid = _grid()
    for item in items:
        grid.add_row(item.key, Text(item.value, style="bold" if item.emphasis else ""))
        if item.detail:
            grid.add_row("", Text(item.detail, style="dim"))
    return grid


#: Terminal colour of a graded cell (``model.Row.tones``).
TONE_STYLES = {"good": "green", "warn": "yellow", "bad": "red"}
#: Narrowest a wrapping column (a formula, a reaction) is squeezed to before the table is split.
WRAP_MIN_WIDTH = 12
#: Cells between two columns (padding, rule, padding).
COLUMN_GAP = 3


def _header(label: str, unit: str, width: int) -> str:
    """The label broken at spaces to fit ``width`` (at least its longest word), the unit on its own line."""
    lines: list[str] = []
    for word in label.split(" "):
        if lines and cell_len(lines[-1]) + 1 + cell_len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "\n".join([*lines, f"({unit})"] if unit else lines)


def _widths(table: model.Table, i: int) -> tuple[str, int]:
    """The header text of column ``i`` and the narrowest width it is drawn at."""
    c = table.columns[i]
    widest = max((cell_len(row.cells[i]) for row in table.rows), default=0)
    header = _header(c.label, c.unit, max(widest, cell_len(f"({c.unit})") if c.unit else 0))
    header_width = max(cell_len(line) for line in header.split("\n"))
    return header, max(header_width, min(widest, WRAP_MIN_WIDTH) if c.wrap else widest)


def _rich_table(table: model.Table, columns: Sequence[int], title: str) -> Table:
    out = Table(title=title or None, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for i in columns:
        c = table.columns[i]
        header, width = _widths(table, i)
        if c.wrap:
            out.add_column(header, justify=c.align, overflow="fold", min_width=width)
        else:
            out.add_column(header, justify=c.align, no_wrap=True)
    for row in table.rows:
        tones = row.tones
        cells = (Text(row.cells[i], style=TONE_STYLES.get(tones[i] if i < len(tones) else "", "")) for i in columns)
        out.add_row(*cells, style="bold" if row.emphasis else None)
    if not table.rows and table.empty and columns:
        out.add_row(*([Text(table.empty, style="dim")] + [Text("")] * (len(columns) - 1)))
    return out


class FittedTable:
    """A model table drawn as one rich table, or as column groups when the console is too narrow."""

    def __init__(self, table: model.Table) -> None:
        self.table = table

    def _min_width(self, columns: Sequence[int]) -> int:
        """Narrowest width of a table of these columns: their widths and a 3-cell gap between two."""
        return sum(_widths(self.table, i)[1] for i in columns) + COLUMN_GAP * (len(columns) - 1)

    def groups(self, console: Console, options: ConsoleOptions) -> list[list[int]]:
        """Column indexes of each part: every part holds the key columns and as many others as fit."""
        n = len(self.table.columns)
        keys = [i for i in range(n) if self.table.columns[i].key]
        if self._min_width(range(n)) <= options.max_width or not keys:
            return [list(range(n))]
        parts: list[list[int]] = []
        current: list[int] = []
        for i in (i for i in range(n) if i not in keys):
            trial = sorted([*keys, *current, i])
            if not current or self._min_width(trial) <= options.max_width:
                current.append(i)
            else:
                parts.append(sorted([*keys, *current]))
                current = [i]
        parts.append(sorted([*keys, *current]))
        return parts

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Yield one rich table per column group."""
        parts = self.groups(console, options)
        for k, columns in enumerate(parts, start=1):
            title = self.table.title if len(parts) == 1 else f"{self.table.title} ({k}/{len(parts)})".strip()
            yield _rich_table(self.table, columns, title)


def _provenance_panel(report: model.Report) -> Panel:
    grid = _grid()
    lines = list(report.provenance)
    n_first = next((i for i, line in enumerate(lines) if line.kind == "warning"), len(lines))
    for line in lines[:n_first]:
        dim = "dim" if line.kind == "convention" else ""
        grid.add_row(Text(line.key, style=dim), Text(line.value, style=dim))
    for note in report.notes:
        grid.add_row(Text("note", style="cyan"), Text(note))
    for line in lines[n_first:]:
        grid.add_row(Text(line.key, style="yellow"), Text(line.value))
    return Panel(grid, title="provenance", title_align="left", box=box.ROUNDED, border_style="dim")


def render(report: model.Report) -> RenderableType:
    """The rich renderable of a report."""
    parts: list[RenderableType] = []
    if report.head:
        parts.append(
            Panel(
                _items_grid(report.head),
                title=Text(report.title, style="bold"),
                title_align="left",
                box=box.ROUNDED,
                border_style="blue",
            )
        )
    else:
        parts.append(Text(report.title, style="bold"))
    parts += [FittedTable(t) for t in report.tables]
    if report.legend:
        parts.append(Text("\n".join(report.legend) + "\n", style="dim"))
    for section in report.sections:
        parts.append(
            Panel(
                _items_grid(section.items),
                title=section.title,
                title_align="left",
                box=box.ROUNDED,
                border_style="cyan",
            )
        )
    if report.provenance or report.notes:
        parts.append(_provenance_panel(report))
    return Group(*parts)


def to_text(renderable: RenderableType, *, width: int = 140) -> str:
    """Plain text of a renderable (no colour codes), e.g. for ``--format table --output FILE``."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, legacy_windows=False)
    console.print(renderable)
    return buffer.getvalue()

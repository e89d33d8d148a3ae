"""Strict parsers for what the CLI writes to stdout: JSON, CSV and Markdown, each as a whole document.

A script reads stdout with ``json.load``, ``csv.DictReader`` or a Markdown parser; these helpers do the
same and fail on anything a script would trip over: text before or after the JSON document,
``NaN``/``Infinity`` (not JSON), a CSV whose first line is not its header or whose rows are ragged,
non-finite or unparsable numbers in numeric columns, a Markdown report that does not start with its
heading or whose tables are ragged.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt

#: CSV columns whose non-empty cells must be finite numbers: any name carrying a unit, and these.
NUMERIC_SUFFIXES = ("_V", "_eV_per_atom", "_kJ_per_mol", "_per_formula_unit", "_per_atom")
NUMERIC_NAMES = frozenset(
    {"x_atomic_a", "x_molar_a", "score", "mean_margin", "rank", "value", "n_entries", "n_entries_in_chemsys"}
)


def _reject_constant(name: str) -> float:
    msg = f"{name} is not valid JSON"
    raise ValueError(msg)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        msg = f"{text} overflows to a non-finite float"
        raise ValueError(msg)
    return value


def parse_json(text: str) -> Any:
    """The one JSON document that is the whole text (strict: no NaN, Infinity or overflowing numbers)."""
    return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)


def is_numeric_column(name: str) -> bool:
    """Whether a CSV column holds numbers (by its unit suffix or name)."""
    return name in NUMERIC_NAMES or name.endswith(NUMERIC_SUFFIXES)


def parse_csv(text: str, required: tuple[str, ...] | list[str] = ()) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV document, checked: header first, unique names, no ragged rows, numbers parse.

    Args:
        text: The whole document.
        required: Column names that must be in the header.
    """
    assert text, "empty CSV"
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    assert text.splitlines()[0] == ",".join(header), f"first line is not the CSV header: {text.splitlines()[0]!r}"
    assert len(set(header)) == len(header), f"duplicate columns: {header}"
    missing = [c for c in required if c not in header]
    assert not missing, f"CSV lacks columns {missing}; header: {header}"
    rows = list(reader)
    for i, row in enumerate(rows, start=1):
        assert None not in row, f"row {i} has more cells than the header: {row[None]}"  # type: ignore[index]
        assert all(v is not None for v in row.values()), f"row {i} has fewer cells than the header"
        for name in header:
            if is_numeric_column(name) and row[name] != "":
                _finite_float(row[name])  # raises on text or non-finite numbers
    return header, rows


def csv_number(cell: str) -> float | None:
    """A numeric CSV cell (empty: None)."""
    return None if cell == "" else _finite_float(cell)


@dataclass
class MdTable:
    """One Markdown table: header cells and body rows (cell text as read, emphasis markers dropped)."""

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def column(self, name: str) -> list[str]:
        """The cells of one column by header text."""
        j = self.header.index(name)
        return [row[j] for row in self.rows]


@dataclass
class MdDoc:
    """A parsed Markdown report: its headings (level, text) and tables, in document order."""

    headings: list[tuple[int, str]]
    tables: list[MdTable]
    block_types: list[str]
    #: Top-level bullet lists, each as the text of its items (emphasis markers dropped).
    lists: list[list[str]] = field(default_factory=list)

    def items(self, index: int) -> dict[str, str]:
        """The ``key: value`` items of the ``index``-th top-level bullet list as key -> value."""
        pairs = [item.split(": ", 1) for item in self.lists[index]]
        assert all(len(p) == 2 for p in pairs), f"not every item is 'key: value': {self.lists[index]}"
        keys = [k for k, _ in pairs]
        assert len(set(keys)) == len(keys), f"repeated keys in a list: {keys}"
        return dict(pairs)  # type: ignore[arg-type]


def _inline_text(token: Any) -> str:
    """The text a reader sees in an inline token: emphasis markers dropped, code spans kept."""
    return "".join(child.content for child in (token.children or ()) if child.type in {"text", "code_inline"})


def parse_markdown(text: str) -> MdDoc:
    """Parse a Markdown report with markdown-it (CommonMark + GFM tables) and collect headings and tables.

    Checks that the document starts with a heading (a banner line before it would be a paragraph)
    and that every table row has as many cells as its header.
    """
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings: list[tuple[int, str]] = []
    tables: list[MdTable] = []
    blocks: list[str] = []
    lists: list[list[str]] = []
    current: MdTable | None = None
    in_head = False
    in_list = False
    row: list[str] | None = None
    for i, tok in enumerate(tokens):
        if tok.level == 0 and tok.nesting >= 0:
            blocks.append(tok.type.removesuffix("_open"))
        if tok.type == "bullet_list_open" and tok.level == 0:
            lists.append([])
            in_list = True
        elif tok.type == "bullet_list_close" and tok.level == 0:
            in_list = False
        elif in_list and tok.type == "inline" and tokens[i - 1].type == "paragraph_open" and tok.level == 3:
            lists[-1].append(_inline_text(tok))
        if tok.type == "heading_open":
            headings.append((int(tok.tag[1:]), tokens[i + 1].content))
        elif tok.type == "table_open":
            current = MdTable(header=[])
        elif tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
        elif tok.type in {"th_open", "td_open"}:
            assert row is not None
            row.append(_inline_text(tokens[i + 1]) if tokens[i + 1].type == "inline" else "")
        elif tok.type == "tr_close":
            assert current is not None and row is not None
            if in_head:
                current.header = row
            else:
                current.rows.append(row)
        elif tok.type == "table_close":
            assert current is not None
            tables.append(current)
            current = None
    assert blocks and blocks[0] == "heading", f"the Markdown does not start with a heading: {text[:200]!r}"
    for t in tables:
        for r in t.rows:
            assert len(r) == len(t.header), f"ragged Markdown table row {r} under {t.header}"
    return MdDoc(headings=headings, tables=tables, block_types=blocks, lists=lists)


def md_table(doc: MdDoc, first_header: str) -> MdTable:
    """The one table whose first header cell is ``first_header``."""
    found = [t for t in doc.tables if t.header and t.header[0] == first_header]
    assert len(found) == 1, f"expected one table starting with {first_header!r}, got {[t.header for t in doc.tables]}"
    return found[0]


def md_table_with(doc: MdDoc, *labels: str) -> MdTable:
    """The one table whose header has every one of ``labels``, each exactly once (order free)."""
    found = [t for t in doc.tables if all(t.header.count(label) == 1 for label in labels)]
    assert len(found) == 1, f"expected one table with columns {labels}, got {[t.header for t in doc.tables]}"
    return found[0]


def rounds_to(cell: str, value: float | None, digits: int, *, none_text: str = "none") -> bool:
    """Whether a rounded table cell shows ``value`` at ``digits`` decimals (``none_text`` for None)."""
    if value is None:
        return cell == none_text
    try:
        shown = float(cell)
    except ValueError:
        return False
    return abs(shown - value) <= 0.5 * 10.0**-digits + 1e-9

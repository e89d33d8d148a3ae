"""A :class:`~interfacestab.reports.model.Report` as Markdown (GitHub-flavoured tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interfacestab.reports import model


def _cell(text: str, *, strong: bool = False) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return f"**{text}**" if strong and text else text


def _item(item: model.Item) -> str:
    value = f"**{item.value}**" if item.emphasis and item.value else item.value
    return f"- {item.key}: {value}" + (f" — `{item.detail}`" if item.detail else "")


def _table(table: model.Table) -> list[str]:
    lines = [f"### {table.title}", ""] if table.title else []
    lines.append("| " + " | ".join(_cell(c.header) for c in table.columns) + " |")
    lines.append("| " + " | ".join("---:" if c.align == "right" else ":---" for c in table.columns) + " |")
    lines += ["| " + " | ".join(_cell(cell, strong=row.emphasis) for cell in row.cells) + " |" for row in table.rows]
    if not table.rows and table.empty:
        lines += ["", table.empty]
    return [*lines, ""]


def render(report: model.Report) -> str:
    """Markdown text of a report (ends with a newline)."""
    lines = [f"## {report.title}", ""]
    if report.head:
        lines += [*(_item(item) for item in report.head), ""]
    for table in report.tables:
        lines += _table(table)
    if report.legend:
        lines += [*(f"- {line}" for line in report.legend), ""]
    for section in report.sections:
        lines += [f"### {section.title}", "", *(_item(item) for item in section.items), ""]
    if report.provenance or report.notes:
        lines += ["### Provenance", ""]
        warnings = [line for line in report.provenance if line.kind == "warning"]
        lines += [f"- {line.key}: {line.value}" for line in report.provenance if line.kind != "warning"]
        lines += [f"- note: {note}" for note in report.notes]
        lines += [f"- **warning**: {line.value}" for line in warnings]
        lines.append("")
    return "\n".join(lines)

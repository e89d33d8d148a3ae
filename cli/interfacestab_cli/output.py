"""Results to stdout or a file: a lookup in the reports registry, then the result's warnings and plot."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from interfacestab_cli.console import fail, info, out_console, usage_fail, warn

if TYPE_CHECKING:
    from pathlib import Path

    import typer

    from interfacestab.provenance import HasProvenance

#: The format an ``--output`` file's extension implies when ``--format`` is not given (others: table).
SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".md": "md", ".txt": "table", ".html": "html", ".htm": "html"}


def output_format(ctx: typer.Context, fmt: str, output: Path | None, *, param: str = "fmt") -> str:
    """The format to write: ``--format`` when given, else the one ``output``'s extension implies.

    Without ``--format``, ``.json``, ``.csv`` and ``.md`` files get that format and any other file
    the table. A ``--format`` that contradicts a known extension (``--format json -o w.csv``) is a
    usage error (one line, exit code 2), before any work.
    """
    fmt = str(fmt)
    if output is None:
        check_html_format(fmt, output)
        return fmt
    implied = SUFFIX_FORMATS.get(output.suffix.lower())
    source = ctx.get_parameter_source(param)
    given = source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")
    if not given:
        fmt = implied or fmt
        check_html_format(fmt, output)
        return fmt
    if implied is not None and implied != fmt:
        usage_fail(
            f"--format {fmt} does not match --output {output.name} (a {output.suffix} file is {implied}); "
            "drop --format to write what the extension says, or change the extension"
        )
    check_html_format(fmt, output)
    return fmt


def check_html_format(fmt: str, output: Path | None) -> None:
    """Before any work: an HTML page needs plotly (exit 1 otherwise) and a file, or stdout redirected.

    HTML may go to stdout when it is a pipe or a file (``> report.html``); a whole page printed on a
    terminal helps no one, so that is a usage error (exit code 2) asking for ``--output FILE.html``.
    """
    if str(fmt) != "html":
        return
    from interfacestab.errors import InterfaceStabError
    from interfacestab.reports.render_html import check_html_available

    try:
        check_html_available()
    except InterfaceStabError as exc:
        fail(str(exc))
    if output is None and sys.stdout.isatty():
        usage_fail("--format html writes a whole web page: give --output FILE.html, or redirect stdout to a file")


def report_page_output(
    ctx: typer.Context, fmt: str, output: Path | None, *, param: str = "fmt"
) -> tuple[str, Path | None]:
    """For a command whose ``--output`` is its data file (screen): ``(format, page)`` when ``--output`` is a page.

    An ``--output`` ending in ``.html`` is then the HTML report instead of the data file (format
    ``html``; ``--format`` may say html or nothing else); any other ``--output`` stays the data file
    and the report goes to stdout in ``--format``. Returns the format and the page path (None: stdout).
    """
    if output is None or SUFFIX_FORMATS.get(output.suffix.lower()) != "html":
        check_html_format(fmt, None)
        return str(fmt), None
    return output_format(ctx, fmt, output, param=param), output


def write_or_print(text: str, output: Path | None, *, what: str) -> None:
    """Send result text to stdout, or atomically to ``output`` (raises ``OutputError``)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from interfacestab.fileio import write_text_atomic

    target = write_text_atomic(output, text)
    info(f"wrote {what} to {target}")


def _html(result: object, top: int | None) -> str:
    from interfacestab.reports.render_html import to_html

    return to_html(result, top=top)


def emit(result: object, fmt: str, output: Path | None = None, *, top: int | None = None) -> None:
    """Render ``result`` in format ``fmt`` (table, json, csv, md, html) to stdout or ``output``: a registry lookup.

    ``top`` limits the rows of a coating screen in the table, Markdown and HTML (never in JSON or CSV).
    """
    from interfacestab import reports

    fmt = str(fmt)
    if fmt == "table":
        renderable = reports.render(result, top=top)
        if output is None:
            out_console().print(renderable)
            return
        text = reports.to_text(renderable)
    else:
        writers = {
            "json": reports.to_json,
            "csv": reports.to_csv,
            "md": lambda r: reports.to_markdown(r, top=top),
            "html": lambda r: _html(r, top),
        }
        if fmt not in writers:  # the Enum choices make this unreachable from the command line
            msg = f"unknown format {fmt!r}"
            raise ValueError(msg)
        text = writers[fmt](result)
    write_or_print(text, output, what=fmt)


def result_warnings(result: HasProvenance) -> list[str]:
    """The warnings a result carries in its provenance (every result type has one)."""
    return list(result.provenance.warnings)


def report(result: HasProvenance, fmt: str, output: Path | None, plot: Path | None, *, top: int | None = None) -> None:
    """Emit the result, draw the plot if asked, and repeat the result's warnings on stderr."""
    for message in result_warnings(result):
        warn(message)
    emit(result, fmt, output, top=top)
    if plot is not None:
        from interfacestab.reports import plot as draw

        target = draw(result, plot, top=top)
        info(f"wrote plot to {target}")

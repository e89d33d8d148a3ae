"""Results to stdout or a file: a lookup in the reports registry, then the result's warnings and plot."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from interfacestab_cli.console import info, out_console, usage_fail, warn

if TYPE_CHECKING:
    from pathlib import Path

    import typer

    from interfacestab.provenance import HasProvenance

#: The format an ``--output`` file's extension implies when ``--format`` is not given (others: table).
SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".md": "md", ".txt": "table"}


def output_format(ctx: typer.Context, fmt: str, output: Path | None, *, param: str = "fmt") -> str:
    """The format to write: ``--format`` when given, else the one ``output``'s extension implies.

    Without ``--format``, ``.json``, ``.csv`` and ``.md`` files get that format and any other file
    the table. A ``--format`` that contradicts a known extension (``--format json -o w.csv``) is a
    usage error (one line, exit code 2), before any work.
    """
    fmt = str(fmt)
    if output is None:
        return fmt
    implied = SUFFIX_FORMATS.get(output.suffix.lower())
    source = ctx.get_parameter_source(param)
    given = source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")
    if not given:
        return implied or fmt
    if implied is not None and implied != fmt:
        usage_fail(
            f"--format {fmt} does not match --output {output.name} (a {output.suffix} file is {implied}); "
            "drop --format to write what the extension says, or change the extension"
        )
    return fmt


def write_or_print(text: str, output: Path | None, *, what: str) -> None:
    """Send result text to stdout, or atomically to ``output`` (raises ``OutputError``)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from interfacestab.fileio import write_text_atomic

    target = write_text_atomic(output, text)
    info(f"wrote {what} to {target}")


def emit(result: object, fmt: str, output: Path | None = None, *, top: int | None = None) -> None:
    """Render ``result`` in format ``fmt`` (table, json, csv, md) to stdout or ``output``: a registry lookup.

    ``top`` limits the rows of a coating screen in the table and Markdown (never in JSON or CSV).
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
        writers = {"json": reports.to_json, "csv": reports.to_csv, "md": lambda r: reports.to_markdown(r, top=top)}
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

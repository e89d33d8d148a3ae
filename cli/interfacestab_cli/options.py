"""Choices, option types and value checks shared by the commands.

Every check runs while Typer reads the options, before any work: a bad value is one line on
stderr and exit code 2 (a usage error). Nothing here imports a heavy library.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from interfacestab.errors import InterfaceStabError
from interfacestab_cli.console import usage_fail

DATA_PANEL = "Data"
THERMO_PANEL = "Thermodynamics"
OUTPUT_PANEL = "Output"
INPUT_PANEL = "Input"
RUN_PANEL = "Parallel runs"


# -- choices ---------------------------------------------------------------------------------
class Ion(StrEnum):
    """Mobile ion A (charge 1); voltages are vs A/A+."""

    Li = "Li"
    Na = "Na"
    K = "K"


def parse_ion(value: str | Ion) -> Ion:
    """The ion of ``--ion`` in any case (``li`` is Li); anything else is one line and exit code 2.

    The message is the library's one message for a wrong ion (``conventions.check_ion``).
    """
    if isinstance(value, Ion):
        return value
    from interfacestab.conventions import check_ion

    text = str(value).strip()
    known = {ion.value.lower(): ion for ion in Ion}.get(text.lower())
    if known is not None:
        return known
    try:
        check_ion(text, what="--ion")
    except InterfaceStabError as exc:
        usage_fail(str(exc))
    raise AssertionError(text)  # pragma: no cover - Ion and conventions.ION_CHARGE list the same ions


class OutputFormat(StrEnum):
    """What a result command writes."""

    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    html = "html"


class InfoFormat(StrEnum):
    """Formats of ``data info``."""

    table = "table"
    json = "json"


class EntriesFormat(StrEnum):
    """Formats of ``data entries``."""

    table = "table"
    json = "json"
    csv = "csv"


class ThermoType(StrEnum):
    """Materials Project thermo types (``interfacestab.sources.mp.THERMO_TYPES``)."""

    GGA_GGA_U = "GGA_GGA+U"
    GGA_GGA_U_R2SCAN = "GGA_GGA+U_R2SCAN"


class EnergyType(StrEnum):
    """Meaning of the ``energy`` column of a user file (``interfacestab.sources.files.ENERGY_TYPES``)."""

    formation_per_atom = "formation_per_atom"
    total_per_formula_unit = "total_per_formula_unit"


# -- option types shared by commands ---------------------------------------------------------
def _plot_path(value: Path | None) -> Path | None:
    """Reject an unsupported plot extension before any work is done."""
    if value is None:
        return None
    from interfacestab.reports.plots import check_plot_path

    try:
        return check_plot_path(value)
    except InterfaceStabError as exc:
        raise typer.BadParameter(str(exc)) from None


# -- numeric options: one checker with stated ranges -----------------------------------------
#: Most values of a --scan or --sweep grid (``interfacestab.analyses.scan.MAX_GRID_POINTS``; a test keeps them equal).
MAX_GRID_POINTS = 1001
#: Ranges of the numeric options (inclusive), stated in their help and enforced by :func:`in_range`.
RANGES: dict[str, tuple[float, float, str]] = {
    "--energy-above-hull": (-1.0, 1.0, "eV/atom"),
    "--voltage": (0.0, 10.0, "V"),
    "--soc-a": (0.0, 1.0, ""),
    "--soc-b": (0.0, 1.0, ""),
    "--charged-fraction": (0.0, 1.0, ""),
    "--max-e-above-hull": (0.0, 1.0, "eV/atom"),
    "--max-reduction-limit": (0.0, 10.0, "V"),
    "--min-oxidation-limit": (0.0, 10.0, "V"),
    "--max-electrolyte-reaction": (0.0, 10.0, "eV/atom"),
    "--max-cathode-reaction": (0.0, 10.0, "eV/atom"),
    "--charge-voltage": (0.0, 10.0, "V"),
    "--operating-voltage": (0.0, 10.0, "V"),
    "--max-anode-reaction": (0.0, 10.0, "eV/atom"),
    "--soc": (0.0, 1.0, ""),
}


def range_text(option: str) -> str:
    """``-1 to 1 eV/atom``: the stated range of a numeric option, for its help."""
    low, high, unit = RANGES[option]
    return f"{low:g} to {high:g}{' ' + unit if unit else ''}"


def check_number(option: str, value: float | None) -> float | None:
    """``value`` if it is finite and inside the option's range (:data:`RANGES`); else a one-line error, exit 2."""
    if value is None:
        return None
    low, high, _ = RANGES[option]
    if not (math.isfinite(value) and low <= value <= high):
        usage_fail(f"{option} must be a finite number from {range_text(option)}, not {value:g}")
    return value


def in_range(option: str) -> Callable[[float | None], float | None]:
    """A Typer callback refusing non-finite values and values outside the option's stated range."""

    def callback(value: float | None) -> float | None:
        return check_number(option, value)

    return callback


def check_scheduler(value: str | None) -> str | None:
    """A Dask scheduler address ``tcp://HOST:PORT`` (also tls://, ws://, wss://, or HOST:PORT for tcp).

    Anything else is a one-line error with exit code 2, before any work.
    """
    if value is None:
        return None
    from urllib.parse import urlsplit

    shown = value if len(value) <= 60 else value[:57] + "..."
    text = value.strip()
    try:
        parts = urlsplit(text if "://" in text else f"tcp://{text}")
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in SCHEDULER_SCHEMES or not parts.hostname or port is None or parts.path:
        usage_fail(
            f"--scheduler must be an address such as tcp://HOST:PORT ({', '.join(SCHEDULER_SCHEMES)}), not '{shown}'"
        )
    return text


def check_count(option: str, low: int, high: int) -> Callable[[int | None], int | None]:
    """A Typer callback for a whole-number option: ``low`` to ``high``, else a one-line error, exit 2."""

    def callback(value: int | None) -> int | None:
        if value is not None and not low <= value <= high:
            usage_fail(f"{option} must be a whole number from {low} to {high}, not {value}")
        return value

    return callback


#: Most local worker processes (``--workers``).
MAX_WORKERS = 256

SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss")


SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        metavar="NAME",
        help="Data source in the store (see `interfacestab data info`); default: the offline snapshot, "
        "else the only source. Sources are never mixed in one hull.",
        rich_help_panel=DATA_PANEL,
        show_default=False,
    ),
]
IonOption = Annotated[
    Ion,
    typer.Option(
        "--ion",
        metavar="Li|Na|K",
        parser=parse_ion,
        help="Mobile ion A (any case: li is Li); voltages are vs A/A+ (V).",
        rich_help_panel=THERMO_PANEL,
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="table (rounded: 0.01 V, 1 meV/atom), json (full precision), csv (flat rows, full precision), md or "
        "html (one self-contained page with interactive figures; needs the [html] extra).",
        rich_help_panel=OUTPUT_PANEL,
    ),
]
ResultFormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="table (rounded: 0.01 V, 1 meV/atom), json (full precision), csv (flat rows, full precision), md or "
        "html (one self-contained page with interactive figures; needs the [html] extra). "
        "Default: table, or what the --output file's extension says (.json, .csv, .md, .html).",
        rich_help_panel=OUTPUT_PANEL,
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="PATH",
        dir_okay=False,
        help="Write to this file (atomically) instead of stdout, in the format its extension says (.json, .csv, "
        ".md, .html; others: table) unless --format is given.",
        rich_help_panel=OUTPUT_PANEL,
        show_default=False,
    ),
]
PlotOption = Annotated[
    Path | None,
    typer.Option(
        "--plot",
        metavar="PATH",
        dir_okay=False,
        callback=_plot_path,
        help="Also draw a figure to this .png or .svg file.",
        rich_help_panel=OUTPUT_PANEL,
        show_default=False,
    ),
]


WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-j",
        metavar="N",
        callback=check_count("--workers", 1, MAX_WORKERS),
        help=f"Local worker processes, 1 to {MAX_WORKERS} (default: all cores; 1 runs in this process).",
        rich_help_panel=RUN_PANEL,
        show_default=False,
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        callback=check_scheduler,
        help="Run on a Dask cluster at this scheduler address instead of local processes "
        "(the workers must see the same store file).",
        rich_help_panel=RUN_PANEL,
        show_default=False,
    ),
]
ResumeOption = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="Continue an interrupted run with the same --output: rows already in its checkpoint "
        "(<output>.checkpoint.jsonl) are reused, only the rest is computed.",
        rich_help_panel=RUN_PANEL,
    ),
]


def usage_error(ctx: typer.Context, message: str) -> NoReturn:
    """A wrong combination of options: a usage error before any work (one ``error:`` line, exit code 2)."""
    raise typer.BadParameter(message, ctx=ctx)

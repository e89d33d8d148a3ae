"""Shared pieces of the commands: choices, option types, store access, error handling, output.

Channels: stdout carries results only (a rich table, or JSON/CSV/Markdown text); stderr
carries progress, warnings and errors. A user error (any ``InterfaceStabError``) becomes one
red line ``error: <message>`` and exit code 1; every other exception is a bug and keeps its
traceback.

Nothing here imports numpy, scipy, pymatgen, mp-api or matplotlib at import time.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from interfacestab.errors import InterfaceStabError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from interfacestab.store.database import Store

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


class OutputFormat(StrEnum):
    """What a result command writes."""

    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


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


def usage_fail(message: str) -> NoReturn:
    """A bad option value: ``error: <message>`` as one line on stderr and exit code 2 (a usage error)."""
    err_console().print(f"[bold red]error:[/] {escape(_one_line(message))}", soft_wrap=True)
    raise typer.Exit(code=2) from None


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
    typer.Option("--ion", help="Mobile ion A; voltages are vs A/A+ (V).", rich_help_panel=THERMO_PANEL),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="table (rounded: 0.01 V, 1 meV/atom), json (full precision), csv (flat rows, full precision) or md.",
        rich_help_panel=OUTPUT_PANEL,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="PATH",
        dir_okay=False,
        help="Write the chosen format to this file (atomically) instead of stdout.",
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
    """A wrong combination of options: a usage error (exit code 2, with the usage line), before any work."""
    raise typer.BadParameter(message, ctx=ctx)


def checkpoint_for(output: Path) -> Path:
    """The checkpoint beside a checkpointed result file (``<output>.checkpoint.jsonl``, as the runners name it)."""
    from interfacestab.analyses.runner import checkpoint_path

    return checkpoint_path(output)


# -- state -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CliState:
    """What the app callback parsed for every command.

    Attributes:
        store_path: ``--store`` / ``INTERFACESTAB_STORE`` as given (None: the settings' default).
    """

    store_path: Path | None = None


def state(ctx: typer.Context) -> CliState:
    """The app's state (a default one when a command is invoked on its own, e.g. in tests)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, CliState) else CliState()


@contextmanager
def open_store_for(ctx: typer.Context, *, create: bool = False) -> Iterator[Store]:
    """Open the store named by ``--store`` (or the settings' default) and close it afterwards."""
    from interfacestab.store import open_store

    with open_store(state(ctx).store_path, create=create) as store:
        yield store


# -- consoles, errors, warnings --------------------------------------------------------------
PIPED_WIDTH = 160  # table width when stdout is a pipe or file and COLUMNS is unset (rich would use 80)


def out_console() -> Console:
    """Console on stdout (results); wide when piped so tables are not squeezed into 80 columns."""
    console = Console(highlight=False)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console.width = PIPED_WIDTH
    return console


def err_console() -> Console:
    """Console on stderr (progress, warnings, errors)."""
    return Console(stderr=True, highlight=False)


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def fail(message: str) -> NoReturn:
    """Print ``error: <message>`` as one red line on stderr and exit with code 1."""
    err_console().print(f"[bold red]error:[/] {escape(_one_line(message))}", soft_wrap=True)
    raise typer.Exit(code=1) from None


def warn(message: str) -> None:
    """Print ``warning: <message>`` as one yellow line on stderr."""
    err_console().print(f"[yellow]warning:[/] {escape(_one_line(message))}", soft_wrap=True)


def info(message: str) -> None:
    """Print a dim progress/information line on stderr."""
    err_console().print(f"[dim]{escape(_one_line(message))}[/]", soft_wrap=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn ``InterfaceStabError`` into one error line and exit 1; show library warnings as one line each.

    Only ``InterfaceStabError`` is caught: anything else is a bug and keeps its traceback.
    """
    message: str | None = None
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:  # the current filters still apply
            try:
                yield
            except InterfaceStabError as exc:
                message = str(exc)
    finally:
        _show_warnings(caught)
    if message is not None:
        fail(message)


def _show_warnings(caught: list[warnings.WarningMessage]) -> None:
    for w in caught:
        if issubclass(w.category, UserWarning):
            warn(str(w.message))
        else:  # not ours (deprecations of dependencies): the usual Python output
            warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)


@contextmanager
def progress_status(message: str) -> Iterator[Callable[[str], None]]:
    """A rich status spinner on stderr; yields a callback that replaces its text."""
    console = err_console()
    with console.status(escape(message)) as status:

        def update(text: str) -> None:
            status.update(escape(text))

        yield update


class ProgressTracker:
    """A rich progress bar on stderr (counts, elapsed time, ETA) fed by ``(done, total)`` callbacks.

    The bar (and its ``intro`` line) appear at the first callback, once the library has checked its
    input, so a user error stays the only line on stderr. The last counts are kept, so an
    interrupted run can say how far it got.
    """

    def __init__(self, description: str, intro: str | None = None) -> None:
        self.description, self.intro = description, intro
        self.done: int = 0
        self.total: int | None = None
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        """Advance the bar to ``done`` of ``total``."""
        self.done, self.total = done, total
        if self._progress is None or self._task is None:
            self._start(done, total)
            return
        self._progress.update(self._task, total=total, completed=done)

    def _start(self, done: int, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        if self.intro:
            info(self.intro)
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("·"),
            TimeElapsedColumn(),
            TextColumn("· ETA"),
            TimeRemainingColumn(),
            console=err_console(),
        )
        # starting at `done` keeps rows reused from a checkpoint out of the speed behind the ETA
        self._task = self._progress.add_task(escape(self.description), total=total, completed=done)
        self._progress.start()

    def stop(self) -> None:
        """Leave the bar's last state on stderr."""
        if self._progress is not None:
            self._progress.stop()


@contextmanager
def progress_bar(description: str, intro: str | None = None) -> Iterator[ProgressTracker]:
    """A progress bar with counts and ETA on stderr, started by the first ``(done, total)`` callback."""
    tracker = ProgressTracker(description, intro)
    try:
        yield tracker
    finally:
        tracker.stop()


@contextmanager
def stop_workers_on_interrupt() -> Iterator[None]:
    """On Ctrl-C, stop this process's worker processes at once, then raise ``KeyboardInterrupt``.

    A process pool otherwise finishes every queued task before the interrupt reaches the command
    (its shutdown waits for them). Finished rows are already in the checkpoint (flushed and
    fsynced row by row), so only the rows in flight are lost, as with kill -9.
    """
    import multiprocessing
    import signal

    def stop(signum: int, frame: object) -> None:
        for child in multiprocessing.active_children():
            child.terminate()
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGINT, stop)
    except ValueError:  # not the main thread (an embedding application): leave its handling alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def interrupted(tracker: ProgressTracker | None, output: Path | None, *, what: str = "targets") -> NoReturn:
    """After Ctrl-C: say what is saved and how to continue, then exit with code 130 (128 + SIGINT)."""
    counts = ""
    if tracker is not None and tracker.total is not None:
        counts = f" after {tracker.done} of {tracker.total} {what}"
    if output is None:
        message = f"interrupted{counts}; nothing was saved (give --output PATH to checkpoint a long run)"
    else:
        message = (
            f"interrupted{counts}; finished {what} are kept in {checkpoint_for(output)}: "
            "rerun the same command with --resume to continue"
        )
    err_console().print(f"[bold yellow]{escape(message)}[/]", soft_wrap=True)
    raise typer.Exit(code=130) from None


# -- output ----------------------------------------------------------------------------------
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


def result_warnings(result: object) -> list[str]:
    """The warnings a result carries in its provenance (none for a result without one, e.g. store info)."""
    provenance = getattr(result, "provenance", None)
    return list(provenance.warnings) if provenance is not None else []


def report(result: object, fmt: str, output: Path | None, plot: Path | None, *, top: int | None = None) -> None:
    """Emit the result, draw the plot if asked, and repeat the result's warnings on stderr."""
    for message in result_warnings(result):
        warn(message)
    emit(result, fmt, output, top=top)
    if plot is not None:
        from interfacestab.reports import plot as draw

        target = draw(result, plot, top=top)
        info(f"wrote plot to {target}")

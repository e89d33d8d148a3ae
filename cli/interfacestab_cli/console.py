"""The two channels of the CLI and its one-line messages.

stdout carries results only (a rich table, or JSON/CSV/Markdown text); stderr carries progress,
warnings and errors. A user error (any ``InterfaceStabError``) becomes one red line
``error: <message>`` and exit code 1; a bad option value one line and exit code 2; every other
exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from interfacestab.errors import InterfaceStabError

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


def one_line(message: str) -> str:
    """``message`` with its whitespace (newlines included) collapsed to single spaces."""
    return " ".join(str(message).split())


def fail(message: str) -> NoReturn:
    """Print ``error: <message>`` as one red line on stderr and exit with code 1."""
    err_console().print(f"[bold red]error:[/] {escape(one_line(message))}", soft_wrap=True)
    raise typer.Exit(code=1) from None


def usage_fail(message: str) -> NoReturn:
    """A bad option value: ``error: <message>`` as one line on stderr and exit code 2 (a usage error)."""
    err_console().print(f"[bold red]error:[/] {escape(one_line(message))}", soft_wrap=True)
    raise typer.Exit(code=2) from None


def warn(message: str) -> None:
    """Print ``warning: <message>`` as one yellow line on stderr."""
    err_console().print(f"[yellow]warning:[/] {escape(one_line(message))}", soft_wrap=True)


def info(message: str) -> None:
    """Print a dim progress/information line on stderr."""
    err_console().print(f"[dim]{escape(one_line(message))}[/]", soft_wrap=True)


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

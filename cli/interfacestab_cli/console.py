"""The two channels of the CLI and its one-line messages.

stdout carries results only (a rich table, or JSON/CSV/Markdown text); stderr carries progress,
warnings and errors. A user error (any ``InterfaceStabError``) becomes one red line
``error: <message>`` and exit code 1; a bad option value, and every usage error Click itself finds
(:class:`OneLineErrorsGroup`), one line and exit code 2; every other exception is a bug and keeps
its traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

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


#: Click's exceptions, wherever this Typer takes Click from (recent Typer vendors it as ``typer._click``).
_click_exceptions = importlib.import_module(typer.BadParameter.__module__)


class OneLineErrorsGroup(TyperGroup):
    """The app's group: Click's own usage errors as one line on stderr, not Typer's usage box.

    ``error: <message> (try 'interfacestab COMMAND --help')`` and exit code 2 for an unknown option
    or command, a word where a number belongs, a missing argument or a bad choice; ``interrupted``
    and exit code 130 for Ctrl-C that a command does not handle itself, or an abort at a prompt.
    ``--help``, ``--version``, a bare command group (its help, exit 2, as Click does) and our own
    errors are unchanged. Both the console script and ``CliRunner`` go through :meth:`main`, so
    tests see what users see.
    """

    def invoke(self, ctx: Any) -> Any:  # Click's Context (vendored by Typer or not)
        """Run the command; Ctrl-C that the command does not handle itself is one line and exit code 130."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            err_console().print("[bold yellow]interrupted[/]", soft_wrap=True)
            raise typer.Exit(code=130) from None

    def main(  # type: ignore[override]  # Click's overloads; the signature is the same
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; as a standalone program, exit with one line for a usage error."""
        if not standalone_mode:  # an embedding caller handles Click's exceptions itself
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except getattr(_click_exceptions, "NoArgsIsHelpError", ()):  # a bare group: its help is already printed
            sys.exit(2)
        except _click_exceptions.ClickException as exc:
            ctx = getattr(exc, "ctx", None)
            hint = (
                f" (try '{ctx.command_path} --help')" if isinstance(exc, _click_exceptions.UsageError) and ctx else ""
            )
            err_console().print(f"[bold red]error:[/] {escape(one_line(exc.format_message()))}{hint}", soft_wrap=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            err_console().print("[bold yellow]interrupted[/]", soft_wrap=True)
            sys.exit(130)
        # without standalone mode Click returns the code of a raised Exit, else the command's value (None)
        sys.exit(result if isinstance(result, int) else 0)

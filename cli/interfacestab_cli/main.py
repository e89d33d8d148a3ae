"""The ``interfacestab`` command: a thin Typer app over the library.

Each command parses its input, makes one library call and renders one report
(``interfacestab.reports``). Heavy libraries (numpy, scipy, pymatgen, mp-api, matplotlib) are
imported inside the commands, so ``interfacestab --help`` starts at once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from interfacestab_cli import data, interface, matrix, screen, window
from interfacestab_cli.console import OneLineErrorsGroup
from interfacestab_cli.options import DATA_PANEL
from interfacestab_cli.state import CliState

app = typer.Typer(
    name="interfacestab",
    cls=OneLineErrorsGroup,  # Click's usage errors as one line
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # never print locals (an API key) in a traceback
    rich_markup_mode="rich",
    help="Electrochemical stability windows and interface reactions of solid electrolytes "
    "from Materials Project thermodynamics.",
)


def flowed(doc: str | None) -> str:
    """A docstring as help text: each paragraph on one line, so the terminal wraps it (rich keeps newlines)."""
    import inspect

    paragraphs = inspect.cleandoc(doc or "").split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


app.command("setup", rich_help_panel="Data management", help=flowed(data.setup.__doc__))(data.setup)
app.add_typer(data.app, name="data", rich_help_panel="Data management")
app.command("window", rich_help_panel="Analyses", help=flowed(window.window.__doc__))(window.window)
app.command("interface", rich_help_panel="Analyses", help=flowed(interface.interface.__doc__))(interface.interface)
app.command("screen", rich_help_panel="Analyses", help=screen.HELP)(screen.screen)
app.command("matrix", rich_help_panel="Analyses", help=matrix.HELP)(matrix.matrix)

_VERSIONED = ("interfacestab", "pymatgen", "mp-api")


def _version(value: bool) -> None:
    if value:
        from interfacestab.provenance import package_version  # importlib.metadata: imports none of them

        for name in _VERSIONED:
            typer.echo(f"{name} {package_version(name)}")
        raise typer.Exit


@app.callback()
def _root(
    ctx: typer.Context,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            metavar="PATH",
            envvar="INTERFACESTAB_STORE",
            help="SQLite store file (a folder means <folder>/interfacestab.sqlite). "
            "Default: cache/ of the checkout, else ~/.cache/interfacestab.",
            rich_help_panel=DATA_PANEL,
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_version, help="Show interfacestab, pymatgen and mp-api versions."
        ),
    ] = False,
) -> None:
    """Electrochemical stability windows and interface reactions from Materials Project thermodynamics."""
    ctx.obj = CliState(store_path=store)


#: One BLAS thread per process unless the user says otherwise: the commands parallelise over processes
#: (``--workers``, Dask), and their matrices are small, so BLAS threads only compete for the same cores.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main() -> None:
    """Entry point of the ``interfacestab`` script."""
    for name in BLAS_THREAD_VARIABLES:  # before numpy is imported (the commands import it lazily)
        os.environ.setdefault(name, "1")
    app(prog_name="interfacestab")


if __name__ == "__main__":
    main()

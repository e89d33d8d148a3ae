"""What the app callback parsed for every command, and the store it names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from pathlib import Path

    from interfacestab.store.database import Store


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

"""The store file itself: whether it is writable, opening it read-only, and its state for the once-per-file check."""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from typing import TYPE_CHECKING

from interfacestab.errors import StoreError

if TYPE_CHECKING:
    from pathlib import Path

#: Files (path, size, mtime) whose quick_check passed in this process: an unchanged file is not re-checked.
CHECKED: set[tuple[str, int, int]] = set()


def file_state(path: Path) -> tuple[str, int, int]:
    """(path, size, mtime mixed with the WAL's): changes whenever the store's content may have changed."""
    st = path.stat()
    wal = path.with_name(path.name + "-wal")
    wal_state = wal.stat().st_mtime_ns if wal.exists() else 0
    return (str(path), st.st_size, st.st_mtime_ns ^ wal_state)


def is_writable(path: Path) -> bool:
    """Whether the store file (or, before it exists, its place) can be written."""
    folder = path.parent
    if path.exists():
        return os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)
    return True


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open a store the user cannot write: ``mode=ro``, else ``immutable=1`` when no WAL is pending."""
    uri = "file:" + urllib.parse.quote(str(path.resolve()))
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=60.0, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        # a WAL database needs a -shm file; in a read-only folder SQLite cannot create it
        conn.close()
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            msg = (
                f"cannot read the store at {path}: its folder is read-only and {wal.name} holds writes not yet "
                "merged into it; ask its owner to close every program using it (or run `interfacestab data info` "
                "once with write access)"
            )
            raise StoreError(msg) from None
        conn = sqlite3.connect(
            f"{uri}?mode=ro&immutable=1", uri=True, timeout=60.0, isolation_level=None, check_same_thread=False
        )
    return conn

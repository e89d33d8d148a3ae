"""Writing result files: one atomic writer, one output-path check, one JSON and one CSV serialiser.

Every file the package writes (reports, plots, batch and screen results) goes through
:func:`write_text_atomic` or :func:`write_atomically`: a temporary file beside the target, then
``os.replace``, so a reader never sees a half-written file. Every ``OSError`` becomes a one-line
:class:`~interfacestab.errors.OutputError`. :func:`check_output_path` checks the folder before any
work starts, so a long run never fails at its very end for a missing folder.

JSON is strict (no ``NaN`` or ``Infinity``, which are not JSON); CSV is flat: lists joined with
``;``, ``None`` as an empty cell, numbers at full precision.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from interfacestab.errors import OutputError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

#: Separator of list items in one CSV cell.
LIST_SEPARATOR = ";"


def _os_message(path: Path, exc: OSError) -> str:
    return f"cannot write {path}: {exc.strerror or exc}"


def check_output_path(path: str | Path, *, suffixes: Sequence[str] = ()) -> Path:
    """The output path, expanded and checked before any work: an existing, writable folder, a known suffix.

    Raises:
        OutputError: for a missing or unwritable folder, a path that is a folder, or another suffix.
    """
    p = Path(path).expanduser()
    if suffixes and p.suffix.lower() not in suffixes:
        msg = f"cannot write '{p.name}': use a file name ending in {' or '.join(suffixes)}"
        raise OutputError(msg)
    if p.is_dir():
        msg = f"cannot write {p}: it is a folder"
        raise OutputError(msg)
    folder = p.parent
    if not folder.is_dir():
        msg = f"cannot write {p}: the folder {folder} does not exist"
        raise OutputError(msg)
    if not os.access(folder, os.W_OK | os.X_OK):
        msg = f"cannot write {p}: the folder {folder} is not writable"
        raise OutputError(msg)
    return p


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a new temporary file beside ``path``, then move it onto ``path``.

    Raises:
        OutputError: when the folder is missing or unwritable, or ``write`` raises an ``OSError``.
    """
    target = Path(path).expanduser()
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(_os_message(target, exc)) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        write(tmp)
        tmp.replace(target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(_os_message(target, exc)) from exc
        raise
    return target


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8, line ends as given) to ``path`` atomically; returns the path.

    Raises:
        OutputError: when the file cannot be written.
    """

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8", newline="")

    return write_atomically(path, write)


# -- serialisers -----------------------------------------------------------------------------
def _first_non_finite(value: object, where: str = "") -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return where or "the value"
    if isinstance(value, dict):
        for key, item in value.items():
            found = _first_non_finite(item, f"{where}.{key}" if where else str(key))
            if found:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _first_non_finite(item, f"{where}[{i}]")
            if found:
                return found
    return None


def to_json_text(data: object, *, indent: int | None = 2) -> str:
    """Strict JSON text of ``data`` (ends with a newline).

    Raises:
        OutputError: when a number is NaN or infinite (not representable in JSON); the message names it.
    """
    try:
        return json.dumps(data, indent=indent, allow_nan=False) + "\n"
    except ValueError:
        where = _first_non_finite(data) or "a value"
        msg = f"cannot write JSON: {where} is not a finite number"
        raise OutputError(msg) from None


def csv_cell(value: object) -> object:
    """One CSV cell: ``None`` empty, lists joined with ``;``, everything else as is."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def rows_to_csv(rows: Sequence[Mapping[str, object]], columns: Sequence[str] | None = None) -> str:
    r"""CSV text (``\\n`` line ends); header ``columns`` (default: the keys of the first row)."""
    buffer = io.StringIO()
    fieldnames = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    if fieldnames:
        writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: csv_cell(row.get(k)) for k in fieldnames} for row in rows)
    return buffer.getvalue()

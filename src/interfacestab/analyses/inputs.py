"""Reading the small text files users give (``--batch`` targets, ``--candidates``): checked before use.

A list file must be a regular file (a FIFO nobody writes to would block for ever, a device would
never end), at most :data:`MAX_LIST_FILE_BYTES`, UTF-8 text (a BOM is allowed) without NUL bytes.
Every problem is a :class:`SourceError` with a one-line message naming the file.
"""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from interfacestab.errors import SourceError

if TYPE_CHECKING:
    import os

#: Largest list file read (bytes); a list of formulas is far smaller.
MAX_LIST_FILE_BYTES = 50_000_000


def read_list_text(path: str | os.PathLike[str], what: str) -> str:
    """The text of a list file, after checking it is a readable, regular, UTF-8 file of sensible size."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        msg = f"cannot read {what} {p}: {exc.strerror or exc}"
        raise SourceError(msg) from None
    if stat.S_ISDIR(st.st_mode):
        msg = f"{what} {p} is a folder, not a file"
        raise SourceError(msg)
    if not stat.S_ISREG(st.st_mode):
        msg = f"{what} {p} is not a regular file (a pipe, socket or device); save the list to a file and give that"
        raise SourceError(msg)
    if st.st_size > MAX_LIST_FILE_BYTES:
        msg = f"{what} {p} is {st.st_size / 1e6:.0f} MB, larger than the {MAX_LIST_FILE_BYTES / 1e6:.0f} MB allowed"
        raise SourceError(msg)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        msg = f"cannot read {what} {p}: {exc.strerror or exc}"
        raise SourceError(msg) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"{what} {p} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        raise SourceError(msg) from None
    if "\x00" in text:
        msg = f"{what} {p} contains NUL bytes: not a text file"
        raise SourceError(msg)
    return text


def read_formula_rows(path: str | os.PathLike[str], what: str, columns: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Rows of a list file: one formula per line, or a CSV whose header has a ``formula`` column.

    Blank lines and lines starting with ``#`` are skipped. Each row maps ``formula`` (and each of
    ``columns`` present in a CSV header, '' when its cell is empty) to stripped text.

    Raises:
        SourceError: the file cannot be read (see :func:`read_list_text`), holds no formula, is not
            valid CSV, or a CSV row has an empty formula cell.
    """
    text = read_list_text(path, what)
    lines = [
        (n, ln) for n, ln in enumerate(text.splitlines(), start=1) if ln.strip() and not ln.lstrip().startswith("#")
    ]
    if not lines:
        msg = f"{what} {path}: no formulas"
        raise SourceError(msg)
    header = [h.strip() for h in lines[0][1].split(",")]
    if "formula" not in header:
        return [{"formula": ln.split(",")[0].strip()} for _, ln in lines]
    try:
        reader = csv.reader(io.StringIO("\n".join(ln for _, ln in lines)))
        names = [h.strip() for h in next(reader)]
        rows = []
        for (line_no, _), cells in zip(lines[1:], reader, strict=False):
            values = dict(zip(names, (c.strip() for c in cells), strict=False))
            if not any(values.values()):
                continue  # a row of empty cells (as spreadsheets write)
            formula = values.get("formula", "")
            if not formula:
                msg = f"{what} {path}: line {line_no} has an empty formula cell"
                raise SourceError(msg)
            rows.append({"formula": formula, **{c: values.get(c, "") for c in columns if c in names}})
    except csv.Error as exc:
        msg = f"{what} {path} is not valid CSV: {exc}"
        raise SourceError(msg) from None
    if not rows:
        msg = f"{what} {path}: no formulas"
        raise SourceError(msg)
    return rows

"""Run chunks of independent work locally (processes) or on a Dask cluster, checkpointing every row.

A task is ``fn(chunk, *args) -> list[dict]``; each dict carries a ``key``. Finished rows are
appended to a JSON-lines checkpoint and fsynced, so a run killed at any moment can resume and
recompute only what was in flight. The same task function runs in a ``ProcessPoolExecutor`` or
on Dask workers (``scheduler="tcp://host:port"``; the workers must see the same store file).

The first line of a checkpoint is its fingerprint, ``{"fingerprint": {...}}``: everything that
changes a row (inputs, options, the data source and its content, the package version). A resume
whose fingerprint differs is refused, naming what differs, so rows computed with other settings
are never mixed into a result.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from interfacestab.errors import AnalysisError, InterfaceStabError, OutputError
from interfacestab.fileio import check_output_path, write_text_atomic

Row = dict[str, Any]
Task = Callable[..., list[Row]]


def checkpoint_path(output: str | Path) -> Path:
    """The checkpoint beside a result file: ``<output>.checkpoint.jsonl``."""
    out = Path(output)
    return out.with_name(out.name + ".checkpoint.jsonl")


def _drop_cut_line(path: Path) -> None:
    """Truncate a checkpoint to its last complete line (a kill can leave half a line)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    data = path.read_bytes()
    if not data.endswith(b"\n"):
        with path.open("r+b") as fh:
            fh.truncate(data.rfind(b"\n") + 1)


def _ignore_sigint() -> None:
    """Worker initializer: Ctrl-C is the parent's business (it cancels and stops the workers)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def read_checkpoint(path: Path) -> dict[str, Row]:
    """Rows of a checkpoint by key; a line cut short by a kill is ignored (recomputed)."""
    done: dict[str, Row] = {}
    if not path.exists():
        return done
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict) and "key" in row:
                done[str(row["key"])] = row
    return done


def read_fingerprint(path: Path) -> dict[str, Any] | None:
    """The fingerprint on a checkpoint's first line (None when it has none)."""
    try:
        with path.open(encoding="utf-8") as fh:
            first = fh.readline()
    except OSError:
        return None
    try:
        head = json.loads(first)
    except json.JSONDecodeError:
        return None
    if isinstance(head, dict) and isinstance(head.get("fingerprint"), dict) and "key" not in head:
        return head["fingerprint"]
    return None


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            flat.update(_flatten(v, f"{prefix}{k}."))
        else:
            flat[f"{prefix}{k}"] = v
    return flat


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:16] + "..."


def fingerprint_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two fingerprints, as ``name (checkpoint: a, now: b)`` strings.

    In the order of the new fingerprint (its readable fields first, the hashes last), then the
    names only the checkpoint has.
    """
    a, b = _flatten(json.loads(json.dumps(old))), _flatten(json.loads(json.dumps(new)))
    return [
        f"{k} (checkpoint: {_short(a.get(k, '-'))}, now: {_short(b.get(k, '-'))})"
        for k in dict.fromkeys([*b, *a])
        if a.get(k) != b.get(k)
    ]


def check_resumable(checkpoint: Path, fingerprint: dict[str, Any]) -> None:
    """Refuse to resume from a checkpoint written with other inputs or settings.

    Raises:
        AnalysisError: naming what differs and how to start over.
    """
    old = read_fingerprint(checkpoint)
    start_over = f"rerun without --resume to start over (this replaces {checkpoint})"
    if old is None:
        msg = f"cannot resume: {checkpoint} has no fingerprint of the settings it was computed with; {start_over}"
        raise AnalysisError(msg)
    diffs = fingerprint_differences(old, fingerprint)
    if diffs:
        msg = f"cannot resume: {checkpoint} was computed with other settings: {'; '.join(diffs)}; {start_over}"
        raise AnalysisError(msg)


def inputs_digest(keys: Iterable[str]) -> str:
    """SHA-256 of the ordered input keys (part of a fingerprint)."""
    import hashlib

    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


def check_output_folder(output: Path) -> None:
    """Refuse an output whose folder is missing or not writable, before any work is done.

    The same check as :func:`interfacestab.fileio.check_output_path` (kept under this name for
    the CLI and the coating screen).

    Raises:
        OutputError: naming the folder.
    """
    check_output_path(output)


def _checkpoint_error(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write the checkpoint {path}: {exc.strerror or exc}")


def run_chunks(
    fn: Task,
    chunks: list[list[Any]],
    args: tuple[Any, ...],
    *,
    checkpoint: Path | None,
    workers: int = 1,
    scheduler: str | None = None,
    on_rows: Callable[[list[Row]], None] | None = None,
) -> int:
    """Run ``fn(chunk, *args)`` for every chunk, appending rows to ``checkpoint``; returns rows computed."""
    computed = 0
    with contextlib.ExitStack() as stack:
        ck = None
        if checkpoint is not None:
            try:
                _drop_cut_line(checkpoint)
                ck = stack.enter_context(checkpoint.open("a", encoding="utf-8"))
            except OSError as exc:
                raise _checkpoint_error(checkpoint, exc) from exc

        def record(rows: list[Row]) -> None:
            nonlocal computed
            if ck is not None and checkpoint is not None:
                try:
                    for row in rows:
                        ck.write(json.dumps(row) + "\n")
                    ck.flush()
                    os.fsync(ck.fileno())
                except OSError as exc:
                    raise _checkpoint_error(checkpoint, exc) from exc
            computed += len(rows)
            if on_rows:
                on_rows(rows)

        if scheduler:
            for rows in _dask_results(fn, chunks, args, scheduler):
                record(rows)
        elif workers <= 1 or len(chunks) <= 1:
            for chunk in chunks:
                record(fn(chunk, *args))
        else:
            pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_sigint)
            try:
                pending = {pool.submit(fn, chunk, *args) for chunk in chunks}
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        record(fut.result())
            except BaseException:
                # Ctrl-C (or an error): drop queued work and stop the workers now; finished rows
                # are already in the checkpoint, so --resume recomputes only what was in flight
                processes = list(getattr(pool, "_processes", {}).values())
                pool.shutdown(wait=False, cancel_futures=True)
                for proc in processes:
                    proc.terminate()
                raise
            pool.shutdown(wait=True)
    return computed


def _dask_results(fn: Task, chunks: list[list[Any]], args: tuple[Any, ...], scheduler: str) -> Iterable[list[Row]]:
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        msg = "Dask is not installed: pip install 'dask[distributed]'"
        raise InterfaceStabError(msg) from exc
    try:
        client = Client(scheduler, timeout=10)
    except (OSError, TimeoutError) as exc:
        msg = f"cannot reach the Dask scheduler at {scheduler}: {exc}"
        raise InterfaceStabError(msg) from exc
    try:
        futures = [client.submit(fn, chunk, *args, pure=False) for chunk in chunks]
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        client.close()


def run_resumable(
    fn: Task,
    items: list[Any],
    args: tuple[Any, ...],
    *,
    key: Callable[[Any], str],
    group: Callable[[Any], str],
    checkpoint: Path | None,
    resume: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int = 64,
    fingerprint: dict[str, Any] | None = None,
) -> tuple[dict[str, Row], int]:
    """Rows for every item (by ``key``), reusing a checkpoint when ``resume``; returns (rows, computed).

    Items are grouped by ``group`` (whole groups stay in one chunk) and ``fn(chunk, *args)`` must
    return rows carrying ``key``. ``progress`` gets (done, total) as rows arrive. ``fingerprint``
    (JSON-safe) describes everything that changes a row; it heads a new checkpoint, and a resume
    over a checkpoint with another fingerprint raises :class:`AnalysisError`. Resuming without a
    checkpoint warns (``UserWarning``) that nothing was resumed.
    """
    import warnings

    keys = list(dict.fromkeys(key(item) for item in items))
    done: dict[str, Row] = {}
    fp = None if fingerprint is None else {**fingerprint, "inputs_sha256": inputs_digest(keys)}
    if checkpoint is not None:
        resumable = resume and checkpoint.is_file() and checkpoint.stat().st_size > 0
        if resume and not resumable:
            warnings.warn(
                f"nothing to resume: no checkpoint at {checkpoint}; computing all {len(keys)} from the start",
                UserWarning,
                stacklevel=2,
            )
        if resumable:
            if fp is not None:
                check_resumable(checkpoint, fp)
            wanted = set(keys)
            done = {k: v for k, v in read_checkpoint(checkpoint).items() if k in wanted}
        else:
            try:
                checkpoint.unlink(missing_ok=True)
                if fp is not None:
                    with checkpoint.open("w", encoding="utf-8") as fh:
                        fh.write(json.dumps({"fingerprint": fp}) + "\n")
                        fh.flush()
                        os.fsync(fh.fileno())
            except OSError as exc:
                raise _checkpoint_error(checkpoint, exc) from exc
    todo = list({key(item): item for item in items if key(item) not in done}.values())
    total, finished = len(keys), len(keys) - len(todo)
    if progress:
        progress(finished, total)

    def on_rows(rows: list[Row]) -> None:
        nonlocal finished
        for row in rows:
            done[str(row["key"])] = row
        finished += len(rows)
        if progress:
            progress(finished, total)

    groups: dict[str, list[Any]] = {}
    for item in todo:
        groups.setdefault(group(item), []).append(item)
    computed = run_chunks(
        fn,
        chunk_groups(groups.values(), chunk_size),
        args,
        checkpoint=checkpoint,
        workers=max(1, workers or os.cpu_count() or 1),
        scheduler=scheduler,
        on_rows=on_rows,
    )
    return done, computed


def chunk_groups(groups: Iterable[list[Any]], size: int) -> list[list[Any]]:
    """Concatenate groups into chunks of about ``size`` items without splitting a group."""
    chunks: list[list[Any]] = []
    current: list[Any] = []
    for group in groups:
        current += group
        if len(current) >= size:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def write_atomic(path: Path, text: str) -> None:
    """Deprecated alias of :func:`interfacestab.fileio.write_text_atomic` (the coating screen still uses it)."""
    write_text_atomic(path, text)

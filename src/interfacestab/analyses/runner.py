"""Run chunks of independent work locally (processes) or on a Dask cluster, checkpointing every row.

A task is ``fn(chunk, *args) -> list[dict]``; each dict carries a ``key``. Finished rows are
appended to a JSON-lines checkpoint and fsynced, so a run killed at any moment can resume and
recompute only what was in flight. The same task function runs in a ``ProcessPoolExecutor`` or
on Dask workers (``scheduler="tcp://host:port"``; the workers must see the same store file).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from interfacestab.errors import InterfaceStabError

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
            done[str(row["key"])] = row
    return done


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
    if checkpoint is not None:
        _drop_cut_line(checkpoint)
    with contextlib.ExitStack() as stack:
        ck = stack.enter_context(checkpoint.open("a", encoding="utf-8")) if checkpoint else None

        def record(rows: list[Row]) -> None:
            nonlocal computed
            if ck is not None:
                for row in rows:
                    ck.write(json.dumps(row) + "\n")
                ck.flush()
                os.fsync(ck.fileno())
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
) -> tuple[dict[str, Row], int]:
    """Rows for every item (by ``key``), reusing a checkpoint when ``resume``; returns (rows, computed).

    Items are grouped by ``group`` (whole groups stay in one chunk) and ``fn(chunk, *args)`` must
    return rows carrying ``key``. ``progress`` gets (done, total) as rows arrive.
    """
    keys = list(dict.fromkeys(key(item) for item in items))
    done: dict[str, Row] = {}
    if checkpoint is not None:
        if resume:
            wanted = set(keys)
            done = {k: v for k, v in read_checkpoint(checkpoint).items() if k in wanted}
        else:
            checkpoint.unlink(missing_ok=True)
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
    """Write a text file via a temporary file and rename (never a half-written result)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)

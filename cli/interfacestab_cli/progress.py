"""Progress on stderr, and what Ctrl-C does to a long run (its workers, its checkpoint, exit 130)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.markup import escape

from interfacestab_cli.console import err_console, info

if TYPE_CHECKING:
    from pathlib import Path

    from rich.progress import Progress, TaskID


def checkpoint_for(output: Path) -> Path:
    """The checkpoint beside a checkpointed result file (``<output>.checkpoint.jsonl``, as the runners name it)."""
    from interfacestab.analyses.runner import checkpoint_path

    return checkpoint_path(output)


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

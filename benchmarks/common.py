"""Shared helpers of the benchmarks: timers, a temporary store, the naive pymatgen route, result tables.

Each benchmark times our code and pymatgen's equivalent in the same run, on the same entries,
and prints one table (what, ours, pymatgen, ratio, target, met?). Results also go to
``benchmarks/results/<name>.json`` (git-ignored).

pymatgen is called the way the project's oracle calls it (``tests/helpers/oracle.py``, imported as ``helpers.oracle``
with ``tests/`` put on ``sys.path`` by :func:`oracle`).
"""

from __future__ import annotations

import argparse
import atexit
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
# One BLAS thread per process, as the `interfacestab` script runs: the timings scaled to "2 cores" assume the
# work of one process uses one core (set before numpy is imported by anything below; an explicit value wins).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

SHARED_DATA = Path(os.environ.get("INTERFACESTAB_SHARED_DATA", REPO.parent / "shared" / "data")).resolve()
SNAPSHOT_CSV = SHARED_DATA / "mp_legacy2019_ground_state_eform_merged.csv"

#: The cathode of the seed papers, written as users write it (our parser reads ``1/3``).
NMC111 = "LiNi1/3Mn1/3Co1/3O2"
LPSC = "Li6PS5Cl"


# --- timing -------------------------------------------------------------------------------------
def now() -> float:
    """A monotonic clock in seconds."""
    return time.perf_counter()


@dataclass
class Timing:
    """Times of repeated calls (s) and the last call's result."""

    times: list[float]
    result: Any = None

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def total(self) -> float:
        return sum(self.times)


def measure(fn: Callable[[], Any], repeat: int = 1, warmup: int = 0) -> Timing:
    """Call ``fn`` ``warmup`` times untimed, then ``repeat`` times timed."""
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeat):
        start = now()
        result = fn()
        times.append(now() - start)
    return Timing(times, result)


def run_subprocess(cmd: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall-clock time of a command (s) and its stdout; raises on a non-zero exit."""
    start = now()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    elapsed = now() - start
    if proc.returncode != 0:
        msg = f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}"
        raise RuntimeError(msg)
    return elapsed, proc.stdout


# --- stores ---------------------------------------------------------------------------------------
def make_store(directory: Path | None = None) -> tuple[Path, float]:
    """A fresh store holding the offline snapshot; returns its path and the import time (s).

    Without ``directory`` the store lives in a temporary folder removed at exit.
    """
    from interfacestab.ingest import import_offline_snapshot
    from interfacestab.store import open_store

    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="ifs-bench-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / "bench.sqlite"
    start = now()
    with open_store(path) as store:
        import_offline_snapshot(store, SHARED_DATA)
    return path, now() - start


def store_from_args(args: argparse.Namespace) -> Path:
    """The store named by ``--store``, or a fresh temporary one (its import time is printed)."""
    if args.store:
        path = Path(args.store)
        if not path.is_file():
            sys.exit(f"no store file at {path}")
        return path
    path, seconds = make_store()
    print(f"(imported the offline snapshot into a temporary store in {seconds:.1f} s)", flush=True)
    return path


# --- the naive pymatgen route ---------------------------------------------------------------------
def naive_pymatgen_load(elements: Iterable[str], csv_path: Path = SNAPSHOT_CSV) -> list[tuple[str, Any, float, str]]:
    """What a user script does without a store: parse every snapshot row with pymatgen, keep a system.

    Returns ``(reduced_formula, Composition, e_form_eV_per_atom, material_id)`` for every entry
    whose elements lie within ``elements`` (the csv module keeps sodium nitride ``NaN`` a string).
    """
    from pymatgen.core import Composition

    allowed = set(elements)
    rows = []
    with csv_path.open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows.append(
                (r["reduced_formula"], Composition(r["reduced_formula"]), float(r["e_form_per_atom"]), r["material_id"])
            )
    return [row for row in rows if {el.symbol for el in row[1].elements} <= allowed]


def oracle() -> Any:
    """The project's pymatgen oracle module (``tests/helpers/oracle.py``)."""
    tests = str(REPO / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    from helpers import oracle as module

    return module


def interfacestab_exe() -> str:
    """The ``interfacestab`` console script of this interpreter's environment."""
    exe = Path(sys.executable).parent / "interfacestab"
    return str(exe) if exe.exists() else (shutil.which("interfacestab") or "interfacestab")


# --- results --------------------------------------------------------------------------------------
@dataclass
class Row:
    """One line of a results table.

    ``ratio`` is pymatgen time / our time. ``target`` is either ``("ratio", 10)`` (ratio at
    least 10) or ``("under", 60)`` (our time under 60 s); ``extrapolated`` (pymatgen) and
    ``ours_extrapolated`` mark a time measured on a sample and scaled to the full count.
    """

    what: str
    ours_s: float | None
    pymatgen_s: float | None
    target: tuple[str, float] | None = None
    note: str = ""
    extrapolated: bool = False
    ours_extrapolated: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ours_s is None or self.pymatgen_s is None or self.ours_s <= 0:
            return None
        return self.pymatgen_s / self.ours_s

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "-"
        kind, value = self.target
        return f">= {value:g}x" if kind == "ratio" else f"< {value:g} s"

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        kind, value = self.target
        if kind == "ratio":
            return None if self.ratio is None else self.ratio >= value
        return None if self.ours_s is None else self.ours_s < value

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(ratio=self.ratio, target=self.target_text, met=self.met)
        return d


def _fmt_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 0.01:
        return f"{value * 1e3:.3f} ms"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _fmt_ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}x" if value < 100 else f"{value:,.0f}x"


def table(rows: Sequence[Row | dict[str, Any]], title: str = "") -> str:
    """A plain-text table: what | ours (s) | pymatgen (s) | ratio | target | met?  (+ notes)."""
    dicts = [r.to_dict() if isinstance(r, Row) else r for r in rows]
    head = ("what", "ours (s)", "pymatgen (s)", "ratio", "target", "met?")
    body = []
    notes = []
    for d in dicts:
        mark = ""
        if d.get("note"):
            notes.append(d["note"])
            mark = f" [{len(notes)}]"
        star = "*" if d.get("extrapolated") or d.get("ours_extrapolated") else ""
        met = {True: "yes", False: "NO", None: "-"}[d["met"]]
        ours = _fmt_seconds(d["ours_s"]) + ("*" if d.get("ours_extrapolated") else "")
        pmg = _fmt_seconds(d["pymatgen_s"]) + ("*" if d.get("extrapolated") and d["pymatgen_s"] is not None else "")
        ratio = _fmt_ratio(d["ratio"]) + (star if d["ratio"] is not None else "")
        body.append((d["what"] + mark, ours, pmg, ratio, d["target"], met))
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head))]
    line = "  ".join("-" * w for w in widths)
    out = [title] if title else []
    out.append(
        "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths, strict=True)))
    )
    out.append(line)
    for cells in body:
        out.append(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
        )
    if any(d.get("extrapolated") or d.get("ours_extrapolated") for d in dicts):
        out.append("* extrapolated from a measured sample to the full count (see the notes)")
    for i, note in enumerate(notes, start=1):
        out.append(f"[{i}] {note}")
    return "\n".join(out)


def environment() -> dict[str, Any]:
    """Machine and versions, stored with every result file."""
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "interfacestab": ver("interfacestab"),
        "pymatgen": ver("pymatgen"),
        "commit": commit,
        "load_average_1_5_15min": [round(x, 2) for x in os.getloadavg()],
    }


def report(
    name: str,
    rows: Sequence[Row],
    *,
    quick: bool,
    details: dict[str, Any] | None = None,
    title: str = "",
    write: bool = True,
) -> Path | None:
    """Print the table and write ``results/<name>[-quick].json``; returns the file written."""
    print()
    print(table(rows, title or name))
    load = os.getloadavg()
    print(
        f"(load average over the last 1/5 min: {load[0]:.1f}/{load[1]:.1f} on {os.cpu_count()} cores; other "
        "processes on the machine slow both sides)"
    )
    if not write:
        return None
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}{'-quick' if quick else ''}.json"
    payload = {
        "benchmark": name,
        "quick": quick,
        "environment": environment(),
        "rows": [r.to_dict() for r in rows],
        "details": details or {},
    }
    path.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    print(f"\nresults written to {path.relative_to(REPO)}")
    return path


def parser(description: str) -> argparse.ArgumentParser:
    """Argument parser with the flags every benchmark takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="smaller samples (a few seconds to a minute)")
    p.add_argument("--store", help="use this existing store file instead of importing the snapshot afresh")
    p.add_argument("--seed", type=int, default=20261122, help="seed of the random samples")
    p.add_argument("--no-json", action="store_true", help="do not write benchmarks/results/<name>.json")
    return p

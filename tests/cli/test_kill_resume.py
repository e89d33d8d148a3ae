"""kill -9 in the middle of the real commands (installed console script): a ``data import`` leaves the
store intact and re-importing gives the same content; a checkpointed batch or screen resumes to the
same output as an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from interfacestab.store.database import Store

SCRIPT = Path(sys.executable).parent / "interfacestab"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "INTERFACESTAB_STORE"} | {"COLUMNS": "200"}


def run(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), "--store", str(store), *args], capture_output=True, text=True, env=_env(), timeout=600
    )


def start(store: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(SCRIPT), "--store", str(store), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
        start_new_session=True,
    )


def kill9(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the command and its worker processes: no cleanup at all."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def rows(store: Path, source: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        return sorted(
            conn.execute(
                "SELECT chemsys, formula, composition, e_form_eV_per_atom, material_id FROM entries WHERE source = ?",
                (source,),
            ).fetchall()
        )
    finally:
        conn.close()


def source_row(store: Path, name: str) -> tuple[str, int]:
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT content_sha256, n_entries FROM sources WHERE name = ?", (name,)).fetchone()
    finally:
        conn.close()


def test_kill_9_during_data_import_leaves_the_store_intact(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    small = tmp_path / "small" / "mine.csv"
    small.parent.mkdir()
    small.write_text("formula,energy\nLi2O,-2.07\nLi2O2,-1.65\nLiO2,-1.0\n")
    assert run(store, "data", "import", str(small)).returncode == 0
    before = rows(store, "mine")

    big = tmp_path / "mine.csv"  # 160,000 made-up Li-Na-K-O rows, imported over the small source
    lines = ["formula,energy,material_id"]
    for a in range(1, 41):
        for b in range(1, 41):
            for c in range(1, 101):
                lines.append(f"Li{a}Na{b}K{c}O{a + b + c},{-1.0 - (a * b % 7) / 10:.3f},x-{a}-{b}-{c}")
    big.write_text("\n".join(lines) + "\n")
    wal = store.with_name(store.name + "-wal")
    proc = start(store, "data", "import", str(big), "--replace")
    deadline = time.time() + 300
    # the write transaction has begun once rows spill into the WAL (the reading phase writes nothing)
    while time.time() < deadline and proc.poll() is None and not (wal.exists() and wal.stat().st_size > 1 << 20):
        time.sleep(0.01)
    assert proc.poll() is None, "the import finished before it could be killed"
    kill9(proc)

    info = run(store, "data", "info", "-f", "json")  # opens, passes the full integrity check
    assert info.returncode == 0, info.stderr
    assert {s["name"]: s["n_entries"] for s in json.loads(info.stdout)["sources"]} == {"mine": 3}
    assert rows(store, "mine") == before

    again = run(store, "data", "import", str(big), "--replace")
    assert again.returncode == 0, again.stderr
    reference = tmp_path / "reference.sqlite"
    assert run(reference, "data", "import", str(big)).returncode == 0
    assert source_row(store, "mine") == source_row(reference, "mine")
    assert source_row(store, "mine")[1] == 160_000
    assert rows(store, "mine") == rows(reference, "mine")


CANDIDATES = [
    *("Li3PO4", "LiNbO3", "Li2SiO3", "LiAlO2", "Li2ZrO3", "LiTaO3", "Li3BO3", "Li4SiO4", "Li4Ti5O12", "Li2SnO3"),
    *("LiBO2", "Li2SO4", "LiPO3", "Li4P2O7", "Li2MoO4", "Li2WO4", "Li3NbO4", "Li3TaO4", "Li2TiO3", "Li5AlO4"),
    *("LiAl5O8", "Li2Si2O5", "Li2O", "LiF"),
]


@pytest.mark.parametrize("kind", ["screen", "batch"])
def test_kill_9_during_a_checkpointed_run_resumes_to_identical_output(
    snapshot_store: Store, tmp_path: Path, kind: str
) -> None:
    names = tmp_path / "names.txt"
    if kind == "screen":  # checkpointed in chunks of 8 candidates
        targets, at_least = CANDIDATES, 4
        base = ["screen", "--electrolyte", "Li6PS5Cl", "--cathode", "LiCoO2", "--candidates", str(names)]
    else:  # checkpointed in chunks of 64 targets
        targets, at_least = [e.formula for e in snapshot_store.iter_entries(containing="K")][:200], 64
        base = ["window", "--batch", str(names)]
    names.write_text("\n".join(targets) + "\n")
    suffix = ".json"
    reference = tmp_path / f"reference{suffix}"
    ref = run(snapshot_store.path, *base, "--workers", "2", "--output", str(reference))
    assert ref.returncode == 0, ref.stderr

    out = tmp_path / f"killed{suffix}"
    checkpoint = out.with_name(out.name + ".checkpoint.jsonl")
    proc = start(snapshot_store.path, *base, "--workers", "2", "--output", str(out))
    deadline = time.time() + 300
    while time.time() < deadline and (
        not checkpoint.exists() or len(checkpoint.read_bytes().splitlines()) < 1 + at_least
    ):
        time.sleep(0.01)
    kill9(proc)
    done = len(checkpoint.read_bytes().splitlines()) - 1
    assert at_least <= done < len(targets), done
    assert not out.exists()

    resumed = run(snapshot_store.path, *base, "--workers", "1", "--output", str(out), "--resume", "-f", "json")
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["n_computed"] <= len(targets) - done + 1  # at most a line cut by the kill is redone
    got, want = json.loads(out.read_text()), json.loads(reference.read_text())
    if kind == "screen":
        assert got.pop("n_computed") < want.pop("n_computed")
        got.pop("output", None), want.pop("output", None)
    assert got == want

"""Checkpointed runs through the installed console script: a resume is refused when the checkpoint
was computed with other settings, output folders are checked before any work, ``--resume`` without
a checkpoint says so, and a run in which every target fails exits 1.

The runs use the invented toy store (``toy_data_store``, tests/data) except the one that needs two real
sources of the offline snapshot.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from interfacestab.store.database import Store

SCRIPT = Path(sys.executable).parent / "interfacestab"
SCREEN = ["screen", "--electrolyte", "Li6PS5Cl", "--cathode", "LiCoO2", "--workers", "1"]


def run(store: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "INTERFACESTAB_STORE"} | {"COLUMNS": "200"}
    return subprocess.run(
        [str(SCRIPT), "--store", str(store), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1, proc.stderr
    return errors[0]


@pytest.fixture
def candidates(tmp_path: Path) -> Path:
    path = tmp_path / "candidates.txt"
    path.write_text("Li3PO4\nLiNbO3\nLi2SiO3\n")
    return path


# --- resume with other settings ------------------------------------------------------------
def test_screen_resume_with_another_electrolyte_is_refused(
    toy_data_store: Store, tmp_path: Path, candidates: Path
) -> None:
    out = tmp_path / "screen.json"
    first = run(toy_data_store.path, *SCREEN, "--candidates", str(candidates), "--output", str(out), "-f", "json")
    assert first.returncode == 0, first.stderr
    other = ["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", "--workers", "1"]
    proc = run(toy_data_store.path, *other, "--candidates", str(candidates), "--output", str(out), "--resume")
    line = one_error_line(proc)
    assert "electrolyte (checkpoint: Li6PS5Cl, now: Li3PS4)" in line
    assert "without --resume" in line
    assert proc.stdout == ""
    # the same settings do resume, computing nothing
    same = run(
        toy_data_store.path, *SCREEN, "--candidates", str(candidates), "--output", str(out), "--resume", "-f", "json"
    )
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout)["n_computed"] == 0
    # and starting over with the new electrolyte gives Li3PS4 products (no chlorine anywhere)
    fresh = run(toy_data_store.path, *other, "--candidates", str(candidates), "--output", str(out), "-f", "json")
    assert fresh.returncode == 0, fresh.stderr
    for row in json.loads(fresh.stdout)["results"]:
        assert not any("Cl" in p for p in row["electrolyte_products"]), row["electrolyte_products"]


def test_screen_resume_with_another_criterion_is_refused(
    toy_data_store: Store, tmp_path: Path, candidates: Path
) -> None:
    out = tmp_path / "screen.csv"
    first = run(toy_data_store.path, *SCREEN, "--candidates", str(candidates), "--output", str(out))
    assert first.returncode == 0, first.stderr
    proc = run(
        toy_data_store.path,
        *SCREEN,
        "--candidates",
        str(candidates),
        "--output",
        str(out),
        "--resume",
        "--min-oxidation-limit",
        "3.0",
    )
    line = one_error_line(proc)
    assert "criteria.min_oxidation_limit_V (checkpoint: 4.0, now: 3.0)" in line


def test_batch_resume_with_another_source_is_refused(snapshot_store: Store, tmp_path: Path) -> None:
    targets = tmp_path / "targets.txt"
    targets.write_text("LiCoO2\nLiNiO2\n")
    out = tmp_path / "batch.csv"
    first = run(snapshot_store.path, "window", "--batch", str(targets), "--output", str(out), "--workers", "1")
    assert first.returncode == 0, first.stderr
    default_rows = list(csv.DictReader(io.StringIO(out.read_text())))
    proc = run(
        snapshot_store.path,
        "window",
        "--batch",
        str(targets),
        "--output",
        str(out),
        "--workers",
        "1",
        "--resume",
        "--source",
        "mp2020_Li-Co-Ni-O",
    )
    line = one_error_line(proc)
    assert "source.name (checkpoint: mp_legacy2019, now: mp2020_Li-Co-Ni-O)" in line
    assert list(csv.DictReader(io.StringIO(out.read_text()))) == default_rows  # the result file is untouched


def test_batch_resume_over_a_checkpoint_of_other_targets_is_refused(toy_data_store: Store, tmp_path: Path) -> None:
    targets = tmp_path / "targets.txt"
    targets.write_text("LiCoO2\n")
    out = tmp_path / "batch.csv"
    assert run(toy_data_store.path, "window", "--batch", str(targets), "--output", str(out)).returncode == 0
    targets.write_text("LiCoO2\nLiNiO2\n")
    line = one_error_line(run(toy_data_store.path, "window", "--batch", str(targets), "--output", str(out), "--resume"))
    assert "n_targets (checkpoint: 1, now: 2)" in line
    assert "inputs_sha256" in line
    assert line.index("n_targets") < line.index("inputs_sha256")  # the readable difference first


@pytest.mark.parametrize(
    ("options", "difference"),
    [
        (("--ion", "Na"), "ions (checkpoint: Li, now: Na)"),
        (("--no-stabilize",), "stabilize (checkpoint: true, now: false)"),
    ],
)
def test_batch_resume_with_other_settings_names_them(
    toy_data_store: Store, tmp_path: Path, options: tuple[str, ...], difference: str
) -> None:
    targets = tmp_path / "targets.txt"
    targets.write_text("LiCoO2\nLi2O\n")
    out = tmp_path / "batch.csv"
    first = run(toy_data_store.path, "window", "--batch", str(targets), "--output", str(out), "--workers", "1")
    assert first.returncode == 0, first.stderr
    proc = run(toy_data_store.path, "window", "--batch", str(targets), "--output", str(out), "--resume", *options)
    line = one_error_line(proc)
    assert difference in line
    assert "n_targets" not in line  # the same two targets


# --- output folders, --resume without a checkpoint, every target failed ------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["window", "--batch", "TARGETS"],
        ["window", "--all-compounds", "--ion", "K"],
        [*SCREEN, "--candidates", "TARGETS"],
    ],
    ids=["batch", "all-compounds", "screen"],
)
def test_missing_output_folder_is_refused_before_any_work(
    toy_data_store: Store, tmp_path: Path, args: list[str]
) -> None:
    targets = tmp_path / "targets.txt"
    targets.write_text("Li3PO4\n")
    out = tmp_path / "missing_dir" / "out.csv"
    proc = run(toy_data_store.path, *[str(targets) if a == "TARGETS" else a for a in args], "--output", str(out))
    line = one_error_line(proc)
    assert str(out.parent) in line and "does not exist" in line
    assert not out.parent.exists()
    assert "windows" not in proc.stderr and "candidates ━" not in proc.stderr  # no progress: no work started


def test_resume_without_a_checkpoint_says_nothing_was_resumed(toy_data_store: Store, tmp_path: Path) -> None:
    targets = tmp_path / "targets.txt"
    targets.write_text("LiCoO2\n")
    out = tmp_path / "batch.json"
    proc = run(toy_data_store.path, "window", "--batch", str(targets), "--output", str(out), "--resume", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    warnings = [ln for ln in proc.stderr.splitlines() if ln.startswith("warning: ")]
    assert len(warnings) == 1 and "nothing to resume" in warnings[0], proc.stderr
    assert json.loads(proc.stdout)["n_computed"] == 1


def test_batch_in_which_every_target_fails_exits_1(toy_data_store: Store, tmp_path: Path) -> None:
    targets = tmp_path / "targets.txt"
    targets.write_text("LiXe2\nNaXe\n")  # no data in either system
    out = tmp_path / "batch.csv"
    proc = run(toy_data_store.path, "window", "--batch", str(targets), "--output", str(out), "-f", "json")
    line = one_error_line(proc)
    assert "all 2 targets failed" in line
    summary = json.loads(proc.stdout)
    assert summary["n_failed"] == summary["n_targets"] == 2
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["input"] for r in rows] == ["LiXe2", "NaXe"] and all(r["error"] for r in rows)
    # one good target among them: exit 0, and the summary counts the failure
    targets.write_text("LiXe2\nLiCoO2\n")
    ok = run(toy_data_store.path, "window", "--batch", str(targets), "--output", str(out), "-f", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["n_failed"] == 1


def test_screen_in_which_every_candidate_fails_exits_1(toy_data_store: Store, tmp_path: Path) -> None:
    cands = tmp_path / "c.txt"
    cands.write_text("LiXe2\nKXe\n")
    proc = run(toy_data_store.path, *SCREEN, "--candidates", str(cands), "-f", "json")
    line = one_error_line(proc)
    assert "all 2 candidates failed" in line
    assert all(r["error"] for r in json.loads(proc.stdout)["results"])


def test_help_documents_exit_codes() -> None:
    for command in ("window", "screen"):
        proc = subprocess.run(
            [str(SCRIPT), command, "--help"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}
        )
        assert proc.returncode == 0
        text = " ".join(proc.stdout.split())
        assert "Exit codes" in text and "1 an error, or every" in text and "130 interrupted" in text


# --- one atomic writer: every OSError a one-line error; the batch file from the one CSV serialiser ---
def test_unwritable_checkpoint_is_one_error_line(toy_data_store: Store, tmp_path: Path) -> None:
    """A checkpoint path taken by a folder: one ``error:`` line naming it, not an OSError traceback."""
    targets = tmp_path / "targets.txt"
    targets.write_text("LiCoO2\n")
    out = tmp_path / "batch.csv"
    (tmp_path / "batch.csv.checkpoint.jsonl").mkdir()
    line = one_error_line(run(toy_data_store.path, "window", "--batch", str(targets), "--output", str(out)))
    assert "cannot write the checkpoint" in line and "batch.csv.checkpoint.jsonl" in line
    assert not out.exists()


def test_batch_csv_is_the_window_fields_with_full_precision(toy_data_store: Store, tmp_path: Path) -> None:
    """The batch CSV (``\\n`` line ends like every CSV the package writes) holds each window's JSON fields."""
    from interfacestab.analyses.batch import BATCH_COLUMNS
    from interfacestab.analyses.window import window_for

    targets = tmp_path / "targets.txt"
    targets.write_text("LiCoO2\nLi3PS4\n")
    out = tmp_path / "batch.csv"
    proc = run(toy_data_store.path, "window", "--batch", str(targets), "--output", str(out), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    raw = out.read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    reader = csv.DictReader(io.StringIO(raw.decode()))
    assert tuple(reader.fieldnames or ()) == BATCH_COLUMNS
    rows = list(reader)
    assert [r["input"] for r in rows] == ["LiCoO2", "Li3PS4"]
    for row in rows:
        window = window_for(row["input"], store=toy_data_store).to_dict()
        assert float(row["reduction_limit_V"]) == window["reduction_limit_V"]  # full precision, not rounded
        assert float(row["oxidation_limit_V"]) == window["oxidation_limit_V"]
        assert row["reduction_products"].split(";") == window["reduction_products"]
        assert row["source"] == toy_data_store.source().name


def test_deprecated_runner_writer_is_the_atomic_one(tmp_path: Path) -> None:
    """``runner.write_atomic`` goes through ``fileio``: a missing folder is an OutputError, no temporary file stays."""
    from interfacestab.analyses.runner import write_atomic
    from interfacestab.errors import OutputError

    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(tmp_path / "missing" / "x.json", "{}")
    assert not (tmp_path / "missing").exists()
    write_atomic(tmp_path / "x.json", "{}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]

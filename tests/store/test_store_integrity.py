"""Damaged, odd and read-only stores through the installed console script: one clear line and exit 1
for a corrupt store (with how to rebuild it), normal answers from a store the user cannot write.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from interfacestab.errors import StoreError
from interfacestab.store import open_store

if TYPE_CHECKING:
    from collections.abc import Iterator

    from interfacestab.store.database import Store

SCRIPT = Path(sys.executable).parent / "interfacestab"
PAGE = 4096
TOY_CSV = "formula,energy\nLi2O,-2.07\nLi2O2,-1.65\nCoO,-1.30\nLiCoO2,-2.00\nCo3O4,-1.35\n"


def run(store: Path, *args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "INTERFACESTAB_STORE"} | {"COLUMNS": "200"}
    prefix = []
    if user:
        import pwd

        entry = pwd.getpwnam(user)
        prefix = ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups"]
    return subprocess.run(
        [*prefix, str(SCRIPT), "--store", str(store), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd="/",
    )


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return " ".join(lines[0].split())


def copy_store(store: Store, dest: Path) -> Path:
    """A consistent copy of a live store (SQLite's backup API also copies what is still in the WAL)."""
    src = sqlite3.connect(store.path)
    dst = sqlite3.connect(dest)
    src.backup(dst)
    dst.execute("PRAGMA journal_mode = WAL")
    dst.close()
    src.close()
    return dest


def flip(path: Path, offset: int, n: int) -> None:
    with path.open("r+b") as fh:
        fh.seek(offset)
        data = fh.read(n)
        fh.seek(offset)
        fh.write(bytes(b ^ 0xFF for b in data))


# --- corruption ----------------------------------------------------------------------------
def test_flipped_page_in_the_middle_of_a_real_store_is_reported(snapshot_store: Store, tmp_path: Path) -> None:
    path = copy_store(snapshot_store, tmp_path / "copy.sqlite")
    assert run(path, "window", "LiCoO2", "-f", "json").returncode == 0  # the copy itself is fine
    middle_page = path.stat().st_size // 2 // PAGE * PAGE
    flip(path, middle_page, 256)
    for args in (["window", "LiCoO2", "-f", "json"], ["data", "info", "-f", "json"]):
        line = one_error_line(run(path, *args))
        assert f"the store at {path} is corrupt" in line
        assert f"delete {path}" in line and "interfacestab setup" in line  # how to rebuild


def test_flipped_bytes_inside_a_page_are_found_by_data_info(snapshot_store: Store, tmp_path: Path) -> None:
    """Bytes flipped inside the cells of an index page: the full check of `data info` finds them."""
    path = copy_store(snapshot_store, tmp_path / "copy.sqlite")
    conn = sqlite3.connect(path)
    # a page of the chemsys index in the middle of the file, and a spot inside its cell content
    pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = 'entries_by_chemsys'")]
    conn.close()
    page = sorted(pages)[len(pages) // 2]
    flip(path, (page - 1) * PAGE + PAGE - 200, 8)
    line = one_error_line(run(path, "data", "info", "-f", "json"))
    assert "is corrupt" in line and "integrity check" in line


def test_flipped_bits_inside_an_energy_are_found_when_the_system_is_loaded(
    toy_data_store: Store, tmp_path: Path
) -> None:
    """A flipped bit inside a stored value: SQLite's own checks cannot see it, the row checksums do."""
    import struct

    path = copy_store(toy_data_store, tmp_path / "copy.sqlite")
    (entry,) = toy_data_store.find_formula("LiCoO2", "toy")
    raw = path.read_bytes()
    packed = struct.pack(">d", entry.e_form_eV_per_atom)  # SQLite stores a REAL as a big-endian double
    assert raw.count(packed) == 1
    offset = raw.index(packed) + 6
    flip(path, offset, 1)  # the energy changes by a few meV/atom, still a plausible number
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    changed = conn.execute(
        "SELECT e_form_eV_per_atom FROM entries WHERE formula = 'LiCoO2' AND source = ?", ("toy",)
    ).fetchone()[0]
    conn.close()
    assert changed != entry.e_form_eV_per_atom and abs(changed - entry.e_form_eV_per_atom) < 1
    for args in (["window", "LiCoO2", "-f", "json"], ["data", "info", "-f", "json"]):
        line = one_error_line(run(path, *args))
        assert "source 'toy' in Co-Li-O do not match their checksum" in line, line
        assert "interfacestab setup" in line
    assert run(path, "window", "Li3PS4", "-f", "json").returncode == 0  # other systems are still answered


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("e_form_eV_per_atom", "not a number", "formation energy 'not a number' is not a finite number"),
        ("composition", '{"Li": 2, "O": ', "composition"),
        ("composition", '{"Xx": 1}', "composition"),
    ],
)
@pytest.mark.parametrize("checksums", [True, False], ids=["checksummed", "older-store"])
def test_damaged_rows_are_one_clear_line(
    tmp_path: Path, column: str, value: str, expected: str, checksums: bool
) -> None:
    """A damaged row: the checksum of its system catches it; a store made before checksums validates the values."""
    data = tmp_path / "toy.csv"
    data.write_text(TOY_CSV)
    path = tmp_path / "toy.sqlite"
    assert run(path, "data", "import", str(data)).returncode == 0
    conn = sqlite3.connect(path)
    conn.execute(f"UPDATE entries SET {column} = ? WHERE formula = 'Li2O'", (value,))
    if not checksums:
        conn.execute("DROP TABLE chemsys_digests")
    conn.commit()
    conn.close()
    for args in (["window", "LiCoO2"], ["data", "entries", "Li-O"], ["data", "info"]):
        line = one_error_line(run(path, *args))
        if checksums:
            assert "is corrupt (the rows of source 'toy' in Li-O do not match their checksum)" in line, line
        else:
            assert "is corrupt" in line and "'Li2O'" in line and expected in line, line
        assert "interfacestab setup" in line


def test_store_path_that_is_not_a_file(tmp_path: Path) -> None:
    data = tmp_path / "toy.csv"
    data.write_text(TOY_CSV)
    line = one_error_line(run(Path("/dev/null"), "data", "import", str(data)))
    assert "/dev/null is not a folder" in line
    fifo = tmp_path / "pipe.sqlite"
    os.mkfifo(fifo)
    for args in (["data", "import", str(data)], ["window", "LiCoO2"]):
        line = one_error_line(run(fifo, *args))
        assert f"{fifo} is not a regular file" in line


def test_garbage_file_is_corrupt_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(os.urandom(3 * PAGE))
    with pytest.raises(StoreError, match="rebuild"):
        open_store(path)


# --- read-only stores ----------------------------------------------------------------------
def _nobody_can_run() -> bool:
    import pwd

    try:
        pwd.getpwnam("nobody")
    except KeyError:
        return False
    return os.geteuid() == 0 and shutil.which("setpriv") is not None and os.access(SCRIPT, os.R_OK)


@pytest.fixture
def shared_folder(tmp_path: Path) -> Iterator[Path]:
    """A world-readable folder outside pytest's private tmp (which nobody cannot enter)."""
    folder = Path(tempfile.mkdtemp(prefix="interfacestab-ro-"))
    folder.chmod(0o755)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(folder)


@pytest.mark.skipif(not _nobody_can_run(), reason="needs root and setpriv to run the CLI as user nobody")
def test_store_in_a_read_only_folder_is_read_by_another_user(shared_folder: Path) -> None:
    """A group store: owned by root, folder and file not writable by the user (nobody) who reads it.

    Runs the installed script as ``nobody`` (root ignores permissions, so a chmod alone proves nothing).
    The store is in WAL mode and SQLite cannot create its -shm file in the read-only folder.
    """
    data = shared_folder / "toy.csv"
    data.write_text(TOY_CSV)
    store = shared_folder / "group.sqlite"
    assert run(store, "data", "import", str(data)).returncode == 0
    owner = run(store, "window", "LiCoO2", "-f", "json")
    assert owner.returncode == 0, owner.stderr
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert not store.with_name(store.name + "-wal").exists()
    store.chmod(0o644)
    shared_folder.chmod(0o555)

    as_nobody = run(store, "window", "LiCoO2", "-f", "json", user="nobody")
    assert as_nobody.returncode == 0, as_nobody.stderr
    assert json.loads(as_nobody.stdout) == json.loads(owner.stdout)
    info = run(store, "data", "info", "-f", "json", user="nobody")
    assert info.returncode == 0, info.stderr
    assert [s["name"] for s in json.loads(info.stdout)["sources"]] == ["toy"]
    # writing is refused with a true message (not "corrupt")
    line = one_error_line(run(store, "data", "import", str(data), "--source-name", "other", user="nobody"))
    assert "not writable" in line and "corrupt" not in line
    assert sorted(p.name for p in shared_folder.iterdir()) == ["group.sqlite", "toy.csv"]


def test_read_only_open_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read-only code path, forced (as root every file is writable): reads work, writes are refused."""
    import interfacestab.store.database as database

    path = tmp_path / "s.sqlite"
    data = tmp_path / "toy.csv"
    data.write_text(TOY_CSV)
    from interfacestab.ingest import import_file

    with open_store(path) as store:
        import_file(store, data)
    monkeypatch.setattr(database, "_is_writable", lambda p: False)
    with open_store(path) as store:
        assert store.read_only
        assert {e.formula for e in store.entries(["Li", "O"]).entries} == {"Li2O", "Li2O2"}
        with pytest.raises(StoreError, match="not writable"):
            store.replace_source(store.source("toy"), [])

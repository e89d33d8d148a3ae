"""Shared helpers of the command-line tests: the installed script, toy stores, one-line error checks.

``runner`` (a ``CliRunner`` with wide columns and no ``INTERFACESTAB_STORE``) is a fixture in
conftest.py; the rest are plain functions imported by the CLI test modules.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from typer.testing import CliRunner

from interfacestab_cli.main import app

if TYPE_CHECKING:
    from click.testing import Result

#: The installed console script, beside the interpreter running the tests.
SCRIPT = Path(sys.executable).with_name("interfacestab")
#: Environment of the in-process runner: wide tables, no store from the caller's environment.
RUNNER_ENV: dict[str, str | None] = {"COLUMNS": "200", "INTERFACESTAB_STORE": None}


def make_runner() -> CliRunner:
    """A ``CliRunner`` with wide columns and no ``INTERFACESTAB_STORE`` from the environment."""
    return CliRunner(env=RUNNER_ENV)


def run_script(*args: str, timeout: float = 60, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``interfacestab`` script (wide columns, no store from the environment)."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    if env is None or "INTERFACESTAB_STORE" not in env:
        full_env.pop("INTERFACESTAB_STORE", None)
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout, env=full_env, check=False
    )


def import_toy_store(folder: Path, csv_text: str, *, name: str = "toy", runner: CliRunner | None = None) -> Path:
    """A store in ``folder`` holding ``csv_text`` (formula,energy) as source ``name``, imported through the CLI."""
    csv_path, store = folder / f"{name}.csv", folder / f"{name}.sqlite"
    csv_path.write_text(csv_text)
    result = (runner or make_runner()).invoke(
        app, ["--store", str(store), "data", "import", str(csv_path), "--source-name", name]
    )
    assert result.exit_code == 0, result.output
    return store


def one_error_line(stderr: str) -> str:
    """The one ``error: ...`` line that is all of ``stderr`` (no traceback, nothing else)."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def assert_user_error(result: Result, *fragments: str) -> str:
    """Exit code 1, exactly one `error:` line on stderr naming the problem, nothing on stdout, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    line = one_error_line(result.stderr)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in line, line
    return line


def assert_usage_error(result: Result, *fragments: str) -> str:
    """A usage error (ours or Click's): exit code 2 before any work, one `error:` line on stderr naming the reason."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    line = one_error_line(result.stderr)
    for fragment in fragments:
        assert fragment in line, line
    return line

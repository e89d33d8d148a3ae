"""HiGHS must never write its banner to stdout (it does so from C++, on file descriptor 1)."""

from __future__ import annotations

import subprocess
import sys


def test_first_highs_in_a_process_prints_nothing_on_fd1() -> None:
    code = "from interfacestab.engine.lp import new_highs\nh = new_highs(); h2 = new_highs()\nprint('result')\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.splitlines() == ["result"]


def test_plain_highspy_would_print_the_banner() -> None:
    """Guards the test above: without the redirection the banner does reach fd 1."""
    code = "import highspy\nhighspy.Highs()\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert "HiGHS" in done.stdout

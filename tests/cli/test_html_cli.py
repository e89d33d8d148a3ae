"""``--format html`` through the installed ``interfacestab`` script, pages parsed with a real HTML parser.

Each command writes its page (``--format html --output FILE.html``, or an ``.html`` extension alone),
and the page must carry the same tables and head as the Markdown the same command prints. The screen
and the batch run on two worker processes. Errors are one ``error:`` line with the usage exit code
(2) or the user-error code (1), before any work: a contradicting ``--format``, ``--resume`` with a
page, a page on a terminal, plotly missing. The CLI never imports plotly at start-up. One page made
by the script is opened in headless Chromium too (skipped only without a browser).
"""

from __future__ import annotations

import csv
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.browser import browser_skip_reason, chromium, hover_text, pixel_spread, shown_text
from helpers.html_report import parse_page
from helpers.output_parsers import parse_json, parse_markdown

SCRIPT = Path(sys.executable).parent / "interfacestab"
TIMEOUT_S = 300
UNSET = ("FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS", "LINES", "PYTHONWARNINGS")
CANDIDATES = ("LiF", "Li2O", "Li3BO3", "LiAlO2", "Li2SiO3", "LiTaO3", "Li2ZrO3", "LiNbO3", "Li3PO4")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(extra)
    return env


def run(store: Path, *args: str, cwd: Path | None = None, ok: bool = True, **env: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(SCRIPT), "--store", str(store), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env=_env(**env),
        cwd=cwd,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def one_error_line(proc: subprocess.CompletedProcess, code: int) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert proc.stdout == ""
    return lines[0]


@pytest.fixture(scope="module")
def store(snapshot_store) -> Path:
    return Path(snapshot_store.path)


def assert_same_content(page_text: str, md_text: str) -> None:
    """The page shows the Markdown's tables (headers, every cell) and head items."""
    page, md = parse_page(page_text), parse_markdown(md_text)
    assert [t.headers for t in page.tables] == [t.header for t in md.tables]
    assert [t.rows for t in page.tables] == [t.rows for t in md.tables]
    assert md.headings[0][1] == page.title
    if page.head:
        head = [f"{i.key}: {i.value}" + (f" — {i.detail}" if i.detail else "") for i in page.head]
        assert md.lists[0] == head
    assert md.lists[-1] == [f"{key}: {value}" for _, key, value in page.provenance]


# -- pages --------------------------------------------------------------------------------------------
def test_window_page_is_the_markdown_report_with_a_figure(store, tmp_path) -> None:
    proc = run(store, "window", "Li6PS5Cl", "--format", "html", "--output", "w.html", cwd=tmp_path)
    assert proc.stdout == ""
    assert "wrote html to" in proc.stderr
    text = (tmp_path / "w.html").read_text(encoding="utf-8")
    assert_same_content(text, run(store, "window", "Li6PS5Cl", "--format", "md").stdout)
    page = parse_page(text)
    assert page.urls == []
    (spec,) = page.figure_specs
    assert any("phases: " in t for trace in spec["data"] for t in trace.get("text") or [] if t)


@pytest.mark.parametrize(
    "args",
    [
        ("window", "Li6+xP1-xGexS5I", "--scan", "x=0:0.5:0.25"),
        ("interface", "Li6PS5Cl", "LiCoO2"),
        ("interface", "Li6PS5Cl", "CoO2", "--voltage", "4"),
        ("interface", "Li6PS5Cl", "LiCoO2", "--sweep", "0:5:0.5"),
    ],
    ids=["scan", "interface", "voltage", "sweep"],
)
def test_an_html_extension_writes_the_page(store, tmp_path, args) -> None:
    run(store, *args, "-o", "r.html", cwd=tmp_path)  # no --format: the extension says html
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert_same_content(text, run(store, *args, "--format", "md").stdout)
    assert len(parse_page(text).figure_specs) == 1


def test_html_goes_to_stdout_when_it_is_a_pipe(store) -> None:
    proc = run(store, "interface", "Li6PS5Cl", "LiCoO2", "--format", "html")
    page = parse_page(proc.stdout)
    assert page.title == "Li6PS5Cl | LiCoO2: interface reactions"


@pytest.fixture(scope="module")
def candidates(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cands") / "candidates.txt"
    path.write_text("\n".join(CANDIDATES) + "\n", encoding="utf-8")
    return path


SCREEN = ("screen", "--electrolyte", "Li6PS5Cl", "--cathode", "LiCoO2")


def test_screen_page_on_two_workers(store, tmp_path, candidates) -> None:
    args = (*SCREEN, "--candidates", str(candidates), "--workers", "2")
    run(store, *args, "--format", "html", "-o", "s.html", cwd=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.html"]  # the page only: no data file, no checkpoint
    text = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert_same_content(text, run(store, *args, "--format", "md").stdout)
    page = parse_page(text)
    assert sorted(row[1] for row in page.tables[0].rows) == sorted(CANDIDATES)
    assert page.tables[0].has_filter


def test_screen_data_file_and_page_on_stdout(store, tmp_path, candidates) -> None:
    proc = run(
        store, *SCREEN, "--candidates", str(candidates), "--workers", "2", "-o", "s.json", "--format", "html",
        cwd=tmp_path,
    )  # fmt: skip
    data = parse_json((tmp_path / "s.json").read_text(encoding="utf-8"))
    page = parse_page(proc.stdout)
    assert [row[1] for row in page.tables[0].rows] == [r["formula"] for r in data["results"]]


def test_batch_summary_page_on_two_workers(store, tmp_path) -> None:
    (tmp_path / "targets.txt").write_text("Li3PO4\nLiCoO2\nP2S5\n", encoding="utf-8")
    proc = run(
        store, "window", "--batch", "targets.txt", "-o", "b.csv", "--workers", "2", "--format", "html", cwd=tmp_path
    )
    page = parse_page(proc.stdout)
    assert {i.key: i.value for i in page.head}["targets"] == "3"
    with (tmp_path / "b.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    (spec,) = page.figure_specs
    bars = dict(zip(spec["data"][0]["y"], spec["data"][0]["base"], strict=True))
    assert bars == {f"{r['formula']} ({r['ion']})": float(r["reduction_limit_V"]) for r in rows}


# -- errors, before any work ---------------------------------------------------------------------------
def test_format_contradicting_the_extension_is_a_usage_error(store, tmp_path) -> None:
    line = one_error_line(
        run(store, "window", "Li6PS5Cl", "--format", "json", "-o", "w.html", cwd=tmp_path, ok=False), 2
    )
    assert "w.html" in line
    assert not (tmp_path / "w.html").exists()


def test_resume_with_a_page_is_a_usage_error(store, tmp_path) -> None:
    proc = run(store, *SCREEN, "--resume", "-o", "s.html", cwd=tmp_path, ok=False)
    assert "--resume" in one_error_line(proc, 2)


def test_a_page_on_a_terminal_is_refused(store, tmp_path) -> None:
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [str(SCRIPT), "--store", str(store), "window", "Li6PS5Cl", "--format", "html"],
            stdout=follower, stderr=subprocess.PIPE, text=True, timeout=TIMEOUT_S, env=_env(), check=False,
        )  # fmt: skip
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --format html writes a whole web page"), proc.stderr


def test_missing_plotly_is_one_line_before_any_work(store, tmp_path) -> None:
    fake = tmp_path / "no_plotly" / "plotly"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError(\"No module named 'plotly'\")\n", encoding="utf-8")
    (tmp_path / "t.txt").write_text("Li3PO4\n", encoding="utf-8")
    for args in (
        ("window", "Li6PS5Cl", "-o", "w.html"),
        (*SCREEN, "-o", "s.html"),
        ("window", "--batch", "t.txt", "-o", "b.csv", "--format", "html"),
    ):
        proc = run(store, *args, cwd=tmp_path, ok=False, PYTHONPATH=str(fake.parent))
        assert one_error_line(proc, 1) == "error: HTML reports need plotly: pip install 'interfacestab[html]'"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["no_plotly", "t.txt"]  # nothing written, no batch started


def test_cli_start_up_does_not_import_plotly_or_playwright() -> None:
    code = (
        "import sys\nfrom interfacestab_cli.main import main\nsys.argv = ['interfacestab', 'window', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in ('plotly', 'playwright') if m in sys.modules]\nassert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "html" in proc.stdout  # the help offers the format


# -- a page the script made, in the browser ----------------------------------------------------------------
@pytest.mark.skipif(browser_skip_reason() is not None, reason=browser_skip_reason() or "")
def test_script_page_opens_offline_in_chromium(store, tmp_path) -> None:
    run(store, "window", "Li6PS5Cl", "--format", "html", "--output", "w.html", cwd=tmp_path)
    path = tmp_path / "w.html"
    spec = parse_page(path.read_text(encoding="utf-8")).figure_specs[0]
    with chromium(tmp_path / "profile") as browser:
        page, log = browser.open(path)
        assert log.console_errors == [] and log.page_errors == [] and browser.blocked == []
        spread, _ = pixel_spread(page.screenshot())
        assert spread > 10
        stages = spec["data"][1]["text"]
        assert shown_text(stages[0]) in hover_text(page, "figure-1", 1, 0)

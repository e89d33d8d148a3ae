"""The HTML reports in a real browser: headless Chromium opens each page from a file:// URL, offline.

Each page (window, window --scan, interface closed and open, sweep, screen, batch) must load with the
network blocked (no request but file: ones attempted), draw its figures without a console error, and
give a screenshot that is not blank. Moving the mouse onto a point shows the hover label the result
says (phases, products, reaction); clicking a screen table's header sorts its rows the way the
numbers say, and the filter box keeps exactly the rows holding its words.

Skipped, with the reason, only when no Chromium (or Playwright) can be found: ``.ci/run`` installs
Debian's chromium when it is absent.
"""

from __future__ import annotations

import math

import pytest
from helpers.browser import browser_skip_reason, chromium, hover_text, pixel_spread, shown_text
from helpers.html_report import parse_page

from interfacestab.analyses.batch import window_batch
from interfacestab.analyses.coatings import screen_coatings
from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.interface_scan import interface_scan
from interfacestab.analyses.matrix import interface_matrix
from interfacestab.analyses.scan import window_scan
from interfacestab.analyses.sweep import interface_sweep_for
from interfacestab.analyses.window import window_for
from interfacestab.reports import render_html
from interfacestab.reports.format import fmt_phases

_REASON = browser_skip_reason()
pytestmark = pytest.mark.skipif(_REASON is not None, reason=_REASON or "")

SEEDS = ["Li3PO4", "LiNbO3", "Li2ZrO3", "LiAlO2", "LiF", "Li2O", "LiTaO3", "Li2SiO3", "Li3BO3"]
PAGES = ["window", "scan", "interface", "interface_open", "sweep", "screen", "batch", "interface_scan"]


@pytest.fixture(scope="module")
def results(snapshot_store, tmp_path_factory) -> dict[str, object]:
    store_path = str(snapshot_store.path)
    out = tmp_path_factory.mktemp("batch") / "b.json"
    return {
        "window": window_for("Li6PS5Cl", store=snapshot_store),
        "scan": window_scan("Li6+xP1-xGexS5I", "x=0:0.5:0.25", store=snapshot_store),
        "interface": interface_for("Li6PS5Cl", "LiCoO2", store=snapshot_store),
        "interface_open": interface_for("Li6PS5Cl", "CoO2", voltage_V=4.0, store=snapshot_store),
        "sweep": interface_sweep_for("Li6PS5Cl", "LiCoO2", "0:5:0.5", store=snapshot_store),
        "screen": screen_coatings(SEEDS, "Li6PS5Cl", "LiCoO2", store_path=store_path, workers=1),
        "interface_scan": interface_scan("Li6+xP1-xGexS5I", "LiCoO2", "x=0:0.4:0.2", store=snapshot_store),
        "matrix": interface_matrix(
            ["Li6PS5Cl", "Li3PS4"], ["LiCoO2", "Li", "LiNbO3"], store_path=store_path, workers=1
        ),
        "batch": window_batch(
            [("Li3PO4", "Li"), ("LiCoO2", "Li"), ("P2S5", "Li")], out, store_path=store_path, workers=1
        ),
    }


@pytest.fixture(scope="module")
def files(results, tmp_path_factory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("pages")
    paths = {}
    for name, result in results.items():
        path = folder / f"{name}.html"
        path.write_text(render_html.to_html(result), encoding="utf-8")
        paths[name] = path
    return paths


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("profile") / "empty") as b:
        yield b


def _place(trace: dict, i: int) -> tuple:
    """Where point ``i`` of a trace is drawn (axes and data coordinates; a bar by its base and category)."""
    x = trace["base"][i] if trace["type"] == "bar" else trace["x"][i]
    return (trace.get("xaxis", "x"), trace.get("yaxis", "y"), x, trace["y"][i])


def _spec_texts(trace: dict) -> list[str]:
    return trace.get("customdata") or trace.get("text") or []


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_offline_without_errors_and_hovers(browser, files, name) -> None:
    page, log = browser.open(files[name])
    try:
        assert log.console_errors == [] and log.page_errors == [], (log.console_errors, log.page_errors)
        assert [u for u in log.requests if not u.startswith("file:")] == []
        assert browser.blocked == []
        spread, colours = pixel_spread(page.screenshot(full_page=True))
        assert spread > 10 and colours > 50, (spread, colours)
        figure = page.locator("#figure-1")
        assert figure.locator(".main-svg").count() >= 1
        spread, colours = pixel_spread(figure.screenshot())
        assert spread > 5 and colours > 20, (spread, colours)
        # hover the first point of every hoverable trace: the label says what the spec (from the result) says
        spec = parse_page(files[name].read_text(encoding="utf-8")).figure_specs[0]
        places = [_place(trace, i) for trace in spec["data"] for i in range(len(trace.get("x", [])))]
        hovered = 0
        for t, trace in enumerate(spec["data"]):
            texts = _spec_texts(trace)
            if not texts or trace.get("hoverinfo") == "skip":
                continue
            # a point no other point covers (two points at one place show one label)
            i = next((i for i, text in enumerate(texts) if text and places.count(_place(trace, i)) == 1), None)
            if i is not None:
                assert shown_text(texts[i]) in hover_text(page, "figure-1", t, i)
                hovered += 1
        assert hovered >= 1
        # narrower window: plotly redraws to the new width and every figure stays inside its box
        page.set_viewport_size({"width": 900, "height": 900})
        page.wait_for_timeout(400)
        for box, svg in page.evaluate(
            "[...document.querySelectorAll('.report-figure')].map(f => [f.getBoundingClientRect().toJSON(), "
            "f.querySelector('.main-svg').getBoundingClientRect().toJSON()])"
        ):
            assert box["top"] <= svg["top"] and svg["bottom"] <= box["bottom"] + 0.5, (box, svg)
            assert svg["right"] <= box["right"] + 0.5, (box, svg)
    finally:
        page.close()


def test_window_hover_names_the_phases_and_reaction_of_a_stage(browser, files, results) -> None:
    w = results["window"]
    page, _ = browser.open(files["window"])
    try:
        i = next(i for i, s in enumerate(w.profile) if s.is_window)
        assert f"phases: {fmt_phases(w.profile[i].phases)}" in hover_text(page, "figure-1", 1, i)
        shown = hover_text(page, "figure-1", 1, 0)  # the first stage, below the window: a reaction with "->"
        assert f"phases: {fmt_phases(w.profile[0].phases)}" in shown
        assert f"reaction: {w.profile[0].reaction}" in shown
    finally:
        page.close()


def test_sweep_band_hover_names_the_products_of_a_range(browser, files, results) -> None:
    sweep = results["sweep"]
    page, _ = browser.open(files["sweep"])
    try:
        last = sorted(sweep.transitions, key=lambda t: t.voltage_V)[-1]
        spec = parse_page(files["sweep"].read_text(encoding="utf-8")).figure_specs[0]
        band = next(t for t, trace in enumerate(spec["data"]) if trace["type"] == "bar")
        n = len(spec["data"][band]["base"])
        assert f"products: {fmt_phases(last.products_above)}" in hover_text(page, "figure-1", band, n - 1)
    finally:
        page.close()


def _column(page, header: str) -> list[str]:
    j = page.evaluate(
        "h => [...document.querySelectorAll('#table-1 thead th')].findIndex(th => th.textContent.startsWith(h))",
        header,
    )
    assert j >= 0, header
    return page.evaluate(
        "j => [...document.querySelectorAll('#table-1 tbody tr')].filter(r => !r.hidden)"
        ".map(r => r.cells[j].textContent)",
        j,
    )


def _number(cell: str) -> float:
    try:
        return float(cell.split(" ")[0].replace("−", "-"))
    except ValueError:
        return math.inf  # missing: last


def test_screen_table_sorts_by_a_header_click_and_filters(browser, files, results) -> None:
    screen = results["screen"]
    page, _ = browser.open(files["screen"])
    try:
        table = parse_page(files["screen"].read_text(encoding="utf-8")).tables[0]
        formulas = [row[1] for row in table.rows]
        assert formulas == [r.formula for r in screen.results]  # ranked order first
        dE = table.headers.index("dE el. (eV/atom)")
        page.get_by_role("button", name="dE el. (eV/atom)").click()
        shown = _column(page, "dE el.")
        expected = sorted((row[dE] for row in table.rows), key=_number)
        assert shown == expected
        assert page.locator("#table-1 th").nth(dE).get_attribute("aria-sort") == "ascending"
        page.get_by_role("button", name="dE el. (eV/atom)").click()  # again: descending
        assert [_number(c) for c in _column(page, "dE el.")] == sorted((_number(c) for c in expected), reverse=True)
        page.get_by_role("button", name="formula").click()
        assert _column(page, "formula") == sorted(formulas, key=str.lower)

        words = "li2 ✗"
        page.locator('input.table-filter[data-table="table-1"]').fill(words)
        kept = [row[1] for row in table.rows if all(w in " ".join(row).lower() for w in words.split())]
        assert 0 < len(kept) < len(formulas)
        assert sorted(_column(page, "formula")) == sorted(kept)
        count = page.locator('.table-count[data-table="table-1"]').text_content()
        assert count == f"{len(kept)} of {len(formulas)} rows"
        page.locator('input.table-filter[data-table="table-1"]').fill("")
        assert len(_column(page, "formula")) == len(formulas)
    finally:
        page.close()


def test_the_harness_sees_network_requests_and_console_errors(browser, tmp_path) -> None:
    """The checks above are not vacuous: a page that fetches or logs an error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><body><img src="http://example.invalid/x.png">'
        '<script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    before = len(browser.blocked)
    page, log = browser.open(bad, figures=False)
    try:
        page.wait_for_timeout(300)
        assert "http://example.invalid/x.png" in log.requests
        assert browser.blocked[before:] == ["http://example.invalid/x.png"]
        assert "boom" in log.console_errors
    finally:
        page.close()
        del browser.blocked[before:]


def test_matrix_heatmap_renders_offline_and_a_cell_hover_names_its_reaction(browser, files, results) -> None:
    matrix = results["matrix"]
    page, log = browser.open(files["matrix"])
    try:
        assert log.console_errors == [] and log.page_errors == [], (log.console_errors, log.page_errors)
        assert [u for u in log.requests if not u.startswith("file:")] == []
        spread, colours = pixel_spread(page.locator("#figure-1").screenshot())
        assert spread > 5 and colours > 20, (spread, colours)
        page.locator("#figure-1").scroll_into_view_if_needed()
        for row, electrolyte in enumerate(matrix.electrolytes):
            for col, electrode in enumerate(matrix.electrodes):
                x, y = page.evaluate(
                    """([r, c]) => {
                        const gd = document.getElementById("figure-1");
                        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
                        const box = gd.getBoundingClientRect();
                        return [box.left + xa._offset + xa.c2p(c), box.top + ya._offset + ya.c2p(r)];
                    }""",
                    [row, col],
                )
                page.mouse.move(x - 30, y - 30)
                page.mouse.move(x, y, steps=4)
                label = page.locator("#figure-1 .hoverlayer .hovertext")
                label.first.wait_for(state="visible", timeout=10_000)
                shown = " ".join(label.all_text_contents())
                cell = matrix.cell(electrolyte, electrode)
                assert f"{electrolyte} | {electrode}" in shown
                assert fmt_phases(cell.products) in shown
    finally:
        page.close()

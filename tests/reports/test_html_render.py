"""The HTML report: the same report model as the table and the Markdown, plus interactive figures from the results.

Pages are parsed with the standard library's HTML parser (``helpers.html_report``); the Markdown
with markdown-it. For every result type the page's title, head, table cells, legend, sections and
provenance must be the model's, and the same as the Markdown's; the rich table must show every row's
cells in order on one line. The figure specs are checked against the result objects (each stage's
phases and reaction, each kink's reaction, the products of each voltage range, every screened
candidate). The page must be self-contained: no URL to load, plotly.js inlined once (gzip, base64)
and equal to the installed plotly's.
"""

from __future__ import annotations

import base64
import gzip
import html
import math
import re
import sys
from dataclasses import replace

import pytest
from helpers.html_report import parse_page
from helpers.output_parsers import parse_markdown

from interfacestab import reports
from interfacestab.analyses.batch import window_batch
from interfacestab.analyses.coatings import screen_coatings
from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.scan import window_scan
from interfacestab.analyses.sweep import interface_sweep_for
from interfacestab.analyses.window import window_for
from interfacestab.reports import render_html, render_rich
from interfacestab.reports.format import fmt_phases
from interfacestab.reports.interactive import InteractiveFigure, figures_for, registered_interactive_types
from interfacestab.reports.model import Column, Item, ProvenanceLine, Report, Row, Section, Table
from interfacestab.reports.registry import registered_types

SEEDS = ["Li3PO4", "LiNbO3", "Li2ZrO3", "LiAlO2", "LiF"]
NAMES = ["window", "window_no_ion", "interface", "interface_open", "sweep", "scan", "screen", "screen_open", "batch"]


@pytest.fixture(scope="module")
def results(snapshot_store, tmp_path_factory) -> dict[str, object]:
    store_path = str(snapshot_store.path)
    out = tmp_path_factory.mktemp("batch") / "b.csv"
    return {
        "window": window_for("Li6PS5Cl", store=snapshot_store),
        "window_no_ion": window_for("P2S5", store=snapshot_store),
        "interface": interface_for("Li6PS5Cl", "LiCoO2", store=snapshot_store),
        "interface_open": interface_for("Li6PS5Cl", "CoO2", voltage_V=4.0, store=snapshot_store),
        "sweep": interface_sweep_for("Li6PS5Cl", "LiCoO2", "0:5:0.5", store=snapshot_store),
        "scan": window_scan("Li6+xP1-xGexS5I", "x=0:0.5:0.25", store=snapshot_store),
        "screen": screen_coatings(SEEDS, "Li6PS5Cl", "LiCoO2", store_path=store_path, workers=1),
        "screen_open": screen_coatings(SEEDS, "Li6PS5Cl", "LiCoO2", voltage_V=4.0, store_path=store_path, workers=1),
        "batch": window_batch(
            [("Li3PO4", "Li"), ("LiCoO2", "Li"), ("P2S5", "Li")], out, store_path=store_path, workers=1
        ),
    }


@pytest.fixture(scope="module")
def pages(results) -> dict[str, str]:
    return {name: render_html.to_html(result) for name, result in results.items()}


def _md_item(item: Item) -> str:
    return f"{item.key}: {item.value}" + (f" — {item.detail}" if item.detail else "")


def _expected_provenance(model: Report) -> list[tuple[str, str, str]]:
    return [
        *((line.kind, line.key, line.value) for line in model.provenance if line.kind != "warning"),
        *(("note", "note", note) for note in model.notes),
        *(("warning", "warning", line.value) for line in model.provenance if line.kind == "warning"),
    ]


# -- one content, three renderers -----------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_html_carries_the_report_model(results, pages, name) -> None:
    model = reports.report_for(results[name])
    page = parse_page(pages[name])
    assert page.doctype
    assert page.title == model.title == page.document_title
    assert [(i.key, i.value, i.detail, i.emphasis) for i in page.head] == [
        (i.key, i.value, i.detail, i.emphasis) for i in model.head
    ]
    assert len(page.tables) == len(model.tables)
    for shown, table in zip(page.tables, model.tables, strict=True):
        assert shown.title == table.title
        assert shown.headers == [c.header for c in table.columns]
        assert shown.fields == [",".join(c.fields) for c in table.columns]
        assert shown.rows == [list(r.cells) for r in table.rows]
        assert shown.emphasis == [r.emphasis for r in table.rows]
        assert shown.empty == (table.empty if not table.rows else "")
        assert shown.types == ["number" if c.align == "right" else "text" for c in table.columns]
    assert page.legend == list(model.legend)
    assert [(t, [(i.key, i.value, i.detail) for i in items]) for t, items in page.sections] == [
        (s.title, [(i.key, i.value, i.detail) for i in s.items]) for s in model.sections
    ]
    assert page.provenance == _expected_provenance(model)


@pytest.mark.parametrize("name", NAMES)
def test_html_markdown_and_table_show_the_same_cells(results, pages, name) -> None:
    page = parse_page(pages[name])
    md = parse_markdown(reports.to_markdown(results[name]))
    assert [t.headers for t in page.tables] == [t.header for t in md.tables]
    assert [t.rows for t in page.tables] == [t.rows for t in md.tables]
    if page.head:
        assert md.lists[0] == [_md_item(Item(i.key, i.value, i.detail)) for i in page.head]
    assert md.lists[-1] == [f"{key}: {value}" for _, key, value in page.provenance]
    text = render_rich.to_text(reports.render(results[name]), width=2000)
    lines = text.splitlines()
    for table in page.tables:
        for row in table.rows:  # every row on one line of the wide table, its cells in order
            pattern = r"\s+".join(re.escape(cell) for cell in row if cell)
            assert any(re.search(pattern, line) for line in lines), row


def test_a_field_added_to_a_view_appears_in_the_page_without_renderer_changes(results) -> None:
    model = reports.report_for(results["window"])
    table = model.tables[0]
    extra = replace(
        model,
        head=(*model.head, Item("new quantity", "1.234 V", "a detail <b>", emphasis=True)),
        tables=(
            replace(
                table,
                columns=(*table.columns, Column(("new_field_V",), "new", "V", align="right")),
                rows=tuple(Row((*r.cells, f"{i}.5"), r.emphasis) for i, r in enumerate(table.rows)),
            ),
        ),
        sections=(*model.sections, Section("added", (Item("k", "v"),))),
        notes=(*model.notes, "an added note"),
    )
    page = parse_page(render_html.render(extra))
    assert (page.head[-1].key, page.head[-1].value, page.head[-1].detail) == ("new quantity", "1.234 V", "a detail <b>")
    assert page.tables[0].headers[-1] == "new (V)"
    assert [r[-1] for r in page.tables[0].rows] == [f"{i}.5" for i in range(len(table.rows))]
    assert page.sections[-1][0] == "added"
    assert ("note", "note", "an added note") in page.provenance


def test_text_that_looks_like_markup_stays_text() -> None:
    evil = "</script><script>alert(1)</script> & <b>x</b> \u2028 -->"
    model = Report(
        title=evil,
        head=(Item(evil, evil, evil),),
        tables=(Table(evil, (Column(("a",), evil),), (Row((evil,)),)),),
        legend=(evil,),
        notes=(evil,),
        provenance=(ProvenanceLine(evil, evil),),
    )
    figure = InteractiveFigure(evil, {"data": [{"type": "scatter", "x": [1], "y": [2], "text": [evil]}], "layout": {}})
    text = render_html.render(model, [figure])
    assert "<script>alert" not in text
    page = parse_page(text)
    assert page.title == evil
    assert page.tables[0].rows == [[evil]]
    assert page.figure_specs[0]["data"][0]["text"] == [evil]


def test_figure_json_has_no_nan_and_unknown_properties_are_refused() -> None:
    spec = {"data": [{"type": "scatter", "x": [0.0, 1.0, 2.0], "y": [1.0, math.nan, math.inf]}], "layout": {}}
    page = parse_page(render_html.render(Report("t"), [InteractiveFigure("c", spec)]))
    assert page.figure_specs[0]["data"][0]["y"] == [1.0, None, None]
    with pytest.raises(ValueError, match="no_such_property"):
        render_html.figure_json(InteractiveFigure("c", {"data": [{"type": "scatter", "no_such_property": 1}]}))


# -- self-contained -----------------------------------------------------------------------------------
def _bundles(text: str) -> list[str]:
    return re.findall(r'<script id="plotly-bundle" type="application/octet-stream"[^>]*>([^<]*)</script>', text)


def test_page_loads_nothing_and_inlines_plotly_once(pages) -> None:
    from plotly.offline import get_plotlyjs

    for name, text in pages.items():
        page = parse_page(text)
        assert page.urls == [], name
        scripts = page.root.find_all("script")
        assert all("src" not in s.attrs for s in scripts), name
        assert not page.root.find_all("link"), name
        bundles = _bundles(text)
        assert len(bundles) == (1 if page.figure_specs else 0), name
    bundle = _bundles(pages["window"])[0]
    assert gzip.decompress(base64.b64decode(bundle)).decode("utf-8") == get_plotlyjs()


def test_a_page_without_figures_carries_no_plotly() -> None:
    text = render_html.render(Report("only a title", head=(Item("k", "v"),)))
    assert _bundles(text) == []
    assert len(text) < 20_000


def test_missing_plotly_is_one_clear_error(monkeypatch, results) -> None:
    monkeypatch.setitem(sys.modules, "plotly", None)  # as if the [html] extra were not installed
    with pytest.raises(render_html.HtmlExtraMissingError, match=r"pip install 'interfacestab\[html\]'"):
        render_html.check_html_available()
    with pytest.raises(render_html.HtmlExtraMissingError):
        render_html.to_html(results["window"])


def test_importing_the_renderer_does_not_import_plotly() -> None:
    import subprocess

    assert reports.to_html is render_html.to_html  # the library's entry point beside to_markdown
    code = (
        "import sys\nimport interfacestab.reports, interfacestab.reports.render_html, interfacestab.reports.interactive\n"
        "assert 'plotly' not in sys.modules, 'plotly imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# -- the figures come from the result objects ------------------------------------------------------
def test_every_result_with_a_plot_has_interactive_figures() -> None:
    expected = {
        "interfacestab.analyses.window.StabilityWindow",
        "interfacestab.analyses.scan.WindowScan",
        "interfacestab.analyses.interface.InterfaceProfile",
        "interfacestab.analyses.sweep.InterfaceSweep",
        "interfacestab.analyses.screening.results.CoatingScreen",
        "interfacestab.analyses.batch.BatchResult",
    }
    assert expected <= set(registered_interactive_types())
    assert set(registered_interactive_types()) <= set(registered_types())  # keyed like the views


def _texts(trace: dict) -> list[str]:
    return [html.unescape(t) for t in trace.get("customdata") or trace.get("text") or []]


def test_window_hover_shows_each_stage(results, pages) -> None:
    w = results["window"]
    (spec,) = parse_page(pages["window"]).figure_specs
    stages_trace = next(t for t in spec["data"] if t.get("text") and t.get("mode") == "markers")
    texts = _texts(stages_trace)
    assert len(texts) == len(w.profile)
    for text, stage in zip(texts, w.profile, strict=True):
        assert f"phases: {fmt_phases(stage.phases)}" in text
        assert ("reaction: stable (no reaction)" if stage.is_window else f"reaction: {stage.reaction}") in text
        assert f"{stage.decomposition_energy_eV_per_nonion_atom:.3f}" in text
    assert stages_trace["y"] == [s.ion_per_formula_unit for s in w.profile]
    (window,) = [s for s in spec["layout"]["shapes"] if s["xref"] == "x"]
    assert (window["x0"], window["x1"]) == (w.reduction_limit_V, w.oxidation_limit_V)


@pytest.mark.parametrize("name", ["interface", "interface_open"])
def test_interface_hover_shows_each_kink(results, pages, name) -> None:
    ip = results[name]
    spec = parse_page(pages[name]).figure_specs[0]
    kinks = spec["data"][0]
    assert kinks["x"] == [k.x_atomic_a for k in ip.kinks]
    assert kinks["y"] == [k.reaction_energy_eV_per_normalising_atom for k in ip.kinks]
    for text, kink in zip(_texts(kinks), ip.kinks, strict=True):
        assert f"reaction: {kink.reaction}" in text
        assert f"products: {fmt_phases(kink.products)}" in text
    assert spec["data"][1]["y"] == [ip.minimum.reaction_energy_eV_per_normalising_atom]


def test_sweep_band_shows_the_products_of_each_voltage_range(results, pages) -> None:
    sweep = results["sweep"]
    assert sweep.transitions, "the test sweep must cross a product change"
    spec = parse_page(pages["sweep"]).figure_specs[0]
    band = next(t for t in spec["data"] if t["type"] == "bar")
    transitions = sorted(sweep.transitions, key=lambda t: t.voltage_V)
    edges = [sweep.points[0].voltage_V, *(t.voltage_V for t in transitions), sweep.points[-1].voltage_V]
    products = [transitions[0].products_below, *(t.products_above for t in transitions)]
    assert band["base"] == edges[:-1]
    assert [b + x for b, x in zip(band["base"], band["x"], strict=True)] == pytest.approx(edges[1:])
    for text, phases in zip(_texts(band), products, strict=True):
        assert f"products: {fmt_phases(phases)}" in text
    curve = spec["data"][0]
    assert curve["y"] == [p.reaction_energy_eV_per_nonion_atom for p in sweep.points]


def test_screen_scatter_has_every_screened_candidate_once(results, pages) -> None:
    from interfacestab.reports.interactive import SHARED_LABEL_RULE

    screen = results["screen"]
    spec = parse_page(pages["screen"]).figure_specs[0]
    shown = {}
    for trace in spec["data"]:
        for x, y, text in zip(trace["x"], trace["y"], _texts(trace), strict=True):
            chunks = text.split(html.unescape(SHARED_LABEL_RULE))
            if len(chunks) > 1:  # several candidates at one point: one label names them all
                assert chunks[0].startswith(f"{len(chunks)} candidates at this point<br>")
            for chunk in chunks:
                formula = chunk.split("#", 1)[1].split(" ", 2)[1]
                assert formula not in shown
                shown[formula] = (x, y, trace["name"])
    expected = {
        r.formula: (r.electrolyte_reaction_eV_per_atom, r.charged_cathode_reaction_eV_per_atom)
        for r in screen.results
        if r.error is None
    }
    assert {f: v[:2] for f, v in shown.items()} == expected
    assert {f for f, v in shown.items() if v[2] == "passes"} == {r.formula for r in screen.passed}


def test_shared_hover_label_is_bounded() -> None:
    from interfacestab.reports.interactive import SHARED_LABEL_MAX, _shared_label

    assert _shared_label(["a"]) == "a"
    label = _shared_label([f"#{i} X" for i in range(SHARED_LABEL_MAX + 3)])
    assert label.startswith(f"{SHARED_LABEL_MAX + 3} candidates at this point")
    assert label.count("#") == SHARED_LABEL_MAX
    assert label.endswith("… and 3 more at this point (see the table)")


def test_scan_and_batch_figures_name_every_row(results, pages) -> None:
    scan = results["scan"]
    (spec,) = parse_page(pages["scan"]).figure_specs
    assert spec["data"][0]["x"] == [r.value for r in scan.rows]
    assert all(r.formula in text for r, text in zip(scan.rows, _texts(spec["data"][0]), strict=True))
    (spec,) = parse_page(pages["batch"]).figure_specs
    labels = spec["data"][0]["y"]
    assert sorted(labels) == ["Li3PO4 (Li)", "LiCoO2 (Li)", "P2S5 (Li)"]


def test_builders_tolerate_results_that_gained_fields(results) -> None:
    """A result type with more fields (a subclass here) still gets its figures: builders read what they draw."""
    from dataclasses import dataclass, fields

    base = type(results["window"])

    @dataclass(frozen=True)
    class Wider(base):  # type: ignore[misc,valid-type]
        extra_field_V: float = 1.0

    wider = Wider(**{f.name: getattr(results["window"], f.name) for f in fields(base) if f.init})
    assert [f.spec for f in figures_for(wider)] == [f.spec for f in figures_for(results["window"])]


# -- size -------------------------------------------------------------------------------------------
def test_a_thousand_candidate_screen_stays_under_5_MB(results) -> None:
    screen = results["screen"]
    copies = [(i, r) for i in range(200) for r in screen.results[: len(SEEDS)]]
    many = tuple(
        replace(
            r,
            formula=f"{r.formula}_{i}",
            electrolyte_reaction_eV_per_atom=(r.electrolyte_reaction_eV_per_atom or 0.0) - 1e-5 * k,
        )
        for k, (i, r) in enumerate(copies)
    )  # 1,000 rows of real screened candidates, renamed and moved apart: 1,000 points, each with its own label
    assert len(many) == 1000
    text = render_html.to_html(replace(screen, results=many))
    page = parse_page(text)
    assert len(page.tables[0].rows) == 1000
    drawn = [r for r in many if r.error is None and r.charged_cathode_reaction_eV_per_atom is not None]
    assert sum(len(t["x"]) for t in page.figure_specs[0]["data"]) == len(drawn) >= 600
    size_mb = len(text.encode("utf-8")) / 1e6
    assert size_mb < 5.0, size_mb


def test_the_same_result_gives_the_same_page(results, pages) -> None:
    """Pages are reproducible: no timestamps, and the bundle is gzipped without a date."""
    assert render_html.to_html(results["sweep"]) == pages["sweep"]

"""A :class:`~interfacestab.reports.model.Report` as one self-contained, interactive HTML page.

The page says what the Markdown and the table say (title, head, tables, legend, sections, notes,
provenance: the same cells, rendered from the same report model) and adds the interactive figures
of :mod:`.interactive`. Everything is inlined: the style, a small script that sorts and filters
the tables, and plotly.js, so the page opens offline and fetches nothing.

plotly.js (about 4.8 MB) is inlined once per page, gzip-compressed and base64-encoded (about
1.9 MB) and unpacked by the browser (``DecompressionStream``) before the figures are drawn: a
1,000-candidate screen stays well under 5 MB. A page without figures carries no plotly.js.
plotly is the optional ``[html]`` extra, imported only when a page is rendered.
"""

from __future__ import annotations

import base64
import functools
import gzip
import html
import json
import math
from typing import TYPE_CHECKING

from interfacestab.errors import InterfaceStabError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.reports import model
    from interfacestab.reports.interactive import InteractiveFigure

#: Height of a figure whose spec gives none (plotly's default), px.
DEFAULT_FIGURE_HEIGHT_PX = 450
#: The one line a user sees when the optional plotting library is missing.
HTML_EXTRA_MESSAGE = "HTML reports need plotly: pip install 'interfacestab[html]'"


class HtmlExtraMissingError(InterfaceStabError):
    """plotly (the ``[html]`` extra) is not installed."""


def check_html_available() -> None:
    """Raise :class:`HtmlExtraMissingError` when plotly cannot be imported (a light import, ~30 ms).

    Raises:
        HtmlExtraMissingError: plotly is not installed (or its installation is broken).
    """
    try:
        import plotly  # noqa: F401
    except ImportError as exc:
        raise HtmlExtraMissingError(HTML_EXTRA_MESSAGE) from exc


@functools.cache
def plotly_bundle_gzip_base64() -> str:
    """plotly.js of the installed plotly, gzip-compressed (reproducibly: no timestamp) and base64-encoded."""
    check_html_available()
    try:
        from plotly.offline import get_plotlyjs
    except ImportError as exc:
        raise HtmlExtraMissingError(HTML_EXTRA_MESSAGE) from exc
    data = gzip.compress(get_plotlyjs().encode("utf-8"), compresslevel=9, mtime=0)
    return base64.b64encode(data).decode("ascii")


def figure_json(figure: InteractiveFigure) -> str:
    """The figure's spec, checked by plotly (an unknown property raises), as JSON safe inside a ``<script>``.

    The spec is written as given (not plotly's expansion of it, which would add its whole default
    template to every figure); a non-finite number becomes ``null`` (a gap), as JSON has no NaN.
    """
    check_html_available()
    try:
        import plotly.graph_objects as go
    except ImportError as exc:
        raise HtmlExtraMissingError(HTML_EXTRA_MESSAGE) from exc
    go.Figure(figure.spec)  # validation only: raises ValueError on a property plotly does not know
    text = json.dumps(_finite_only(figure.spec), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return _script_safe(text)


def _finite_only(value: object) -> object:
    """``value`` with every NaN or infinity (at any depth) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite_only(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_only(v) for v in value]
    return value


def _script_safe(json_text: str) -> str:
    """JSON that cannot end its ``<script>`` element early (``</``, ``<!--``) and still parses the same."""
    return json_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# -- the report model as HTML -------------------------------------------------------------------
def _items(items: Sequence[model.Item], css: str) -> list[str]:
    lines = [f'<dl class="{css}">']
    for item in items:
        cls = "item emphasis" if item.emphasis else "item"
        detail = f'<code class="detail">{_e(item.detail)}</code>' if item.detail else ""
        value = f'<span class="value">{_e(item.value)}</span>'
        lines.append(f'<div class="{cls}"><dt>{_e(item.key)}</dt><dd>{value}{detail}</dd></div>')
    lines.append("</dl>")
    return lines


def _table(table: model.Table, index: int) -> list[str]:
    table_id = f"table-{index}"
    lines = ['<section class="report-table">']
    if table.title:
        lines.append(f"<h2>{_e(table.title)}</h2>")
    if len(table.rows) > 1:
        lines.append(
            f'<div class="table-tools"><input type="search" class="table-filter" data-table="{table_id}" '
            f'placeholder="filter rows: words that must all appear" aria-label="filter the rows of {_e(table.title)}">'
            f' <span class="table-count" data-table="{table_id}">{len(table.rows)} rows</span></div>'
        )
    lines.append(f'<div class="table-wrap"><table id="{table_id}" class="sortable">')
    lines.append("<thead><tr>")
    for i, column in enumerate(table.columns):
        kind = "number" if column.align == "right" else "text"
        css = ' class="num"' if column.align == "right" else ""
        fields = _e(",".join(column.fields))
        lines.append(
            f'<th data-col="{i}" data-type="{kind}" data-fields="{fields}"{css} aria-sort="none">'
            f'<button type="button" title="sort by {_e(column.header or "this column")}">'
            f"{_e(column.header)}</button></th>"
        )
    lines.append("</tr></thead><tbody>")
    for row in table.rows:
        tr = '<tr class="emphasis">' if row.emphasis else "<tr>"
        cells = "".join(
            f'<td class="num">{_e(cell)}</td>' if column.align == "right" else f"<td>{_e(cell)}</td>"
            for column, cell in zip(table.columns, row.cells, strict=True)
        )
        lines.append(f"{tr}{cells}</tr>")
    lines.append("</tbody></table></div>")
    if not table.rows and table.empty:
        lines.append(f'<p class="empty">{_e(table.empty)}</p>')
    lines.append("</section>")
    return lines


def _provenance(report: model.Report) -> list[str]:
    if not (report.provenance or report.notes):
        return []
    lines = ['<section class="report-provenance">', "<h2>Provenance</h2>", "<ul>"]
    ordered = [line for line in report.provenance if line.kind != "warning"]
    warnings = [line for line in report.provenance if line.kind == "warning"]
    entries = [
        *((line.kind, line.key, line.value) for line in ordered),
        *(("note", "note", note) for note in report.notes),
        *(("warning", "warning", line.value) for line in warnings),
    ]
    for kind, key, value in entries:
        text = f'<span class="key">{_e(key)}</span>: <span class="value">{_e(value)}</span>'
        lines.append(f'<li class="{kind}">{text}</li>')
    lines += ["</ul>", "</section>"]
    return lines


def _figures(figures: Sequence[InteractiveFigure]) -> list[str]:
    if not figures:
        return []
    lines = ['<section class="report-figures">']
    for i, figure in enumerate(figures, start=1):
        # the box has the figure's height, so plotly's resizing (responsive width) never lets it overflow
        height = figure.spec.get("layout", {}).get("height") or DEFAULT_FIGURE_HEIGHT_PX
        lines += [
            '<figure class="report-figure">',
            f'<div class="plot" id="figure-{i}" data-spec="figure-{i}-spec" style="height: {int(height)}px">'
            '<p class="plot-status">drawing the figure…</p></div>',
            f"<figcaption>{_e(figure.title)}</figcaption>",
            f'<script type="application/json" id="figure-{i}-spec">{figure_json(figure)}</script>',
            "</figure>",
        ]
    lines.append("</section>")
    return lines


def render(report: model.Report, figures: Sequence[InteractiveFigure] = (), *, generator: str = "") -> str:
    """The whole page of a report with its interactive figures (ends with a newline).

    Args:
        report: The report model (the same one the table and the Markdown are rendered from).
        figures: Interactive figures of the result (:func:`interfacestab.reports.interactive.figures_for`).
        generator: ``interfacestab x.y.z``, named in the page's ``<meta name="generator">``.
    """
    check_html_available()
    body: list[str] = ["<header>", f'<h1 id="report-title">{_e(report.title)}</h1>']
    if report.head:
        body += _items(report.head, "report-head")
    body.append("</header>")
    body += _figures(figures)
    for i, table in enumerate(report.tables, start=1):
        body += _table(table, i)
    if report.legend:
        body += ['<ul class="report-legend">', *(f"<li>{_e(line)}</li>" for line in report.legend), "</ul>"]
    for section in report.sections:
        body += ['<section class="report-section">', f"<h2>{_e(section.title)}</h2>"]
        body += _items(section.items, "section-items")
        body.append("</section>")
    body += _provenance(report)
    scripts = [f"<script>{TABLE_SCRIPT}</script>"]
    if figures:
        scripts += [
            f'<script id="plotly-bundle" type="application/octet-stream" data-encoding="gzip+base64">'
            f"{plotly_bundle_gzip_base64()}</script>",
            f"<script>{FIGURE_SCRIPT}</script>",
        ]
    meta = f'<meta name="generator" content="{_e(generator)}">' if generator else ""
    page = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        meta,
        f"<title>{_e(report.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        *body,
        "</main>",
        *scripts,
        "</body>",
        "</html>",
    ]
    return "\n".join(line for line in page if line) + "\n"


STYLE = """
:root { color-scheme: light; --muted: #555; --line: #d0d7de; --em: #fff8c5; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 1.2rem 1.5rem 3rem; }
h1 { font-size: 1.45rem; margin: 0.2rem 0 0.8rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 0.5rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
dl .item { display: contents; }
dt { font-weight: 600; color: var(--muted); }
dd { margin: 0; }
.emphasis > dd .value { font-weight: 700; }
code.detail { display: block; color: var(--muted); font-size: 0.85em; white-space: pre-wrap; }
.report-figure { margin: 1.2rem 0; border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem; }
.report-figure .plot { width: 100%; }
.report-figure figcaption { color: var(--muted); font-size: 0.9em; padding: 0.3rem 0.5rem; }
.plot-status { color: var(--muted); padding: 1rem; }
.table-tools { margin: 0.3rem 0; display: flex; gap: 0.8rem; align-items: center; }
.table-filter { padding: 0.3rem 0.5rem; min-width: 22rem; border: 1px solid var(--line); border-radius: 4px; }
.table-count { color: var(--muted); font-size: 0.9em; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border-bottom: 1px solid var(--line); padding: 0.25rem 0.55rem; text-align: left; vertical-align: top; }
th.num, td.num { text-align: right; white-space: nowrap; }
th { background: #f6f8fa; position: sticky; top: 0; }
th button { font: inherit; font-weight: 600; text-align: inherit; color: inherit; }
th button { background: none; border: 0; padding: 0; cursor: pointer; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
tr.emphasis td { background: var(--em); }
.empty { color: var(--muted); font-style: italic; }
.report-legend { color: var(--muted); font-size: 0.9em; }
.report-provenance li.warning { color: #9a3412; font-weight: 600; }
.report-provenance li.convention .key { font-style: italic; }
"""

#: Sort a table by a header click (numbers by value, missing values last), filter rows by words.
TABLE_SCRIPT = """
(function () {
  "use strict";
  function cellValue(td, type) {
    var text = td.textContent.trim();
    if (type !== "number") { return text.toLowerCase(); }
    var number = parseFloat(text.replace(/\\u2212/g, "-").replace(/^\\+/, ""));
    return isNaN(number) ? null : number;
  }
  function sortBy(table, th) {
    var col = Number(th.dataset.col), type = th.dataset.type;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, i) { return [cellValue(row.cells[col], type), i, row]; });
    keyed.sort(function (a, b) {
      if (a[0] === b[0]) { return a[1] - b[1]; }
      if (a[0] === null || a[0] === "") { return 1; }
      if (b[0] === null || b[0] === "") { return -1; }
      var order = a[0] < b[0] ? -1 : 1;
      return ascending ? order : -order;
    });
    keyed.forEach(function (k) { body.appendChild(k[2]); });
  }
  function filterRows(input) {
    var table = document.getElementById(input.dataset.table);
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0, rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var text = rows[i].textContent.toLowerCase();
      var keep = words.every(function (w) { return text.indexOf(w) !== -1; });
      rows[i].hidden = !keep;
      if (keep) { shown++; }
    }
    var count = document.querySelector('.table-count[data-table="' + input.dataset.table + '"]');
    if (count) { count.textContent = words.length ? shown + " of " + rows.length + " rows" : rows.length + " rows"; }
  }
  document.querySelectorAll("table.sortable th button").forEach(function (button) {
    button.addEventListener("click", function () {
      var th = button.parentElement;
      sortBy(th.closest("table"), th);
    });
  });
  document.querySelectorAll("input.table-filter").forEach(function (input) {
    input.addEventListener("input", function () { filterRows(input); });
  });
})();
"""

#: Unpack the inlined plotly.js, then draw every figure from its JSON spec.
FIGURE_SCRIPT = """
(function () {
  "use strict";
  var plots = document.querySelectorAll(".report-figure .plot");
  function status(text) {
    plots.forEach(function (div) { var p = div.querySelector(".plot-status"); if (p) { p.textContent = text; } });
  }
  if (typeof DecompressionStream === "undefined") {
    status("This browser cannot unpack the figures (it lacks DecompressionStream: use a browser from 2023 on); "
      + "the tables hold every number.");
    return;
  }
  var packed = document.getElementById("plotly-bundle").textContent.trim();
  var binary = atob(packed), bytes = new Uint8Array(binary.length);
  for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  new Response(stream).text().then(function (source) {
    var script = document.createElement("script");
    script.textContent = source;
    document.head.appendChild(script);
    var drawn = [];
    plots.forEach(function (div) {
      var spec = JSON.parse(document.getElementById(div.dataset.spec).textContent);
      div.textContent = "";
      drawn.push(Plotly.newPlot(div, spec.data, spec.layout, {responsive: true, displaylogo: false}));
    });
    return Promise.all(drawn);
  }).then(function () {
    document.body.dataset.figures = "drawn";
  }, function (error) {
    status("The figures could not be drawn: " + error);
    document.body.dataset.figures = "failed";
  });
})();
"""


def to_html(result: object, *, top: int | None = None) -> str:
    """The self-contained HTML page of a result (``top``: ranked rows shown in its table, screens).

    Raises:
        HtmlExtraMissingError: plotly (the ``[html]`` extra) is not installed.
        NoReportError: no view is registered for the result's type.
    """
    from interfacestab.provenance import package_version
    from interfacestab.reports.interactive import figures_for
    from interfacestab.reports.registry import report_for

    check_html_available()
    report = report_for(result, top=top)
    return render(report, figures_for(result), generator=f"interfacestab {package_version()}")

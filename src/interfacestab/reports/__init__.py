"""Reports of results: one neutral report model per result, rendered as rich tables, Markdown or HTML; JSON, CSV, plots.

Layout: ``views/<result>.py`` builds a result's :class:`~interfacestab.reports.model.Report` and
registers it (with its figure) in :mod:`.registry`; ``render_rich``, ``render_markdown`` and
``render_html`` (with the plotly figures of ``interactive``; plotly imported only then) lay a
report out; ``format`` holds every rounding rule; ``plots`` the figures. JSON and CSV come from the
result itself (``to_dict``, ``to_rows``) at full precision. Importing this package stays light
(no numpy, scipy, pymatgen, matplotlib or plotly).
"""

from __future__ import annotations

from interfacestab.errors import OutputError
from interfacestab.fileio import write_text_atomic
from interfacestab.reports.plots import check_plot_path
from interfacestab.reports.registry import (
    NoReportError,
    plot,
    render,
    report_for,
    to_csv,
    to_json,
    to_markdown,
)
from interfacestab.reports.render_html import to_html
from interfacestab.reports.render_rich import to_text

__all__ = [
    "NoReportError",
    "OutputError",
    "check_plot_path",
    "plot",
    "render",
    "report_for",
    "to_csv",
    "to_html",
    "to_json",
    "to_markdown",
    "to_text",
    "write_text_atomic",
]

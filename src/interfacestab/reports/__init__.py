"""Reports of results: rich tables, JSON/CSV/Markdown text, plots.

Rounding for display happens only here (``tables``); JSON and CSV keep full precision.
matplotlib is imported inside the plotting functions, and the analysis classes only when a
result is rendered, so importing this package stays light (no numpy, scipy or pymatgen).
"""

from __future__ import annotations

from interfacestab.reports.export import OutputError, to_csv, to_json, to_markdown, write_text_atomic
from interfacestab.reports.plots import check_plot_path, plot
from interfacestab.reports.tables import render, to_text

__all__ = [
    "OutputError",
    "check_plot_path",
    "plot",
    "render",
    "to_csv",
    "to_json",
    "to_markdown",
    "to_text",
    "write_text_atomic",
]

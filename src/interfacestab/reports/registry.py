"""Which view draws which result: ``render``, ``to_markdown``, ``to_json``, ``to_csv`` and ``plot`` are lookups.

Each module of :mod:`interfacestab.reports.views` registers one :class:`View` per result type it
knows, keyed by the result class's dotted name (so nothing here imports numpy or the analyses).
Adding a result type is one analysis class (``to_dict``, ``to_rows``, ``ROW_FIELDS``,
``provenance``) and one view module; nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from interfacestab.errors import InterfaceStabError
from interfacestab.fileio import rows_to_csv, to_json_text

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.figure import Figure
    from rich.console import RenderableType

    from interfacestab.reports.model import Report


class NoReportError(InterfaceStabError):
    """A result type no view is registered for (or a format its view does not offer)."""


class ReportBuilder(Protocol):
    """Builds the report model of a result; ``top`` limits the ranked rows shown (screens)."""

    def __call__(self, result: Any, /, *, top: int | None = None) -> Report: ...  # noqa: D102


class FigureBuilder(Protocol):
    """Draws a result; ``top`` is how many ranked rows are labelled (screens)."""

    def __call__(self, result: Any, /, *, top: int | None = None) -> Figure: ...  # noqa: D102


@dataclass(frozen=True, slots=True)
class View:
    """How one result type is shown.

    Attributes:
        result_type: Dotted name of the result class (``interfacestab.analyses.window.StabilityWindow``).
        build: Report model builder (tables and Markdown are rendered from it).
        figure: Figure builder, or None when the result has no plot.
    """

    result_type: str
    build: ReportBuilder
    figure: FigureBuilder | None = None


_VIEWS: dict[str, View] = {}
_loaded = False


def register(view: View) -> View:
    """Register a view (called by the view modules at import)."""
    _VIEWS[view.result_type] = view
    return view


def registered_types() -> tuple[str, ...]:
    """Dotted names of every result type with a view, sorted."""
    _load_views()
    return tuple(sorted(_VIEWS))


def _load_views() -> None:
    global _loaded
    if _loaded:
        return
    from interfacestab.reports import views

    for info in pkgutil.iter_modules(views.__path__):
        importlib.import_module(f"{views.__name__}.{info.name}")
    _loaded = True


def view_for(result: object) -> View:
    """The view of ``result``'s type (or of a base class).

    Raises:
        NoReportError: when no view is registered for it.
    """
    _load_views()
    for cls in type(result).__mro__:
        view = _VIEWS.get(f"{cls.__module__}.{cls.__qualname__}")
        if view is not None:
            return view
    msg = f"no report for {type(result).__name__}"
    raise NoReportError(msg)


def report_for(result: object, *, top: int | None = None) -> Report:
    """The neutral report model of a result."""
    return view_for(result).build(result, top=top)


def render(result: object, *, top: int | None = None) -> RenderableType:
    """The rich table of a result (``top``: ranked rows shown)."""
    from interfacestab.reports import render_rich

    return render_rich.render(report_for(result, top=top))


def to_markdown(result: object, *, top: int | None = None) -> str:
    """The Markdown report of a result (``top``: ranked rows shown)."""
    from interfacestab.reports import render_markdown

    return render_markdown.render(report_for(result, top=top))


def to_json(result: object) -> str:
    """``result.to_dict()`` as strict, indented JSON at full precision (ends with a newline)."""
    view_for(result)
    return to_json_text(result.to_dict())  # type: ignore[attr-defined]


def to_csv(result: object) -> str:
    """Flat CSV of ``result.to_rows()``, columns ``ROW_FIELDS`` in order, full precision.

    Optional columns the rows carry (the intervals of ``--sigma``) follow the ``ROW_FIELDS``.
    """
    view_for(result)
    rows = result.to_rows()  # type: ignore[attr-defined]
    fields = tuple(type(result).ROW_FIELDS)  # type: ignore[attr-defined]
    return rows_to_csv(rows, fields + tuple(k for k in (rows[0] if rows else {}) if k not in fields))


def plot(result: object, path: str | Path, *, top: int | None = None) -> Path:
    """Draw a result to ``path`` (``.png`` or ``.svg``) atomically; returns the path.

    Raises:
        NoReportError: when the result type has no plot.
        OutputError: for another extension, a missing folder, or a failed write.
    """
    from interfacestab.reports.plots import check_plot_path, save_figure

    target = check_plot_path(path)
    view = view_for(result)
    if view.figure is None:
        msg = f"no plot for {type(result).__name__}"
        raise NoReportError(msg)
    return save_figure(view.figure(result, top=top), target)

"""Report of a composition scan: one row per value of the scan variable with its window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.reports import plots
from interfacestab.reports.format import (
    MISSING_TEXT,
    fmt_meV,
    fmt_phases,
    fmt_scan_value,
    fmt_voltage,
    provenance_lines,
)
from interfacestab.reports.model import Column, Report, Row, Table
from interfacestab.reports.registry import View, register
from interfacestab.reports.views.uncertainty import interval_text, settings_text

if TYPE_CHECKING:
    from interfacestab.analyses.scan import WindowScan
    from interfacestab.analyses.window import StabilityWindow


def scan_range_text(result: WindowScan) -> str:
    """``x = 0 … 0.8 (9 values)``."""
    values = [r.value for r in result.rows]
    if not values:
        return f"{result.variable}: no values"
    return f"{result.variable} = {fmt_scan_value(values[0])} … {fmt_scan_value(values[-1])} ({len(values)} values)"


def scan_entry_text(window: StabilityWindow) -> str:
    """Material id, ``in the data`` or ``virtual`` for one scan row."""
    if not window.in_database:
        return "virtual"
    return window.material_id or "in the data"


def _limit_cells(w: StabilityWindow) -> tuple[str, str]:
    """V_red and V_ox: the point values, with ``(low-high)`` when the scan sampled energy errors."""
    u = w.uncertainty
    if u is None:
        return fmt_voltage(w.reduction_limit_V), fmt_voltage(w.oxidation_limit_V)
    ox = fmt_voltage(w.oxidation_limit_V) if u.oxidation_limit_V is None else None
    return (
        interval_text(w.reduction_limit_V, u.reduction_limit_V),
        ox if ox is not None else interval_text(w.oxidation_limit_V, u.oxidation_limit_V),
    )


def _sampling_legend(result: WindowScan) -> tuple[str, ...]:
    """With ``--sigma``: how to read the intervals and how they were sampled (the same for every row)."""
    sampled = [r.window.uncertainty for r in result.rows if r.window.uncertainty is not None]
    if not sampled:
        return ()
    u = sampled[0]
    return (
        f"V_red, V_ox with --sigma: point value (low-high, {u.confidence * 100:g}% interval of the sampled limit; "
        "median and product-set shares in JSON)",
        f"sampling: {settings_text(u, sampled)}",
    )


def _row(result: WindowScan, value: float, formula: str, w: StabilityWindow) -> Row:
    return Row(
        (
            fmt_scan_value(value),
            formula,
            scan_entry_text(w),
            MISSING_TEXT if w.e_above_hull_eV_per_atom is None else fmt_meV(w.e_above_hull_eV_per_atom),
            *_limit_cells(w),
            fmt_voltage(w.width_V),
            fmt_phases(w.reduction_products),
            fmt_phases(w.oxidation_products) if w.oxidation_limit_V is not None else f"none (no {result.ion})",
        )
    )


def _virtual_legend(result: WindowScan) -> tuple[str, ...]:
    """Why virtual rows are flat (issue 12): they inherit the window of their tie simplex."""
    n_virtual = sum(1 for r in result.rows if not r.window.in_database)
    if not n_virtual:
        return ()
    return (
        f"{n_virtual} virtual row{'s' if n_virtual > 1 else ''}: each inherits the window of the tie simplex of "
        "data phases it lies on, so the limits are flat between data compounds (see the warning)",
    )


def scan_report(result: WindowScan, *, top: int | None = None) -> Report:
    """The report of a composition scan (``top`` is not used)."""
    ion = result.ion
    columns = (
        Column(("value",), result.variable, align="right", key=True),
        Column(("formula",), "formula", key=True),
        Column(("in_database", "material_id"), "entry"),
        Column(("e_above_hull_eV_per_atom",), "E_above_hull", "meV/atom", align="right"),
        Column(("reduction_limit_V",), "V_red", "V", align="right"),
        Column(("oxidation_limit_V",), "V_ox", "V", align="right"),
        Column(("width_V",), "width", "V", align="right"),
        Column(("reduction_products",), "reduction products (below V_red)", wrap=True),
        Column(("oxidation_products",), "oxidation products (above V_ox)", wrap=True),
    )
    rows = tuple(_row(result, r.value, r.formula, r.window) for r in result.rows)
    policy = result.rows[0].window.stabilization_policy if result.rows else "stabilize"
    legend = (
        f"V_red, V_ox: window limits vs {ion}/{ion}+; below V_red the target takes up {ion}, "
        f"above V_ox it releases {ion}",
        "entry: material id when the composition is in the data; virtual: not in the data, placed on the hull",
        f"E_above_hull: of the composition in the data (before stabilization); policy: {policy}; "
        "all rows share one hull",
        *_virtual_legend(result),
        *_sampling_legend(result),
    )
    return Report(
        title=f"{result.template}: stability windows vs {ion}/{ion}+, {scan_range_text(result)}",
        tables=(Table("", columns, rows),),
        legend=legend,
        provenance=provenance_lines(result.provenance),
    )


register(View("interfacestab.analyses.scan.WindowScan", scan_report, plots.scan_figure))

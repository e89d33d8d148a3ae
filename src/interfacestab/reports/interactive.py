"""Interactive figures of results for the HTML report: plain plotly figure specs, built from the result objects.

One builder per result type, registered here keyed by the result class's dotted name (the same
keys as :mod:`.registry`). A builder returns :class:`InteractiveFigure` objects whose ``spec`` is a
plotly figure as plain data (``{"data": [...], "layout": {...}}``): nothing here imports plotly,
numpy or the analyses, so the specs are cheap to build and easy to test; ``render_html`` validates
them with plotly and draws them with the plotly.js it inlines. Hover texts use the report's own
rounding (``reports.format``), so a hover says what the table says.

Builders read the fields they draw with ``getattr`` defaults where a field is optional, so results
that gain fields keep their figures; a result type without a builder gets a page without figures.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from interfacestab.reports.format import (
    NONE_TEXT,
    fmt_energy,
    fmt_fraction,
    fmt_ion_amount,
    fmt_kJ_per_mol,
    fmt_meV,
    fmt_phases,
    fmt_scan_value,
    fmt_score,
    fmt_voltage,
    fmt_voltage_fine,
    fmt_window,
    interface_energy_unit,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from interfacestab.analyses.batch import BatchResult
    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.interface_scan import InterfaceScan
    from interfacestab.analyses.matrix import InterfaceMatrix, MatrixCell
    from interfacestab.analyses.scan import WindowScan
    from interfacestab.analyses.screening import CoatingScreen
    from interfacestab.analyses.sweep import InterfaceSweep, SweepPoint
    from interfacestab.analyses.uncertainty import Interval
    from interfacestab.analyses.window import StabilityWindow

#: Colours (plotly's default sequence, by role).
BLUE, RED, GREEN, GREY, ORANGE = "#1f77b4", "#d62728", "#2ca02c", "#7f7f7f", "#ff7f0e"
CYAN, PURPLE = "#17becf", "#9467bd"
#: Top of the voltage axis when a window or profile has no upper end (V).
OPEN_TOP_V = 5.0


@dataclass(frozen=True, slots=True)
class InteractiveFigure:
    """One interactive figure of a report.

    Attributes:
        title: Caption under the figure (what it shows, in a sentence).
        spec: Plotly figure as plain data: ``{"data": [trace, ...], "layout": {...}}``.
    """

    title: str
    spec: dict[str, Any] = field(default_factory=dict)


class InteractiveBuilder(Protocol):
    """Builds the interactive figures of a result."""

    def __call__(self, result: Any, /) -> tuple[InteractiveFigure, ...]: ...  # noqa: D102


_BUILDERS: dict[str, InteractiveBuilder] = {}


def register_interactive(result_type: str) -> Callable[[InteractiveBuilder], InteractiveBuilder]:
    """Decorator: register a builder for the result class of dotted name ``result_type``."""

    def decorator(builder: InteractiveBuilder) -> InteractiveBuilder:
        _BUILDERS[result_type] = builder
        return builder

    return decorator


def registered_interactive_types() -> tuple[str, ...]:
    """Dotted names of every result type with interactive figures, sorted."""
    return tuple(sorted(_BUILDERS))


def figures_for(result: object) -> tuple[InteractiveFigure, ...]:
    """The interactive figures of ``result`` (of its type or a base class); none when no builder is registered."""
    for cls in type(result).__mro__:
        builder = _BUILDERS.get(f"{cls.__module__}.{cls.__qualname__}")
        if builder is not None:
            return builder(result)
    return ()


# -- small pieces -----------------------------------------------------------------------------
def _hover(lines: Iterable[tuple[str, str]]) -> str:
    """Hover text: ``key: value`` lines (plotly's ``<br>`` breaks; text is escaped by the renderer)."""
    return "<br>".join(f"{key}: {_escape(value)}" if key else _escape(value) for key, value in lines)


def _escape(text: str) -> str:
    """Plotly renders a small HTML subset in hover text: keep formulas and arrows literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _axis(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "zeroline": True,
        "zerolinecolor": "#bbb",
        "gridcolor": "#eee",
        "linecolor": "#999",
        **extra,
    }


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": _escape(title), "font": {"size": 15}},
        "hovermode": "closest",
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 70, "r": 30, "t": 60, "b": 60},
        "legend": {"orientation": "h", "y": -0.2},
        "height": 480,
        **extra,
    }


def _window_shape(low_V: float, high_V: float, yref: str, xref: str = "x") -> dict[str, Any]:
    return {
        "type": "rect",
        "xref": xref,
        "yref": yref,
        "x0": low_V,
        "x1": high_V,
        "y0": 0,
        "y1": 1,
        "fillcolor": GREEN,
        "opacity": 0.15,
        "line": {"width": 0},
        "layer": "below",
    }


# -- stability window -------------------------------------------------------------------------
@register_interactive("interfacestab.analyses.window.StabilityWindow")
def window_figures(result: StabilityWindow) -> tuple[InteractiveFigure, ...]:
    """Ion uptake and decomposition energy vs voltage; hovering a stage shows its phases, reaction and energies."""
    from interfacestab.reports.views.window import stage_reaction_text

    ion = result.ion
    stages = list(result.profile)
    if not stages:
        return ()
    v_top = max(OPEN_TOP_V, stages[-1].voltage_low_V + 0.5)
    xs: list[float] = []
    ys: list[float] = []
    mid_x: list[float] = []
    mid_y: list[float] = []
    texts: list[str] = []
    e_x: list[float | None] = []
    e_y: list[float | None] = []
    e_text: list[str | None] = []
    for s in stages:
        high = s.voltage_high_V if s.voltage_high_V is not None else v_top
        xs += [s.voltage_low_V, high]
        ys += [s.ion_per_formula_unit, s.ion_per_formula_unit]
        mid_x.append((s.voltage_low_V + high) / 2)
        mid_y.append(s.ion_per_formula_unit)
        text = _hover(
            [
                ("", f"{fmt_voltage(s.voltage_low_V)} – {fmt_voltage(s.voltage_high_V)} V vs {ion}/{ion}+"),
                ("phases", fmt_phases(s.phases)),
                ("reaction", stage_reaction_text(s)),
                (f"{ion} per f.u.", fmt_ion_amount(s.ion_per_formula_unit)),
                (f"E_decomp (eV/non-{ion} atom)", fmt_energy(s.decomposition_energy_eV_per_nonion_atom)),
                *([("", "◀ the stability window")] if s.is_window else []),
            ]
        )
        texts.append(text)
        e_high = s.decomposition_energy_high_eV_per_nonion_atom
        if s.voltage_high_V is None:  # the open top stage: to the top of the axis at its reported energy
            e_high = s.decomposition_energy_eV_per_nonion_atom
        e_x += [s.voltage_low_V, high, None]
        e_y += [s.decomposition_energy_low_eV_per_nonion_atom, e_high, None]
        e_text += [text, text, None]
    window_low, window_high = result.reduction_limit_V, result.oxidation_limit_V
    shapes = []
    if window_low is not None:
        high = v_top if window_high is None else max(window_high, window_low + 0.01)
        shapes = [_window_shape(window_low, high, "y domain"), _window_shape(window_low, high, "y2 domain", "x2")]
    shapes += _window_interval_shapes(result)
    data = [
        {
            "type": "scatter",
            "x": xs,
            "y": ys,
            "mode": "lines",
            "line": {"color": "black", "width": 2},
            "name": f"{ion} per f.u.",
            "hoverinfo": "skip",
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "type": "scatter",
            "x": mid_x,
            "y": mid_y,
            "mode": "markers",
            "marker": {"size": 9, "color": BLUE},
            "name": "stage (hover: phases, reaction)",
            "text": texts,
            "hovertemplate": "%{text}<extra></extra>",
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "type": "scatter",
            "x": e_x,
            "y": e_y,
            "mode": "lines+markers",
            "line": {"color": RED, "width": 2},
            "marker": {"size": 5},
            "name": "decomposition energy",
            "text": e_text,
            "hovertemplate": "%{text}<extra></extra>",
            "xaxis": "x2",
            "yaxis": "y2",
        },
    ]
    layout = _layout(
        f"{result.formula}: stability window vs {ion}/{ion}+ (green)" + _window_interval_title(result),
        height=620,
        grid={"rows": 2, "columns": 1, "pattern": "independent", "roworder": "top to bottom"},
        xaxis=_axis("", range=[0, v_top], matches="x2"),
        yaxis=_axis(f"{ion} per f.u. (+ taken up, − released)"),
        xaxis2=_axis(f"voltage (V vs {ion}/{ion}+)", range=[0, v_top]),
        yaxis2=_axis(f"decomposition energy (eV/non-{ion} atom)"),
        shapes=shapes,
    )
    return (
        InteractiveFigure(
            f"Voltage profile of {result.formula}: hover a stage for its phases, reaction and energies.",
            {"data": data, "layout": layout},
        ),
    )


def _window_interval_shapes(result: StabilityWindow) -> list[dict[str, Any]]:
    """With ``--sigma``: the sampled interval of each limit as a cyan band on both panels."""
    u = result.uncertainty
    if u is None:
        return []
    shapes = []
    for interval in (u.reduction_limit_V, u.oxidation_limit_V):
        if interval is None:
            continue
        for xref, yref in (("x", "y domain"), ("x2", "y2 domain")):
            band = _window_shape(interval.low, max(interval.high, interval.low + 0.005), yref, xref)
            shapes.append({**band, "fillcolor": CYAN, "opacity": 0.3, "name": "sampled interval"})
    return shapes


def _window_interval_title(result: StabilityWindow) -> str:
    u = result.uncertainty
    return "" if u is None else f"; cyan: sampled {u.confidence * 100:g}% interval of each limit"


def _error_bars(values: Sequence[float], intervals: Sequence[Interval]) -> dict[str, Any]:
    """Plotly ``error_y``/``error_x`` arrays from each value to the ends of its sampled interval."""
    return {
        "type": "data",
        "symmetric": False,
        "array": [max(i.high - v, 0.0) for i, v in zip(intervals, values, strict=True)],
        "arrayminus": [max(v - i.low, 0.0) for i, v in zip(intervals, values, strict=True)],
    }


def _interval_trace(
    xs: Sequence[float], ys: Sequence[float], intervals: Sequence[Interval], colour: str, name: str, **extra: Any
) -> dict[str, Any]:
    """A trace of error bars only (no visible markers): each y with its sampled interval."""
    return {
        "type": "scatter",
        "x": list(xs),
        "y": list(ys),
        "mode": "markers",
        "marker": {"size": 1, "color": colour},
        "error_y": {**_error_bars(ys, intervals), "color": colour},
        "name": name,
        "hoverinfo": "skip",
        **extra,
    }


def _interface_interval_trace(result: InterfaceProfile) -> list[dict[str, Any]]:
    """With ``--sigma``: error bars of the sampled interval on the minimum (energy, and x)."""
    u = result.uncertainty
    if u is None:
        return []
    m = result.minimum
    y = m.reaction_energy_eV_per_normalising_atom
    e, x = u.reaction_energy, u.x_atomic_a
    text = _hover(
        [
            ("", f"sampled {u.confidence * 100:g}% interval"),
            ("", f"{u.samples} samples, sigma {u.sigma_eV_per_atom:g} eV/atom, seed {u.seed}"),
            ("dE", f"{fmt_energy(e.low)} to {fmt_energy(e.high)} (median {fmt_energy(e.median)})"),
            ("x_atomic", f"{fmt_fraction(x.low)} to {fmt_fraction(x.high)}"),
        ]
    )
    trace = _interval_trace([m.x_atomic_a], [y], [e], PURPLE, f"minimum: sampled {u.confidence * 100:g}% interval",
                            error_x={**_error_bars([m.x_atomic_a], [x]), "color": PURPLE, "thickness": 2},
                            text=[text], hovertemplate="%{text}<extra></extra>")  # fmt: skip
    trace["error_y"]["thickness"] = 3
    trace.pop("hoverinfo")
    return [trace]


# -- interface reaction profile ----------------------------------------------------------------
@register_interactive("interfacestab.analyses.interface.InterfaceProfile")
def interface_figures(result: InterfaceProfile) -> tuple[InteractiveFigure, ...]:
    """Reaction energy vs mixing fraction; hovering a kink shows its products, reaction and energies."""
    unit = interface_energy_unit(result)
    kinks = list(result.kinks)
    texts = []
    for k in kinks:
        texts.append(
            _hover(
                [
                    ("x_atomic", fmt_fraction(k.x_atomic_a)),
                    ("x_molar", fmt_fraction(k.x_molar_a)),
                    ("products", fmt_phases(k.products)),
                    ("reaction", k.reaction),
                    (f"dE ({unit})", fmt_energy(k.reaction_energy_eV_per_normalising_atom)),
                    ("dE (kJ/mol)", fmt_kJ_per_mol(k.reaction_energy_kJ_per_mol)),
                    (f"mutual ({unit})", fmt_energy(k.mutual_reaction_energy_eV_per_normalising_atom)),
                    *([("", "◀ the most negative reaction energy")] if k == result.minimum else []),
                ]
            )
        )
    m = result.minimum
    data = [
        {
            "type": "scatter",
            "x": [k.x_atomic_a for k in kinks],
            "y": [k.reaction_energy_eV_per_normalising_atom for k in kinks],
            "mode": "lines+markers",
            "line": {"color": BLUE, "width": 2},
            "marker": {"size": 8},
            "name": "kinks (hover: products, reaction)",
            "text": texts,
            "hovertemplate": "%{text}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": [m.x_atomic_a],
            "y": [m.reaction_energy_eV_per_normalising_atom],
            "mode": "markers",
            "marker": {"size": 16, "symbol": "star", "color": RED},
            "name": f"most negative: {_escape(fmt_phases(m.products))}",
            "text": [texts[kinks.index(m)]] if m in kinks else [""],
            "hovertemplate": "%{text}<extra></extra>",
        },
        *_interface_interval_trace(result),
    ]
    system = "closed" if result.voltage_V is None else f"open to {result.ion} at {fmt_voltage(result.voltage_V)} V"
    layout = _layout(
        f"{result.reactant_a} | {result.reactant_b} ({system})",
        xaxis=_axis(f"x (atomic fraction of {_escape(result.reactant_a)})", range=[-0.02, 1.02]),
        yaxis=_axis(f"reaction energy ({unit})"),
    )
    return (
        InteractiveFigure(
            f"Reaction energy of {result.reactant_a} | {result.reactant_b} at every kink: hover for the reaction.",
            {"data": data, "layout": layout},
        ),
    )


# -- voltage sweep -----------------------------------------------------------------------------
@register_interactive("interfacestab.analyses.sweep.InterfaceSweep")
def sweep_figures(result: InterfaceSweep) -> tuple[InteractiveFigure, ...]:
    """Most negative reaction energy vs voltage, and a band of the products of each voltage range."""
    from interfacestab.reports.plots import sweep_regions

    ion = result.ion
    unit = f"eV per non-{ion} atom"
    points = sorted(result.points, key=lambda p: p.voltage_V)
    if not points:
        return ()
    texts = [
        _hover(
            [
                ("", f"{fmt_voltage(p.voltage_V)} V vs {ion}/{ion}+"),
                ("products", fmt_phases(p.minimum.products)),
                ("reaction", p.minimum.reaction),
                (f"dE ({unit})", fmt_energy(p.reaction_energy_eV_per_nonion_atom)),
                (f"mutual ({unit})", fmt_energy(p.minimum.mutual_reaction_energy_eV_per_nonion_atom)),
                ("x_atomic", fmt_fraction(p.minimum.x_atomic_a)),
            ]
        )
        for p in points
    ]
    regions = sweep_regions(result)
    labels = [f"{i}" for i in range(1, len(regions) + 1)]
    region_text = [
        _hover(
            [
                ("", f"range {i}: {fmt_voltage_fine(lo)} – {fmt_voltage_fine(hi)} V vs {ion}/{ion}+"),
                ("products", fmt_phases(products)),
            ]
        )
        for i, (lo, hi, products) in enumerate(regions, start=1)
    ]
    data = [
        {
            "type": "scatter",
            "x": [p.voltage_V for p in points],
            "y": [p.reaction_energy_eV_per_nonion_atom for p in points],
            "mode": "lines+markers",
            "line": {"color": BLUE, "width": 2},
            "marker": {"size": 7},
            "name": "most negative reaction (hover: products)",
            "text": texts,
            "hovertemplate": "%{text}<extra></extra>",
            "xaxis": "x",
            "yaxis": "y",
        },
        *_sweep_interval_traces(points),
        {
            "type": "bar",
            "orientation": "h",
            "base": [lo for lo, _, _ in regions],
            "x": [max(hi - lo, 1e-9) for lo, hi, _ in regions],
            "y": [1] * len(regions),
            "marker": {"color": [BLUE if i % 2 else ORANGE for i in range(len(regions))], "opacity": 0.55},
            "text": labels,
            "textposition": "inside",
            "insidetextanchor": "middle",
            "customdata": region_text,
            "hovertemplate": "%{customdata}<extra></extra>",
            "name": "products of each voltage range",
            "xaxis": "x2",
            "yaxis": "y2",
        },
    ]
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "y domain",
            "x0": t.voltage_V,
            "x1": t.voltage_V,
            "y0": 0,
            "y1": 1,
            "line": {"color": GREY, "dash": "dash", "width": 1},
        }
        for t in result.transitions
    ]
    v_range = [points[0].voltage_V, points[-1].voltage_V]
    layout = _layout(
        f"{result.reactant_a} | {result.reactant_b} open to {ion}: {len(result.transitions)} product changes",
        height=560,
        grid={"rows": 2, "columns": 1, "pattern": "independent", "roworder": "top to bottom"},
        xaxis=_axis("", range=v_range, matches="x2"),
        yaxis=_axis(f"min reaction energy ({unit})", domain=[0.3, 1.0]),
        xaxis2=_axis(f"voltage (V vs {ion}/{ion}+)", range=v_range),
        yaxis2={"domain": [0.0, 0.16], "showticklabels": False, "showgrid": False, "zeroline": False},
        bargap=0,
        shapes=shapes,
        showlegend=False,
    )
    return (
        InteractiveFigure(
            f"Most negative reaction of {result.reactant_a} | {result.reactant_b} vs voltage (dashed: product "
            "changes); the band below shows the products of each voltage range.",
            {"data": data, "layout": layout},
        ),
    )


# -- composition scan --------------------------------------------------------------------------
@register_interactive("interfacestab.analyses.scan.WindowScan")
def scan_figures(result: WindowScan) -> tuple[InteractiveFigure, ...]:
    """Both window limits vs the scan variable; hovering a value shows its formula, window and products."""
    from interfacestab.reports.views.scan import scan_entry_text

    ion, var = result.ion, result.variable
    rows = list(result.rows)
    if not rows:
        return ()
    xs = [r.value for r in rows]
    limits = [v for r in rows for v in (r.window.reduction_limit_V, r.window.oxidation_limit_V)]
    finite = [v for v in limits if v is not None and _finite(v)]
    v_top = max([OPEN_TOP_V, *(v + 0.5 for v in finite)])
    texts = []
    for r in rows:
        w = r.window
        texts.append(
            _hover(
                [
                    ("", f"{var} = {fmt_scan_value(r.value)}: {r.formula} ({scan_entry_text(w)})"),
                    ("window (V)", fmt_window(w.reduction_limit_V, w.oxidation_limit_V)),
                    ("E_above_hull (meV/atom)", fmt_meV(w.e_above_hull_eV_per_atom)),
                    ("below V_red", fmt_phases(w.reduction_products)),
                    (
                        "above V_ox",
                        fmt_phases(w.oxidation_products) if w.oxidation_limit_V is not None else f"none (no {ion})",
                    ),
                ]
            )
        )
    red = [r.window.reduction_limit_V for r in rows]
    ox = [v_top if r.window.oxidation_limit_V is None else r.window.oxidation_limit_V for r in rows]
    data = [
        {
            "type": "scatter",
            "x": xs,
            "y": red,
            "mode": "lines+markers",
            "line": {"color": BLUE, "width": 2},
            "name": "reduction limit",
            "text": texts,
            "hovertemplate": "%{text}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": xs,
            "y": ox,
            "mode": "lines+markers",
            "line": {"color": RED, "width": 2},
            "fill": "tonexty",
            "fillcolor": "rgba(44,160,44,0.15)",
            "name": "oxidation limit (top edge: none)",
            "text": texts,
            "hovertemplate": "%{text}<extra></extra>",
        },
        *_scan_interval_traces(result, xs),
    ]
    layout = _layout(
        f"{result.template}: stability window vs {ion}/{ion}+",
        xaxis=_axis(f"{var} in {_escape(result.template)}"),
        yaxis=_axis(f"voltage (V vs {ion}/{ion}+)", range=[0, v_top]),
    )
    return (
        InteractiveFigure(
            f"Window limits of {result.template} vs {var}: hover a value for its formula and products.",
            {"data": data, "layout": layout},
        ),
    )


def _sweep_interval_traces(points: list[SweepPoint]) -> list[dict[str, Any]]:
    """With ``--sigma``: the sampled interval of the minimum at every grid voltage, as error bars."""
    sampled = [p.uncertainty for p in points]
    if not sampled or any(u is None for u in sampled):
        return []
    ys = [p.reaction_energy_eV_per_nonion_atom for p in points]
    intervals = [u.reaction_energy for u in sampled if u is not None]
    name = f"minimum: sampled {sampled[0].confidence * 100:g}% interval"  # type: ignore[union-attr]
    return [_interval_trace([p.voltage_V for p in points], ys, intervals, PURPLE, name, xaxis="x", yaxis="y")]


def _scan_interval_traces(result: WindowScan, xs: list[float]) -> list[dict[str, Any]]:
    """With ``--sigma``: each limit's sampled interval as error bars at every value of the scan."""
    sampled = [r.window.uncertainty for r in result.rows]
    if not sampled or any(u is None for u in sampled):
        return []
    traces = []
    for name, colour, attr, points in (
        ("reduction", BLUE, "reduction_limit_V", [r.window.reduction_limit_V for r in result.rows]),
        ("oxidation", RED, "oxidation_limit_V", [r.window.oxidation_limit_V for r in result.rows]),
    ):
        intervals = [getattr(u, attr) for u in sampled]
        values = [p for p in points if p is not None]
        if any(i is None for i in intervals) or len(values) < len(points):
            continue
        pct = f"{sampled[0].confidence * 100:g}%"  # type: ignore[union-attr]
        traces.append(_interval_trace(xs, values, intervals, colour, f"{name} limit: sampled {pct} interval"))
    return traces


def _or_none(value: float | None, fmt: Callable[[float], str]) -> str:
    return NONE_TEXT if value is None else fmt(value)


@register_interactive("interfacestab.analyses.matrix.InterfaceMatrix")
def matrix_figures(result: InterfaceMatrix) -> tuple[InteractiveFigure, ...]:
    """A heatmap of the most negative reaction energy of every pair; hovering a cell shows its reaction."""
    rows, cols = list(result.electrolytes), list(result.electrodes)
    if not rows or not cols:
        return ()
    unit = f"eV per non-{result.ion} atom" if result.open_system else "eV/atom"
    z: list[list[float | None]] = []
    texts: list[list[str]] = []
    labels: list[list[str]] = []
    for electrolyte in rows:
        z_row, text_row, label_row = [], [], []
        for electrode in cols:
            cell = result.cell(electrolyte, electrode)
            energy = cell.reaction_energy_eV_per_normalising_atom
            ok = cell.error is None and energy is not None and _finite(energy)
            z_row.append(energy if ok else None)
            label_row.append(fmt_energy(energy) if ok else "n/a")
            lines = [("", f"{_escape(electrolyte)} | {_escape(electrode)}")]
            if ok:
                lines += [
                    (f"E_rxn ({unit})", fmt_energy(energy)),
                    ("E_rxn (kJ/mol)", _or_none(cell.reaction_energy_kJ_per_mol, fmt_kJ_per_mol)),
                    ("x (atomic, electrolyte)", _or_none(cell.x_atomic_electrolyte, fmt_fraction)),
                    ("products", fmt_phases(cell.products)),
                    ("reaction", _escape(cell.reaction)),
                    ("interphase", _escape(cell.interphase_summary or "none (no reaction)")),
                ]
                lines += _matrix_interval_lines(cell, unit)
            else:
                lines.append(("not computed", _escape(cell.error or "no reaction energy")))
            text_row.append(_hover(lines))
        z.append(z_row)
        texts.append(text_row)
        labels.append(label_row)
    data = [
        {
            "type": "heatmap",
            "x": [_escape(c) for c in cols],
            "y": [_escape(r) for r in rows],
            "z": z,
            "text": labels,
            "texttemplate": "%{text}",
            "customdata": texts,
            "hovertemplate": "%{customdata}<extra></extra>",
            "colorscale": "RdYlGn",
            "zmax": 0.0,
            "colorbar": {"title": {"text": f"E_rxn ({unit})"}},
        }
    ]
    where = "closed" if result.voltage_V is None else f"open to {result.ion} at {fmt_voltage(result.voltage_V)} V"
    layout = _layout(
        f"Most negative reaction energy of each pair ({where})",
        xaxis=_axis("electrode"),
        yaxis=_axis("electrolyte", autorange="reversed"),
    )
    return (
        InteractiveFigure(
            "Most negative reaction energy of every electrolyte | electrode pair: hover a cell for its reaction.",
            {"data": data, "layout": layout},
        ),
    )


def _matrix_interval_lines(cell: MatrixCell, unit: str) -> list[tuple[str, str]]:
    """Hover lines of a cell sampled with ``--sigma``: the interval of its minimum and its product-set frequencies."""
    from interfacestab.reports.views.uncertainty import interval_text, matrix_cell_interval_cells

    u = cell.uncertainty
    if u is None:
        return []
    point = cell.reaction_energy_eV_per_normalising_atom
    share = f"{u.confidence * 100:g}%"
    return [
        (f"E_rxn {share} interval ({unit})", interval_text(point, u.reaction_energy, fmt_energy)),
        ("products in the samples", matrix_cell_interval_cells(cell)[1]),
        ("sampling", f"{u.samples} samples, sigma = {u.sigma_eV_per_atom:g} eV/atom, seed {u.seed}"),
    ]


@register_interactive("interfacestab.analyses.interface_scan.InterfaceScan")
def interface_scan_figures(result: InterfaceScan) -> tuple[InteractiveFigure, ...]:
    """The most negative reaction energy vs the scan variable; hovering a value shows its products."""
    rows = list(result.rows)
    if not rows:
        return ()
    xs, ys, texts = [], [], []
    unit = ""
    for r in rows:
        minimum = r.profile.minimum
        energy = minimum.reaction_energy_eV_per_normalising_atom
        unit = interface_energy_unit(r.profile)
        xs.append(r.value)
        ys.append(energy if _finite(energy) else None)
        where = "in the data" if r.in_database else "virtual: placed on the hull"
        texts.append(
            _hover(
                [
                    ("", f"{result.variable} = {fmt_scan_value(r.value)}: {_escape(r.formula)} ({where})"),
                    (f"E_rxn ({unit})", fmt_energy(energy)),
                    ("products", fmt_phases(minimum.products)),
                ]
            )
        )
    data = [
        {
            "type": "scatter",
            "x": xs,
            "y": ys,
            "mode": "lines+markers",
            "line": {"color": BLUE, "width": 2},
            "name": "most negative reaction energy",
            "text": texts,
            "hovertemplate": "%{text}<extra></extra>",
        }
    ]
    layout = _layout(
        f"{_escape(result.template)} | {_escape(result.partner)}: reaction energy vs {result.variable}",
        xaxis=_axis(f"{result.variable} in {_escape(result.template)}"),
        yaxis=_axis(f"most negative reaction energy ({unit})"),
    )
    return (
        InteractiveFigure(
            f"Most negative reaction energy of {result.template} with {result.partner} vs {result.variable}.",
            {"data": data, "layout": layout},
        ),
    )


# -- coating screen ----------------------------------------------------------------------------
@register_interactive("interfacestab.analyses.screening.results.CoatingScreen")
def screen_figures(screen: CoatingScreen) -> tuple[InteractiveFigure, ...]:
    """Reaction energy with the electrolyte vs with the charged cathode, one point per screened candidate."""
    from interfacestab.reports.views.screen import screen_failed_text

    c = screen.criteria
    ion = screen.ion
    # candidates at the same point (often several at 0, 0: no reaction at all) share one marker and one label
    points: dict[bool, dict[tuple[float, float], tuple[float | None, list[str]]]] = {True: {}, False: {}}
    for rank, r in enumerate(screen.results, start=1):
        x, y = r.electrolyte_reaction_eV_per_atom, r.charged_cathode_reaction_eV_per_atom
        if r.error is not None or x is None or y is None or not (_finite(x) and _finite(y)):
            continue
        text = _hover(
            [
                ("", f"#{rank} {r.formula} ({'passes' if r.passed else 'fails'})"),
                ("score", fmt_score(r.score)),
                ("window (V)", fmt_window(r.reduction_limit_V, r.oxidation_limit_V)),
                ("E_hull (meV/atom)", fmt_meV(r.e_above_hull_eV_per_atom)),
                (f"with {screen.electrolyte}", f"{fmt_energy(x)} eV/atom → {fmt_phases(r.electrolyte_products)}"),
                (
                    f"with {screen.cathode}",
                    f"{fmt_energy(r.cathode_reaction_eV_per_atom)} eV/atom → {fmt_phases(r.cathode_products)}",
                ),
                (
                    f"with {screen.charged_cathode}",
                    f"{fmt_energy(y)} eV/atom → {fmt_phases(r.charged_cathode_products)}",
                ),
                *([("failed", screen_failed_text(r))] if not r.passed else []),
            ]
        )
        points[bool(r.passed)].setdefault((x, y), (r.oxidation_limit_V, []))[1].append(text)
    groups: dict[bool, tuple[list[float], list[float], list[float | None], list[str]]] = {}
    for passed, at in points.items():
        groups[passed] = (
            [x for x, _ in at],
            [y for _, y in at],
            [colour for colour, _ in at.values()],
            [_shared_label(texts) for _, texts in at.values()],
        )
    ox_all = [v for _, _, colours, _ in groups.values() for v in colours if v is not None]
    data = []
    for passed, symbol, size, name in ((False, "circle", 8, "fails a criterion"), (True, "star", 14, "passes")):
        xs, ys, colours, texts = groups[passed]
        if not xs:
            continue
        data.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "markers",
                "name": name,
                "text": texts,
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {
                    "symbol": symbol,
                    "size": size,
                    "color": [GREY if v is None else v for v in colours] if ox_all else GREY,
                    "colorscale": "Viridis",
                    "cmin": min(ox_all) if ox_all else 0,
                    "cmax": max(ox_all) if ox_all else 1,
                    "showscale": passed is False or not groups[False][0],
                    "colorbar": {"title": {"text": f"oxidation limit (V vs {ion}/{ion}+)"}},
                    "line": {"width": 1 if passed else 0, "color": "black"},
                },
            }
        )
    lim_x, lim_y = c.max_abs_electrolyte_reaction_eV_per_atom, c.max_abs_cathode_reaction_eV_per_atom
    shapes = [
        {
            "type": "rect",
            "x0": -lim_x,
            "x1": 0,
            "y0": -lim_y,
            "y1": 0,
            "fillcolor": GREEN,
            "opacity": 0.12,
            "line": {"color": GREEN, "dash": "dash", "width": 1},
            "layer": "below",
        }
    ]
    layout = _layout(
        f"coatings for {screen.electrolyte} | {screen.cathode}: {len(screen.passed)} of {len(screen.results)} pass",
        xaxis=_axis(f"reaction energy with {_escape(screen.electrolyte)} (eV/atom)"),
        yaxis=_axis(f"reaction energy with {_escape(screen.charged_cathode)} (eV/atom)"),
        shapes=shapes,
        height=560,
    )
    return (
        InteractiveFigure(
            "Each screened candidate (stars pass every criterion; the green box holds the reaction-energy criteria): "
            "hover a point for its reactions; sort and filter the table below.",
            {"data": data, "layout": layout},
        ),
    )


#: Most candidates named in the hover label of one point of a screen (the rest: see the table).
SHARED_LABEL_MAX = 6
#: Between two candidates in one hover label.
SHARED_LABEL_RULE = "<br>────────<br>"


def _shared_label(texts: list[str]) -> str:
    """One hover label for the candidates at one point, best-ranked first, at most :data:`SHARED_LABEL_MAX`."""
    shown = SHARED_LABEL_RULE.join(texts[:SHARED_LABEL_MAX])
    if len(texts) > SHARED_LABEL_MAX:
        shown += f"<br>… and {len(texts) - SHARED_LABEL_MAX} more at this point (see the table)"
    if len(texts) > 1:
        shown = f"{len(texts)} candidates at this point<br>{shown}"
    return shown


# -- batch of windows --------------------------------------------------------------------------
def _batch_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a batch's result file (CSV or JSON), as written; [] when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    if path.suffix.lower() == ".csv":
        return list(csv.DictReader(text.splitlines()))
    try:
        data = json.loads(text)
    except ValueError:
        return []
    rows = data.get("rows", data.get("results", [])) if isinstance(data, dict) else data
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _number(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return fmt_phases([str(v) for v in value])
    return str(value) if value not in (None, "") else NONE_TEXT


@register_interactive("interfacestab.analyses.batch.BatchResult")
def batch_figures(result: BatchResult) -> tuple[InteractiveFigure, ...]:
    """The window of every target of the batch's result file, as a bar from reduction to oxidation limit."""
    rows = [r for r in _batch_rows(Path(result.output)) if not r.get("error")]
    bars: list[tuple[str, float, float, bool, str]] = []
    for r in rows:
        low = _number(r.get("reduction_limit_V"))
        if low is None:
            continue
        high = _number(r.get("oxidation_limit_V"))
        ion = str(r.get("ion") or "Li")
        label = f"{r.get('formula', '?')} ({ion})"
        text = _hover(
            [
                ("", label),
                ("window (V)", fmt_window(low, high)),
                ("below", _text(r.get("reduction_products"))),
                ("above", _text(r.get("oxidation_products")) if high is not None else f"none (no {ion})"),
            ]
        )
        bars.append((label, low, OPEN_TOP_V if high is None else high, high is None, text))
    if not bars:
        return ()
    bars.sort(key=lambda b: (b[1] - b[2], b[0]))  # widest window first
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": [b[0] for b in bars],
            "base": [b[1] for b in bars],
            "x": [max(b[2] - b[1], 0.01) for b in bars],
            "marker": {"color": [GREY if b[3] else GREEN for b in bars]},
            "customdata": [b[4] for b in bars],
            "hovertemplate": "%{customdata}<extra></extra>",
            "name": "window",
        }
    ]
    layout = _layout(
        f"stability windows of {len(bars)} targets",
        height=max(320, min(18 * len(bars) + 140, 4000)),
        xaxis=_axis("voltage (V vs A/A+)", range=[0, max([OPEN_TOP_V, *(b[2] for b in bars)])]),
        yaxis={"autorange": "reversed", "automargin": True},
        showlegend=False,
    )
    return (
        InteractiveFigure(
            f"Window of each target in {Path(result.output).name}, widest first (grey: no oxidation limit, "
            f"drawn to {OPEN_TOP_V:g} V); hover a bar for the products.",
            {"data": data, "layout": layout},
        ),
    )


__all__ = [
    "InteractiveBuilder",
    "InteractiveFigure",
    "figures_for",
    "register_interactive",
    "registered_interactive_types",
]

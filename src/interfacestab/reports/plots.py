"""Figures of results (matplotlib, imported inside the functions; Agg canvas, no pyplot state).

One figure function per result type, registered with its view (``reports/views``). The file type
follows the extension: ``.png`` or ``.svg``; files are written atomically (``interfacestab.fileio``).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from interfacestab.fileio import check_output_path, write_atomically
from interfacestab.reports.format import (
    fmt_energy,
    fmt_fraction,
    fmt_phases,
    fmt_voltage,
    fmt_voltage_fine,
    interface_energy_unit,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from matplotlib.figure import Figure

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.scan import WindowScan
    from interfacestab.analyses.screening import CoatingScreen
    from interfacestab.analyses.sweep import InterfaceSweep, SweepPoint
    from interfacestab.analyses.window import StabilityWindow, WindowStage

PLOT_SUFFIXES: dict[str, str] = {".png": "png", ".svg": "svg"}
_PNG_DPI = 200


def check_plot_path(path: str | Path) -> Path:
    """The plot path, checked for a supported extension and an existing, writable folder.

    Raises:
        OutputError: for an extension other than ``.png`` or ``.svg``, or a missing folder.
    """
    return check_output_path(path, suffixes=tuple(PLOT_SUFFIXES))


def _new_figure(nrows: int, height_in: float) -> tuple[Figure, list]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, 1, sharex=True, squeeze=False)[:, 0]
    return fig, list(axes)


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Save ``fig`` atomically as PNG or SVG (by extension)."""
    target = check_plot_path(path)
    fmt = PLOT_SUFFIXES[target.suffix.lower()]
    metadata = {"Date": None} if fmt == "svg" else None
    return write_atomically(target, lambda tmp: fig.savefig(tmp, format=fmt, dpi=_PNG_DPI, metadata=metadata))


def window_figure(result: StabilityWindow, *, top: int | None = None) -> Figure:
    """Ion uptake vs voltage (steps) with the window shaded, and decomposition energy vs voltage."""
    from interfacestab.conventions import REPORT_VOLTAGES_V

    ion = result.ion
    stages = result.profile  # from 0 V upward, contiguous
    v_top = max(REPORT_VOLTAGES_V[1], stages[-1].voltage_low_V + 0.5)
    fig, (ax_n, ax_e) = _new_figure(2, 6.5)

    edges = [s.voltage_low_V for s in stages] + [v_top]
    ax_n.stairs([s.ion_per_formula_unit for s in stages], edges, baseline=None, color="black", linewidth=1.5)
    ax_n.axhline(0.0, color="grey", linewidth=0.6)
    ax_n.set_ylabel(f"{ion} per f.u. (+ taken up, - released)")

    # decomposition energy: linear within each stage; the open top stage up to REPORT_VOLTAGES_V[1]
    for s in stages:
        if s.voltage_high_V is not None:
            xs, ys = (
                [s.voltage_low_V, s.voltage_high_V],
                [
                    s.decomposition_energy_low_eV_per_nonion_atom,
                    s.decomposition_energy_high_eV_per_nonion_atom,
                ],
            )
        elif s.voltage_low_V < REPORT_VOLTAGES_V[1]:
            xs = [s.voltage_low_V, REPORT_VOLTAGES_V[1]]
            ys = [s.decomposition_energy_low_eV_per_nonion_atom, s.decomposition_energy_eV_per_nonion_atom]
        else:
            xs, ys = [s.voltage_low_V], [s.decomposition_energy_low_eV_per_nonion_atom]
        ax_e.plot(xs, ys, color="tab:red", linewidth=1.5, marker="o" if len(xs) == 1 else None)
    ax_e.axhline(0.0, color="grey", linewidth=0.6)
    ax_e.set_ylabel(f"decomposition energy\n(eV per non-{ion} atom)")
    ax_e.set_xlabel(f"voltage (V vs {ion}/{ion}+)")
    ax_e.set_xlim(0.0, v_top)

    red, ox = result.reduction_limit_V, result.oxidation_limit_V
    label = f"window {fmt_voltage(red)} – {fmt_voltage(ox)} V"
    for ax in (ax_n, ax_e):
        if ox is not None and ox - red < 1e-9:
            ax.axvline(red, color="tab:green", linewidth=2.0, alpha=0.6, label=label)
        else:
            ax.axvspan(red, v_top if ox is None else ox, color="tab:green", alpha=0.2, label=label)
    _mark_metallic_stages(ax_n, stages, v_top)
    ax_n.legend(loc="best", frameon=False)
    ax_n.set_title(f"{result.formula}: stability window vs {ion}/{ion}+ ({result.provenance.source.name})")
    return fig


def _mark_metallic_stages(ax: Any, stages: Sequence[WindowStage], v_top: float) -> None:
    """Hatch the stages whose products include a metal (their interphase conducts electrons)."""
    label = "metallic product"
    for s in stages:
        if s.interphase is not None and s.interphase.metallic_phases:
            high = v_top if s.voltage_high_V is None else s.voltage_high_V
            ax.axvspan(s.voltage_low_V, high, facecolor="none", edgecolor="tab:orange", hatch="//", linewidth=0,
                       label=label)  # fmt: skip
            label = "_nolegend_"


def _mark_metallic_kinks(ax: Any, result: InterfaceProfile) -> None:
    """Ring the kinks whose products include a metal."""
    metal = [k for k in result.kinks if k.interphase is not None and k.interphase.metallic_phases]
    if metal:
        ax.plot([k.x_atomic_a for k in metal], [k.reaction_energy_eV_per_normalising_atom for k in metal],
                marker="s", markersize=9, markerfacecolor="none", markeredgecolor="tab:orange", linestyle="",
                label="metallic product")  # fmt: skip
        ax.legend(loc="best", frameon=False, fontsize=8)


def interface_figure(result: InterfaceProfile, *, top: int | None = None) -> Figure:
    """Reaction energy vs x_atomic_a through the exact kinks, with the minimum's products labelled."""
    fig, (ax,) = _new_figure(1, 4.5)
    xs = [k.x_atomic_a for k in result.kinks]
    ys = [k.reaction_energy_eV_per_normalising_atom for k in result.kinks]
    ax.plot(xs, ys, color="tab:blue", linewidth=1.5, marker="o", markersize=4)
    m = result.minimum
    m_energy = m.reaction_energy_eV_per_normalising_atom  # the unit: interface_energy_unit(result)
    ax.plot([m.x_atomic_a], [m_energy], marker="*", markersize=14, color="tab:red", linestyle="")
    ax.annotate(
        f"{fmt_phases(m.products)}\n{fmt_energy(m_energy)} {interface_energy_unit(result)} "
        f"at x = {fmt_fraction(m.x_atomic_a)}",
        xy=(m.x_atomic_a, m_energy),
        xytext=(0.5, 0.25),
        textcoords="axes fraction",
        ha="center",
        fontsize=8,
        arrowprops={"arrowstyle": "->", "color": "tab:red"},
    )
    _mark_metallic_kinks(ax, result)
    ax.axhline(0.0, color="grey", linewidth=0.6)
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel(f"x (atomic fraction of {result.reactant_a} in {result.reactant_a} + {result.reactant_b})")
    ax.set_ylabel(f"reaction energy ({interface_energy_unit(result)})")
    system = "closed" if result.voltage_V is None else f"open to {result.ion} at {fmt_voltage(result.voltage_V)} V"
    ax.set_title(f"{result.reactant_a} | {result.reactant_b} ({system}; {result.provenance.source.name})")
    return fig


def scan_figure(result: WindowScan, *, top: int | None = None) -> Figure:
    """Both window limits vs the scan variable with the window shaded between them."""
    ion, var = result.ion, result.variable
    fig, (ax,) = _new_figure(1, 4.5)
    xs = [r.value for r in result.rows]
    red = [r.window.reduction_limit_V for r in result.rows]
    ox_values = [r.window.oxidation_limit_V for r in result.rows]
    finite = [v for v in (*red, *(o for o in ox_values if o is not None)) if v is not None]
    v_top = max([5.0, *(v + 0.5 for v in finite)])
    ox = [v_top if o is None else o for o in ox_values]
    if len(xs) > 1:
        ax.fill_between(xs, red, ox, color="tab:green", alpha=0.2, linewidth=0, label="stability window")
    else:
        ax.vlines(xs, red, ox, color="tab:green", alpha=0.4, linewidth=8, label="stability window")
    ax.plot(xs, red, color="tab:blue", linewidth=1.5, label="reduction limit")
    ax.plot(xs, ox, color="tab:red", linewidth=1.5, label="oxidation limit")
    for r, x, lo, hi in zip(result.rows, xs, red, ox, strict=True):
        filled = r.window.in_database
        for y, colour in ((lo, "tab:blue"), (hi, "tab:red")):
            ax.plot([x], [y], marker="o", markersize=5, color=colour, markerfacecolor=colour if filled else "white")
    if any(o is None for o in ox_values):
        ax.text(0.01, 0.98, f"top edge: no {ion} to release (no oxidation limit)", transform=ax.transAxes,
                va="top", fontsize=7, color="grey")  # fmt: skip
    ax.plot([], [], marker="o", color="grey", markerfacecolor="white", linestyle="", label="virtual (not in the data)")
    ax.set_xlabel(f"{var} in {result.template}")
    ax.set_ylabel(f"voltage (V vs {ion}/{ion}+)")
    ax.set_ylim(0.0, v_top)
    if len(xs) > 1:
        pad = 0.03 * (max(xs) - min(xs))
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
    ax.legend(loc="best", frameon=False, fontsize=8)
    source = result.rows[0].window.provenance.source.name if result.rows else ""
    ax.set_title(f"{result.template}: stability window vs {ion}/{ion}+ ({source})")
    return fig


def _sweep_curve(result: InterfaceSweep) -> tuple[list[float], list[float]]:
    """The minimum reaction energy vs V through the grid points and the located product changes.

    Between two product changes the minimum is one reaction, whose energy is linear in V with slope
    ``ion_uptake_per_nonion_atom`` (see ``analyses.sweep``); a change's energy is taken from the line of the
    grid point on its side (a change between two others in one grid interval is skipped, and the
    straight segment there is exact as well).
    """
    from interfacestab.analyses.sweep import open_energy_line

    points = sorted(result.points, key=lambda p: p.voltage_V)

    def line(p: SweepPoint, v: float) -> float:
        energy, uptake = open_energy_line(p.minimum)  # eV per non-A atom, and its slope in V
        return energy + uptake * (v - p.voltage_V)

    curve = [(p.voltage_V, p.reaction_energy_eV_per_nonion_atom) for p in points]
    for lo, hi in itertools.pairwise(points):
        inside = sorted(t.voltage_V for t in result.transitions if lo.voltage_V < t.voltage_V < hi.voltage_V)
        if inside:
            curve.append((inside[0], line(lo, inside[0])))
            if len(inside) > 1:
                curve.append((inside[-1], line(hi, inside[-1])))
    curve.sort()
    return [v for v, _ in curve], [e for _, e in curve]


def sweep_regions(result: InterfaceSweep) -> list[tuple[float, float, tuple[str, ...]]]:
    """(V from, V to, products) of the minimum between consecutive product changes over the sweep."""
    if not result.points:
        return []
    v0, v1 = result.points[0].voltage_V, result.points[-1].voltage_V
    transitions = sorted(result.transitions, key=lambda t: t.voltage_V)
    if not transitions:
        return [(v0, v1, result.points[0].minimum.products)]
    edges = [v0, *(t.voltage_V for t in transitions), v1]
    products = [transitions[0].products_below, *(t.products_above for t in transitions)]
    return [(edges[i], edges[i + 1], products[i]) for i in range(len(products))]


def sweep_figure(result: InterfaceSweep, *, top: int | None = None) -> Figure:
    """Minimum reaction energy vs voltage, product changes as vertical lines, numbered regions with a key."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    ion = result.ion
    regions = sweep_regions(result)
    n_key_rows = (len(regions) + 1) // 2 if len(regions) > 8 else len(regions)
    key_height = 0.22 * max(1, n_key_rows) + 0.3
    fig = Figure(figsize=(8.0, 4.2 + key_height), layout="constrained")
    FigureCanvasAgg(fig)
    ax, ax_key = fig.subplots(2, 1, height_ratios=[4.2, key_height])

    vs, es = _sweep_curve(result)
    ax.plot(vs, es, color="tab:blue", linewidth=1.5, label="most negative reaction energy")
    ax.plot(
        [p.voltage_V for p in result.points],
        [p.reaction_energy_eV_per_nonion_atom for p in result.points],
        marker="o", markersize=4, linestyle="", color="tab:blue",
    )  # fmt: skip
    for t in result.transitions:
        ax.axvline(t.voltage_V, color="grey", linestyle="--", linewidth=0.8)
    ax.axhline(0.0, color="grey", linewidth=0.6)
    if regions:
        ax.set_xlim(regions[0][0], regions[-1][1])
    for i, (lo, hi, _) in enumerate(regions, start=1):
        ax.text((lo + hi) / 2, 0.97 - 0.05 * ((i - 1) % 2), str(i), transform=ax.get_xaxis_transform(),
                ha="center", va="top", fontsize=7, fontweight="bold")  # fmt: skip
    ax.set_xlabel(f"voltage (V vs {ion}/{ion}+)")
    ax.set_ylabel(f"min reaction energy\n(eV per non-{ion} atom)")
    ax.set_title(
        f"{result.reactant_a} | {result.reactant_b} open to {ion}: "
        f"{len(result.transitions)} product changes ({result.provenance.source.name})"
    )

    ax_key.set_axis_off()
    columns = 2 if len(regions) > 8 else 1
    per_column = (len(regions) + columns - 1) // columns if regions else 1
    for i, (lo, hi, products) in enumerate(regions):
        col, row = divmod(i, per_column)
        ax_key.text(
            0.0 + 0.5 * col, 1.0 - (row + 0.5) / max(per_column, 1),
            f"{i + 1:>2}  {fmt_voltage_fine(lo)}–{fmt_voltage_fine(hi)} V  {fmt_phases(products)}",
            transform=ax_key.transAxes, fontsize=7, va="center", family="monospace",
        )  # fmt: skip
    return fig


def screen_figure(screen: CoatingScreen, *, top: int | None = None) -> Figure:
    """Reaction energy with the electrolyte vs with the charged cathode, coloured by the oxidation limit.

    Passing candidates are drawn as stars; the ``top`` (default 10) best-ranked candidates are labelled;
    the box shows the reaction-energy criteria.
    """
    n_labels = 10 if top is None else top
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    c = screen.criteria
    ion = screen.ion
    fig, (ax,) = _new_figure(1, 5.5)
    rows = [r for r in screen.results if r.error is None and r.electrolyte_reaction_eV_per_atom is not None]
    with_ox = [
        r for r in rows if r.oxidation_limit_V is not None and r.charged_cathode_reaction_eV_per_atom is not None
    ]
    without_ox = [r for r in rows if r.oxidation_limit_V is None and r.charged_cathode_reaction_eV_per_atom is not None]
    lim_x, lim_y = c.max_abs_electrolyte_reaction_eV_per_atom, c.max_abs_cathode_reaction_eV_per_atom
    # reaction energies are never positive (both ends of the mixing line are 0): the criteria box ends at 0
    ax.add_patch(
        Rectangle(
            (-lim_x, -lim_y), lim_x, lim_y, facecolor="tab:green", alpha=0.1, edgecolor="tab:green", linestyle="--"
        )
    )
    ox_limits = [r.oxidation_limit_V for r in with_ox if r.oxidation_limit_V is not None]
    mappable = None
    for passed, marker, size in ((False, "o", 30), (True, "*", 160)):
        group = [r for r in with_ox if r.passed is passed]
        if group:
            mappable = ax.scatter(
                [r.electrolyte_reaction_eV_per_atom for r in group],
                [r.charged_cathode_reaction_eV_per_atom for r in group],
                c=[r.oxidation_limit_V for r in group],
                cmap="viridis", vmin=min(ox_limits), vmax=max(ox_limits),
                marker=marker, s=size, edgecolors="black" if passed else "none", linewidths=0.8,
            )  # fmt: skip
    if without_ox:
        ax.scatter(
            [r.electrolyte_reaction_eV_per_atom for r in without_ox],
            [r.charged_cathode_reaction_eV_per_atom for r in without_ox],
            marker="s", s=30, color="lightgrey", edgecolors="grey",
        )  # fmt: skip
    if mappable is not None:
        bar = fig.colorbar(mappable, ax=ax)
        bar.set_label(f"oxidation limit (V vs {ion}/{ion}+)")
        bar.ax.axhline(c.min_oxidation_limit_V, color="red", linewidth=1.2)
    ranked = [r for r in screen.results if r in rows and r.charged_cathode_reaction_eV_per_atom is not None]
    # the best candidates crowd near (0, 0): mark them by rank and list the names in a key
    key = []
    for rank, r in enumerate(ranked[:n_labels], start=1):
        xy = (r.electrolyte_reaction_eV_per_atom, r.charged_cathode_reaction_eV_per_atom)
        ax.annotate(str(rank), xy, xytext=(3, 3 + 6 * (rank % 3)), textcoords="offset points", fontsize=6)
        key.append(f"{rank}. {r.formula}")
    if key:
        ax.text(
            0.62, 0.03, "\n".join(key), transform=ax.transAxes, fontsize=7, va="bottom", ha="left",
            bbox={"facecolor": "white", "edgecolor": "lightgrey", "alpha": 0.9},
        )  # fmt: skip
    ax.axhline(0.0, color="grey", linewidth=0.6)
    ax.axvline(0.0, color="grey", linewidth=0.6)
    xs = [r.electrolyte_reaction_eV_per_atom for r in with_ox + without_ox]
    ys = [r.charged_cathode_reaction_eV_per_atom for r in with_ox + without_ox]
    x_low = 1.1 * min([*(x for x in xs if x is not None), -lim_x])
    y_low = 1.1 * min([*(y for y in ys if y is not None), -lim_y])
    ax.set_xlim(x_low, -0.05 * x_low)
    ax.set_ylim(y_low, -0.1 * y_low)
    ax.set_xlabel(f"reaction energy with {screen.electrolyte} (eV/atom)")
    ax.set_ylabel(f"reaction energy with {screen.charged_cathode} (eV/atom)")
    handles = [
        Rectangle((0, 0), 1, 1, facecolor="tab:green", alpha=0.1, edgecolor="tab:green", linestyle="--"),
        Line2D([], [], marker="*", markersize=11, color="grey", markeredgecolor="black", linestyle=""),
        Line2D([], [], marker="o", markersize=5, color="grey", linestyle=""),
    ]
    labels = [
        f"|reaction energy| ≤ {fmt_energy(lim_x)} / {fmt_energy(lim_y)} eV/atom",
        "passes every criterion",
        "fails a criterion",
    ]
    if without_ox:
        handles.append(
            Line2D([], [], marker="s", markersize=5, color="lightgrey", markeredgecolor="grey", linestyle="")
        )
        labels.append(f"no {ion} (no oxidation limit)")
    ax.legend(handles, labels, loc="lower left", frameon=False, fontsize=7)
    ax.set_title(
        f"coatings for {screen.electrolyte} | {screen.cathode}: {len(screen.passed)} of {len(screen.results)} pass "
        f"({screen.provenance.source.name})",
        fontsize=9,
    )
    return fig

"""Figures of results (matplotlib, imported inside the functions; Agg canvas, no pyplot state).

One figure function per result type, registered with its view (``reports/views``). The file type
follows the extension: ``.png`` or ``.svg``; files are written atomically (``interfacestab.fileio``).
"""

from __future__ import annotations

import itertools
import re
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

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.scan import WindowScan
    from interfacestab.analyses.screening import CoatingResult, CoatingScreen
    from interfacestab.analyses.sweep import InterfaceSweep, SweepPoint
    from interfacestab.analyses.window import StabilityWindow, WindowStage

PLOT_SUFFIXES: dict[str, str] = {".png": "png", ".svg": "svg"}
_PNG_DPI = 200

#: An amount in a formula: digits after an element symbol or a closing bracket (``Li6``, ``(CoO2)2``, ``Mn1/3``).
_AMOUNT = re.compile(r"(?<=[A-Za-z)\]])(\d+(?:\.\d+)?(?:/\d+)?)")
#: Artist ids the figure tests look for.
KINK_LABEL_GID = "kink-label"
MUTUAL_GID = "mutual"
OPERATING_VOLTAGE_GID = "operating-voltage"


def tex(text: str) -> str:
    """Formula amounts as mathtext subscripts: ``Li6PS5Cl`` -> ``Li$_{6}$PS$_{5}$Cl``.

    Works on a formula, a sum of phases or a reaction (``0.5 Li2S + ...``: a coefficient after a space
    stays as it is); a ``$`` already in ``text`` is escaped first so the result always parses.
    """
    return _AMOUNT.sub(r"$_{\1}$", text.replace("$", r"\$"))


def tex_template(template: str, variable: str) -> str:
    """A scan template with its amounts as subscripts: ``Li6+xP1-xGexS5I`` -> ``Li$_{6+x}$P$_{1-x}$Ge$_{x}$S$_{5}$I``.

    Read with the scan's own tokenizer, so an amount is whatever the scan evaluates for that element.
    """
    from interfacestab.analyses.scan import _template_tokens

    parts = []
    for match in _template_tokens(variable).finditer(template.replace(" ", "")):
        symbol, amount = match.group(1), match.group(2)
        if symbol is None:
            parts.append(match.group(0).replace("$", r"\$"))
        else:
            parts.append(symbol + (f"$_{{{amount}}}$" if amount else ""))
    return "".join(parts)


def tex_phases(phases: Sequence[str]) -> str:
    """Phases joined as a sum with subscripts (``Li$_{2}$S + LiCl``); ``none`` when empty."""
    return tex(fmt_phases(phases))


#: ``gid`` of the phase labels of window-profile stages (tests find them by it).
STAGE_LABEL_GID = "stage-label"


def stage_label(stage: WindowStage) -> str:
    """Label of a window-profile stage: its phases with subscripts and its voltage range.

    ``Li$_{2}$S + P: 0 – 1.71 V`` (an open top stage: ``from 2.31 V``); for ``window_figure``.
    """
    low, high = stage.voltage_low_V, stage.voltage_high_V
    volts = f"from {fmt_voltage(low)} V" if high is None else f"{fmt_voltage(low)} – {fmt_voltage(high)} V"
    return f"{tex_phases(stage.phases)}: {volts}"


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
    """Save ``fig`` atomically as PNG or SVG (by extension); the same figure gives the same bytes every time.

    An SVG carries no date, and its element ids come from a fixed salt instead of a random one.
    """
    import matplotlib as mpl

    target = check_plot_path(path)
    fmt = PLOT_SUFFIXES[target.suffix.lower()]
    metadata = {"Date": None} if fmt == "svg" else None
    with mpl.rc_context({"svg.hashsalt": "interfacestab"}):
        return write_atomically(target, lambda tmp: fig.savefig(tmp, format=fmt, dpi=_PNG_DPI, metadata=metadata))


def window_figure(result: StabilityWindow, *, top: int | None = None) -> Figure:
    """Ion uptake (and capacity) vs voltage (steps) with the window shaded, and decomposition energy vs voltage.

    The x range runs to ``result.max_voltage_V`` (``--max-voltage``) or past the highest transition.
    """
    from interfacestab.conventions import ION_CHARGE, capacity_mAh_per_g

    ion = result.ion
    stages = result.profile  # from 0 V upward, contiguous
    v_max = result.max_voltage_V
    v_top = max(v_max, stages[-1].voltage_low_V + 0.5)
    fig, (ax_n, ax_e) = _new_figure(2, 6.5)

    edges = [s.voltage_low_V for s in stages] + [v_top]
    ax_n.stairs([s.ion_per_formula_unit for s in stages], edges, baseline=None, color="black", linewidth=1.5)
    ax_n.axhline(0.0, color="grey", linewidth=0.6)
    ax_n.set_ylabel(f"{ion} per f.u. (+ taken up, - released)")
    _label_stages(ax_n, stages, edges)
    if result.formula_mass_g_per_mol > 0:  # a second scale: the same steps as capacity per gram of the target
        per_ion = capacity_mAh_per_g(1.0, result.formula_mass_g_per_mol, ION_CHARGE.get(ion, 1))
        capacity_axis = ax_n.secondary_yaxis("right", functions=(lambda n: n * per_ion, lambda c: c / per_ion))
        capacity_axis.set_ylabel(f"capacity (mAh per g of {result.formula})")

    # decomposition energy: linear within each stage; the open top stage up to the profile's top
    for s in stages:
        if s.voltage_high_V is not None:
            xs, ys = (
                [s.voltage_low_V, s.voltage_high_V],
                [
                    s.decomposition_energy_low_eV_per_nonion_atom,
                    s.decomposition_energy_high_eV_per_nonion_atom,
                ],
            )
        elif s.voltage_low_V < v_max:
            xs = [s.voltage_low_V, v_max]
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
    _window_figure_extras(result, ax_n, ax_e)
    _window_figure_bands(result, ax_n, ax_e)
    _mark_metallic_stages(ax_n, stages, v_top)
    ax_n.legend(loc="best", frameon=False)
    typed = result.input_formula
    name = result.formula if not typed or typed == result.formula else f"{typed} ({result.formula})"
    ax_n.set_title(f"{name}: stability window vs {ion}/{ion}+ ({result.provenance.source.name})")
    return fig


def _label_stages(ax: Any, stages: Sequence[WindowStage], edges: Sequence[float]) -> None:
    """Name each stage by its phases, rotated, inside the axes: from its step towards the side with more room.

    The y range gets room beyond the extreme steps, and every label is clipped to the axes, so no label
    runs into the title or the reference's top axis.
    """
    n = [s.ion_per_formula_unit for s in stages]
    n_low, n_high = min(n), max(n)
    pad = 0.08 * max(n_high - n_low, 1.0)
    ax.set_ylim(n_low - pad, n_high + pad)
    for s, low, high in zip(stages, edges[:-1], edges[1:], strict=True):
        y = s.ion_per_formula_unit
        below = (y - n_low) > (n_high - y)  # more room under the step than above it
        ax.annotate(stage_label(s), ((low + high) / 2, y), xytext=(0, -4 if below else 4),
                    textcoords="offset points", rotation=90, ha="center", va="top" if below else "bottom",
                    fontsize=6, gid=STAGE_LABEL_GID, clip_on=True)  # fmt: skip


def _window_figure_extras(result: StabilityWindow, ax_n: Any, ax_e: Any) -> None:
    """Marks of issue 12 on the window figure: the reference electrode's scale on top, the chosen voltages."""
    for at in result.at_voltages:
        for ax in (ax_n, ax_e):
            ax.axvline(at.voltage_V, color="tab:blue", linestyle=":", linewidth=1.0)
    if result.reference is None:
        return
    ref = result.reference.reference
    v_ref = ref.voltage_V
    top = ax_n.secondary_xaxis("top", functions=(lambda v: v - v_ref, lambda v: v + v_ref))
    top.set_xlabel(f"voltage (V vs {ref.name})")
    for ax in (ax_n, ax_e):
        ax.axvline(v_ref, color="tab:purple", linestyle="--", linewidth=1.2, label=f"reference {ref.name}")


def _window_figure_bands(result: StabilityWindow, ax_n: Any, ax_e: Any) -> None:
    """With ``--sigma``: the sampled interval of each limit as a hatched band on both panels."""
    from interfacestab.reports.plot_uncertainty import uncertainty_band

    uncertainty_band(ax_n, result)
    uncertainty_band(ax_e, result)


def _mark_metallic_stages(ax: Any, stages: Sequence[WindowStage], v_top: float) -> None:
    """Hatch the stages whose products include a metal (their interphase conducts electrons)."""
    label = "metallic product"
    for s in stages:
        if s.interphase is not None and s.interphase.metallic_phases:
            high = v_top if s.voltage_high_V is None else s.voltage_high_V
            ax.axvspan(s.voltage_low_V, high, facecolor="none", edgecolor="tab:orange", hatch="//", linewidth=0,
                       label=label)  # fmt: skip
            label = "_nolegend_"


def _mark_metallic_kinks(ax: Any, result: InterfaceProfile, x_axis: str = "atomic") -> None:
    """Ring the kinks whose products include a metal (x: ``atomic`` or ``molar`` fraction of A)."""
    metal = [k for k in result.kinks if k.interphase is not None and k.interphase.metallic_phases]
    if metal:
        xs = [float(getattr(k, f"x_{x_axis}_a")) for k in metal]
        ax.plot(xs, [k.reaction_energy_eV_per_normalising_atom for k in metal],
                marker="s", markersize=9, markerfacecolor="none", markeredgecolor="tab:orange", linestyle="",
                label="metallic product")  # fmt: skip
        ax.legend(loc="best", frameon=False, fontsize=8)


def _key_axes(n_rows: int, plot_height_in: float, width_in: float = 8.0) -> tuple[Figure, Axes, Axes]:
    """A figure with a plot on top and a text key of ``n_rows`` lines below it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    key_height = 0.2 * max(1, n_rows) + 0.3
    fig = Figure(figsize=(width_in, plot_height_in + key_height), layout="constrained")
    FigureCanvasAgg(fig)
    ax, ax_key = fig.subplots(2, 1, height_ratios=[plot_height_in, key_height])
    ax_key.set_axis_off()
    return fig, ax, ax_key


def interface_figure(result: InterfaceProfile, *, top: int | None = None, x_axis: str = "atomic") -> Figure:
    """Reaction energy vs x through the exact kinks, every kink numbered, with a key of their reactions.

    ``x_axis`` is ``atomic`` (fraction of A's atoms) or ``molar`` (of A's formula units). Open to the
    ion, the mutual (interface-only) energy is drawn beside the total one: at high voltage the total is
    dominated by a reactant's own reaction with the reservoir.
    """
    if x_axis not in {"atomic", "molar"}:
        msg = f"x_axis must be atomic or molar, not {x_axis!r}"
        raise ValueError(msg)
    kinks = result.kinks
    fig, ax, ax_key = _key_axes(len(kinks), 4.5)
    unit = interface_energy_unit(result)

    def x_of(k: object) -> float:
        return float(getattr(k, f"x_{x_axis}_a"))

    xs = [x_of(k) for k in kinks]
    ys = [k.reaction_energy_eV_per_normalising_atom for k in kinks]
    ax.plot(xs, ys, color="tab:blue", linewidth=1.5, marker="o", markersize=4, label="reaction energy")
    if result.open_system:
        mutual = [k.mutual_reaction_energy_eV_per_normalising_atom for k in kinks]
        ax.plot(xs, mutual, color="tab:orange", linewidth=1.2, linestyle="--", marker=".", gid=MUTUAL_GID,
                label="mutual (interface only: each reactant's own reaction with the reservoir removed)")  # fmt: skip
    m = result.minimum
    m_energy = m.reaction_energy_eV_per_normalising_atom
    ax.plot([x_of(m)], [m_energy], marker="*", markersize=14, color="tab:red", linestyle="", label="minimum")
    ax.annotate(
        f"{tex_phases(m.products)}\n{fmt_energy(m_energy)} {unit} at x = {fmt_fraction(x_of(m))}",
        xy=(x_of(m), m_energy),
        xytext=(0.5, 0.25),
        textcoords="axes fraction",
        ha="center",
        fontsize=8,
        arrowprops={"arrowstyle": "->", "color": "tab:red"},
    )
    _mark_metallic_kinks(ax, result, x_axis)
    _interface_interval(ax, result, x_of(m), x_axis)
    ax.axhline(0.0, color="grey", linewidth=0.6)
    ax.set_xlim(0.0, 1.0)
    a, b = tex(result.reactant_a), tex(result.reactant_b)
    what = "atomic fraction" if x_axis == "atomic" else "molar fraction (formula units)"
    ax.set_xlabel(f"x ({what} of {a} in {a} + {b})")
    ax.set_ylabel(f"reaction energy ({unit})")
    ax.legend(loc="lower right", frameon=False, fontsize=7)
    system = "closed" if result.voltage_V is None else f"open to {result.ion} at {fmt_voltage(result.voltage_V)} V"
    charged = result.charged_b
    charged_text = (
        "" if not charged else f"\n({tex(str(charged['cathode']))} charged to {float(str(charged['voltage_V'])):g} V)"
    )
    ax.set_title(f"{a} | {b} ({system}; {result.provenance.source.name}){charged_text}")
    for i, k in enumerate(kinks, start=1):
        energy = k.reaction_energy_eV_per_normalising_atom
        ax_key.text(
            0.0, 1.0 - (i - 0.5) / max(len(kinks), 1),
            f"{i:>2}  x = {fmt_fraction(x_of(k))}   {fmt_energy(energy)} {unit}   {tex(k.reaction)}",
            transform=ax_key.transAxes, fontsize=6.5, va="center",
        )  # fmt: skip
    _number_kinks(ax, fig, xs, ys)
    return fig


def _interface_interval(ax: Any, result: InterfaceProfile, x: float, x_axis: str) -> None:  # drawn above the star
    """With ``--sigma``: error bars of the sampled interval on the minimum."""
    from interfacestab.reports.plot_uncertainty import interface_interval_marks

    interface_interval_marks(ax, result, x, x_axis=x_axis)


#: Two kink numbers whose centres are closer than this (points, horizontally and vertically) overlap: the later
#: one goes to the other side of the curve, or is left out when both sides are taken; a kink this close to a
#: numbered one is not numbered (the key lists every kink).
KINK_LABEL_MIN_SEPARATION_PT = (8.0, 8.0)


def _number_kinks(ax: Any, fig: Figure, xs: list[float], ys: list[float]) -> None:
    """Number the kinks, alternately above and below the curve, never two numbers on top of each other."""
    fig.canvas.draw()  # fixes the layout, so data -> points is the drawn one
    to_pt = 72.0 / fig.dpi
    sep_x, sep_y = KINK_LABEL_MIN_SEPARATION_PT
    centres: list[tuple[float, float]] = []
    labelled: list[tuple[float, float]] = []  # the kinks numbered so far (points)
    for i, (x, y) in enumerate(zip(xs, ys, strict=True), start=1):
        px, py = (float(v) * to_pt for v in ax.transData.transform((x, y)))
        if any(abs(px - qx) < sep_x and abs(py - qy) < sep_y for qx, qy in labelled):
            continue  # on top of a numbered kink: its number would be ambiguous (the key lists it)
        sides = (5.0, -11.0) if len(centres) % 2 == 0 else (-11.0, 5.0)  # offsets of the text's baseline
        for offset in sides:
            centre = (px, py + offset + 3.0)
            if all(abs(centre[0] - cx) >= sep_x or abs(centre[1] - cy) >= sep_y for cx, cy in centres):
                ax.annotate(str(i), (x, y), xytext=(0, offset), textcoords="offset points", ha="center",
                            fontsize=7, color="tab:blue", gid=KINK_LABEL_GID)  # fmt: skip
                centres.append(centre)
                labelled.append((px, py))
                break


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
    _scan_interval_bands(ax, result, xs)
    for r, x, lo, hi in zip(result.rows, xs, red, ox, strict=True):
        filled = r.window.in_database
        for y, colour in ((lo, "tab:blue"), (hi, "tab:red")):
            ax.plot([x], [y], marker="o", markersize=5, color=colour, markerfacecolor=colour if filled else "white")
    if any(o is None for o in ox_values):
        ax.text(0.01, 0.98, f"top edge: no {ion} to release (no oxidation limit)", transform=ax.transAxes,
                va="top", fontsize=7, color="grey")  # fmt: skip
    ax.plot([], [], marker="o", color="grey", markerfacecolor="white", linestyle="", label="virtual (not in the data)")
    ax.set_xlabel(f"{var} in {tex_template(result.template, var)}")
    ax.set_ylabel(f"voltage (V vs {ion}/{ion}+)")
    ax.set_ylim(0.0, v_top)
    if len(xs) > 1:
        pad = 0.03 * (max(xs) - min(xs))
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
    ax.legend(loc="best", frameon=False, fontsize=8)
    source = result.rows[0].window.provenance.source.name if result.rows else ""
    ax.set_title(f"{tex_template(result.template, var)}: stability window vs {ion}/{ion}+ ({source})")
    return fig


def _scan_interval_bands(ax: Any, result: WindowScan, xs: list[float]) -> None:
    """With ``--sigma``: the sampled interval of each limit as a band along the scan (error bars for one value)."""
    sampled = [r.window.uncertainty for r in result.rows]
    if not sampled or any(u is None for u in sampled):
        return
    pct = f"{sampled[0].confidence * 100:g}%"  # type: ignore[union-attr]
    for name, colour, attr in (("reduction", "tab:blue", "reduction_limit_V"), ("oxidation", "tab:red",
                                                                                "oxidation_limit_V")):  # fmt: skip
        intervals = [getattr(u, attr) for u in sampled]
        if any(i is None for i in intervals):
            continue
        low, high = [i.low for i in intervals], [i.high for i in intervals]
        label = f"{name} limit: sampled {pct} interval"
        if len(xs) > 1:
            ax.fill_between(xs, low, high, color=colour, alpha=0.18, linewidth=0, hatch="..", label=label)
        else:
            ax.errorbar(xs, [(lo + hi) / 2 for lo, hi in zip(low, high, strict=True)],
                        yerr=[(hi - lo) / 2 for lo, hi in zip(low, high, strict=True)], fmt="none", ecolor=colour,
                        capsize=4, label=label)  # fmt: skip


def _sweep_interval_band(ax: Any, result: InterfaceSweep) -> None:
    """With ``--sigma``: the sampled interval of the minimum at each grid voltage, as error bars there.

    Only the grid voltages are sampled; between them the curve follows the exact kinks, so a band drawn
    straight from one grid voltage to the next could leave the curve.
    """
    points = sorted(result.points, key=lambda p: p.voltage_V)
    sampled = [p.uncertainty for p in points]
    if not sampled or any(u is None for u in sampled):
        return
    ys = [p.reaction_energy_eV_per_nonion_atom for p in points]
    low = [u.reaction_energy.low for u in sampled if u is not None]
    high = [u.reaction_energy.high for u in sampled if u is not None]
    label = f"sampled {sampled[0].confidence * 100:g}% interval of the minimum (grid voltages)"  # type: ignore[union-attr]
    ax.errorbar([p.voltage_V for p in points], ys,
                yerr=[[max(y - lo, 0.0) for y, lo in zip(ys, low, strict=True)],
                      [max(hi - y, 0.0) for y, hi in zip(ys, high, strict=True)]],
                fmt="none", ecolor="tab:purple", elinewidth=1.5, capsize=3, zorder=4, label=label)  # fmt: skip


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


def _sweep_mutual(result: InterfaceSweep) -> tuple[list[float], list[float]]:
    """The most negative mutual (interface-only) energy at each grid voltage that has one."""
    points = sorted(result.points, key=lambda p: p.voltage_V)
    pairs = [
        (p.voltage_V, p.mutual_minimum.mutual_reaction_energy_eV_per_nonion_atom)
        for p in points
        if p.mutual_minimum is not None and p.mutual_minimum.mutual_reaction_energy_eV_per_nonion_atom is not None
    ]
    return [v for v, _ in pairs], [float(e) for _, e in pairs]


def sweep_figure(result: InterfaceSweep, *, top: int | None = None, operating_voltage_V: float | None = None) -> Figure:
    """Minimum reaction energy vs voltage beside the mutual one, product changes as lines, numbered regions.

    The key lists each region's products; ``operating_voltage_V`` adds a marker line at the cathode's
    operating voltage.
    """
    ion = result.ion
    regions = sweep_regions(result)
    n_key_rows = (len(regions) + 1) // 2 if len(regions) > 8 else len(regions)
    fig, ax, ax_key = _key_axes(n_key_rows, 4.2)

    vs, es = _sweep_curve(result)
    ax.plot(vs, es, color="tab:blue", linewidth=1.5, label="most negative reaction energy (total)")
    ax.plot(
        [p.voltage_V for p in result.points],
        [p.reaction_energy_eV_per_nonion_atom for p in result.points],
        marker="o", markersize=4, linestyle="", color="tab:blue",
    )  # fmt: skip
    _sweep_interval_band(ax, result)
    mv, me = _sweep_mutual(result)
    if mv:
        ax.plot(mv, me, color="tab:orange", linewidth=1.2, linestyle="--", marker=".", gid=MUTUAL_GID,
                label="most negative mutual energy (interface only)")  # fmt: skip
    for t in result.transitions:
        ax.axvline(t.voltage_V, color="grey", linestyle="--", linewidth=0.8)
    if operating_voltage_V is not None:
        ax.axvline(operating_voltage_V, color="tab:red", linewidth=1.5, gid=OPERATING_VOLTAGE_GID,
                   label=f"operating voltage {fmt_voltage(operating_voltage_V)} V")  # fmt: skip
    ax.axhline(0.0, color="grey", linewidth=0.6)
    if regions:
        lo_v, hi_v = regions[0][0], regions[-1][1]
        if operating_voltage_V is not None:
            lo_v, hi_v = min(lo_v, operating_voltage_V), max(hi_v, operating_voltage_V)
        ax.set_xlim(lo_v, hi_v)
    for i, (lo, hi, _) in enumerate(regions, start=1):
        ax.text((lo + hi) / 2, 0.97 - 0.05 * ((i - 1) % 2), str(i), transform=ax.get_xaxis_transform(),
                ha="center", va="top", fontsize=7, fontweight="bold")  # fmt: skip
    ax.set_xlabel(f"voltage (V vs {ion}/{ion}+)")
    ax.set_ylabel(f"min reaction energy\n(eV per non-{ion} atom)")
    ax.legend(loc="lower left", frameon=False, fontsize=7)
    ax.set_title(
        f"{tex(result.reactant_a)} | {tex(result.reactant_b)} open to {ion}: "
        f"{len(result.transitions)} product changes ({result.provenance.source.name})"
    )

    columns = 2 if len(regions) > 8 else 1
    per_column = (len(regions) + columns - 1) // columns if regions else 1
    for i, (lo, hi, products) in enumerate(regions):
        col, row = divmod(i, per_column)
        ax_key.text(
            0.0 + 0.5 * col, 1.0 - (row + 0.5) / max(per_column, 1),
            f"{i + 1:>2}  {fmt_voltage_fine(lo)}–{fmt_voltage_fine(hi)} V  {tex_phases(products)}",
            transform=ax_key.transAxes, fontsize=7, va="center",
        )  # fmt: skip
    return fig


def draw_interface_plot(
    result: InterfaceProfile | InterfaceSweep,
    path: str | Path,
    *,
    x_axis: str = "atomic",
    operating_voltage_V: float | None = None,
) -> Path:
    """Draw an interface profile (``x_axis``) or a sweep (``operating_voltage_V``) to ``path`` atomically."""
    from interfacestab.analyses.sweep import InterfaceSweep

    target = check_plot_path(path)
    if isinstance(result, InterfaceSweep):
        fig = sweep_figure(result, operating_voltage_V=operating_voltage_V)
    else:
        fig = interface_figure(result, x_axis=x_axis)
    return save_figure(fig, target)


def _probability_key(result: CoatingResult) -> str:
    """With ``--sigma``: ``  P = 87%``, the share of samples passing every criterion (a line of the key)."""
    if not result.pass_probability:
        return ""
    from interfacestab.reports.views.uncertainty import share_text

    return f"  P = {share_text(result.pass_probability.get('all', 0.0))}"


def _probability_key_note(screen: CoatingScreen, key: list[str]) -> list[str]:
    """The key's last line with ``--sigma``: what P is (once, after the candidates)."""
    if not key or screen.uncertainty is None:
        return []
    return [f"P: share of {screen.uncertainty['samples']} samples passing every criterion"]


def screen_figure(screen: CoatingScreen, *, top: int | None = None) -> Figure:
    """Reaction energy with the electrolyte vs with the charged cathode, coloured by the oxidation limit.

    Passing candidates are drawn as stars; the ``top`` (default 10) best-ranked candidates are labelled;
    the box shows the reaction-energy criteria.
    """
    n_labels = 10 if top is None else top
    if screen.anode_side:
        return anode_screen_figure(screen, top=n_labels)
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
        key.append(f"{rank}. {tex(r.formula)}{_probability_key(r)}")
    key += _probability_key_note(screen, key)
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
    ax.set_xlabel(f"reaction energy with {tex(screen.electrolyte)} (eV/atom)")
    ax.set_ylabel(f"reaction energy with {tex(screen.charged_cathode)} (eV/atom)")
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
        f"coatings for {tex(screen.electrolyte)} | {tex(screen.cathode)}: {len(screen.passed)} of "
        f"{len(screen.results)} pass "
        f"({screen.provenance.source.name})",
        fontsize=9,
    )
    return fig


def anode_screen_figure(screen: CoatingScreen, *, top: int | None = None) -> Figure:
    """An anode screen: reaction energy with the electrolyte vs with the anode, coloured by the reduction limit.

    Passing candidates are stars; the ``top`` (default 10) best-ranked are numbered with a key; the box shows
    the reaction-energy criteria and the colour bar marks the anode's potential (the reduction-limit threshold).
    """
    from matplotlib.patches import Rectangle

    n_labels = 10 if top is None else top
    c = screen.criteria
    ion = screen.ion
    fig, (ax,) = _new_figure(1, 5.5)
    rows = [
        r
        for r in screen.results
        if r.error is None
        and r.electrolyte_reaction_eV_per_atom is not None
        and r.anode_reaction_eV_per_atom is not None
    ]
    lim_x, lim_y = c.max_abs_electrolyte_reaction_eV_per_atom, c.max_abs_anode_reaction_eV_per_atom
    ax.add_patch(
        Rectangle(
            (-lim_x, -lim_y), lim_x, lim_y, facecolor="tab:green", alpha=0.1, edgecolor="tab:green", linestyle="--",
            label=f"|reaction energy| ≤ {fmt_energy(lim_x)} / {fmt_energy(lim_y)} eV/atom",
        )
    )  # fmt: skip
    limits = [r.reduction_limit_V for r in rows if r.reduction_limit_V is not None]
    mappable = None
    for passed, marker, size, label in (
        (False, "o", 30, "fails a criterion"),
        (True, "*", 160, "passes every criterion"),
    ):
        group = [r for r in rows if r.passed is passed]
        if group:
            mappable = ax.scatter(
                [r.electrolyte_reaction_eV_per_atom for r in group],
                [r.anode_reaction_eV_per_atom for r in group],
                c=[r.reduction_limit_V for r in group],
                cmap="viridis_r", vmin=min(limits), vmax=max([*limits, min(limits) + 1e-3]),
                marker=marker, s=size, edgecolors="black" if passed else "none", linewidths=0.8, label=label,
            )  # fmt: skip
    if mappable is not None:
        bar = fig.colorbar(mappable, ax=ax)
        bar.set_label(f"reduction limit (V vs {ion}/{ion}+)")
        bar.ax.axhline(c.reduction_threshold_V, color="red", linewidth=1.2)
    key = []
    for rank, r in enumerate([r for r in screen.results if r in rows][:n_labels], start=1):
        xy = (r.electrolyte_reaction_eV_per_atom, r.anode_reaction_eV_per_atom)
        ax.annotate(str(rank), xy, xytext=(3, 3 + 6 * (rank % 3)), textcoords="offset points", fontsize=6)
        key.append(f"{rank}. {tex(r.formula)}{_probability_key(r)}")
    key += _probability_key_note(screen, key)
    if key:
        ax.text(
            0.62, 0.03, "\n".join(key), transform=ax.transAxes, fontsize=7, va="bottom", ha="left",
            bbox={"facecolor": "white", "edgecolor": "lightgrey", "alpha": 0.9},
        )  # fmt: skip
    ax.axhline(0.0, color="grey", linewidth=0.6)
    ax.axvline(0.0, color="grey", linewidth=0.6)
    x_low = 1.1 * min([*(r.electrolyte_reaction_eV_per_atom or 0.0 for r in rows), -lim_x])
    y_low = 1.1 * min([*(r.anode_reaction_eV_per_atom or 0.0 for r in rows), -lim_y])
    ax.set_xlim(x_low, -0.05 * x_low)
    ax.set_ylim(y_low, -0.1 * y_low)
    anode = tex(screen.anode or "")
    ax.set_xlabel(f"reaction energy with {tex(screen.electrolyte)} (eV/atom)")
    ax.set_ylabel(f"reaction energy with the anode {anode} (eV/atom)")
    ax.legend(loc="lower left", frameon=False, fontsize=7)
    potential = fmt_voltage(c.anode_potential_V if c.anode_potential_V is not None else 0.0)
    ax.set_title(
        f"interlayers for {tex(screen.electrolyte)} | {anode} ({potential} V): {len(screen.passed)} of "
        f"{len(screen.results)} pass ({screen.provenance.source.name})",
        fontsize=9,
    )
    return fig

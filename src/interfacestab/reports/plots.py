"""Figures of results (matplotlib, imported inside the functions; Agg canvas, no pyplot state).

The file type follows the extension: ``.png`` or ``.svg``. Files are written through a
temporary file and ``os.replace``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from interfacestab.reports.export import OutputError, replace_atomically, temporary_sibling
from interfacestab.reports.tables import fmt_energy, fmt_fraction, fmt_phases, fmt_voltage, interface_energy_unit

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.window import StabilityWindow

PLOT_SUFFIXES: dict[str, str] = {".png": "png", ".svg": "svg"}
_PNG_DPI = 200


def check_plot_path(path: str | Path) -> Path:
    """The plot path, checked for a supported extension.

    Raises:
        OutputError: for an extension other than ``.png`` or ``.svg``.
    """
    p = Path(path).expanduser()
    if p.suffix.lower() not in PLOT_SUFFIXES:
        msg = f"cannot plot to '{p.name}': use a .png or .svg file name"
        raise OutputError(msg)
    return p


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
    tmp = temporary_sibling(target)
    try:
        fig.savefig(tmp, format=fmt, dpi=_PNG_DPI, metadata={"Date": None} if fmt == "svg" else None)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            msg = f"cannot write {target}: {exc.strerror or exc}"
            raise OutputError(msg) from exc
        raise
    replace_atomically(tmp, target)
    return target


def window_figure(result: StabilityWindow) -> Figure:
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
            xs, ys = [s.voltage_low_V, s.voltage_high_V], [
                s.decomposition_energy_low_eV_per_atom,
                s.decomposition_energy_high_eV_per_atom,
            ]
        elif s.voltage_low_V < REPORT_VOLTAGES_V[1]:
            xs = [s.voltage_low_V, REPORT_VOLTAGES_V[1]]
            ys = [s.decomposition_energy_low_eV_per_atom, s.decomposition_energy_eV_per_atom]
        else:
            xs, ys = [s.voltage_low_V], [s.decomposition_energy_low_eV_per_atom]
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
    ax_n.legend(loc="best", frameon=False)
    ax_n.set_title(f"{result.formula}: stability window vs {ion}/{ion}+ ({result.provenance.source.name})")
    return fig


def interface_figure(result: InterfaceProfile) -> Figure:
    """Reaction energy vs x_atomic_a through the exact kinks, with the minimum's products labelled."""
    fig, (ax,) = _new_figure(1, 4.5)
    xs = [k.x_atomic_a for k in result.kinks]
    ys = [k.reaction_energy_eV_per_atom for k in result.kinks]
    ax.plot(xs, ys, color="tab:blue", linewidth=1.5, marker="o", markersize=4)
    m = result.minimum
    ax.plot([m.x_atomic_a], [m.reaction_energy_eV_per_atom], marker="*", markersize=14, color="tab:red", linestyle="")
    ax.annotate(
        f"{fmt_phases(m.products)}\n{fmt_energy(m.reaction_energy_eV_per_atom)} {interface_energy_unit(result)} "
        f"at x = {fmt_fraction(m.x_atomic_a)}",
        xy=(m.x_atomic_a, m.reaction_energy_eV_per_atom),
        xytext=(0.5, 0.25),
        textcoords="axes fraction",
        ha="center",
        fontsize=8,
        arrowprops={"arrowstyle": "->", "color": "tab:red"},
    )
    ax.axhline(0.0, color="grey", linewidth=0.6)
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel(f"x (atomic fraction of {result.reactant_a} in {result.reactant_a} + {result.reactant_b})")
    ax.set_ylabel(f"reaction energy ({interface_energy_unit(result)})")
    system = "closed" if result.voltage_V is None else f"open to {result.ion} at {fmt_voltage(result.voltage_V)} V"
    ax.set_title(f"{result.reactant_a} | {result.reactant_b} ({system}; {result.provenance.source.name})")
    return fig


def plot(result: object, path: str | Path) -> Path:
    """Draw a window or interface result to ``path`` (PNG or SVG by extension); returns the path."""
    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.window import StabilityWindow

    target = check_plot_path(path)
    if isinstance(result, StabilityWindow):
        fig = window_figure(result)
    elif isinstance(result, InterfaceProfile):
        fig = interface_figure(result)
    else:
        msg = f"no plot for {type(result).__name__}"
        raise TypeError(msg)
    return save_figure(fig, target)


def plot_window(result: StabilityWindow, path: str | Path) -> Path:
    """Draw a stability window to ``path``."""
    return save_figure(window_figure(result), path)


def plot_interface(result: InterfaceProfile, path: str | Path) -> Path:
    """Draw an interface reaction profile to ``path``."""
    return save_figure(interface_figure(result), path)

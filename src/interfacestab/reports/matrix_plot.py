"""Heatmap of an interface matrix: electrolytes (rows) x electrodes (columns), each cell's energy written in it.

matplotlib is imported inside the function (Agg canvas, no pyplot state), as in :mod:`interfacestab.reports.plots`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from interfacestab.reports.format import fmt_energy, fmt_voltage

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from interfacestab.analyses.matrix import InterfaceMatrix


def matrix_heatmap(result: InterfaceMatrix) -> Figure:
    """Cells coloured by their graded energy (closed: the minimum; open: the mutual minimum), value written in.

    Failed pairs are grey and say ``error``. The colour scale runs from the most negative energy
    of the matrix (red) to 0 (white).
    """
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from interfacestab.reports.views.matrix import energy_unit, graded_energy

    rows, cols = len(result.electrolytes), len(result.electrodes)
    values = np.full((rows, cols), np.nan)
    for k, cell in enumerate(result.cells):
        value = graded_energy(result, cell)
        if value is not None:
            values[k // cols, k % cols] = value
    finite = values[np.isfinite(values)]
    low = float(min(finite.min(), -1e-3)) if finite.size else -1.0
    fig = Figure(figsize=(max(4.5, 1.3 * cols + 2.5), max(3.0, 0.6 * rows + 2.0)), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    cmap = _cmap()
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=low, vmax=0.0, aspect="auto")
    for k in range(len(result.cells)):
        i, j = divmod(k, cols)
        value = values[i, j]
        if math.isnan(value):
            ax.text(j, i, "error", ha="center", va="center", fontsize=8, color="black")
            continue
        dark = value < 0.6 * low
        ax.text(j, i, fmt_energy(float(value)) + _interval_label(result, k), ha="center", va="center", fontsize=9,
                color="white" if dark else "black")  # fmt: skip
    ax.set_xticks(range(cols), [_electrode_label(result, j) for j in range(cols)], rotation=30, ha="right")
    ax.set_yticks(range(rows), [_label(e) for e in result.electrolytes])
    ax.set_xlabel("electrode")
    ax.set_ylabel("electrolyte")
    unit = energy_unit(result)
    if result.open_system:
        what = f"mutual reaction energy, open to {result.ion} at {fmt_voltage(result.voltage_V)} V"
    else:
        what = "minimum reaction energy, closed"
    if result.state_of_charge is not None:
        what += f"; electrodes at state of charge {result.state_of_charge:g}"
    ax.set_title(what, fontsize=10)
    fig.colorbar(image, ax=ax, label=f"reaction energy ({unit})")
    return fig


def _interval_label(result: InterfaceMatrix, k: int) -> str:
    """With ``--sigma``, closed: the cell's sampled interval on a second line; else nothing.

    Open cells are graded by the mutual energy, which is not sampled.
    """
    u = result.cells[k].uncertainty
    if u is None or result.open_system:
        return ""
    sep = " to " if u.reaction_energy.low < 0 or u.reaction_energy.high < 0 else "-"
    return f"\n({fmt_energy(u.reaction_energy.low)}{sep}{fmt_energy(u.reaction_energy.high)})"


def _cmap():  # type: ignore[no-untyped-def]
    from matplotlib import colormaps

    return colormaps["Reds_r"].with_extremes(bad="lightgrey")


def _electrode_label(result: InterfaceMatrix, column: int) -> str:
    """The electrode as given, and as reacted when that differs (``LiCoO2 (CoO2)`` at a state of charge)."""
    name = result.electrodes[column]
    reacted = next(
        (c.electrode_formula for c in result.cells[column :: len(result.electrodes)] if c.electrode_formula), name
    )
    return _label(name) if reacted == name else f"{_label(name)} ({_label(reacted)})"


def _label(formula: str) -> str:
    """A formula with its amounts as subscripts (mathtext): ``Li6PS5Cl`` -> ``Li$_{6}$PS$_{5}$Cl``."""
    import re

    return re.sub(r"(\d+(?:\.\d+)?(?:/\d+)?)", r"$_{\1}$", formula)

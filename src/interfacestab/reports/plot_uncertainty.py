"""Bands of sampled intervals (``--sigma``) on matplotlib axes; the window figure can call :func:`uncertainty_band`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from interfacestab.analyses.window import StabilityWindow


def uncertainty_band(ax: Axes, result: StabilityWindow, *, color: str = "tab:orange", alpha: float = 0.25) -> int:
    """Shade the sampled interval of each window limit (vertical bands in V); returns how many were drawn.

    Draws nothing for a window computed without ``--sigma``.
    """
    u = result.uncertainty
    if u is None:
        return 0
    pct = f"{u.confidence * 100:g}%"
    drawn = 0
    for name, interval in (("reduction", u.reduction_limit_V), ("oxidation", u.oxidation_limit_V)):
        if interval is None:
            continue
        ax.axvspan(interval.low, interval.high, color=color, alpha=alpha, linewidth=0,
                   label=f"{name} limit, {pct} interval" if drawn == 0 else f"{name} limit")  # fmt: skip
        drawn += 1
    return drawn

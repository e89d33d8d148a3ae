"""Bands of sampled intervals (``--sigma``) on matplotlib axes: the window and interface figures draw them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.window import StabilityWindow


def uncertainty_band(ax: Axes, result: StabilityWindow, *, color: str = "tab:cyan", alpha: float = 0.3) -> int:
    """Shade the sampled interval of each window limit (vertical bands in V); returns how many were drawn.

    Draws nothing for a window computed without ``--sigma``.
    """
    u = result.uncertainty
    if u is None:
        return 0
    pct = f"{u.confidence * 100:g}%"
    drawn = 0
    for interval in (u.reduction_limit_V, u.oxidation_limit_V):
        if interval is None:
            continue
        ax.axvspan(interval.low, interval.high, facecolor=color, alpha=alpha, edgecolor=color, hatch="\\\\",
                   linewidth=0, label=f"sampled {pct} interval of each limit" if drawn == 0 else None)  # fmt: skip
        drawn += 1
    return drawn


def interface_interval_marks(ax: Axes, result: InterfaceProfile, x: float, *, x_axis: str = "atomic") -> bool:
    """Error bars on the minimum: the sampled interval of its reaction energy (and of its x on the atomic axis).

    Draws nothing (False) for an interface computed without ``--sigma``.
    """
    u = result.uncertainty
    if u is None:
        return False
    y = result.minimum.reaction_energy_eV_per_normalising_atom
    e = u.reaction_energy
    x_err = None
    if x_axis == "atomic":
        x_err = [[max(x - u.x_atomic_a.low, 0.0)], [max(u.x_atomic_a.high - x, 0.0)]]
    ax.errorbar([x], [y], yerr=[[max(y - e.low, 0.0)], [max(e.high - y, 0.0)]], xerr=x_err, fmt="none",
                ecolor="tab:purple", elinewidth=2.0, capsize=6, zorder=6,
                label=f"minimum: sampled {u.confidence * 100:g}% interval")  # fmt: skip
    return True

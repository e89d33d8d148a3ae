"""Report lines of sampled intervals (``--sigma``): ``1.72 (1.65-1.80) V`` and product-set frequencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.reports.format import NONE_TEXT, fmt_energy, fmt_phases, fmt_voltage
from interfacestab.reports.model import Column, Item, Row, Table

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.screening.results import CoatingResult, CoatingScreen
    from interfacestab.analyses.uncertainty import Interval
    from interfacestab.analyses.window import StabilityWindow

#: Product sets listed per limit (the rest are summed as "others").
MAX_PRODUCT_SETS = 4


def interval_text(point: float | None, interval: Interval | None, fmt: Callable[[float], str] = fmt_voltage) -> str:
    """``1.72 (1.65-1.80)``: the point value and the sampled central interval."""
    if point is None or interval is None:
        return NONE_TEXT
    sep = " to " if interval.low < 0 or interval.high < 0 else "-"
    return f"{fmt(point)} ({fmt(interval.low)}{sep}{fmt(interval.high)})"


def _settings_text(u: object) -> str:
    return (
        f"{u.confidence * 100:g}% interval of {u.samples} samples, sigma = {u.sigma_eV_per_atom:g} eV/atom, "  # type: ignore[attr-defined]
        f"seed {u.seed}, model {u.model} (correlated per corrected element), {u.method}"  # type: ignore[attr-defined]
    )


def _frequencies_text(freq: tuple[tuple[tuple[str, ...], float], ...]) -> str:
    shown = [f"{fmt_phases(p) if p else NONE_TEXT} {f * 100:.0f}%" for p, f in freq[:MAX_PRODUCT_SETS]]
    rest = sum(f for _, f in freq[MAX_PRODUCT_SETS:])
    if rest > 0:
        shown.append(f"others {rest * 100:.0f}%")
    return ", ".join(shown)


def window_uncertainty_items(result: StabilityWindow) -> tuple[Item, ...]:
    """Head lines of a window sampled with ``--sigma`` (none otherwise)."""
    u = result.uncertainty
    if u is None:
        return ()
    limits = f"reduction {interval_text(result.reduction_limit_V, u.reduction_limit_V)} V"
    if u.oxidation_limit_V is None:
        limits += f", oxidation {NONE_TEXT} (no {result.ion} to release)"
    else:
        limits += f", oxidation {interval_text(result.oxidation_limit_V, u.oxidation_limit_V)} V"
    items = [
        Item("interval", limits, _settings_text(u), emphasis=True),
        Item("reduction products", _frequencies_text(u.reduction_products_frequency)),
    ]
    if u.oxidation_limit_V is not None:
        items.append(Item("oxidation products", _frequencies_text(u.oxidation_products_frequency)))
    items += _point_outside_items(result)
    return tuple(items)


def _point_outside_items(result: StabilityWindow) -> list[Item]:
    """A warning line for each limit whose point value lies outside its sampled interval."""
    u = result.uncertainty
    if u is None:
        return []
    out = []
    for name, point, quantile, outside in (
        ("reduction", result.reduction_limit_V, u.reduction_point_quantile, u.reduction_point_outside_interval),
        ("oxidation", result.oxidation_limit_V, u.oxidation_point_quantile, u.oxidation_point_outside_interval),
    ):
        if not outside or point is None or quantile is None:
            continue
        side = "below" if quantile < 0.5 else "above"
        share = quantile if quantile < 0.5 else 1 - quantile
        out.append(
            Item(
                "point outside interval",
                f"the point {name} limit {fmt_voltage(point)} V lies {side} its sampled interval "
                f"({share * 100:.1f}% of samples are further {side})",
                "the sampled limit is the extreme of many competing reactions, which errors shift one way (bias)",
            )
        )
    return out


def window_uncertainty_legend(result: StabilityWindow) -> tuple[str, ...]:
    """How to read ``1.72 (1.66-2.04) V``: the point value, then the sampled interval (its median may differ)."""
    u = result.uncertainty
    if u is None:
        return ()
    return (
        f"interval: point value (low-high, {u.confidence * 100:g} % interval of the sampled limit; median in JSON)",
    )


def interface_uncertainty_items(result: InterfaceProfile, unit: str) -> tuple[Item, ...]:
    """Head lines of an interface sampled with ``--sigma`` (none otherwise)."""
    u = result.uncertainty
    if u is None:
        return ()
    point = result.minimum.reaction_energy_eV_per_normalising_atom
    return (
        Item(
            "interval", f"{interval_text(point, u.reaction_energy, fmt_energy)} {unit}", _settings_text(u),
            emphasis=True,
        ),
        Item("products at minimum", _frequencies_text(u.products_frequency)),
    )  # fmt: skip


_PROBABILITY_COLUMNS = (
    ("all", "all"), ("e_above_hull", "E_hull"), ("reduction_limit", "reduction"), ("oxidation_limit", "oxidation"),
    ("electrolyte_reaction", "dE el."), ("cathode_reaction", "dE cath."), ("charged_cathode_reaction", "dE chg."),
)  # fmt: skip


def _percent(value: float | None) -> str:
    return NONE_TEXT if value is None else f"{value * 100:.0f}%"


def screen_probability_tables(screen: CoatingScreen, shown: Sequence[CoatingResult]) -> tuple[Table, ...]:
    """A table of pass probabilities per criterion for a screen run with ``--sigma`` (none otherwise)."""
    if screen.uncertainty is None:
        return ()
    u = screen.uncertainty
    columns = (
        Column(("rank",), "#", align="right", key=True),
        Column(("formula",), "formula", wrap=True, key=True),
        *(Column((f"pass_probability_{k}",), label, "P", align="right") for k, label in _PROBABILITY_COLUMNS),
    )
    rows = tuple(
        Row(
            (str(rank), r.formula, *(_percent((r.pass_probability or {}).get(k)) for k, _ in _PROBABILITY_COLUMNS)),
            emphasis=r.passed,
        )
        for rank, r in enumerate(shown, start=1)
    )
    title = (
        f"probability of passing each criterion and all of them ({u['samples']} samples, sigma = "
        f"{u['sigma_eV_per_atom']:g} eV/atom, seed {u['seed']}; ranked by {u['ranked_by']})"
    )
    return (Table(title, columns, rows, empty="no candidate"),)

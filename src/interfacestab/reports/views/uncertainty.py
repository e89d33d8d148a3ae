"""Report lines of sampled intervals (``--sigma``): ``1.72 (1.65-1.80) V`` and product-set frequencies."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from interfacestab.analyses.error_model import MODEL_DESCRIPTIONS
from interfacestab.reports.format import NONE_TEXT, fmt_energy, fmt_phases, fmt_voltage
from interfacestab.reports.model import Column, Item, Row, Table

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.matrix import InterfaceMatrix, MatrixCell
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


#: What each error model and sampling route is, in a few words (the legend of every sampled report).
MODEL_TEXT = MODEL_DESCRIPTIONS
METHOD_TEXT = {
    "reactions": "every candidate reaction enumerated once, evaluated per sample",
    "lp": "linear programmes per sample, optimal bases certified for all samples at once",
    "resampling": "a full window per sample",
}


def settings_text(u: object, others: Sequence[object] = ()) -> str:
    """How a result was sampled, in words: confidence, samples, sigma, seed, model and method.

    ``others``: every sampled part of a many-part result (scan rows, sweep points, matrix cells; ``u`` is
    one of them); their models and methods are counted when they differ (the settings are the same for all).
    """
    parts = list(others) if others else [u]
    models = Counter(str(getattr(p, "model", "")) for p in parts)
    methods = Counter(str(getattr(p, "method", "")) for p in parts)
    model = _model_text(u) if len(models) == 1 else "models " + _counted(models, MODEL_TEXT)
    method = (
        f"method {u.method} ({METHOD_TEXT.get(u.method, u.method)})"  # type: ignore[attr-defined]
        if len(methods) == 1
        else "methods " + _counted(methods, METHOD_TEXT)
    )
    return (
        f"{u.confidence * 100:g}% interval of {u.samples} samples, sigma = {u.sigma_eV_per_atom:g} eV/atom, "  # type: ignore[attr-defined]
        f"seed {u.seed}; {model}; {method}"  # type: ignore[attr-defined]
    )


def _counted(counts: Counter[str], words: Mapping[str, str]) -> str:
    """``lp (3: ...), reactions (1: ...)``: each name, how many parts used it and what it is."""
    return ", ".join(f"{name} ({n}: {words.get(name, name)})" for name, n in sorted(counts.items()))


def share_text(value: float) -> str:
    """A share of samples as a percentage: ``<1%`` and ``>99%`` rather than a rounded 0 or 100."""
    if 0 < value < 0.01:
        return "<1%"
    if 0.99 < value < 1:
        return ">99%"
    return f"{value * 100:.0f}%"


def _model_text(u: object) -> str:
    """Which error model was sampled, in words (mp2020: how many corrections)."""
    model = getattr(u, "model", "")
    if model == "mp2020":
        corrections = getattr(u, "corrections_sampled", ())
        return (
            f"model mp2020 (uncertainties of {len(corrections)} MP2020 corrections, each shared by its compounds, "
            "plus sigma smooth in composition)"
        )
    return f"model {model} ({MODEL_TEXT.get(model, model)})"


def _frequencies_text(freq: tuple[tuple[tuple[str, ...], float], ...]) -> str:
    shown = [f"{fmt_phases(p) if p else NONE_TEXT} {share_text(f)}" for p, f in freq[:MAX_PRODUCT_SETS]]
    rest = sum(f for _, f in freq[MAX_PRODUCT_SETS:])
    if rest > 0:
        shown.append(f"others {share_text(rest)}")
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
        Item("interval", limits, settings_text(u), emphasis=True),
        Item("reduction products (share of samples)", _frequencies_text(u.reduction_products_frequency)),
    ]
    if u.oxidation_limit_V is not None:
        items.append(Item("oxidation products (share of samples)", _frequencies_text(u.oxidation_products_frequency)))
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
    return (f"interval: point value (low-high, {u.confidence * 100:g}% interval of the sampled limit; median in JSON)",)


def interface_uncertainty_items(result: InterfaceProfile, unit: str) -> tuple[Item, ...]:
    """Head lines of an interface sampled with ``--sigma`` (none otherwise)."""
    u = result.uncertainty
    if u is None:
        return ()
    point = result.minimum.reaction_energy_eV_per_normalising_atom
    return (
        Item(
            "interval", f"{interval_text(point, u.reaction_energy, fmt_energy)} {unit}", settings_text(u),
            emphasis=True,
        ),
        Item("products at minimum (share of samples)", _frequencies_text(u.products_frequency)),
    )  # fmt: skip


def interface_uncertainty_legend(result: InterfaceProfile) -> tuple[str, ...]:
    """How to read the interval of an interface sampled with ``--sigma``, and what it does not cover."""
    u = result.uncertainty
    if u is None:
        return ()
    return (
        f"interval: point value (low to high, {u.confidence * 100:g}% interval of the sampled minimum; median in "
        "JSON); it covers formation-energy errors under the stated model only, not missing phases, kinetics or "
        "finite temperature",
    )


_PROBABILITY_COLUMNS = (
    ("all", "all"), ("e_above_hull", "E_hull"), ("reduction_limit", "reduction"), ("oxidation_limit", "oxidation"),
    ("electrolyte_reaction", "dE el."), ("cathode_reaction", "dE cath."), ("charged_cathode_reaction", "dE chg."),
)  # fmt: skip
#: The criteria of an anode-interlayer screen (no oxidation limit, the reaction with the anode).
_ANODE_PROBABILITY_COLUMNS = (
    ("all", "all"), ("e_above_hull", "E_hull"), ("reduction_limit", "reduction"), ("electrolyte_reaction", "dE el."),
    ("anode_reaction", "dE anode"),
)  # fmt: skip


def _percent(value: float | None) -> str:
    return NONE_TEXT if value is None else share_text(value)


def screen_probability_tables(screen: CoatingScreen, shown: Sequence[CoatingResult]) -> tuple[Table, ...]:
    """A table of pass probabilities per criterion for a screen run with ``--sigma`` (none otherwise)."""
    if screen.uncertainty is None:
        return ()
    u = screen.uncertainty
    keys = _ANODE_PROBABILITY_COLUMNS if screen.anode_side else _PROBABILITY_COLUMNS
    columns = (
        Column(("rank",), "#", align="right", key=True),
        Column(("formula",), "formula", wrap=True, key=True),
        *(Column((f"pass_probability_{k}",), label, "P", align="right") for k, label in keys),
    )
    rows = tuple(
        Row(
            (str(rank), r.formula, *(_percent((r.pass_probability or {}).get(k)) for k, _ in keys)),
            emphasis=r.passed,
        )
        for rank, r in enumerate(shown, start=1)
    )
    model = str(u.get("model", ""))
    title = (
        f"probability of passing each criterion and all of them ({u['samples']} samples, sigma = "
        f"{u['sigma_eV_per_atom']:g} eV/atom, seed {u['seed']}, model {model}: {MODEL_TEXT.get(model, model)}; "
        f"ranked by {u['ranked_by']})"
    )
    return (Table(title, columns, rows, empty="no candidate"),)


# -- interface matrix (``matrix --sigma``) ------------------------------------------------------
def _range_text(interval: Interval) -> str:
    """``-0.150 to -0.101`` (or ``0.01-0.02``): the sampled interval alone, energies at the report's precision."""
    sep = " to " if interval.low < 0 or interval.high < 0 else "-"
    return f"{fmt_energy(interval.low)}{sep}{fmt_energy(interval.high)}"


def matrix_cell_interval_text(cell: MatrixCell) -> str:
    """A sampled grid cell: ``-0.123 (-0.150 to -0.101)``; open ``total (low to high) / mutual`` (not sampled)."""
    u = cell.uncertainty
    point = cell.reaction_energy_eV_per_normalising_atom
    if u is None:
        return NONE_TEXT if point is None else fmt_energy(point)
    text = interval_text(point, u.reaction_energy, fmt_energy)
    if cell.open_system:
        return f"{text} / {fmt_energy(cell.most_negative_mutual_reaction_energy_eV_per_normalising_atom)}"
    return text


def matrix_cell_interval_cells(cell: MatrixCell) -> list[str]:
    """The interval of a pair's minimum and how often each product set is at it (``–`` when not sampled)."""
    u = cell.uncertainty
    if u is None:
        return ["–", "–"]
    return [_range_text(u.reaction_energy), _frequencies_text(u.products_frequency)]


def matrix_uncertainty_legend(result: InterfaceMatrix) -> tuple[str, ...]:
    """How to read a sampled matrix, and the sampling settings (none when not sampled)."""
    if result.uncertainty is None:
        return ()
    u = next((c.uncertainty for c in result.cells if c.uncertainty is not None), None)
    s = result.uncertainty
    what = "the total minimum; the mutual energy is not sampled" if result.open_system else "the minimum"
    lines = [
        f"interval: point value (low to high, {s.confidence * 100:g}% interval of the sampled reaction energy of "
        f"{what}; median in JSON), as `interface --sigma` gives for the pair; the colours grade the point value",
    ]
    if u is not None:
        lines.append(f"sampling: {settings_text(u, [c.uncertainty for c in result.cells if c.uncertainty])}")
    return tuple(lines)

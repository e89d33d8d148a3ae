"""Report of an interface voltage sweep: the located product changes and the minimum at each voltage."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from interfacestab.reports import plots
from interfacestab.reports.format import (
    fmt_energy,
    fmt_fraction,
    fmt_phases,
    fmt_voltage,
    fmt_voltage_fine,
    provenance_lines,
)
from interfacestab.reports.model import Column, Item, Report, Row, Table
from interfacestab.reports.registry import View, register
from interfacestab.reports.views.interphase_text import VERDICT_COLUMN, VERDICT_LEGEND, verdict_cell
from interfacestab.reports.views.uncertainty import interval_text, settings_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.analyses.interface import InterfaceKink
    from interfacestab.analyses.sweep import InterfaceSweep, SweepPoint

#: Conventions of a sweep's provenance that describe only its first voltage (the head gives the range).
SWEEP_SKIPPED_CONVENTIONS = ("system",)


def sweep_range_text(result: InterfaceSweep) -> str:
    """``0.00 … 5.00 V vs Li/Li+ (11 voltages)``."""
    vs = [p.voltage_V for p in result.points]
    ref = f"{result.ion}/{result.ion}+"
    if not vs:
        return f"no voltages vs {ref}"
    return f"{fmt_voltage(vs[0])} … {fmt_voltage(vs[-1])} V vs {ref} ({len(vs)} voltages)"


def phase_change_text(below: Sequence[str], above: Sequence[str]) -> str:
    """What changes between two phase sets: ``−Co +Co9S8`` (phases present on both sides omitted)."""
    gone = [p for p in below if p not in above]
    new = [p for p in above if p not in below]
    return " ".join([*(f"−{p}" for p in gone), *(f"+{p}" for p in new)]) or "same phases"


def transition_method_text(method: str, tolerance_V: float) -> str:
    """``crossing (±1e-06 V)`` or ``bisection (±5e-05 V)``."""
    return f"{method} (±{tolerance_V:.0e} V)"


def _mutual_kink(p: SweepPoint) -> InterfaceKink:
    return p.mutual_minimum if p.mutual_minimum is not None else p.minimum


def _mutual_energy_eV_per_nonion_atom(p: SweepPoint) -> float:
    value = _mutual_kink(p).mutual_reaction_energy_eV_per_nonion_atom
    return math.inf if value is None else value


def _head(result: InterfaceSweep, unit: str) -> tuple[Item, ...]:
    ion = result.ion
    items = [Item("system", f"open to {ion} at {sweep_range_text(result)}")]
    if result.points:
        low = min(result.points, key=lambda p: p.reaction_energy_eV_per_nonion_atom)
        items.append(
            Item(
                "most negative",
                f"{fmt_energy(low.reaction_energy_eV_per_nonion_atom)} {unit} at {fmt_voltage(low.voltage_V)} V "
                f"→ {fmt_phases(low.minimum.products)}",
            )
        )
        mutual = min(result.points, key=lambda p: _mutual_energy_eV_per_nonion_atom(p))
        kink = _mutual_kink(mutual)
        items.append(
            Item(
                "most negative mutual",
                f"{fmt_energy(kink.mutual_reaction_energy_eV_per_nonion_atom)} {unit} "
                f"at {fmt_voltage(mutual.voltage_V)} V → {fmt_phases(kink.products)} "
                f"(over all kinks at the grid voltages: dE minus the reactants' own "
                f"decomposition with the {ion} reservoir)",
                emphasis=True,
            )
        )
    items.append(
        Item(
            "product changes",
            f"{len(result.transitions)} located exactly ({result.n_evaluations} interface evaluations)",
        )
    )
    return tuple(items)


def _energy_cell(p: SweepPoint) -> str:
    """DE of the minimum, with ``(low to high)`` when the sweep sampled energy errors."""
    value = p.reaction_energy_eV_per_nonion_atom
    if p.uncertainty is None:
        return fmt_energy(value)
    return interval_text(value, p.uncertainty.reaction_energy, fmt_energy)


def _sampling_legend(result: InterfaceSweep) -> tuple[str, ...]:
    """With ``--sigma``: how to read the intervals of dE and how they were sampled."""
    sampled = [p.uncertainty for p in result.points if p.uncertainty is not None]
    if not sampled:
        return ()
    u = sampled[0]
    return (
        f"dE with --sigma: point value (low to high, {u.confidence * 100:g}% interval of the sampled minimum at "
        "that voltage; median and product-set shares in JSON); it covers formation-energy errors under the stated "
        "model only",
        f"sampling: {settings_text(u, sampled)}",
    )


def sweep_report(result: InterfaceSweep, *, top: int | None = None) -> Report:
    """The report of a voltage sweep (``top`` is not used)."""
    ion = result.ion
    unit = f"eV per non-{ion} atom"
    transitions = Table(
        f"voltages where the products of the most negative reaction change (V vs {ion}/{ion}+)",
        (
            Column(("voltage_V",), "V", align="right"),
            Column(("products_below",), "products below", wrap=True),
            Column(("products_above",), "products above", wrap=True),
            Column(("products_below", "products_above"), "change", wrap=True),
            Column(("method", "tolerance_V"), "method"),
        ),
        tuple(
            Row(
                (
                    fmt_voltage_fine(t.voltage_V),
                    fmt_phases(t.products_below),
                    fmt_phases(t.products_above),
                    phase_change_text(t.products_below, t.products_above),
                    transition_method_text(t.method, t.tolerance_V),
                )
            )
            for t in result.transitions
        ),
        empty="no change of products over the sweep",
    )
    points = Table(
        f"most negative reaction at each voltage (dE in {unit})",
        (
            Column(("voltage_V",), "V", align="right"),
            Column(("reaction_energy_eV_per_nonion_atom",), "dE", align="right"),
            Column(("mutual_reaction_energy_eV_per_nonion_atom",), "mutual", align="right"),
            Column(("x_atomic_a",), "x_atomic", align="right"),
            Column(("x_molar_a",), "x_molar", align="right"),
            Column(("products",), "products", wrap=True),
            VERDICT_COLUMN,
        ),
        tuple(
            Row(
                (
                    fmt_voltage(p.voltage_V),
                    _energy_cell(p),
                    fmt_energy(p.minimum.mutual_reaction_energy_eV_per_nonion_atom),
                    fmt_fraction(p.minimum.x_atomic_a),
                    fmt_fraction(p.minimum.x_molar_a),
                    fmt_phases(p.minimum.products),
                    verdict_cell(p.minimum.interphase),
                )
            )
            for p in result.points
        ),
    )
    legend = (
        "crossing: two competing reactions swap, located exactly; bisection: a phase appears or vanishes, "
        "located to the stated tolerance",
        f"x = fraction of {result.reactant_a} (x_atomic counts its {ion} too); x = 1 or 0 means one reactant "
        f"reacting with the {ion} reservoir alone",
        "mutual: the reaction's dE minus the reactants' own decomposition with the reservoir "
        "(the interface's own share)",
        VERDICT_LEGEND,
        *_sampling_legend(result),
    )
    return Report(
        title=f"{result.reactant_a} | {result.reactant_b}: interface reactions vs voltage",
        head=_head(result, unit),
        tables=(transitions, points),
        legend=legend,
        provenance=provenance_lines(result.provenance, skip=SWEEP_SKIPPED_CONVENTIONS),
    )


register(View("interfacestab.analyses.sweep.InterfaceSweep", sweep_report, plots.sweep_figure))

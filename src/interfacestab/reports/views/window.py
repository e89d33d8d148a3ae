"""Report of a stability window: the window and limit products first, the voltage profile, provenance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.conventions import EnergySource, StabilizationPolicy
from interfacestab.reports import plots
from interfacestab.reports.format import (
    NONE_TEXT,
    fmt_energy,
    fmt_ion_amount,
    fmt_meV,
    fmt_phases,
    fmt_voltage,
    mark,
    provenance_lines,
)
from interfacestab.reports.model import Column, Item, Report, Row, Table
from interfacestab.reports.registry import View, register
from interfacestab.reports.views.uncertainty import window_uncertainty_items

if TYPE_CHECKING:
    from interfacestab.analyses.window import StabilityWindow, WindowStage


def window_range_text(result: StabilityWindow) -> str:
    """The window as one phrase: ``1.72 – 2.14 V vs Li/Li+``."""
    ref = f"{result.ion}/{result.ion}+"
    red = fmt_voltage(result.reduction_limit_V)
    if result.oxidation_limit_V is None:
        return f"{red} V – {NONE_TEXT} vs {ref}"
    return f"{red} – {fmt_voltage(result.oxidation_limit_V)} V vs {ref}"


def target_text(result: StabilityWindow) -> str:
    """``Li6PS5Cl (mp-985592)``, ``La2O3 (in the data, no material id)`` or ``... (virtual: not in the data)``."""
    if not result.in_database:
        return f"{result.formula} (virtual: not in the data)"
    return f"{result.formula} ({result.material_id or 'in the data, no material id'})"


def stabilization_summary(result: StabilityWindow) -> str:
    """What was done to the target's energy, in words, with e_above_hull in meV/atom."""
    e_above = result.e_above_hull_eV_per_atom
    if e_above is None:
        above = "not in the data"
    elif fmt_meV(e_above) == "0":
        above = "on the hull (0 meV/atom)"
    else:
        above = f"{fmt_meV(e_above)} meV/atom above the hull"
    if result.energy_source == EnergySource.USER:
        return f"energy set by the user: {above} (--energy-above-hull)"
    if not result.in_database:
        if result.stabilized or result.stabilization_policy == StabilizationPolicy.STABILIZE:
            return "virtual composition (not in the data), placed on the hull (policy: stabilize)"
        return "virtual composition (not in the data)"
    if result.stabilized:
        return f"{above} in the data; stabilized onto the hull (policy: stabilize)"
    if result.stabilization_policy == StabilizationPolicy.NO_STABILIZE and e_above is not None and e_above > 0:
        return f"{above}; kept as is (policy: no-stabilize): limits of its equilibrium decomposition products"
    return f"{above} (policy: {result.stabilization_policy})"


def stage_reaction_text(stage: WindowStage) -> str:
    """A stage's reaction; a stage whose only phase is the target reads ``stable (no reaction)``."""
    left, _, right = stage.reaction.partition(" -> ")
    return "stable (no reaction)" if stage.is_window and left.strip() == right.strip() else stage.reaction


def _head(result: StabilityWindow) -> tuple[Item, ...]:
    ion = result.ion
    items = [Item("window", window_range_text(result), emphasis=True)]
    if result.width_V is not None:
        items.append(Item("width", f"{fmt_voltage(result.width_V)} V"))
    items += [Item("target", target_text(result)), Item("e_above_hull", stabilization_summary(result))]
    if result.reduction_products:
        reduction = f"below {fmt_voltage(result.reduction_limit_V)} V → {fmt_phases(result.reduction_products)}"
    else:
        reduction = f"{NONE_TEXT} (stable down to 0 V, against {ion} metal)"
    items.append(Item("reduction", reduction, result.reduction_reaction or ""))
    if result.oxidation_limit_V is None:
        oxidation = f"{NONE_TEXT} (no {ion} to release: the window is open-ended upward)"
    else:
        oxidation = f"above {fmt_voltage(result.oxidation_limit_V)} V → {fmt_phases(result.oxidation_products)}"
    items.append(Item("oxidation", oxidation, result.oxidation_reaction or ""))
    items.append(
        Item(
            "decomposition energy",
            f"{fmt_energy(result.decomposition_energy_at_0V_eV_per_nonion_atom)} eV/non-{ion} atom at 0 V, "
            f"{fmt_energy(result.decomposition_energy_at_5V_eV_per_nonion_atom)} eV/non-{ion} atom at 5 V",
        )
    )
    items += window_uncertainty_items(result)
    return tuple(items)


def window_report(result: StabilityWindow, *, top: int | None = None) -> Report:
    """The report of a stability window (``top`` is not used)."""
    ion = result.ion
    columns = (
        Column(("voltage_low_V",), "V low", align="right"),
        Column(("voltage_high_V",), "V high", align="right"),
        Column(("ion_per_formula_unit",), f"{ion} per f.u.", align="right"),
        Column(("phases",), "phases", wrap=True),
        Column(("reaction",), "reaction", wrap=True),
        Column(("decomposition_energy_eV_per_nonion_atom",), "E_decomp", f"eV/non-{ion} atom", align="right"),
        Column(("is_window",), ""),
    )
    rows = tuple(
        Row(
            (
                fmt_voltage(s.voltage_low_V),
                fmt_voltage(s.voltage_high_V),
                fmt_ion_amount(s.ion_per_formula_unit),
                fmt_phases(s.phases),
                stage_reaction_text(s),
                fmt_energy(s.decomposition_energy_eV_per_nonion_atom),
                mark(s.is_window),
            ),
            emphasis=s.is_window,
        )
        for s in result.profile
    )
    legend = (
        "◀ the stability window",
        f"{ion} per f.u.: {ion} taken up (+) or released (-) per formula unit of {result.formula}",
        f"E_decomp: grand-potential decomposition energy per non-{ion} atom at the stage end farthest "
        "from the window (within 0-5 V)",
    )
    return Report(
        title=f"{result.formula}: stability window vs {ion}/{ion}+",
        head=_head(result),
        tables=(Table(f"voltage profile (V vs {ion}/{ion}+)", columns, rows),),
        legend=legend,
        notes=tuple(result.notes),
        provenance=provenance_lines(result.provenance),
    )


register(View("interfacestab.analyses.window.StabilityWindow", window_report, plots.window_figure))

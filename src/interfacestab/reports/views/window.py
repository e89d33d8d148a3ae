"""Report of a stability window: the window and limit products first, the voltage profile, provenance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.conventions import (
    REPORT_VOLTAGES_V,
    WINDOW_CAVEATS,
    WINDOW_SAMPLED_THERMODYNAMICS_CAVEAT,
    EnergySource,
    StabilizationPolicy,
)
from interfacestab.reports import plots
from interfacestab.reports.format import (
    MISSING_TEXT,
    NONE_TEXT,
    fmt_energy,
    fmt_ion_amount,
    fmt_meV,
    fmt_phases,
    fmt_voltage,
    fmt_voltage_fine,
    mark,
    provenance_lines,
)
from interfacestab.reports.model import Column, Item, Report, Row, Section, Table
from interfacestab.reports.registry import View, register
from interfacestab.reports.views.interphase_text import (
    VERDICT_COLUMN,
    VERDICT_LEGEND,
    interphase_section,
    verdict_cell,
)
from interfacestab.reports.views.uncertainty import window_uncertainty_items, window_uncertainty_legend

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
    items += [Item("target", target_text(result)), *_typed_formula_items(result)]
    items.append(Item("e_above_hull", stabilization_summary(result)))
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
    items += _normalisation_items(result)
    items += window_uncertainty_items(result)
    return tuple(items)


def familiar_formula(result: StabilityWindow) -> str:
    """``Li10GeP2S12 (Li10Ge(PS6)2)``: the formula as typed beside the reduced one, or the reduced one alone."""
    typed = result.input_formula
    return result.formula if not typed or typed == result.formula else f"{typed} ({result.formula})"


def _typed_formula_items(result: StabilityWindow) -> list[Item]:
    """The formula as the user typed it, when the reduced formula is written differently."""
    typed = result.input_formula
    if not typed or typed == result.formula:
        return []
    return [Item("formula", f"{typed} as typed; {result.formula} reduced (as the data and pymatgen write it)")]


def fmt_capacity(value_mAh_per_g: float | None) -> str:
    """A capacity in mAh/g to 0.1 mAh/g."""
    return NONE_TEXT if value_mAh_per_g is None else f"{value_mAh_per_g:.1f}"


def _normalisation_items(result: StabilityWindow) -> list[Item]:
    """Per-target-atom decomposition energies, and the profile's range when it is not 0-5 V (issue 12)."""
    items = [
        Item(
            "decomposition energy per atom",
            f"{fmt_energy(result.decomposition_energy_at_0V_eV_per_target_atom)} eV/atom of {result.formula} at 0 V, "
            f"{fmt_energy(result.decomposition_energy_at_5V_eV_per_target_atom)} eV/atom of {result.formula} at 5 V",
        )
    ]
    if result.max_voltage_V != REPORT_VOLTAGES_V[1]:
        items.append(
            Item(
                f"at {fmt_voltage(result.max_voltage_V)} V",
                f"{fmt_energy(result.decomposition_energy_at_max_voltage_eV_per_nonion_atom)} eV/non-{result.ion} "
                f"atom, {fmt_energy(result.decomposition_energy_at_max_voltage_eV_per_target_atom)} eV/atom of "
                f"{result.formula} (--max-voltage)",
            )
        )
    return items


def _capacity_columns(result: StabilityWindow) -> tuple[Column, ...]:
    return (
        Column(("cumulative_capacity_mAh_per_g",), "cumulative capacity", "mAh/g", align="right"),
        Column(("decomposition_energy_eV_per_target_atom",), "E_decomp per atom", "eV/atom", align="right"),
    )


def _capacity_cells(stage: WindowStage) -> tuple[str, ...]:
    return (
        fmt_capacity(stage.cumulative_capacity_mAh_per_g),
        fmt_energy(stage.decomposition_energy_eV_per_target_atom),
    )


def _capacity_legend(result: StabilityWindow) -> tuple[str, ...]:
    mass = f"{result.formula_mass_g_per_mol:.2f}"
    return (
        f"cumulative capacity: all {result.ion} exchanged from {result.formula} to the stage, counted from the "
        f"window edge, in mAh per gram of {result.formula} ({mass} g/mol); cumulative_capacity_mAh_per_g in "
        "JSON/CSV; the step into each stage alone is capacity_mAh_per_g",
        f"E_decomp per atom: the same decomposition energy per atom of {result.formula} "
        "(the normalisation of Zhu, He & Mo 2015)",
        *_reference_legend(result),
    )


def _reference_legend(result: StabilityWindow) -> tuple[str, ...]:
    if result.reference is None:
        return ()
    ref = result.reference.reference
    return (
        f"vs ref: V vs the reference {ref.name} at {fmt_voltage_fine(ref.voltage_V)} V vs {result.ion}/{result.ion}+",
    )


def _at_voltage_tables(result: StabilityWindow) -> tuple[Table, ...]:
    """The target's equilibrium at the ``--at`` voltages (two rows for a voltage on a transition)."""
    if not result.at_voltages:
        return ()
    ion = result.ion
    columns = (
        Column(("at_voltage_V",), "at", "V", align="right", key=True),
        Column(("phases",), "phases", wrap=True),
        Column(("reaction",), "reaction", wrap=True),
        Column(("ion_per_formula_unit",), f"{ion} per f.u.", align="right"),
        Column(("cumulative_capacity_mAh_per_g",), "cumulative capacity", "mAh/g", align="right"),
        Column(
            ("decomposition_energy_at_voltage_eV_per_nonion_atom",), "E_decomp", f"eV/non-{ion} atom", align="right"
        ),
        Column(("decomposition_energy_at_voltage_eV_per_target_atom",), "E_decomp per atom", "eV/atom", align="right"),
        Column(("on_transition",), "note"),
    )
    rows = []
    for at in result.at_voltages:
        for e in at.equilibria:
            if at.on_transition:
                side = (
                    "below"
                    if e.stage_voltage_high_V is not None and e.stage_voltage_high_V <= at.voltage_V + 1e-6
                    else "above"
                )
                note = f"on a transition: the stage {side}"
            else:
                note = "stable (window)" if e.is_window else ""
            rows.append(
                Row(
                    (
                        fmt_voltage(at.voltage_V),
                        fmt_phases(e.phases),
                        "stable (no reaction)" if e.is_window else e.reaction,
                        fmt_ion_amount(e.ion_per_formula_unit),
                        fmt_capacity(e.cumulative_capacity_mAh_per_g),
                        fmt_energy(e.decomposition_energy_eV_per_nonion_atom),
                        fmt_energy(e.decomposition_energy_eV_per_target_atom),
                        note,
                    ),
                    emphasis=e.is_window,
                )
            )
    return (Table(f"equilibrium at chosen voltages (V vs {ion}/{ion}+)", columns, tuple(rows)),)


def _reference_columns(result: StabilityWindow) -> tuple[Column, ...]:
    """The stage ends on the reference's scale, when a reference is given."""
    if result.reference is None:
        return ()
    return (
        Column(("voltage_low_V_vs_reference",), "V low vs ref", "V", align="right"),
        Column(("voltage_high_V_vs_reference",), "V high vs ref", "V", align="right"),
    )


def _reference_cells(result: StabilityWindow, stage: WindowStage) -> tuple[str, ...]:
    if result.reference is None:
        return ()
    v_ref = result.reference.reference.voltage_V
    high = stage.voltage_high_V
    return (fmt_voltage(stage.voltage_low_V - v_ref), fmt_voltage(None if high is None else high - v_ref))


def _reference_sections(result: StabilityWindow) -> tuple[Section, ...]:
    """The reference electrode: its potential and how it was obtained, the window on its scale, the target there."""
    rep = result.reference
    if rep is None:
        return ()
    ref, ion = rep.reference, result.ion
    couple = f"{ion}/{ion}+"
    items = [
        Item("reference", f"{ref.name} at {fmt_voltage_fine(ref.voltage_V)} V vs {couple}", ref.how),
    ]
    if ref.measured is not None:
        m = ref.measured
        pair = ref.measured_note or f"for {' + '.join(m.phases)}"
        measured = f"{fmt_voltage(m.voltage_V)} V vs {couple} {pair} ({m.citation_status})"
        items.append(Item("measured", measured, f"{m.citation}" + (f", doi:{m.doi}" if m.doi else "")))
    ox = rep.oxidation_limit_V_vs_reference
    items.append(
        Item(
            "window vs reference",
            f"{fmt_voltage(rep.reduction_limit_V_vs_reference)} – "
            f"{NONE_TEXT if ox is None else fmt_voltage(ox)} V vs {ref.name}",
            f"{window_range_text(result)}",
        )
    )
    at = rep.at_reference
    if rep.stable_at_reference:
        verdict = f"stable at {ref.name} ({fmt_voltage(ref.voltage_V)} V vs {couple})"
        items.append(Item("at the reference", verdict))
    else:
        for e in at.equilibria:
            products = (
                f"not stable at {ref.name} ({fmt_voltage(ref.voltage_V)} V vs {couple}): → {fmt_phases(e.phases)}, "
                f"{fmt_energy(e.decomposition_energy_eV_per_nonion_atom)} eV/non-{ion} atom"
            )
            items.append(Item("at the reference", products, e.reaction))
    return (Section(f"reference electrode {ref.name}", tuple(items)),)


def _comparison_tables(result: StabilityWindow) -> tuple[Table, ...]:
    """``--compare``: the computed window beside the measured ones of the package's table."""
    if not result.compared:
        return ()
    ion = result.ion
    columns = (
        Column(("formula",), "window"),
        Column(("reduction_limit_V",), "reduction", f"V vs {ion}/{ion}+", align="right"),
        Column(("oxidation_limit_V",), "oxidation", f"V vs {ion}/{ion}+", align="right"),
        Column(("measured_windows",), "method", wrap=True),
        Column(("measured_windows",), "source", wrap=True),
    )
    rows = [
        Row(
            (
                "computed",
                fmt_voltage(result.reduction_limit_V),
                fmt_voltage(result.oxidation_limit_V),
                "0 K ion-open hull (this report)",
                result.provenance.source.name,
            ),
            emphasis=True,
        )
    ]
    for m in result.measured_windows:
        source = m.citation + (f", doi:{m.doi}" if m.doi else "") + f" [{m.citation_status}]"
        rows.append(
            Row(
                (
                    "measured",
                    MISSING_TEXT if m.reduction_limit_V is None else fmt_voltage(m.reduction_limit_V),
                    MISSING_TEXT if m.oxidation_limit_V is None else fmt_voltage(m.oxidation_limit_V),
                    m.method,
                    source,
                )
            )
        )
    empty_note = f"no measured window of {result.formula} vs {ion}/{ion}+ in the package's table"
    title = f"computed vs measured ({len(result.measured_windows)} measured)"
    if not result.measured_windows:
        title = f"computed vs measured: {empty_note}"
    return (Table(title, columns, tuple(rows)),)


def _caveat_sections(result: StabilityWindow) -> tuple[Section, ...]:
    """The fixed caveats of every window report."""
    keys = {text: key for key, text in (*WINDOW_CAVEATS, WINDOW_SAMPLED_THERMODYNAMICS_CAVEAT)}
    items = tuple(Item(keys.get(text, f"caveat {i + 1}"), text) for i, text in enumerate(result.caveats))
    return (Section("caveats", items),) if items else ()


def _interphase_sections(result: StabilityWindow) -> tuple[Section, ...]:
    """The interphase at both limits and at the ion metal (0 V): verdict, products' gaps, volume change."""
    ion = result.ion
    lines = [
        (f"reduction (below {fmt_voltage(result.reduction_limit_V)} V)", result.reduction_interphase),
        (f"oxidation (above {fmt_voltage(result.oxidation_limit_V)} V)", result.oxidation_interphase),
    ]
    if result.interphase_at_ion_metal is not None and result.interphase_at_ion_metal != result.reduction_interphase:
        lines.append((f"at {ion} metal (0 V)", result.interphase_at_ion_metal))
    lines = [(k, v) for k, v in lines if v is not None]
    return interphase_section("interphase character of the products", lines)


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
        *_capacity_columns(result),
        *_reference_columns(result),
        VERDICT_COLUMN,
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
                *_capacity_cells(s),
                *_reference_cells(result, s),
                verdict_cell(s.interphase),
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
        f"from the window (within 0-{result.max_voltage_V:g} V)",
        *_capacity_legend(result),
        VERDICT_LEGEND,
        *window_uncertainty_legend(result),
    )
    return Report(
        title=f"{familiar_formula(result)}: stability window vs {ion}/{ion}+",
        head=_head(result),
        tables=(
            Table(f"voltage profile (V vs {ion}/{ion}+)", columns, rows),
            *_at_voltage_tables(result),
            *_comparison_tables(result),
        ),
        legend=legend,
        sections=(*_interphase_sections(result), *_reference_sections(result), *_caveat_sections(result)),
        notes=tuple(result.notes),
        provenance=provenance_lines(result.provenance),
    )


register(View("interfacestab.analyses.window.StabilityWindow", window_report, plots.window_figure))

"""Report of a coating screen: ranked candidates with short headers, the criteria, the score rule, provenance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.reports import plots
from interfacestab.reports.format import (
    fmt_energy,
    fmt_meV,
    fmt_score,
    fmt_voltage,
    fmt_window,
    pass_mark,
    provenance_lines,
)
from interfacestab.reports.model import Column, Item, Report, Row, Section, Table
from interfacestab.reports.registry import View, register
from interfacestab.reports.views.uncertainty import screen_probability_tables

if TYPE_CHECKING:
    from interfacestab.analyses.screening import CoatingResult, CoatingScreen

#: Short names of the screening criteria, as the failed-criteria column says them.
SCREEN_CRITERIA_LABELS: dict[str, str] = {
    "e_above_hull": "e_above_hull",
    "reduction_limit": "reduction limit",
    "oxidation_limit": "oxidation limit",
    "electrolyte_reaction": "electrolyte reaction",
    "cathode_reaction": "cathode reaction",
    "charged_cathode_reaction": "charged-cathode reaction",
}


def screen_criteria_items(screen: CoatingScreen) -> tuple[Item, ...]:
    """The criteria of a screen with this screen's thresholds, the score rule and the citation."""
    c = screen.criteria
    ref = f"{c.ion}/{c.ion}+"
    return (
        Item("e_above_hull", f"≤ {fmt_meV(c.max_e_above_hull_eV_per_atom)} meV/atom (of the candidate in the data)"),
        Item("reduction limit", f"≤ {fmt_voltage(c.max_reduction_limit_V)} V vs {ref}"),
        Item(
            "oxidation limit",
            f"≥ {fmt_voltage(c.min_oxidation_limit_V)} V vs {ref} (a candidate without {c.ion} passes)",
        ),
        Item(
            "electrolyte reaction",
            f"|most negative reaction energy with {screen.electrolyte}| ≤ "
            f"{fmt_energy(c.max_abs_electrolyte_reaction_eV_per_atom)} eV/atom (closed system)",
        ),
        Item(
            "cathode reactions",
            f"|most negative reaction energy| ≤ {fmt_energy(c.max_abs_cathode_reaction_eV_per_atom)} eV/atom with "
            f"{screen.cathode} and with the charged cathode {screen.charged_cathode} (closed system)",
        ),
        Item(
            "score",
            "the smallest margin over the criteria, each margin divided by its scale "
            f"(e_above_hull: {fmt_meV(c.scale_e_above_hull_eV_per_atom)} meV/atom, voltages: {c.scale_voltage_V:g} V, "
            f"reaction energies: {fmt_energy(c.scale_reaction_eV_per_atom)} eV/atom); ≥ 0 means every criterion "
            "passes; ranked by score, best first, ties (e.g. every candidate on the hull has the same e_above_hull "
            "margin) broken by the mean margin",
        ),
        Item("after", c.citation),
    )


def screen_failed_text(result: CoatingResult) -> str:
    """Failed criteria in words, or the error of a candidate that could not be screened."""
    if result.error:
        return f"error: {result.error}"
    return ", ".join(SCREEN_CRITERIA_LABELS.get(k, k) for k in result.failed_criteria)


def _columns(screen: CoatingScreen) -> tuple[Column, ...]:
    columns = [
        Column(("rank",), "#", align="right", key=True),
        Column(("formula",), "formula", wrap=True, key=True),
        Column(("passed",), "pass"),
        Column(("score",), "score", align="right"),
        Column(("mean_margin",), "mean margin", align="right"),
        Column(("e_above_hull_eV_per_atom",), "E_hull", "meV/atom", align="right"),
        Column(("reduction_limit_V", "oxidation_limit_V"), "window", "V", align="right"),
        Column(("electrolyte_reaction_eV_per_atom",), "dE el.", "eV/atom", align="right"),
        Column(("cathode_reaction_eV_per_atom",), "dE cath.", "eV/atom", align="right"),
        Column(("charged_cathode_reaction_eV_per_atom",), "dE chg.", "eV/atom", align="right"),
    ]
    if screen.voltage_V is not None:
        open_unit = f"eV/non-{screen.ion} atom"
        columns += [
            Column(("open_electrolyte_reaction_eV_per_nonion_atom",), "dE el. open", open_unit, align="right"),
            Column(("open_cathode_reaction_eV_per_nonion_atom",), "dE cath. open", open_unit, align="right"),
        ]
    columns.append(Column(("failed_criteria", "error"), "failed criteria", wrap=True))
    return tuple(columns)


def _row(screen: CoatingScreen, rank: int, r: CoatingResult) -> Row:
    cells = [
        str(rank),
        r.formula,
        pass_mark(r.passed),
        fmt_score(None if r.error else r.score),
        fmt_score(None if r.error else r.mean_margin),
        fmt_meV(r.e_above_hull_eV_per_atom),
        fmt_window(r.reduction_limit_V, r.oxidation_limit_V),
        fmt_energy(r.electrolyte_reaction_eV_per_atom),
        fmt_energy(r.cathode_reaction_eV_per_atom),
        fmt_energy(r.charged_cathode_reaction_eV_per_atom),
    ]
    if screen.voltage_V is not None:
        cells += [
            fmt_energy(r.open_electrolyte_reaction_eV_per_nonion_atom),
            fmt_energy(r.open_cathode_reaction_eV_per_nonion_atom),
        ]
    cells.append(screen_failed_text(r))
    return Row(tuple(cells), emphasis=r.passed)


def _legend(screen: CoatingScreen) -> tuple[str, ...]:
    ion = screen.ion
    lines = [
        f"✓: passes every criterion; window: reduction – oxidation limit (V vs {ion}/{ion}+)",
        f"dE el., dE cath., dE chg.: most negative reaction energy (eV/atom of the mixture, closed system) with the "
        f"electrolyte {screen.electrolyte}, the cathode {screen.cathode} and the charged cathode "
        f"{screen.charged_cathode} (made from {screen.cathode} by removing {ion}; --charged-fraction)",
    ]
    if screen.voltage_V is not None:
        lines.append(
            f"dE el. open, dE cath. open: the most negative mutual reaction energy with {screen.electrolyte} and with "
            f"{screen.cathode}, open to {ion} at {fmt_voltage(screen.voltage_V)} V vs {ion}/{ion}+ (eV per non-{ion} "
            f"atom): each reactant's own reaction with the {ion} reservoir is removed, so an electrolyte outside its "
            "window does not count here; reported, not a criterion"
        )
    if screen.skipped:
        lines.append(f"skipped (the electrolyte or cathode itself): {', '.join(screen.skipped)}")
    if screen.output:
        lines.append(f"all {len(screen.results)} rows at full precision in {screen.output}")
    return tuple(lines)


def screen_report(screen: CoatingScreen, *, top: int | None = None) -> Report:
    """The report of a coating screen (``top``: ranked rows shown, all by default)."""
    shown = screen.results if top is None else screen.results[: max(0, top)]
    return Report(
        title=f"coatings for {screen.electrolyte} | {screen.cathode}: {len(screen.passed)} of "
        f"{len(screen.results)} pass" + (f" · top {len(shown)} shown" if len(shown) < len(screen.results) else ""),
        tables=(
            Table(
                "ranked candidates",
                _columns(screen),
                tuple(_row(screen, rank, r) for rank, r in enumerate(shown, start=1)),
                empty="no candidate",
            ),
            *screen_probability_tables(screen, shown),
        ),
        legend=_legend(screen),
        sections=(Section("criteria", screen_criteria_items(screen)),),
        provenance=provenance_lines(screen.provenance),
    )


register(View("interfacestab.analyses.screening.results.CoatingScreen", screen_report, plots.screen_figure))

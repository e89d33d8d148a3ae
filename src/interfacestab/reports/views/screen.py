"""Report of a coating screen: ranked candidates with short headers, the criteria, the score rule, provenance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.conventions import SMALL_GAP_MAX_eV
from interfacestab.reports import plots
from interfacestab.reports.format import (
    FAIL_MARK,
    PASS_MARK,
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
    "anode_reaction": "anode reaction",
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
        Item(
            "band-gap gate",
            f"the coating's own band gap ≥ {c.min_coating_band_gap_eV:g} eV (an electronic insulator; reported "
            "beside the criteria, not in the score or the pass mark)",
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
    columns += _interphase_columns()
    columns.append(Column(("failed_criteria", "error"), "failed criteria", wrap=True))
    return tuple(columns)


#: The flags column in the legend (cathode and anode screens).
_FLAGS_LEGEND = (
    "flags: the products that make those reactions mixed-conducting (the interphase conducts electrons): "
    f"metallic: metals; small gap: a band gap of at most {SMALL_GAP_MAX_eV:g} eV (see interphase in the provenance); "
    "interdiff.: products carrying one side's transition metal into the other side's anion framework (interdiffusion)"
)

#: The verdict letters in the legend.
_VERDICT_KEY = "P passivating, M mixed-conducting, U uncertain, G only gas evolved (no layer), – no reaction"

#: Short forms of the interphase verdicts in the screen table (the legend says them).
VERDICT_LETTERS = {"passivating": "P", "mixed-conducting": "M", "uncertain": "U", "no-layer": "G", "": "–"}


def _interphase_columns() -> list[Column]:
    return [
        Column(("coating_band_gap_min_eV", "coating_band_gap_max_eV", "band_gap_gate"), "gap", "eV", align="right"),
        Column(
            ("electrolyte_interphase", "cathode_interphase", "charged_cathode_interphase"), "interphase el/cath/chg"
        ),
        Column(("conducting_products", "metallic_products", "interdiffusion_products"), "flags", wrap=True),
    ]


def _gap_cell(r: CoatingResult) -> str:
    lo, hi = r.coating_band_gap_min_eV, r.coating_band_gap_max_eV
    gate = {"pass": PASS_MARK, "fail": FAIL_MARK}.get(r.band_gap_gate, "?")
    if lo is None or hi is None:
        return "–" if r.error else f"no data {gate}"
    value = f"{lo:.2f}" if lo == hi else f"{lo:.2f}-{hi:.2f}"
    return f"{value} {gate}"


def _interphase_cells(r: CoatingResult) -> list[str]:
    if r.error:
        return ["–", "–", ""]
    verdicts = (r.electrolyte_interphase, r.cathode_interphase, r.charged_cathode_interphase)
    flags = _conducting_flags(r)
    if r.interdiffusion_products:
        flags.append(f"interdiff.: {', '.join(r.interdiffusion_products)}")
    return [_gap_cell(r), "/".join(VERDICT_LETTERS.get(v, v) for v in verdicts), "; ".join(flags)]


def _conducting_flags(r: CoatingResult) -> list[str]:
    """``metallic: Co9S8``, ``small gap: Li(CoO2)2``: the phases that make a reaction mixed-conducting."""
    metals = r.metallic_products
    small = [f for f in r.conducting_products if f not in r.metallic_products]
    flags = []
    if metals:
        flags.append(f"metallic: {', '.join(metals)}")
    if small:
        flags.append(f"small gap: {', '.join(small)}")
    return flags


def _interphase_legend(screen: CoatingScreen) -> list[str]:
    gap = screen.criteria.min_coating_band_gap_eV
    return [
        f"gap: the coating's own band gap (preferred source; a range over polymorphs); ✓ at least {gap:g} eV "
        "(band-gap gate, beside the criteria, not in the score), ✗ below or metallic, ? no data",
        "interphase el/cath/chg: verdict of the most negative reaction with the electrolyte, the cathode and the "
        f"charged cathode: {_VERDICT_KEY}",
        _FLAGS_LEGEND,
    ]


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
    cells += _interphase_cells(r)
    cells.append(screen_failed_text(r))
    return Row(tuple(cells), emphasis=r.passed)


def _legend(screen: CoatingScreen) -> tuple[str, ...]:
    ion = screen.ion
    lines = [
        f"✓: passes every criterion; window: reduction – oxidation limit (V vs {ion}/{ion}+)",
        f"dE el., dE cath., dE chg.: most negative reaction energy (eV/atom of the mixture, closed system) with the "
        f"electrolyte {screen.electrolyte}, the cathode {screen.cathode} and the charged cathode "
        f"{screen.charged_cathode} ({_charged_how(screen)})",
    ]
    if screen.voltage_V is not None:
        lines.append(
            f"dE el. open, dE cath. open: the most negative mutual reaction energy with {screen.electrolyte} and with "
            f"{screen.cathode}, open to {ion} at {fmt_voltage(screen.voltage_V)} V vs {ion}/{ion}+ (eV per non-{ion} "
            f"atom): each reactant's own reaction with the {ion} reservoir is removed, so an electrolyte outside its "
            "window does not count here; reported, not a criterion"
        )
    if (charge_line := charge_voltage_line(screen)) is not None:
        lines.append(charge_line)
    lines += _interphase_legend(screen)
    if screen.skipped:
        lines.append(f"skipped (the electrolyte or cathode itself): {', '.join(screen.skipped)}")
    if screen.output:
        lines.append(f"all {len(screen.results)} rows at full precision in {screen.output}")
    return tuple(lines)


def screen_report(screen: CoatingScreen, *, top: int | None = None) -> Report:
    """The report of a coating screen (``top``: ranked rows shown, all by default)."""
    shown = screen.results if top is None else screen.results[: max(0, top)]
    if screen.anode_side:
        return _anode_report(screen, shown)
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


# -- the anode side (``screen --anode``) and the charge voltage ------------------------------------------
#: Columns of a cathode screen that an anode screen has no values for.
_CATHODE_FIELDS = ("cathode_reaction_eV_per_atom", "charged_cathode_reaction_eV_per_atom")


def anode_criteria_items(screen: CoatingScreen) -> tuple[Item, ...]:
    """The criteria of an anode-interlayer screen with its thresholds, the score rule and the citations."""
    c = screen.criteria
    ref = f"{c.ion}/{c.ion}+"
    potential = c.anode_potential_V if c.anode_potential_V is not None else 0.0
    score = screen_criteria_items(screen)[-2]
    return (
        Item("e_above_hull", f"≤ {fmt_meV(c.max_e_above_hull_eV_per_atom)} meV/atom (of the candidate in the data)"),
        Item(
            "reduction limit",
            f"≤ {fmt_voltage(c.reduction_threshold_V)} V vs {ref}: reaches the potential of the anode "
            f"{screen.anode} ({fmt_voltage(potential)} V, {' + '.join(screen.anode_phases)}) within "
            f"{c.anode_reduction_tolerance_V:g} V",
        ),
        Item("oxidation limit", "reported, not a criterion at the anode"),
        Item(
            "electrolyte reaction",
            f"|most negative reaction energy with {screen.electrolyte}| ≤ "
            f"{fmt_energy(c.max_abs_electrolyte_reaction_eV_per_atom)} eV/atom (closed system)",
        ),
        Item(
            "anode reaction",
            f"|most negative reaction energy with {screen.anode}| ≤ "
            f"{fmt_energy(c.max_abs_anode_reaction_eV_per_atom)} eV/atom (closed system)",
        ),
        score,
        Item("after", c.citation),
    )


def _anode_table(screen: CoatingScreen, shown: tuple[CoatingResult, ...]) -> Table:
    """The ranked table of an anode screen: the cathode columns replaced by the reaction with the anode."""
    columns = _columns(screen)
    keep = [i for i, col in enumerate(columns) if not set(col.fields) & set(_CATHODE_FIELDS)]
    at = next(i for i, col in enumerate(columns) if "failed_criteria" in col.fields)
    anode_column = Column(("anode_reaction_eV_per_atom",), "dE anode", "eV/atom", align="right")
    new_columns = [columns[i] for i in keep if i < at] + [anode_column] + [columns[i] for i in keep if i >= at]
    verdicts = next(i for i, col in enumerate(new_columns) if "electrolyte_interphase" in col.fields)
    new_columns[verdicts] = Column(("electrolyte_interphase", "anode_interphase"), "interphase el/anode")
    rows = []
    for rank, r in enumerate(shown, start=1):
        cells = _row(screen, rank, r).cells
        anode_cell = fmt_energy(r.anode_reaction_eV_per_atom)
        new_cells = [cells[i] for i in keep if i < at] + [anode_cell] + [cells[i] for i in keep if i >= at]
        new_cells[verdicts] = _anode_verdict_cell(r)
        rows.append(Row(tuple(new_cells), emphasis=r.passed))
    return Table("ranked candidates", tuple(new_columns), tuple(rows), empty="no candidate")


def _anode_verdict_cell(r: CoatingResult) -> str:
    """``P/–``: the verdicts of the reactions with the electrolyte and with the anode."""
    if r.error:
        return "–"
    return "/".join(VERDICT_LETTERS.get(v, v) for v in (r.electrolyte_interphase, r.anode_interphase))


def _anode_interphase_legend(screen: CoatingScreen) -> list[str]:
    """The interphase lines of an anode screen's legend (the el/anode verdicts, the interlayer's own gap)."""
    cathode_lines = _interphase_legend(screen)
    return [
        cathode_lines[0].replace("coating", "interlayer"),
        f"interphase el/anode: verdict of the most negative reaction with the electrolyte {screen.electrolyte} and "
        f"with the anode {screen.anode}: {_VERDICT_KEY} "
        "(reduction_interphase in JSON/CSV: the interlayer's own reduction products at its reduction limit)",
        _FLAGS_LEGEND,
    ]


def _anode_report(screen: CoatingScreen, shown: tuple[CoatingResult, ...]) -> Report:
    ion = screen.ion
    legend = [
        f"✓: passes every criterion; window: reduction – oxidation limit (V vs {ion}/{ion}+)",
        f"dE el., dE anode: most negative reaction energy (eV/atom of the mixture, closed system) with the "
        f"electrolyte {screen.electrolyte} and with the anode {screen.anode}",
    ]
    cathode_interphase = set(_interphase_legend(screen))
    legend += [
        line for line in _legend(screen)[2:] if not line.startswith("dE el. open") and line not in cathode_interphase
    ]
    legend += _anode_interphase_legend(screen)
    return Report(
        title=f"interlayers for {screen.electrolyte} | anode {screen.anode}: {len(screen.passed)} of "
        f"{len(screen.results)} pass" + (f" · top {len(shown)} shown" if len(shown) < len(screen.results) else ""),
        tables=(_anode_table(screen, shown), *screen_probability_tables(screen, shown)),
        legend=tuple(legend),
        sections=(Section("criteria", anode_criteria_items(screen)),),
        provenance=provenance_lines(screen.provenance),
    )


def _charged_how(screen: CoatingScreen) -> str:
    """How the charged cathode was made: by a voltage (``--charge-voltage``) or by removing the ion."""
    ion = screen.ion
    if screen.charge_voltage_V is None:
        return f"made from {screen.cathode} by removing {ion}; --charged-fraction"
    v = f"{screen.charge_voltage_V:g}"
    return f"{screen.cathode} charged to {v} V: its equilibrium at {v} V vs {ion}/{ion}+; --charge-voltage"


def charge_voltage_line(screen: CoatingScreen) -> str | None:
    """The legend line of a screen whose charged cathode is taken at a voltage (``--charge-voltage``)."""
    if screen.charge_voltage_V is None:
        return None
    ion = screen.ion
    return (
        f"charged cathode: {screen.cathode}'s equilibrium assemblage at {fmt_voltage(screen.charge_voltage_V)} V vs "
        f"{ion}/{ion}+ on the same hull: {screen.charged_cathode} ({' + '.join(screen.charged_cathode_phases)})"
    )


register(View("interfacestab.analyses.screening.results.CoatingScreen", screen_report, plots.screen_figure))

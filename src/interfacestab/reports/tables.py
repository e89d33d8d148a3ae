"""Rich renderables for every result type; the only place where numbers are rounded.

Rounding (CONVENTIONS.md, "Numbers in reports"): voltages to 0.01 V, energies to
1 meV/atom (3 decimals in eV/atom, integers in meV/atom). The results themselves keep full
precision; JSON and CSV exports never pass through this module's formatters.

The analysis modules pull in numpy and scipy, so their classes are imported only for type
checking here and inside :func:`render` (a result exists, so its module is already loaded).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.analyses.batch import BatchResult
    from interfacestab.analyses.coatings import CoatingResult, CoatingScreen
    from interfacestab.analyses.data import ChemsysEntries, StoreInfo
    from interfacestab.analyses.interface import InterfaceKink, InterfaceProfile
    from interfacestab.analyses.scan import WindowScan
    from interfacestab.analyses.sweep import InterfaceSweep, SweepPoint
    from interfacestab.analyses.window import StabilityWindow, WindowStage
    from interfacestab.provenance import Provenance, SourceInfo

NONE_TEXT = "none"


# -- number formatting (the only rounding in the package) -----------------------------------
def _fixed(value: float, digits: int) -> str:
    """Fixed-point text without a negative zero (``-0.0004`` -> ``0.000``)."""
    text = f"{value:.{digits}f}"
    return f"{0.0:.{digits}f}" if float(text) == 0 else text


def fmt_voltage(value: float | None) -> str:
    """A voltage to 0.01 V (``none`` for a missing limit)."""
    return NONE_TEXT if value is None else _fixed(value, 2)


def fmt_energy(value: float | None) -> str:
    """An energy in eV/atom to 1 meV/atom (3 decimals)."""
    return NONE_TEXT if value is None else _fixed(value, 3)


def fmt_meV(value_eV: float | None) -> str:
    """An energy given in eV/atom, shown in meV/atom to 1 meV/atom."""
    return NONE_TEXT if value_eV is None else _fixed(value_eV * 1000.0, 0)


def fmt_kJ_per_mol(value: float) -> str:
    """A reaction energy in kJ/mol to 0.1 kJ/mol."""
    return _fixed(value, 1)


def fmt_fraction(value: float) -> str:
    """A mixing fraction to 3 decimals."""
    return _fixed(value, 3)


def fmt_ion_amount(value: float) -> str:
    """Ion taken up (+) or released (-) per formula unit, to 0.01 (``0`` when none)."""
    text = _fixed(value, 2)
    if float(text) == 0:
        return "0"
    return text if text.startswith("-") else f"+{text}"


def fmt_phases(phases: Sequence[str]) -> str:
    """Phases joined as a sum (``Li2S + LiCl + P``); ``none`` when empty."""
    return " + ".join(phases) if phases else NONE_TEXT


def stage_reaction_text(stage: WindowStage) -> str:
    """A stage's reaction; a stage whose only phase is the target reads ``stable (no reaction)``."""
    left, _, right = stage.reaction.partition(" -> ")
    return "stable (no reaction)" if stage.is_window and left.strip() == right.strip() else stage.reaction


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
    if result.energy_source == "user":
        return f"energy set by the user: {above} (--energy-above-hull)"
    if not result.in_database:
        if result.stabilized or result.stabilization_policy == "stabilize":
            return "virtual composition (not in the data), placed on the hull (policy: stabilize)"
        return "virtual composition (not in the data)"
    if result.stabilized:
        return f"{above} in the data; stabilized onto the hull (policy: stabilize)"
    if result.stabilization_policy == "no-stabilize" and e_above is not None and e_above > 0:
        return f"{above}; kept as is (policy: no-stabilize): limits of its equilibrium decomposition products"
    return f"{above} (policy: {result.stabilization_policy})"


# -- shared pieces ---------------------------------------------------------------------------
def _legend(*lines: str) -> Text:
    """Dim explanatory lines under a table (wrapped to the console, unlike a table caption)."""
    return Text("\n".join(lines) + "\n", style="dim")


def _grid() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def provenance_panel(provenance: Provenance, notes: Sequence[str] = (), *, skip: Sequence[str] = ()) -> Panel:
    """Footer: where the numbers come from and which conventions were used (``skip``: convention keys left out)."""
    grid = _grid()
    src = provenance.source
    grid.add_row("source", f"{escape(src.name)} — {escape(src.description)}" if src.description else escape(src.name))
    grid.add_row("vintage", escape(src.vintage + (f" ({src.db_version})" if src.db_version else "")))
    grid.add_row("thermo type", escape(src.thermo_type))
    grid.add_row("entries", f"{provenance.n_entries_in_chemsys} in {escape(provenance.chemsys)}")
    for key, text in provenance.conventions.items():
        if key not in skip:
            grid.add_row(f"[dim]{escape(key)}[/]", f"[dim]{escape(text)}[/]")
    grid.add_row("interfacestab", escape(provenance.package_version))
    for note in notes:
        grid.add_row("[cyan]note[/]", escape(note))
    for warning in provenance.warnings:
        grid.add_row("[yellow]warning[/]", escape(warning))
    return Panel(grid, title="provenance", title_align="left", box=box.ROUNDED, border_style="dim")


# -- stability window ------------------------------------------------------------------------
def window_table(result: StabilityWindow) -> RenderableType:
    """Header panel with the window and limit products, the voltage profile, the provenance footer."""
    ion = result.ion
    head = _grid()
    head.add_row("window", Text(window_range_text(result), style="bold green"))
    if result.width_V is not None:
        head.add_row("width", f"{fmt_voltage(result.width_V)} V")
    head.add_row("target", escape(target_text(result)))
    head.add_row("e_above_hull", escape(stabilization_summary(result)))
    if result.reduction_products:
        head.add_row(
            "reduction",
            f"below {fmt_voltage(result.reduction_limit_V)} V → {escape(fmt_phases(result.reduction_products))}",
        )
    else:
        head.add_row("reduction", f"{NONE_TEXT} (stable down to 0 V, against {ion} metal)")
    if result.reduction_reaction:
        head.add_row("", f"[dim]{escape(result.reduction_reaction)}[/]")
    if result.oxidation_limit_V is None:
        head.add_row("oxidation", f"{NONE_TEXT} (no {ion} to release: the window is open-ended upward)")
    else:
        head.add_row(
            "oxidation",
            f"above {fmt_voltage(result.oxidation_limit_V)} V → {escape(fmt_phases(result.oxidation_products))}",
        )
    if result.oxidation_reaction:
        head.add_row("", f"[dim]{escape(result.oxidation_reaction)}[/]")
    head.add_row(
        "decomposition energy",
        f"{fmt_energy(result.decomposition_energy_at_0V_eV_per_atom)} eV/atom at 0 V, "
        f"{fmt_energy(result.decomposition_energy_at_5V_eV_per_atom)} eV/atom at 5 V (per non-{ion} atom)",
    )
    header = Panel(
        head,
        title=f"[bold]{escape(result.formula)}[/] · electrochemical stability window vs {ion}/{ion}+",
        title_align="left",
        box=box.ROUNDED,
        border_style="green",
    )

    profile = Table(
        title=f"voltage profile (V vs {ion}/{ion}+)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    legend = _legend(
        "◀ the stability window",
        f"{ion} per f.u.: {ion} taken up (+) or released (-) per formula unit of {result.formula}",
        f"E_decomp: grand-potential decomposition energy per non-{ion} atom at the stage end farthest "
        "from the window (within 0-5 V)",
    )
    profile.add_column("V low", justify="right", no_wrap=True)
    profile.add_column("V high", justify="right", no_wrap=True)
    profile.add_column(f"{ion}\nper f.u.", justify="right", no_wrap=True)
    profile.add_column("phases")
    profile.add_column("reaction")
    profile.add_column("E_decomp\n(eV/atom)", justify="right", no_wrap=True)
    profile.add_column("", no_wrap=True)
    for stage in result.profile:
        profile.add_row(
            fmt_voltage(stage.voltage_low_V),
            fmt_voltage(stage.voltage_high_V),
            fmt_ion_amount(stage.ion_per_formula_unit),
            escape(fmt_phases(stage.phases)),
            escape(stage_reaction_text(stage)),
            fmt_energy(stage.decomposition_energy_eV_per_atom),
            "◀" if stage.is_window else "",
            style="bold green" if stage.is_window else None,
        )
    return Group(header, profile, legend, provenance_panel(result.provenance, result.notes))


# -- interface reactions ---------------------------------------------------------------------
def interface_system_text(result: InterfaceProfile) -> str:
    """``closed`` or ``open to Li at 4.00 V vs Li/Li+``."""
    if result.voltage_V is None:
        return "closed system"
    return f"open to {result.ion} at {fmt_voltage(result.voltage_V)} V vs {result.ion}/{result.ion}+"


def interface_energy_unit(result: InterfaceProfile) -> str:
    """Normalisation of the reaction energies (per atom, or per non-A atom when open)."""
    return "eV/atom" if result.voltage_V is None else f"eV per non-{result.ion} atom"


def interface_table(result: InterfaceProfile) -> RenderableType:
    """Minimum, kinks (minimum row marked), no-mixing energies and provenance."""
    unit = interface_energy_unit(result)
    m = result.minimum
    head = _grid()
    head.add_row("system", escape(interface_system_text(result)))
    head.add_row(
        "most negative",
        Text(
            f"{fmt_energy(m.reaction_energy_eV_per_atom)} {unit} "
            f"({fmt_kJ_per_mol(m.reaction_energy_kJ_per_mol)} kJ/mol) "
            f"at x_atomic = {fmt_fraction(m.x_atomic_a)}, x_molar = {fmt_fraction(m.x_molar_a)}",
            style="bold",
        ),
    )
    head.add_row("products", escape(fmt_phases(m.products)))
    head.add_row("", f"[dim]{escape(m.reaction)}[/]")
    head.add_row("mutual at it", f"{fmt_energy(result.mutual_reaction_energy_eV_per_atom)} {unit}")
    mm = result.mutual_minimum
    if mm is not m:
        head.add_row(
            "most negative mutual",
            Text(
                f"{fmt_energy(mm.mutual_reaction_energy_eV_per_atom)} {unit} at x_atomic = "
                f"{fmt_fraction(mm.x_atomic_a)} → {fmt_phases(mm.products)} (the reactants' own reactions "
                "with the reservoir removed)",
                style="bold",
            ),
        )
    header = Panel(
        head,
        title=f"[bold]{escape(result.reactant_a)} | {escape(result.reactant_b)}[/] · interface reactions",
        title_align="left",
        box=box.ROUNDED,
        border_style="blue",
    )

    kinks = Table(
        title=f"kinks of the reaction energy (x = fraction of {escape(result.reactant_a)})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    legend = _legend(
        "◀ the most negative reaction energy",
        "x_atomic: atomic fraction of A (each reactant normalised to one atom); x_molar: in formula units",
        f"dE and mutual in {unit}; mutual: dE minus the reactants' own decomposition"
        + ("" if result.voltage_V is None else " with the reservoir"),
        "kJ/mol: per mole of the printed reaction (reactant coefficients x_molar and 1 - x_molar)",
    )
    kinks.add_column("x_atomic", justify="right", no_wrap=True)
    kinks.add_column("x_molar", justify="right", no_wrap=True)
    de_header = "dE\n(eV/atom)" if result.voltage_V is None else f"dE (eV/\nnon-{result.ion} atom)"
    kinks.add_column(de_header, justify="right", no_wrap=True)
    kinks.add_column("dE\n(kJ/mol)", justify="right", no_wrap=True)
    kinks.add_column("mutual", justify="right", no_wrap=True)
    kinks.add_column("reaction")
    kinks.add_column("", no_wrap=True)
    for kink in result.kinks:
        is_min = kink is result.minimum or kink == result.minimum
        kinks.add_row(
            fmt_fraction(kink.x_atomic_a),
            fmt_fraction(kink.x_molar_a),
            fmt_energy(kink.reaction_energy_eV_per_atom),
            fmt_kJ_per_mol(kink.reaction_energy_kJ_per_mol),
            fmt_energy(kink.mutual_reaction_energy_eV_per_atom),
            escape(kink.reaction),
            "◀" if is_min else "",
            style="bold" if is_min else None,
        )

    extra = _grid()
    for formula, energy in result.no_mixing_energies.items():
        extra.add_row(f"no-mixing {escape(formula)}", f"{fmt_energy(energy)} {unit}")
    extra.add_row(
        "reactant energies",
        f"{escape(result.reactant_a)} {fmt_energy(result.energy_a_eV_per_atom)}, "
        f"{escape(result.reactant_b)} {fmt_energy(result.energy_b_eV_per_atom)} {unit} "
        f"({'entry energies as stored' if result.use_entry_energies else 'hull (stabilized) energies'})",
    )
    return Group(header, kinks, legend, extra, provenance_panel(result.provenance, result.notes))


# -- composition scan ------------------------------------------------------------------------
def fmt_voltage_fine(value: float | None) -> str:
    """A located voltage (a product change) to 1 mV (3 decimals)."""
    return NONE_TEXT if value is None else _fixed(value, 3)


def fmt_scan_value(value: float) -> str:
    """A value of a scan variable as written (``0.1``, ``0.25``)."""
    return f"{value:g}"


PASS_MARK = "✓"
FAIL_MARK = "✗"


def scan_range_text(result: WindowScan) -> str:
    """``x = 0 … 0.8 (9 values)``."""
    values = [r.value for r in result.rows]
    if not values:
        return f"{result.variable}: no values"
    return f"{result.variable} = {fmt_scan_value(values[0])} … {fmt_scan_value(values[-1])} ({len(values)} values)"


def scan_entry_text(window: StabilityWindow) -> str:
    """Material id, ``in the data`` or ``virtual`` for one scan row."""
    if not window.in_database:
        return "virtual"
    return window.material_id or "in the data"


def scan_e_above_hull_text(window: StabilityWindow) -> str:
    """e_above_hull in meV/atom for a scan row; ``–`` for a virtual composition (placed on the hull)."""
    return "–" if window.e_above_hull_eV_per_atom is None else fmt_meV(window.e_above_hull_eV_per_atom)


def scan_table(result: WindowScan) -> RenderableType:
    """One row per value of the scan variable: formula, limits, width and the products at both limits."""
    ion, var = result.ion, result.variable
    table = Table(
        title=f"[bold]{escape(result.template)}[/] · stability windows vs {ion}/{ion}+ · {escape(scan_range_text(result))}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    table.add_column(escape(var), justify="right", no_wrap=True)
    table.add_column("formula", no_wrap=True)
    table.add_column("entry", no_wrap=True)
    table.add_column("E_above_hull\n(meV/atom)", justify="right", no_wrap=True)
    table.add_column("V_red\n(V)", justify="right", no_wrap=True)
    table.add_column("V_ox\n(V)", justify="right", no_wrap=True)
    table.add_column("width\n(V)", justify="right", no_wrap=True)
    table.add_column("reduction products (below V_red)")
    table.add_column("oxidation products (above V_ox)")
    for row in result.rows:
        w = row.window
        table.add_row(
            fmt_scan_value(row.value),
            escape(row.formula),
            escape(scan_entry_text(w)),
            scan_e_above_hull_text(w),
            fmt_voltage(w.reduction_limit_V),
            fmt_voltage(w.oxidation_limit_V),
            fmt_voltage(w.width_V),
            escape(fmt_phases(w.reduction_products)),
            escape(fmt_phases(w.oxidation_products)) if w.oxidation_limit_V is not None else f"none (no {ion})",
        )
    first = result.rows[0].window if result.rows else None
    policy = first.stabilization_policy if first is not None else "stabilize"
    legend = _legend(
        f"V_red, V_ox: window limits vs {ion}/{ion}+; below V_red the target takes up {ion}, above V_ox it releases {ion}",
        "entry: material id when the composition is in the data; virtual: not in the data, placed on the hull",
        f"E_above_hull: of the composition in the data (before stabilization); policy: {policy}; "
        "all rows share one hull",
    )
    parts: list[RenderableType] = [table, legend]
    if first is not None:
        parts.append(provenance_panel(first.provenance))
    return Group(*parts)


# -- interface voltage sweep -----------------------------------------------------------------
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


def sweep_table(result: InterfaceSweep) -> RenderableType:
    """Header, the located product changes, a compact per-voltage table of the minimum, provenance."""
    ion = result.ion
    unit = f"eV per non-{ion} atom"
    head = _grid()
    head.add_row("system", f"open to {ion} at {escape(sweep_range_text(result))}")
    if result.points:
        lowest = min(result.points, key=lambda p: p.minimum.reaction_energy_eV_per_atom)
        head.add_row(
            "most negative",
            f"{fmt_energy(lowest.minimum.reaction_energy_eV_per_atom)} {unit} at {fmt_voltage(lowest.voltage_V)} V "
            f"→ {escape(fmt_phases(lowest.minimum.products))}",
        )

        def mutual_kink(p: SweepPoint) -> InterfaceKink:
            return p.mutual_minimum if p.mutual_minimum is not None else p.minimum

        mutual = min(result.points, key=lambda p: mutual_kink(p).mutual_reaction_energy_eV_per_atom)
        head.add_row(
            "most negative mutual",
            Text(
                f"{fmt_energy(mutual_kink(mutual).mutual_reaction_energy_eV_per_atom)} {unit} at "
                f"{fmt_voltage(mutual.voltage_V)} V → {fmt_phases(mutual_kink(mutual).products)} "
                "(over all kinks at the grid voltages: dE minus the reactants' own "
                f"decomposition with the {ion} reservoir)",
                style="bold",
            ),
        )
    head.add_row(
        "product changes",
        f"{len(result.transitions)} located exactly ({result.n_evaluations} interface evaluations)",
    )
    header = Panel(
        head,
        title=f"[bold]{escape(result.reactant_a)} | {escape(result.reactant_b)}[/] · interface reactions vs voltage",
        title_align="left",
        box=box.ROUNDED,
        border_style="blue",
    )

    transitions = Table(
        title=f"voltages where the products of the most negative reaction change (V vs {ion}/{ion}+)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    transitions.add_column("V", justify="right", no_wrap=True)
    transitions.add_column("products below")
    transitions.add_column("", no_wrap=True)
    transitions.add_column("products above")
    transitions.add_column("change")
    transitions.add_column("method", no_wrap=True)
    for t in result.transitions:
        transitions.add_row(
            fmt_voltage_fine(t.voltage_V),
            escape(fmt_phases(t.products_below)),
            "→",
            escape(fmt_phases(t.products_above)),
            escape(phase_change_text(t.products_below, t.products_above)),
            escape(transition_method_text(t.method, t.tolerance_V)),
        )
    if not result.transitions:
        transitions.add_row("", "no change of products over the sweep", "", "", "", "")

    points = Table(
        title=f"most negative reaction at each voltage (dE in {unit})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    points.add_column("V", justify="right", no_wrap=True)
    points.add_column("dE", justify="right", no_wrap=True)
    points.add_column("mutual", justify="right", no_wrap=True)
    points.add_column("x_atomic", justify="right", no_wrap=True)
    points.add_column("x_molar", justify="right", no_wrap=True)
    points.add_column("products")
    for p in result.points:
        m = p.minimum
        points.add_row(
            fmt_voltage(p.voltage_V),
            fmt_energy(m.reaction_energy_eV_per_atom),
            fmt_energy(m.mutual_reaction_energy_eV_per_atom),
            fmt_fraction(m.x_atomic_a),
            fmt_fraction(m.x_molar_a),
            escape(fmt_phases(m.products)),
        )
    legend = _legend(
        "crossing: two competing reactions swap, located exactly; bisection: a phase appears or vanishes, "
        "located to the stated tolerance",
        f"x = fraction of {result.reactant_a} (x_atomic counts its {ion} too); x = 1 or 0 means one reactant "
        f"reacting with the {ion} reservoir alone",
        "mutual: the reaction's dE minus the reactants' own decomposition with the reservoir (the interface's own share)",
    )
    return Group(
        header, transitions, points, legend, provenance_panel(result.provenance, skip=SWEEP_SKIPPED_CONVENTIONS)
    )


#: Conventions of a sweep's provenance that describe only its first voltage (the header gives the range).
SWEEP_SKIPPED_CONVENTIONS = ("system",)


# -- batch summary ---------------------------------------------------------------------------
def batch_table(result: BatchResult) -> RenderableType:
    """What a batch run did: counts, files, source."""
    grid = _grid()
    grid.add_row("targets", str(result.n_targets))
    grid.add_row(
        "computed this run", f"{result.n_computed} ({result.n_targets - result.n_computed} from the checkpoint)"
    )
    failed = f"{result.n_failed}" + (" (see the error column)" if result.n_failed else "")
    grid.add_row("failed", Text(failed, style="yellow" if result.n_failed else ""))
    grid.add_row("output", escape(str(result.output)))
    grid.add_row("checkpoint", escape(str(result.checkpoint)))
    grid.add_row("source", escape(result.source))
    return Panel(
        grid, title="[bold]batch of stability windows[/]", title_align="left", box=box.ROUNDED, border_style="green"
    )


# -- coating screen --------------------------------------------------------------------------
#: Short names of the screening criteria, in the order of the table.
SCREEN_CRITERIA_LABELS: dict[str, str] = {
    "e_above_hull": "e_above_hull",
    "reduction_limit": "reduction limit",
    "oxidation_limit": "oxidation limit",
    "electrolyte_reaction": "electrolyte reaction",
    "cathode_reaction": "cathode reaction",
    "charged_cathode_reaction": "charged-cathode reaction",
}


def screen_criteria_lines(screen: CoatingScreen) -> list[tuple[str, str]]:
    """(criterion, rule) pairs of a screen, rounded like the tables."""
    c = screen.criteria
    ref = f"{c.ion}/{c.ion}+"
    return [
        ("e_above_hull", f"≤ {fmt_meV(c.max_e_above_hull_eV_per_atom)} meV/atom (of the candidate in the data)"),
        ("reduction limit", f"≤ {fmt_voltage(c.max_reduction_limit_V)} V vs {ref}"),
        (
            "oxidation limit",
            f"≥ {fmt_voltage(c.min_oxidation_limit_V)} V vs {ref} (a candidate without {c.ion} passes)",
        ),
        (
            "electrolyte reaction",
            f"|most negative reaction energy with {screen.electrolyte}| ≤ "
            f"{fmt_energy(c.max_abs_electrolyte_reaction_eV_per_atom)} eV/atom (closed system)",
        ),
        (
            "cathode reactions",
            f"|most negative reaction energy| ≤ {fmt_energy(c.max_abs_cathode_reaction_eV_per_atom)} eV/atom with "
            f"{screen.cathode} and with the charged cathode {screen.charged_cathode} (closed system)",
        ),
    ]


def screen_score_text(screen: CoatingScreen) -> str:
    """How the score is computed, with the scales of this screen."""
    c = screen.criteria
    return (
        "score = the smallest margin over the criteria, each margin divided by its scale "
        f"(e_above_hull: {fmt_meV(c.scale_e_above_hull_eV_per_atom)} meV/atom, voltages: {c.scale_voltage_V:g} V, "
        f"reaction energies: {fmt_energy(c.scale_reaction_eV_per_atom)} eV/atom); ≥ 0 means every criterion passes; "
        "ranked by score, best first, ties (e.g. every candidate on the hull has the same e_above_hull margin) "
        "broken by the mean margin"
    )


def screen_window_text(result: CoatingResult) -> str:
    """``0.69 – 4.21`` (V); ``1.2 – none`` without an oxidation limit."""
    if result.reduction_limit_V is None:
        return NONE_TEXT
    return f"{fmt_voltage(result.reduction_limit_V)} – {fmt_voltage(result.oxidation_limit_V)}"


def screen_failed_text(result: CoatingResult) -> str:
    """Failed criteria in words, or the error of a candidate that could not be screened."""
    if result.error:
        return f"error: {result.error}"
    return ", ".join(SCREEN_CRITERIA_LABELS.get(k, k) for k in result.failed_criteria)


def screen_mark(result: CoatingResult) -> str:
    """✓ for a candidate passing every criterion, ✗ otherwise."""
    return PASS_MARK if result.passed else FAIL_MARK


def screen_score_text_of(result: CoatingResult) -> str:
    """The score to 2 decimals (``–`` for an error row)."""
    return "–" if result.error or result.score == float("-inf") else _fixed(result.score, 2)


def screen_mean_margin_text(result: CoatingResult) -> str:
    """The mean scaled margin (the tie-breaker) to 2 decimals (``–`` for an error row)."""
    mean = getattr(result, "mean_margin", None)
    return "–" if result.error or mean is None or mean == float("-inf") else _fixed(mean, 2)


def screen_skipped_text(screen: CoatingScreen) -> str | None:
    """Candidates left out because they are the electrolyte or the cathode themselves."""
    skipped = getattr(screen, "skipped", ())
    if not skipped:
        return None
    return f"skipped (the electrolyte or cathode itself): {', '.join(skipped)}"


def _source_grid(source: dict[str, object], package_version: str, conventions: dict[str, str]) -> Table:
    grid = _grid()
    name, description = str(source.get("name", "")), str(source.get("description", ""))
    grid.add_row("source", f"{escape(name)} — {escape(description)}" if description else escape(name))
    vintage, db_version = str(source.get("vintage", "")), str(source.get("db_version", ""))
    grid.add_row("vintage", escape(vintage + (f" ({db_version})" if db_version else "")))
    grid.add_row("thermo type", escape(str(source.get("thermo_type", ""))))
    for key, text in conventions.items():
        grid.add_row(f"[dim]{escape(key)}[/]", f"[dim]{escape(text)}[/]")
    grid.add_row("interfacestab", escape(package_version))
    return grid


def screen_table(screen: CoatingScreen, *, top: int | None = None) -> RenderableType:
    """Ranked candidates (``top`` rows at most), then the criteria and the provenance."""
    ion = screen.ion
    shown = screen.results if top is None else screen.results[: max(0, top)]
    open_columns = screen.voltage_V is not None
    title = (
        f"[bold]coatings for {escape(screen.electrolyte)} | {escape(screen.cathode)}[/] · "
        f"{len(screen.passed)} of {len(screen.results)} pass"
        + (f" · top {len(shown)} shown" if len(shown) < len(screen.results) else "")
    )
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("formula", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("mean\nmargin", justify="right", no_wrap=True)
    table.add_column("E_hull\n(meV/at)", justify="right", no_wrap=True)
    table.add_column(f"window\n(V vs {ion})", justify="right", no_wrap=True)
    table.add_column(f"dE\n{escape(screen.electrolyte)}", justify="right", no_wrap=True)
    table.add_column(f"dE\n{escape(screen.cathode)}", justify="right", no_wrap=True)
    table.add_column(f"dE\n{escape(screen.charged_cathode)}", justify="right", no_wrap=True)
    if open_columns:
        table.add_column(f"dE open\n{escape(screen.electrolyte)}", justify="right", no_wrap=True)
        table.add_column(f"dE open\n{escape(screen.cathode)}", justify="right", no_wrap=True)
    table.add_column("failed criteria")
    for rank, r in enumerate(shown, start=1):
        cells = [
            str(rank),
            escape(r.formula),
            f"[green]{PASS_MARK}[/]" if r.passed else f"[red]{FAIL_MARK}[/]",
            screen_score_text_of(r),
            screen_mean_margin_text(r),
            fmt_meV(r.e_above_hull_eV_per_atom),
            screen_window_text(r),
            fmt_energy(r.electrolyte_reaction_eV_per_atom),
            fmt_energy(r.cathode_reaction_eV_per_atom),
            fmt_energy(r.charged_cathode_reaction_eV_per_atom),
        ]
        if open_columns:
            cells += [
                fmt_energy(r.open_electrolyte_reaction_eV_per_atom),
                fmt_energy(r.open_cathode_reaction_eV_per_atom),
            ]
        cells.append(escape(screen_failed_text(r)))
        table.add_row(*cells, style="bold" if r.passed else None)
    legend_lines = [
        f"{PASS_MARK}: passes every criterion; dE: most negative reaction energy with the phase named "
        "(eV/atom of the mixture, closed system)",
        f"charged cathode: {screen.charged_cathode} (made from {screen.cathode} by removing {ion}; --charged-fraction)",
    ]
    if open_columns:
        legend_lines.append(
            f"dE open: the same reactions open to {ion} at {fmt_voltage(screen.voltage_V)} V vs {ion}/{ion}+ "
            f"(eV per non-{ion} atom; includes each reactant's own reaction with the {ion} reservoir, e.g. an "
            "electrolyte outside its window; reported, not a criterion)"
        )
    skipped = screen_skipped_text(screen)
    if skipped:
        legend_lines.append(skipped)
    if screen.output:
        legend_lines.append(f"all {len(screen.results)} rows at full precision in {screen.output}")

    criteria = _grid()
    for name, rule in screen_criteria_lines(screen):
        criteria.add_row(escape(name), escape(rule))
    criteria.add_row("score", escape(screen_score_text(screen)))
    criteria.add_row("[dim]after[/]", f"[dim]{escape(screen.criteria.citation)}[/]")
    criteria_panel = Panel(criteria, title="criteria", title_align="left", box=box.ROUNDED, border_style="cyan")
    provenance = Panel(
        _source_grid(screen.source, screen.package_version, screen.conventions),
        title="provenance",
        title_align="left",
        box=box.ROUNDED,
        border_style="dim",
    )
    return Group(table, _legend(*legend_lines), criteria_panel, provenance)


# -- data ------------------------------------------------------------------------------------
def entries_table(result: ChemsysEntries) -> RenderableType:
    """Every entry of a chemical system with its hull facts."""
    src = result.provenance.source
    table = Table(
        title=f"{escape(result.chemsys)} · {len(result.rows)} entries · source {escape(src.name)}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    table.add_column("formula", no_wrap=True)
    table.add_column("material id", no_wrap=True)
    table.add_column("E_form (eV/atom)", justify="right", no_wrap=True)
    table.add_column("E_above_hull (meV/atom)", justify="right", no_wrap=True)
    table.add_column("decomposes to", overflow="fold")
    for row in result.rows:
        table.add_row(
            escape(row.formula),
            escape(row.material_id),
            fmt_energy(row.e_form_eV_per_atom),
            fmt_meV(row.e_above_hull_eV_per_atom),
            "" if row.is_stable else escape(fmt_phases(row.decomposition)),
            style="bold" if row.is_stable else None,
        )
    return Group(
        table,
        _legend(
            "bold: on the hull",
            f"thermo type: {src.thermo_type}; vintage: {src.vintage}",
        ),
    )


class _ByWidth:
    """Render ``wide`` when the console has at least ``min_width`` columns, else ``narrow``."""

    def __init__(self, wide: RenderableType, narrow: RenderableType, min_width: int) -> None:
        self.wide, self.narrow, self.min_width = wide, narrow, min_width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.wide if options.max_width >= self.min_width else self.narrow


_SOURCES_TABLE_MIN_WIDTH = 140  # below this, one block per source reads better than a squeezed table


def sources_table(sources: Sequence[SourceInfo], *, title: str, status: Sequence[str] | None = None) -> RenderableType:
    """Sources with their counts and provenance (``status``: e.g. imported/unchanged per source).

    A table on wide consoles; one labelled block per source on narrow ones.
    """
    table = Table(title=escape(title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("source", no_wrap=True, style="bold")
    if status is not None:
        table.add_column("status", no_wrap=True)
    table.add_column("entries", justify="right", no_wrap=True)
    table.add_column("thermo type")
    table.add_column("vintage")
    table.add_column("origin", overflow="fold")
    table.add_column("imported at")
    blocks: list[RenderableType] = [Text(title, style="bold")]
    for i, src in enumerate(sources):
        cells = [escape(src.name)]
        if status is not None:
            cells.append(escape(status[i]))
        cells += [
            str(src.n_entries),
            escape(src.thermo_type),
            escape(src.vintage),
            escape(src.origin),
            escape(src.imported_at),
        ]
        table.add_row(*cells)
        block = _grid()
        block.add_row(escape(src.name), f"{src.n_entries} entries" + (f" · {escape(status[i])}" if status else ""))
        block.add_row("[dim]thermo type[/]", escape(src.thermo_type))
        block.add_row("[dim]vintage[/]", escape(src.vintage))
        block.add_row("[dim]origin[/]", escape(src.origin))
        block.add_row("[dim]imported at[/]", escape(src.imported_at))
        blocks += [Text(""), block]
    return _ByWidth(table, Group(*blocks), _SOURCES_TABLE_MIN_WIDTH)


def store_info_table(result: StoreInfo) -> RenderableType:
    """The store's path and every source in it."""
    title = f"store {result.store_path} · {len(result.sources)} source(s), {result.n_entries} entries"
    if not result.sources:
        return Group(
            Text(title, style="bold"),
            Text("empty: run `interfacestab setup` or `interfacestab data import PATH`"),
        )
    return sources_table(result.sources, title=title)


# -- dispatch --------------------------------------------------------------------------------
def render(result: object, *, top: int | None = None) -> RenderableType:
    """The table of any result type the CLI prints (``top``: rows of a coating screen shown)."""
    from interfacestab.analyses.batch import BatchResult
    from interfacestab.analyses.coatings import CoatingScreen
    from interfacestab.analyses.data import ChemsysEntries, StoreInfo
    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.scan import WindowScan
    from interfacestab.analyses.sweep import InterfaceSweep
    from interfacestab.analyses.window import StabilityWindow

    if isinstance(result, StabilityWindow):
        return window_table(result)
    if isinstance(result, InterfaceProfile):
        return interface_table(result)
    if isinstance(result, WindowScan):
        return scan_table(result)
    if isinstance(result, InterfaceSweep):
        return sweep_table(result)
    if isinstance(result, CoatingScreen):
        return screen_table(result, top=top)
    if isinstance(result, BatchResult):
        return batch_table(result)
    if isinstance(result, ChemsysEntries):
        return entries_table(result)
    if isinstance(result, StoreInfo):
        return store_info_table(result)
    msg = f"no table for {type(result).__name__}"
    raise TypeError(msg)


def to_text(renderable: RenderableType, *, width: int = 140) -> str:
    """Plain text of a renderable (no colour codes), e.g. for ``--format table --output FILE``."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, legacy_windows=False)
    console.print(renderable)
    return buffer.getvalue()

"""Rich renderables for every result type; the only place where numbers are rounded.

Rounding (CONVENTIONS.md, "Numbers in reports"): voltages to 0.01 V, energies to
1 meV/atom (3 decimals in eV/atom, integers in meV/atom). The results themselves keep full
precision; JSON and CSV exports never pass through this module's formatters.

The analysis modules pull in numpy and scipy, so their classes are imported only for type
checking here and inside :func:`render` (a result exists, so its module is already loaded).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from interfacestab.analyses.data import ChemsysEntries, StoreInfo
    from interfacestab.analyses.interface import InterfaceProfile
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
    """A stage's reaction; the window stage (target stable, ``X -> X``) reads ``stable (no reaction)``."""
    return "stable (no reaction)" if stage.is_window else stage.reaction


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


def provenance_panel(provenance: Provenance, notes: Sequence[str] = ()) -> Panel:
    """Footer: where the numbers come from and which conventions were used."""
    grid = _grid()
    src = provenance.source
    grid.add_row("source", f"{escape(src.name)} — {escape(src.description)}" if src.description else escape(src.name))
    grid.add_row("vintage", escape(src.vintage + (f" ({src.db_version})" if src.db_version else "")))
    grid.add_row("thermo type", escape(src.thermo_type))
    grid.add_row("entries", f"{provenance.n_entries_in_chemsys} in {escape(provenance.chemsys)}")
    for key, text in provenance.conventions.items():
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
    head.add_row("mutual", f"{fmt_energy(result.mutual_reaction_energy_eV_per_atom)} {unit}")
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
    return Group(header, kinks, legend, extra, provenance_panel(result.provenance))


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


def sources_table(
    sources: Sequence[SourceInfo], *, title: str, status: Sequence[str] | None = None
) -> RenderableType:
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
def render(result: object) -> RenderableType:
    """The table of any result type the CLI prints."""
    from interfacestab.analyses.data import ChemsysEntries, StoreInfo
    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.window import StabilityWindow

    if isinstance(result, StabilityWindow):
        return window_table(result)
    if isinstance(result, InterfaceProfile):
        return interface_table(result)
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

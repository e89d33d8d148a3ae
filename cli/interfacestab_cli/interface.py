"""``interfacestab interface``: pseudo-binary reaction energy between two phases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from interfacestab_cli.console import info, user_errors
from interfacestab_cli.options import (
    INPUT_PANEL,
    MAX_GRID_POINTS,
    THERMO_PANEL,
    Ion,
    IonOption,
    OutputFormat,
    OutputOption,
    PlotOption,
    ResultFormatOption,
    SourceOption,
    in_range,
    range_text,
    usage_error,
)
from interfacestab_cli.output import output_format, report
from interfacestab_cli.state import open_store_for

if TYPE_CHECKING:
    from pathlib import Path

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.sweep import InterfaceSweep

_SOC_HELP = (
    "State of charge of {which}: this fraction (0-1) of its A is removed before the reaction "
    "(LiCoO2 at 0.5 -> Li0.5CoO2)."
)


def interface(
    ctx: typer.Context,
    reactant_a: Annotated[
        str,
        typer.Argument(metavar="A", help="First reactant (x is its fraction), e.g. Li6PS5Cl.", show_default=False),
    ],
    reactant_b: Annotated[
        str,
        typer.Argument(metavar="B", help="Second reactant, e.g. LiCoO2 or Li0.5CoO2.", show_default=False),
    ],
    ion: IonOption = Ion.Li,
    voltage: Annotated[
        float | None,
        typer.Option(
            "--voltage",
            metavar="V",
            callback=in_range("--voltage"),
            help="Open the system to A at this voltage (vs A/A+, V; mu_A = -V eV; "
            f"{range_text('--voltage')}); closed system when omitted.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    sweep: Annotated[
        str | None,
        typer.Option(
            "--sweep",
            metavar="V1:V2:STEP",
            help="Open the system to A at every voltage V1, V1+STEP, ..., V2 (vs A/A+, V) and locate exactly the "
            f"voltages where the products of the most negative reaction change (at most {MAX_GRID_POINTS} "
            "voltages, within 0-10 V). Not with --voltage.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    use_entry_energies: Annotated[
        bool,
        typer.Option(
            "--use-entry-energies",
            help="Use the reactants' energies as stored instead of their hull (stabilized) energies, so a "
            "metastable reactant's own decomposition counts as reactivity.",
            rich_help_panel=THERMO_PANEL,
        ),
    ] = False,
    soc_a: Annotated[
        float | None,
        typer.Option(
            "--soc-a",
            metavar="F",
            callback=in_range("--soc-a"),
            help=_SOC_HELP.format(which="A"),
            rich_help_panel=THERMO_PANEL,
        ),
    ] = None,
    soc_b: Annotated[
        float | None,
        typer.Option(
            "--soc-b",
            metavar="F",
            callback=in_range("--soc-b"),
            help=_SOC_HELP.format(which="B"),
            rich_help_panel=THERMO_PANEL,
        ),
    ] = None,
    source: SourceOption = None,
    fmt: ResultFormatOption = OutputFormat.table,
    output: OutputOption = None,
    plot: PlotOption = None,
    scan: Annotated[
        str | None,
        typer.Option(
            "--scan",
            metavar="x=START:STOP:STEP",
            help="A or B is a template with a variable, e.g. Li6+xP1-xGexS5I: the most negative reaction and its "
            "products at each value (end included; or x=V1,V2,...; at most "
            f"{MAX_GRID_POINTS} values), as `window --scan`. Rows say whether each composition is in the data or "
            "virtual (placed on the hull). Not with --sweep.",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Interface reactions of A | B: reaction energy at every kink of the mixing line, and its minimum.

    Energies are eV/atom of the mixture (closed) or eV per non-A atom (open at --voltage).

    --sweep maps the most negative reaction over a voltage range: the voltages where its products
    change (to 1 mV or better), and the reaction at each voltage of the grid.
    """
    if voltage is not None and sweep is not None:
        usage_error(ctx, "--voltage and --sweep cannot be used together: --voltage opens the system at one voltage, "
                    "--sweep at a range of them")  # fmt: skip
    if scan is not None and sweep is not None:
        usage_error(ctx, "--scan and --sweep cannot be used together: --scan varies a composition, --sweep the voltage")
    fmt_name = output_format(ctx, fmt.value, output)  # before any work: a contradicting --format is refused
    if scan is not None:
        _scan(ctx, reactant_a, reactant_b, scan, ion=ion.value, voltage=voltage, use_entry_energies=use_entry_energies,
              soc_a=soc_a, soc_b=soc_b, source=source, fmt_name=fmt_name, output=output, plot=plot)  # fmt: skip
        return
    with user_errors():
        with open_store_for(ctx) as store:
            if sweep is not None:
                from interfacestab.analyses.sweep import interface_sweep_for

                result: InterfaceSweep | InterfaceProfile = interface_sweep_for(
                    reactant_a, reactant_b, sweep, ion=ion.value, use_entry_energies=use_entry_energies,
                    state_of_charge_a=soc_a, state_of_charge_b=soc_b, source=source, store=store,
                )  # fmt: skip
            else:
                from interfacestab.analyses.interface import interface_for

                result = interface_for(
                    reactant_a, reactant_b, ion=ion.value, voltage_V=voltage, use_entry_energies=use_entry_energies,
                    state_of_charge_a=soc_a, state_of_charge_b=soc_b, source=source, store=store,
                )  # fmt: skip
        reacted = (("A", reactant_a, soc_a, result.input_a), ("B", reactant_b, soc_b, result.input_b))
        for which, given, fraction, as_reacted in reacted:  # after the result: an error stays the only line
            if fraction is not None:
                info(f"{which}: {given} at state of charge {fraction:g} -> {as_reacted}")
        report(result, fmt_name, output, plot)


def _scan(ctx: typer.Context, reactant_a: str, reactant_b: str, scan: str, *, ion: str, voltage: float | None,
          use_entry_energies: bool, soc_a: float | None, soc_b: float | None, source: str | None, fmt_name: str,
          output: Path | None, plot: Path | None) -> None:  # fmt: skip
    """``interface A B --scan x=...``: the library's interface scan, rendered."""
    with user_errors():
        from interfacestab.analyses.interface_scan import interface_scan

        with open_store_for(ctx) as store:
            result = interface_scan(
                reactant_a, reactant_b, scan, ion=ion, voltage_V=voltage, use_entry_energies=use_entry_energies,
                state_of_charge_a=soc_a, state_of_charge_b=soc_b, source=source, store=store,
            )  # fmt: skip
        for note in result.notes:
            info(note)
        report(result, fmt_name, output, plot)

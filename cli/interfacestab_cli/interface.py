"""``interfacestab interface``: pseudo-binary reaction energy between two phases."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from interfacestab_cli.console import info, user_errors
from interfacestab_cli.options import (
    INPUT_PANEL,
    MAX_GRID_POINTS,
    OUTPUT_PANEL,
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
from interfacestab_cli.uncertainty_options import (
    DEFAULT_CONFIDENCE,
    DEFAULT_SAMPLES,
    ConfidenceOption,
    ErrorModelOption,
    SamplesOption,
    SeedOption,
    SigmaOption,
    uncertainty_settings,
)

if TYPE_CHECKING:
    from pathlib import Path

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.sweep import InterfaceSweep


class XAxis(StrEnum):
    """The x axis of an interface plot."""

    atomic = "atomic"
    molar = "molar"


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
    charge_voltage: Annotated[
        float | None,
        typer.Option(
            "--charge-voltage",
            metavar="V",
            callback=in_range("--charge-voltage"),
            help="Charge B (the cathode) to this voltage vs A/A+ first: B reacts as its equilibrium phase "
            "assemblage with A at mu_A = -V on the same hull (LiCoO2 at 3.9 V -> Li(CoO2)2, at 4.2 V -> CoO2); "
            f"the composition and phases used are named on stderr and in the JSON (charged_b). "
            f"{range_text('--charge-voltage')}. Not with --soc-b.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    x_axis: Annotated[
        XAxis,
        typer.Option(
            "--x",
            help="x axis of the --plot: atomic (fraction of A's atoms) or molar (fraction of A's formula "
            "units); the JSON and CSV carry both (x_atomic_a, x_molar_a).",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = XAxis.atomic,
    operating_voltage: Annotated[
        float | None,
        typer.Option(
            "--operating-voltage",
            metavar="V",
            callback=in_range("--operating-voltage"),
            help="With --sweep and --plot: draw a marker line at the cathode's operating voltage "
            f"(V vs A/A+; {range_text('--operating-voltage')}).",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
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
    sigma: SigmaOption = None,
    samples: SamplesOption = DEFAULT_SAMPLES,
    seed: SeedOption = 0,
    confidence: ConfidenceOption = DEFAULT_CONFIDENCE,
    error_model: ErrorModelOption = "auto",
) -> None:
    """Interface reactions of A | B: reaction energy at every kink of the mixing line, and its minimum.

    Energies are eV/atom of the mixture (closed) or eV per non-A atom (open at --voltage).

    --sweep maps the most negative reaction over a voltage range: the voltages where its products
    change (to 1 mV or better), and the reaction at each voltage of the grid.

    --sigma E samples formation-energy errors (eV/atom): an interval on the minimum reaction energy and
    how often each product set is the one at the minimum; with --sweep, at every voltage of the grid (not with
    --scan).
    """
    if voltage is not None and sweep is not None:
        usage_error(ctx, "--voltage and --sweep cannot be used together: --voltage opens the system at one voltage, "
                    "--sweep at a range of them")  # fmt: skip
    if charge_voltage is not None and soc_b is not None:
        usage_error(ctx, "give either --soc-b (a fraction of B's ion removed) or --charge-voltage, not both")
    if x_axis == XAxis.molar and sweep is not None:
        usage_error(ctx, "--x molar sets the x of the interface curve; a --sweep plot has voltage on its x axis")
    if operating_voltage is not None and sweep is None:
        usage_error(ctx, "--operating-voltage marks a voltage on a --sweep plot; add --sweep V1:V2:STEP")
    if scan is not None and sweep is not None:
        usage_error(ctx, "--scan and --sweep cannot be used together: --scan varies a composition, --sweep the voltage")
    if scan is not None and (charge_voltage is not None or operating_voltage is not None):
        usage_error(ctx, "--charge-voltage and --operating-voltage are not available with --scan")
    sampling = uncertainty_settings(ctx, sigma, samples, seed, confidence, error_model)
    if sampling is not None and scan is not None:
        usage_error(ctx, "--sigma applies to one interface (closed, at --voltage or over --sweep), not to --scan")
    fmt_name = output_format(ctx, fmt.value, output)  # before any work: a contradicting --format is refused
    if scan is not None:
        _scan(ctx, reactant_a, reactant_b, scan, ion=ion.value, voltage=voltage, use_entry_energies=use_entry_energies,
              soc_a=soc_a, soc_b=soc_b, source=source, fmt_name=fmt_name, output=output, plot=plot)  # fmt: skip
        return
    charged = None
    with user_errors():
        with open_store_for(ctx) as store:
            if charge_voltage is not None:
                from interfacestab.analyses.charging import charged_cathode_for

                charged = charged_cathode_for(reactant_b, charge_voltage, ion=ion.value, source=source, store=store)
                reactant_b = charged.parsed  # type: ignore[assignment]
            if sweep is not None:
                from interfacestab.analyses.sweep import interface_sweep_for

                result: InterfaceSweep | InterfaceProfile = interface_sweep_for(
                    reactant_a, reactant_b, sweep, ion=ion.value, use_entry_energies=use_entry_energies,
                    state_of_charge_a=soc_a, state_of_charge_b=soc_b, source=source, store=store,
                    uncertainty=sampling,
                )  # fmt: skip
            else:
                from interfacestab.analyses.interface import interface_for

                result = interface_for(
                    reactant_a, reactant_b, ion=ion.value, voltage_V=voltage, use_entry_energies=use_entry_energies,
                    state_of_charge_a=soc_a, state_of_charge_b=soc_b, source=source, store=store,
                )  # fmt: skip
                if sampling is not None:
                    from interfacestab.analyses.uncertainty import add_interface_uncertainty

                    result = add_interface_uncertainty(result, sampling, source=source, store=store)
            if charged is not None:
                from interfacestab.analyses.charging import with_charged_b

                result = with_charged_b(result, charged)
        reacted = (("A", reactant_a, soc_a, result.input_a), ("B", reactant_b, soc_b, result.input_b))
        for which, given, fraction, as_reacted in reacted:  # after the result: an error stays the only line
            if fraction is not None:
                info(f"{which}: {given} at state of charge {fraction:g} -> {as_reacted}")
        if charged is not None:
            info(f"B: {charged.describe()}")
        report(result, fmt_name, output, None)
        if plot is not None:
            from interfacestab.reports.plots import draw_interface_plot

            target = draw_interface_plot(result, plot, x_axis=x_axis.value, operating_voltage_V=operating_voltage)
            info(f"wrote plot to {target}")


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

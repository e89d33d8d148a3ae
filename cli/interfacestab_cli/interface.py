"""``interfacestab interface``: pseudo-binary reaction energy between two phases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from interfacestab_cli.console import info, user_errors
from interfacestab_cli.options import (
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
from interfacestab_cli.uncertainty_options import (
    DEFAULT_CONFIDENCE,
    DEFAULT_SAMPLES,
    ConfidenceOption,
    SamplesOption,
    SeedOption,
    SigmaOption,
    uncertainty_settings,
)

if TYPE_CHECKING:
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
    sigma: SigmaOption = None,
    samples: SamplesOption = DEFAULT_SAMPLES,
    seed: SeedOption = 0,
    confidence: ConfidenceOption = DEFAULT_CONFIDENCE,
) -> None:
    """Interface reactions of A | B: reaction energy at every kink of the mixing line, and its minimum.

    Energies are eV/atom of the mixture (closed) or eV per non-A atom (open at --voltage).

    --sweep maps the most negative reaction over a voltage range: the voltages where its products
    change (to 1 mV or better), and the reaction at each voltage of the grid.

    --sigma E samples formation-energy errors (eV/atom): an interval on the minimum reaction energy and
    how often each product set is the one at the minimum (not with --sweep).
    """
    if voltage is not None and sweep is not None:
        usage_error(ctx, "--voltage and --sweep cannot be used together: --voltage opens the system at one voltage, "
                    "--sweep at a range of them")  # fmt: skip
    sampling = uncertainty_settings(ctx, sigma, samples, seed, confidence)
    if sampling is not None and sweep is not None:
        usage_error(ctx, "--sigma applies to one interface (closed or at --voltage), not to --sweep")
    fmt_name = output_format(ctx, fmt.value, output)  # before any work: a contradicting --format is refused
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
                if sampling is not None:
                    from interfacestab.analyses.uncertainty import add_interface_uncertainty

                    result = add_interface_uncertainty(result, sampling, source=source, store=store)
        reacted = (("A", reactant_a, soc_a, result.input_a), ("B", reactant_b, soc_b, result.input_b))
        for which, given, fraction, as_reacted in reacted:  # after the result: an error stays the only line
            if fraction is not None:
                info(f"{which}: {given} at state of charge {fraction:g} -> {as_reacted}")
        report(result, fmt_name, output, plot)

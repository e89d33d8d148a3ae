"""``interfacestab window``: electrochemical stability window of a composition."""

from __future__ import annotations

from typing import Annotated

import typer

from interfacestab_cli.common import (
    THERMO_PANEL,
    FormatOption,
    Ion,
    IonOption,
    OutputFormat,
    OutputOption,
    PlotOption,
    SourceOption,
    open_store_for,
    report,
    user_errors,
)


def window(
    ctx: typer.Context,
    formula: Annotated[
        str | None,
        typer.Argument(
            metavar="FORMULA",
            help="Target composition, e.g. Li6PS5Cl, or a virtual one such as Li6.5P0.5Ge0.5S5I.",
            show_default=False,
        ),
    ] = None,
    ion: IonOption = Ion.Li,
    stabilize: Annotated[
        bool,
        typer.Option(
            "--stabilize/--no-stabilize",
            help="Place a metastable or virtual target 1e-6 eV/atom below the hull (literature practice); "
            "--no-stabilize keeps the data as they are (window of its equilibrium decomposition products).",
            rich_help_panel=THERMO_PANEL,
        ),
    ] = True,
    energy_above_hull: Annotated[
        float | None,
        typer.Option(
            "--energy-above-hull",
            metavar="E",
            help="Use this target energy instead of the data: eV/atom above the hull (0 = on the hull).",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    source: SourceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    plot: PlotOption = None,
) -> None:
    """Stability window of FORMULA vs A/A+ (V): limits, products and reactions at both limits, voltage profile.

    Reduction (below the window) takes up A; oxidation (above it) releases A.

    A target without A has no oxidation limit (shown as "none").
    """
    if formula is None:
        raise typer.BadParameter("give a FORMULA, e.g. `interfacestab window Li6PS5Cl`", param_hint="'FORMULA'")
    from interfacestab.analyses.window import window_for

    with user_errors():
        with open_store_for(ctx) as store:
            result = window_for(
                formula,
                ion=ion.value,
                stabilize=stabilize,
                energy_above_hull_eV_per_atom=energy_above_hull,
                source=source,
                store=store,
            )
        report(result, fmt.value, output, plot)

"""``interfacestab matrix``: the interface reaction of every electrolyte with every electrode, in one run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interfacestab_cli.console import fail, info, user_errors, warn
from interfacestab_cli.options import (
    INPUT_PANEL,
    THERMO_PANEL,
    Ion,
    IonOption,
    OutputFormat,
    OutputOption,
    PlotOption,
    ResultFormatOption,
    ResumeOption,
    SchedulerOption,
    SourceOption,
    WorkersOption,
    in_range,
    range_text,
    usage_error,
)
from interfacestab_cli.output import output_format, report
from interfacestab_cli.progress import interrupted, progress_bar, stop_workers_on_interrupt
from interfacestab_cli.state import state
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

HELP = "\n\n".join(
    [
        "Interface reactions of every electrolyte with every electrode: one `interface ELECTROLYTE ELECTRODE` "
        "per pair, in one run.",
        "Each cell: the most negative reaction energy (eV/atom of the mixture, and kJ/mol), the electrolyte's "
        "fraction x at it (atomic and molar), its products and the interphase they form (passivating, "
        "mixed-conducting or uncertain, from the band gaps in the store, as `interface` reports it); open to "
        "the ion at --voltage also the mutual "
        "(interface-only) energy, and energies are grand potentials per non-A atom. Closed system by default.",
        "The table shows electrolytes as rows and electrodes as columns, coloured by energy; JSON has one object per "
        "pair in `cells`; --plot draws the heatmap with the values in the cells.",
        "--sigma E samples formation-energy errors (eV/atom): each cell gets an interval on its minimum reaction "
        "energy and how often its products are the ones at the minimum, as `interface --sigma` gives for the pair "
        "(the same seed gives the same cells on any number of workers).",
        "Runs on all cores (--workers) or a Dask cluster (--scheduler); with --output it is checkpointed: after "
        "an interruption rerun with --resume (refused if the checkpoint was computed with other settings).",
        "[bold]Exit codes[/]: 0 done (pairs that could not be computed are counted on stderr); 1 an error, or "
        "every pair failed; 2 a usage error; 130 interrupted.",
    ]
)


def _formulas(ctx: typer.Context, listed: str | None, path: Path | None, option: str, what: str) -> list[str]:
    """The formulas of ``--OPTION A,B`` or ``--OPTION-file FILE`` (exactly one of them)."""
    from interfacestab.analyses.matrix import read_formula_list, split_formula_list

    if listed is not None and path is not None:
        usage_error(ctx, f"give either {option} A,B,... or {option}-file FILE, not both")
    if listed is None and path is None:
        usage_error(ctx, f"give the {what}: {option} A,B,... or {option}-file FILE")
    if path is not None:
        return read_formula_list(path, f"{what} file")
    assert listed is not None
    return split_formula_list(listed, what)


def matrix(
    ctx: typer.Context,
    electrolytes: Annotated[
        str | None,
        typer.Option(
            "--electrolytes",
            metavar="A,B,...",
            help="Electrolytes (rows), comma-separated, e.g. Li6PS5Cl,Li3InCl6,Li7La3Zr2O12.",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    electrodes: Annotated[
        str | None,
        typer.Option(
            "--electrodes",
            metavar="X,Y,...",
            help="Electrodes (columns), comma-separated, e.g. LiCoO2,LiFePO4,Li.",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    electrolytes_file: Annotated[
        Path | None,
        typer.Option(
            "--electrolytes-file",
            metavar="FILE",
            dir_okay=False,
            help="Electrolytes from a file: one formula per line, or a CSV with a formula column.",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    electrodes_file: Annotated[
        Path | None,
        typer.Option(
            "--electrodes-file",
            metavar="FILE",
            dir_okay=False,
            help="Electrodes from a file: one formula per line, or a CSV with a formula column.",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    ion: IonOption = Ion.Li,
    voltage: Annotated[
        float | None,
        typer.Option(
            "--voltage",
            metavar="V",
            callback=in_range("--voltage"),
            help="Open every pair to A at this voltage (vs A/A+, V; mu_A = -V eV; "
            f"{range_text('--voltage')}): total and mutual energies per non-A atom. Closed when omitted.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    soc: Annotated[
        float | None,
        typer.Option(
            "--soc",
            metavar="F",
            callback=in_range("--soc"),
            help="Charged electrodes: remove this fraction (0-1) of every electrode's A first (1: fully charged, "
            "LiCoO2 -> CoO2, as screen --charged-fraction; 0.5: Li0.5CoO2). An electrode without A fails its cells.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    source: SourceOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    resume: ResumeOption = False,
    fmt: ResultFormatOption = OutputFormat.table,
    output: OutputOption = None,
    plot: PlotOption = None,
    charge_voltage: Annotated[
        float | None,
        typer.Option(
            "--charge-voltage",
            metavar="V",
            callback=in_range("--charge-voltage"),
            help="Charge every electrode to this voltage (V vs A/A+) first: each reacts as its equilibrium phase "
            "assemblage at V on the same hull (LiCoO2 at 4.2 V -> CoO2), as `interface --charge-voltage`; the "
            "composition and phases used are named in the notes and in the JSON (charged_electrodes). An electrode "
            f"without A fails its cells. {range_text('--charge-voltage')}. Not with --soc.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    sigma: SigmaOption = None,
    samples: SamplesOption = DEFAULT_SAMPLES,
    seed: SeedOption = 0,
    confidence: ConfidenceOption = DEFAULT_CONFIDENCE,
    error_model: ErrorModelOption = "auto",
) -> None:
    """Interface reactions of every electrolyte with every electrode (help text: ``HELP``)."""
    if workers is not None and scheduler is not None:
        usage_error(ctx, "give either --workers (local processes) or --scheduler (a Dask cluster), not both")
    if charge_voltage is not None and soc is not None:
        usage_error(ctx, "give either --soc (a fraction of the electrodes' A removed) or --charge-voltage, not both")
    if resume and output is None:
        usage_error(ctx, "--resume continues the run checkpointed beside --output PATH; give the same --output")
    sampling = uncertainty_settings(ctx, sigma, samples, seed, confidence, error_model)
    fmt_name = output_format(ctx, fmt.value, output)
    tracker = None
    try:
        with user_errors():
            rows = _formulas(ctx, electrolytes, electrolytes_file, "--electrolytes", "electrolytes")
            columns = _formulas(ctx, electrodes, electrodes_file, "--electrodes", "electrodes")
            from interfacestab.analyses.matrix import interface_matrix

            intro = f"{len(rows)} electrolytes x {len(columns)} electrodes"
            with stop_workers_on_interrupt(), progress_bar("pairs", intro) as tracker:
                result = interface_matrix(
                    rows,
                    columns,
                    ion=ion.value,
                    voltage_V=voltage,
                    state_of_charge=soc,
                    source=source,
                    store_path=state(ctx).store_path,
                    output=output,
                    resume=resume,
                    workers=workers,
                    scheduler=scheduler,
                    progress=tracker,
                    charge_voltage_V=charge_voltage,
                    uncertainty=sampling,
                )
            for note in result.notes:
                info(note)
            if output is not None:
                info(f"{result.n_computed} of {len(result.cells)} pairs computed this run")
            report(result, fmt_name, output, plot)
    except KeyboardInterrupt:
        interrupted(tracker, output, what="pairs")
    n_failed = len(result.failed)
    if n_failed:
        if n_failed == len(result.cells):
            fail(f"all {n_failed} pairs failed: none could be computed (see the error of each cell)")
        warn(f"{n_failed} of {len(result.cells)} pairs could not be computed (see the error of each cell)")

"""``interfacestab window``: stability window of a composition, a composition scan, or a batch of them."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from interfacestab.conventions import DEFAULT_MAX_VOLTAGE_V, MAX_VOLTAGE_RANGE_V, VOLTAGE_RANGE_V
from interfacestab_cli.console import fail, usage_fail, user_errors
from interfacestab_cli.options import (
    INPUT_PANEL,
    MAX_GRID_POINTS,
    OUTPUT_PANEL,
    THERMO_PANEL,
    Ion,
    OutputFormat,
    PlotOption,
    ResumeOption,
    SchedulerOption,
    SourceOption,
    WorkersOption,
    in_range,
    parse_ion,
    range_text,
    usage_error,
)
from interfacestab_cli.output import check_html_format, emit, output_format, report
from interfacestab_cli.progress import interrupted, progress_bar, stop_workers_on_interrupt
from interfacestab_cli.state import open_store_for, state
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
    from interfacestab.analyses.scan import WindowScan
    from interfacestab.analyses.uncertainty import UncertaintySettings
    from interfacestab.analyses.window import StabilityWindow


def window(
    ctx: typer.Context,
    formula: Annotated[
        str | None,
        typer.Argument(
            metavar="FORMULA",
            help="Target composition, e.g. Li6PS5Cl, or a virtual one such as Li6.5P0.5Ge0.5S5I; "
            "with --scan a template such as Li6+xP1-xGexS5I.",
            show_default=False,
        ),
    ] = None,
    scan: Annotated[
        str | None,
        typer.Option(
            "--scan",
            metavar="x=START:STOP:STEP",
            help="Scan the variable of the FORMULA template (end included), e.g. x=0:0.8:0.1, "
            f"or list values: x=0,0.25,0.5 (at most {MAX_GRID_POINTS} values). Amounts are numbers, the variable, "
            "+ - * / and parentheses (Li7-2xLa3Zr2-xTaxO12). One window per value, all on one hull.",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            metavar="FILE",
            exists=True,
            dir_okay=False,
            help="Windows of many targets: one formula per line, or a CSV with a formula (and optional ion) "
            "column. Needs --output.",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    all_compounds: Annotated[
        bool,
        typer.Option(
            "--all-compounds",
            help="Windows of every compound of the source that contains the --ion (repeat --ion for several). "
            "Needs --output.",
            rich_help_panel=INPUT_PANEL,
        ),
    ] = False,
    ions: Annotated[
        list[Ion] | None,
        typer.Option(
            "--ion",
            metavar="Li|Na|K",
            parser=parse_ion,
            help="Mobile ion A (any case: li is Li); voltages are vs A/A+ (V). Default Li. Repeat with --all-compounds "
            "(--ion Li --ion Na --ion K); with --batch it is the ion of rows without one.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
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
            callback=in_range("--energy-above-hull"),
            help="Use this target energy instead of the data: eV/atom above the hull (0 = on the hull; "
            f"{range_text('--energy-above-hull')}). One FORMULA only.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    source: SourceOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    resume: ResumeOption = False,
    fmt: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (rounded: 0.01 V, 1 meV/atom), json (full precision), csv (flat rows, full precision), "
            "md or html (a self-contained page with interactive figures; the [html] extra). Default: table, or "
            "what the --output file's extension says (.json, .csv, .md, .html). "
            "With --batch/--all-compounds: the format of the run summary on stdout.",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = OutputFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            dir_okay=False,
            help="Write to this file (atomically) instead of stdout, in the format its extension says (.json, "
            ".csv, .md, .html; others: table) unless --format is given. With --batch/--all-compounds (required): the "
            "result file, .csv or .json, checkpointed beside it.",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    plot: PlotOption = None,
    at: Annotated[
        list[float] | None,
        typer.Option(
            "--at",
            metavar="V",
            callback=_check_at,
            help="Also give the equilibrium at this voltage (V vs A/A+, 0 to 10; repeatable: --at 0 --at 4.3): "
            "phases, balanced reaction with the ion, ion exchanged, cumulative capacity and decomposition energy. "
            "A voltage on a transition gives both neighbouring stages. One FORMULA only.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    max_voltage: Annotated[
        float,
        typer.Option(
            "--max-voltage",
            metavar="V",
            callback=_check_max_voltage,
            help="Extend the voltage profile and plot above 5 V, up to V (V vs A/A+, 5 to 10; e.g. 8 for LiF): "
            "decomposition energies are taken up to it (the *_at_5V_* fields stay at 5 V). "
            "One FORMULA only.",
            rich_help_panel=THERMO_PANEL,
        ),
    ] = DEFAULT_MAX_VOLTAGE_V,
    reference: Annotated[
        str | None,
        typer.Option(
            "--reference",
            metavar="VALUE",
            help="Also state the window against a reference electrode: its potential in V vs A/A+ (e.g. 0.62), "
            "or a two-phase electrode composition (Li0.5In, Li0.5Al, Na0.5Sn) whose potential is computed on "
            "the same data. Says whether the target is stable at that potential. One FORMULA only.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare",
            help="Print the computed window beside measured windows of the package's cited table "
            "(with method and source). One FORMULA only.",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = False,
    sigma: SigmaOption = None,
    samples: SamplesOption = DEFAULT_SAMPLES,
    seed: SeedOption = 0,
    confidence: ConfidenceOption = DEFAULT_CONFIDENCE,
    error_model: ErrorModelOption = "auto",
) -> None:
    """Stability window of FORMULA vs A/A+ (V): limits, products and reactions at both limits, voltage profile.

    Reduction (below the window) takes up A; oxidation (above it) releases A.

    A target without A has no oxidation limit (shown as "none").

    --scan gives one window per value of a template's variable (Li6+xP1-xGexS5I --scan x=0:0.8:0.1).

    --sigma E samples formation-energy errors (eV/atom) and adds intervals on both limits and how often
    each product set is the equilibrium one (one FORMULA, --scan, --batch or --all-compounds).

    --batch FILE and --all-compounds run many targets on all cores (or a Dask cluster),
    checkpointed beside --output: after Ctrl-C, rerun with --resume (refused if the checkpoint
    was computed with other settings).

    Exit codes: 0 done (failed targets are counted in the summary and the error column);
    1 an error, or every target of a batch failed; 2 a usage error; 130 interrupted.
    """
    ion_values = [i.value for i in ions] if ions else [Ion.Li.value]
    many = batch is not None or all_compounds
    _check_options(ctx, formula, scan, batch, all_compounds, ion_values, energy_above_hull, many, output, plot)
    _check_single_target_options(ctx, scan is not None or many, at, max_voltage, reference, compare)
    if not many and (workers is not None or scheduler is not None or resume):
        usage_error(ctx, "--workers, --scheduler and --resume apply to --batch and --all-compounds only")
    if workers is not None and scheduler is not None:
        usage_error(ctx, "give either --workers (local processes) or --scheduler (a Dask cluster), not both")
    sampling = _uncertainty(ctx, sigma, samples, seed, confidence, scan, many, energy_above_hull, error_model)

    if many:
        assert output is not None  # checked above
        check_html_format(fmt.value, None)  # the run summary goes to stdout in --format
        _window_batch(ctx, batch, ion_values, stabilize, source, workers, scheduler, resume, fmt, output, sampling)
        return
    assert formula is not None  # checked above
    fmt_name = output_format(ctx, fmt.value, output)  # before any work: a contradicting --format is refused
    with user_errors():
        with open_store_for(ctx) as store:
            if scan is not None:
                from interfacestab.analyses.scan import window_scan

                result: WindowScan | StabilityWindow = window_scan(
                    formula, scan, ion=ion_values[0], stabilize=stabilize, source=source, store=store,
                    uncertainty=sampling,
                )  # fmt: skip
            else:
                from interfacestab.analyses.window import window_for

                result = window_for(
                    formula,
                    ion=ion_values[0],
                    stabilize=stabilize,
                    energy_above_hull_eV_per_atom=energy_above_hull,
                    source=source,
                    store=store,
                    max_voltage_V=max_voltage,
                    at_voltages_V=tuple(at or ()),
                    reference=reference,
                    compare=compare,
                )
                if sampling is not None:
                    from interfacestab.analyses.uncertainty import add_window_uncertainty

                    result = add_window_uncertainty(result, sampling, stabilize=stabilize, source=source, store=store)
        report(result, fmt_name, output, plot)


def _check_at(values: list[float] | None) -> list[float] | None:
    """Each ``--at`` voltage is a finite number from 0 to 10 V (one line and exit 2 otherwise)."""
    low, high = VOLTAGE_RANGE_V
    for value in values or ():
        if not (math.isfinite(value) and low <= value <= high):
            usage_fail(f"--at must be a finite voltage from {low:g} to {high:g} V vs A/A+, not {value:g}")
    return values


def _check_max_voltage(value: float) -> float:
    """``--max-voltage`` is a finite number from 5 to 10 V (one line and exit 2 otherwise)."""
    low, high = MAX_VOLTAGE_RANGE_V
    if not (math.isfinite(value) and low <= value <= high):
        usage_fail(
            f"--max-voltage must be from {low:g} to {high:g} V (it extends the profile above the default "
            f"{DEFAULT_MAX_VOLTAGE_V:g} V), not {value:g}"
        )
    return value


def _check_single_target_options(
    ctx: typer.Context,
    several: bool,
    at: list[float] | None,
    max_voltage: float,
    reference: str | None,
    compare: bool = False,
) -> None:
    """The options of one window (issue 12) are refused with --scan, --batch and --all-compounds."""
    options = (
        ("--at", bool(at)),
        ("--max-voltage", max_voltage != DEFAULT_MAX_VOLTAGE_V),
        ("--reference", reference is not None),
        ("--compare", compare),
    )
    given = [name for name, on in options if on]
    if several and given:
        usage_error(ctx, f"{' and '.join(given)} apply to one FORMULA only, not to --scan, --batch or --all-compounds")


def _uncertainty(
    ctx: typer.Context,
    sigma: float | None,
    samples: int,
    seed: int,
    confidence: float,
    scan: str | None,
    many: bool,
    energy_above_hull: float | None,
    error_model: str = "auto",
) -> UncertaintySettings | None:
    """The --sigma settings, refused where they do not apply yet."""
    settings = uncertainty_settings(ctx, sigma, samples, seed, confidence, error_model)
    if settings is not None and energy_above_hull is not None:
        usage_error(ctx, "--sigma samples the data's energies; it does not combine with --energy-above-hull")
    return settings


def _check_options(
    ctx: typer.Context,
    formula: str | None,
    scan: str | None,
    batch: Path | None,
    all_compounds: bool,
    ions: list[str],
    energy_above_hull: float | None,
    many: bool,
    output: Path | None,
    plot: Path | None,
) -> None:
    """Refuse combinations that mean nothing, before any work."""
    if scan is not None and formula is None:
        usage_error(
            ctx, "--scan needs a FORMULA template, e.g. `interfacestab window Li6+xP1-xGexS5I --scan x=0:0.8:0.1`"
        )
    if formula is None and not many:
        msg = "give a FORMULA, e.g. `interfacestab window Li6PS5Cl`, or --batch FILE or --all-compounds"
        raise typer.BadParameter(msg, param_hint="'FORMULA'")
    if sum([formula is not None, batch is not None, all_compounds]) > 1:
        usage_error(ctx, "give one of FORMULA, --batch FILE or --all-compounds")
    if scan is not None and many:
        usage_error(ctx, "--scan scans one FORMULA template, not --batch or --all-compounds")
    if len(ions) > 1 and not all_compounds:
        usage_error(ctx, "several --ion values need --all-compounds; give one --ion otherwise")
    if energy_above_hull is not None and (scan is not None or many):
        usage_error(ctx, "--energy-above-hull applies to one FORMULA only, not to --scan, --batch or --all-compounds")
    if many and output is None:
        usage_error(ctx, "--batch and --all-compounds need --output PATH (.csv or .json)")
    if many and plot is not None:
        usage_error(ctx, "--plot applies to one FORMULA or a --scan, not to --batch or --all-compounds")


def _window_batch(
    ctx: typer.Context,
    batch: Path | None,
    ions: list[str],
    stabilize: bool,
    source: str | None,
    workers: int | None,
    scheduler: str | None,
    resume: bool,
    fmt: OutputFormat,
    output: Path,
    sampling: UncertaintySettings | None = None,
) -> None:
    """Read or list the targets, run the batch with a progress bar, print its summary."""
    from interfacestab.analyses import batch as batch_module
    from interfacestab.analyses.runner import check_output_folder

    tracker = None
    try:
        with user_errors():
            check_output_folder(output)  # before reading targets or opening the checkpoint
            if batch is not None:
                targets = batch_module.read_targets(batch, default_ion=ions[0])
                intro = f"{len(targets)} targets from {batch}{_duplicates_note(targets, 'duplicate')}"
            else:
                with open_store_for(ctx) as store:
                    targets = batch_module.all_compound_targets(ions, source=source, store=store)
                note = _duplicates_note(targets, "duplicate formula")  # polymorphs: one window per formula
                intro = f"{len(targets)} compounds containing {' or '.join(ions)}{note}"
            with stop_workers_on_interrupt(), progress_bar("windows", intro) as tracker:
                result = batch_module.window_batch(
                    targets,
                    output,
                    stabilize=stabilize,
                    source=source,
                    store_path=state(ctx).store_path,
                    workers=workers,
                    resume=resume,
                    progress=tracker,
                    scheduler=scheduler,
                    **_sampling_kwargs(sampling),
                )
    except KeyboardInterrupt:
        interrupted(tracker, output, what="targets")
    emit(result, fmt.value)
    if result.n_targets and result.n_failed == result.n_targets:
        fail(f"all {result.n_targets} targets failed (see the error column of {output})")


def _sampling_kwargs(sampling: UncertaintySettings | None) -> dict[str, Any]:
    """``uncertainty=`` for the batch only when --sigma is given (a plain batch call stays as it was)."""
    return {} if sampling is None else {"uncertainty": sampling}


def _duplicates_note(targets: list[tuple[str, str]], what: str) -> str:
    """`` (1 duplicate dropped)`` when targets repeat (a batch computes each distinct target once), else ''."""
    n_dropped = len(targets) - len(dict.fromkeys(targets))
    return f" ({n_dropped} {what}{'s' if n_dropped > 1 else ''} dropped)" if n_dropped else ""

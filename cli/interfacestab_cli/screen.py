"""``interfacestab screen``: rank coating materials between a solid electrolyte and a cathode.

The criteria in the help text are read from ``interfacestab.conventions`` (no heavy imports); the
seed list and excluded elements are those of ``interfacestab.analyses.screening`` (a test keeps them
in step), written out here so ``--help`` imports nothing of the analyses.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from interfacestab import conventions as conv
from interfacestab_cli.console import fail, info, user_errors, warn
from interfacestab_cli.options import (
    INPUT_PANEL,
    OUTPUT_PANEL,
    THERMO_PANEL,
    FormatOption,
    Ion,
    IonOption,
    OutputFormat,
    PlotOption,
    ResumeOption,
    SchedulerOption,
    SourceOption,
    WorkersOption,
    check_count,
    in_range,
    range_text,
    usage_error,
)
from interfacestab_cli.output import report, report_page_output
from interfacestab_cli.progress import interrupted, progress_bar, stop_workers_on_interrupt
from interfacestab_cli.state import open_store_for, state
from interfacestab_cli.uncertainty_options import (
    DEFAULT_CONFIDENCE,
    DEFAULT_SAMPLES,
    UNCERTAINTY_PANEL,
    ErrorModelOption,
    SamplesOption,
    ScreenConfidenceOption,
    SeedOption,
    SigmaOption,
    uncertainty_settings,
)

CRITERIA_PANEL = "Criteria (defaults: Xiao et al. 2019)"

#: Shown in the help; equal to ``coatings.SEED_COATINGS`` and ``coatings.DEFAULT_EXCLUDED_ELEMENTS``.
SEED_COATINGS_TEXT = "LiNbO3, Li2SnO3, Li2SiO3, Li3PO4, Li4Ti5O12, LiAlO2, Li2ZrO3, LiTaO3, Li3BO3, Li4SiO4"
#: Shown in the help; equal to ``coatings.SEED_INTERLAYERS`` (the anode side), per ion.
SEED_INTERLAYERS_TEXT = {
    "Li": "LiF, LiI, Li3N, Li3PO4, Li2O, LiCl, Li2S, Li13In3, Li9Al4, LiAg",
    "Na": "NaF, NaI, Na2O, Na3PO4, NaCl, Na2S, Na15Sn4",
    "K": "KF, KI, K2O, KCl, K2S, K3PO4",
}
EXCLUDED_ELEMENTS_TEXT = (
    "Tc, Pm, Po, At, Rn, Fr, Ra, Ac, Th, Pa, U, Np, Pu, Am, Cm, Bk, Cf, Es, Fm, Md, No, Lr (radioactive); "
    "Ru, Rh, Pd, Os, Ir, Pt, Au, Re (very costly); Hg, Cd, Tl, Be (toxic)"
)

HELP = "\n\n".join(
    [
        "Screen coating materials for the interface between a solid electrolyte and a cathode; ranked best first.",
        "For each candidate: its e_above_hull, its own stability window, and the most negative reaction energy "
        "(closed system, eV/atom of the mixture) with the electrolyte, with the cathode and with the charged cathode "
        "(the cathode with --charged-fraction of its ion removed: LiCoO2 -> CoO2).",
        f"[bold]Default criteria[/] ({conv.CRITERIA_CITATION}), vs Li/Li+: "
        f"e_above_hull <= {conv.SCREEN_MAX_E_ABOVE_HULL_eV_per_atom * 1000:g} meV/atom; reduction limit <= "
        f"{conv.SCREEN_MAX_REDUCTION_LIMIT_V:.1f} V; oxidation limit >= {conv.SCREEN_MIN_OXIDATION_LIMIT_V:.1f} V "
        "(a candidate without the ion cannot be oxidised and passes); |reaction energy| <= "
        f"{conv.SCREEN_MAX_ABS_ELECTROLYTE_REACTION_eV_per_atom:g} eV/atom with the electrolyte, "
        f"{conv.SCREEN_MAX_ABS_CATHODE_REACTION_eV_per_atom:g} eV/atom with the cathode and with the charged "
        f"cathode. For Na and K the voltage limits are lowered by {conv.COUPLE_SHIFT_V['Na']:g} V and "
        f"{conv.COUPLE_SHIFT_V['K']:g} V (Na/Na+ and K/K+ lie that far above Li/Li+). Each threshold option "
        "overrides its default.",
        "[bold]Score[/]: the smallest margin over the criteria, each margin divided by its scale (e_above_hull: "
        f"{conv.SCREEN_SCALE_E_ABOVE_HULL_eV_per_atom:g} eV/atom, voltages: {conv.SCREEN_SCALE_VOLTAGE_V:g} V, "
        f"reaction energies: {conv.SCREEN_SCALE_REACTION_eV_per_atom:g} eV/atom); score >= 0 means every criterion "
        "passes. Ties (every candidate on the hull shares the e_above_hull margin "
        f"{conv.SCREEN_MAX_E_ABOVE_HULL_eV_per_atom / conv.SCREEN_SCALE_E_ABOVE_HULL_eV_per_atom:g}) are broken by "
        "the mean margin. A criterion without a value (e_above_hull of a composition not in the data) is left out.",
        "[bold]Candidates[/]: --candidates FILE; or --auto: every compound with the ion in the data within "
        "--max-e-above-hull of its hull, with all of --include-elements and none of --exclude-elements "
        f"(default: {EXCLUDED_ELEMENTS_TEXT}); else the 10 seed coatings: {SEED_COATINGS_TEXT}. "
        "A candidate that is the electrolyte or the cathode itself is skipped.",
        "[bold]Charged cathode[/]: by default the cathode with all its ion removed (--charged-fraction 1, LiCoO2 -> "
        f"CoO2), the worst case screened by {conv.CRITERIA_CITATION}; --charged-fraction F removes a fraction; "
        "--charge-voltage V takes instead the cathode's equilibrium phase assemblage at V on the same hull "
        "(LiCoO2 at 3.9 V -> Li(CoO2)2, above about 4.1 V -> CoO2; NMC111 fully charged -> CoO2 + MnNiO3 + O2).",
        "[bold]Anode side[/] (--anode instead of --cathode): screen interlayers between the electrolyte and the metal "
        "anode (Li, Na, K) or an alloy (e.g. Li0.5In). Criteria: e_above_hull as above; the reduction limit must "
        "reach the anode's potential (0 V for the metal; for an alloy its two-phase plateau, or the lowest voltage of "
        "a single-phase alloy, on the same hull; tolerance "
        f"{conv.SCREEN_ANODE_REDUCTION_TOLERANCE_V:g} V); |reaction energy| <= "
        f"{conv.SCREEN_MAX_ABS_ELECTROLYTE_REACTION_eV_per_atom:g} eV/atom with the electrolyte and "
        f"{conv.SCREEN_MAX_ABS_ANODE_REACTION_eV_per_atom:g} eV/atom with the anode (--max-anode-reaction); the "
        f"oxidation limit is reported, not a criterion ({conv.ANODE_CRITERIA_CITATION}). Seed interlayers: "
        f"{SEED_INTERLAYERS_TEXT['Li']} (Na: {SEED_INTERLAYERS_TEXT['Na']}; K: {SEED_INTERLAYERS_TEXT['K']}).",
        "Runs on all cores (--workers) or a Dask cluster (--scheduler); with --output it is checkpointed: "
        "after Ctrl-C rerun with --resume (refused if the checkpoint was computed with other settings).",
        "[bold]Exit codes[/]: 0 done (candidates that could not be screened are counted on stderr); 1 an error, "
        "or every candidate failed; 2 a usage error; 130 interrupted.",
    ]
)


class RankBy(StrEnum):
    """How ``--rank-by`` orders the candidates."""

    score = "score"
    probability = "probability"


def screen(
    ctx: typer.Context,
    electrolyte: Annotated[
        str,
        typer.Option(
            "--electrolyte",
            metavar="FORMULA",
            help="Solid electrolyte, e.g. Li6PS5Cl or Li3PS4.",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ],
    cathode: Annotated[
        str | None,
        typer.Option(
            "--cathode",
            metavar="FORMULA",
            help="Cathode in its discharged state, e.g. LiCoO2 or LiNi1/3Mn1/3Co1/3O2 (or --anode).",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    candidates: Annotated[
        Path | None,
        typer.Option(
            "--candidates",
            metavar="FILE",
            exists=True,
            dir_okay=False,
            help="Candidate coatings: one formula per line, or a CSV with a formula column.",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    auto: Annotated[
        bool,
        typer.Option(
            "--auto",
            help="Candidates from the data: every compound with the ion within --max-e-above-hull of its hull.",
            rich_help_panel=INPUT_PANEL,
        ),
    ] = False,
    include_elements: Annotated[
        str | None,
        typer.Option(
            "--include-elements",
            metavar="EL,...",
            help="With --auto: keep compounds that contain all of these elements (e.g. O).",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    exclude_elements: Annotated[
        str | None,
        typer.Option(
            "--exclude-elements",
            metavar="EL,...",
            help="With --auto: leave out compounds with any of these elements; replaces the default list "
            "(radioactive, platinum group, Au, Re, Hg, Cd, Tl, Be); 'none' excludes nothing.",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    max_e_above_hull: Annotated[
        float | None,
        typer.Option(
            "--max-e-above-hull",
            metavar="E",
            callback=in_range("--max-e-above-hull"),
            help="Largest e_above_hull of a candidate, eV/atom "
            f"(default {conv.SCREEN_MAX_E_ABOVE_HULL_eV_per_atom:g}); also the --auto filter. "
            f"Range: {range_text('--max-e-above-hull')}.",
            rich_help_panel=CRITERIA_PANEL,
            show_default=False,
        ),
    ] = None,
    max_reduction_limit: Annotated[
        float | None,
        typer.Option(
            "--max-reduction-limit",
            metavar="V",
            callback=in_range("--max-reduction-limit"),
            help=f"Highest reduction limit, V vs A/A+ ({conv.screen_limit_help('reduction')}). "
            f"Range: {range_text('--max-reduction-limit')}.",
            rich_help_panel=CRITERIA_PANEL,
            show_default=False,
        ),
    ] = None,
    min_oxidation_limit: Annotated[
        float | None,
        typer.Option(
            "--min-oxidation-limit",
            metavar="V",
            callback=in_range("--min-oxidation-limit"),
            help=f"Lowest oxidation limit, V vs A/A+ ({conv.screen_limit_help('oxidation')}). "
            f"Range: {range_text('--min-oxidation-limit')}.",
            rich_help_panel=CRITERIA_PANEL,
            show_default=False,
        ),
    ] = None,
    max_electrolyte_reaction: Annotated[
        float | None,
        typer.Option(
            "--max-electrolyte-reaction",
            metavar="E",
            callback=in_range("--max-electrolyte-reaction"),
            help="Largest |reaction energy| with the electrolyte, eV/atom "
            f"(default {conv.SCREEN_MAX_ABS_ELECTROLYTE_REACTION_eV_per_atom:g}). "
            f"Range: {range_text('--max-electrolyte-reaction')}.",
            rich_help_panel=CRITERIA_PANEL,
            show_default=False,
        ),
    ] = None,
    max_cathode_reaction: Annotated[
        float | None,
        typer.Option(
            "--max-cathode-reaction",
            metavar="E",
            callback=in_range("--max-cathode-reaction"),
            help="Largest |reaction energy| with the cathode and the charged cathode, eV/atom "
            f"(default {conv.SCREEN_MAX_ABS_CATHODE_REACTION_eV_per_atom:g}). "
            f"Range: {range_text('--max-cathode-reaction')}.",
            rich_help_panel=CRITERIA_PANEL,
            show_default=False,
        ),
    ] = None,
    charged_fraction: Annotated[
        float,
        typer.Option(
            "--charged-fraction",
            metavar="F",
            callback=in_range("--charged-fraction"),
            help="Fraction of the cathode's ion removed for the charged cathode (1: fully charged, as in "
            "Xiao et al.; 0.5: LiCoO2 -> Li0.5CoO2).",
            rich_help_panel=THERMO_PANEL,
        ),
    ] = 1.0,
    voltage: Annotated[
        float | None,
        typer.Option(
            "--voltage",
            metavar="V",
            callback=in_range("--voltage"),
            help="Also report the reactions with electrolyte and cathode open to the ion at this voltage "
            "(V vs A/A+); reported, not a criterion.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    ion: IonOption = Ion.Li,
    source: SourceOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    resume: ResumeOption = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            dir_okay=False,
            help="Also write every candidate at full precision to this .json or .csv file, checkpointed "
            "beside it (needed for --resume). stdout still gets --format. An .html file is instead the "
            "HTML report (--format html), with no data file.",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    plot: PlotOption = None,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            metavar="N",
            callback=check_count("--top", 1, 1_000_000),
            help="Show only the N best candidates in the table or Markdown (JSON, CSV and --output keep all); "
            "with --plot: label the N best (default 10).",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    anode: Annotated[
        str | None,
        typer.Option(
            "--anode",
            metavar="FORMULA",
            help="Screen interlayers between the electrolyte and this anode instead of coatings at a cathode: the "
            "metal (Li, Na, K) or an alloy such as Li0.5In or NaSn2.",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    max_anode_reaction: Annotated[
        float | None,
        typer.Option(
            "--max-anode-reaction",
            metavar="E",
            callback=in_range("--max-anode-reaction"),
            help="With --anode: largest |reaction energy| with the anode, eV/atom "
            f"(default {conv.SCREEN_MAX_ABS_ANODE_REACTION_eV_per_atom:g}). "
            f"Range: {range_text('--max-anode-reaction')}.",
            rich_help_panel=CRITERIA_PANEL,
            show_default=False,
        ),
    ] = None,
    charge_voltage: Annotated[
        float | None,
        typer.Option(
            "--charge-voltage",
            metavar="V",
            callback=in_range("--charge-voltage"),
            help="The charged cathode is the cathode's equilibrium phase assemblage at this voltage (V vs A/A+) on "
            "the same hull, instead of --charged-fraction (default: fully charged, as in Xiao et al. 2019). "
            f"Range: {range_text('--charge-voltage')}.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    sigma: SigmaOption = None,
    samples: SamplesOption = DEFAULT_SAMPLES,
    seed: SeedOption = 0,
    confidence: ScreenConfidenceOption = DEFAULT_CONFIDENCE,
    rank_by: Annotated[
        RankBy,
        typer.Option(
            "--rank-by",
            help="Rank by the score (worst scaled margin) or, with --sigma, by the probability of passing every "
            "criterion (then the score).",
            rich_help_panel=UNCERTAINTY_PANEL,
        ),
    ] = RankBy.score,
    error_model: ErrorModelOption = "auto",
) -> None:
    """Screen coating materials between a solid electrolyte and a cathode (help text: ``HELP``)."""
    if candidates is not None and auto:
        usage_error(ctx, "give either --candidates FILE or --auto, not both")
    if not auto and (include_elements is not None or exclude_elements is not None):
        usage_error(ctx, "--include-elements and --exclude-elements choose --auto candidates; add --auto")
    if workers is not None and scheduler is not None:
        usage_error(ctx, "give either --workers (local processes) or --scheduler (a Dask cluster), not both")
    if resume and output is None:
        usage_error(ctx, "--resume continues the run checkpointed beside --output PATH; give the same --output")
    _check_side_options(ctx, cathode, anode, charge_voltage, max_anode_reaction)
    fmt_name, page = report_page_output(ctx, fmt.value, output)  # an .html --output is the report page
    if page is not None:
        if resume:
            usage_error(ctx, "--resume continues a run checkpointed beside a .json or .csv --output, not an .html page")
        output = None
    sampling = uncertainty_settings(ctx, sigma, samples, seed, confidence, error_model, intervals=False)
    if rank_by is RankBy.probability and sampling is None:
        usage_error(ctx, "--rank-by probability needs --sigma E (eV/atom)")

    from interfacestab.analyses import coatings

    tracker = None
    try:
        with user_errors():
            if output is not None:
                from interfacestab.analyses.runner import check_output_folder

                check_output_folder(output)  # before choosing candidates or opening the checkpoint
            given = {
                "max_e_above_hull_eV_per_atom": max_e_above_hull,
                "max_reduction_limit_V": max_reduction_limit,
                "min_oxidation_limit_V": min_oxidation_limit,
                "max_abs_electrolyte_reaction_eV_per_atom": max_electrolyte_reaction,
                "max_abs_cathode_reaction_eV_per_atom": max_cathode_reaction,
                "max_abs_anode_reaction_eV_per_atom": max_anode_reaction,
            }
            overrides = {name: value for name, value in given.items() if value is not None}
            criteria = coatings.ScreeningCriteria.for_ion(ion.value, **overrides)
            names: list[str] | Callable[[], list[str]]
            if candidates is not None:
                names = coatings.read_candidates(candidates)
                intro = f"{len(names)} candidates from {candidates}"
            elif auto:
                auto_intro = f"--auto: e_above_hull of every compound with {ion.value} (one hull per chemical system)"

                def from_the_data() -> list[str]:  # called by the screen once electrolyte and cathode are checked
                    with open_store_for(ctx) as store, progress_bar("hulls", auto_intro) as hulls:
                        found = coatings.auto_candidates(
                            store,
                            ion=ion.value,
                            max_e_above_hull_eV_per_atom=criteria.max_e_above_hull_eV_per_atom,
                            include_elements=include_elements,
                            exclude_elements=exclude_elements,
                            source=source,
                            progress=hulls,
                        )
                    if tracker is not None:  # the candidates' bar, started after this returns
                        tracker.intro = f"{len(found)} candidates with {ion.value} from the data (--auto)"
                    return found

                names, intro = from_the_data, ""
            elif anode is not None:
                names = coatings.default_interlayers(ion.value)
                intro = f"{len(names)} seed interlayers (give --candidates FILE or --auto for others)"
            else:
                names = coatings.default_candidates(ion.value)
                intro = f"{len(names)} seed coatings (give --candidates FILE or --auto for others)"
            with stop_workers_on_interrupt(), progress_bar("candidates", intro) as tracker:
                result = coatings.screen_coatings(
                    names,
                    electrolyte,
                    cathode,
                    ion=ion.value,
                    criteria=criteria,
                    charged_fraction=charged_fraction,
                    voltage_V=voltage,
                    source=source,
                    store_path=state(ctx).store_path,
                    output=output,
                    resume=resume,
                    workers=workers,
                    scheduler=scheduler,
                    progress=tracker,
                    anode=anode,
                    charge_voltage_V=charge_voltage,
                    uncertainty=sampling,
                    rank_by=rank_by.value,
                )
            for note in result.notes:
                info(note)
            _side_info(result)
            if output is not None:
                info(f"wrote {len(result.results)} candidates to {output} ({result.n_computed} computed this run)")
            report(result, fmt_name, page, plot, top=top)
    except KeyboardInterrupt:
        interrupted(tracker, output, what="candidates")
    n_failed = sum(1 for r in result.results if r.error)
    if n_failed:
        if n_failed == len(result.results):
            fail(f"all {n_failed} candidates failed: none could be screened (see the error column)")
        warn(f"{n_failed} of {len(result.results)} candidates could not be screened (see the error column)")


#: Options of the cathode side (parameter names), refused with --anode.
_CATHODE_SIDE_OPTIONS = (
    "voltage", "charged_fraction", "charge_voltage", "max_reduction_limit", "min_oxidation_limit",
    "max_cathode_reaction",
)  # fmt: skip


def _check_side_options(
    ctx: typer.Context,
    cathode: str | None,
    anode: str | None,
    charge_voltage: float | None,
    max_anode_reaction: float | None,
) -> None:
    """Usage errors of the electrode side: exactly one of --cathode and --anode, each with its own options."""
    if cathode is None and anode is None:
        usage_error(ctx, "give --cathode FORMULA (coatings) or --anode FORMULA (interlayers at the anode)")
    if cathode is not None and anode is not None:
        usage_error(ctx, "give either --cathode (coatings) or --anode (interlayers at the anode), not both")
    given = {
        name
        for name in _CATHODE_SIDE_OPTIONS
        if (source := ctx.get_parameter_source(name)) is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")
    }
    if anode is not None and given:
        options = ", ".join("--" + name.replace("_", "-") for name in sorted(given))
        usage_error(ctx, f"{options}: cathode-side options, not with --anode (its reduction limit is the anode's)")
    if anode is None and max_anode_reaction is not None:
        usage_error(ctx, "--max-anode-reaction is a criterion of the anode side; add --anode FORMULA")
    if charge_voltage is not None and "charged_fraction" in given:
        usage_error(ctx, "give either --charged-fraction or --charge-voltage for the charged cathode, not both")


def _side_info(result: object) -> None:
    """Say on stderr which anode potential or charged cathode the screen used."""
    screen = result
    anode = getattr(screen, "anode", None)
    ion = getattr(screen, "ion", "")
    if anode is not None:
        phases = " + ".join(getattr(screen, "anode_phases", ()))
        info(f"anode {anode} at {getattr(screen, 'anode_potential_V', 0.0):.4g} V vs {ion}/{ion}+ ({phases})")
    voltage = getattr(screen, "charge_voltage_V", None)
    if voltage is not None:
        phases = " + ".join(getattr(screen, "charged_cathode_phases", ()))
        info(f"charged cathode at {voltage:g} V vs {ion}/{ion}+: {getattr(screen, 'charged_cathode', '')} ({phases})")

"""``--sigma``, ``--samples``, ``--seed``, ``--confidence``: intervals from sampled energy errors (no heavy imports)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated

import typer

from interfacestab_cli.console import usage_fail

if TYPE_CHECKING:
    from interfacestab.analyses.uncertainty import UncertaintySettings

UNCERTAINTY_PANEL = "Uncertainty"
#: Mirror ``interfacestab.analyses.uncertainty`` (here: start-up imports no numpy; a test keeps them equal).
DEFAULT_SAMPLES = 300
DEFAULT_CONFIDENCE = 0.9
MAX_SAMPLES = 100_000
MAX_SEED = 2**63 - 1
#: Mirror ``interfacestab.analyses.error_model.ERROR_MODELS`` (a test keeps them equal).
ERROR_MODELS = ("auto", "global", "mp2020")


def _sigma(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and 0 <= value <= 1):
        usage_fail(f"--sigma must be a finite number of eV/atom from 0 to 1 (e.g. 0.02), not {value:g}")
    return value


def _samples(value: int) -> int:
    if not 1 <= value <= MAX_SAMPLES:
        usage_fail(f"--samples must be a whole number from 1 to {MAX_SAMPLES}, not {value}")
    return value


def _seed(value: int) -> int:
    if not 0 <= value <= MAX_SEED:
        usage_fail(f"--seed must be a whole number from 0 to {MAX_SEED}, not {value}")
    return value


def _confidence(value: float) -> float:
    if not (math.isfinite(value) and 0 < value < 1):
        usage_fail(f"--confidence must be a number between 0 and 1 (e.g. 0.9), not {value:g}")
    return value


def _error_model(value: str) -> str:
    if value not in ERROR_MODELS:
        usage_fail(f"--error-model must be one of {', '.join(ERROR_MODELS)}, not {value!r}")
    return value


SigmaOption = Annotated[
    float | None,
    typer.Option(
        "--sigma",
        metavar="E",
        callback=_sigma,
        help="Standard deviation of formation-energy errors (eV/atom, 0 to 1, e.g. 0.02): sample energies and report "
        "intervals (screen: pass probabilities) (see docs/conventions.md, 'Uncertainty from "
        "energy errors'). Off by default.",
        rich_help_panel=UNCERTAINTY_PANEL,
        show_default=False,
    ),
]
SamplesOption = Annotated[
    int,
    typer.Option(
        "--samples",
        metavar="N",
        callback=_samples,
        help=f"Samples of the energies with --sigma (1 to {MAX_SAMPLES}).",
        rich_help_panel=UNCERTAINTY_PANEL,
    ),
]
SeedOption = Annotated[
    int,
    typer.Option(
        "--seed",
        metavar="S",
        callback=_seed,
        help="Random seed with --sigma: the same seed gives the same output.",
        rich_help_panel=UNCERTAINTY_PANEL,
    ),
]
ConfidenceOption = Annotated[
    float,
    typer.Option(
        "--confidence",
        metavar="C",
        callback=_confidence,
        help="Central interval reported with --sigma (0-1, exclusive).",
        rich_help_panel=UNCERTAINTY_PANEL,
    ),
]
#: ``screen`` reports probabilities, not intervals: the option is kept (to refuse it with a reason) but not listed.
ScreenConfidenceOption = Annotated[
    float,
    typer.Option("--confidence", metavar="C", callback=_confidence, hidden=True),
]


ErrorModelOption = Annotated[
    str,
    typer.Option(
        "--error-model",
        metavar="[auto|global|mp2020]",
        callback=_error_model,
        help="Error model with --sigma: mp2020 samples each entry's MP2020 correction uncertainties (shared by the "
        "compounds a correction applies to) plus sigma per compound; global spreads sigma over a per-compound and "
        "a per-corrected-element term; auto takes mp2020 when every compound carries correction uncertainties.",
        rich_help_panel=UNCERTAINTY_PANEL,
    ),
]


def uncertainty_settings(
    ctx: typer.Context,
    sigma: float | None,
    samples: int,
    seed: int,
    confidence: float,
    error_model: str = "auto",
    *,
    intervals: bool = True,
) -> UncertaintySettings | None:
    """The settings of ``--sigma`` (None when off); its companion options without it are a usage error.

    ``intervals``: the command reports central intervals, so it needs at least ``2 / (1 - confidence)`` samples
    (one sample beyond each end of the interval); a command that reports probabilities (``screen``) refuses
    ``--confidence`` instead.
    """
    if sigma is None:
        given = [
            f"--{name.replace('_', '-')}"
            for name in ("samples", "seed", "confidence", "error_model")
            if (src := ctx.get_parameter_source(name)) is not None and src.name not in ("DEFAULT", "DEFAULT_MAP")
        ]
        if given:
            msg = f"{', '.join(given)} {'needs' if len(given) == 1 else 'need'} --sigma E (eV/atom)"
            raise typer.BadParameter(msg, ctx=ctx)
        return None
    if not intervals and _given(ctx, "confidence"):
        msg = (
            "--confidence sets the width of intervals; a screen reports pass probabilities (shares of samples) instead"
        )
        raise typer.BadParameter(msg, ctx=ctx)
    least = math.ceil(2 / (1 - confidence) - 1e-9)
    if intervals and least > MAX_SAMPLES:
        msg = (
            f"--confidence {confidence:.10g} needs at least {least} samples (2 / (1 - confidence)), more than the "
            f"{MAX_SAMPLES} allowed: give a confidence of at most {1 - 2 / MAX_SAMPLES:g}"
        )
        raise typer.BadParameter(msg, ctx=ctx)
    if intervals and samples < least:
        msg = (
            f"--samples {samples} is too few for a {confidence * 100:.10g}% interval: give at least {least} "
            "(2 / (1 - confidence), so that a sample lies beyond each end)"
        )
        raise typer.BadParameter(msg, ctx=ctx)
    from interfacestab.analyses.uncertainty import UncertaintySettings

    return UncertaintySettings(sigma, samples, seed, confidence, error_model)


def _given(ctx: typer.Context, name: str) -> bool:
    src = ctx.get_parameter_source(name)
    return src is not None and src.name not in ("DEFAULT", "DEFAULT_MAP")

"""Ranking a screen by pass probability (``--rank-by probability``) and the probability columns of its CSV."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.analyses.screening.results import CoatingResult
    from interfacestab.analyses.uncertainty import UncertaintySettings

RANK_BY = ("score", "probability")
#: CSV columns of the probabilities, in this order (criteria a candidate lacks are empty).
PROBABILITY_KEYS = (
    "all", "e_above_hull", "reduction_limit", "oxidation_limit", "electrolyte_reaction", "cathode_reaction",
    "charged_cathode_reaction", "anode_reaction",
)  # fmt: skip


def check_rank_by(rank_by: str, uncertainty: object) -> None:
    """Refuse an unknown ranking, or ranking by probability without sampled errors."""
    if rank_by not in RANK_BY:
        msg = f"rank_by must be one of {', '.join(RANK_BY)}, not '{rank_by}'"
        raise AnalysisError(msg)
    if rank_by == "probability" and uncertainty is None:
        msg = "ranking by probability needs sampled energy errors (--sigma)"
        raise AnalysisError(msg)


def rank_results(results: Sequence[CoatingResult], rank_by: str) -> list[CoatingResult]:
    """``results`` (ranked by score) re-ranked by the probability of passing every criterion, then by score."""
    if rank_by != "probability":
        return list(results)
    order = {id(r): i for i, r in enumerate(results)}

    def key(r: CoatingResult) -> tuple[float, int]:
        p = r.pass_probability.get("all", 0.0) if r.pass_probability else -1.0
        return (-p, order[id(r)])

    return sorted(results, key=key)


def screen_uncertainty(settings: UncertaintySettings, rank_by: str, model: str | None) -> dict[str, object]:
    """The ``uncertainty`` object of a screen: how it sampled and how it ranked.

    ``model`` is the error model the source's entries resolve to (``global``, ``mp2020`` or ``mixed``).
    A screen reports pass probabilities (fractions of samples), not intervals, so it has no confidence.
    """
    return {
        "sigma_eV_per_atom": settings.sigma_eV_per_atom,
        "samples": settings.samples,
        "seed": settings.seed,
        "error_model": settings.error_model,
        "model": model,
        "method": "joint samples of the window (enumerated reactions or certified LPs), the energy above the hull "
        "and the three reaction minima (LPs) per candidate; each criterion judged per sample",
        "ranked_by": rank_by,
    }


#: The sampling settings repeated on every CSV row of a screen run with ``--sigma`` (after the probabilities).
SETTINGS_COLUMNS = ("sigma_eV_per_atom", "samples", "seed", "uncertainty_model", "ranked_by")


def probability_columns(
    rows: list[dict[str, object]], results: Sequence[CoatingResult], settings: dict[str, object] | None = None
) -> list[dict[str, object]]:
    """CSV rows with ``pass_probability_<criterion>`` columns and the sampling settings appended (when sampled).

    ``settings`` is the screen's ``uncertainty`` object (sigma, samples, seed, model, ranked_by).
    """
    if settings is None and not any(r.pass_probability for r in results):
        return rows
    given = settings or {}
    extra = {
        "sigma_eV_per_atom": given.get("sigma_eV_per_atom"),
        "samples": given.get("samples"),
        "seed": given.get("seed"),
        "uncertainty_model": given.get("model"),
        "ranked_by": given.get("ranked_by"),
    }
    return [
        {**row, **{f"pass_probability_{k}": (r.pass_probability or {}).get(k) for k in PROBABILITY_KEYS}, **extra}
        for row, r in zip(rows, results, strict=True)
    ]

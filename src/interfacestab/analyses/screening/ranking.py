"""Ranking a screen by pass probability (``--rank-by probability``) and the probability columns of its CSV."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.analyses.screening.results import CoatingResult

RANK_BY = ("score", "probability")
#: CSV columns of the probabilities, in this order (criteria a candidate lacks are empty).
PROBABILITY_KEYS = (
    "all", "e_above_hull", "reduction_limit", "oxidation_limit", "electrolyte_reaction", "cathode_reaction",
    "charged_cathode_reaction",
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


def probability_columns(rows: list[dict[str, object]], results: Sequence[CoatingResult]) -> list[dict[str, object]]:
    """CSV rows with ``pass_probability_<criterion>`` columns appended (when the screen sampled errors)."""
    if not any(r.pass_probability for r in results):
        return rows
    return [
        {**row, **{f"pass_probability_{k}": (r.pass_probability or {}).get(k) for k in PROBABILITY_KEYS}}
        for row, r in zip(rows, results, strict=True)
    ]

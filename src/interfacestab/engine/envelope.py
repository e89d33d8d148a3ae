"""Upper envelope of straight lines on a half-line or interval.

The hull energy restricted to any straight path through composition space is the maximum
of the facet planes along it, so it is the upper envelope of one line per facet: along the
ray "target + t A" (the element profile) or the mixing segment "x a + (1 - x) b". Its
breakpoints are the critical compositions; its slopes are the chemical potentials.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Segment:
    """One linear piece of an envelope on ``[t_start, t_end]`` (``t_end`` may be inf).

    Attributes:
        t_start: Start of the piece.
        t_end: End of the piece.
        line: Index of the line (facet) that realises it.
        intercept: Line value at t = 0.
        slope: Line slope.
    """

    t_start: float
    t_end: float
    line: int
    intercept: float
    slope: float


def upper_envelope(
    intercepts: np.ndarray,
    slopes: np.ndarray,
    t_min: float = 0.0,
    t_max: float = np.inf,
    tol: float = 1e-10,
    min_length: float = 1e-7,
) -> list[Segment]:
    """Pieces of ``max_i (intercepts[i] + slopes[i] * t)`` on ``[t_min, t_max]``, left to right.

    Adjacent pieces have strictly increasing slopes (pieces with equal slope within ``tol``
    are merged). Pieces shorter than ``min_length`` (relative to max(1, |t|)) are numerical
    slivers where several lines cross at one point (e.g. around a stabilized target) and are
    dropped; the pieces on either side keep their slopes. For an unbounded ``t_max`` the lines must
    contain one of maximal slope.
    """
    a = np.asarray(intercepts, dtype=float)
    b = np.asarray(slopes, dtype=float)
    values = a + b * t_min
    top = values.max()
    tied = np.flatnonzero(values >= top - tol * max(1.0, abs(top)))
    current = int(tied[np.argmax(b[tied])])
    t = t_min
    segments: list[Segment] = []
    while True:
        steeper = b > b[current] + tol
        if not steeper.any():
            segments.append(Segment(t, t_max, current, a[current], b[current]))
            return segments
        with np.errstate(divide="ignore", invalid="ignore"):
            crossing = (a[current] - a) / (b - b[current])
        crossing = np.where(steeper, crossing, np.inf)
        crossing = np.maximum(crossing, t)  # lines already above (numerically) cross "now"
        t_next = crossing.min()
        if t_next >= t_max:
            segments.append(Segment(t, t_max, current, a[current], b[current]))
            return segments
        near = np.flatnonzero(crossing <= t_next + tol * max(1.0, abs(t_next)))
        following = int(near[np.argmax(b[near])])
        if t_next > t + min_length * max(1.0, abs(t)) or not segments:
            segments.append(Segment(t, float(t_next), current, a[current], b[current]))
        t = float(t_next)
        current = following

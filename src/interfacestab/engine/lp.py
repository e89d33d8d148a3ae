"""Hull energies along a straight composition path by linear programming (HiGHS via scipy).

For a composition p (atomic fractions), the hull energy is
``min sum_i l_i e_i  s.t.  sum_i l_i x_i = p, l >= 0``; the optimal weights are the
equilibrium phases and the duals are the chemical potentials, so ``mu . q`` is a plane
under the hull that touches it at p. No hull is built, whatever the number of elements:
this is how interface reactions in 8-9 element systems stay cheap (ENGINE_NOTES E).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interfacestab.conventions import DECOMPOSITION_TOL
from interfacestab.errors import AnalysisError

_ENERGY_TOL = 1e-9  # eV/atom: a point on both tangents is a kink


@dataclass(frozen=True, slots=True)
class PathPoint:
    """The hull at one point of a path.

    Attributes:
        x: Path parameter (0 at b, 1 at a).
        energy: Hull energy (eV/atom) at the point.
        weights: Point index -> atomic fraction of the mixture in that phase.
        intercept: Tangent line value at x = 0 (from the dual chemical potentials).
        slope: Tangent line slope.
    """

    x: float
    energy: float
    weights: dict[int, float]
    intercept: float
    slope: float


class PathHull:
    """Lower hull of a point set along the segment ``x a + (1 - x) b`` (atomic fractions)."""

    def __init__(self, fractions: np.ndarray, energies: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        self.fractions = np.asarray(fractions, dtype=float)
        self.energies = np.asarray(energies, dtype=float)
        self.a = np.asarray(a, dtype=float)
        self.b = np.asarray(b, dtype=float)
        self.n_lp = 0

    def evaluate(self, x: float) -> PathPoint:
        """Hull energy, phases and a tangent at ``x``."""
        from scipy.optimize import linprog

        p = x * self.a + (1.0 - x) * self.b
        res = linprog(
            self.energies,
            A_eq=self.fractions.T,
            b_eq=p,
            bounds=(0, None),
            method="highs",
            options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
        )
        self.n_lp += 1
        if res.status != 0:
            msg = f"hull LP failed at x={x:.6g}: {res.message}"
            raise AnalysisError(msg)
        active = np.flatnonzero(res.x > DECOMPOSITION_TOL)
        # polish the weights on the optimal support so energies are exact to ~1e-12
        weights, *_ = np.linalg.lstsq(self.fractions[active].T, p, rcond=None)
        if weights.min() < -1e-7:
            weights = res.x[active]
        mu = np.asarray(res.eqlin.marginals, dtype=float)
        return PathPoint(
            x=float(x),
            energy=float(weights @ self.energies[active]),
            weights={int(i): float(w) for i, w in zip(active, weights, strict=True) if w > DECOMPOSITION_TOL},
            intercept=float(mu @ self.b),
            slope=float(mu @ (self.a - self.b)),
        )

    def kinks(self) -> list[PathPoint]:
        """Every breakpoint of the hull along the path, ends included, ordered by x.

        Tangent intersection (Eisner-Severance): between two points with tangents, the
        tangents cross at x*; if the hull at x* lies on them, x* is the only kink between;
        otherwise the new tangent splits the interval. Costs about two LPs per kink.
        """
        left, right = self.evaluate(0.0), self.evaluate(1.0)
        found = {0.0: left, 1.0: right}  # every evaluated point; all kinks end up among them
        stack = [(left, right)]
        while stack:
            p, q = stack.pop()
            if abs(p.slope - q.slope) < 1e-12:
                continue
            x_star = (q.intercept - p.intercept) / (p.slope - q.slope)
            if not (p.x + 1e-9 < x_star < q.x - 1e-9):
                continue
            v_star = p.intercept + p.slope * x_star
            mid = self.evaluate(x_star)
            found[x_star] = mid
            if mid.energy > v_star + _ENERGY_TOL:
                stack += [(p, mid), (mid, q)]
        return _drop_collinear([found[k] for k in sorted(found)])


def _drop_collinear(points: list[PathPoint]) -> list[PathPoint]:
    """Keep the ends and the points that lie below the chord of their neighbours (true kinks).

    Between consecutive evaluated points the hull is linear (every kink was evaluated), so a
    point that is not a kink is collinear with its neighbours.
    """
    merged = [points[0]]
    for pt in points[1:]:
        if pt.x - merged[-1].x > 1e-9:
            merged.append(pt)
    kept = [merged[0]]
    for prev, pt, nxt in zip(merged, merged[1:], merged[2:], strict=False):
        chord = prev.energy + (nxt.energy - prev.energy) * (pt.x - prev.x) / (nxt.x - prev.x)
        if pt.energy < chord - _ENERGY_TOL:
            kept.append(pt)
    if len(merged) > 1:
        kept.append(merged[-1])
    return kept

"""Hull energies along a straight composition path by linear programming (HiGHS via scipy).

For a composition p (atomic fractions), the hull energy is
``min sum_i l_i e_i  s.t.  sum_i l_i x_i = p, l >= 0``; the optimal weights are the
equilibrium phases and the duals are the chemical potentials, so ``mu . q`` is a plane
under the hull that touches it at p. No hull is built, whatever the number of elements:
this is how interface reactions in 8-9 element systems stay cheap (docs/engine.md, 'Why no high-dimensional hull').
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from interfacestab.conventions import DECOMPOSITION_TOL
from interfacestab.errors import AnalysisError

_ENERGY_TOL = 1e-9  # eV/atom: a point on both tangents is a kink
_NEGATIVE_WEIGHT_TOL = 1e-7  # polished weights more negative than this: keep the LP's own weights
_SLOPE_TOL = 1e-12  # eV/atom per unit x: two tangents this close in slope are parallel
_X_TOL = 1e-9  # mixing fractions closer than this are one point of the path
_BANNER_LOCK = threading.Lock()
_banner_done = False


def new_highs() -> Any:
    """A silent ``highspy.Highs`` instance.

    HiGHS writes its two-line banner from C++ straight to file descriptor 1 the first time a
    ``Highs`` object is built in a process, before any option can be set; on stdout that breaks
    JSON/CSV/Markdown output for scripts. The first construction in each process (workers
    included) therefore runs with descriptor 1 pointed at ``/dev/null``; later ones print nothing.
    """
    global _banner_done
    import highspy

    with _BANNER_LOCK:
        if _banner_done:
            h = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                try:
                    os.dup2(devnull, 1)
                    h = highspy.Highs()
                finally:
                    os.dup2(saved, 1)
                    os.close(devnull)
            finally:
                os.close(saved)
            _banner_done = True
    h.setOptionValue("output_flag", False)
    return h


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
    """Lower hull of a point set along the segment ``x a + (1 - x) b`` (atomic fractions).

    One HiGHS model is built per path; each evaluation changes only the right-hand side and
    re-solves from the previous optimal basis (dual simplex warm start), a fraction of a
    millisecond for a thousand phases.
    """

    def __init__(
        self, fractions: np.ndarray, energies: np.ndarray, a: np.ndarray, b: np.ndarray, *, model: Any = None
    ) -> None:
        self.fractions = np.asarray(fractions, dtype=float)
        self.energies = np.asarray(energies, dtype=float)
        self.a = np.asarray(a, dtype=float)
        self.b = np.asarray(b, dtype=float)
        self.n_lp = 0
        self._rows: np.ndarray | None = None  # the row indices every solve sets
        # ``model``: a HiGHS model of these same points (:func:`hull_model`) shared by several paths
        self._highs = model if model is not None else _highs_model(self.fractions, self.energies)

    def evaluate(self, x: float) -> PathPoint:
        """Hull energy, phases and a tangent at ``x``."""
        p = x * self.a + (1.0 - x) * self.b
        primal, mu = self._solve(p)
        self.n_lp += 1
        active = np.flatnonzero(primal > DECOMPOSITION_TOL)
        # polish the weights on the optimal support so energies are exact to ~1e-12
        weights, *_ = np.linalg.lstsq(self.fractions[active].T, p, rcond=None)
        if weights.min() < -_NEGATIVE_WEIGHT_TOL:
            weights = primal[active]
        return PathPoint(
            x=float(x),
            energy=float(weights @ self.energies[active]),
            weights={int(i): float(w) for i, w in zip(active, weights, strict=True) if w > DECOMPOSITION_TOL},
            intercept=float(mu @ self.b),
            slope=float(mu @ (self.a - self.b)),
        )

    def _solve(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h = self._highs
        n = len(p)
        if self._rows is None or len(self._rows) != n:
            self._rows = np.arange(n, dtype=np.int32)
        h.changeRowsBounds(n, self._rows, p, p)
        h.run()
        import highspy

        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            h.clearSolver()  # retry cold once before giving up
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                msg = f"hull LP failed: {h.modelStatusToString(h.getModelStatus())}"
                raise AnalysisError(msg)
        sol = h.getSolution()
        return np.asarray(sol.col_value), np.asarray(sol.row_dual)

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
            if abs(p.slope - q.slope) < _SLOPE_TOL:
                continue
            x_star = (q.intercept - p.intercept) / (p.slope - q.slope)
            if not (p.x + _X_TOL < x_star < q.x - _X_TOL):
                continue
            v_star = p.intercept + p.slope * x_star
            mid = self.evaluate(x_star)
            found[x_star] = mid
            if mid.energy > v_star + _ENERGY_TOL:
                stack += [(p, mid), (mid, q)]
        return _drop_collinear([found[k] for k in sorted(found)])


def hull_model(fractions: np.ndarray, energies: np.ndarray) -> Any:
    """The HiGHS model of a point set, to share between the :class:`PathHull` of several paths (``model=``).

    Each solve sets its own right-hand side and starts from the previous optimal basis, so paths in
    the same point set can take turns on one model.
    """
    return _highs_model(np.asarray(fractions, dtype=float), np.asarray(energies, dtype=float))


def _highs_model(fractions: np.ndarray, energies: np.ndarray) -> Any:
    """A HiGHS model: min e . l  s.t.  X^T l = p (rows set per solve), l >= 0."""
    import highspy

    h = new_highs()
    h.setOptionValue("primal_feasibility_tolerance", 1e-10)
    h.setOptionValue("dual_feasibility_tolerance", 1e-10)
    m, n = fractions.shape
    lp = highspy.HighsLp()
    lp.num_col_ = m
    lp.num_row_ = n
    lp.col_cost_ = energies
    lp.col_lower_ = np.zeros(m)
    lp.col_upper_ = np.full(m, highspy.kHighsInf)
    lp.row_lower_ = np.zeros(n)
    lp.row_upper_ = np.zeros(n)
    nz_row, nz_col = np.nonzero(fractions.T)
    order = np.lexsort((nz_row, nz_col))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(nz_col[order], np.arange(m + 1)).astype(np.int32)
    lp.a_matrix_.index_ = nz_row[order].astype(np.int32)
    lp.a_matrix_.value_ = fractions.T[nz_row[order], nz_col[order]]
    h.passModel(lp)
    return h


def _drop_collinear(points: list[PathPoint]) -> list[PathPoint]:
    """Keep the ends and the points that lie below the chord of their neighbours (true kinks).

    Between consecutive evaluated points the hull is linear (every kink was evaluated), so a
    point that is not a kink is collinear with its neighbours.
    """
    merged = [points[0]]
    for pt in points[1:]:
        if pt.x - merged[-1].x > _X_TOL:
            merged.append(pt)
    kept = [merged[0]]
    for prev, pt, nxt in zip(merged, merged[1:], merged[2:], strict=False):
        chord = prev.energy + (nxt.energy - prev.energy) * (pt.x - prev.x) / (nxt.x - prev.x)
        if pt.energy < chord - _ENERGY_TOL:
            kept.append(pt)
    if len(merged) > 1:
        kept.append(merged[-1])
    return kept

"""One linear programme, many cost vectors: optimal bases found once and certified for every sample.

Sampling energy errors (``--sigma``) asks the same question hundreds of times with different
energies: the hull energy at a composition, the most negative reaction energy along a mixing line,
the limit of a window. Each is a linear programme in standard form

    minimise  c . z   subject to   A z = b,  z >= 0

in which only the costs ``c`` (the energies) change between samples. A basis B (r linearly
independent columns of A with ``z_B = B^-1 b >= 0``) is optimal for the costs c exactly when every
reduced cost is non-negative, ``c - (c_B B^-1) A >= 0``, and then the optimum is ``c_B . z_B`` with the
same phases at the same amounts. Feasibility does not depend on c, so a basis found for one sample
is checked for all the others with two matrix products. :class:`SampledLP` solves a sample with
HiGHS only when none of the bases found so far is optimal for it (docs/engine.md, 'Many samples
of one linear programme'). Every accepted answer is proven optimal by its reduced costs (to
:data:`REDUCED_COST_TOL`), not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from interfacestab.errors import AnalysisError

#: Reduced costs down to -this (in the units of the costs, eV) still prove a basis optimal.
REDUCED_COST_TOL = 1e-9
_PIVOT_TOL = 1e-9  # a completing column must raise the rank by at least this (relative singular value)
_AMOUNT_TOL = 1e-12  # basic amounts down to -this are feasible (rounding)


@dataclass(frozen=True, slots=True)
class Basis:
    """An optimal basis: its columns, ``B^-1`` and the basic amounts ``z_B = B^-1 b``."""

    columns: np.ndarray  # (r,) int
    inverse: np.ndarray  # (r, r)
    amounts: np.ndarray  # (r,)

    def support(self, tol: float = 1e-10) -> tuple[int, ...]:
        """Columns with a non-zero amount (ascending)."""
        return tuple(sorted(int(c) for c, v in zip(self.columns, self.amounts, strict=True) if v > tol))


@dataclass(frozen=True, slots=True)
class SampledSolutions:
    """Optimal values of every sample and the basis (index into ``bases``) that proves each one."""

    values: np.ndarray  # (S,)
    basis_of: np.ndarray  # (S,) int
    bases: tuple[Basis, ...]
    lp_solves: int

    def amounts(self, column: int) -> np.ndarray:
        """(S,) the amount of one column in each sample's optimum."""
        out = np.zeros(len(self.values))
        for k, basis in enumerate(self.bases):
            hit = np.flatnonzero(basis.columns == column)
            if len(hit):
                out[self.basis_of == k] = basis.amounts[hit[0]]
        return out

    def supports(self, tol: float = 1e-10) -> list[tuple[int, ...]]:
        """Each sample's optimal support (the columns with a non-zero amount)."""
        per_basis = [b.support(tol) for b in self.bases]
        return [per_basis[k] for k in self.basis_of]


class SampledLP:
    """``min c . z  s.t.  A z = b, z >= 0`` for many cost vectors (rows of a matrix).

    ``A`` must have full row rank (every use here contains unit columns: the elements).
    The HiGHS model is built once; bases found are kept between calls, so a model reused for the next
    batch of samples (or the next target with the same constraints) starts with them.
    """

    def __init__(self, a: np.ndarray, b: np.ndarray) -> None:
        self.a = np.asarray(a, dtype=float)
        self.b = np.asarray(b, dtype=float)
        self.rows, self.cols = self.a.shape
        self._bases: list[Basis] = []
        self._highs: Any = None
        self._all_cols = np.arange(self.cols, dtype=np.int32)

    # --- HiGHS -----------------------------------------------------------------------------------------
    def _model(self) -> Any:
        if self._highs is None:
            import highspy

            from interfacestab.engine.lp import new_highs

            h = new_highs()
            h.setOptionValue("primal_feasibility_tolerance", 1e-10)
            h.setOptionValue("dual_feasibility_tolerance", 1e-10)
            lp = highspy.HighsLp()
            lp.num_col_, lp.num_row_ = self.cols, self.rows
            lp.col_cost_ = np.zeros(self.cols)
            lp.col_lower_ = np.zeros(self.cols)
            lp.col_upper_ = np.full(self.cols, highspy.kHighsInf)
            lp.row_lower_, lp.row_upper_ = self.b.copy(), self.b.copy()
            nz_row, nz_col = np.nonzero(self.a)
            order = np.lexsort((nz_row, nz_col))
            lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
            lp.a_matrix_.start_ = np.searchsorted(nz_col[order], np.arange(self.cols + 1)).astype(np.int32)
            lp.a_matrix_.index_ = nz_row[order].astype(np.int32)
            lp.a_matrix_.value_ = self.a[nz_row[order], nz_col[order]]
            h.passModel(lp)
            self._highs = h
        return self._highs

    def _lp_basis(self, cost: np.ndarray) -> tuple[Basis, bool]:
        """Solve one sample with HiGHS: its optimal basis, and whether that basis can certify others.

        When HiGHS's basis cannot be completed into r independent columns (rows basic at a degenerate
        optimum), the solution is returned as a one-off record of its support and amounts.

        Raises:
            AnalysisError: when the LP is infeasible or fails.
        """
        import highspy

        h = self._model()
        h.changeColsCost(self.cols, self._all_cols, np.asarray(cost, dtype=float))
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal and status != highspy.HighsModelStatus.kInfeasible:
            h.clearSolver()
            h.run()
            status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            msg = "linear programme infeasible for a sample"
            raise AnalysisError(msg)
        if status != highspy.HighsModelStatus.kOptimal:
            msg = f"linear programme failed: {h.modelStatusToString(status)}"
            raise AnalysisError(msg)
        col_status = h.getBasis().col_status
        z = np.asarray(h.getSolution().col_value)
        basic = highspy.HighsBasisStatus.kBasic
        first = [j for j in range(self.cols) if col_status[j] == basic]
        basis = self._complete(first, z, np.asarray(h.getSolution().col_dual))
        if basis is not None:
            return basis, True
        support = np.flatnonzero(z > _AMOUNT_TOL)
        return Basis(support, np.zeros((0, 0)), z[support].copy()), False

    def _complete(self, basic: list[int], z: np.ndarray, dual: np.ndarray) -> Basis | None:
        """A full basis from HiGHS's basic columns (plus zero-reduced-cost columns when rows are basic)."""
        chosen: list[int] = []
        for j in [*basic, *np.argsort(np.abs(dual), kind="stable").tolist()]:
            if j in chosen:
                continue
            trial = self.a[:, [*chosen, j]]
            sv = np.linalg.svd(trial, compute_uv=False)
            if sv[-1] > _PIVOT_TOL * max(1.0, sv[0]):
                chosen.append(j)
            if len(chosen) == self.rows:
                break
        if len(chosen) < self.rows:
            return None
        cols = np.array(chosen, dtype=int)
        inverse = np.linalg.inv(self.a[:, cols])
        amounts = inverse @ self.b
        if amounts.min() < -1e-9 or np.abs(amounts - z[cols]).max() > 1e-7:
            return None
        return Basis(cols, inverse, np.clip(amounts, 0.0, None))

    # --- certification ---------------------------------------------------------------------------------
    def _certify(self, basis: Basis, costs: np.ndarray) -> np.ndarray:
        """Which rows of ``costs`` this basis is optimal for (all reduced costs >= -tolerance)."""
        y = costs[:, basis.columns] @ basis.inverse  # (S, r) duals
        reduced = costs - y @ self.a  # (S, N)
        return reduced.min(axis=1) >= -REDUCED_COST_TOL

    def solve(self, costs: np.ndarray) -> SampledSolutions:
        """Optimal value and basis of every row of ``costs`` (S, N).

        Known bases are tried first; then, while samples are left, one of them is solved with HiGHS
        and its basis tried on the rest. A sample whose own HiGHS basis cannot be completed into a
        certificate keeps HiGHS's value with a basis of its own.

        Raises:
            AnalysisError: when a sample's LP is infeasible or fails.
        """
        costs = np.atleast_2d(np.asarray(costs, dtype=float))
        s = len(costs)
        basis_of = np.full(s, -1)
        used: dict[int, int] = {}  # index in self._bases -> index in the result

        def assign(k: int, rows: np.ndarray) -> None:
            if k not in used:
                used[k] = len(used)
            basis_of[rows] = used[k]

        for k, basis in enumerate(self._bases):
            todo = np.flatnonzero(basis_of < 0)
            if len(todo) == 0:
                break
            ok = self._certify(basis, costs[todo])
            if ok.any():
                assign(k, todo[ok])
        solves = 0
        one_off: list[Basis] = []  # solutions HiGHS found whose basis could not be completed (keys -1, -2, ...)
        while True:
            todo = np.flatnonzero(basis_of < 0)
            if len(todo) == 0:
                break
            pick = int(todo[0])
            basis, reusable = self._lp_basis(costs[pick])
            solves += 1
            if not reusable:
                one_off.append(basis)
                assign(-len(one_off), np.array([pick]))
                continue
            self._bases.append(basis)
            k = len(self._bases) - 1
            ok = self._certify(basis, costs[todo])
            ok[0] = True  # HiGHS proved this one; its basis is optimal up to HiGHS's tolerances
            assign(k, todo[ok])
        order = sorted(used, key=used.__getitem__)
        bases = tuple(self._bases[k] if k >= 0 else one_off[-k - 1] for k in order)
        values = np.zeros(s)
        for k, basis in enumerate(bases):
            rows = np.flatnonzero(basis_of == k)
            values[rows] = costs[np.ix_(rows, basis.columns)] @ basis.amounts
        return SampledSolutions(values, basis_of, bases, solves)

"""Many samples of one linear programme, with the missing bases found by simplex pivots in numpy.

:class:`~interfacestab.engine.basis.SampledLP` certifies every known optimal basis for all samples at
once and asks HiGHS for a sample that none of them proves. A HiGHS call (plus completing its basis)
costs about 0.6 ms, while the sample's optimum is usually a few pivots away from a basis that is
already optimal for another sample. :class:`PivotingLP` therefore starts from the known basis whose
reduced costs are least negative for the sample and runs the primal simplex method on the small
dense problem (Dantzig's rule, then Bland's rule, which cannot cycle, after a few pivots). It stops
when every reduced cost is at least ``-REDUCED_COST_TOL``: the same optimality certificate that
:class:`SampledLP` accepts, so the answer is proven the same way. When pivoting does not finish
(unbounded direction, an ill-conditioned basis, too many pivots) HiGHS solves the sample as before.
"""

from __future__ import annotations

import numpy as np

from interfacestab.engine.basis import REDUCED_COST_TOL, Basis, SampledLP

#: Pivots tried before HiGHS takes over; Dantzig's rule for the first :data:`_DANTZIG_PIVOTS`, then Bland's.
MAX_PIVOTS = 60
_DANTZIG_PIVOTS = 12
_PIVOT_TOL = 1e-9  # smallest pivot element (relative to the column's largest) accepted
_COND_LIMIT = 1e10  # a basis matrix worse conditioned than this hands the sample to HiGHS
_AMOUNT_TOL = 1e-9  # basic amounts down to -this are feasible (rounding), as engine.basis accepts


class PivotingLP(SampledLP):
    """:class:`SampledLP` that reaches a new sample's optimal basis by pivots from the closest known one.

    ``pivot_solves`` and ``highs_solves`` count how the uncertified samples were solved.
    """

    def __init__(self, a: np.ndarray, b: np.ndarray) -> None:
        super().__init__(a, b)
        self.pivot_solves = 0
        self.highs_solves = 0
        self._stack_size = 0
        self._stack_cols = np.zeros((0, self.rows), dtype=int)
        self._stack_inv = np.zeros((0, self.rows, self.rows))

    def _lp_basis(self, cost: np.ndarray) -> tuple[Basis, bool]:
        cost = np.asarray(cost, dtype=float)
        start = self._closest(cost)
        if start is not None:
            basis = self._pivot(start, cost)
            if basis is not None:
                self.pivot_solves += 1
                return basis, True
        self.highs_solves += 1
        return super()._lp_basis(cost)

    def _closest(self, cost: np.ndarray) -> np.ndarray | None:
        """Columns of the known basis with the least negative smallest reduced cost for ``cost``."""
        bases = self._bases
        if not bases:
            return None
        if self._stack_size != len(bases):
            self._stack_cols = np.array([b.columns for b in bases], dtype=int)
            self._stack_inv = np.array([b.inverse for b in bases])
            self._stack_size = len(bases)
        duals = np.einsum("kr,krs->ks", cost[self._stack_cols], self._stack_inv)  # (K, r)
        worst = (cost[None, :] - duals @ self.a).min(axis=1)
        return self._stack_cols[int(np.argmax(worst))].copy()

    def _pivot(self, columns: np.ndarray, cost: np.ndarray) -> Basis | None:
        """Primal simplex from the feasible basis ``columns`` to an optimal one, or None (let HiGHS do it)."""
        a, b = self.a, self.b
        cols = [int(c) for c in columns]
        for step in range(MAX_PIVOTS + 1):
            mat = a[:, cols]
            try:
                inverse = np.linalg.inv(mat)
            except np.linalg.LinAlgError:
                return None
            # condition number in the infinity norm; ill-conditioned bases are left to HiGHS
            if np.abs(mat).sum(axis=1).max() * np.abs(inverse).sum(axis=1).max() > _COND_LIMIT:
                return None
            amounts = inverse @ b
            if amounts.min() < -_AMOUNT_TOL:
                return None
            reduced = cost - (cost[cols] @ inverse) @ a
            reduced[cols] = 0.0
            negative = np.flatnonzero(reduced < -REDUCED_COST_TOL)
            if len(negative) == 0:
                return Basis(np.array(cols, dtype=int), inverse, np.clip(amounts, 0.0, None))
            if step == MAX_PIVOTS:
                return None
            enter = int(negative[np.argmin(reduced[negative])]) if step < _DANTZIG_PIVOTS else int(negative[0])
            direction = inverse @ a[:, enter]
            rising = np.flatnonzero(direction > _PIVOT_TOL * max(1.0, float(np.abs(direction).max())))
            if len(rising) == 0:
                return None  # unbounded along this column: not a case the callers' programmes have
            ratios = np.clip(amounts[rising], 0.0, None) / direction[rising]
            ties = rising[ratios <= ratios.min() + 1e-15]
            leave = int(ties[np.argmin([cols[i] for i in ties])])  # Bland: the smallest column index leaves
            cols[leave] = enter
        return None

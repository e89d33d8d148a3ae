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

from interfacestab.engine.basis import REDUCED_COST_TOL, Basis, SampledLP, SampledSolutions

#: Pivots tried before HiGHS takes over; Dantzig's rule for the first :data:`_DANTZIG_PIVOTS`, then Bland's.
MAX_PIVOTS = 60
#: Samples solved one at a time (each new basis certified for all) before the rest are pivoted together.
SEQUENTIAL_SOLVES = 1
_DANTZIG_PIVOTS = 12
_PIVOT_TOL = 1e-9  # smallest pivot element (relative to the column's largest) accepted
_COND_LIMIT = 1e10  # a basis matrix worse conditioned than this hands the sample to HiGHS
_AMOUNT_TOL = 1e-9  # basic amounts down to -this are feasible (rounding), as engine.basis accepts


class PivotingLP(SampledLP):
    """:class:`SampledLP` that reaches a new sample's optimal basis by pivots from the closest known one.

    Before any basis is known, it starts from columns that form the identity (the elements of a hull
    programme) when the right-hand side is non-negative, else HiGHS solves the first sample.

    ``pivot_solves`` and ``highs_solves`` count how the uncertified samples were solved.
    """

    def __init__(self, a: np.ndarray, b: np.ndarray) -> None:
        super().__init__(a, b)
        self.pivot_solves = 0
        self.highs_solves = 0
        self._stack_size = 0
        self._stack_cols = np.zeros((0, self.rows), dtype=int)
        self._stack_inv = np.zeros((0, self.rows, self.rows))
        self._start = self._unit_basis()

    def _unit_basis(self) -> np.ndarray | None:
        """Columns that form the identity (e.g. the elements), a feasible first basis when ``b >= 0``; else None."""
        a = self.a
        single = (a != 0).sum(axis=0) == 1
        unit: dict[int, int] = {}
        for j in np.flatnonzero(single & (a.max(axis=0) == 1.0)):
            unit.setdefault(int(np.argmax(a[:, j])), int(j))
        if len(unit) < self.rows or (self.b < 0).any():
            return None
        return np.array([unit[r] for r in range(self.rows)], dtype=int)

    # --- all samples at once --------------------------------------------------------------------------
    def solve(self, costs: np.ndarray) -> SampledSolutions:
        """Optimal value and basis of every row of ``costs`` (S, N); see :meth:`SampledLP.solve`.

        Known bases are certified first; then up to :data:`SEQUENTIAL_SOLVES` samples are solved one by
        one (each new basis is certified for the rest: enough when a few bases cover every sample).
        Samples still left are pivoted together, each from the basis of the first sample solved, as
        arrays over the samples (systems with many phases, where most samples have a basis of their
        own); every result is checked with a fresh inverse, and the few that fail are solved one by one.

        Raises:
            AnalysisError: when a sample's LP is infeasible or fails.
        """
        costs = np.atleast_2d(np.asarray(costs, dtype=float))
        s = len(costs)
        basis_of = np.full(s, -1)
        keys = {tuple(sorted(b.columns.tolist())): k for k, b in enumerate(self._bases)}
        one_off: list[Basis] = []
        solves = 0
        for k, basis in enumerate(self._bases):
            todo = np.flatnonzero(basis_of < 0)
            if len(todo) == 0:
                break
            basis_of[todo[self._certify(basis, costs[todo])]] = k

        def one(pick: int) -> None:
            basis, reusable = self._lp_basis(costs[pick])
            if not reusable:
                one_off.append(basis)
                basis_of[pick] = -1 - len(one_off)
                return
            self._bases.append(basis)
            k = len(self._bases) - 1
            keys.setdefault(tuple(sorted(basis.columns.tolist())), k)
            todo = np.flatnonzero(basis_of == -1)
            ok = self._certify(basis, costs[todo])
            ok[todo == pick] = True  # proven by its own solve (to the solver's tolerances)
            basis_of[todo[ok]] = k

        for _ in range(SEQUENTIAL_SOLVES):
            todo = np.flatnonzero(basis_of == -1)
            if len(todo) == 0:
                break
            one(int(todo[0]))
            solves += 1
        todo = np.flatnonzero(basis_of == -1)
        if len(todo) and self._bases:
            proven = self._adopt(costs[todo], self._batch_pivot(costs[todo], self._bases[-1]), keys)
            rows = np.flatnonzero(proven >= 0)
            basis_of[todo[rows]] = proven[rows]
            solves += len(rows)
            self.pivot_solves += len(rows)
        for pick in np.flatnonzero(basis_of == -1):
            if basis_of[pick] == -1:
                one(int(pick))
                solves += 1
        used = sorted({int(k) for k in basis_of})
        index = {k: j for j, k in enumerate(used)}
        bases = tuple(self._bases[k] if k >= 0 else one_off[-k - 2] for k in used)
        basis_of = np.array([index[int(k)] for k in basis_of])
        values = np.zeros(s)
        for j, basis in enumerate(bases):
            rows = np.flatnonzero(basis_of == j)
            values[rows] = costs[np.ix_(rows, basis.columns)] @ basis.amounts
        return SampledSolutions(values, basis_of, bases, solves)

    def _adopt(
        self, costs: np.ndarray, finals: list[np.ndarray | None], keys: dict[tuple[int, ...], int]
    ) -> np.ndarray:
        """Index into ``self._bases`` of each row's pivoted basis, proven for that row (-1: not proven).

        New bases get a fresh inverse (all at once) and must be well conditioned and feasible; then every
        row is certified by its own reduced costs with that inverse, not assumed optimal.
        """
        out = np.full(len(costs), -1)
        got = np.array([k for k, cols in enumerate(finals) if cols is not None], dtype=int)
        if len(got) == 0:
            return out
        unique, which = np.unique(np.sort(np.array([finals[k] for k in got]), axis=1), axis=0, return_inverse=True)
        index = np.array([keys.get(tuple(cols.tolist()), -1) for cols in unique])
        new = np.flatnonzero(index < 0)
        if len(new):
            mats = np.transpose(self.a[:, unique[new]], (1, 0, 2))  # (U, r, r)
            try:
                inverses = np.linalg.inv(mats)
            except np.linalg.LinAlgError:  # one singular: check them one by one
                inverses = np.array([np.full((self.rows, self.rows), np.inf) if (v := self._inverse(c)) is None else v
                                     for c in unique[new]])  # fmt: skip
            with np.errstate(invalid="ignore"):
                cond = np.abs(mats).sum(axis=2).max(axis=1) * np.abs(inverses).sum(axis=2).max(axis=1)
                amounts = inverses @ self.b
                good = (cond <= _COND_LIMIT) & (amounts.min(axis=1) >= -_AMOUNT_TOL)
            for u, ok, inverse, z in zip(new, good, inverses, amounts, strict=True):
                if ok:
                    self._bases.append(Basis(unique[u].copy(), inverse, np.clip(z, 0.0, None)))
                    index[u] = keys[tuple(unique[u].tolist())] = len(self._bases) - 1
        chosen = index[which.ravel()]
        rows, chosen = got[chosen >= 0], chosen[chosen >= 0]
        if len(rows) == 0:
            return out
        cols = np.array([self._bases[k].columns for k in chosen])
        inverse = np.array([self._bases[k].inverse for k in chosen])
        c = costs[rows]
        duals = np.einsum("ar,ars->as", np.take_along_axis(c, cols, axis=1), inverse)
        proven = (c - duals @ self.a).min(axis=1) >= -REDUCED_COST_TOL
        out[rows[proven]] = chosen[proven]
        return out

    def _batch_pivot(
        self,
        costs: np.ndarray,
        start: Basis,
        rhs: np.ndarray | None = None,
        max_pivots: int = MAX_PIVOTS,
        dantzig_pivots: int = _DANTZIG_PIVOTS,
    ) -> list[np.ndarray | None]:
        """Primal simplex for every row of ``costs`` at once from ``start``: each row's final columns (None: failed).

        ``rhs`` (rows, r) replaces ``b`` row by row (one programme per right-hand side). The columns
        returned are optimal to the pivoting's own arithmetic; callers prove them again with a fresh
        inverse before they are used.
        """
        a = self.a
        r_count = len(costs)
        cols = np.tile(start.columns, (r_count, 1))
        inverse = np.tile(start.inverse, (r_count, 1, 1))
        if rhs is None:
            amounts = np.tile(start.inverse @ self.b, (r_count, 1))
        else:
            amounts = np.asarray(rhs, dtype=float) @ start.inverse.T
        out: list[np.ndarray | None] = [None] * r_count
        active = np.arange(r_count)
        for step in range(max_pivots + 1):
            if len(active) == 0:
                break
            c = costs[active]
            duals = np.einsum("ar,ars->as", np.take_along_axis(c, cols[active], axis=1), inverse[active])
            reduced = c - duals @ a
            np.put_along_axis(reduced, cols[active], 0.0, axis=1)
            negative = reduced < -REDUCED_COST_TOL
            enter = reduced.argmin(axis=1) if step < dantzig_pivots else negative.argmax(axis=1)
            optimal = reduced[np.arange(len(active)), enter] >= -REDUCED_COST_TOL
            for i in active[optimal]:
                out[i] = cols[i].copy()
            active, enter = active[~optimal], enter[~optimal]
            if len(active) == 0 or step == max_pivots:
                break
            direction = np.einsum("ars,sa->ar", inverse[active], a[:, enter])
            scale = np.maximum(1.0, np.abs(direction).max(axis=1, keepdims=True))
            rising = direction > _PIVOT_TOL * scale
            bounded = rising.any(axis=1)  # unbounded rows are left to HiGHS (out stays None)
            active, enter, direction, rising = active[bounded], enter[bounded], direction[bounded], rising[bounded]
            if len(active) == 0:
                break
            amt = amounts[active]
            ratios = np.where(rising, np.maximum(amt, 0.0) / np.where(rising, direction, 1.0), np.inf)
            ties = ratios <= ratios.min(axis=1, keepdims=True) + 1e-15
            leave = np.where(ties, cols[active], np.iinfo(np.int64).max).argmin(axis=1)  # Bland: smallest column
            rows = np.arange(len(active))
            pivot = direction[rows, leave]
            theta = np.maximum(amt[rows, leave], 0.0) / pivot
            amt = amt - theta[:, None] * direction
            amt[rows, leave] = theta
            amounts[active] = amt
            inv = inverse[active]
            pivot_row = inv[rows, leave, :] / pivot[:, None]
            inv = inv - direction[:, :, None] * pivot_row[:, None, :]
            inv[rows, leave, :] = pivot_row
            inverse[active] = inv
            cols[active, leave] = enter
        return out

    # --- one sample --------------------------------------------------------------------------------------
    def _lp_basis(self, cost: np.ndarray) -> tuple[Basis, bool]:
        cost = np.asarray(cost, dtype=float)
        start = self._closest(cost)
        if start is None:
            start = self._start
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
        """Primal simplex from the feasible basis ``columns`` to an optimal one, or None (let HiGHS do it).

        The inverse and the amounts are updated per pivot (product form); the basis returned is checked
        again with a freshly computed inverse: feasible, and every reduced cost at least -tolerance.
        """
        a, b = self.a, self.b
        cols = np.array(columns, dtype=int)
        inverse = self._inverse(cols)
        if inverse is None:
            return None
        amounts = inverse @ b
        for step in range(MAX_PIVOTS + 1):
            reduced = cost - (cost[cols] @ inverse) @ a
            reduced[cols] = 0.0
            enter = int(np.argmin(reduced)) if step < _DANTZIG_PIVOTS else int(np.argmax(reduced < -REDUCED_COST_TOL))
            if reduced[enter] >= -REDUCED_COST_TOL:
                return self._checked(cols, cost)
            if step == MAX_PIVOTS:
                return None
            direction = inverse @ a[:, enter]
            rising = np.flatnonzero(direction > _PIVOT_TOL * max(1.0, float(np.abs(direction).max())))
            if len(rising) == 0:
                return None  # unbounded along this column: not a case the callers' programmes have
            ratios = np.maximum(amounts[rising], 0.0) / direction[rising]
            ties = rising[ratios <= ratios.min() + 1e-15]
            leave = int(ties[np.argmin(cols[ties])])  # Bland: the smallest column index leaves
            theta = max(float(amounts[leave]), 0.0) / direction[leave]
            amounts = amounts - theta * direction
            amounts[leave] = theta
            pivot_row = inverse[leave] / direction[leave]
            inverse = inverse - np.outer(direction, pivot_row)
            inverse[leave] = pivot_row
            cols[leave] = enter
        return None

    def _inverse(self, cols: np.ndarray) -> np.ndarray | None:
        """``B^-1`` of these columns, or None when the basis matrix is singular or ill-conditioned."""
        mat = self.a[:, cols]
        try:
            inverse = np.linalg.inv(mat)
        except np.linalg.LinAlgError:
            return None
        # condition number in the infinity norm; ill-conditioned bases are left to HiGHS
        if np.abs(mat).sum(axis=1).max() * np.abs(inverse).sum(axis=1).max() > _COND_LIMIT:
            return None
        return inverse

    def _checked(self, cols: np.ndarray, cost: np.ndarray) -> Basis | None:
        """The basis with a fresh inverse, when it is feasible and optimal for ``cost`` (else None)."""
        inverse = self._inverse(cols)
        if inverse is None:
            return None
        amounts = inverse @ self.b
        if amounts.min() < -_AMOUNT_TOL:
            return None
        if (cost - (cost[cols] @ inverse) @ self.a).min() < -REDUCED_COST_TOL:
            return None
        return Basis(cols.copy(), inverse, np.clip(amounts, 0.0, None))


def hull_decompositions(
    fractions: np.ndarray, energies: np.ndarray, points: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lower hull of ``fractions`` (m, n) with ``energies`` at many ``points`` (P, n), and each decomposition.

    One programme per point (``min e.z, fractions.T z = point, z >= 0``) with the same costs: all points
    are pivoted together from the unit columns (the elements, which must be among ``fractions``).
    Each distinct final basis is proven with a fresh inverse: optimal for the energies (reduced costs
    >= -tolerance, once per basis) and feasible for its points; a point whose basis fails is solved
    alone (HiGHS when pivoting does not finish).

    Returns:
        (P,) hull energies (eV/atom); (P, n) the phases of each point's optimal basis and (P, n) their
        amounts (atoms per atom of the point; zero for a phase at zero amount).
    """
    lp = PivotingLP(np.asarray(fractions, dtype=float).T, np.full(fractions.shape[1], 1.0 / fractions.shape[1]))
    pts = np.asarray(points, dtype=float)
    e = np.asarray(energies, dtype=float)
    r = lp.rows
    values = np.full(len(pts), np.nan)
    columns = np.zeros((len(pts), r), dtype=int)
    amounts = np.zeros((len(pts), r))
    if lp._start is None:
        msg = "hull_decompositions needs the elements among the phases"
        raise ValueError(msg)
    start = Basis(lp._start, np.eye(r), np.zeros(r))
    finals = lp._batch_pivot(np.broadcast_to(e, (len(pts), len(e))), start, rhs=pts, max_pivots=200, dantzig_pivots=150)
    done = np.array([k for k, cols in enumerate(finals) if cols is not None], dtype=int)
    if len(done):
        found = np.sort(np.array([finals[k] for k in done]), axis=1)
        unique, which = np.unique(found, axis=0, return_inverse=True)
        for u, cols in enumerate(unique):
            inverse = lp._inverse(cols)
            if inverse is None or (e - (e[cols] @ inverse) @ lp.a).min() < -REDUCED_COST_TOL:
                continue
            rows = done[which.ravel() == u]
            z = pts[rows] @ inverse.T  # (k, r)
            feasible = z.min(axis=1) >= -_AMOUNT_TOL
            rows, z = rows[feasible], np.clip(z[feasible], 0.0, None)
            values[rows] = z @ e[cols]
            columns[rows] = cols
            amounts[rows] = z
    for left in np.flatnonzero(np.isnan(values)).tolist():
        one = PivotingLP(lp.a, pts[left]).solve(e[None, :])
        basis = one.bases[0]
        values[left] = float(one.values[0])
        columns[left, : len(basis.columns)] = basis.columns
        amounts[left, : len(basis.amounts)] = basis.amounts
    return values, columns, amounts

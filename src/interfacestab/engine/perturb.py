"""Window limits and interface minima for many samples of perturbed energies, without a hull per sample.

Windows (docs/engine.md, 'Windows under perturbed energies'). Write the target as ``g + t_c A``
(g its non-A amounts per formula unit) with energy ``E_c`` (eV per formula unit). Any set D of
phases whose non-A atoms add up to g, holding ``t_D`` atoms of A, is a candidate product set, and

    reduction  (t_D > t_c):  target + (t_D - t_c) A -> D   at  V = (E_c - E_D) / (t_D - t_c)
    oxidation  (t_D < t_c):  target -> D + (t_c - t_D) A   at  V = (E_D - E_c) / (t_c - t_D)

The target is stable at V exactly when no reaction runs downhill, so the reduction limit is the
largest reduction voltage (or 0 V: A metal itself) and the oxidation limit the smallest oxidation
voltage. Each voltage is linear in the energies ``E_c, E_i`` for a fixed D, and the optimum is a
basic solution of a linear-fractional programme, i.e. a D of at most n - 1 phases (n elements).
:func:`ray_reactions` enumerates every such D once (a batch of small linear solves); then
:func:`window_limits` evaluates all samples at once as matrix products and a max/min. The phases
that realise the optimum in a sample are that sample's limit products.

Interfaces: the minimum of the reaction energy along the mixing line is one linear programme in
(phase weights, x) per sample (:class:`MixingMinimum`), warm-started in HiGHS from the previous
sample's basis; only the costs change between samples.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from interfacestab.conventions import DECOMPOSITION_TOL
from interfacestab.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Callable

#: Largest number of (n-1)-phase subsets :func:`ray_reactions` enumerates; beyond it the caller resamples.
MAX_SUBSETS = 250_000
_DET_TOL = 1e-12  # a subset whose non-A composition matrix has a smaller |det| spans no simplex
_WEIGHT_TOL = 1e-10  # amounts down to -this (atoms per formula unit) still count as a non-negative combination
_T_TOL = 1e-9  # relative: |t_D - t_c| below this (times max(1, t_c)) is "no A exchanged"
#: :meth:`MixingMinimum.solve_many` tries certified bases on this many samples first ...
MIXING_PROBE = 40
#: ... and keeps them for the rest when they needed a new LP for at most this share of those samples.
MIXING_BASIS_SHARE = 0.35
#: With a threshold (``at_least``), the probe is this many samples: their bases bound the others.
MIXING_BOUND_PROBE = 5
#: Samples per batch of certified bases or bounds (bounded memory for large ``--samples``).
SAMPLE_CHUNK = 2048
#: A bound decides a threshold only when it clears it by this much (eV/atom; rounding of the bounds).
BOUND_MARGIN = 1e-9


@dataclass(frozen=True, slots=True)
class RayReactions:
    """Every candidate product set of a target along its A ray, as linear maps of the phase energies.

    Attributes:
        coefficients: (K, m) atoms of each phase per formula unit of the target in each product set.
        uptake: (K,) A atoms taken up (+) or released (-) per formula unit, ``t_D - t_c``.
    """

    coefficients: np.ndarray
    uptake: np.ndarray

    def support(self, k: int) -> tuple[int, ...]:
        """The point indices with a non-zero amount in product set ``k``."""
        return tuple(np.flatnonzero(self.coefficients[k]).tolist())


def n_subsets(m: int, n_elements: int) -> int:
    """How many (n-1)-phase subsets of m phases :func:`ray_reactions` would solve."""
    return math.comb(m, max(n_elements - 1, 0))


def ray_reactions(
    fractions: np.ndarray, ion_col: int, g: np.ndarray, t_c: float, exclude: frozenset[int] = frozenset()
) -> RayReactions:
    """All product sets of at most n - 1 phases whose non-A atoms are ``g`` (atoms per target formula unit).

    Args:
        fractions: (m, n) atomic fractions of the phases (pure A, if present, is skipped: it is the reservoir).
        ion_col: Column of A.
        g: (n,) amounts of the target's non-A elements per formula unit (A entry ignored).
        t_c: The target's A per formula unit.
        exclude: Point indices never used (the target's own composition).

    Raises:
        AnalysisError: when there are more than :data:`MAX_SUBSETS` subsets (the caller resamples instead).
    """
    n = fractions.shape[1]
    k = n - 1
    non_a = np.delete(fractions, ion_col, axis=1)
    usable = [i for i in range(len(fractions)) if non_a[i].sum() > 1e-12 and i not in exclude]
    if n_subsets(len(usable), n) > MAX_SUBSETS:
        msg = f"{n_subsets(len(usable), n)} phase subsets exceed {MAX_SUBSETS}"
        raise AnalysisError(msg)
    g_non_a = np.delete(np.asarray(g, dtype=float), ion_col)
    subsets = np.array(list(itertools.combinations(usable, k)), dtype=int).reshape(-1, k)
    if len(subsets) == 0:
        return RayReactions(np.zeros((0, len(fractions))), np.zeros(0))
    mats = np.transpose(non_a[subsets], (0, 2, 1))  # (C, k, k): columns are the phases
    ok = np.abs(np.linalg.det(mats)) > _DET_TOL
    subsets, mats = subsets[ok], mats[ok]
    amounts = np.linalg.solve(mats, np.broadcast_to(g_non_a, (len(mats), k))[..., None])[..., 0]
    feasible = (amounts >= -_WEIGHT_TOL).all(axis=1)
    subsets, amounts = subsets[feasible], np.clip(amounts[feasible], 0.0, None)
    dense = np.zeros((len(subsets), len(fractions)))
    np.add.at(dense, (np.repeat(np.arange(len(subsets)), k), subsets.ravel()), amounts.ravel())
    dense[dense < DECOMPOSITION_TOL] = 0.0
    # subsets that share their non-zero phases (a product set of fewer than n - 1 phases) are one product set
    if len(dense):  # one key per row: the rounded amounts projected on fixed pseudo-random weights
        weights = np.random.default_rng(12345).random(dense.shape[1]) + 0.5
        _, first = np.unique(np.round(np.round(dense, 9) @ weights, 7), return_index=True)
        dense = dense[np.sort(first)]
    uptake = dense @ fractions[:, ion_col] - t_c
    uptake[np.abs(uptake) <= _T_TOL * max(1.0, t_c)] = 0.0
    return RayReactions(dense, uptake)


@dataclass(frozen=True, slots=True)
class SampledLimits:
    """Window limits of every sample.

    Attributes:
        reduction_V: (S,) reduction limits (V, z = 1).
        oxidation_V: (S,) oxidation limits, or None for a target without A.
        reduction_choice: (S,) index of the reduction product set in the ``RayReactions`` (-1: none, 0 V).
        oxidation_choice: (S,) index of the oxidation product set (-1 for a target without A).
        target_energy: (S,) the target's energy per formula unit used in each sample (eV).
    """

    reduction_V: np.ndarray
    oxidation_V: np.ndarray | None
    reduction_choice: np.ndarray
    oxidation_choice: np.ndarray
    target_energy: np.ndarray


def window_limits(
    reactions: RayReactions,
    phase_energies: np.ndarray,
    target_energy: np.ndarray | None,
    t_c: float,
    hull_offset: float,
    fixed_target_energy: np.ndarray | None = None,
) -> SampledLimits:
    """Reduction and oxidation limits for S samples of energies, all at once.

    Args:
        reactions: From :func:`ray_reactions`.
        phase_energies: (S, m) energies per atom of the phases in each sample (eV/atom).
        target_energy: (S,) the target's own energy per formula unit in each sample (eV), or None
            for a target that is not in the data.
        t_c: The target's A per formula unit.
        hull_offset: Where the target goes when its own energy is above (or absent from) the
            sample's hull of the other phases, per formula unit: ``-1e-6 * atoms`` to stabilize, 0 to
            keep it on the hull (the window of its equilibrium products).
        fixed_target_energy: (S,) the target's energy per formula unit, already placed (then
            ``target_energy`` and ``hull_offset`` are not used).
    """
    e_d = phase_energies @ reactions.coefficients.T  # (S, K) eV per target formula unit
    d = reactions.uptake
    red, ox, level = d > 0, d < 0, d == 0
    s = len(phase_energies)

    every = np.arange(s)

    def red_max(e_c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return red_max_rows(every, e_c, e_d, d, red)

    def ox_min(e_c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return ox_min_rows(every, e_c, e_d, d, ox)

    if fixed_target_energy is not None:
        e_c = np.asarray(fixed_target_energy, dtype=float)
        v_red, red_choice = red_max(e_c)
        if t_c > 0:
            v_ox, ox_choice = ox_min(e_c)
            return SampledLimits(v_red, v_ox, red_choice, ox_choice, e_c)
        return SampledLimits(v_red, None, red_choice, np.full(s, -1), e_c)
    # the hull of the other phases at the target's composition: the largest E_c at which no reaction
    # (including "nothing happens with A metal" at 0 V) runs downhill at every voltage
    hull_c = np.full(s, np.inf)
    if level.any():
        hull_c = e_d[:, level].min(axis=1)
    if t_c > 0 and ox.any():
        hull_c = np.minimum(hull_c, e_d[:, ox].min(axis=1))  # a poorer set plus A metal
        hull_c = _stable_top(hull_c, e_d, d, red, ox, red_max, ox_min)
    placed = hull_c + hull_offset
    e_c = placed if target_energy is None else np.minimum(target_energy, placed)
    v_red, red_choice = red_max(e_c)
    if t_c > 0:
        v_ox, ox_choice = ox_min(e_c)
        return SampledLimits(v_red, v_ox, red_choice, ox_choice, e_c)
    return SampledLimits(v_red, None, red_choice, np.full(s, -1), e_c)


def _stable_top(
    start: np.ndarray,
    e_d: np.ndarray,
    d: np.ndarray,
    red: np.ndarray,
    ox: np.ndarray,
    red_max: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    ox_min: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
) -> np.ndarray:
    """Largest E_c <= start with max reduction voltage <= min oxidation voltage, per sample.

    ``h(E) = V_red(E) - V_ox(E)`` is convex, increasing and piecewise linear, so Newton steps from
    ``start`` (the crossing of the two active lines) reach its root from above in a few exact steps.
    """
    e_c = start.copy()
    todo = np.flatnonzero(red_max(e_c)[0] > ox_min(e_c)[0])
    for _ in range(200):
        if len(todo) == 0:
            return e_c
        sub = e_c[todo]
        _, r = red_max_rows(todo, sub, e_d, d, red)
        _, q = ox_min_rows(todo, sub, e_d, d, ox)
        # line r: (E - E_r)/d_r (or 0 for A metal); line q: (E_q - E)/(-d_q)
        e_q = e_d[todo, q]
        dq = -d[q]
        with np.errstate(divide="ignore", invalid="ignore"):
            dr = np.where(r >= 0, d[np.maximum(r, 0)], np.inf)
            e_r = np.where(r >= 0, e_d[todo, np.maximum(r, 0)], 0.0)
            cross = np.where(r >= 0, (e_r * dq + e_q * dr) / (dq + dr), e_q)
        cross = np.minimum(cross, sub)
        e_c[todo] = cross
        v_r2, _ = red_max_rows(todo, cross, e_d, d, red)
        v_q2, _ = ox_min_rows(todo, cross, e_d, d, ox)
        todo = todo[(v_r2 > v_q2 + 1e-12) & (cross < sub)]
    return e_c


def red_max_rows(
    rows: np.ndarray, e_c: np.ndarray, e_d: np.ndarray, d: np.ndarray, red: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Largest reduction voltage (clamped at 0 V, choice -1) for the samples ``rows``."""
    if not red.any():
        return np.zeros_like(e_c), np.full(len(e_c), -1)
    v = (e_c[:, None] - e_d[np.ix_(rows, np.flatnonzero(red))]) / d[red]
    best = v.argmax(axis=1)
    top = v[np.arange(len(e_c)), best]
    return np.maximum(top, 0.0), np.where(top > 0, np.flatnonzero(red)[best], -1)


def ox_min_rows(
    rows: np.ndarray, e_c: np.ndarray, e_d: np.ndarray, d: np.ndarray, ox: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Smallest oxidation voltage and its product set for the samples ``rows``."""
    v = (e_d[np.ix_(rows, np.flatnonzero(ox))] - e_c[:, None]) / (-d[ox])
    best = v.argmin(axis=1)
    return v[np.arange(len(e_c)), best], np.flatnonzero(ox)[best]


class MixingMinimum:
    """The most negative reaction energy along ``x a + (1 - x) b``, one warm-started LP per set of energies.

    minimise  sum_i l_i e_i - x (E_a - E_b) - E_b   subject to   sum_i l_i x_i - x (a - b) = b,
    l >= 0, 0 <= x <= 1. The optimum is a vertex: at most n phases, x at a kink or an end. The
    reactant energies ``E_a``, ``E_b`` are given per sample (their hull energies, see the caller).
    """

    def __init__(self, fractions: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        self.fractions = np.asarray(fractions, dtype=float)
        self._m = len(self.fractions)
        self._a, self._b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        self._highs: Any = None  # built on the first :meth:`solve` (``solve_many`` may need none)
        self._cols = np.arange(self._m + 1, dtype=np.int32)

    @property
    def _h(self) -> Any:
        if self._highs is None:
            self._highs = self._build()
        return self._highs

    def _build(self) -> Any:
        import highspy

        from interfacestab.engine.lp import new_highs

        m, n = self.fractions.shape
        h = new_highs()
        h.setOptionValue("primal_feasibility_tolerance", 1e-10)
        h.setOptionValue("dual_feasibility_tolerance", 1e-10)
        lp = highspy.HighsLp()
        lp.num_col_ = m + 1
        lp.num_row_ = n
        lp.col_cost_ = np.zeros(m + 1)
        lp.col_lower_ = np.zeros(m + 1)
        upper = np.full(m + 1, highspy.kHighsInf)
        upper[m] = 1.0
        lp.col_upper_ = upper
        bb = self._b
        lp.row_lower_ = bb
        lp.row_upper_ = bb
        mat = np.column_stack([self.fractions.T, -(self._a - bb)])  # (n, m+1)
        starts, index, values = [0], [], []
        for j in range(m + 1):
            rows = np.flatnonzero(np.abs(mat[:, j]) > 0)
            index += rows.tolist()
            values += mat[rows, j].tolist()
            starts.append(len(index))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(values, dtype=float)
        h.passModel(lp)
        return h

    def solve(self, energies: np.ndarray, e_a: float, e_b: float) -> tuple[float, float, dict[int, float]]:
        """(minimum reaction energy per atom of the mixture, x at it, phase -> atomic fraction) for one sample."""
        import highspy

        h = self._h
        cost = np.append(np.asarray(energies, dtype=float), -(e_a - e_b))
        h.changeColsCost(self._m + 1, self._cols, cost)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            h.clearSolver()
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                msg = f"mixing LP failed: {h.modelStatusToString(h.getModelStatus())}"
                raise AnalysisError(msg)
        col = np.asarray(h.getSolution().col_value)
        x = float(col[self._m])
        weights = col[: self._m]
        active = np.flatnonzero(weights > DECOMPOSITION_TOL)
        value = float(weights[active] @ np.asarray(energies)[active]) - x * e_a - (1.0 - x) * e_b
        return value, x, {int(i): float(weights[i]) for i in active}

    def solve_many(
        self, energies: np.ndarray, e_a: np.ndarray, e_b: np.ndarray, *, at_least: float | None = None
    ) -> MixingMinima:
        """:meth:`solve` for every row of ``energies`` (S, m) with reactant energies ``e_a``, ``e_b`` (S,).

        The first :data:`MIXING_PROBE` samples go through :class:`~interfacestab.engine.basis.SampledLP`
        (optimal bases certified for many samples at once by their reduced costs). When that needed a
        new LP for more than :data:`MIXING_BASIS_SHARE` of them (many phases close to the hull near the
        mixing line, e.g. a layered cathode), the rest are solved one warm-started LP each; otherwise the
        rest go through the same certified bases.

        ``at_least``: only whether each minimum is >= this value is wanted (a screening threshold). The
        probe is then :data:`MIXING_BOUND_PROBE` samples, and a sample whose bounds from the probe's
        bases (:meth:`_bounds`) already tell gets no LP: its value is the deciding bound (the lower bound
        when that is >= ``at_least``, else the upper bound, which is then below it), its x NaN, its
        products empty and ``exact`` False.
        """
        energies = np.atleast_2d(np.asarray(energies, dtype=float))
        e_a, e_b = np.asarray(e_a, dtype=float), np.asarray(e_b, dtype=float)
        s, m = energies.shape
        values, xs = np.zeros(s), np.zeros(s)
        exact = np.ones(s, dtype=bool)
        supports: list[tuple[int, ...]] = [()] * s
        lp = self._sampled_lp()
        costs = np.zeros((s, m + 2))
        costs[:, :m] = energies
        costs[:, m] = -(e_a - e_b)
        probe = min(s, MIXING_PROBE if at_least is None else MIXING_BOUND_PROBE)
        found: list[Any] = []

        def certified(all_rows: np.ndarray) -> int:
            solves = 0
            for start in range(0, len(all_rows), SAMPLE_CHUNK):  # bounded memory for many samples
                rows = all_rows[start : start + SAMPLE_CHUNK]
                sol = lp.solve(costs[rows])
                values[rows] = sol.values - e_b[rows]
                xs[rows] = sol.amounts(m)
                for k, sup in zip(rows, sol.supports(DECOMPOSITION_TOL), strict=True):
                    supports[k] = tuple(c for c in sup if c < m)
                found.extend(b for b in sol.bases if b.inverse.size)
                solves += int(sol.lp_solves)
            return solves

        first_solves = certified(np.arange(probe))
        rest = np.arange(probe, s)
        if len(rest) and at_least is not None and found:
            probe_bases = list(found)
            chunks = [rest[i : i + SAMPLE_CHUNK] for i in range(0, len(rest), SAMPLE_CHUNK)]
            parts = [self._bounds(lp.a, lp.b, probe_bases, costs[c], e_b[c]) for c in chunks]
            low, high = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
            sure_pass = low >= at_least + BOUND_MARGIN
            sure_fail = ~sure_pass & (high < at_least - BOUND_MARGIN)
            values[rest[sure_pass]] = low[sure_pass]
            values[rest[sure_fail]] = high[sure_fail]
            decided = rest[sure_pass | sure_fail]
            exact[decided] = False
            xs[decided] = np.nan
            rest = rest[~(sure_pass | sure_fail)]
        if len(rest) and first_solves <= MIXING_BASIS_SHARE * probe:
            certified(rest)
        else:
            for k in rest:
                value, x, weights = self.solve(energies[k], float(e_a[k]), float(e_b[k]))
                values[k], xs[k], supports[k] = value, x, tuple(sorted(weights))
        return MixingMinima(values, xs, supports, exact)

    def _bounds(
        self, a: np.ndarray, b: np.ndarray, bases: list[Any], costs: np.ndarray, e_b: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of the minimum of each row of ``costs`` from known bases (weak duality).

        Upper: the basis's solution is feasible for every sample, so its cost bounds the minimum from
        above. Lower: the basis's duals for the sample's own costs, ``y = c_B B^-1``, made dual feasible
        by lowering every element's dual by the largest violation t of a phase column (a phase's atomic
        fractions add up to 1, so its ``y . A_j`` falls by exactly t; the x column's entries ``-(a - b)``
        add up to 0 and do not move) and by lowering the dual of ``x + slack = 1`` to at most 0 and to the
        x column's limit. Any dual feasible y gives ``y . b <= minimum``. Best bound over the bases.
        """
        m = self._m
        n = a.shape[0] - 1
        s = len(costs)
        # every basis's duals for every sample, (B, S, n + 1); then one product with the phase columns
        y = np.stack([costs[:, basis.columns] @ basis.inverse for basis in bases])
        vertex = np.stack([costs[:, basis.columns] @ basis.amounts for basis in bases])  # (B, S)
        high = vertex.min(axis=0) - e_b
        y_el = y[:, :, :n]
        priced = (y_el.reshape(-1, n) @ np.ascontiguousarray(a[:n, :m])).reshape(len(bases), s, m)
        t = np.maximum((priced - costs[None, :, :m]).max(axis=2), 0.0)  # (B, S)
        y_x = np.minimum(np.minimum(y[:, :, n], 0.0), costs[None, :, m] - y_el @ a[:n, m])
        low = (y_el @ b[:n] - t + y_x).max(axis=0) - e_b
        return low, high

    def _sampled_lp(self) -> Any:
        from interfacestab.engine.basis import SampledLP

        m, n = self.fractions.shape
        # z = (phase amounts, x, slack of x <= 1); rows: the elements, then x + slack = 1
        mat = np.zeros((n + 1, m + 2))
        mat[:n, :m] = self.fractions.T
        mat[:n, m] = -(self._a - self._b)
        mat[n, m] = mat[n, m + 1] = 1.0
        return SampledLP(mat, np.append(self._b, 1.0))


@dataclass(frozen=True, slots=True)
class MixingMinima:
    """Per-sample mixing minima: reaction energy (eV/atom of the mixture), x at it, phases of the products."""

    values: np.ndarray
    x: np.ndarray
    supports: list[tuple[int, ...]]
    exact: np.ndarray  # (S,) bool: False where ``values`` is only a bound deciding a threshold (``at_least``)


class PointHull:
    """The hull energy at one composition, one warm-started LP per set of energies."""

    def __init__(self, fractions: np.ndarray, p: np.ndarray) -> None:
        from interfacestab.engine.lp import _highs_model

        self._m = len(fractions)
        self._fractions = np.asarray(fractions, dtype=float)
        self._h: Any = _highs_model(self._fractions, np.zeros(self._m))
        n = fractions.shape[1]
        self._h.changeRowsBounds(n, np.arange(n, dtype=np.int32), np.asarray(p, float), np.asarray(p, float))
        self._cols = np.arange(self._m, dtype=np.int32)

    def lower_bounds(self, base_energies: np.ndarray, sampled: np.ndarray) -> np.ndarray:
        """A lower bound of the hull energy for each row of ``sampled`` (S, m), from one LP.

        The tangent plane of the hull with ``base_energies`` at the composition lies below every base
        point; lowered by the largest amount a sampled point falls below it, it lies below every
        sampled point, hence below that sample's hull. Only points close to the plane can lower it.
        """
        self.energy(base_energies)
        mu = np.asarray(self._h.getSolution().row_dual)
        value = float(self._h.getInfo().objective_function_value)
        below = self._fractions @ mu - np.asarray(sampled, dtype=float)  # (S, m)
        return value - np.maximum(below.max(axis=1), 0.0)

    def weights(self, energies: np.ndarray) -> np.ndarray:
        """(m,) amounts of the phases in the hull's decomposition at the composition with these energies."""
        self.energy(energies)
        return np.clip(np.asarray(self._h.getSolution().col_value, dtype=float), 0.0, None)

    def energy(self, energies: np.ndarray) -> float:
        """Hull energy (eV/atom) with these phase energies."""
        import highspy

        h = self._h
        h.changeColsCost(self._m, self._cols, np.asarray(energies, dtype=float))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            h.clearSolver()
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                msg = f"hull LP failed: {h.modelStatusToString(h.getModelStatus())}"
                raise AnalysisError(msg)
        return float(h.getInfo().objective_function_value)


def ray_limit_programme(
    fractions: np.ndarray, ion_col: int, g: np.ndarray, t_c: float, *, oxidation: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(A, b) of one window limit as a linear programme in standard form (``min c.z, A z = b, z >= 0``).

    The largest reduction voltage ``max_D (E_c - E_D) / (t_D - t_c)`` is a linear-fractional programme;
    with ``u = tau * amounts`` (Charnes-Cooper) it is the LP

        minimise  sum_i u_i E_i - tau E_c   s.t.  sum_i u_i y_i - tau g = 0,  sum_i u_i a_i - tau t_c = 1,  u, tau >= 0

    (y_i: non-A atoms of phase i per atom, a_i: its A per atom; z = (u, tau), costs ``(E_i per atom,
    -E_c per formula unit)``), whose optimum is minus the reduction limit; A metal among the columns
    gives 0 (0 V) when nothing is reduced. The oxidation limit is the same with the A row reversed,
    ``tau t_c - sum_i u_i a_i = 1``, and its optimum is the limit itself. The optimal support (u > 0)
    is the limit's product set. The rows have full rank when the elements are among the columns.
    """
    fr = np.asarray(fractions, dtype=float)
    m = len(fr)
    sign = -1.0 if oxidation else 1.0
    mat = np.zeros((fr.shape[1], m + 1))
    mat[:-1, :m] = np.delete(fr, ion_col, axis=1).T
    mat[:-1, m] = -np.delete(np.asarray(g, dtype=float), ion_col)
    mat[-1, :m] = sign * fr[:, ion_col]
    mat[-1, m] = -sign * t_c
    rhs = np.zeros(fr.shape[1])
    rhs[-1] = 1.0
    return mat, rhs

"""Bases reached by simplex pivots (engine.pivot) against one HiGHS solve per sample."""

from __future__ import annotations

import numpy as np
import pytest
from helpers.random_lp import perturbed, random_system

from interfacestab.engine.perturb import PointHull, ray_limit_programme
from interfacestab.engine.pivot import PivotingLP


def _highs_value(a: np.ndarray, b: np.ndarray, cost: np.ndarray) -> float:
    from scipy.optimize import linprog

    res = linprog(cost, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
    assert res.status == 0
    return float(res.fun)


@pytest.mark.parametrize("seed", range(10))
def test_hull_energy_of_every_sample_equals_its_own_lp(seed: int) -> None:
    """Generic compositions and compositions on an edge (degenerate optima): same values as one LP per sample."""
    n = 2 + seed % 4
    fr, e = random_system(seed, n, 40 + 10 * seed)
    rng = np.random.default_rng(seed + 7)
    p = rng.dirichlet(np.ones(n))
    if seed % 2:  # on the segment between two phases: many degenerate bases
        p = 0.5 * (fr[n] + fr[n + 1])
    costs = perturbed(e, n, seed)
    lp = PivotingLP(fr.T, p)
    sol = lp.solve(costs)
    hull = PointHull(fr, p)
    np.testing.assert_allclose(sol.values, [hull.energy(c) for c in costs], atol=1e-9)
    for k in range(len(costs)):  # each sample's basis is feasible and proven optimal by its reduced costs
        basis = sol.bases[sol.basis_of[k]]
        amounts = np.zeros(len(fr))
        amounts[basis.columns] = basis.amounts
        np.testing.assert_allclose(amounts @ fr, p, atol=1e-9)
        assert costs[k] @ amounts == pytest.approx(sol.values[k], abs=1e-12)
    assert lp.highs_solves + lp.pivot_solves == sol.lp_solves
    assert lp.pivot_solves > lp.highs_solves  # the point of the class: pivots, not HiGHS


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("oxidation", [False, True])
def test_window_limit_programme_of_every_sample_equals_its_own_lp(seed: int, oxidation: bool) -> None:
    """The Charnes-Cooper limit programmes: every sample's optimum equals scipy/HiGHS on that sample alone."""
    n = 3 + seed % 3
    fr, e = random_system(200 + seed, n, 50)
    rng = np.random.default_rng(seed)
    target = rng.dirichlet(np.ones(n)) * rng.integers(3, 9)
    ion_col = 0
    g = target.copy()
    g[ion_col] = 0.0
    costs_e = perturbed(e, n, seed, s=60)
    hull = PointHull(fr, target / target.sum())
    e_c = np.array([hull.energy(c) for c in costs_e]) * target.sum() - 1e-6  # placed just below the hull
    costs = np.column_stack([costs_e, -e_c])
    a, b = ray_limit_programme(fr, ion_col, g, float(target[ion_col]), oxidation=oxidation)
    sol = PivotingLP(a, b).solve(costs)
    expected = [_highs_value(a, b, c) for c in costs]
    np.testing.assert_allclose(sol.values, expected, atol=1e-8)


def test_samples_pivoted_together_equal_their_own_lp(monkeypatch) -> None:
    """A crowded 6-element system at a large sigma (most samples need a basis of their own): the array pivoting
    path runs and every value equals HiGHS on that sample; no sequential HiGHS solve beyond the first."""
    calls = []
    original = PivotingLP._batch_pivot

    def counting(self, costs, start):
        calls.append(len(costs))
        return original(self, costs, start)

    monkeypatch.setattr(PivotingLP, "_batch_pivot", counting)
    n = 6
    fr, e = random_system(77, n, 300)
    p = np.random.default_rng(3).dirichlet(np.ones(n))
    costs = perturbed(e, n, 5, s=200, sigma=0.08)
    lp = PivotingLP(fr.T, p)
    sol = lp.solve(costs)
    hull = PointHull(fr, p)
    np.testing.assert_allclose(sol.values, [hull.energy(c) for c in costs], atol=1e-9)
    assert calls and calls[0] > 50
    assert lp.highs_solves == 0  # the elements are a feasible first basis
    assert len(sol.bases) > 20


@pytest.mark.parametrize("seed", range(6))
def test_hull_decompositions_of_many_points_equal_one_lp_each(seed: int) -> None:
    """Every phase's own composition (vertices and points above the hull) and random points: the hull energy of
    one LP each, and decompositions that rebuild the point with that energy."""
    from interfacestab.engine.pivot import hull_decompositions

    n = 3 + seed % 4
    fr, e = random_system(300 + seed, n, 80)
    points = np.vstack([fr[n:], np.random.default_rng(seed).dirichlet(np.ones(n), size=20)])
    values, columns, amounts = hull_decompositions(fr, e, points)
    for p, value, cols, z in zip(points, values, columns, amounts, strict=True):
        # HiGHS's own solutions leave residuals of ~1e-11 that an ill-conditioned facet turns into ~1e-8 eV/atom
        assert value == pytest.approx(PointHull(fr, p).energy(e), abs=1e-7)
        assert (z >= 0).all()
        np.testing.assert_allclose(z @ fr[cols], p, atol=1e-9)
        assert z @ e[cols] == pytest.approx(value, abs=1e-9)

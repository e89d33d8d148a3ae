"""Certified bases for many cost vectors (engine.basis) against one HiGHS solve per sample."""

from __future__ import annotations

import numpy as np
import pytest
from helpers.random_lp import perturbed, random_system

from interfacestab.engine.basis import SampledLP
from interfacestab.engine.perturb import MixingMinimum, PointHull


@pytest.mark.parametrize("seed", range(12))
def test_hull_energy_of_every_sample_equals_its_own_lp(seed: int) -> None:
    n = 2 + seed % 4
    fr, e = random_system(seed, n, 40 + 10 * seed)
    p = np.random.default_rng(seed + 7).dirichlet(np.ones(n))
    costs = perturbed(e, n, seed)
    sol = SampledLP(fr.T, p).solve(costs)
    hull = PointHull(fr, p)
    expected = np.array([hull.energy(c) for c in costs])
    np.testing.assert_allclose(sol.values, expected, atol=1e-9)
    # each certified support reproduces the composition with non-negative amounts
    for k, support in enumerate(sol.supports()):
        basis = sol.bases[sol.basis_of[k]]
        amounts = np.zeros(len(fr))
        amounts[basis.columns] = basis.amounts
        assert set(np.flatnonzero(amounts > 1e-10)) == set(support)
        np.testing.assert_allclose(amounts @ fr, p, atol=1e-9)
        assert costs[k] @ amounts == pytest.approx(sol.values[k], abs=1e-12)
    assert sol.lp_solves <= len(costs)


@pytest.mark.parametrize("seed", range(8))
def test_mixing_minimum_of_every_sample_equals_its_own_lp(seed: int) -> None:
    n = 3 + seed % 3
    fr, e = random_system(100 + seed, n, 60)
    rng = np.random.default_rng(seed)
    a, b = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
    costs = perturbed(e, n, seed, s=80)
    e_a = np.array([PointHull(fr, a).energy(c) for c in costs]) + 0.05  # reactants above their hulls
    e_b = np.array([PointHull(fr, b).energy(c) for c in costs]) + 0.02
    m = len(fr)
    # z = (phase amounts, x, slack of x <= 1); rows: the elements, then x + slack = 1
    mat = np.zeros((n + 1, m + 2))
    mat[:n, :m] = fr.T
    mat[:n, m] = -(a - b)
    mat[n, m] = mat[n, m + 1] = 1.0
    c = np.zeros((len(costs), m + 2))
    c[:, :m] = costs
    c[:, m] = -(e_a - e_b)
    sol = SampledLP(mat, np.append(b, 1.0)).solve(c)
    lp = MixingMinimum(fr, a, b)
    expected = np.array([lp.solve(costs[k], e_a[k], e_b[k])[0] for k in range(len(costs))])
    np.testing.assert_allclose(sol.values - e_b, expected, atol=1e-9)
    assert (sol.values - e_b <= 1e-12).all()  # x = 0 or 1 (no reaction) is always allowed


def test_binary_hull_by_hand() -> None:
    # A-B with AB at -1 eV/atom: the hull at x_B = 0.25 is halfway between A and AB, -0.5 eV/atom,
    # unless a sample lowers A3B below that (then A3B itself)
    fr = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.75, 0.25]])
    costs = np.array([[0.0, 0.0, -1.0, -0.4], [0.0, 0.0, -1.0, -0.6], [0.0, 0.0, -0.8, -0.3]])
    sol = SampledLP(fr.T, np.array([0.75, 0.25])).solve(costs)
    np.testing.assert_allclose(sol.values, [-0.5, -0.6, -0.4], atol=1e-12)
    assert sol.supports() == [(0, 2), (3,), (0, 2)]
    # a second call starts from the bases already found: no new LP
    again = SampledLP(fr.T, np.array([0.75, 0.25]))
    again.solve(costs)
    assert again.solve(costs[::-1]).lp_solves == 0


def test_infeasible_programme_is_refused() -> None:
    from interfacestab.errors import AnalysisError

    fr = np.array([[1.0, 0.0], [0.5, 0.5]])  # nothing reaches pure B
    with pytest.raises(AnalysisError, match="infeasible"):
        SampledLP(fr.T, np.array([0.0, 1.0])).solve(np.zeros((2, 2)))

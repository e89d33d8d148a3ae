"""The smooth composition field of the error model (analyses.error_field)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from interfacestab.analyses.error_field import LENGTH, features, field

LICOO2 = {"Li": 1.0, "Co": 1.0, "O": 2.0}
SUPERCELL = {"Li": 20.0, "Co": 21.0, "O": 42.0}  # one Li vacancy in 21 formula units
COMPOSITIONS = [
    LICOO2, SUPERCELL, {"Co": 1.0, "O": 2.0}, {"Li": 2.0, "O": 1.0}, {"Li": 6.0, "P": 1.0, "S": 5.0, "Cl": 1.0},
    {"Li": 3.0, "P": 1.0, "S": 4.0}, {"Li": 2.0, "S": 1.0}, {"Na": 3.0, "P": 1.0, "S": 4.0},
]  # fmt: skip


def _distance(a: dict[str, float], b: dict[str, float]) -> float:
    ta, tb = sum(a.values()), sum(b.values())
    return math.sqrt(sum((a.get(el, 0) / ta - b.get(el, 0) / tb) ** 2 for el in set(a) | set(b)))


def test_every_composition_has_unit_variance_exactly() -> None:
    phi = features(COMPOSITIONS, seed=3)
    np.testing.assert_allclose(np.linalg.norm(phi, axis=1), 1.0, atol=1e-12)
    values = field(COMPOSITIONS, seed=3, samples=20_000)
    # the weights are standard normal, so the sample std is 1 within Monte Carlo error (1/sqrt(2S) ~ 0.005)
    np.testing.assert_allclose(values.std(axis=0), 1.0, atol=0.03)


def test_correlation_follows_the_kernel() -> None:
    phi = features(COMPOSITIONS, seed=0)
    exact = phi @ phi.T  # the field's correlation for these features
    for i, a in enumerate(COMPOSITIONS):
        for j, b in enumerate(COMPOSITIONS):
            kernel = math.exp(-(_distance(a, b) ** 2) / (2 * LENGTH**2))
            assert exact[i, j] == pytest.approx(kernel, abs=0.15), (a, b)
    # a vacancy supercell moves with its parent: the difference of their errors is tiny
    diff = field([LICOO2, SUPERCELL], seed=0, samples=5_000) @ np.array([1.0, -1.0])
    # for the squared-exponential kernel, var(f(x) - f(y)) = 2 (1 - corr) ~ |x - y|^2 / L^2
    assert diff.std() == pytest.approx(_distance(LICOO2, SUPERCELL) / LENGTH, rel=0.3)
    assert diff.std() < 0.06  # a twentieth of sigma, where independent errors would give sqrt(2) sigma


def test_a_composition_gets_the_same_error_in_any_company_and_order() -> None:
    alone = field([{"Li": 2.0, "S": 1.0}], seed=7, samples=50)
    company = field([*COMPOSITIONS[::-1], {"S": 1.0, "Li": 2.0}], seed=7, samples=50)
    np.testing.assert_array_equal(alone[:, 0], company[:, -1])  # the same bits
    scaled = field([{"Li": 4.0, "S": 2.0}], seed=7, samples=50)  # same fractions
    np.testing.assert_array_equal(scaled, alone)
    longer = field([{"Li": 2.0, "S": 1.0}], seed=7, samples=80)
    np.testing.assert_allclose(longer[:50], alone, rtol=0, atol=1e-12)  # more samples extend, never reshuffle
    other = field([{"Li": 2.0, "S": 1.0}], seed=8, samples=50)
    assert not np.allclose(other, alone)

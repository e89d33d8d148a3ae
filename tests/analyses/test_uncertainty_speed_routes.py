"""The fast routes of interface sampling give the same samples as the plain per-sample linear programmes.

- reactant hull energies computed on the reactant's own face, kept between calls: equal to a fresh
  computation (exactly) and to one LP per sample on the whole pair system;
- ``MixingMinimum.solve_many`` (certified bases, or warm-started LPs after the probe): equal to one LP per
  sample, on random pairs, with each route forced.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from interfacestab.analyses import uncertainty as unc
from interfacestab.analyses.interface import interface_reactions
from interfacestab.analyses.uncertainty import UncertaintySettings, entry_errors, sample_interface
from interfacestab.chem import parse_formula
from interfacestab.engine import perturb
from interfacestab.engine.perturb import MixingMinimum, PointHull
from interfacestab.errors import AnalysisError


def _pairs(store, count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    li = sorted({e.formula for e in store.iter_entries(containing="Li") if 3 <= len(e.composition) <= 4})
    others = sorted({e.formula for e in store.iter_entries(containing="O") if 2 <= len(e.composition) <= 4})
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        a, b = rng.choice(li), rng.choice(others)
        if a != b:
            pairs.append((a, b))
    return pairs


def _vec(system, formula: str) -> np.ndarray:
    comp = parse_formula(formula)
    v = np.array([comp.get(el, 0.0) for el in system.elements])
    return v / v.sum()


def test_cached_partner_hull_energies_equal_fresh_ones_and_per_sample_lps(snapshot_store) -> None:
    """The cathode's sampled hull energies are the same array whatever the coating it is paired with."""
    settings = UncertaintySettings(0.02, samples=60, seed=3)
    cathode = "LiNi1/3Mn1/3Co1/3O2"
    arrays = []
    for coating in ("LiNbO3", "Li3PO4", "Li2ZrO3"):
        system = snapshot_store.entries(set(parse_formula(coating)) | set(parse_formula(cathode)))
        groups = unc._groups(system, entry_errors(system.entries, settings))
        vec = _vec(system, cathode)
        unc._HULL_ENERGIES.clear()
        fresh = unc._sampled_hull_energy(system, groups, vec, settings)
        cached = unc._sampled_hull_energy(system, groups, vec, settings)
        assert cached is fresh  # the second call is the kept one
        arrays.append(fresh)
        # one LP per sample on the whole pair system (no face restriction)
        hull = PointHull(groups.fractions, vec)
        expected = np.array([hull.energy(groups.sampled[k]) for k in range(settings.samples)])
        np.testing.assert_allclose(fresh, expected, rtol=0, atol=1e-9)
    for other in arrays[1:]:
        assert np.array_equal(other, arrays[0])  # exactly equal, not only close
    # other settings are other samples, not a stale hit
    system = snapshot_store.entries(set(parse_formula("LiNbO3")) | set(parse_formula(cathode)))
    other = UncertaintySettings(0.02, samples=60, seed=4)
    groups = unc._groups(system, entry_errors(system.entries, other))
    assert not np.array_equal(unc._sampled_hull_energy(system, groups, _vec(system, cathode), other), arrays[0])


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_solve_many_equals_one_lp_per_sample_on_random_pairs(snapshot_store, monkeypatch, share: float) -> None:
    """24 random pairs, 24 samples: certified bases (share 1) and warm-started LPs after the probe (share 0)."""
    monkeypatch.setattr(perturb, "MIXING_PROBE", 8)
    monkeypatch.setattr(perturb, "MIXING_BASIS_SHARE", share)
    settings = UncertaintySettings(0.03, samples=24, seed=5)
    checked = 0
    for a, b in _pairs(snapshot_store, 24, 11):
        system = snapshot_store.entries(set(parse_formula(a)) | set(parse_formula(b)))
        groups = unc._groups(system, entry_errors(system.entries, settings))
        va, vb = _vec(system, a), _vec(system, b)
        e_a = np.array([PointHull(groups.fractions, va).energy(groups.sampled[k]) for k in range(settings.samples)])
        e_b = np.array([PointHull(groups.fractions, vb).energy(groups.sampled[k]) for k in range(settings.samples)])
        if np.allclose(va, vb):
            continue
        fast = MixingMinimum(groups.fractions, va, vb).solve_many(groups.sampled, e_a, e_b)
        lp = MixingMinimum(groups.fractions, va, vb)
        for k in range(settings.samples):
            value, x, weights = lp.solve(groups.sampled[k], float(e_a[k]), float(e_b[k]))
            assert fast.values[k] == pytest.approx(value, abs=1e-9), (a, b, k)
            assert fast.values[k] <= 1e-12
            # the reported phases at x give back the mixture (checked through the LP's own answer)
            if abs(fast.x[k] - x) < 1e-9:
                assert set(fast.supports[k]) == set(weights) or value == pytest.approx(0.0, abs=1e-12)
        checked += 1
    assert checked >= 20


def test_sample_interface_equals_per_sample_interfaces_with_both_routes(snapshot_store, monkeypatch) -> None:
    """20 random pairs: the sampled minimum equals a full interface per sample on perturbed entries."""
    from dataclasses import replace

    from interfacestab.entries import EntrySet

    monkeypatch.setattr(perturb, "MIXING_PROBE", 2)
    monkeypatch.setattr(perturb, "MIXING_BASIS_SHARE", 0.0)  # the third sample on: warm-started LPs
    settings = UncertaintySettings(0.03, samples=4, seed=8)
    checked = 0
    for a, b in _pairs(snapshot_store, 22, 23):
        entries = snapshot_store.entries(set(parse_formula(a)) | set(parse_formula(b)))
        try:
            point = interface_reactions(entries, a, b, ion="Li")
        except AnalysisError:
            continue
        unc._HULL_ENERGIES.clear()
        fast = sample_interface(entries, point, settings)
        again = sample_interface(entries, point, settings)  # reactant energies kept: same numbers
        assert np.array_equal(fast.energy, again.energy)
        errors = entry_errors(entries.entries, settings)
        for s in range(settings.samples):
            perturbed = EntrySet(
                entries.elements,
                tuple(replace(e, e_form_eV_per_atom=e.e_form_eV_per_atom + errors[s, j]) for j, e in
                      enumerate(entries.entries)),
                entries.source,
            )  # fmt: skip
            ref = interface_reactions(perturbed, a, b, ion="Li")
            assert fast.energy[s] == pytest.approx(ref.minimum.reaction_energy_eV_per_normalising_atom, abs=1e-7)
        checked += 1
    assert checked >= 20


def test_threshold_bounds_decide_the_same_side_as_the_exact_minimum(snapshot_store) -> None:
    """24 random pairs, thresholds at quantiles of the exact minima: a bound is only given on the right side."""
    settings = UncertaintySettings(0.03, samples=40, seed=6)
    decided = checked = 0
    for a, b in _pairs(snapshot_store, 24, 31):
        system = snapshot_store.entries(set(parse_formula(a)) | set(parse_formula(b)))
        groups = unc._groups(system, entry_errors(system.entries, settings))
        va, vb = _vec(system, a), _vec(system, b)
        if np.allclose(va, vb):
            continue
        e_a = unc._sampled_hull_energy(system, groups, va, settings)
        e_b = unc._sampled_hull_energy(system, groups, vb, settings)
        exact = MixingMinimum(groups.fractions, va, vb).solve_many(groups.sampled, e_a, e_b)
        assert exact.exact.all()
        # the bounds themselves: lower <= minimum <= upper in every sample, from the bases of 5 samples
        mm = MixingMinimum(groups.fractions, va, vb)
        lp = mm._sampled_lp()
        m = len(groups.formulas)
        costs = np.zeros((settings.samples, m + 2))
        costs[:, :m] = groups.sampled
        costs[:, m] = -(e_a - e_b)
        bases = [b for b in lp.solve(costs[:5]).bases if b.inverse.size]
        low, high = mm._bounds(lp.a, lp.b, bases, costs, e_b)
        assert (low <= exact.values + 1e-9).all() and (exact.values <= high + 1e-9).all(), (a, b)
        for q in (0.1, 0.5, 0.9):
            t = float(np.quantile(exact.values, q)) - 1e-6
            fast = MixingMinimum(groups.fractions, va, vb).solve_many(groups.sampled, e_a, e_b, at_least=t)
            on = fast.exact
            np.testing.assert_allclose(fast.values[on], exact.values[on], rtol=0, atol=1e-9)
            assert ((fast.values >= t) == (exact.values >= t)).all(), (a, b, q)
            assert np.isnan(fast.x[~on]).all()
            decided += int((~on).sum())
        checked += 1
    assert checked >= 20
    assert decided > 0  # the bounds do decide samples


def test_pass_probabilities_equal_without_threshold_bounds(snapshot_store, monkeypatch) -> None:
    """The screen's probabilities are the same whether bounds decide samples or every sample gets its LP."""
    from interfacestab.analyses.screening.screen import screen_coatings

    settings = UncertaintySettings(0.03, samples=60, seed=2)
    names = ["Li3PO4", "LiNbO3", "Li2ZrO3", "LiAlO2", "Li4SiO4", "LiTaO3"]

    def run() -> list:
        screen = screen_coatings(names, "Li6PS5Cl", "LiNi1/3Mn1/3Co1/3O2", store_path=snapshot_store.path,
                                 workers=1, uncertainty=settings)  # fmt: skip
        return [(r.formula, r.pass_probability) for r in screen.results]

    fast = run()
    monkeypatch.setattr(perturb, "BOUND_MARGIN", float("inf"))  # nothing decided by bounds
    assert run() == fast


def test_batches_of_samples_give_the_same_minima(snapshot_store, monkeypatch) -> None:
    """Certified bases and bounds in batches of 7 samples (large --samples): the same numbers and decisions."""
    settings = UncertaintySettings(0.03, samples=30, seed=12)
    cases = []
    for a, b in [*_pairs(snapshot_store, 4, 41), ("Li3PO4", "LiNi1/3Mn1/3Co1/3O2")]:
        entries = snapshot_store.entries(set(parse_formula(a)) | set(parse_formula(b)))
        try:
            cases.append((entries, interface_reactions(entries, a, b, ion="Li")))
        except AnalysisError:
            continue

    def run() -> list:
        unc._HULL_ENERGIES.clear()
        out = []
        for entries, point in cases:
            exact = sample_interface(entries, point, settings).energy
            decided = unc.sample_interfaces(entries, [point], settings, [-0.05])[0].energy
            out.append((exact, decided >= -0.05))
        return out

    whole = run()
    monkeypatch.setattr(perturb, "SAMPLE_CHUNK", 7)
    for (exact, side), (exact7, side7) in zip(whole, run(), strict=True):
        np.testing.assert_allclose(exact7, exact, rtol=0, atol=1e-9)
        assert (side7 == side).all()
        assert (side == (exact >= -0.05)).all()


@pytest.mark.parametrize("formula", ["LiNi1/3Mn1/3Co1/3O2", "Li6PS5Cl", "LiVFeP2(HO5)2"])
def test_hull_values_by_bases_equal_warm_started_lps(snapshot_store, monkeypatch, formula: str) -> None:
    """Both routes of the sampled hull energy (certified bases; LPs after the probe) give the same values."""
    settings = UncertaintySettings(0.02, samples=50, seed=9)
    comp = parse_formula(formula)
    system = snapshot_store.entries(set(comp))
    groups = unc._groups(system, entry_errors(system.entries, settings))
    vec = _vec(system, formula)
    monkeypatch.setattr(perturb, "MIXING_PROBE", 10)
    runs = []
    for share in (0.0, 1.0):
        monkeypatch.setattr(perturb, "MIXING_BASIS_SHARE", share)
        runs.append(unc._hull_values(groups.fractions, vec, groups.sampled))
    hull = PointHull(groups.fractions, vec)
    expected = [hull.energy(groups.sampled[k]) for k in range(settings.samples)]
    for values in runs:
        np.testing.assert_allclose(values, expected, rtol=0, atol=1e-9)


def test_energy_above_hull_threshold_bounds_decide_the_same_side(snapshot_store) -> None:
    """30 random Li compounds, thresholds around their sampled energies above the hull: same side as exact."""
    from interfacestab.analyses.uncertainty import sample_e_above_hull

    settings = UncertaintySettings(0.03, samples=40, seed=14)
    pool = sorted({e.formula for e in snapshot_store.iter_entries(containing="Li") if 2 <= len(e.composition) <= 4})
    decided = 0
    for formula in random.Random(17).sample(pool, 30):
        comp = parse_formula(formula)
        entries = snapshot_store.entries(set(comp))
        exact = sample_e_above_hull(entries, comp, settings)
        for limit in (0.0, 0.025, 0.1, float(np.median(exact)) + 1e-6):
            fast = sample_e_above_hull(entries, comp, settings, limit)
            assert ((fast <= limit) == (exact <= limit)).all(), (formula, limit)
            same = np.isclose(fast, exact, rtol=0, atol=1e-9)
            decided += int((~same).sum())
    assert decided > 0

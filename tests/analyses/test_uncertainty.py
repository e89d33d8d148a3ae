"""Intervals from sampled energy errors: the fast routes against resampling (ours and pymatgen's), and their properties.

The fast window route (enumerated reactions) and the interface route (one LP per sample) must give,
sample by sample, what a full window or interface gives when recomputed on the same perturbed
energies; so the statistics agree exactly, which is stronger than "within Monte Carlo error".
"""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
from helpers.oracle import pmg_window

from interfacestab.analyses.interface import interface_reactions
from interfacestab.analyses.uncertainty import (
    CORRECTED_ELEMENTS,
    SHARED_FRACTION,
    UncertaintySettings,
    corrected_weights,
    entry_errors,
    interface_uncertainty,
    sample_interface,
    sample_window,
    window_uncertainty,
)
from interfacestab.analyses.window import stability_window
from interfacestab.entries import Entry, EntrySet
from interfacestab.errors import AnalysisError


def _perturbed(entries: EntrySet, errors: np.ndarray, s: int) -> EntrySet:
    return EntrySet(
        entries.elements,
        tuple(
            replace(e, e_form_eV_per_atom=e.e_form_eV_per_atom + errors[s, j]) for j, e in enumerate(entries.entries)
        ),
        entries.source,
    )


def _brute_window(entries: EntrySet, formula: str, ion: str, settings: UncertaintySettings):
    """A full window (hull rebuilt) per sample on all entries with the same perturbed energies."""
    errors = entry_errors(entries.entries, settings)
    out = []
    for s in range(settings.samples):
        w = stability_window(_perturbed(entries, errors, s), formula, ion=ion)
        out.append((w.reduction_limit_V, w.oxidation_limit_V, tuple(w.reduction_products), tuple(w.oxidation_products)))
    return out


def _random_compounds(store, ion: str, count: int, seed: int) -> list[Entry]:
    pool = sorted(
        (e for e in store.iter_entries(containing=ion) if 2 <= len(e.composition) <= 4),
        key=lambda e: (e.formula, e.material_id),
    )
    return random.Random(seed).sample(pool, count)


@pytest.mark.parametrize(("ion", "count"), [("Li", 24), ("Na", 14), ("K", 12)])
def test_fast_window_routes_equal_resampling_sample_by_sample(
    snapshot_store, monkeypatch, ion: str, count: int
) -> None:
    """50 random compounds, 4 samples each at sigma 0.03: both fast routes (enumerated reactions and one LP per
    limit) give the limits (1e-6 V) and limit products of a full window rebuilt on all entries per sample."""
    import interfacestab.analyses.uncertainty as uncertainty_module

    settings = UncertaintySettings(0.03, samples=4, seed=11)
    for entry in _random_compounds(snapshot_store, ion, count, 20261130):
        entries = snapshot_store.entries(set(entry.composition) | {ion})
        point = stability_window(entries, entry.formula, ion=ion)
        brute = _brute_window(entries, entry.formula, ion, settings)
        routes = []
        for per_sample in (10**9, 0):  # enumeration whenever it fits, then LPs only
            monkeypatch.setattr(uncertainty_module, "ENUMERATION_PER_SAMPLE", per_sample)
            routes.append(sample_window(entries, point, settings))
        assert routes[1].method == "lp"
        for fast in routes:
            for s, (red, ox, red_p, ox_p) in enumerate(brute):
                assert fast.reduction_V[s] == pytest.approx(red, abs=1e-6), (entry.formula, fast.method, s)
                if ox is None:
                    assert fast.oxidation_V is None
                else:
                    assert fast.oxidation_V is not None
                    assert fast.oxidation_V[s] == pytest.approx(ox, abs=1e-6), (entry.formula, fast.method, s)
                    assert fast.oxidation_products[s] == tuple(sorted(ox_p)), (entry.formula, fast.method, s)
                assert fast.reduction_products[s] == tuple(sorted(red_p)), (entry.formula, fast.method, s)


def test_lp_route_on_many_element_targets_equals_resampling_sample_by_sample(snapshot_store) -> None:
    """Random 5- and 6-element Li/Na/K compounds (the certified-basis LP route at default settings) and virtual
    targets: per sample, the limits and products of a full window rebuilt on the same perturbed energies."""
    settings = UncertaintySettings(0.02, samples=3, seed=21)
    pool = sorted(
        (
            (e.formula, ion)
            for ion in ("Li", "Na", "K")
            for e in snapshot_store.iter_entries(containing=ion)
            if 5 <= len(e.composition) <= 6
        ),
        key=lambda fi: fi,
    )
    picks = random.Random(20261201).sample(sorted(set(pool)), 10)
    picks += [("Li5PS4Cl2", "Li"), ("Li2FeMnO4", "Li")]  # virtual targets: placed on each sample's hull
    routes = set()
    for formula, ion in picks:
        from interfacestab.chem import parse_formula

        entries = snapshot_store.entries(set(parse_formula(formula)) | {ion})
        point = stability_window(entries, formula, ion=ion)
        fast = sample_window(entries, point, settings)
        brute = sample_window(entries, point, settings, force_resampling=True)
        routes.add(fast.method)
        np.testing.assert_allclose(fast.reduction_V, brute.reduction_V, atol=1e-6, err_msg=formula)
        assert fast.reduction_products == brute.reduction_products, formula
        if brute.oxidation_V is None:
            assert fast.oxidation_V is None
        else:
            assert fast.oxidation_V is not None
            np.testing.assert_allclose(fast.oxidation_V, brute.oxidation_V, atol=1e-6, err_msg=formula)
            assert fast.oxidation_products == brute.oxidation_products, formula
    assert "lp" in routes


def test_kept_phases_from_pivoted_decompositions_equal_those_from_the_hull(snapshot_store) -> None:
    """The phases that can matter, decided with the decompositions of one programme per composition (pivoted
    together), are exactly those decided with a convex hull, on 25 random Li/Na/K systems."""
    from interfacestab.analyses.uncertainty import _groups, _kept, _kept_by_hull
    from interfacestab.chem import parse_formula

    settings = UncertaintySettings(0.02, samples=50, seed=2)
    pool = sorted({(e.formula, ion) for ion in ("Li", "Na", "K") for e in snapshot_store.iter_entries(containing=ion)})
    for formula, ion in random.Random(5).sample(pool, 25):
        comp = parse_formula(formula)
        entries = snapshot_store.entries(set(comp) | {ion})
        groups = _groups(entries, entry_errors(entries.entries, settings))
        x = np.array([comp.get(el, 0.0) for el in entries.elements])
        key = np.round(x / x.sum(), 10).tobytes()
        own = next(i for i, fr in enumerate(groups.fractions) if np.round(fr, 10).tobytes() == key)
        assert _kept(entries, groups, own).tolist() == _kept_by_hull(entries, groups, own).tolist(), formula


def test_fast_window_route_equals_pymatgen_resampling(snapshot_store) -> None:
    """pymatgen's get_element_profile on the perturbed entries (target stabilized) gives the same samples."""
    settings = UncertaintySettings(0.03, samples=3, seed=5)
    for formula in ("Li6PS5Cl", "Li3PS4", "LiCoO2", "Li7P3S11"):
        from interfacestab.chem import parse_formula

        entries = snapshot_store.entries(set(parse_formula(formula)) | {"Li"})
        point = stability_window(entries, formula, ion="Li")
        fast = sample_window(entries, point, settings)
        errors = entry_errors(entries.entries, settings)
        for s in range(settings.samples):
            ref = pmg_window(_perturbed(entries, errors, s), formula, "Li")
            assert fast.reduction_V[s] == pytest.approx(ref["reduction_limit_V"], abs=1e-4)
            assert fast.oxidation_V is not None
            assert fast.oxidation_V[s] == pytest.approx(ref["oxidation_limit_V"], abs=1e-4)
            assert list(fast.reduction_products[s]) == ref["reduction_products"]


def _random_pairs(store, count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    li = sorted({e.formula for e in store.iter_entries(containing="Li") if 3 <= len(e.composition) <= 4})
    others = sorted({e.formula for e in store.iter_entries(containing="O") if 2 <= len(e.composition) <= 3})
    pairs = []
    while len(pairs) < count:
        a, b = rng.choice(li), rng.choice(others)
        if a != b:
            pairs.append((a, b))
    return pairs


def test_interface_route_equals_resampling_sample_by_sample(snapshot_store) -> None:
    """22 random pairs (2 open, at 3 and 4 V), 2 samples each: identical minimum energies and products."""
    from interfacestab.chem import parse_formula

    settings = UncertaintySettings(0.03, samples=2, seed=2)
    pairs = [(a, b, None) for a, b in _random_pairs(snapshot_store, 20, 7)] + [
        ("Li6PS5Cl", "LiCoO2", 3.0),
        ("Li3PS4", "LiNiO2", 4.0),
    ]
    for a, b, voltage in pairs:
        els = set(parse_formula(a)) | set(parse_formula(b)) | ({"Li"} if voltage is not None else set())
        entries = snapshot_store.entries(els)
        try:
            point = interface_reactions(entries, a, b, ion="Li", voltage_V=voltage)
        except AnalysisError:
            continue  # e.g. reactants of the same composition
        fast = sample_interface(entries, point, settings)
        errors = entry_errors(entries.entries, settings)
        for s in range(settings.samples):
            ref = interface_reactions(_perturbed(entries, errors, s), a, b, ion="Li", voltage_V=voltage)
            assert fast.energy[s] == pytest.approx(ref.minimum.reaction_energy_eV_per_normalising_atom, abs=1e-7)
            # at an exact tie of two kinks the two routes may name different (equally low) product sets
            if len({k.reaction_energy_eV_per_normalising_atom for k in ref.kinks}) == len(ref.kinks):
                assert fast.products[s] == tuple(sorted(ref.minimum.products)), (a, b, s)


def test_interface_route_equals_pymatgen_resampling(snapshot_store) -> None:
    from helpers.oracle import pmg_interface

    from interfacestab.chem import parse_formula

    settings = UncertaintySettings(0.03, samples=2, seed=9)
    for a, b in (("Li6PS5Cl", "LiCoO2"), ("Li3PS4", "Li2O")):
        entries = snapshot_store.entries(set(parse_formula(a)) | set(parse_formula(b)))
        point = interface_reactions(entries, a, b)
        fast = sample_interface(entries, point, settings)
        errors = entry_errors(entries.entries, settings)
        for s in range(settings.samples):
            kinks = pmg_interface(_perturbed(entries, errors, s), a, b)
            assert fast.energy[s] == pytest.approx(min(k["energy"] for k in kinks), abs=1e-6)


# --- properties -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lpsc(snapshot_store):
    entries = snapshot_store.entries(["Cl", "Li", "P", "S"])
    return entries, stability_window(entries, "Li6PS5Cl", ion="Li")


def test_sigma_zero_gives_the_point_window(lpsc) -> None:
    entries, point = lpsc
    u = window_uncertainty(entries, point, UncertaintySettings(0.0, samples=5))
    for iv, value in ((u.reduction_limit_V, point.reduction_limit_V), (u.oxidation_limit_V, point.oxidation_limit_V)):
        assert iv is not None
        assert iv.low == pytest.approx(value, abs=1e-9)
        assert iv.high == pytest.approx(value, abs=1e-9)
    assert u.point_reduction_products_frequency == 1.0
    assert u.point_oxidation_products_frequency == 1.0


def test_intervals_contain_the_point_shrink_and_widen_with_sigma(lpsc) -> None:
    entries, point = lpsc
    widths = []
    for sigma in (1e-5, 0.01, 0.03, 0.06):
        u = window_uncertainty(entries, point, UncertaintySettings(sigma, samples=400, seed=3))
        assert u.oxidation_limit_V is not None
        assert u.reduction_limit_V.low <= point.reduction_limit_V + 1e-9 <= u.reduction_limit_V.high + 2e-9
        assert u.oxidation_limit_V.low - 1e-9 <= point.oxidation_limit_V <= u.oxidation_limit_V.high + 1e-9
        widths.append(u.oxidation_limit_V.high - u.oxidation_limit_V.low)
    assert widths[0] < 1e-3  # shrinks to the point
    assert widths == sorted(widths)
    assert widths[-1] > 2 * widths[1]


def test_intervals_contain_the_point_on_stable_compounds(snapshot_store) -> None:
    settings = UncertaintySettings(0.02, samples=300, seed=1)
    for formula in ("Li3PS4", "LiCoO2", "Li2S", "Li3N", "LiFePO4"):
        from interfacestab.chem import parse_formula

        entries = snapshot_store.entries(set(parse_formula(formula)) | {"Li"})
        point = stability_window(entries, formula, ion="Li")
        u = window_uncertainty(entries, point, settings)
        assert u.reduction_limit_V.low - 1e-9 <= point.reduction_limit_V <= u.reduction_limit_V.high + 1e-9, formula
        assert u.oxidation_limit_V is not None and point.oxidation_limit_V is not None
        assert u.oxidation_limit_V.low - 1e-9 <= point.oxidation_limit_V <= u.oxidation_limit_V.high + 1e-9, formula


def _check_point_against_interval(u, point_red: float, point_ox: float | None, samples: int) -> int:
    """Containment or the flag, consistently with the quantile of the point; returns how many limits are flagged."""
    flagged = 0
    tail = (1 - u.confidence) / 2
    for iv, point, quantile, outside in (
        (u.reduction_limit_V, point_red, u.reduction_point_quantile, u.reduction_point_outside_interval),
        (u.oxidation_limit_V, point_ox, u.oxidation_point_quantile, u.oxidation_point_outside_interval),
    ):
        if point is None:
            assert iv is None or quantile is None
            continue
        inside = iv.low - 1e-9 <= point <= iv.high + 1e-9
        assert outside is (not inside)
        assert 0.0 <= quantile <= 1.0
        if point < iv.low - 1e-9:
            assert quantile <= tail + 1 / samples
        elif point > iv.high + 1e-9:
            assert quantile >= 1 - tail - 1 / samples
        flagged += bool(outside)
    return flagged


def test_point_value_is_inside_its_interval_or_flagged_on_random_targets(snapshot_store) -> None:
    """40 random Li/Na/K compounds (many above the hull, stabilized) and 6 virtual ones, sigma 0.02: each limit's
    point value is inside its sampled interval, or the result says it is not (flag and quantile), never silently."""
    from interfacestab.chem import parse_formula

    settings = UncertaintySettings(0.02, samples=100, seed=3)
    pool = sorted({(e.formula, ion) for ion in ("Li", "Na", "K") for e in snapshot_store.iter_entries(containing=ion)})
    picks = random.Random(99).sample([p for p in pool if len(parse_formula(p[0])) <= 5], 40)
    picks += [(f, "Li") for f in ("Li5PS4Cl2", "Li2FeMnO4", "Li4Ti3O8", "Li3CoNiO4", "Li2NiMnO4", "Li3V2O5")]
    limits = 0
    for formula, ion in picks:
        entries = snapshot_store.entries(set(parse_formula(formula)) | {ion})
        try:
            point = stability_window(entries, formula, ion=ion)
        except AnalysisError:
            continue
        u = window_uncertainty(entries, point, settings)
        _check_point_against_interval(u, point.reduction_limit_V, point.oxidation_limit_V, settings.samples)
        limits += 1
    assert limits >= 40


def test_a_biased_limit_is_flagged_not_clamped(lpsc, monkeypatch) -> None:
    """A sampled limit can sit mostly on one side of the point (the extreme of many noisy competing reactions is
    biased): the interval stays the sampled one and the result says where the point falls."""
    import interfacestab.analyses.uncertainty as unc

    entries, point = lpsc
    settings = UncertaintySettings(0.02, samples=200, seed=1)
    real = unc.sample_window(entries, point, settings)
    shift = real.reduction_V - point.reduction_limit_V
    biased = replace(real, reduction_V=point.reduction_limit_V + 0.05 + np.abs(shift))  # every sample above
    monkeypatch.setattr(unc, "sample_window", lambda *args, **kwargs: biased)
    u = unc.window_uncertainty(entries, point, settings)
    assert u.reduction_limit_V.low == pytest.approx(np.quantile(biased.reduction_V, 0.05), abs=1e-12)  # not clamped
    assert u.reduction_limit_V.low > point.reduction_limit_V + 0.05 - 1e-12
    assert u.reduction_point_outside_interval is True
    assert u.reduction_point_quantile == 0.0
    assert u.oxidation_point_outside_interval is False  # the other limit is the real sampling
    data = u.to_dict()
    assert data["reduction_point_outside_interval"] is True
    assert _check_point_against_interval(u, point.reduction_limit_V, point.oxidation_limit_V, 200) >= 1
    monkeypatch.undo()
    # the real sampling of this window contains the point, and as sigma goes to 0 the samples close in on it
    honest = window_uncertainty(entries, point, settings)
    assert honest.reduction_point_outside_interval is False and 0.05 <= honest.reduction_point_quantile <= 0.95
    small = window_uncertainty(entries, point, UncertaintySettings(1e-6, samples=50, seed=1))
    assert small.reduction_point_outside_interval is False
    assert small.oxidation_point_outside_interval is False


def test_same_seed_same_numbers_other_seed_other_numbers(lpsc) -> None:
    entries, point = lpsc
    one = window_uncertainty(entries, point, UncertaintySettings(0.02, samples=50, seed=4)).to_dict()
    two = window_uncertainty(entries, point, UncertaintySettings(0.02, samples=50, seed=4)).to_dict()
    other = window_uncertainty(entries, point, UncertaintySettings(0.02, samples=50, seed=5)).to_dict()
    assert one == two
    assert one["reduction_limit_V"] != other["reduction_limit_V"]


def test_errors_of_an_entry_do_not_depend_on_the_other_entries_or_their_order(lpsc) -> None:
    """What makes results independent of how work is split among workers: numbers keyed by (seed, entry)."""
    entries, _ = lpsc
    settings = UncertaintySettings(0.02, samples=20, seed=8)
    full = entry_errors(entries.entries, settings)
    picked = [5, 2, 17]
    part = entry_errors([entries.entries[i] for i in picked], settings)
    np.testing.assert_array_equal(part, full[:, picked])


def test_error_model_variance_and_correlation() -> None:
    """Total sd = sigma for one-anion compounds; two sulfides share SHARED_FRACTION plus their field's share.

    The rest of the correlation is the composition field's (phi_i . phi_j: near 1 for near compositions).
    """
    from interfacestab.analyses.error_field import features

    entries = [Entry(f"Li{i}S", {"Li": float(i + 1), "S": 1.0}, -1.0, f"s-{i}") for i in range(2)]
    entries += [Entry("Li2O", {"Li": 2.0, "O": 1.0}, -2.0, "o"), Entry("S", {"S": 1.0}, 0.0, "el")]
    err = entry_errors(entries, UncertaintySettings(0.05, samples=20000, seed=1))
    phi = features([e.composition for e in entries[:3]], 1)
    assert err[:, 0].std() == pytest.approx(0.05, rel=0.03)
    field_01, field_02 = float(phi[0] @ phi[1]), float(phi[0] @ phi[2])
    expected_01 = SHARED_FRACTION + (1 - SHARED_FRACTION) * field_01
    assert np.corrcoef(err[:, 0], err[:, 1])[0, 1] == pytest.approx(expected_01, abs=0.03)
    # a sulfide and an oxide share no corrected element: only the field (their compositions are far apart)
    assert np.corrcoef(err[:, 0], err[:, 2])[0, 1] == pytest.approx((1 - SHARED_FRACTION) * field_02, abs=0.03)
    assert (err[:, 3] == 0).all()
    assert "S" in CORRECTED_ELEMENTS
    assert corrected_weights({"Li": 1.0, "Fe": 1.0, "P": 1.0, "O": 4.0}) == {"O": 0.8, "Fe": 0.2}
    assert corrected_weights({"Li": 1.0, "Fe": 1.0, "S": 2.0}) == {"S": 1.0}  # +U metals only in oxides/fluorides


def test_interface_interval_contains_point_and_is_reproducible(snapshot_store) -> None:
    entries = snapshot_store.entries(["Cl", "Co", "Li", "O", "P", "S"])
    point = interface_reactions(entries, "Li6PS5Cl", "LiCoO2")
    settings = UncertaintySettings(0.02, samples=60, seed=3)
    u = interface_uncertainty(entries, point, settings)
    value = point.minimum.reaction_energy_eV_per_atom
    assert u.reaction_energy.low <= value <= u.reaction_energy.high
    assert u.to_dict() == interface_uncertainty(entries, point, settings).to_dict()
    zero = interface_uncertainty(entries, point, UncertaintySettings(0.0, samples=3))
    assert zero.reaction_energy.low == pytest.approx(value, abs=1e-9)
    assert zero.point_products_frequency == 1.0


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"sigma_eV_per_atom": float("nan")}, "--sigma"),
        ({"sigma_eV_per_atom": -1.0}, "--sigma"),
        ({"sigma_eV_per_atom": 0.1, "samples": 0}, "--samples"),
        ({"sigma_eV_per_atom": 0.1, "confidence": 1.5}, "--confidence"),
        ({"sigma_eV_per_atom": 0.1, "seed": -2}, "--seed"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict, text: str) -> None:
    with pytest.raises(AnalysisError, match=text):
        UncertaintySettings(**kwargs)


def test_cli_defaults_mirror_the_library() -> None:
    from interfacestab.analyses import uncertainty as lib
    from interfacestab_cli import uncertainty_options as cli

    assert (cli.DEFAULT_SAMPLES, cli.DEFAULT_CONFIDENCE, cli.MAX_SAMPLES) == (
        lib.DEFAULT_SAMPLES,
        lib.DEFAULT_CONFIDENCE,
        lib.MAX_SAMPLES,
    )


def test_sampled_energy_above_hull_equals_a_rebuilt_hull(snapshot_store) -> None:
    from interfacestab.analyses.uncertainty import sample_e_above_hull
    from interfacestab.chem import parse_formula
    from interfacestab.engine.hull import build_hull

    settings = UncertaintySettings(0.03, samples=6, seed=4)
    for formula in ("Li6PS5Cl", "Li3PS4", "Li7P3S11", "LiCoO2", "Li4Ti5O12"):
        comp = parse_formula(formula)
        entries = snapshot_store.entries(set(comp))
        fast = sample_e_above_hull(entries, comp, settings)
        errors = entry_errors(entries.entries, settings)
        for s in range(settings.samples):
            perturbed = _perturbed(entries, errors, s)
            hull = build_hull(perturbed)
            own = min((e for e in perturbed.entries if e.formula == formula), key=lambda e: e.e_form_eV_per_atom)
            expected = max(hull.e_above_hull(hull.vector(own.composition), own.e_form_eV_per_atom), 0.0)
            assert fast[s] == pytest.approx(expected, abs=1e-8), (formula, s)

"""Windows of large systems: the LP route gives what the hull route gives, and 12 elements stay fast.

The LP route (engine/ray.py) is forced on small systems with ``route="lp"`` and compared with
the hull route on the same entries: limits, products, every profile stage (voltages, phases,
uptake, decomposition energies) and the notes.
"""

from __future__ import annotations

import random
import re
import time

import pytest

from interfacestab.analyses.targets import load_system
from interfacestab.analyses.window import stability_window, window_for
from interfacestab.chem import parse_formula
from interfacestab.engine import hull as hull_module
from interfacestab.engine.ray import LP_ROUTE_MIN_ELEMENTS

TOL = 1e-6  # V and eV/atom: the two routes differ by float rounding only (~1e-10)

#: A 9-element snapshot compound and virtual dopings of it up to 13 elements (Na ion).
BIG_NA = {
    9: "Ba2NaTi2MnRe2Si8HO26F",
    10: "Ba2NaTi2MnRe2Si8HO26FZr0.1",
    12: "Ba2NaTi2MnRe2Si8HO26FZr0.1Nb0.1Al0.1",
    13: "Ba2NaTi2MnRe2Si8HO26FZr0.1Nb0.1Al0.1Mg0.1",
}


def _close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= TOL)


def _numbers_out(text: str) -> str:
    return re.sub(r"[-+]?\d+(\.\d+)?(e[-+]?\d+)?", "#", text)


def assert_same_window(hull_w, lp_w) -> None:
    """Same limits, products, stages and notes (numbers to TOL)."""
    assert _close(hull_w.reduction_limit_V, lp_w.reduction_limit_V)
    assert _close(hull_w.oxidation_limit_V, lp_w.oxidation_limit_V)
    assert hull_w.reduction_products == lp_w.reduction_products
    assert hull_w.oxidation_products == lp_w.oxidation_products
    assert _close(hull_w.e_above_hull_eV_per_atom, lp_w.e_above_hull_eV_per_atom)
    assert _close(
        hull_w.decomposition_energy_at_0V_eV_per_nonion_atom, lp_w.decomposition_energy_at_0V_eV_per_nonion_atom
    )
    assert _close(
        hull_w.decomposition_energy_at_5V_eV_per_nonion_atom, lp_w.decomposition_energy_at_5V_eV_per_nonion_atom
    )
    assert len(hull_w.profile) == len(lp_w.profile)
    for s, t in zip(hull_w.profile, lp_w.profile, strict=True):
        assert _close(s.voltage_low_V, t.voltage_low_V) and _close(s.voltage_high_V, t.voltage_high_V)
        assert s.phases == t.phases and s.is_window == t.is_window
        assert _close(s.ion_per_formula_unit, t.ion_per_formula_unit)
        assert _close(s.decomposition_energy_eV_per_nonion_atom, t.decomposition_energy_eV_per_nonion_atom)
        assert _close(s.decomposition_energy_low_eV_per_nonion_atom, t.decomposition_energy_low_eV_per_nonion_atom)
    assert [_numbers_out(n) for n in hull_w.notes] == [_numbers_out(n) for n in lp_w.notes]
    assert (hull_w.stabilized, hull_w.energy_source) == (lp_w.stabilized, lp_w.energy_source)


def _virtual_mix(rng: random.Random, a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    w = rng.uniform(0.1, 0.9)
    na, nb = sum(a.values()), sum(b.values())
    return {el: w * a.get(el, 0.0) / na + (1 - w) * b.get(el, 0.0) / nb for el in set(a) | set(b)}


@pytest.mark.parametrize("ion", ["Li", "Na", "K"])
def test_lp_route_matches_hull_route_on_random_targets(snapshot_store, ion: str) -> None:
    """Per ion: 35 random compounds of 2-5 elements and a virtual mixture of each with a neighbour,
    stabilized and not, plus a user energy: about 200 comparisons per ion (600 in all)."""
    rng = random.Random({"Li": 1, "Na": 2, "K": 3}[ion])
    pool = [e for e in snapshot_store.iter_entries(containing=ion) if 2 <= len(e.composition) <= 5]
    compared = 0
    for entry in rng.sample(pool, 35):
        entries = snapshot_store.entries(entry.composition)
        targets: list[str | dict[str, float]] = [entry.formula]
        others = [o for o in entries.entries if o.formula != entry.formula and len(o.composition) > 1]
        if others:
            targets.append(_virtual_mix(rng, entry.composition, rng.choice(others).composition))
        for target in targets:
            options = [{"stabilize": True}, {"stabilize": False}, {"energy_above_hull_eV_per_atom": 0.01}]
            for opts in options:
                if not opts.get("stabilize", True) and isinstance(target, dict):
                    continue  # a virtual composition needs stabilization or a user energy
                h = stability_window(entries, target, ion=ion, route="hull", **opts)
                lp = stability_window(entries, target, ion=ion, route="lp", **opts)
                assert_same_window(h, lp)
                compared += 1
    assert compared >= 150


def test_lp_route_matches_hull_route_at_9_elements(snapshot_store) -> None:
    """One of the largest snapshot compounds, where the hull route still runs (about 6 s)."""
    for formula, ion in ((BIG_NA[9], "Na"),):
        entries = load_system(set(parse_formula(formula)) | {ion}, store=snapshot_store)
        h = stability_window(entries, formula, ion=ion, route="hull")
        lp = stability_window(entries, formula, ion=ion, route="lp")
        assert_same_window(h, lp)


def test_auto_route_uses_lp_for_large_systems(snapshot_store, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_hull(*args, **kwargs):
        msg = "the hull route was taken"
        raise AssertionError(msg)

    monkeypatch.setattr(hull_module, "build_hull", no_hull)
    import interfacestab.analyses.window_routes as routes_module

    monkeypatch.setattr(routes_module, "build_hull", no_hull)
    formula = BIG_NA[10]
    assert len(parse_formula(formula)) >= LP_ROUTE_MIN_ELEMENTS
    w = window_for(formula, ion="Na", store=snapshot_store)
    assert w.reduction_limit_V > 0 and w.profile


@pytest.mark.parametrize("n_elements", [12, 13])
def test_12_and_13_element_windows_take_seconds_not_minutes(snapshot_store, n_elements: int) -> None:
    start = time.perf_counter()
    w = window_for(BIG_NA[n_elements], ion="Na", store=snapshot_store)
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, f"{n_elements}-element window took {elapsed:.1f} s"
    assert len(w.composition) == n_elements
    assert w.oxidation_limit_V is not None and w.oxidation_limit_V >= w.reduction_limit_V
    assert sum(s.is_window for s in w.profile) == 1

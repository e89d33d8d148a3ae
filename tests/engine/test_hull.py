"""Hull core against pymatgen's PhaseDiagram on the same entries, and toy checks."""

from __future__ import annotations

import random

import numpy as np
import pytest
from helpers.oracle import pmg_phase_diagram
from helpers.toy import li_x_toy

from interfacestab.engine.hull import build_hull


def _random_systems(store, n: int, seed: int) -> list[tuple[str, ...]]:
    systems = sorted({tuple(sorted(e.composition)) for e in store.iter_entries()})
    rng = random.Random(seed)
    pool = [s for s in systems if 2 <= len(s) <= 5]
    return rng.sample(pool, n)


def test_toy_hull_by_hand() -> None:
    hull = build_hull(li_x_toy())
    # LiS2 at -0.3 eV/atom lies above the S-LiS tie line: at x_Li = 1/3 the line is -2/3 eV/atom
    x = hull.vector({"Li": 1, "S": 2})
    assert hull.hull_energy(x) == pytest.approx(-2.0 / 3.0)
    assert hull.e_above_hull(x, -0.3) == pytest.approx(-0.3 + 2.0 / 3.0)
    assert sorted(hull.formulas[i] for i in hull.decomposition(x)) == ["LiS", "S"]
    # a virtual, non-integer composition between LiS and Li2S
    x = hull.vector({"Li": 1.5, "S": 1})
    assert hull.hull_energy(x) == pytest.approx((2 * -1.0 + 3 * -0.9) / 5)  # lever rule on atoms: 2/5 LiS, 3/5 Li2S
    assert sorted(hull.formulas[i] for i in hull.decomposition(x)) == ["Li2S", "LiS"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hull_matches_pymatgen_on_random_systems(snapshot_store, seed: int) -> None:
    """Identical e_above_hull (1e-6 eV/atom) and decomposition phases for every entry of 25 random systems."""
    checked = 0
    for elements in _random_systems(snapshot_store, 25, seed):
        entries = snapshot_store.entries(elements)
        hull = build_hull(entries)
        pd = pmg_phase_diagram(entries)
        pmg = {e.name: e for e in pd.all_entries}
        for entry in entries.entries:
            x = hull.vector(entry.composition)
            ref_entry = pmg[entry.formula]
            assert hull.e_above_hull(x, entry.e_form_eV_per_atom) == pytest.approx(
                pd.get_e_above_hull(ref_entry), abs=1e-6
            ), entry.formula
            ours = sorted(hull.formulas[k] for k in hull.decomposition(x))
            theirs = sorted(e.name for e in pd.get_decomposition(ref_entry.composition))
            assert ours == theirs, (elements, entry.formula)
            checked += 1
    assert checked > 100


def test_hull_energy_of_virtual_compositions_matches_pymatgen(snapshot_store) -> None:
    from pymatgen.core import Composition

    entries = snapshot_store.entries(["Li", "P", "S", "Cl", "Ge", "I"])
    hull = build_hull(entries)
    pd = pmg_phase_diagram(entries)
    for text in ["Li6.5P0.5Ge0.5S5I", "Li6PS5I", "Li10GeP2S12", "Li9.54P1.44S11.7Cl0.3Ge0.1"]:
        comp = Composition(text)
        x = hull.vector({str(k): v for k, v in comp.get_el_amt_dict().items()})
        assert hull.hull_energy(x) == pytest.approx(pd.get_hull_energy_per_atom(comp), abs=1e-9)
        ours = sorted(hull.formulas[k] for k in hull.decomposition(x))
        assert ours == sorted(e.name for e in pd.get_decomposition(comp))


@pytest.mark.parametrize("store_fixture", ["toy_data_store", "snapshot_store"])
def test_incremental_insertion_equals_rebuild(request: pytest.FixtureRequest, store_fixture: str) -> None:
    """Inserting a stabilized point gives the same hull energies as rebuilding with it."""
    from interfacestab.entries import Entry

    entries = request.getfixturevalue(store_fixture).entries(["Li", "P", "S", "Cl"])
    hull = build_hull(entries)
    comp = {"Li": 6, "P": 1, "S": 5, "Cl": 1}
    x = hull.vector(comp)
    energy = float(hull.hull_energy(x)) - 0.01
    inserted, index = hull.with_point(x, energy, "Li6PS5Cl", 13)
    rebuilt = build_hull(entries.with_entries([Entry("Li6PS5Cl*", comp, energy)]))
    rng = np.random.default_rng(0)
    probes = rng.dirichlet(np.ones(4), size=200)
    assert np.allclose(inserted.hull_energy(probes), rebuilt.hull_energy(probes), atol=1e-10)
    assert inserted.is_vertex(index)

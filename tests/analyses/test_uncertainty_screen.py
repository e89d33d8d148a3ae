"""Pass probabilities of a coating screen under sampled energy errors."""

from __future__ import annotations

import pytest

from interfacestab.analyses.screening.screen import screen_coatings
from interfacestab.analyses.uncertainty import UncertaintySettings
from interfacestab.errors import AnalysisError

CANDIDATES = ["Li3PO4", "LiNbO3", "LiTaO3", "Li2SnO3", "Li4Ti5O12"]
KEYS = ("e_above_hull", "reduction_limit", "oxidation_limit", "electrolyte_reaction", "cathode_reaction",
        "charged_cathode_reaction")  # fmt: skip


def _screen(store, settings, rank_by="score"):
    return screen_coatings(CANDIDATES, "Li6PS5Cl", "LiCoO2", store_path=store.path, workers=1,
                           uncertainty=settings, rank_by=rank_by)  # fmt: skip


def test_sigma_zero_probabilities_are_the_point_verdicts(snapshot_store) -> None:
    screen = _screen(snapshot_store, UncertaintySettings(0.0, samples=3))
    for r in screen.results:
        assert r.pass_probability is not None
        for key, ok in r.criteria_pass.items():
            assert r.pass_probability[key] == (1.0 if ok else 0.0), (r.formula, key)
        assert r.pass_probability["all"] == (1.0 if r.passed else 0.0)


def test_probabilities_are_consistent_and_rank_the_screen(snapshot_store) -> None:
    settings = UncertaintySettings(0.03, samples=40, seed=2)
    screen = _screen(snapshot_store, settings, rank_by="probability")
    probs = [r.pass_probability for r in screen.results]
    for p in probs:
        assert p is not None
        assert all(0.0 <= v <= 1.0 for v in p.values())
        assert p["all"] <= min(p[k] for k in KEYS if k in p) + 1e-12  # joint samples: all <= each
    alls = [p["all"] for p in probs if p is not None]
    assert alls == sorted(alls, reverse=True)
    d = screen.to_dict()
    assert d["uncertainty"]["ranked_by"] == "probability"
    assert d["results"][0]["pass_probability"]["all"] == alls[0]
    assert d["uncertainty"]["model"] == "global"  # the legacy snapshot carries no per-entry uncertainties
    rows = screen.to_rows()
    assert rows[0]["pass_probability_all"] == alls[0]
    # every CSV row says how it was sampled and ranked; a screen reports probabilities, not intervals
    for row in rows:
        assert (row["sigma_eV_per_atom"], row["samples"], row["seed"], row["ranked_by"]) == (0.03, 40, 2, "probability")
        assert row["uncertainty_model"] == d["uncertainty"]["model"]
    assert "confidence" not in d["uncertainty"]
    # the same seed gives the same probabilities, whatever the number of workers
    two = screen_coatings(CANDIDATES, "Li6PS5Cl", "LiCoO2", store_path=snapshot_store.path, workers=2,
                          uncertainty=settings, rank_by="probability")  # fmt: skip
    assert [r.pass_probability for r in two.results] == probs


def test_rank_by_probability_needs_sigma(snapshot_store) -> None:
    with pytest.raises(AnalysisError, match="--sigma"):
        _screen(snapshot_store, None, rank_by="probability")
    with pytest.raises(AnalysisError, match="rank_by"):
        _screen(snapshot_store, None, rank_by="luck")


ANODE_CANDIDATES = ["Li2S", "LiCl", "Li2O", "Li3PO4", "Li3N", "LiAg"]


def test_anode_screen_probabilities_at_sigma_zero_are_the_point_verdicts(snapshot_store) -> None:
    screen = screen_coatings(ANODE_CANDIDATES, "Li6PS5Cl", None, anode="Li", store_path=snapshot_store.path,
                             workers=1, uncertainty=UncertaintySettings(0.0, samples=3))  # fmt: skip
    assert screen.anode_side
    for r in screen.results:
        assert r.pass_probability is not None
        assert set(r.pass_probability) == {*r.criteria_pass, "all"}
        assert "anode_reaction" in r.pass_probability and "oxidation_limit" not in r.pass_probability
        for key, ok in r.criteria_pass.items():
            assert r.pass_probability[key] == (1.0 if ok else 0.0), (r.formula, key)
        assert r.pass_probability["all"] == (1.0 if r.passed else 0.0)


def test_anode_screen_probabilities_rank_and_are_joint(snapshot_store) -> None:
    settings = UncertaintySettings(0.03, samples=40, seed=2)
    screen = screen_coatings(ANODE_CANDIDATES, "Li6PS5Cl", None, anode="Li", store_path=snapshot_store.path,
                             workers=1, uncertainty=settings, rank_by="probability")  # fmt: skip
    alls = [r.pass_probability["all"] for r in screen.results if r.pass_probability]
    assert alls == sorted(alls, reverse=True)
    for r in screen.results:
        p = r.pass_probability
        assert p is not None
        assert p["all"] <= min(v for k, v in p.items() if k != "all") + 1e-12
    rows = screen.to_rows()
    assert [row["pass_probability_anode_reaction"] for row in rows] == [
        r.pass_probability["anode_reaction"] for r in screen.results
    ]


def test_an_alloy_anode_cannot_be_sampled_yet(snapshot_store) -> None:
    with pytest.raises(AnalysisError, match="needs the Li metal as the anode"):
        screen_coatings(["Li2S"], "Li6PS5Cl", None, anode="Li0.5In", store_path=snapshot_store.path, workers=1,
                        uncertainty=UncertaintySettings(0.02, samples=20))  # fmt: skip

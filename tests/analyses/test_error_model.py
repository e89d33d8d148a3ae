"""The mp2020 error model: corrections read as pymatgen reads them, and sampled errors with the model's covariance.

Parsing is checked against pymatgen on the MP2020 entry files (each entry's corrections and its
``correction_uncertainty_per_atom``); sampling against the covariance the model defines, on a
hand-made entry set (two oxides share the oxide term), within Monte Carlo error.
"""

from __future__ import annotations

import gzip
import json
import math
from typing import TYPE_CHECKING

import numpy as np
import pytest

from interfacestab.analyses.error_model import (
    GLOBAL_MODEL,
    MP2020_MODEL,
    correction_key,
    entry_errors,
    resolve_model,
    system_model,
)
from interfacestab.analyses.uncertainty import UncertaintySettings
from interfacestab.analyses.uncertainty import entry_errors as uncertainty_entry_errors
from interfacestab.chem import n_atoms
from interfacestab.entries import Correction, Entry
from interfacestab.errors import AnalysisError, SourceError
from interfacestab.sources.corrections import corrections_of
from interfacestab.sources.files import _entry_corrections, _safe_composition, read_file

if TYPE_CHECKING:
    from pathlib import Path

SET = "mp2020_chemsys_matterviz/Li-Co-Ni-O.json.gz"


def _dicts(shared_data: Path) -> list[dict]:
    return json.loads(gzip.decompress((shared_data / SET).read_bytes()))


# -- (a) parsing, against pymatgen ---------------------------------------------------------------
def test_correction_uncertainty_per_atom_equals_pymatgens_on_every_entry(shared_data: Path) -> None:
    """sqrt(sum_k (n_ik u_k / N_i)^2) of our corrections is pymatgen's correction_uncertainty_per_atom."""
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    dicts = _dicts(shared_data)
    n_corrected = 0
    for i, d in enumerate(dicts):
        ref = ComputedStructureEntry.from_dict(d)
        ours = _entry_corrections(d, _safe_composition(d["composition"], "t"), f"entry {i}")
        assert ours is not None
        total = math.sqrt(sum((c.share * c.uncertainty_eV_per_atom) ** 2 for c in ours))
        expected = ref.correction_uncertainty_per_atom  # nan when the quadrature sum is 0 (nothing known)
        assert total == (0.0 if math.isnan(expected) else pytest.approx(expected, rel=1e-9)), d["entry_id"]
        n_corrected += total > 0
    assert n_corrected > 500  # the file is mostly oxides: the check is not vacuous


def test_corrections_equal_pymatgens_energy_adjustments(shared_data: Path) -> None:
    """Name, share n_atoms / N_atoms and uncertainty per atom of each correction, for entries with two or more."""
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    picked = [d for d in _dicts(shared_data) if len(d["energy_adjustments"]) >= 2][:5]
    assert len(picked) == 5
    for d in picked:
        ref = ComputedStructureEntry.from_dict(d)
        expected = sorted(
            (a.name, a.n_atoms / ref.composition.num_atoms, a.uncertainty_per_atom) for a in ref.energy_adjustments
        )
        got = corrections_of(d["energy_adjustments"], n_atoms(_safe_composition(d["composition"], "t")))
        assert got is not None
        assert [c.name for c in got] == [e[0] for e in expected]
        assert [c.share for c in got] == pytest.approx([e[1] for e in expected], rel=1e-12)
        assert [c.uncertainty_eV_per_atom for c in got] == pytest.approx([e[2] for e in expected], rel=1e-12)


def test_reading_the_file_keeps_each_entrys_corrections(shared_data: Path) -> None:
    """read_file gives every compound its corrections (shares do not depend on the cell size)."""
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    _, entries = read_file(shared_data / SET)
    by_id = {e.material_id: e for e in entries}
    checked = 0
    for d in _dicts(shared_data):
        ref = ComputedStructureEntry.from_dict(d)
        if len(ref.composition.elements) < 2:
            continue
        entry = by_id[d["entry_id"]]
        assert entry.corrections is not None
        total = math.sqrt(sum((c.share * c.uncertainty_eV_per_atom) ** 2 for c in entry.corrections))
        expected = ref.correction_uncertainty_per_atom
        assert total == (0.0 if math.isnan(expected) else pytest.approx(expected, rel=1e-9))
        checked += 1
    assert checked == len(entries)


def test_unknown_or_bad_uncertainties() -> None:
    """An energy-changing adjustment without an uncertainty: None (unknown); a negative one is refused."""
    oxide = {
        "@class": "CompositionEnergyAdjustment",
        "adj_per_atom": -0.687,
        "n_atoms": 2.0,
        "uncertainty_per_atom": 0.002,
        "name": "MP2020 anion correction (oxide)",
    }
    assert corrections_of([oxide], 4.0) == (Correction("MP2020 anion correction (oxide)", 0.5, 0.002),)
    assert corrections_of([{**oxide, "uncertainty_per_atom": None}], 4.0) is None
    assert corrections_of([{**oxide, "uncertainty_per_atom": float("nan")}], 4.0) is None
    assert corrections_of([{**oxide, "adj_per_atom": 0.0, "uncertainty_per_atom": None}], 4.0) == ()
    with pytest.raises(SourceError, match="uncertainty"):
        corrections_of([{**oxide, "uncertainty_per_atom": -0.1}], 4.0)
    # a constant adjustment with an uncertainty (eV): spread over the cell's atoms
    constant = {"@class": "ConstantEnergyAdjustment", "value": -0.3, "uncertainty": 0.04, "name": "manual"}
    assert corrections_of([constant], 4.0) == (Correction("manual", 0.25, 0.04),)
    # a legacy correction without adjustments has no known uncertainty
    assert _entry_corrections({"correction": -0.5, "energy_adjustments": []}, {"Li": 2, "O": 1}, "t") is None
    assert _entry_corrections({"correction": 0.0, "energy_adjustments": []}, {"Li": 2, "O": 1}, "t") == ()


# -- (b) sampling: the covariance of the model ---------------------------------------------------
OXIDE, CO = "oxide (test)", "Co mixing (test)"
U_OXIDE, U_CO = 0.03, 0.05


def _toy() -> list[Entry]:
    """Li2O and Co3O4 share the oxide correction; Co3O4 also has the Co one; LiCo none; Li is an element."""
    return [
        Entry("Li2O", {"Li": 2.0, "O": 1.0}, -2.0, "t-1", "toy", (Correction(OXIDE, 1 / 3, U_OXIDE),)),
        Entry(
            "Co3O4",
            {"Co": 3.0, "O": 4.0},
            -1.3,
            "t-2",
            "toy",
            (Correction(CO, 3 / 7, U_CO), Correction(OXIDE, 4 / 7, U_OXIDE)),
        ),
        Entry("LiCo", {"Li": 1.0, "Co": 1.0}, -0.1, "t-3", "toy", ()),
        Entry("Li", {"Li": 1.0}, 0.0, "t-4", "toy", ()),
    ]


def _model_covariance(entries: list[Entry], sigma: float, seed: int) -> np.ndarray:
    """Cov(delta_i, delta_j) = sum_k c_ik c_jk + sigma^2 phi_i . phi_j for compounds (c_ik = share * u), 0 for elements.

    phi: the unit feature vectors of the composition field (its exact covariance for the seed's features).
    """
    from interfacestab.analyses.error_field import features

    names = sorted({c.name for e in entries for c in e.corrections or ()})
    coeff = np.array([[sum(c.share * c.uncertainty_eV_per_atom for c in e.corrections or () if c.name == k)
                       for k in names] for e in entries])  # fmt: skip
    compound = np.array([len(e.composition) >= 2 for e in entries], dtype=float)
    phi = features([e.composition for e in entries], seed) * compound[:, None]
    return coeff @ coeff.T + sigma**2 * (phi @ phi.T)


def test_sampled_errors_have_the_models_covariance() -> None:
    entries, sigma, n = _toy(), 0.01, 40_000
    errors = entry_errors(entries, UncertaintySettings(sigma, samples=n, seed=5))
    expected = _model_covariance(entries, sigma, 5)
    got = np.cov(errors, rowvar=False)
    # Monte Carlo standard error of a sample covariance of normals: sqrt((var_i var_j + cov_ij^2) / n)
    var = np.diag(expected)
    se = np.sqrt((np.outer(var, var) + expected**2) / n)
    assert np.all(np.abs(got - expected) <= 4 * se + 1e-15)
    assert np.all(errors[:, 3] == 0)  # the element
    # the shared oxide term makes the two oxides correlated beyond what their distant compositions share
    from interfacestab.analyses.error_field import features

    phi = features([e.composition for e in entries[:2]], 5)
    assert expected[0, 1] == pytest.approx((1 / 3) * (4 / 7) * U_OXIDE**2 + sigma**2 * float(phi[0] @ phi[1]))
    assert np.corrcoef(errors[:, 0], errors[:, 1])[0, 1] > 0.2


def test_shared_terms_are_keyed_by_seed_and_correction_name() -> None:
    """The same compound gets the same numbers in any entry list; the shared term is the correction's own."""
    entries = _toy()
    settings = UncertaintySettings(0.0, samples=50, seed=9)
    full = entry_errors(entries, settings)
    alone = entry_errors([entries[1], entries[0]], settings)
    assert np.array_equal(alone[:, 0], full[:, 1])
    assert np.array_equal(alone[:, 1], full[:, 0])
    # with sigma 0, Li2O's error is its oxide coefficient times the oxide's own standard normal
    from interfacestab.analyses.error_model import _normals

    s_oxide = _normals(9, correction_key(OXIDE), 50)
    assert np.allclose(full[:, 0], (1 / 3) * U_OXIDE * s_oxide, rtol=0, atol=1e-15)
    assert np.array_equal(full, uncertainty_entry_errors(entries, settings))  # the thin call in uncertainty.py
    assert not np.array_equal(full, entry_errors(entries, UncertaintySettings(0.0, samples=50, seed=10)))


def test_which_model() -> None:
    entries = _toy()
    auto = resolve_model(entries)
    assert auto.name == MP2020_MODEL
    assert auto.corrections == ((CO, U_CO), (OXIDE, U_OXIDE))
    assert resolve_model(entries, "global").name == GLOBAL_MODEL
    # a compound from a source that does not record corrections: auto falls back to global, mp2020 is refused
    user = Entry("Li2O2", {"Li": 2.0, "O": 2.0}, -1.6, "", "user", None)
    assert resolve_model([*entries, user]).name == GLOBAL_MODEL
    with pytest.raises(AnalysisError, match="user"):
        resolve_model([*entries, user], "mp2020")
    # an element without corrections does not matter; the system's entries are what count
    assert resolve_model([*entries, Entry("O", {"O": 1.0}, 0.0)]).name == MP2020_MODEL
    assert system_model([*entries, user], {"Li", "Co"}).name == MP2020_MODEL
    with pytest.raises(AnalysisError, match="--error-model"):
        UncertaintySettings(0.02, error_model="bogus")
    global_errors = entry_errors(entries, UncertaintySettings(0.02, samples=10, seed=1, error_model="global"))
    assert not np.array_equal(global_errors, entry_errors(entries, UncertaintySettings(0.02, samples=10, seed=1)))


def test_fast_window_route_under_mp2020_equals_a_window_per_sample(shared_data: Path) -> None:
    """On the MP2020 set, the sampled window (auto: mp2020) equals a full window rebuilt per sample on the same
    perturbed energies, limit by limit and product set by product set."""
    from dataclasses import replace

    from interfacestab.analyses.uncertainty import sample_window, window_uncertainty
    from interfacestab.analyses.window import stability_window
    from interfacestab.entries import EntrySet

    info, all_entries = read_file(shared_data / SET)
    entries = EntrySet(("Co", "Li", "O"), tuple(all_entries), info).subset(["Co", "Li", "O"])
    settings = UncertaintySettings(0.01, samples=12, seed=4)
    point = stability_window(entries, "LiCoO2", ion="Li")
    errors = entry_errors(entries.entries, settings)
    sampled = sample_window(entries, point, settings)
    for s in range(settings.samples):
        perturbed = tuple(
            replace(e, e_form_eV_per_atom=e.e_form_eV_per_atom + errors[s, j]) for j, e in enumerate(entries.entries)
        )
        w = stability_window(EntrySet(entries.elements, perturbed, info), "LiCoO2", ion="Li")
        assert sampled.reduction_V[s] == pytest.approx(w.reduction_limit_V, abs=1e-6)
        assert sampled.oxidation_V is not None
        assert sampled.oxidation_V[s] == pytest.approx(w.oxidation_limit_V, abs=1e-6)
        assert sampled.reduction_products[s] == tuple(sorted(w.reduction_products))
    u = window_uncertainty(entries, point, settings)
    assert u.model == "mp2020"
    assert dict(u.corrections_sampled)["MP2020 GGA/GGA+U mixing correction (Co)"] == pytest.approx(0.006)

"""The live Materials Project source against a fake MP API on 127.0.0.1 (no internet).

The toy Li-O system is hand-made: energies are invented, chosen so formation energies are round.
"""

from __future__ import annotations

import json
import math
import os
import time
from typing import Any

import pytest
from helpers.cli_helpers import run_script
from helpers.mp_server import API_KEY, DB_VERSION, FakeMP, SilentServer, summary_doc, thermo_doc

from interfacestab.errors import FormulaError, MPError
from interfacestab.ingest import fetch_chemsys, fetch_system
from interfacestab.phase_properties import GapSource
from interfacestab.sources.mp import THERMO_TYPES
from interfacestab.store.database import open_store

# corrected total energies per atom of the references (eV/atom)
E_LI, E_O = -1.90, -4.90
O_OXIDE, O_PEROXIDE = -0.687, -0.465  # made-up MP2020-style anion corrections (eV per O atom)
U_OXIDE, U_PEROXIDE = 0.002, 0.0172  # and their uncertainties (eV per O atom)
OXIDE, PEROXIDE = "MP2020 anion correction (oxide)", "MP2020 anion correction (peroxide)"
LIVE_KEY = os.environ.get("MP_API_KEY")  # read before the fixtures below clear the environment


def _entry(
    mid: str,
    species: list[str],
    coords: list[list[float]],
    a: float,
    energy: float,
    o_corr: float = 0.0,
    o_name: str = OXIDE,
    o_uncertainty: float = U_OXIDE,
) -> dict[str, Any]:
    """A ComputedStructureEntry dict as MP serves it; ``energy`` is the corrected total energy (eV)."""
    from pymatgen.core import Lattice, Structure
    from pymatgen.entries.computed_entries import CompositionEnergyAdjustment, ComputedStructureEntry

    structure = Structure(Lattice.cubic(a), species, coords)
    n_o = species.count("O")
    adjustment = CompositionEnergyAdjustment(o_corr, n_o, o_uncertainty, name=o_name)
    adjustments = [adjustment] if o_corr else []
    entry = ComputedStructureEntry(
        structure,
        energy - o_corr * n_o,  # uncorrected energy; the correction brings it back to `energy`
        energy_adjustments=adjustments,
        parameters={"run_type": "GGA", "is_hubbard": False, "hubbards": {}},
        data={"material_id": mid, "oxide_type": "oxide" if n_o else "None"},
        entry_id=f"{mid}-GGA",
    )
    return entry.as_dict()


def _grid(n: int) -> list[list[float]]:
    return [[i / n, (i * 7 % n) / n, (i * 3 % n) / n] for i in range(n)]


def toy_docs(e_li2o: float = -2.0) -> list[dict[str, Any]]:
    """Li (two polymorphs), O2, Li2O (formation energy ``e_li2o``), Li2O2 (-1.65), Na, Na2O, and a mixed-type Li2O."""
    li2o_total = 12 * e_li2o + 8 * E_LI + 4 * E_O  # Li8O4 cell
    li2o2_total = 8 * -1.65 + 4 * E_LI + 4 * E_O  # Li4O4 cell
    docs = [
        thermo_doc([_entry("mp-1001", ["Li"] * 2, _grid(2), 3.4, 2 * E_LI)]),
        thermo_doc([_entry("mp-1002", ["Li"] * 4, _grid(4), 4.3, 4 * (E_LI + 0.01))]),  # metastable Li
        thermo_doc([_entry("mp-1003", ["O"] * 2, [[0, 0, 0], [0.12, 0, 0]], 10.0, 2 * E_O)]),
        thermo_doc([_entry("mp-1004", ["Li"] * 8 + ["O"] * 4, _grid(12), 4.6, li2o_total, O_OXIDE)]),
        thermo_doc(
            [_entry("mp-1005", ["Li"] * 4 + ["O"] * 4, _grid(8), 5.0, li2o2_total, O_PEROXIDE, PEROXIDE, U_PEROXIDE)]
        ),
        thermo_doc([_entry("mp-2001", ["Na"] * 2, _grid(2), 4.2, 2 * -1.30)]),
        thermo_doc([_entry("mp-2002", ["Na"] * 8 + ["O"] * 4, _grid(12), 5.5, 12 * -1.40 + 8 * -1.30 + 4 * E_O)]),
    ]
    # a GGA_GGA+U_R2SCAN document with a very different energy: must never reach a GGA_GGA+U fetch
    mixed = _entry("mp-1004", ["Li"] * 8 + ["O"] * 4, _grid(12), 4.6, li2o_total - 12.0)
    docs.append(thermo_doc([mixed], "GGA_GGA+U_R2SCAN"))
    return docs


@pytest.fixture
def mp() -> Any:
    server = FakeMP(toy_docs()).start()
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path: Any) -> Any:
    with open_store(tmp_path / "s.sqlite") as s:
        yield s


@pytest.fixture(autouse=True)
def _no_ambient_mp_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("MP_API_KEY", "PMG_MAPI_KEY", "MP_API_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)


def _fetch(store: Any, mp: FakeMP, elements: Any = ("Li", "O"), **kw: Any) -> Any:
    kw = {"api_key": API_KEY, "endpoint": mp.url, "retries": 0, "backoff_s": 0.01, "timeout_s": 2.0, **kw}
    return fetch_chemsys(store, elements, **kw)


def _energies(store: Any, elements: Any, source: str = "mp_live_GGA_GGA+U") -> dict[str, float]:
    return {e.formula: e.e_form_eV_per_atom for e in store.entries(elements, source).entries}


# -- success ------------------------------------------------------------------------------
def test_fetch_stores_formation_energies_and_provenance(mp: FakeMP, store: Any) -> None:
    info, n = _fetch(store, mp)

    assert n == 2
    got = _energies(store, ["Li", "O"])
    assert set(got) == {"Li2O", "Li2O2"}
    # by hand, on the lowest Li (-1.90 eV/atom, not the metastable -1.89) and O2 (-4.90 eV/atom),
    # from corrected totals: Li8O4 = 12*(-2.0) + 8*(-1.90) + 4*(-4.90) = -58.8 eV
    assert got["Li2O"] == pytest.approx((-58.8 - 8 * -1.90 - 4 * -4.90) / 12) == pytest.approx(-2.0)
    assert got["Li2O2"] == pytest.approx((-40.4 - 4 * -1.90 - 4 * -4.90) / 8) == pytest.approx(-1.65)
    ids = {e.formula: e.material_id for e in store.entries(["Li", "O"], info.name).entries}
    assert ids == {"Li2O": "mp-1004", "Li2O2": "mp-1005"}

    assert info.name == "mp_live_GGA_GGA+U"
    assert info.thermo_type == "GGA/GGA+U, MP2020 corrections"
    assert info.db_version == DB_VERSION
    assert DB_VERSION in info.vintage
    assert info.origin == mp.url
    assert "Jain" in info.citation
    assert len(info.content_sha256) == 64
    assert info.n_entries == 2
    assert store.source(info.name) == info

    # one request for the whole system, with the key, the thermo type and every subsystem
    (req,) = mp.data_requests
    assert req.headers["x-api-key"] == API_KEY
    assert set(req.params["chemsys"].split(",")) == {"Li", "O", "Li-O"}
    assert req.params["thermo_types"] == "GGA_GGA+U"
    assert set(req.params["_fields"].split(",")) == {"entries", "thermo_type"}


def test_fetch_records_each_entrys_corrections(mp: FakeMP, store: Any) -> None:
    """The MP2020 corrections of live entries, with their shares and uncertainties, reach the store."""
    from interfacestab.analyses.error_model import resolve_model
    from interfacestab.entries import Correction

    info, _ = _fetch(store, mp)
    got = {e.formula: e.corrections for e in store.entries(["Li", "O"], info.name).entries}
    # Li8O4 cell: 4 oxide O of 12 atoms; Li4O4 cell: 4 peroxide O of 8 atoms
    assert got == {"Li2O": (Correction(OXIDE, 4 / 12, U_OXIDE),), "Li2O2": (Correction(PEROXIDE, 4 / 8, U_PEROXIDE),)}
    assert resolve_model(store.entries(["Li", "O"], info.name).entries).name == "mp2020"


def test_elements_as_string_and_custom_source_name(mp: FakeMP, store: Any) -> None:
    info, n = _fetch(store, mp, "O-Li", source_name="mp_test")
    assert (info.name, n) == ("mp_test", 2)
    assert set(_energies(store, ["Li", "O"], "mp_test")) == {"Li2O", "Li2O2"}


def test_refetch_replaces_system_and_keeps_others(mp: FakeMP, store: Any) -> None:
    _fetch(store, mp, ["Na", "O"])
    first, _ = _fetch(store, mp)
    again, n_again = _fetch(store, mp)
    assert n_again == 2
    assert again.n_entries == first.n_entries == 3  # Li2O, Li2O2, Na2O: no duplicates
    assert again.content_sha256 == first.content_sha256

    mp.docs = [d for d in toy_docs(e_li2o=-2.1) if d["material_id"] != "mp-1005"]  # Li2O2 gone, Li2O moved
    info, n = _fetch(store, mp)
    assert n == 1
    assert _energies(store, ["Li", "O"]) == pytest.approx({"Li2O": -2.1})
    assert _energies(store, ["Na", "O"]) == pytest.approx({"Na2O": -1.40})
    assert info.n_entries == 2
    assert info.content_sha256 != first.content_sha256


def test_endpoint_and_key_from_environment(mp: FakeMP, store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MP_API_ENDPOINT", mp.url.rstrip("/"))
    monkeypatch.setenv("PMG_MAPI_KEY", API_KEY)
    info, n = fetch_chemsys(store, ["Li", "O"], retries=0)
    assert n == 2
    assert info.origin == mp.url
    assert mp.data_requests[0].headers["x-api-key"] == API_KEY


def test_mixed_thermo_type_uses_mp_phase_diagram(mp: FakeMP, store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # the client serves mixed GGA/GGA+U/r2SCAN entries from MP's pre-built phase diagram (object store,
    # not the REST API), so stand in for it with one built from the toy entries
    from mp_api.client.routes.materials.thermo import ThermoRester
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    asked: list[tuple[str, str]] = []
    toy = [
        ComputedStructureEntry.from_dict(e)
        for d in toy_docs(e_li2o=-2.2)
        if d["chemsys"] in {"Li", "O", "Li-O"} and d["thermo_type"] == "GGA_GGA+U"
        for e in d["entries"].values()
    ]

    def fake_pd(self: Any, chemsys: str, thermo_type: str = "") -> PhaseDiagram:
        asked.append((chemsys, str(thermo_type)))
        return PhaseDiagram(toy)

    monkeypatch.setattr(ThermoRester, "get_phase_diagram_from_chemsys", fake_pd)
    info, n = _fetch(store, mp, thermo_type="GGA_GGA+U_R2SCAN")
    assert asked == [("Li-O", "GGA_GGA+U_R2SCAN")]  # one query for the whole system
    assert (info.name, info.thermo_type, n) == ("mp_live_GGA_GGA+U_R2SCAN", "mixed GGA/GGA+U/r2SCAN", 2)
    assert _energies(store, ["Li", "O"], info.name)["Li2O"] == pytest.approx(-2.2)
    assert THERMO_TYPES == ("GGA_GGA+U", "GGA_GGA+U_R2SCAN")


# -- failures -----------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [401, 403])
def test_rejected_key(mp: FakeMP, store: Any, status: int) -> None:
    if status == 401:
        key = "f" * 32  # the server's gateway rejects an unknown key with 401
    else:
        key, mp.failures = API_KEY, [403]
    with pytest.raises(MPError, match=rf"rejected the API key \(HTTP {status}\): set MP_API_KEY") as err:
        _fetch(store, mp, api_key=key, retries=3)
    assert "\n" not in str(err.value)
    assert len(mp.data_requests) == 1  # not retried
    assert store.sources() == []


def test_key_of_wrong_length_is_rejected_before_any_data_request(mp: FakeMP, store: Any) -> None:
    with pytest.raises(MPError, match=r"invalid Materials Project API key \(not 32 characters\): set MP_API_KEY"):
        _fetch(store, mp, api_key="too-short")
    assert mp.data_requests == []


def test_missing_api_key(mp: FakeMP, store: Any) -> None:
    with pytest.raises(MPError, match=r"^no Materials Project API key: set MP_API_KEY \(or PMG_MAPI_KEY\)"):
        fetch_chemsys(store, ["Li", "O"], endpoint=mp.url)
    assert mp.requests == []


def test_server_error_then_success_is_retried_with_backoff(mp: FakeMP, store: Any) -> None:
    mp.failures = [503, 500]
    start = time.perf_counter()
    _, n = _fetch(store, mp, retries=2, backoff_s=0.05)
    assert n == 2
    assert len(mp.data_requests) == 3
    assert time.perf_counter() - start >= 0.05 + 0.10  # back-off 0.05 s, then doubled


def test_persistent_server_error(mp: FakeMP, store: Any) -> None:
    mp.failures = [500] * 10
    with pytest.raises(MPError, match=r"API at http://127\.0\.0\.1:\d+/ failed after 3 attempt\(s\): HTTP 500") as err:
        _fetch(store, mp, retries=2)
    assert "injected HTTP 500" in str(err.value)
    assert len(mp.data_requests) == 3
    assert store.sources() == []


def test_timeout(mp: FakeMP, store: Any) -> None:
    mp.failures, mp.hang_s = ["hang"] * 2, 1.5
    start = time.perf_counter()
    with pytest.raises(MPError, match=r"failed after 2 attempt\(s\): .*timed out"):
        _fetch(store, mp, retries=1, timeout_s=0.3)
    assert time.perf_counter() - start < 1.5  # each attempt gave up after timeout_s
    assert len(mp.data_requests) == 2


def test_endpoint_that_never_answers_times_out(store: Any) -> None:
    """mp-api's heartbeat has no timeout: against a server that accepts and never answers it hung for ever."""
    with SilentServer() as silent:
        start = time.perf_counter()
        with pytest.raises(
            MPError, match=r"failed after 2 attempt\(s\): timed out: no answer from .*heartbeat within 0.3 s"
        ):
            fetch_chemsys(store, ["Li", "O"], api_key=API_KEY, endpoint=silent.url, retries=1, timeout_s=0.3)
        elapsed = time.perf_counter() - start
    assert elapsed < 3  # two attempts of 0.3 s, no back-off after a timeout
    assert silent.n_connections == 2
    assert store.sources() == []


def test_timeout_from_environment(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERFACESTAB_MP_TIMEOUT_S", "0.2")
    with SilentServer() as silent:
        start = time.perf_counter()
        with pytest.raises(MPError, match=r"within 0.2 s \(set INTERFACESTAB_MP_TIMEOUT_S to wait longer\)"):
            fetch_chemsys(store, ["Li", "O"], api_key=API_KEY, endpoint=silent.url, retries=0)
        assert time.perf_counter() - start < 2
    for bad in ("0", "-1", "nan", "soon"):
        monkeypatch.setenv("INTERFACESTAB_MP_TIMEOUT_S", bad)
        with pytest.raises(MPError, match=r"INTERFACESTAB_MP_TIMEOUT_S=.* must be a number of seconds"):
            fetch_chemsys(store, ["Li", "O"], api_key=API_KEY, endpoint="http://127.0.0.1:9/", retries=0)


def test_cli_fetch_from_a_silent_endpoint_is_one_line(tmp_path: Any) -> None:
    """The installed script against a stuck endpoint: one error line naming the timeout, in seconds."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).with_name("interfacestab")
    with SilentServer() as silent:
        env = {**os.environ, "MP_API_KEY": API_KEY, "MP_API_ENDPOINT": silent.url, "INTERFACESTAB_MP_TIMEOUT_S": "0.3"}
        start = time.perf_counter()
        proc = subprocess.run(
            [str(script), "--store", str(tmp_path / "s.sqlite"), "data", "fetch", "Li-O"],
            capture_output=True, text=True, timeout=60, env=env, check=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - start
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and "timed out: no answer from" in lines[0] and "within 0.3 s" in lines[0]
    assert elapsed < 20  # 4 attempts of 0.3 s plus start-up


def test_unreachable_endpoint(store: Any) -> None:
    server = FakeMP().start()
    url = server.url
    server.stop()
    with pytest.raises(MPError, match=rf"API at {url} failed after 2 attempt\(s\): .*[Cc]onnection"):
        fetch_chemsys(store, ["Li", "O"], api_key=API_KEY, endpoint=url, retries=1, backoff_s=0.01)


@pytest.mark.parametrize("kind", ["not-json", "no-data", "bad-entry"])
def test_malformed_response(mp: FakeMP, store: Any, kind: str) -> None:
    mp.failures = [kind]
    with pytest.raises(MPError, match=r"malformed response from the Materials Project API at http://127"):
        _fetch(store, mp, retries=3)
    assert len(mp.data_requests) == 1
    assert store.sources() == []


def test_no_entries(mp: FakeMP, store: Any) -> None:
    with pytest.raises(MPError, match="has no GGA_GGA\\+U entries in the Kr-Xe system"):
        _fetch(store, mp, ["Xe", "Kr"])


def test_missing_elemental_reference(mp: FakeMP, store: Any) -> None:
    mp.docs = [d for d in toy_docs() if d["chemsys"] != "O"]
    with pytest.raises(MPError, match="no elemental entry for O in Li-O"):
        _fetch(store, mp)
    assert store.sources() == []


def test_unknown_element_and_thermo_type(mp: FakeMP, store: Any) -> None:
    with pytest.raises(FormulaError, match="Xx"):
        _fetch(store, mp, ["Li", "Xx"])
    with pytest.raises(MPError, match="unknown thermo type 'R2SCAN'"):
        _fetch(store, mp, thermo_type="R2SCAN")
    assert mp.requests == []


# -- live ----------------------------------------------------------------------------------
@pytest.mark.mp
def test_live_fetch_li_o(tmp_path: Any) -> None:
    if not LIVE_KEY:
        pytest.skip("MP_API_KEY is not set")
    with open_store(tmp_path / "live.sqlite") as s:
        info, n = fetch_chemsys(s, ["Li", "O"], api_key=LIVE_KEY, endpoint="https://api.materialsproject.org/")
        li2o = s.entries(["Li", "O"], info.name).find("Li2O")
    assert n >= 2
    assert info.db_version
    assert li2o is not None
    assert -2.4 < li2o.e_form_eV_per_atom < -1.7


# -- band gaps and volumes from the summary endpoint ------------------------------------------------------
AMU_g = 1.66053906660e-24


def _density(formula: str, cell_volume_A3: float, n_units: int) -> float:
    """g/cm^3 of ``n_units`` formula units in a cell, with pymatgen's formula weight (the oracle)."""
    from pymatgen.core import Composition

    return n_units * float(Composition(formula).weight) * AMU_g / (cell_volume_A3 * 1e-24)


def summary_docs() -> list[dict[str, Any]]:
    return [
        # two polymorphs of Li2O written as different cells: the range of gaps, the ground state's volume
        summary_doc("mp-1004", {"Li": 8, "O": 4}, band_gap=5.0, volume=100.0, density=2.0),
        summary_doc("mp-3001", {"Li": 4, "O": 2}, band_gap=4.6, volume=60.0, density=1.7, e_above_hull=0.05),
        summary_doc("mp-1001", {"Li": 2}, band_gap=0.0, volume=40.0, density=0.5),
        {
            **summary_doc("mp-1005", {"Li": 4, "O": 4}, band_gap=3.1, volume=0.0, density=0.0),
            "volume": None,
            "density": _density("Li2O2", 96.0, 2),
        },
        summary_doc("mp-2002", {"Na": 8, "O": 4}, band_gap=1.9, volume=190.0, density=2.2),
    ]


@pytest.fixture
def mps() -> Any:
    """The fake MP with the toy thermo documents and the summary documents above."""
    server = FakeMP(toy_docs()).start()
    server.summary_docs = summary_docs()
    yield server
    server.stop()


def _fetch_system(store: Any, mp: FakeMP, elements: str = "Li-O", **kw: Any) -> Any:
    kw = {"api_key": API_KEY, "endpoint": mp.url, "retries": 0, "backoff_s": 0.01, "timeout_s": 2.0, **kw}
    return fetch_system(store, elements, **kw)


def test_fetch_stores_live_gaps_and_ground_state_volumes(mps: FakeMP, tmp_path: Any) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        result = _fetch_system(store, mps)
        assert result.properties is not None and result.properties.name == "mp_live_properties"
        assert result.n_property_formulas == 3  # Li, Li2O, Li2O2 (Na2O is outside Li-O)
        table = store.phase_properties(["Li2O", "Li", "Li2O2", "Na2O"])
        li2o = table.get("Li2O")
        gap = li2o.band_gap
        assert gap.source is GapSource.MP_LIVE and (gap.min_eV, gap.max_eV, gap.n_values) == (4.6, 5.0, 2)
        assert li2o.volume_per_atom_A3 == 100.0 / 12 and li2o.volume_source == "mp_live_properties"
        assert table.get("Li").volume_per_atom_A3 == 20.0
        # no volume in the document: from its density and pymatgen's formula weight
        assert math.isclose(table.get("Li2O2").volume_per_atom_A3, 96.0 / 8, rel_tol=1e-6)
        assert table.get("Na2O") is None
        info = result.properties.info
        assert info.db_version == mps.db_version and info.origin == mps.url and "Jain" in info.citation
    # one summary query for the whole system, with the key and every subsystem
    (req,) = mps.summary_requests
    assert req.headers["x-api-key"] == API_KEY
    assert set(req.params["chemsys"].split(",")) == {"Li", "O", "Li-O"}
    assert {"band_gap", "volume", "density"} <= set(req.params["_fields"].split(","))


def test_refetch_replaces_only_the_system(mps: FakeMP, tmp_path: Any) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        _fetch_system(store, mps)
        _fetch_system(store, mps, "Na-O")
        assert store.phase_properties(["Na2O"]).get("Na2O").band_gap.min_eV == 1.9
        assert store.phase_properties(["Li2O"]).get("Li2O") is not None  # Li-O kept
        mps.summary_docs = [d for d in mps.summary_docs if d["material_id"] != "mp-1005"]
        _fetch_system(store, mps)
        table = store.phase_properties(["Li2O2", "Li2O", "Na2O"])
        assert table.get("Li2O2") is None  # gone from MP: gone from the source
        assert table.get("Li2O") is not None and table.get("Na2O") is not None


@pytest.mark.parametrize("failure", [503, "not-json"])
def test_a_failed_summary_query_leaves_the_store_unchanged(mps: FakeMP, tmp_path: Any, failure: Any) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        mps.summary_failures = [failure]
        with pytest.raises(MPError) as info:
            _fetch_system(store, mps)
        assert "\n" not in str(info.value)
        assert store.sources() == [] and store.property_sources() == []  # not even the entries
        assert len(mps.summary_requests) == 1


def test_summary_retries_transient_failures(mps: FakeMP, tmp_path: Any) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        mps.summary_failures = [503, 429]
        result = _fetch_system(store, mps, retries=2)
        assert result.n_property_formulas == 3 and len(mps.summary_requests) == 3


def test_cli_fetch_through_the_installed_script(mps: FakeMP, tmp_path: Any) -> None:
    store = str(tmp_path / "s.sqlite")
    env = {"MP_API_KEY": API_KEY, "MP_API_ENDPOINT": mps.url, "INTERFACESTAB_MP_TIMEOUT_S": "5"}
    run = run_script("--store", store, "data", "fetch", "Li-O", env={**os.environ, **env})
    assert run.returncode == 0, run.stderr
    assert "mp_live_properties" in run.stdout
    info = json.loads(run_script("--store", store, "data", "info", "--format", "json").stdout)
    (live,) = info["property_sources"]
    assert (live["name"], live["gap_source"], live["n_formulas"]) == ("mp_live_properties", "MP PBE (live)", 3)

    # the network gone: one line on stderr, exit 1, the store as it was
    mps.stop()
    failed = run_script("--store", store, "data", "fetch", "Li-O", env={**os.environ, **env}, timeout=120)
    assert failed.returncode == 1 and failed.stdout == ""
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Materials Project" in lines[0]
    assert json.loads(run_script("--store", store, "data", "info", "--format", "json").stdout) == info

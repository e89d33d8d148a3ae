"""``--error-model`` through the installed script: mp2020 on a store built from an MP2020 entry file, global on demand,
a clear error on a (version-1) store without correction uncertainties."""

from __future__ import annotations

import gzip
import json
import sqlite3
from typing import TYPE_CHECKING

import pytest
from helpers.cli_helpers import import_toy_store, one_error_line, run_script

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

SET = "mp2020_chemsys_matterviz/Li-Co-Ni-O.json.gz"
TOY_CSV = "formula,energy\nLi2O,-2.0\nCoO,-1.2\nCo3O4,-1.3\nLiCoO2,-1.55\n"


@pytest.fixture(scope="module")
def mp2020_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    store = tmp_path_factory.mktemp("mp2020") / "s.sqlite"
    done = run_script("--store", str(store), "data", "import", str(shared_data / SET), timeout=180)
    assert done.returncode == 0, done.stderr
    return store


def _sampled_corrections(shared_data: Path, elements: set[str]) -> dict[str, float]:
    """(name -> uncertainty per corrected atom) of the corrections of the file's compounds within ``elements``."""
    out: dict[str, float] = {}
    for d in json.loads(gzip.decompress((shared_data / SET).read_bytes())):
        comp = {el for el, amt in d["composition"].items() if amt}
        if len(comp) >= 2 and comp <= elements:
            for adj in d["energy_adjustments"]:
                out[adj["name"]] = adj["uncertainty_per_atom"]
    return out


def _window(store: Path, *extra: str) -> dict:
    args = ("--store", str(store), "window", "LiCoO2", "--sigma", "0.02", "--samples", "40", "--format", "json")
    done = run_script(*args, *extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_window_on_an_mp2020_store_samples_the_correction_uncertainties(mp2020_store: Path, shared_data: Path) -> None:
    u = _window(mp2020_store)["uncertainty"]
    assert u["model"] == "mp2020"
    got = {c["name"]: c["uncertainty_eV_per_corrected_atom"] for c in u["corrections_sampled"]}
    assert got == _sampled_corrections(shared_data, {"Li", "Co", "O"})
    assert "MP2020 GGA/GGA+U mixing correction (Co)" in got
    assert "MP2020 GGA/GGA+U mixing correction (Ni)" not in got  # no Ni in the Li-Co-O window
    low, high = u["reduction_limit_V"]["low"], u["reduction_limit_V"]["high"]
    assert low <= u["reduction_limit_V"]["median"] <= high

    forced = _window(mp2020_store, "--error-model", "global")["uncertainty"]
    assert forced["model"] == "global"
    assert "corrections_sampled" not in forced
    assert _window(mp2020_store, "--error-model", "mp2020")["uncertainty"] == u  # auto chose mp2020; same seed


def test_interface_on_an_mp2020_store_reports_the_model(mp2020_store: Path) -> None:
    args = ("--store", str(mp2020_store), "interface", "LiCoO2", "Li2O2", "--sigma", "0.02", "--samples", "20")
    done = run_script(*args, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["uncertainty"]["model"] == "mp2020"


def test_mp2020_on_a_legacy_store_is_one_error_line(tmp_path: Path) -> None:
    store = import_toy_store(tmp_path, TOY_CSV)
    conn = sqlite3.connect(store)  # as version 1 wrote it: no corrections column
    conn.execute("ALTER TABLE entries DROP COLUMN corrections")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    done = run_script("--store", str(store), "window", "LiCoO2", "--sigma", "0.02", "--error-model", "mp2020")
    assert done.returncode == 1
    assert "--error-model mp2020" in one_error_line(done.stderr)
    assert done.stdout == ""
    assert _window(store)["uncertainty"]["model"] == "global"  # auto: the store has no corrections


def _screen(store: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    candidates = tmp_path / "candidates.txt"
    candidates.write_text("NiO\nLiNiO2\n")
    args = ("--store", str(store), "screen", "--electrolyte", "Li2O", "--cathode", "LiCoO2", "--candidates",
            str(candidates), "--sigma", "0.02", "--samples", "10", "--workers", "1")  # fmt: skip
    return run_script(*args, *extra)


def test_screen_says_which_model(mp2020_store: Path, tmp_path: Path) -> None:
    done = _screen(mp2020_store, tmp_path, "-f", "json")
    assert done.returncode == 0, done.stderr
    u = json.loads(done.stdout)["uncertainty"]
    assert (u["model"], u["error_model"]) == ("mp2020", "auto")
    done = _screen(mp2020_store, tmp_path, "--error-model", "global", "-f", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["uncertainty"]["model"] == "global"


def test_screen_mp2020_on_data_without_corrections_is_one_error_line(tmp_path: Path) -> None:
    store = import_toy_store(tmp_path, TOY_CSV + "NiO,-1.2\nLiNiO2,-1.4\n")
    done = _screen(store, tmp_path, "--error-model", "mp2020")
    assert done.returncode == 1
    assert "--error-model mp2020" in one_error_line(done.stderr)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (("--sigma", "0.02", "--error-model", "bogus"), "--error-model must be one of auto, global, mp2020"),
        (("--error-model", "global"), "--error-model needs --sigma"),
    ],
)
def test_bad_error_model_usage(tmp_path: Path, extra: tuple[str, ...], needle: str) -> None:
    store = import_toy_store(tmp_path, TOY_CSV)
    done = run_script("--store", str(store), "window", "LiCoO2", *extra)
    assert done.returncode == 2
    assert needle in one_error_line(done.stderr)


def test_cli_error_models_mirror_the_library() -> None:
    from interfacestab.analyses.error_model import ERROR_MODELS as LIBRARY
    from interfacestab_cli.uncertainty_options import ERROR_MODELS

    assert ERROR_MODELS == LIBRARY


def test_matrix_on_an_mp2020_store_names_the_model_and_keeps_the_corrections(mp2020_store: Path) -> None:
    """With two workers each cell comes back from a worker; it keeps its corrections and equals interface --sigma."""
    base = ("--store", str(mp2020_store), "matrix", "--electrolytes", "LiCoO2,Li2O", "--electrodes", "Li,CoO",
            "--sigma", "0.02", "--samples", "30", "--seed", "1", "--workers", "2", "-f", "json")  # fmt: skip
    done = run_script(*base, timeout=300)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["uncertainty"]["model"] == "mp2020"
    assert data["uncertainty"]["error_model"] == "auto"
    assert "--error-model auto" in data["provenance"]["conventions"]["uncertainty"]
    for cell in data["cells"]:
        u = cell["uncertainty"]
        assert u["model"] == "mp2020" and u["corrections_sampled"], cell["electrolyte"]
        single = run_script("--store", str(mp2020_store), "interface", cell["electrolyte"], cell["electrode"],
                            "--sigma", "0.02", "--samples", "30", "--seed", "1", "-f", "json", timeout=300)  # fmt: skip
        assert json.loads(single.stdout)["uncertainty"] == u
    forced = json.loads(run_script(*base, "--error-model", "global", timeout=300).stdout)
    assert forced["uncertainty"]["model"] == "global"
    assert all(c["uncertainty"]["model"] == "global" for c in forced["cells"])

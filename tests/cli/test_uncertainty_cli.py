"""``--sigma`` through the installed script: JSON and CSV parsed with real parsers, one-line errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from helpers.cli_helpers import one_error_line, run_script

from interfacestab.analyses.uncertainty import UncertaintySettings, window_uncertainty
from interfacestab.analyses.window import stability_window


@pytest.fixture(scope="module")
def store_path(toy_data_store) -> str:
    return str(toy_data_store.path)


def test_window_sigma_json_matches_the_library(store_path: str, toy_data_store) -> None:
    proc = run_script("--store", store_path, "window", "Li3PS4", "--sigma", "0.05", "--samples", "120",
                      "--seed", "7", "--confidence", "0.8", "-f", "json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    u = data["uncertainty"]
    assert (u["sigma_eV_per_atom"], u["samples"], u["seed"], u["confidence"]) == (0.05, 120, 7, 0.8)
    assert u["model"] == "global"
    entries = toy_data_store.entries(["Li", "P", "S"])
    point = stability_window(entries, "Li3PS4", ion="Li")
    lib = window_uncertainty(entries, point, UncertaintySettings(0.05, 120, 7, 0.8))
    assert u == json.loads(json.dumps(lib.to_dict()))
    red = u["reduction_limit_V"]
    assert red["low"] <= data["reduction_limit_V"] <= red["high"]
    assert sum(f["frequency"] for f in u["reduction_products_frequency"]) == pytest.approx(1.0)
    again = run_script("--store", store_path, "window", "Li3PS4", "--sigma", "0.05", "--samples", "120",
                       "--seed", "7", "--confidence", "0.8", "-f", "json")  # fmt: skip
    assert json.loads(again.stdout)["uncertainty"] == u


def test_window_sigma_csv_and_table(store_path: str) -> None:
    proc = run_script("--store", store_path, "window", "Li3PS4", "--sigma", "0.05", "--samples", "50", "-f", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert rows
    low, high = float(rows[0]["reduction_limit_low_V"]), float(rows[0]["reduction_limit_high_V"])
    assert low <= float(rows[0]["reduction_limit_V"]) <= high
    assert rows[0]["samples"] == "50"
    js = json.loads(run_script("--store", store_path, "window", "Li3PS4", "--sigma", "0.05", "--samples", "50",
                               "-f", "json").stdout)  # fmt: skip
    assert rows[0]["uncertainty_method"] == js["uncertainty"]["method"] != ""  # CSV says how it was sampled too
    plain = run_script("--store", store_path, "window", "Li3PS4", "-f", "csv")
    assert "reduction_limit_low_V" not in plain.stdout.splitlines()[0]
    table = run_script("--store", store_path, "window", "Li3PS4", "--sigma", "0.05", "--samples", "50")
    assert table.returncode == 0
    line = next(x for x in table.stdout.splitlines() if "interval" in x)
    assert f"reduction {float(rows[0]['reduction_limit_V']):.2f} ({low:.2f}-{high:.2f}) V" in line


def test_interface_sigma_json(store_path: str) -> None:
    proc = run_script("--store", store_path, "interface", "Li3PS4", "LiCoO2", "--sigma", "0.03", "--samples", "40",
                      "-f", "json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    iv = data["uncertainty"]["reaction_energy_eV_per_atom"]
    assert iv["low"] <= data["minimum"]["reaction_energy_eV_per_atom"] <= iv["high"]
    rows = list(csv.DictReader(io.StringIO(run_script("--store", store_path, "interface", "Li3PS4", "LiCoO2",
                                                       "--sigma", "0.03", "--samples", "40", "-f", "csv").stdout)))  # fmt: skip
    assert float(rows[0]["minimum_reaction_energy_median_eV_per_atom"]) == pytest.approx(iv["median"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["window", "Li3PS4", "--sigma", "nan"], "--sigma"),
        (["window", "Li3PS4", "--sigma", "-1"], "--sigma"),
        (["window", "Li3PS4", "--sigma", "0.1", "--samples", "0"], "--samples"),
        (["window", "Li3PS4", "--sigma", "0.1", "--confidence", "1.5"], "--confidence"),
        (["window", "Li3PS4", "--seed", "3"], "--seed needs --sigma"),
        (["window", "Li3PS4", "--sigma", "0.1", "--energy-above-hull", "0"], "--sigma"),
        (["interface", "Li3PS4", "LiCoO2", "--sigma", "inf"], "--sigma"),
        (["interface", "Li3+xP1-xGexS4", "LiCoO2", "--scan", "x=0:0.5:0.25", "--sigma", "0.1"], "not to --scan"),
        (["window", "Li3PS4", "--sigma", "0.1", "--samples", "19"], "--samples 19 is too few for a 90% interval"),
        (["interface", "Li3PS4", "LiCoO2", "--sigma", "0.1", "--samples", "9", "--confidence", "0.8"], "at least 10"),
        (["window", "Li3PS4", "--sigma", "0.1", "--confidence", "0.99999999"], "more than the 100000 allowed"),
        (
            ["screen", "--electrolyte", "Li3PS4", "--cathode", "LiCoO2", "--sigma", "0.1", "--confidence", "0.5"],
            "a screen reports pass probabilities",
        ),
    ],
)
def test_bad_uncertainty_options_are_one_line(store_path: str, args: list[str], fragment: str) -> None:
    proc = run_script("--store", store_path, *args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert fragment in one_error_line(proc.stderr)


def test_screen_sigma_through_the_script(snapshot_store, tmp_path) -> None:
    candidates = tmp_path / "candidates.txt"
    candidates.write_text("Li3PO4\nLiNbO3\nLiTaO3\nLi2SnO3\n")
    args = ["--store", str(snapshot_store.path), "screen", "--electrolyte", "Li6PS5Cl", "--cathode", "LiCoO2",
            "--candidates", str(candidates), "--sigma", "0.02", "--samples", "30", "--rank-by", "probability",
            "--workers", "1"]  # fmt: skip
    proc = run_script(*args, "-f", "json", timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    alls = [r["pass_probability"]["all"] for r in data["results"]]
    assert alls == sorted(alls, reverse=True)
    assert data["uncertainty"]["samples"] == 30
    assert data["uncertainty"]["model"] == "global"
    rows = list(csv.DictReader(io.StringIO(run_script(*args, "-f", "csv", timeout=300).stdout)))
    assert [float(r["pass_probability_all"]) for r in rows] == alls
    for row in rows:  # every row says how it was sampled and ranked
        assert (row["sigma_eV_per_atom"], row["samples"], row["seed"]) == ("0.02", "30", "0")
        assert (row["uncertainty_model"], row["ranked_by"]) == ("global", "probability")
    bad = run_script("--store", str(snapshot_store.path), "screen", "--electrolyte", "Li6PS5Cl", "--cathode",
                     "LiCoO2", "--rank-by", "probability")  # fmt: skip
    assert bad.returncode == 2
    assert "--rank-by probability needs --sigma" in one_error_line(bad.stderr)


def test_batch_sigma_same_numbers_with_one_and_two_workers(store_path: str, tmp_path) -> None:
    targets = tmp_path / "targets.txt"
    targets.write_text("Li3PS4\nLi2S\nLi6PS5Cl\nLiCoO2\nP2S5\nLi7PS6\n")
    outputs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.json"
        proc = run_script("--store", store_path, "window", "--batch", str(targets), "--output", str(out),
                          "--sigma", "0.04", "--samples", "60", "--seed", "5", "--workers", workers, timeout=300)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        written = json.loads(out.read_text())
        outputs[workers] = {r["formula"]: r["uncertainty"] for r in written["results"]}
        assert "sigma = 0.04 eV/atom, 60 samples, seed 5" in written["provenance"]["conventions"]["uncertainty"]
    assert outputs["1"] == outputs["2"]
    assert len(outputs["1"]) == 6
    csv_out = tmp_path / "w.csv"
    proc = run_script("--store", store_path, "window", "--batch", str(targets), "--output", str(csv_out),
                      "--sigma", "0.04", "--samples", "60", "--seed", "5", "--workers", "1", timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = {r["formula"]: r for r in csv.DictReader(io.StringIO(csv_out.read_text()))}
    for formula, u in outputs["1"].items():
        assert float(rows[formula]["reduction_limit_low_V"]) == u["reduction_limit_V"]["low"]
        assert float(rows[formula]["reduction_limit_V"]) >= u["reduction_limit_V"]["low"] - 1e-9


@pytest.mark.parametrize("command", ["window", "interface"])
def test_help_paragraphs_wrap_at_the_terminal_not_at_the_docstring(command: str) -> None:
    """A paragraph of a command's help is one flowing text: on a wide terminal the --sigma sentence is one line."""
    from interfacestab_cli.main import flowed

    assert flowed("A b\n    c d.\n\n    E f\n    g.") == "A b c d.\n\nE f g."
    proc = run_script(command, "--help", env={"COLUMNS": "400"})
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if "--sigma E samples formation-energy errors" in x)
    paragraph = line.strip()
    assert paragraph.endswith(").") or paragraph.endswith("--sweep)."), paragraph  # the whole sentence


def test_the_script_runs_one_blas_thread_per_process_unless_told_otherwise() -> None:
    """The script's entry point sets one BLAS thread where the environment says nothing, and keeps a user's value."""
    import subprocess
    import sys

    code = (
        "import os, sys; from interfacestab_cli import main as m; sys.argv = ['interfacestab', '--version'];"
        "os.environ.pop('OPENBLAS_NUM_THREADS', None); os.environ['MKL_NUM_THREADS'] = '3'\n"
        "try:\n    m.main()\nexcept SystemExit:\n    pass\n"
        "print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['MKL_NUM_THREADS'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split()[-2:] == ["1", "3"]


def test_window_sigma_says_where_the_point_value_falls(store_path: str, tmp_path) -> None:
    """The point-quantile and outside-interval fields in JSON, in the window CSV and in the batch CSV."""
    proc = run_script("--store", store_path, "window", "Li6PS5Cl", "--sigma", "0.03", "--samples", "80", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    u = data["uncertainty"]
    for side in ("reduction", "oxidation"):
        iv, point = u[f"{side}_limit_V"], data[f"{side}_limit_V"]
        assert u[f"{side}_point_outside_interval"] is (not iv["low"] - 1e-9 <= point <= iv["high"] + 1e-9)
        assert 0.0 <= u[f"{side}_point_quantile"] <= 1.0
    rows = list(csv.DictReader(io.StringIO(run_script("--store", store_path, "window", "Li6PS5Cl", "--sigma", "0.03",
                                                       "--samples", "80", "-f", "csv").stdout)))  # fmt: skip
    assert float(rows[0]["reduction_point_quantile"]) == u["reduction_point_quantile"]
    assert rows[0]["oxidation_point_outside_interval"] == str(u["oxidation_point_outside_interval"])
    targets = tmp_path / "targets.txt"
    targets.write_text("Li6PS5Cl\nP2S5\n")
    out = tmp_path / "b.csv"
    proc = run_script("--store", store_path, "window", "--batch", str(targets), "--output", str(out),
                      "--sigma", "0.03", "--samples", "80", timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    batch = {r["formula"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert float(batch["Li6PS5Cl"]["reduction_point_quantile"]) == u["reduction_point_quantile"]
    assert batch["P2S5"]["oxidation_point_quantile"] == ""  # no Li: no oxidation limit


def test_anode_screen_sigma_through_the_script(snapshot_store, tmp_path) -> None:
    candidates = tmp_path / "interlayers.txt"
    candidates.write_text("Li2S\nLiCl\nLi2O\nLi3PO4\n")
    args = ["--store", str(snapshot_store.path), "screen", "--electrolyte", "Li6PS5Cl", "--anode", "Li",
            "--candidates", str(candidates), "--sigma", "0.02", "--samples", "30", "--rank-by", "probability",
            "--workers", "2"]  # fmt: skip
    proc = run_script(*args, "-f", "json", timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["anode"] == "Li" and data["uncertainty"]["ranked_by"] == "probability"
    probs = [r["pass_probability"] for r in data["results"]]
    assert all("anode_reaction" in p and "oxidation_limit" not in p for p in probs)
    rows = list(csv.DictReader(io.StringIO(run_script(*args, "-f", "csv", timeout=300).stdout)))
    assert [float(r["pass_probability_anode_reaction"]) for r in rows] == [p["anode_reaction"] for p in probs]
    assert all(r["pass_probability_oxidation_limit"] == "" for r in rows)
    alloy = run_script("--store", str(snapshot_store.path), "screen", "--electrolyte", "Li6PS5Cl", "--anode",
                       "Li0.5In", "--candidates", str(candidates), "--sigma", "0.02", timeout=300)  # fmt: skip
    assert alloy.returncode == 1
    assert "needs the Li metal as the anode" in one_error_line(alloy.stderr)

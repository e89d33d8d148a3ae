"""Window benchmark: one window from the shell, and the windows of every Li, Na and K compound.

(a) ``interfacestab window Li6PS5Cl`` as a user runs it (subprocess wall clock, store warm,
    median of 5; target under 1 s) vs a naive pymatgen script in a subprocess
    (``naive_pymatgen_window.py``: parse the snapshot, PhaseDiagram of Li-P-S-Cl with a
    stabilized Li6PS5Cl, get_element_profile). Both include interpreter start and imports.
(b) ``--all-compounds`` for Li, Na and K (about 19,600 targets): ``all_compound_targets`` +
    ``window_batch(..., workers=2)`` wall time (target under 2 minutes) vs the per-compound
    pymatgen route (PhaseDiagram + stabilized target + get_element_profile, one core, as in
    ``tests/helpers/oracle.py``) timed on a random sample and extrapolated to the full count. On that
    sample, limits must agree to 1 mV and products exactly; mismatches are counted and listed.

Run: ``.venv/bin/python benchmarks/bench_window.py [--quick] [--store FILE]``
(``--quick``: 2 pymatgen subprocess runs in (a); in (b) the batch on the whole chemical systems of
random targets, about 2,000 targets, scaled to the full count, and a 60-compound pymatgen sample.)
"""

from __future__ import annotations

import csv
import json
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import BENCH_DIR, LPSC, Row, interfacestab_exe, now, oracle, parser, report, run_subprocess, store_from_args

IONS = ("Li", "Na", "K")
TOL_V = 1e-3


def shell_window(store: Path, quick: bool) -> tuple[list[Row], dict[str, Any]]:
    """(a) one window from the shell, ours vs a naive pymatgen script."""
    env = {**os.environ, "INTERFACESTAB_STORE": str(store)}
    ours_cmd = [interfacestab_exe(), "window", LPSC]
    pmg_cmd = [sys.executable, str(BENCH_DIR / "naive_pymatgen_window.py"), LPSC, "--ion", "Li"]
    run_subprocess(ours_cmd, env)  # warm the store file and the interpreter's bytecode caches
    ours = [run_subprocess(ours_cmd, env)[0] for _ in range(5)]
    n_pmg = 2 if quick else 5
    pmg_runs = [run_subprocess(pmg_cmd) for _ in range(n_pmg)]
    pmg = [t for t, _ in pmg_runs]
    # agreement (full-precision JSON of ours vs the script's JSON)
    mine = json.loads(run_subprocess([*ours_cmd, "-f", "json"], env)[1])
    theirs = json.loads(pmg_runs[-1][1])
    agree = (
        abs(mine["reduction_limit_V"] - theirs["reduction_limit_V"]) <= TOL_V
        and abs(mine["oxidation_limit_V"] - theirs["oxidation_limit_V"]) <= TOL_V
        and mine["reduction_products"] == theirs["reduction_products"]
        and mine["oxidation_products"] == theirs["oxidation_products"]
    )
    row = Row(
        f"`interfacestab window {LPSC}` from the shell, median of 5 / {n_pmg}",
        statistics.median(ours),
        statistics.median(pmg),
        ("under", 1.0),
        note=f"subprocess wall clock incl. interpreter start and imports, store warm; pymatgen: "
        f"naive_pymatgen_window.py (parse CSV, PhaseDiagram, stabilize, get_element_profile). "
        f"Ours {mine['reduction_limit_V']:.4f}-{mine['oxidation_limit_V']:.4f} V, pymatgen "
        f"{theirs['reduction_limit_V']:.4f}-{theirs['oxidation_limit_V']:.4f} V; limits (1 mV) and "
        f"products agree: {'yes' if agree else 'NO'}",
    )
    return [row], {
        "ours_times_s": ours,
        "pymatgen_times_s": pmg,
        "ours": {k: mine[k] for k in theirs},
        "pymatgen": theirs,
        "agree": agree,
    }


def _system_subset(targets: list[tuple[str, str]], size: int, rng: random.Random) -> list[tuple[str, str]]:
    """Whole chemical systems holding about ``size`` targets, picked through random targets.

    The batch shares one hull per system, so single random targets would overstate the time per
    target; picking the system of a random target (rather than a random system) keeps the mix of
    small and large systems that the targets themselves have.
    """
    from interfacestab.chem import chemsys, parse_formula

    systems: dict[str, list[tuple[str, str]]] = {}
    for formula, ion in targets:
        systems.setdefault(chemsys(set(parse_formula(formula)) | {ion}), []).append((formula, ion))
    keys = [chemsys(set(parse_formula(f)) | {ion}) for f, ion in targets]
    rng.shuffle(keys)
    chosen: dict[str, None] = {}
    count = 0
    for key in keys:
        if count >= size:
            break
        if key not in chosen:
            chosen[key] = None
            count += len(systems[key])
    return [t for key in chosen for t in systems[key]]


def _products(cell: str) -> list[str]:
    return cell.split(";") if cell else []


def all_compounds(store: Path, quick: bool, seed: int, n_sample: int) -> tuple[list[Row], dict[str, Any]]:
    """(b) windows of every Li, Na and K compound: batch on 2 workers vs pymatgen per compound."""
    from interfacestab.analyses.batch import all_compound_targets, window_batch
    from interfacestab.chem import parse_formula
    from interfacestab.store import open_store

    pmg_window = oracle().pmg_window
    rng = random.Random(seed)
    with open_store(store, create=False) as st:
        start = now()
        targets = all_compound_targets(IONS, store=st)
        targets_s = now() - start
    n_all = len(targets)
    run_targets = _system_subset(targets, 2000, rng) if quick else targets
    with tempfile.TemporaryDirectory(prefix="ifs-bench-batch-") as tmp:
        out = Path(tmp) / "windows.csv"
        start = now()
        result = window_batch(run_targets, out, store_path=store, workers=2)
        batch_s = now() - start
        with out.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    ours_by_target = dict(zip(run_targets, rows, strict=True))
    ours_total = targets_s + batch_s * (n_all / len(run_targets))

    # pymatgen on a random sample of the targets that ran, one core
    sample = rng.sample(run_targets, min(n_sample, len(run_targets)))
    pmg_times: list[float] = []
    mismatches: list[dict[str, Any]] = []
    pmg_errors: list[str] = []
    with open_store(store, create=False) as st:
        for formula, ion in sample:
            entries = st.entries(set(parse_formula(formula)) | {ion})
            start = now()
            try:
                ref = pmg_window(entries, formula, ion)
            except Exception as exc:
                pmg_errors.append(f"{formula} ({ion}): {type(exc).__name__}: {exc}")
                continue
            pmg_times.append(now() - start)
            mine = ours_by_target[(formula, ion)]
            if mine["error"]:
                mismatches.append({"formula": formula, "ion": ion, "ours_error": mine["error"]})
                continue
            red = float(mine["reduction_limit_V"])
            ox = float(mine["oxidation_limit_V"]) if mine["oxidation_limit_V"] else None
            problems = []
            if abs(red - ref["reduction_limit_V"]) > TOL_V:
                problems.append(f"reduction limit {red:.4f} vs {ref['reduction_limit_V']:.4f} V")
            if (ox is None) != (ref["oxidation_limit_V"] is None) or (
                ox is not None and abs(ox - ref["oxidation_limit_V"]) > TOL_V
            ):
                problems.append(f"oxidation limit {ox} vs {ref['oxidation_limit_V']} V")
            if _products(mine["reduction_products"]) != ref["reduction_products"]:
                problems.append(
                    f"reduction products {_products(mine['reduction_products'])} vs {ref['reduction_products']}"
                )
            if _products(mine["oxidation_products"]) != ref["oxidation_products"]:
                problems.append(
                    f"oxidation products {_products(mine['oxidation_products'])} vs {ref['oxidation_products']}"
                )
            if problems:
                mismatches.append({"formula": formula, "ion": ion, "problems": problems})
    per_compound = statistics.fmean(pmg_times)
    pmg_total = per_compound * n_all
    ours_note = (
        f"ours: {len(run_targets):,} targets (the whole chemical systems of random targets) in "
        f"{batch_s:.1f} s, scaled to {n_all:,}; "
        if quick
        else f"ours: all {n_all:,} targets run: {targets_s:.1f} s to list them + {batch_s:.1f} s "
        f"batch ({result.n_failed} failed); "
    )
    row = Row(
        f"--all-compounds Li, Na, K ({n_all:,} windows), 2 workers vs 1 core",
        ours_total,
        pmg_total,
        ("under", 120),
        extrapolated=True,
        ours_extrapolated=quick,
        note=ours_note + f"pymatgen: mean {per_compound * 1e3:.1f} ms/compound (median "
        f"{statistics.median(pmg_times) * 1e3:.1f} ms) on a random sample of {len(pmg_times)}, x {n_all:,} "
        f"(entries handed over from our store, no data loading, no imports); per core the ratio is about half. "
        f"Agreement on the sample (limits 1 mV, products exact): {len(mismatches)} mismatches"
        + (f", {len(pmg_errors)} pymatgen errors" if pmg_errors else ""),
    )
    details = {
        "n_targets": n_all,
        "n_run": len(run_targets),
        "targets_s": targets_s,
        "batch_s": batch_s,
        "batch_failed": result.n_failed,
        "pymatgen_sample": len(pmg_times),
        "pymatgen_mean_s": per_compound,
        "pymatgen_median_s": statistics.median(pmg_times),
        "pymatgen_max_s": max(pmg_times),
        "mismatches": mismatches,
        "pymatgen_errors": pmg_errors,
    }
    return [row], details


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    store = store_from_args(args)
    rows_a, details_a = shell_window(store, args.quick)
    rows_b, details_b = all_compounds(store, args.quick, args.seed, 60 if args.quick else 300)
    report(
        "bench_window",
        rows_a + rows_b,
        quick=args.quick,
        details={"shell": details_a, "all_compounds": details_b},
        write=not args.no_json,
        title="windows (ours vs pymatgen)",
    )
    mismatches = details_b["mismatches"]
    print(f"\nwindow mismatches vs pymatgen on the sample: {len(mismatches)}")
    for m in mismatches:
        print(f"  {m}")
    for e in details_b["pymatgen_errors"]:
        print(f"  pymatgen error: {e}")


if __name__ == "__main__":
    main()

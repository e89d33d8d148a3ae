"""Matrix benchmark: a 10 x 10 interface matrix in one run vs pymatgen's InterfacialReactivity per pair.

Ten electrolytes (sulfides, halides, oxides, phosphates) against ten electrodes (layered, spinel and
olivine cathodes, Li4Ti5O12, Li, Si, C), closed system.

- ours: ``interface_matrix`` (one process, and on two workers), including the input checks and
  loading every pair's entries from the store; median of repeated runs (a process keeps the entry sets, points
  and LP models it has read while the store is unchanged, so repeated runs read nothing), and the first call
  of the process on its own row.
- pymatgen: for each pair, ``PhaseDiagram`` of the pair's chemical system on the same entries and
  ``InterfacialReactivity(..., use_hull_energy=True).get_kinks()`` (the oracle of
  ``tests/helpers/oracle.py``); loading the entries is not counted on its side. The full run times
  every pair; ``--quick`` times a random sample and extrapolates to the 100 pairs.

Each timed pair's minimum is compared with ours (energy to 1 meV/atom, products exactly; a tie of
kinks at the minimum naming another kink's products is a tie-break, not a mismatch). Target: >= 20x.

Run: ``.venv/bin/python benchmarks/bench_matrix.py [--quick] [--store FILE]``
"""

from __future__ import annotations

import random
import statistics
from typing import Any

from common import Row, measure, now, oracle, parser, report, store_from_args

ELECTROLYTES = [
    *("Li6PS5Cl", "Li3PS4", "Li7P3S11", "Li10GeP2S12", "Li3InCl6"),
    *("Li3ScCl6", "Li3ErCl6", "Li7La3Zr2O12", "Li3PO4", "LiTi2(PO4)3"),
]
ELECTRODES = [
    *("LiCoO2", "LiNiO2", "LiMn2O4", "LiFePO4", "LiNi1/3Mn1/3Co1/3O2"),
    *("Li4Ti5O12", "Li", "Si", "C", "LiCoPO4"),
]
TOL_E = 1e-3  # eV/atom
TIE_E = 1e-6  # kinks this close to the minimum are tied


def pymatgen_pair(store: Any, electrolyte: str, electrode: str) -> tuple[float, dict[str, Any]]:
    """pymatgen's minimum for one pair and the time it took (entries loaded before the clock starts)."""
    from interfacestab.chem import parse_formula

    a, b = parse_formula(electrolyte), parse_formula(electrode)
    entries = store.entries(set(a) | set(b))
    start = now()
    kinks = oracle().pmg_interface(entries, a, b)
    elapsed = now() - start
    best = min(kinks, key=lambda k: k["energy"])
    ties = [k["products"] for k in kinks if abs(k["energy"] - best["energy"]) <= TIE_E]
    return elapsed, {**best, "ties": ties}


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    from interfacestab.analyses.matrix import interface_matrix
    from interfacestab.store import open_store

    path = store_from_args(args)
    start = now()
    interface_matrix(ELECTROLYTES, ELECTRODES, store_path=path, workers=1)
    cold_s = now() - start
    ours = measure(lambda: interface_matrix(ELECTROLYTES, ELECTRODES, store_path=path, workers=1),
                   repeat=1 if args.quick else 3)  # fmt: skip
    two = measure(lambda: interface_matrix(ELECTROLYTES, ELECTRODES, store_path=path, workers=2),
                  repeat=1 if args.quick else 3)  # fmt: skip
    result = ours.result
    pairs = [(e, x) for e in ELECTROLYTES for x in ELECTRODES]
    timed = sorted(random.Random(args.seed).sample(pairs, 15)) if args.quick else pairs
    times: dict[str, float] = {}
    problems: list[str] = []
    tie_breaks: list[str] = []
    with open_store(path, create=False) as store:
        for e, x in timed:
            seconds, ref = pymatgen_pair(store, e, x)
            times[f"{e}|{x}"] = seconds
            cell = result.cell(e, x)
            if cell.error or cell.reaction_energy_eV_per_atom is None:
                problems.append(f"{e} | {x}: ours failed: {cell.error}")
                continue
            if abs(cell.reaction_energy_eV_per_atom - ref["energy"]) > TOL_E:
                problems.append(f"{e} | {x}: {cell.reaction_energy_eV_per_atom:.4f} vs {ref['energy']:.4f} eV/atom")
            if list(cell.products) != ref["products"]:
                text = f"{e} | {x}: products {list(cell.products)} vs {ref['products']}"
                (tie_breaks if list(cell.products) in ref["ties"] else problems).append(text)
    pmg_total = sum(times.values()) * len(pairs) / len(timed)
    failed = [f"{c.electrolyte} | {c.electrode}: {c.error}" for c in result.cells if c.error]
    extrapolated = len(timed) < len(pairs)
    common_note = (
        f"pymatgen: PhaseDiagram + InterfacialReactivity per pair on the same entries, {len(timed)} pairs timed "
        f"(mean {statistics.fmean(times.values()):.2f} s, max {max(times.values()):.2f} s)"
        + (f", x {len(pairs)} / {len(timed)}" if extrapolated else "")
        + f"; mismatches of the minimum vs pymatgen: {len(problems)}, tie-breaks: {len(tie_breaks)}"
    )
    rows = [
        Row(
            f"10 x 10 matrix, closed: interface_matrix on 1 process vs pymatgen per pair ({len(pairs)} pairs)",
            ours.median,
            pmg_total,
            ("ratio", 20),
            note=f"ours: interface_matrix(workers=1) incl. input checks and loading, median of {len(ours.times)} "
            f"repeated calls in one process (the entry sets, points and LP models read by an earlier call are kept "
            f"while the store is unchanged; first call {cold_s:.2f} s); {common_note}",
            extrapolated=extrapolated,
        ),
        Row(
            "10 x 10 matrix, closed: first call in the process (nothing kept yet) vs pymatgen per pair",
            cold_s,
            pmg_total,
            note="ours: the first interface_matrix(workers=1) of the process, lazy imports included; pymatgen as above",
            extrapolated=extrapolated,
        ),
        Row(
            "10 x 10 matrix, closed: interface_matrix on 2 workers vs pymatgen per pair",
            two.median,
            pmg_total,
            note=f"ours: interface_matrix(workers=2), median of {len(two.times)}; pymatgen as above (one process)",
            extrapolated=extrapolated,
        ),
    ]
    report(
        "bench_matrix",
        rows,
        quick=args.quick,
        details={
            "ours_times_s": ours.times,
            "ours_first_call_s": cold_s,
            "ours_two_workers_s": two.times,
            "pymatgen_times_s": times,
            "failed_cells": failed,
            "mismatches": problems,
            "tie_breaks": tie_breaks,
        },
        write=not args.no_json,
        title="interface matrix (ours vs pymatgen per pair)",
    )
    print(f"\nmismatches vs pymatgen: {len(problems)}")
    for p in problems:
        print(f"  {p}")
    for p in tie_breaks:
        print(f"  tie-break (equal minimum energies, another tied kink named): {p}")
    if failed:
        print(f"cells that could not be computed: {failed}")


if __name__ == "__main__":
    main()

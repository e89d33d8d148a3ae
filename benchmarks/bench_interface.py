"""Interface benchmark: an 8-element closed interface, and a 0-5 V sweep of an open one.

(1) LiNi1/3Mn1/3Co1/3O2 | Li6PS5Cl closed (Li-Ni-Mn-Co-O-P-S-Cl, about 1,000 entries):
    ``interface_for`` including loading the entries from the store (median of warm calls) vs
    pymatgen ``PhaseDiagram`` + ``InterfacialReactivity`` on the same entries (as in
    ``tests/helpers/oracle.py``). Target: at least 10x. Every kink is compared (x to 1e-4, energy to
    1 meV/atom, products exactly).
(2) LiCoO2 | Li6PS5Cl open to Li from 0 to 5 V: ``interface_sweep_for`` with step 0.1 V (it
    locates every change of the products exactly between grid points) vs pymatgen
    ``GrandPotentialPhaseDiagram`` + ``GrandPotentialInterfacialReactivity`` at every voltage of a
    0.01 V grid (501 voltages; the closed PhaseDiagram built once). pymatgen is timed on a random
    subsample of the grid and extrapolated to 501 voltages; at those voltages our minimum is
    compared with pymatgen's (energy to 1 meV/atom, products exactly).

Run: ``.venv/bin/python benchmarks/bench_interface.py [--quick] [--store FILE]``
"""

from __future__ import annotations

import random
import statistics
import warnings
from typing import TYPE_CHECKING, Any

from common import LPSC, NMC111, Row, measure, now, oracle, parser, report, store_from_args

if TYPE_CHECKING:
    from pymatgen.analysis.phase_diagram import PhaseDiagram

    from interfacestab.store import Store

TOL_E = 1e-3  # eV/atom
TOL_X = 1e-4
TIE_E = 1e-6  # kinks this close to the minimum are tied: naming another of them is a tie-break, not a mismatch


def closed_nmc(store: Store, quick: bool) -> tuple[Row, dict[str, Any]]:
    from interfacestab.analyses.interface import interface_for
    from interfacestab.chem import parse_formula

    pmg_interface = oracle().pmg_interface
    start = now()
    cold = interface_for(NMC111, LPSC, store=store)
    cold_s = now() - start
    ours = measure(lambda: interface_for(NMC111, LPSC, store=store), repeat=5 if quick else 20)
    a, b = parse_formula(NMC111), parse_formula(LPSC)
    entries = store.entries(set(a) | set(b))
    theirs = measure(lambda: pmg_interface(entries, a, b), repeat=1 if quick else 3)
    mine, ref = ours.result.kinks, theirs.result
    problems = []
    if len(mine) != len(ref):
        problems.append(f"{len(mine)} kinks vs {len(ref)}")
    for k, r in zip(mine, ref, strict=False):
        if (
            abs(k.x_atomic_a - r["x"]) > TOL_X
            or abs(k.reaction_energy_eV_per_normalising_atom - r["energy"]) > TOL_E
            or list(k.products) != r["products"]
        ):
            problems.append(
                f"x={k.x_atomic_a:.4f} E={k.reaction_energy_eV_per_normalising_atom:.4f} {list(k.products)} vs "
                f"x={r['x']:.4f} E={r['energy']:.4f} {r['products']}"
            )
    m = ours.result.minimum
    row = Row(
        f"{NMC111} | {LPSC} closed, 8 elements ({len(entries.entries)} entries)",
        ours.median,
        theirs.median,
        ("ratio", 10),
        note=f"ours: interface_for incl. loading from the store, median of {len(ours.times)} warm calls (first "
        f"call {cold_s:.3f} s); pymatgen: PhaseDiagram + InterfacialReactivity.get_kinks on the same entries, "
        f"median of {len(theirs.times)}. Minimum {m.reaction_energy_eV_per_normalising_atom:.4f} eV/atom at x = "
        f"{m.x_atomic_a:.4f}; {len(mine)} kinks, mismatches vs pymatgen: {len(problems)}",
    )
    del cold
    return row, {
        "ours_times_s": ours.times,
        "ours_first_call_s": cold_s,
        "pymatgen_times_s": theirs.times,
        "n_kinks": len(mine),
        "mismatches": problems,
    }


def _pmg_open_minimum(pd: PhaseDiagram, pmg_entries: list, a: str, b: str, ion: str, voltage: float) -> dict[str, Any]:
    """pymatgen's open interface at one voltage (the oracle's route, reusing the closed diagram)."""
    from pymatgen.analysis.interface_reactions import GrandPotentialInterfacialReactivity
    from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram
    from pymatgen.core import Composition, Element

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpd = GrandPotentialPhaseDiagram(pmg_entries, {Element(ion): -voltage})
        ir = GrandPotentialInterfacialReactivity(
            Composition(a), Composition(b), gpd, pd, include_no_mixing_energy=True, norm=True, use_hull_energy=True
        )
        kinks = ir.get_kinks()
    products = [sorted({p.reduced_formula for p in k[3].products if p.reduced_formula != ion}) for k in kinks]
    best = min(range(len(kinks)), key=lambda i: kinks[i][2])
    ties = [products[i] for i in range(len(kinks)) if abs(kinks[i][2] - kinks[best][2]) <= TIE_E]
    return {"x": float(kinks[best][1]), "energy": float(kinks[best][2]), "products": products[best], "ties": ties}


def open_sweep(store: Store, quick: bool, seed: int) -> tuple[list[Row], dict[str, Any]]:
    from interfacestab.analyses.interface import interface_for
    from interfacestab.analyses.sweep import interface_sweep_for

    a, b, ion = "LiCoO2", LPSC, "Li"
    start = now()
    interface_sweep_for(a, b, "0:5:0.1", ion=ion, store=store)
    cold_s = now() - start
    ours = measure(lambda: interface_sweep_for(a, b, "0:5:0.1", ion=ion, store=store), repeat=1 if quick else 3)
    fine = measure(lambda: interface_sweep_for(a, b, "0:5:0.01", ion=ion, store=store))
    sweep = ours.result

    orc = oracle()
    entries = store.entries(["Li", "Co", "O", "P", "S", "Cl"])
    start = now()
    pentries = orc.pmg_entries(entries)
    pd = orc.pmg_phase_diagram(entries)
    setup_s = now() - start
    grid = [i / 100 for i in range(501)]
    voltages = sorted(random.Random(seed).sample(grid, 8 if quick else 25))
    times, problems, ties, compared = [], [], [], []
    for v in voltages:
        start = now()
        ref = _pmg_open_minimum(pd, pentries, a, b, ion, v)
        times.append(now() - start)
        mine = interface_for(a, b, ion=ion, voltage_V=v, store=store).minimum
        mine_energy = mine.reaction_energy_eV_per_normalising_atom  # open: grand potential per non-ion atom
        compared.append(
            {
                "voltage_V": v,
                "ours_eV_per_nonion_atom": mine_energy,
                "pymatgen_eV_per_nonion_atom": ref["energy"],
                "ours_products": list(mine.products),
                "pymatgen_products": ref["products"],
            }
        )
        if abs(mine_energy - ref["energy"]) > TOL_E:
            problems.append(f"{v:.2f} V: minimum {mine_energy:.4f} vs {ref['energy']:.4f} eV per non-{ion} atom")
        if list(mine.products) != ref["products"]:
            text = f"{v:.2f} V: products {list(mine.products)} vs {ref['products']}"
            if list(mine.products) in ref["ties"]:
                ties.append(f"{text} (tied kinks in pymatgen: {ref['ties']})")
            else:
                problems.append(text)
    per_v = statistics.fmean(times)
    pmg_total = setup_s + per_v * len(grid)
    max_diff = max(abs(c["ours_eV_per_nonion_atom"] - c["pymatgen_eV_per_nonion_atom"]) for c in compared)
    rows = [
        Row(
            f"sweep {a} | {b} open to Li, 0-5 V: ours step 0.1 V vs pymatgen 0.01 V grid (501 V)",
            ours.median,
            pmg_total,
            extrapolated=True,
            note=f"ours: interface_sweep_for('0:5:0.1') incl. loading, median of {len(ours.times)} (first call "
            f"{cold_s:.2f} s): {sweep.n_evaluations} evaluations, {len(sweep.transitions)} product changes located "
            f"exactly; pymatgen: PhaseDiagram once ({setup_s:.2f} s) + GrandPotentialPhaseDiagram + "
            f"GrandPotentialInterfacialReactivity at {len(voltages)} random voltages of the 0.01 V grid, mean "
            f"{per_v:.3f} s each, x 501. Our minimum at those voltages vs pymatgen: max |dE| = {max_diff:.1e} "
            f"eV per non-{ion} atom, mismatches (1 meV per non-{ion} atom, products exact): {len(problems)}, "
            f"tie-breaks: {len(ties)}",
        ),
        Row(
            f"sweep {a} | {b}: ours also on the 0.01 V grid (501 V)",
            fine.median,
            pmg_total,
            extrapolated=True,
            note=f"same grid on both sides: interface_sweep_for('0:5:0.01'), {fine.result.n_evaluations} evaluations",
        ),
    ]
    details = {
        "ours_times_s": ours.times,
        "ours_first_call_s": cold_s,
        "ours_fine_s": fine.times,
        "n_evaluations": sweep.n_evaluations,
        "transitions": [t.to_dict() for t in sweep.transitions],
        "pymatgen_setup_s": setup_s,
        "pymatgen_times_s": dict(zip(map(str, voltages), times, strict=True)),
        "compared": compared,
        "mismatches": problems,
        "tie_breaks": ties,
    }
    return rows, details


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    from interfacestab.store import open_store

    path = store_from_args(args)
    with open_store(path, create=False) as store:
        row1, d1 = closed_nmc(store, args.quick)
        rows2, d2 = open_sweep(store, args.quick, args.seed)
    report(
        "bench_interface",
        [row1, *rows2],
        quick=args.quick,
        details={"closed_nmc": d1, "sweep": d2},
        write=not args.no_json,
        title="interfaces (ours vs pymatgen)",
    )
    for label, d in (("closed NMC111 | Li6PS5Cl", d1), ("sweep LiCoO2 | Li6PS5Cl", d2)):
        print(f"\n{label}: mismatches vs pymatgen: {len(d['mismatches'])}")
        for p in d["mismatches"]:
            print(f"  {p}")
        for p in d.get("tie_breaks", []):
            print(f"  tie-break (equal minimum energies, another tied kink named): {p}")


if __name__ == "__main__":
    main()

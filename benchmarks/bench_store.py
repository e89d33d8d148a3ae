"""Store benchmark: importing the snapshot, and loading a 4-element system (Li-P-S-Cl).

- Import: the whole offline snapshot (85,014 entries, plus the MP2020 sets beside it) into a
  fresh store, as ``interfacestab setup`` does. No pymatgen equivalent (a user script re-parses
  the CSV every run instead, which is the next row).
- Load Li-P-S-Cl: ``Store.entries`` (median of many warm repetitions) vs the naive pymatgen
  route: parse the 85,014-row CSV with pymatgen ``Composition`` and keep the system (median of
  a few). Target: at least 100x. Both must return the same formulas and energies.

Run: ``.venv/bin/python benchmarks/bench_store.py [--quick]``
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import Row, make_store, measure, naive_pymatgen_load, parser, report

SYSTEM = ("Li", "P", "S", "Cl")


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    from interfacestab.store import open_store

    n_ours, n_naive = (200, 1) if args.quick else (1000, 3)
    with tempfile.TemporaryDirectory(prefix="ifs-bench-store-") as tmp:
        path, import_s = make_store(Path(tmp))
        with open_store(path, create=False) as store:
            n_entries = store.count(store.source().name)
            ours = measure(lambda: store.entries(SYSTEM), repeat=n_ours, warmup=5)
        import pymatgen.core  # noqa: F401  (import cost kept out of the parse timing)

        naive = measure(lambda: naive_pymatgen_load(SYSTEM), repeat=n_naive)

    mine = {(e.formula, round(e.e_form_eV_per_atom, 12)) for e in ours.result.entries}
    theirs = {(f, round(e, 12)) for f, _, e, _ in naive.result}
    same = mine == theirs
    rows = [
        Row(
            f"import snapshot into a fresh store ({n_entries:,} entries + MP2020 sets)",
            import_s,
            None,
            note="one-off (`interfacestab setup`); pymatgen has no store, a user script re-parses the CSV each run",
        ),
        Row(
            f"load Li-P-S-Cl ({len(ours.result.entries)} entries), median of {n_ours} warm / {n_naive}",
            ours.median,
            naive.median,
            ("ratio", 100),
            note=f"pymatgen: parse the {n_entries:,}-row CSV with Composition and filter (pymatgen.core import "
            f"excluded); same formulas and energies: {'yes' if same else 'NO'}",
        ),
    ]
    details = {
        "import_s": import_s,
        "load_ours_times_s": ours.times[:50],
        "load_ours_best_s": ours.best,
        "load_naive_times_s": naive.times,
        "n_entries_system": len(ours.result.entries),
        "n_entries_naive": len(naive.result),
        "same_entries": same,
    }
    report(
        "bench_store",
        rows,
        quick=args.quick,
        details=details,
        write=not args.no_json,
        title="store: import and load (ours vs a naive pymatgen script)",
    )
    if not same:
        print(f"MISMATCH: store {sorted(mine ^ theirs)[:10]}")


if __name__ == "__main__":
    main()

"""Large-system window benchmark: 8 to 13 elements, our LP route vs our hull route vs pymatgen.

Targets: the largest snapshot compounds (8 elements with Li, 9 with Na) and virtual dopings of
the 9-element Na compound up to 13 elements (Zr, Nb, Al, Mg at 0.1 per formula unit).

- ours: ``window_for`` as ``interfacestab window`` runs it (store warm, loading included), median
  of 5; from ``LP_ROUTE_MIN_ELEMENTS`` elements up it takes the LP route. Target: under 5 s at 12
  elements.
- our hull route on the same entries (``route="hull"``, one run; at 10+ elements only without
  ``--quick``, stopped after ``--hull-timeout`` s and then reported as a lower bound).
- pymatgen (the oracle's ``PhaseDiagram`` + stabilized target + ``get_element_profile``, entries
  handed over, one run) at 8 and 9 elements (about 20-25 s each here). At 10+ elements a full
  convex hull in that many dimensions is out of reach for pymatgen (qhull, the same obstacle as
  our hull route, which takes about 45 s at 10 elements and gave no answer within 300 s at 12);
  it is not run and the row says so.

Limits and products of every route that ran are compared with ours (1 mV, exact products).

Run: ``.venv/bin/python benchmarks/bench_window_large.py [--quick] [--store FILE] [--hull-timeout S]``
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
from typing import TYPE_CHECKING, Any

from common import Row, now, oracle, parser, report, store_from_args

if TYPE_CHECKING:
    from pathlib import Path

TOL_V = 1e-3
TARGETS: tuple[tuple[int, str, str], ...] = (
    (8, "KNa2LiTi2MnFe(SiO3)8", "Li"),
    (9, "Ba2NaTi2MnRe2Si8HO26F", "Na"),
    (10, "Ba2NaTi2MnRe2Si8HO26FZr0.1", "Na"),
    (12, "Ba2NaTi2MnRe2Si8HO26FZr0.1Nb0.1Al0.1", "Na"),
    (13, "Ba2NaTi2MnRe2Si8HO26FZr0.1Nb0.1Al0.1Mg0.1", "Na"),
)


def _summary(w: Any) -> dict[str, Any]:
    return {
        "reduction_limit_V": w.reduction_limit_V,
        "oxidation_limit_V": w.oxidation_limit_V,
        "reduction_products": list(w.reduction_products),
        "oxidation_products": list(w.oxidation_products),
    }


def _agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (
        abs(a["reduction_limit_V"] - b["reduction_limit_V"]) <= TOL_V
        and (a["oxidation_limit_V"] is None) == (b["oxidation_limit_V"] is None)
        and (a["oxidation_limit_V"] is None or abs(a["oxidation_limit_V"] - b["oxidation_limit_V"]) <= TOL_V)
        and a["reduction_products"] == b["reduction_products"]
        and a["oxidation_products"] == b["oxidation_products"]
    )


def _hull_worker(store: str, formula: str, ion: str, queue: Any) -> None:
    from interfacestab.analyses.targets import load_system
    from interfacestab.analyses.window import stability_window
    from interfacestab.chem import parse_formula
    from interfacestab.store import open_store

    with open_store(store, create=False) as st:
        entries = load_system(set(parse_formula(formula)) | {ion}, store=st)
    start = now()
    w = stability_window(entries, formula, ion=ion, route="hull")
    queue.put((now() - start, _summary(w)))


def _hull_route(store: Path, formula: str, ion: str, timeout_s: float | None) -> tuple[float, dict[str, Any] | None]:
    """Our hull route in a worker process, stopped after ``timeout_s`` (then (timeout, None)); None: no limit."""
    queue: Any = mp.get_context("spawn").Queue()
    proc = mp.get_context("spawn").Process(target=_hull_worker, args=(str(store), formula, ion, queue))
    proc.start()
    proc.join(timeout_s)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return float(timeout_s or 0.0), None
    return queue.get()


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--hull-timeout", type=float, default=120.0, help="stop our hull route after this many s")
    args = p.parse_args()
    store = store_from_args(args)

    from interfacestab.analyses.targets import load_system
    from interfacestab.analyses.window import window_for
    from interfacestab.chem import parse_formula
    from interfacestab.engine.ray import LP_ROUTE_MIN_ELEMENTS
    from interfacestab.store import open_store

    pmg_window = oracle().pmg_window
    rows: list[Row] = []
    details: dict[str, Any] = {"lp_route_min_elements": LP_ROUTE_MIN_ELEMENTS, "targets": []}
    with open_store(store, create=False) as st:
        for n_el, formula, ion in TARGETS:
            window_for(formula, ion=ion, store=st)  # warm
            times, result = [], None
            for _ in range(5):
                start = now()
                result = window_for(formula, ion=ion, store=st)
                times.append(now() - start)
            ours_s = statistics.median(times)
            assert result is not None  # the loop ran
            mine = _summary(result)
            n_entries = result.provenance.n_entries_in_chemsys
            record: dict[str, Any] = {"elements": n_el, "formula": formula, "ion": ion, "ours_s": times, "ours": mine}

            hull_s: float | None = None
            hull_note = "our hull route: not run (--quick)"
            if n_el <= 9 or not args.quick:
                hull_s, hull = _hull_route(store, formula, ion, args.hull_timeout if n_el > 9 else None)
                record["hull_route_s"] = hull_s
                if hull is None:
                    hull_note = f"our hull route: no answer within {hull_s:.0f} s (stopped)"
                else:
                    record["hull_route"] = hull
                    hull_note = (
                        f"our hull route {hull_s:.2f} s, same limits/products: {'yes' if _agree(mine, hull) else 'NO'}"
                    )

            pmg_s: float | None = None
            if n_el <= 9:
                entries = load_system(set(parse_formula(formula)) | {ion}, store=st)
                start = now()
                ref = pmg_window(entries, formula, ion)
                pmg_s = now() - start
                record["pymatgen_s"] = pmg_s
                record["pymatgen"] = {k: ref[k] for k in mine}
                pmg_note = f"pymatgen agrees (1 mV, products): {'yes' if _agree(mine, ref) else 'NO'}"
            else:
                pmg_note = (
                    f"pymatgen not run: a full {n_el}-element PhaseDiagram (qhull in {n_el - 1} dimensions) is "
                    "out of reach; at 9 elements it already takes tens of seconds, see above"
                )
            details["targets"].append(record)
            rows.append(
                Row(
                    f"window {formula} vs {ion} ({n_el} elements, {n_entries} entries)",
                    ours_s,
                    pmg_s,
                    ("under", 5.0) if n_el >= 12 else None,
                    note=f"ours: window_for incl. loading, median of 5, "
                    f"{'LP' if n_el >= LP_ROUTE_MIN_ELEMENTS else 'hull'} route; {hull_note}; {pmg_note}",
                )
            )
    report(
        "bench_window_large",
        rows,
        quick=args.quick,
        details=details,
        write=not args.no_json,
        title="large-system windows (ours vs pymatgen)",
    )


if __name__ == "__main__":
    main()

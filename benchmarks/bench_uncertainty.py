"""Uncertainty benchmark: intervals from sampled energy errors (``--sigma``) against brute-force resampling.

(a) ``window Li6PS5Cl`` with 1,000 samples vs the plain window (library calls, store warm, median of 3;
    target: at most 1 s more than the plain window). Brute force: pymatgen's window (PhaseDiagram +
    stabilized target + get_element_profile, as ``tests/helpers/oracle.py`` calls it) on each sample's
    perturbed entries, timed on a few samples and scaled to 1,000.
(b) Every Li, Na and K window (about 19,600) with 200 samples: measured on a random sample of
    targets in one process and scaled to the full count on 2 cores (perfect scaling assumed: the work
    is independent per target; target under 10 minutes). Brute force: pymatgen per sample on a few
    targets, scaled the same way.
(c) The ``--auto`` coating screen of Li candidates against Li6PS5Cl | LiNi1/3Mn1/3Co1/3O2 with 200
    samples: a random sample of candidates screened in one process, scaled to all candidates on 2
    cores (target under 10 minutes). Brute force: pymatgen's window and three interface minima per
    sample on one candidate, scaled.

Every scaled number is marked as extrapolated. sigma = 0.02 eV/atom throughout.

Run: ``.venv/bin/python benchmarks/bench_uncertainty.py [--quick] [--store FILE]``
(``--quick``: fewer targets and samples in the brute-force timings.)
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import replace
from typing import Any

from common import LPSC, NMC111, Row, now, oracle, parser, report, store_from_args

SIGMA = 0.02
CORES = 2


def _perturbed(entries: Any, errors: Any, s: int) -> Any:
    from interfacestab.entries import EntrySet

    return EntrySet(
        entries.elements,
        tuple(
            replace(e, e_form_eV_per_atom=e.e_form_eV_per_atom + errors[s, j]) for j, e in enumerate(entries.entries)
        ),
        entries.source,
    )


def _pmg_window_seconds(entries: Any, formula: str, ion: str, n: int) -> float:
    """Seconds per sample of pymatgen's window on perturbed entries (median over n samples)."""
    from interfacestab.analyses.uncertainty import UncertaintySettings, entry_errors

    orc = oracle()
    errors = entry_errors(entries.entries, UncertaintySettings(SIGMA, n, 1))
    times = []
    for s in range(n):
        perturbed = _perturbed(entries, errors, s)
        start = now()
        orc.pmg_window(perturbed, formula, ion)
        times.append(now() - start)
    return statistics.median(times)


def single_window(store_path: str, quick: bool) -> list[Row]:
    """(a) Li6PS5Cl with 1,000 samples vs the plain window."""
    from interfacestab.analyses.targets import load_system
    from interfacestab.analyses.uncertainty import UncertaintySettings, add_window_uncertainty
    from interfacestab.analyses.window import window_for
    from interfacestab.store import open_store

    settings = UncertaintySettings(SIGMA, 1000, 1)
    with open_store(store_path, create=False) as store:
        window_for(LPSC, store=store)  # warm: imports, HiGHS, numpy
        plain, sampled = [], []
        for _ in range(3):
            start = now()
            window_for(LPSC, store=store)
            plain.append(now() - start)
            start = now()
            u = add_window_uncertainty(window_for(LPSC, store=store), settings, store=store).uncertainty
            sampled.append(now() - start)
        entries = load_system(["Cl", "Li", "P", "S"], store=store)
    assert u is not None
    pmg = _pmg_window_seconds(entries, LPSC, "Li", 3 if quick else 10) * 1000
    extra = statistics.median(sampled) - statistics.median(plain)
    return [
        Row("Li6PS5Cl window, plain", statistics.median(plain), None),
        Row(
            f"Li6PS5Cl window + 1,000 samples ({u.method}, {u.phases_sampled} phases)",
            statistics.median(sampled),
            pmg,
            ("under", statistics.median(plain) + 1.0),
            note=f"target: within 1 s of the plain window (extra {extra:.3f} s); pymatgen: its window per sample "
            "on the perturbed entries, scaled to 1,000 samples",
            extrapolated=True,
        ),
    ]


def all_windows(store_path: str, quick: bool, seed: int) -> list[Row]:
    """(b) every Li/Na/K window with 200 samples, from a random sample of targets."""
    from interfacestab.analyses.batch import all_compound_targets
    from interfacestab.analyses.uncertainty import UncertaintySettings, add_window_uncertainty
    from interfacestab.analyses.window import window_for
    from interfacestab.errors import InterfaceStabError
    from interfacestab.store import open_store

    settings = UncertaintySettings(SIGMA, 200, 1)
    with open_store(store_path, create=False) as store:
        targets = all_compound_targets(["Li", "Na", "K"], store=store)
        pick = random.Random(seed).sample(targets, 60 if quick else 300)
        methods: dict[str, int] = {}
        plain_s = sampled_s = 0.0
        cpu_start = time.process_time()
        for formula, ion in pick:
            start = now()
            try:
                w = window_for(formula, ion=ion, store=store)
            except InterfaceStabError:
                continue
            plain_s += now() - start
            start = now()
            u = add_window_uncertainty(w, settings, store=store).uncertainty
            sampled_s += now() - start
            assert u is not None
            methods[u.method] = methods.get(u.method, 0) + 1
        cpu_s = time.process_time() - cpu_start
        pmg_pick = pick[: 2 if quick else 5]
        pmg_s = []
        for formula, ion in pmg_pick:
            from interfacestab.chem import parse_formula

            entries = store.entries(set(parse_formula(formula)) | {ion})
            pmg_s.append(_pmg_window_seconds(entries, formula, ion, 2))
    scale = len(targets) / len(pick) / CORES
    ours = (plain_s + sampled_s) * scale
    return [
        Row(
            f"all {len(targets):,} Li/Na/K windows with 200 samples",
            ours,
            statistics.mean(pmg_s) * 200 * len(targets) / CORES,
            ("under", 600),
            note=f"measured on {len(pick)} random targets in one process ({plain_s:.1f} s plain + {sampled_s:.1f} s "
            f"sampling, wall clock; {cpu_s:.1f} s CPU, i.e. {cpu_s * scale:.0f} s scaled, on a shared machine; "
            f"routes {methods}), scaled to {len(targets):,} targets on {CORES} cores; pymatgen: its window "
            f"per sample on {len(pmg_pick)} of these targets, scaled to 200 samples x all targets on {CORES} cores",
            extrapolated=True,
            ours_extrapolated=True,
        )
    ]


def auto_screen(store_path: str, quick: bool, seed: int) -> list[Row]:
    """(c) the --auto screen of Li candidates with 200 samples, from a random sample of candidates."""
    from interfacestab.analyses.coatings import auto_candidates, screen_coatings
    from interfacestab.analyses.uncertainty import UncertaintySettings
    from interfacestab.store import open_store

    with open_store(store_path, create=False) as store:
        start = now()
        candidates = auto_candidates(store, ion="Li")
        auto_s = now() - start
    pick = random.Random(seed).sample(candidates, min(len(candidates), 6 if quick else 24))
    start = now()
    screen = screen_coatings(pick, LPSC, NMC111, ion="Li", store_path=store_path, workers=1,
                             uncertainty=UncertaintySettings(SIGMA, 200, 1), rank_by="probability")  # fmt: skip
    screen_s = now() - start
    start = now()
    screen_coatings(pick, LPSC, NMC111, ion="Li", store_path=store_path, workers=1)
    plain_s = now() - start  # the same candidates without sampling: what --sigma adds is the difference
    errors = sum(1 for r in screen.results if r.error)
    ours = auto_s + screen_s * len(candidates) / len(pick) / CORES
    # brute force: pymatgen window + three interface minima per sample, on one candidate
    pmg = _pmg_candidate_seconds(store_path, pick[0], 1 if quick else 2) * 200 * len(candidates) / CORES
    return [
        Row(
            f"--auto screen, {len(candidates):,} Li candidates, 200 samples",
            ours,
            pmg,
            ("under", 600),
            note=f"{auto_s:.1f} s candidate selection + {len(pick)} random candidates screened with sampling in one "
            f"process in {screen_s:.1f} s ({errors} failed; {plain_s:.1f} s without sampling), scaled to "
            f"{len(candidates):,} on {CORES} cores; pymatgen: "
            f"window and three interface minima per sample on {pick[0]}, scaled to 200 samples x all candidates",
            extrapolated=True,
            ours_extrapolated=True,
        )
    ]


def _pmg_candidate_seconds(store_path: str, formula: str, n: int) -> float:
    import warnings

    from pymatgen.analysis.interface_reactions import InterfacialReactivity
    from pymatgen.core import Composition

    from interfacestab.analyses.interface import remove_ion
    from interfacestab.analyses.uncertainty import UncertaintySettings, entry_errors
    from interfacestab.chem import parse_formula
    from interfacestab.store import open_store

    orc = oracle()
    comp = parse_formula(formula)
    charged = remove_ion(parse_formula(NMC111), "Li", 1.0)
    with open_store(store_path, create=False) as store:
        sets = [store.entries(set(comp) | {"Li"})] + [
            store.entries(set(comp) | set(p)) for p in (parse_formula(LPSC), parse_formula(NMC111))
        ]
    times = []
    for s in range(n):
        start = now()
        for k, entries in enumerate(sets):
            errors = entry_errors(entries.entries, UncertaintySettings(SIGMA, n, 1))
            perturbed = _perturbed(entries, errors, s)
            if k == 0:
                orc.pmg_window(perturbed, formula, "Li")
                continue
            pd = orc.pmg_phase_diagram(perturbed)
            partners = [parse_formula(LPSC)] if k == 1 else [parse_formula(NMC111), charged]
            for partner in partners:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    InterfacialReactivity(Composition(comp), Composition(partner), pd, norm=True,
                                          use_hull_energy=True).get_kinks()  # fmt: skip
        times.append(now() - start)
    return statistics.median(times)


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    path = str(store_from_args(args))
    rows = single_window(path, args.quick)
    rows += all_windows(path, args.quick, args.seed)
    rows += auto_screen(path, args.quick, args.seed)
    report("bench_uncertainty", rows, quick=args.quick, write=not args.no_json)


if __name__ == "__main__":
    main()

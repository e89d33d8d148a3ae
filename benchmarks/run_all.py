"""Run every benchmark (each in its own process) and print one summary table.

The snapshot is imported once into a temporary store shared by the window, interface and
screen benchmarks (the store benchmark times its own fresh import). Each benchmark writes
``benchmarks/results/<name>[-quick].json``; the summary goes to ``results/run_all[-quick].json``.

Run: ``.venv/bin/python benchmarks/run_all.py [--quick]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from common import BENCH_DIR, RESULTS_DIR, environment, make_store, now, table

BENCHMARKS = (
    "bench_store", "bench_window", "bench_window_large", "bench_interface", "bench_screen", "bench_uncertainty",
    "bench_matrix",
)  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="pass --quick to every benchmark")
    p.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these benchmarks")
    args = p.parse_args()
    started = now()
    store, import_s = make_store()
    print(f"imported the offline snapshot into a shared temporary store in {import_s:.1f} s", flush=True)
    rows, failed, durations = [], [], {}
    for name in args.only or BENCHMARKS:
        cmd = [sys.executable, str(BENCH_DIR / f"{name}.py")]
        if args.quick:
            cmd.append("--quick")
        if name != "bench_store":
            cmd += ["--store", str(store)]
        print(f"\n=== {name} {'(quick)' if args.quick else ''} ===", flush=True)
        t0, wall0 = now(), time.time()
        proc = subprocess.run(cmd, check=False)
        durations[name] = now() - t0
        result = RESULTS_DIR / f"{name}{'-quick' if args.quick else ''}.json"
        if proc.returncode != 0 or not result.is_file() or result.stat().st_mtime < wall0 - 1:
            failed.append(name)
            continue
        for row in json.loads(result.read_text(encoding="utf-8"))["rows"]:
            rows.append({**row, "what": f"{name.removeprefix('bench_')}: {row['what']}"})
    total = now() - started
    print("\n" + "=" * 100)
    print(table(rows, f"summary ({'quick' if args.quick else 'full'} run, {total / 60:.1f} min in all)"))
    print("run times: " + ", ".join(f"{k} {v:.0f} s" for k, v in durations.items()))
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"run_all{'-quick' if args.quick else ''}.json"
    out.write_text(
        json.dumps(
            {
                "quick": args.quick,
                "environment": environment(),
                "total_s": total,
                "durations_s": durations,
                "failed": failed,
                "rows": rows,
            },
            indent=1,
            default=str,
        ),
        encoding="utf-8",
    )
    print(f"summary written to {out.relative_to(BENCH_DIR.parent)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

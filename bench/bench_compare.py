#!/usr/bin/env python3
"""Benchmark of `brief compare --issue ID --no-refresh` on a collection whose index is already built, against the
process floor (`brief list --no-refresh --limit 1`: Python, brief's imports, opening the index) in the same run.

    python bench/bench_compare.py FOLDER [--issue mali-wagner-partnership] [--rounds 7] [--formats table,json,csv]
                                         [--baseline OTHER_BRIEF] [--cache DIR]

Whole processes, run from FOLDER, interleaved round by round (floor, then each command), each round in the same
order: every command sees the same load. Wall time and CPU time (user + system, from wait4) of each run; medians,
minima, and each median as a ratio to the floor's. `--baseline` adds the same commands run by another `brief`
executable (an older checkout, say) to the same rounds. Nothing is written to the index: every command uses
`--no-refresh`, and the command stops if the index is missing. The output of each command is counted (lines,
bytes) and thrown away. PYTHONDONTWRITEBYTECODE is dropped from the environment, as an installed `brief` has its
bytecode: otherwise every run would compile brief's modules first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

FORMATS = {"table": [], "json": ["--format", "json"], "csv": ["--format", "csv"]}


def run_once(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int, int]:
    """(wall s, CPU s of the process, lines, bytes) of one run; exits on failure."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = os.times()  # the children's totals grow by the run just reaped
    if proc.returncode != 0:
        problem = proc.stderr.decode(errors="replace")
        sys.exit(f"bench_compare.py: `{' '.join(argv)}` exited {proc.returncode}: {problem}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, proc.stdout.count(b"\n"), len(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="the collection, its index already built")
    parser.add_argument("--issue", default="mali-wagner-partnership")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--formats", default="table,json,csv", help="comma-separated: table, json, csv")
    parser.add_argument("--baseline", help="another brief executable, timed in the same rounds")
    parser.add_argument("--cache", help="BRIEF_CACHE_DIR for the runs (where the index is)")
    args = parser.parse_args()

    brief = str(Path(sys.executable).with_name("brief"))
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    if args.cache:
        env["BRIEF_CACHE_DIR"] = args.cache
    where = subprocess.run([brief, "index", "--where"], cwd=args.folder, env=env, capture_output=True, text=True)
    if where.returncode != 0 or not Path(where.stdout.strip()).exists():
        sys.exit(f"bench_compare.py: no index for {args.folder} (build it with `brief index` first)")
    commands = {"floor: brief list --no-refresh --limit 1": [brief, "list", "--no-refresh", "--limit", "1"]}
    executables = [("", brief)] + ([("baseline ", args.baseline)] if args.baseline else [])
    for name in args.formats.split(","):
        for label, exe in executables:
            commands[f"{label}brief compare --issue {args.issue} --no-refresh {' '.join(FORMATS[name])}".strip()] = [
                exe, "compare", "--issue", args.issue, "--no-refresh", *FORMATS[name],
            ]  # fmt: skip
    for argv in commands.values():  # warm-up: the page cache, and bytecode written
        run_once(argv, args.folder, env)
    results: dict[str, list[tuple[float, float, int, int]]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, argv in commands.items():
            results[name].append(run_once(argv, args.folder, env))
    floor_wall = statistics.median(r[0] for r in next(iter(results.values())))
    floor_cpu = statistics.median(r[1] for r in next(iter(results.values())))
    load = os.getloadavg()[0]
    print(f"{args.folder}: {args.rounds} interleaved rounds, load average {load:.1f} on {os.cpu_count()} cores\n")
    print("| command | wall, median (min) | CPU, median (min) | × floor (wall / CPU) | output |")
    print("|---|--:|--:|--:|--:|")
    for name, runs in results.items():
        walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        print(f"| `{name}` | {wall:.3f} s ({min(walls):.3f}) | {cpu:.3f} s ({min(cpus):.3f}) | "
              f"{wall / floor_wall:.1f} / {cpu / floor_cpu:.1f} | {runs[0][2]:,} lines, {runs[0][3] / 1e6:.2f} MB |")


if __name__ == "__main__":
    main()

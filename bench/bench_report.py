#!/usr/bin/env python3
"""Benchmark of `brief report`: the time to write the HTML report of a corpus, and its size, against `brief export`
of the same briefs to JSON (the same selection and reading: what a report adds is its analysis and its page).

    python bench/bench_report.py [--sizes 1000] [--repeat 5] [--seed 1] [--settle 120]

It shares bench/run.py's corpora (bench/corpus/n<size>-s<seed>-yaml+json+md/, the `rich` corpus by default),
private index cache, measurement and report (bench/results/report-<size>.md and .json). Rows:

- `brief report CORPUS -o FILE.html` (the file is deleted, untimed, before every run);
- `brief export CORPUS --format json -o FILE.json`, the reference;
- `brief report CORPUS --format json -o FILE.json`: the same content without the page and the graph drawing.

Targets (issue 13): a report of 1,000 briefs builds in under 5 s and stays under 10 MB. Checks (untimed): the
page holds every brief, its graph was drawn by Graphviz, and it has no script.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import run  # noqa: E402  (bench/run.py: corpora, measurement, reports)

DEFAULT_SIZES = [1000]
TIME_LIMIT = 5.0  # seconds
SIZE_LIMIT = 10 * run.MB


def bench_report(ctx: run.Context, size: int) -> run.Report:
    r = run.reading_corpus(ctx, size)
    b = str(r.brief)
    page = run.CORPUS_ROOT / f"report-{r.folder.name}.html"
    data = run.CORPUS_ROOT / f"report-{r.folder.name}.json"
    exported = run.CORPUS_ROOT / f"report-export-{r.folder.name}.json"

    def remover(path: Path) -> Callable[[], None]:
        return lambda: path.unlink(missing_ok=True)

    tools = [
        run.Tool(
            "brief report",
            [[b, "report", r.rel, "-o", str(page)]],
            run.ROOT,
            display=f"brief report {r.rel} -o {os.path.relpath(page, run.ROOT)}",
            env=r.env,
            before=remover(page),
        ),
        run.Tool(
            "brief export --format json",
            [[b, "export", r.rel, "--format", "json", "-o", str(exported)]],
            run.ROOT,
            display=f"brief export {r.rel} --format json -o {os.path.relpath(exported, run.ROOT)}",
            env=r.env,
            before=remover(exported),
        ),
        run.Tool(
            "brief report --format json",
            [[b, "report", r.rel, "--format", "json", "-o", str(data)]],
            run.ROOT,
            display=f"brief report {r.rel} --format json -o {os.path.relpath(data, run.ROOT)}",
            env=r.env,
            before=remover(data),
        ),
    ]
    print(f"report, {size} files:", flush=True)
    rows, when = run.timed(tools, ctx.args)
    report, export, _ = rows
    bytes_written = page.stat().st_size
    targets = [
        run._time_target(f"brief report of {size:,} briefs", report, TIME_LIMIT),
        run.Target(
            "size of the page",
            f"{bytes_written / run.MB:.2f} MB",
            f"< {SIZE_LIMIT / run.MB:g} MB",
            bytes_written < SIZE_LIMIT,
        ),
        run.Target("report ÷ export of the same briefs", f"{report.median / export.median:.2f}×", "", None),
    ]
    text = page.read_text(encoding="utf-8")
    briefs = text.count('<article class="brief"')
    drawn = "<svg viewBox=" in text and 'aria-labelledby="actor-graph-title"' in text
    maps = text.count('<svg class="map"')
    timelines = len(re.findall(r'<h3 id="t[0-9]+"', text))
    checks = [
        f"the page holds {briefs:,} briefs for {size:,} in the corpus: {'yes' if briefs == size else 'NO'}",
        f"the actor graph drawn by Graphviz: {'yes' if drawn else 'NO'}; scripts in the page: "
        f"{len(re.findall(r'<script', text))}",
        f"stakeholder maps: {maps:,}; timelines: {timelines:,}",
    ]
    for path in (page, data, exported):
        path.unlink(missing_ok=True)
    notes = [
        "All three rows run on a warm index (built once, untimed): each checks the collection's freshness, selects "
        "every brief in date order and reads them (from the index when a file is unchanged and valid). `brief "
        "report` then compares their positions, builds the actor network, lays out its 30 most present actors "
        "and the 60 edges most briefs give with Graphviz (neato, past 40 edges), and writes the page (Jinja2); "
        "`--format json` writes the same content as data, without drawing the graph.",
        "MB = 10^6 bytes.",
        run._cache_note(r),
    ]
    return run.Report("report", size, r.folder, r.stamp, rows, export.tool.name, notes, **when, targets=targets,
                      checks=checks, workdir="the repository root")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args, sizes = run.script_arguments(__doc__.split("\n\n")[0], DEFAULT_SIZES, 5, argv)
    run.brief_path()  # stops with advice when brief is not installed
    ctx = run.Context(args)
    for size in sizes:
        run.write_report(bench_report(ctx, size), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

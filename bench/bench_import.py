#!/usr/bin/env python3
"""Benchmark of `brief import`: 1,000 articles into a folder, linking their actors against a collection of
100,000 briefs. Target: under 10 s for the whole process.

    .venv/bin/python bench/bench_import.py [--briefs 100000] [--articles 1000] [--repeat 3] [--seed 1]

The collection is bench/corpus.py's (generated once into bench/corpus/n<briefs>-s<seed>-yaml+json+md/, the
folder bench/run.py uses, and reused); its index is built once, untimed, in bench/corpus/cache-<folder>/. The
articles are plain text in the seed's shape (title; Domains:, Regions:, Nations: lines in English or French;
paragraphs and • bullets naming the corpus's actors; a trailing "Share:"), made from briefs of another seed,
deterministically, into bench/corpus/articles-n<articles>-s<seed>/. Each timed run imports every article with
`brief import ARTICLES... --collection CORPUS -o OUT -q` into an emptied folder; the run before them (untimed)
keeps the report and checks the drafts: every article imported, every draft valid (`brief validate`), and how
many actors were linked. Results: a Markdown table on stdout and in bench/results/import-<articles>.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CORPUS_ROOT = BENCH / "corpus"
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent
TARGET_SECONDS = 10.0
ARTICLES_VERSION = 1  # bump when the articles written below change

sys.path.insert(0, str(BENCH))
import corpus  # noqa: E402  (bench/corpus.py, next to this file)

# English and French words for the header lines, as analysts write them
DOMAIN_WORDS = {
    "en": {"defence-security": "Defence Security", "diplomacy": "Diplomacy", "politics-governance": "Politics",
           "economy-trade": "Economy", "terrorism-extremism": "Terrorism", "humanitarian": "Humanitarian"},
    "fr": {"defence-security": "Défense Sécurité", "diplomacy": "Diplomatie", "politics-governance": "Politique",
           "economy-trade": "Économie", "terrorism-extremism": "Terrorisme", "humanitarian": "Humanitaire"},
}  # fmt: skip
REGION_WORDS = {
    "en": {"west-africa": "West Africa", "sahel": "Sahel", "lake-chad-basin": "Lake Chad Basin",
           "gulf-of-guinea": "Gulf of Guinea", "north-africa": "North Africa", "europe": "Europe"},
    "fr": {"west-africa": "Afrique de l’Ouest", "sahel": "Sahel", "lake-chad-basin": "Bassin du lac Tchad",
           "gulf-of-guinea": "Golfe de Guinée", "north-africa": "Afrique du Nord", "europe": "Europe"},
}  # fmt: skip


def ensure_corpus(count: int, seed: int) -> Path:
    """The collection: bench/run.py's corpus folder and stamp, generated if missing or stale."""
    formats = "yaml,json,md"
    out = CORPUS_ROOT / f"n{count}-s{seed}-{formats.replace(',', '+')}"
    stamp_path = CORPUS_ROOT / f"{out.name}.stamp.json"
    want = {"generator_version": corpus.GENERATOR_VERSION, "generator_source": corpus.source_digest(),
            "count": count, "seed": seed, "formats": formats}  # fmt: skip
    if stamp_path.is_file() and out.is_dir():
        stamp = json.loads(stamp_path.read_text())
        if {key: stamp.get(key) for key in want} == want:
            print(f"corpus: reusing {out.relative_to(ROOT)}", flush=True)
            return out
    if out.exists():
        shutil.rmtree(out)
    started = time.perf_counter()
    stats = corpus.generate(out, count, seed, formats)
    stamp_path.write_text(json.dumps({**want, "wagner": stats.wagner}, indent=2) + "\n")
    print(f"corpus: generated in {time.perf_counter() - started:.1f} s: {stats.summary()}", flush=True)
    return out


def article(index: int, seed: int) -> str:
    """One article in the seed's shape, from a brief of the generator (another seed than the collection's)."""
    data, _ = corpus.make_brief(index, seed, index % 5 == 0, "json")
    language = data.get("language", "en")
    language = language if language in ("en", "fr") else "en"
    domains = [DOMAIN_WORDS[language].get(d, d) for d in data.get("domains", [])]
    regions = [REGION_WORDS[language].get(r, r) for r in data.get("regions", [])]
    lines = [data["title"]]
    if domains:
        lines.append(("Domaines: " if language == "fr" else "Domains: ") + ", ".join(domains))
    if regions:
        lines.append(("Régions: " if language == "fr" else "Regions: ") + ", ".join(regions))
    if data.get("nations"):
        lines.append("Nations: " + ", ".join(data["nations"]))
    lines.append("")
    if data.get("summary"):
        lines += [data["summary"], ""]
    for paragraph in data.get("body", "").split("\n\n"):
        paragraph = paragraph.strip().lstrip("#").strip()
        if paragraph:
            lines += [paragraph, ""]
    bullets = [f"  • {actor['name']}: {actor.get('description') or actor['kind'].replace('-', ' ')}"
               for actor in data.get("actors", [])]  # fmt: skip
    if bullets:
        lines += ["Who is involved:", ""]
        for bullet in bullets:
            lines += [bullet, ""]
    for judgment in data.get("key_judgments", []):
        lines += [judgment["statement"], ""]
    lines.append("Share:")
    return "\n".join(lines)


def ensure_articles(count: int, seed: int) -> Path:
    out = CORPUS_ROOT / f"articles-n{count}-s{seed}"
    stamp_path = CORPUS_ROOT / f"{out.name}.stamp.json"
    want = {"version": ARTICLES_VERSION, "generator_source": corpus.source_digest(), "count": count, "seed": seed}
    if stamp_path.is_file() and out.is_dir() and json.loads(stamp_path.read_text()) == want:
        print(f"articles: reusing {out.relative_to(ROOT)}", flush=True)
        return out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for index in range(count):
        (out / f"article-{index:05d}.txt").write_text(article(index, seed + 1000), encoding="utf-8")
    stamp_path.write_text(json.dumps(want, indent=2) + "\n")
    print(f"articles: wrote {count} into {out.relative_to(ROOT)}", flush=True)
    return out


def environment(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed tool runs: from its .pyc files
    env["PYTHONPYCACHEPREFIX"] = str(CORPUS_ROOT / "pycache")
    env["BRIEF_CACHE_DIR"] = str(cache)
    return env


def run(
    argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)
) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run a whole process; (wall seconds, CPU seconds of the process, the process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in ok:
        sys.exit(f"bench_import: `{' '.join(argv[:6])} …` exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return elapsed, cpu, proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefs", type=int, default=100_000, help="size of the collection [100000]")
    parser.add_argument("--articles", type=int, default=1000, help="articles imported per run [1000]")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per row [3]")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    brief = BIN / "brief"
    if not brief.exists():
        sys.exit("bench_import: no brief next to this Python; install the project: .venv/bin/pip install -e .")
    collection = ensure_corpus(args.briefs, args.seed)
    articles = ensure_articles(args.articles, args.seed)
    files = sorted(str(path.relative_to(ROOT)) for path in articles.glob("*.txt"))
    cache = CORPUS_ROOT / f"cache-{collection.name}"
    env = environment(cache)
    rel_collection = str(collection.relative_to(ROOT))
    # untimed: the collection's index, built once (40-150 s at 100,000 briefs) and only refreshed afterwards
    print(f"index: {rel_collection}, built or refreshed (untimed) ...", flush=True)
    indexed, _, counted = run([str(brief), "list", "--count", rel_collection], env)
    print(f"  {counted.stdout.strip()} briefs, {indexed:.1f} s", flush=True)
    out = CORPUS_ROOT / "import-out"
    command = [str(brief), "import", *files, "--collection", rel_collection, "-o", str(out), "-q"]
    rows = {"brief import, linking on": command, "brief import --no-link": [*command, "--no-link"]}

    # untimed: the report, and checks of the drafts
    shutil.rmtree(out, ignore_errors=True)
    _, _, checked = run(rows["brief import, linking on"][:-1], env)
    drafts = sorted(out.glob("*.md"))
    linked = [int(line.split("linked: ")[1].split(" ")[0]) for line in checked.stderr.splitlines()
              if line.strip().startswith("linked: ") and "none" not in line]  # fmt: skip
    candidates = sum(1 for line in checked.stderr.splitlines() if "candidate name" in line)
    _, _, validated = run([str(brief), "validate", "-q", str(out)], env, ok=(0, 1))
    checks = {
        "articles": len(files),
        "drafts written": len(drafts),
        "drafts valid (brief validate)": "all" if validated.returncode == 0 else "NOT ALL",
        "articles with linked actors": len(linked),
        "linked actors per article (mean)": round(statistics.mean(linked), 1) if linked else 0,
        "articles with candidate names": candidates,
    }

    times: dict[str, list[float]] = {name: [] for name in rows}
    cpus: dict[str, list[float]] = {name: [] for name in rows}
    for round_number in range(args.repeat):
        order = list(rows) if round_number % 2 == 0 else list(reversed(rows))
        for name in order:
            shutil.rmtree(out, ignore_errors=True)
            elapsed, cpu, _ = run(rows[name], env)
            times[name].append(elapsed)
            cpus[name].append(cpu)
    shutil.rmtree(out, ignore_errors=True)
    load = os.getloadavg()[0]

    lines = [
        f"# `brief import`: {args.articles:,} articles, linking against {args.briefs:,} briefs",
        "",
        "| row | wall, median | min–max | CPU (user+sys), median | wall ÷ the 10 s target |",
        "|---|--:|--:|--:|--:|",
    ]
    for name, walls in times.items():
        median = statistics.median(walls)
        lines.append(
            f"| {name} | {median:.2f} s | {min(walls):.2f}–{max(walls):.2f} s | {statistics.median(cpus[name]):.2f} s "
            f"| {median / TARGET_SECONDS:.2f} |"
        )
    median = statistics.median(times["brief import, linking on"])
    verdict = "met" if median < TARGET_SECONDS else "NOT met"
    lines += ["", f"Target: under {TARGET_SECONDS:.0f} s with linking: {verdict} ({median:.2f} s, median of "
              f"{args.repeat} runs); load average {load:.1f} on {os.cpu_count()} cores at the end.", "",
              "Checks (untimed run):", ""]  # fmt: skip
    lines += [f"- {name}: {value}" for name, value in checks.items()]
    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"import-{args.articles}.md").write_text(report, encoding="utf-8")
    if checks["drafts written"] != len(files) or validated.returncode != 0:
        sys.exit("bench_import: some article was not imported, or some draft is invalid")


if __name__ == "__main__":
    main()

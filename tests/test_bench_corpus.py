"""The benchmark corpus generator (bench/corpus.py): rich briefs are valid for `brief validate` and shaped like
examples/ (bench/data/shape.json, measured by bench/shape.py); the small corpus stays byte for byte as it was."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import pytest

from conftest import ROOT, bench_corpus, run_process

BENCH = ROOT / "bench"


@pytest.fixture(scope="module")
def corpus():
    with bench_corpus() as module:
        yield module


@pytest.fixture(scope="module")
def rich(corpus, tmp_path_factory):
    """50 rich briefs of the three formats, with their data as PyYAML/json read them."""
    out = tmp_path_factory.mktemp("rich")
    stats = corpus.generate(out, 50, seed=3, formats="yaml,json,md", corpus="rich")
    return out, stats, {p: corpus.load_file(p) for p in stats.files}


def test_rich_briefs_are_valid_for_brief_validate(rich):
    out, stats, _ = rich
    assert set(stats.formats) == {"yaml", "json", "md"}
    result = run_process("validate", str(out), timeout=120)
    output = (result.stdout + result.stderr).decode()
    assert result.returncode == 0, output
    assert "50 files: all valid" in output


def test_rich_briefs_have_the_measured_sizes_and_counts(rich):
    _, stats, briefs = rich
    shape = json.loads((BENCH / "data" / "shape.json").read_text(encoding="utf-8"))["briefs"]
    lo_bytes, hi_bytes = min(b["bytes"] for b in shape), max(b["bytes"] for b in shape)
    assert lo_bytes <= stats.min_bytes and stats.max_bytes <= hi_bytes * 1.1
    assert 0.8 * 8_400 < stats.total_bytes / stats.count < 1.2 * 8_400  # median of examples/: 8.4 KB
    for section in ("actors", "issues", "positions", "relations", "key_judgments", "figures", "sources"):
        lo, hi = min(b[section] for b in shape), max(b[section] for b in shape)
        counts = [len(data.get(section, ())) for data in briefs.values()]
        assert lo <= min(counts) and max(counts) <= hi, (section, lo, hi, counts)
    words = [len(data["body"].split()) for data in briefs.values()]
    assert min(words) >= 120 and max(words) <= 700


def test_rich_actors_recur_and_keep_their_names(corpus, rich):
    _, _, briefs = rich
    n = len(briefs)
    actors, issues, names = Counter(), Counter(), {}
    for data in briefs.values():
        actors.update(a["id"] for a in data["actors"])
        issues.update(x["id"] for x in data["issues"])
        for a in data["actors"]:
            names.setdefault(a["id"], set()).add((a["name"], tuple(a.get("aliases", ()))))
    # heavy tail: a few actors in most briefs, most actors in one or two
    assert actors.most_common(1)[0][1] >= 0.5 * n
    assert actors["wagner"] >= 0.25 * n and actors["france"] >= 0.65 * n
    # the Zipf law over actors (exponent 1): the 30 highest-ranked fill over half of the actor entries
    rank = corpus.universe(3).rank
    assert sum(c for a, c in actors.items() if rank[a] < 30) > 0.5 * actors.total()
    assert sum(1 for c in actors.values() if c <= 2) > len(actors) / 2
    assert issues["mali-wagner-partnership"] >= 0.3 * n
    assert all(len(forms) == 1 for forms in names.values()), "an actor id with two names or alias lists"
    wagner = sum("wagner" in p.read_text(encoding="utf-8").lower() for p in briefs)
    assert 0.6 * n <= wagner <= 0.95 * n


def test_rich_briefs_are_deterministic(corpus):
    for i in (0, 7, 123_456):
        assert corpus.make_rich_brief(i, 5, "yaml")[1] == corpus.make_rich_brief(i, 5, "yaml")[1]
    assert corpus.make_rich_brief(1, 5, "md")[1] != corpus.make_rich_brief(1, 6, "md")[1]


def test_small_corpus_is_unchanged(corpus, tmp_path):
    """The small corpus (--corpus small) must stay byte for byte what it was before the rich one existed:
    benchmark figures in bench/README.md and docs/benchmarks.md were measured on it."""
    stats = corpus.generate(tmp_path, 40, seed=1, formats="yaml,json,md", corpus="small")
    digest = hashlib.sha256()
    for path in sorted(stats.files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    assert digest.hexdigest() == "5658fd92ba00197ba45e93baa907f9081a3763aaddba92c9a37eef259c8b09d8"
    assert stats.wagner == stats.wagner_folded == 8  # exactly 20 %

"""The heads of common words' score classes (collection/heads.py): a search answered from them ranks exactly as
ranking every hit does, and they stay exact under incremental refresh.

The thresholds are lowered here (a word is common from one brief, DEPTH 3 briefs a class) so that the small
collections of the tests have truncated classes and heads that wear down; `test_search_from_heads_end_to_end`
runs the real command on a collection past the real threshold."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from brief.collection import heads
from brief.collection.config import Collection, collection
from brief.collection.index import open_index
from brief.collection.tables import FTS_COLUMNS
from brief.query import search as searching
from brief.query.filters import Filters
from brief.query.language import parse_search
from brief.query.ranking import WEIGHTS
from conftest import ROOT, bench_corpus, run, run_process

WORDS = ("mali", "wagner", "france", "the", "of", "security", "niger", "russia", "sahel", "government", "troops")


@pytest.fixture
def small_heads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heads, "COMMON", 1)
    monkeypatch.setattr(heads, "DEPTH", 3)


def briefs(tmp_path: Path) -> Path:
    """The examples and a twin of each YAML one under a new id: 20-odd briefs, words shared across them."""
    folder = tmp_path / "briefs"
    shutil.copytree(ROOT / "examples", folder)
    for extra in sorted(folder.glob("*.yaml")):
        twin = folder / f"twin-{extra.name}"
        twin.write_text(extra.read_text(encoding="utf-8").replace("\nid: ", "\nid: twin-", 1), encoding="utf-8")
    return folder


def ranked(db: sqlite3.Connection, word: str, limit: int | None, every_hit: bool) -> list[tuple[object, ...]]:
    query = parse_search(word)
    if every_hit:
        saved = searching.common_word_hits
        searching.common_word_hits = lambda *args: None  # type: ignore[assignment]
    try:
        found = searching.search(db, query, Filters(), limit=limit, snippets=False)
    finally:
        if every_hit:
            searching.common_word_hits = saved  # type: ignore[assignment]
    return [(hit["id"], hit["path"], hit["bm25"], hit["score"]) for hit in found]


def assert_ranked_alike(db: sqlite3.Connection) -> None:
    for word in WORDS:
        for limit in (1, 2, 3):
            assert ranked(db, word, limit, every_hit=False) == ranked(db, word, limit, every_hit=True), (word, limit)


def truth(db: sqlite3.Connection, word: str) -> dict[int, list[tuple[int, int]]]:
    """Every hit of `word` by class (weighted count) as (length, rowid), from the full-text index itself."""
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.check_instances USING fts5vocab(main, fts, instance)")
    weights = dict(zip(FTS_COLUMNS, (int(WEIGHTS[column]) for column in FTS_COLUMNS), strict=True))
    counted: dict[int, int] = {}
    for rowid, column in db.execute("SELECT doc, col FROM temp.check_instances WHERE term = ?", (word,)):
        counted[rowid] = counted.get(rowid, 0) + weights[column]
    length = heads.lengths(db)
    classes: dict[int, list[tuple[int, int]]] = {}
    for rowid, weight in counted.items():
        classes.setdefault(weight, []).append((length[rowid], rowid))
    return {weight: sorted(members) for weight, members in classes.items()}


def assert_heads_exact(db: sqlite3.Connection) -> None:
    """Each kept class's head is the first briefs of the class, all of them when it says it is complete."""
    for (word,) in db.execute("SELECT word FROM rank_words").fetchall():
        expected = truth(db, word)
        kept = dict(db.execute("SELECT weight, complete FROM rank_classes WHERE word = ?", (word,)).fetchall())
        assert set(expected) <= set(kept), word  # a class of the word unknown to its heads
        for weight, complete in kept.items():
            members = expected.get(weight, [])
            head = db.execute("SELECT length, brief FROM rank_heads WHERE word = ? AND weight = ? "
                              "ORDER BY length, brief", (word, weight)).fetchall()  # fmt: skip
            assert head == members[: len(head)], (word, weight)
            assert len(head) <= heads.DEPTH
            if complete:
                assert head == members, (word, weight)


def test_search_from_heads_ranks_as_every_hit(tmp_path: Path, small_heads: None) -> None:
    chosen = collection([str(briefs(tmp_path))])
    index = open_index(chosen)
    db = index.connection()
    assert_ranked_alike(db)
    kept = {word for (word,) in db.execute("SELECT word FROM rank_words")}
    assert {"mali", "wagner", "the"} <= kept  # the comparison went through the heads
    truncated = db.execute("SELECT count(*) FROM rank_classes WHERE NOT complete").fetchone()[0]
    assert truncated > 0  # and some classes hold more than their heads
    assert_heads_exact(db)
    index.close()


def edit(folder: Path, rng: random.Random) -> None:
    """One random edit: words added to a body or a title (moving the brief to other classes, making it longer),
    a brief removed, or copied under a new id."""
    files = sorted(folder.glob("*.yaml"))
    target = rng.choice(files)
    text = target.read_text(encoding="utf-8")
    action = rng.choice(["body", "body", "title", "remove", "copy"])
    if action == "body":
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 40)))
        text = text.replace("\nbody: |\n", f"\nbody: |\n  {words}\n", 1)
    elif action == "title":
        text = text.replace("\ntitle: ", f"\ntitle: {rng.choice(WORDS)} ", 1)
    elif action == "remove" and len(files) > 3:
        target.unlink()
        return
    elif action == "copy":
        copy = folder / f"copy-{rng.randrange(10**6)}.yaml"
        copy.write_text(text.replace("\nid: ", "\nid: copy-", 1), encoding="utf-8")
        return
    target.write_text(text, encoding="utf-8")


def filled(tmp_path: Path) -> tuple[Path, Collection]:
    """The briefs, indexed, with the heads of every common word kept (a search of each fills them)."""
    folder = briefs(tmp_path)
    chosen = collection([str(folder)])
    index = open_index(chosen)
    assert_ranked_alike(index.connection())
    index.close()
    return folder, chosen


@pytest.mark.parametrize("seed", range(1, 7))
def test_heads_stay_exact_after_random_edits(tmp_path: Path, small_heads: None, seed: int) -> None:
    folder, chosen = filled(tmp_path)
    rng = random.Random(seed)
    for _ in range(8):
        for _ in range(rng.randint(1, 4)):
            edit(folder, rng)
        index = open_index(chosen)  # an incremental refresh
        db = index.connection()
        assert_heads_exact(db)
        assert_ranked_alike(db)
        index.close()


def test_the_check_fails_when_a_refresh_forgets_the_heads(
    tmp_path: Path, small_heads: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparisons above must be able to fail: heads not kept on refresh are caught."""
    folder, chosen = filled(tmp_path)
    monkeypatch.setattr(heads, "refresh", lambda db, removed, added: None)
    rng = random.Random(3)
    for _ in range(6):
        edit(folder, rng)
    index = open_index(chosen)
    with pytest.raises(AssertionError):
        assert_heads_exact(index.connection())
    index.close()


def test_a_new_class_and_a_class_worn_down(tmp_path: Path, small_heads: None) -> None:
    folder = briefs(tmp_path)
    chosen = collection([str(folder)])
    index = open_index(chosen)
    db = index.connection()
    before = ranked(db, "wagner", 3, every_hit=False)
    index.close()
    # a brief whose count of the word no other has: a class of its own, best of all
    target = folder / "2022-02-france-withdrawal-mali.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("\ntitle: ", "\ntitle: Wagner wagner wagner wagner ", 1), encoding="utf-8")
    # the best hits removed one by one: their classes' heads wear down, and the search still ranks right
    index = open_index(chosen)
    db = index.connection()
    assert ranked(db, "wagner", 1, every_hit=False)[0][0] == "france-mali-withdrawal-2022"
    assert_heads_exact(db)
    index.close()
    for _, path, _, _ in before:
        Path(str(path)).unlink(missing_ok=True)
        index = open_index(chosen)
        db = index.connection()
        assert_heads_exact(db)
        assert_ranked_alike(db)
        index.close()


def test_a_search_ranks_every_hit_when_heads_cannot_be_written(tmp_path: Path, small_heads: None) -> None:
    chosen = collection([str(briefs(tmp_path))])
    index = open_index(chosen)
    db = index.connection()
    other = sqlite3.connect(chosen.index_path(), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing: a search does not wait for it
    try:
        assert_ranked_alike(db)
        assert db.execute("SELECT count(*) FROM rank_words").fetchone()[0] == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert_ranked_alike(db)  # and once it is done, heads are kept
    assert db.execute("SELECT count(*) FROM rank_words").fetchone()[0] > 0
    index.close()


def test_search_output_is_the_same_from_heads(tmp_path: Path, small_heads: None) -> None:
    """Through the CLI: the table, JSON and ids of a search answered from heads are those of ranking every hit."""
    folder = briefs(tmp_path)
    for fmt in ("table", "json", "ids"):
        first = run("search", "wagner", str(folder), "--limit", "3", "--format", fmt)
        again = run("search", "wagner", str(folder), "--limit", "3", "--format", fmt)  # from the heads
        saved = searching.common_word_hits
        searching.common_word_hits = lambda *args: None  # type: ignore[assignment]
        try:
            every = run("search", "wagner", str(folder), "--limit", "3", "--format", fmt)
        finally:
            searching.common_word_hits = saved  # type: ignore[assignment]
        assert first.exit_code == again.exit_code == every.exit_code == 0, every.output
        assert first.stdout == again.stdout == every.stdout


def test_search_from_heads_end_to_end(tmp_path: Path, private_cache: Path) -> None:
    """The real command on 5,600 generated rich briefs, where `wagner` is past the real threshold: the first 20
    hits from the heads are the first 20 of ranking every hit (a limit past DEPTH ranks every hit)."""
    folder = tmp_path / "corpus"
    with bench_corpus() as corpus:
        corpus.generate(folder, 5600, seed=3, corpus="rich")
    (folder / "brief.toml").write_text("", encoding="utf-8")  # the folder is the collection
    first = run_process("search", "wagner", "--format", "json", cwd=folder)
    fast = run_process("search", "wagner", "--format", "json", cwd=folder)
    every = run_process("search", "wagner", "--format", "json", "--limit", str(heads.DEPTH + 1), cwd=folder)
    assert first.returncode == fast.returncode == every.returncode == 0, every.stderr
    index = sqlite3.connect(next(private_cache.glob("**/index-*.sqlite")))
    assert index.execute("SELECT word FROM rank_words").fetchall() == [("wagner",)]  # answered from the heads
    index.close()
    hits = json.loads(fast.stdout)["briefs"]
    assert json.loads(first.stdout)["briefs"] == hits
    assert len(hits) == 20 and hits == json.loads(every.stdout)["briefs"][:20]


def test_heads_after_removals_alone_and_after_a_large_refresh(
    tmp_path: Path, small_heads: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, chosen = filled(tmp_path)
    for removed in sorted(folder.glob("twin-*"))[:2]:  # briefs removed, none added
        removed.unlink()
    index = open_index(chosen)
    db = index.connection()
    assert db.execute("SELECT count(*) FROM rank_words").fetchone()[0] > 0
    assert_heads_exact(db)
    assert_ranked_alike(db)
    index.close()
    # more new briefs than a refresh tokenises again: every word's heads are dropped, and filled when next searched
    monkeypatch.setattr(heads, "REFRESH_LIMIT", 1)
    for source in sorted(folder.glob("*.yaml"))[:2]:
        edit_title = source.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: Sahel ", 1)
        source.write_text(edit_title, encoding="utf-8")
    index = open_index(chosen)
    db = index.connection()
    assert db.execute("SELECT count(*) FROM rank_words").fetchone()[0] == 0
    assert_ranked_alike(db)
    assert db.execute("SELECT count(*) FROM rank_words").fetchone()[0] > 0
    assert_heads_exact(db)
    index.close()


def test_heads_are_not_kept_through_a_read_only_connection(tmp_path: Path, small_heads: None) -> None:
    chosen = collection([str(briefs(tmp_path))])
    open_index(chosen).close()
    db = sqlite3.connect(f"file:{chosen.index_path()}?mode=ro", uri=True, isolation_level=None)
    from brief.collection.stored import register

    register(db)
    weights = tuple(int(WEIGHTS[column]) for column in FTS_COLUMNS)
    assert not heads.fill(db, "mali", weights, 1, lambda length: [(rowid, 1) for rowid in length])
    assert_ranked_alike(db)  # ranked from every hit
    assert db.execute("SELECT count(*) FROM rank_words").fetchone()[0] == 0
    db.close()


def test_no_heads_when_the_counts_do_not_read_back_exactly(
    tmp_path: Path, small_heads: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each hit's weighted count is read back from bm25() and scored again: a formula off by the last bit of a
    float keeps no heads, and the search ranks every hit."""
    import math

    from brief.query import ranking

    exact = ranking.bm25_score
    monkeypatch.setattr(ranking, "bm25_score", lambda *args: math.nextafter(exact(*args), 0.0))
    chosen = collection([str(briefs(tmp_path))])
    index = open_index(chosen)
    db = index.connection()
    assert ranked(db, "wagner", 2, every_hit=False) == ranked(db, "wagner", 2, every_hit=True)
    assert db.execute("SELECT count(*) FROM rank_words").fetchone()[0] == 0
    monkeypatch.setattr(ranking, "bm25_score", exact)
    assert ranked(db, "wagner", 2, every_hit=False) == ranked(db, "wagner", 2, every_hit=True)
    assert db.execute("SELECT word FROM rank_words").fetchall() == [("wagner",)]
    index.close()

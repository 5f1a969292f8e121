"""brief.terms (schema version 4): the best briefs of a word read from an index in rank order. Against a real
PostgreSQL server: what the table holds is what its definition says, for every brief, however briefs come and go;
its bound holds; a search served from it gives the hits of a ranking of every hit, in the same order, ties too;
and a database at version 3 migrates to it."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, run, run_process
from pgserver import new_database, pg_server  # noqa: F401  (fixture)

TERMS = "SELECT brief, lexeme, score FROM brief.terms ORDER BY 1, 2"


def expected_terms(conn: Any) -> list[tuple[Any, ...]]:
    """brief.terms made again from brief.briefs by its definition, in other SQL: every word that a brief's search
    holds at least TERM_MIN_A times in class A, with its rank alone when that reaches TERM_FLOOR."""
    from brief.query.pg_text import rank_weights
    from brief.query.postgres import TERM_FLOOR, TERM_MIN_A

    weights = "{" + ",".join(str(w) for w in rank_weights()) + "}"
    return list(conn.execute(
        f"SELECT * FROM (SELECT b.key, u.lexeme, ts_rank('{weights}', b.search, quote_literal(u.lexeme)::tsquery) "
        "AS score FROM brief.briefs b, unnest(b.search) u "
        f"WHERE cardinality(array_positions(u.weights, 'A')) >= {TERM_MIN_A}) t WHERE score >= {TERM_FLOOR} "
        "ORDER BY 1, 2"
    ).fetchall())  # fmt: skip


RICH = "SELECT b.key, b.rich_terms FROM brief.briefs b ORDER BY 1"


def expected_rich(conn: Any) -> list[tuple[Any, ...]]:
    """brief.briefs.rich_terms made again by its definition, in SQL from the stored vector (the sync computes it as it
    makes the vector): the words held in class A that the vector holds at least twice (in any class), in its order."""
    return list(conn.execute(
        "SELECT b.key, coalesce((SELECT array_agg(u.lexeme ORDER BY u.lexeme COLLATE \"C\") FROM unnest(b.search) u "
        "WHERE 'A' = ANY(u.weights) AND cardinality(u.positions) > 1), '{}') FROM brief.briefs b ORDER BY 1"
    ).fetchall())  # fmt: skip


def make_rich(folder: Path, count: int, seed: int) -> Path:
    subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), "--count", str(count), "--seed", str(seed),
                    str(folder / "briefs")], check=True, capture_output=True)  # fmt: skip
    (folder / "brief.toml").write_text(f'paths = ["briefs/"]\nname = "{folder.name}"\n', encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tied(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:  # noqa: F811
    """150 briefs of the rich corpus and, among them, 40 copies of one of the best briefs for "wagner" (under other
    ids and names): 40 equal ranks at the top, so that the limit-th and the rows read past it tie."""
    folder = make_rich(tmp_path_factory.mktemp("tied") / "tied", 150, 5)
    briefs = folder / "briefs"
    best = max((p for p in briefs.glob("*.yaml")), key=lambda p: p.read_text(encoding="utf-8").count("Wagner"))
    text = best.read_text(encoding="utf-8")
    ident = re.search(r"^id: (\S+)$", text, re.MULTILINE)
    assert ident
    for n in range(40):
        (briefs / f"copy-{n:02d}.yaml").write_text(text.replace(ident.group(1), f"copy-{n:02d}"), encoding="utf-8")
    with new_database(pg_server) as dsn:
        result = run("-C", str(folder), "sync", dsn)
        assert result.exit_code == 0, result.output
        yield folder, dsn


@contextlib.contextmanager
def watching_terms(name: str = "_from_terms") -> Iterator[list[bool]]:
    """While inside: each search's answer from brief.terms (or from the function `name` of query/postgres.py)
    recorded, True where it gave the hits."""
    from brief.query import postgres

    served: list[bool] = []
    real = getattr(postgres, name)

    def spy(*args: Any) -> Any:
        rows = real(*args)
        served.append(rows is not None)
        return rows

    setattr(postgres, name, spy)
    try:
        yield served
    finally:
        setattr(postgres, name, real)


def searches(dsn: str, words: str, limits: tuple[int, ...] = (1, 5, 20, 37)) -> dict[str, Any]:
    """For each limit, the hits of a search and whether brief.terms gave them; and a ranking of every hit."""
    import psycopg

    from brief.query import postgres
    from brief.query.filters import Filters
    from brief.query.language import parse_search

    query = parse_search(words)
    out: dict[str, Any] = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        out["every"] = [(r["path"], r["rank"]) for r in postgres.search(conn, query, Filters(), None, False)]
        with watching_terms() as served:
            for limit in limits:
                best = postgres.search(conn, query, Filters(), limit, False)
                out[limit] = ([(r["path"], r["rank"]) for r in best], bool(served) and served.pop())
    return out


def test_tied_best_hits_come_from_the_terms_in_the_order_of_a_full_ranking(tied: tuple[Path, str]) -> None:
    found = searches(tied[1], "wagner")
    every = found["every"]
    assert len({rank for _, rank in every[:40]}) == 1, "the copies tie at the top"
    for limit in (1, 5, 20, 37):
        best, served = found[limit]
        assert served, f"limit {limit}: not served from brief.terms"
        assert best == every[:limit]
    assert [path for path, _ in found[37][0]] == sorted(path for path, _ in found[37][0])  # ties: by path


@pytest.fixture(scope="module")
def rich(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    """600 briefs of the benchmark's rich corpus, synced."""
    folder = make_rich(tmp_path_factory.mktemp("terms") / "rich", 600, 11)
    with new_database(pg_server) as dsn:
        result = run("-C", str(folder), "sync", dsn)
        assert result.exit_code == 0, result.output
        yield dsn


# served: read from brief.terms; the others are proved there by no read (a rare word in the group, a word whose
# best ranks lie under TERM_FLOOR, the phrase of an alias): they fall back to the ranking of query/postgres.py
SERVED = ["wagner", "mali", "sahel", "niger", "government", "maiga", "wagner OR mali", "wagner nation:ML",
          "wagner -tag:coup", "title:wagner", "wagner since:2015"]  # fmt: skip
NOT_SERVED = ["russia", "partnership", "coup", "junta", "mali wagner OR sahel"]
EITHER = ["security"]  # served for the best 1 and 5, not 20: the 20th ranks under TERM_FLOOR in these briefs
# `"africa corps"`: served for the best 1; in these 600 briefs few hold `africa` three times (at 100,000, for 20)
EITHER += ['"africa corps"']
# phrases whose alias expansion adds a word that no brief's title and actors hold three times (`kokalla` of "Choguel
# Kokalla Maïga", `afrikansky korpus`): no brief holds it more than once (rich_terms), so it ranks at most 1/ζ
# alone in any brief, and every row of the other words read proves the best (schema version 6)
PHRASES = ['"choguel maiga"', '"choguel maiga" -tag:coup', '"choguel maiga" nation:ML']
# not proved there (a fourth word whose best briefs are elsewhere), or not a group of alternatives (AND, a phrase
# alone): ranked through the heads, or every hit
FALLBACK = ['"choguel maiga" OR goita', "choguel maiga", "africa corps", '"security partnership"']


@pytest.mark.parametrize("words", SERVED + NOT_SERVED + EITHER + PHRASES + FALLBACK)
def test_the_best_hits_are_those_of_a_ranking_of_every_hit(rich: str, words: str) -> None:
    found = searches(rich, words, (1, 5, 20))
    assert len(found["every"]) > 25, "too few hits to choose from"
    for limit in (1, 5, 20):
        best, served = found[limit]
        assert best == found["every"][:limit], f"limit {limit}"
        if words in NOT_SERVED + FALLBACK:
            assert not served
    if words not in EITHER:
        assert found[20][1] == (words in SERVED + PHRASES)


def test_the_terms_are_their_definition_for_every_brief(rich: str) -> None:
    import psycopg

    with psycopg.connect(rich) as conn:
        held = conn.execute(TERMS).fetchall()
        assert held == expected_terms(conn)
        assert len(held) > 600, "a few words per brief"
        # the generated column and the table agree
        assert conn.execute(
            "SELECT count(*) FROM brief.briefs b, unnest(b.head_terms) t WHERE NOT EXISTS (SELECT 1 FROM brief.terms "
            "x WHERE x.brief = b.key AND x.lexeme = t.lexeme AND x.score = t.score)"
        ).fetchone() == (0,)  # fmt: skip


def test_a_word_held_fewer_times_in_class_a_ranks_under_the_floor(rich: str) -> None:
    """The bound the search relies on: term_bound() for the weights in use is under TERM_FLOOR, and every word of
    every brief held fewer than TERM_MIN_A times in class A ranks under it (here, with as many class B positions
    as the rich briefs give)."""
    import psycopg

    from brief.query.pg_text import rank_weights
    from brief.query.postgres import TERM_FLOOR, TERM_MIN_A, term_bound

    weights = rank_weights()
    assert 1 == weights[3] >= weights[2] >= weights[1] == weights[0]  # falling from A to D, as positions go
    assert term_bound(weights) < TERM_FLOOR < term_bound(weights) + 0.01
    ranked = "{" + ",".join(str(w) for w in weights) + "}"
    with psycopg.connect(rich) as conn:
        (top, count) = conn.execute(
            f"SELECT max(ts_rank('{ranked}', b.search, quote_literal(u.lexeme)::tsquery)), count(*) "
            "FROM brief.briefs b, unnest(b.search_head) u "
            f"WHERE cardinality(array_positions(u.weights, 'A')) BETWEEN 1 AND {TERM_MIN_A - 1}"
        ).fetchone()  # fmt: skip
    assert count > 5_000
    assert top < term_bound(weights) < TERM_FLOOR


def test_terms_follow_inserts_updates_deletes_and_truncates(tmp_path: Path, pg_server: str) -> None:  # noqa: F811
    import psycopg

    folder = make_rich(tmp_path / "moving", 80, 7)
    with new_database(pg_server) as dsn:
        assert run("-C", str(folder), "sync", dsn).exit_code == 0
        with psycopg.connect(dsn, autocommit=True) as conn:
            assert conn.execute(TERMS).fetchall() == expected_terms(conn) != []
            # a sync that changes and deletes briefs (DELETE and COPY)
            files = sorted((folder / "briefs").iterdir())
            for path in files[:5]:
                path.unlink()
            for path in files[5:10]:
                path.write_text(path.read_text(encoding="utf-8").replace("Wagner", "Wagner Wagner"), encoding="utf-8")
            assert run("-C", str(folder), "sync", dsn).exit_code == 0
            assert conn.execute(TERMS).fetchall() == expected_terms(conn)
            # by hand: an update of the vectors, a deletion, then everything truncated
            conn.execute("UPDATE brief.briefs SET search = setweight(search, 'A') WHERE key % 3 = 0")
            assert conn.execute(TERMS).fetchall() == expected_terms(conn)
            conn.execute("DELETE FROM brief.briefs WHERE key % 4 = 1")
            assert conn.execute(TERMS).fetchall() == expected_terms(conn)
            # a second collection, then the first deleted with its briefs (ON DELETE CASCADE)
            other = make_rich(tmp_path / "other", 30, 8)
            assert run("-C", str(other), "sync", dsn).exit_code == 0
            conn.execute("DELETE FROM brief.collections WHERE name = 'moving'")
            assert conn.execute(TERMS).fetchall() == expected_terms(conn) != []
            conn.execute("TRUNCATE brief.briefs CASCADE")
            assert conn.execute("SELECT count(*) FROM brief.terms").fetchone() == (0,)


@pytest.mark.parametrize("old_version", [3, 4, 6])
def test_a_database_at_an_older_version_migrates_and_searches_as_before(tmp_path: Path, pg_server: str,  # noqa: F811
                                                                         old_version: int) -> None:  # fmt: skip
    """A database that a brief of schema version 3, 4 or 6 wrote: a sync migrates it in place (version 4's terms made
    from the rows it holds, version 7's stored rich words computed from them and indexed, nothing written again),
    and searches find what a new database finds, in the same order."""
    import psycopg

    from brief.remote.rows import COLUMNS
    from brief.remote.schema import SCHEMA_VERSION, ddl

    folder = make_rich(tmp_path / "sahel", 120, 9)
    with new_database(pg_server) as source, new_database(pg_server) as old:
        assert run("-C", str(folder), "sync", source).exit_code == 0
        with psycopg.connect(source) as src, psycopg.connect(old, autocommit=True) as dst:
            dst.execute("CREATE SCHEMA brief")
            dst.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            (where,) = dst.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = "
                                   "'unaccent'").fetchone() or ("public",)  # fmt: skip
            for version in range(1, old_version + 1):
                dst.execute(ddl(version, where).encode())
            dst.execute("INSERT INTO brief.meta VALUES ('schema_version', %s)", (str(old_version),))
            # the rows of the old version's tables, copied from a sync (the labels too: a migration from 1 makes
            # them; version 4's terms come from its triggers)
            for table, columns in {"collections": ("id", "name", "synced_at", "brief_version", "briefs"),
                                   "actor_labels": ("actor_id", "fold", "label"), **COLUMNS}.items():  # fmt: skip
                listed = ", ".join(c for c in columns if c != "rich_terms")  # a column since version 7
                with src.cursor().copy(f"COPY (SELECT {listed} FROM brief.{table}) TO STDOUT") as out, \
                        dst.cursor().copy(f"COPY brief.{table} ({listed}) FROM STDIN") as into:  # fmt: skip
                    for chunk in out:
                        into.write(chunk)
            assert dst.execute("SELECT to_regclass('brief.terms') IS NULL, to_regclass('brief.briefs_rich_terms') "
                               "IS NULL").fetchone() == (old_version < 4, old_version < 6)  # fmt: skip
        before = run_process("search", "--db", old, "wagner", cwd=folder)
        assert before.returncode == 2 and b"older than this brief reads" in before.stderr
        done = run("-C", str(folder), "sync", old)
        assert done.exit_code == 0, done.output
        assert "0 added, 0 changed, 0 removed, 120 unchanged" in done.output
        with psycopg.connect(old) as conn, psycopg.connect(source) as fresh:
            assert conn.execute("SELECT value FROM brief.meta").fetchone() == (str(SCHEMA_VERSION),)
            assert conn.execute(TERMS).fetchall() == expected_terms(conn) != []
            assert conn.execute(TERMS).fetchall() == fresh.execute(TERMS).fetchall()
            assert conn.execute(RICH).fetchall() == expected_rich(conn) == fresh.execute(RICH).fetchall()
            assert conn.execute("SELECT to_regclass('brief.briefs_rich_terms') IS NOT NULL, "
                                "to_regprocedure('brief.rich_terms(tsvector)') IS NULL").fetchone() == (True, True)
        for words in ("wagner", "mali", "maiga", '"choguel maiga"', '"africa corps"'):
            found = [run_process("search", "--db", dsn, words, "--format", "json", cwd=folder).stdout
                     for dsn in (old, source)]  # fmt: skip
            assert found[0] == found[1] and b'"id"' in found[0]


def test_the_terms_path_is_exercised_on_the_command_line(tied: tuple[Path, str]) -> None:
    """The same output from the command line as from the local index, for the top of a tied ranking."""
    folder, dsn = tied
    local = run("-C", str(folder), "search", "wagner", "--limit", "40", "--format", "ids")
    remote = run("-C", str(folder), "search", "--db", dsn, "wagner", "--limit", "40", "--format", "ids")
    assert remote.exit_code == local.exit_code == 0
    assert sorted(remote.stdout.split()) == sorted(local.stdout.split())


def test_words_with_quotes_and_backslashes_are_ranked_not_parsed(rich: str) -> None:
    """A vector written by hand (a dashboard, a script) may hold any lexeme: head_terms quotes each one, so that
    tsquery's syntax never reads it, and ranks it as the word itself."""
    import psycopg

    # four positions in class A each: rank 0.8655 alone, over the floor (three would make 0.8275)
    vector = r"""'it''s':1A,2A,3A,4A 'a\\b':5A,6A,7A,8A 'x y':9A,10A,11A,12A 'a:b&c':13A,14A,15A,16A 'once':17A"""
    with psycopg.connect(rich) as conn:
        got = conn.execute(
            "SELECT t.lexeme, t.score FROM unnest(brief.head_terms(%s::tsvector)) t ORDER BY 1", (vector,)
        ).fetchall()  # fmt: skip
        assert [lexeme for lexeme, _ in got] == ["a:b&c", "a\\b", "it's", "x y"]
        assert len({score for _, score in got}) == 1 and got[0][1] > 0.853


def test_a_collection_narrowed_to_is_served_from_the_terms(tmp_path: Path, pg_server: str) -> None:  # noqa: F811
    """Two collections in one database: the best hits of each, and of both, are those of a ranking of every hit."""
    import psycopg

    from brief.query import postgres
    from brief.query.filters import Filters
    from brief.query.language import parse_search

    with new_database(pg_server) as dsn:
        for name, seed in (("north", 21), ("south", 22)):
            folder = make_rich(tmp_path / name, 150, seed)
            assert run("-C", str(folder), "sync", dsn).exit_code == 0
        with psycopg.connect(dsn, autocommit=True) as conn:
            ids = dict(conn.execute("SELECT name, id FROM brief.collections").fetchall())
            for chosen in ([ids["north"]], [ids["south"]], None):
                query = parse_search("wagner")
                every = postgres.search(conn, query, Filters(), None, False, collections=chosen)
                with watching_terms() as served:
                    best = postgres.search(conn, query, Filters(), 10, False, collections=chosen)
                assert served.pop()
                pick = [(r["collection"], r["path"]) for r in best]
                assert pick == [(r["collection"], r["path"]) for r in every[:10]]
                names = {"north", "south"} if chosen is None else {n for n, i in ids.items() if [i] == chosen}
                assert {collection for collection, _ in pick} <= names and len(pick) == 10


def test_rich_terms_are_their_definition_and_bound_every_other_word(rich: str) -> None:
    """brief.briefs.rich_terms is its definition for every brief, its index finds what it holds, and every word of
    every brief that no brief's rich_terms holds ranks at most TERM_SINGLE alone: the bound the search relies on."""
    import psycopg

    from brief.query.pg_text import rank_weights
    from brief.query.postgres import TERM_SINGLE

    ranked = "{" + ",".join(str(w) for w in rank_weights()) + "}"
    with psycopg.connect(rich) as conn:
        assert conn.execute(RICH).fetchall() == expected_rich(conn)
        conn.execute("SET enable_seqscan = off")
        for word in ("kokalla", "maiga", "wagner", "afrikansky", "zzzz"):
            through = conn.execute("SELECT array_agg(key ORDER BY key) FROM brief.briefs WHERE "
                                   "rich_terms @> ARRAY[%s]", (word,)).fetchone()  # fmt: skip
            held = conn.execute(f"SELECT array_agg(b.key ORDER BY b.key) FROM ({RICH}) b(key, rich) "
                                "WHERE %s = ANY(b.rich)", (word,)).fetchone()  # fmt: skip
            assert through == held
        (top, count, words) = conn.execute(
            f"WITH r AS (SELECT DISTINCT unnest(rich_terms) AS lexeme FROM brief.briefs) "
            f"SELECT max(ts_rank('{ranked}', b.search, quote_literal(u.lexeme)::tsquery)), count(*), "
            "count(DISTINCT u.lexeme) FROM brief.briefs b, unnest(b.search) u "
            "WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.lexeme = u.lexeme)"
        ).fetchone()  # fmt: skip
        assert count > 5_000 and words > 500, "many words are never held twice"
        assert TERM_SINGLE - 1e-5 < top <= TERM_SINGLE  # reached: a word held once, in class A
        kokalla = conn.execute("SELECT count(*) FROM brief.briefs WHERE search @@ 'kokalla'").fetchone()[0]
        assert kokalla > 50 and conn.execute("SELECT count(*) FROM brief.briefs WHERE rich_terms @> "
                                              "'{kokalla}'").fetchone() == (0,)  # fmt: skip


def test_a_word_held_twice_in_one_brief_loses_its_bound(tmp_path: Path, pg_server: str) -> None:  # noqa: F811
    """The phrase is served from brief.terms while no brief holds `kokalla` twice; once one brief does (its title
    edited, then synced), the bound is TERM_FLOOR and the search falls back: the best hits are still those of a
    ranking of every hit, the edited brief among them."""
    import psycopg

    folder = make_rich(tmp_path / "twice", 600, 11)
    with new_database(pg_server) as dsn:
        assert run("-C", str(folder), "sync", dsn).exit_code == 0
        before = searches(dsn, '"choguel maiga"', (1, 5, 20))
        assert all(before[limit][1] and before[limit][0] == before["every"][:limit] for limit in (1, 5, 20))
        with psycopg.connect(dsn) as conn:
            (path,) = conn.execute("SELECT path FROM brief.briefs WHERE search @@ 'choguel <-> kokalla <-> maiga' "
                                   "AND path LIKE '%.json' ORDER BY path LIMIT 1").fetchone()  # fmt: skip
        edited = folder / path
        text = edited.read_text(encoding="utf-8")
        assert '"title": "' in text
        edited.write_text(text.replace('"title": "', '"title": "Kokalla ', 1), encoding="utf-8")
        assert run("-C", str(folder), "sync", dsn).exit_code == 0
        with psycopg.connect(dsn) as conn:
            assert conn.execute("SELECT array_agg(path) FROM brief.briefs WHERE rich_terms @> "
                                "'{kokalla}'").fetchone() == ([path],)  # fmt: skip
        after = searches(dsn, '"choguel maiga"', (1, 5, 20))
        for limit in (1, 5, 20):
            assert not after[limit][1] and after[limit][0] == after["every"][:limit]
        assert path in [p for p, _ in after["every"][:20]], "held more often, it ranks among the best"


# AND queries and a phrase alone: calc_rank_and, at most 1; the hits of rank 1 in collection and path order
SATURATED = {"choguel maiga": (1, 5, 20, 37), "wagner mali": (1,), "wagner -tag:coup mali": (1,),
             "wagner mali nation:ML": (1,)}  # fmt: skip
NOT_SATURATED = ['"security partnership"', "maiga coup", "sahel* wagner"]  # too few of rank 1 among the first


@pytest.mark.parametrize("words", [*SATURATED, *NOT_SATURATED])
def test_hits_of_rank_one_in_path_order_are_the_best_of_an_and_query(rich: str, words: str) -> None:
    """The best hits of an AND query (or a phrase alone) read in collection and path order when enough of the first
    briefs rank 1 are, in order and with their figures, those of a ranking of every hit; otherwise every hit is
    ranked, to the same answer."""
    import psycopg

    from brief.query import postgres
    from brief.query.filters import Filters
    from brief.query.language import parse_search

    query = parse_search(words)
    with psycopg.connect(rich, autocommit=True) as conn:
        assert postgres._ranked_by_pairs(postgres.text_query(conn, query))
        every = [(r["path"], r["rank"]) for r in postgres.search(conn, query, Filters(), None, False)]
        assert len(every) > 5
        with watching_terms("_from_saturated") as served:
            for limit in (1, 5, 20, 37):
                best = postgres.search(conn, query, Filters(), limit, False)
                assert [(r["path"], r["rank"]) for r in best] == every[:limit], f"limit {limit}"
                assert served.pop() == (limit in SATURATED.get(words, ())), f"limit {limit}"


def test_an_and_query_ranks_at_most_one_and_most_hits_reach_it(rich: str) -> None:
    """The bound the reading in path order relies on: calc_rank_and never exceeds 1, and reaches it for many hits of
    words that recur together."""
    import psycopg

    from brief.query.pg_text import rank_weights

    ranked = "{" + ",".join(str(w) for w in rank_weights()) + "}"
    with psycopg.connect(rich) as conn:
        for query, least in (("choguel & maiga", 40), ("wagner & mali", 1), ("security <-> partnership", 0),
                             ("africa & corps & wagner", 1), ("(wagner | mali) & coup", 1)):  # fmt: skip
            top, ones, hits = conn.execute(
                f"SELECT max(r), count(*) FILTER (WHERE r = 1), count(*) FROM (SELECT ts_rank('{ranked}', search, "
                "%s::tsquery) AS r FROM brief.briefs WHERE search @@ %s::tsquery) x", (query, query)
            ).fetchone()  # fmt: skip
            assert hits > 20 and top <= 1.0 and ones >= least, query

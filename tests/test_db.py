"""`brief list --db` and `brief search --db` against a real PostgreSQL server (tests/pgserver.py), compared with the
local index case by case: the same query cases on both backends must find the same briefs (and list them in the
same order), with the same exit codes."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, run
from pgserver import new_database, pg_server  # noqa: F401  (fixture)

EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def synced(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:  # noqa: F811
    """examples/ as a collection (with two invalid briefs and a default marking), synced to a database."""
    folder = tmp_path_factory.mktemp("db") / "sahel"
    shutil.copytree(EXAMPLES, folder / "briefs")
    (folder / "brief.toml").write_text('paths = ["briefs/"]\nname = "sahel"\n', encoding="utf-8")
    marked = folder / "briefs" / "2023-08-niger-coup.yaml"
    marked.write_text(marked.read_text().replace("\ntitle:", "\ntlp: green\ntitle:", 1), encoding="utf-8")
    with new_database(pg_server) as dsn:
        result = run("-C", str(folder), "sync", dsn)
        assert result.exit_code == 0, result.output
        yield folder, dsn


def both(synced: tuple[Path, str], *args: str) -> tuple[tuple[int, str], tuple[int, str]]:
    """(exit code, output) of a command on the local index, then with --db."""
    folder, dsn = synced
    local = run("-C", str(folder), *args)
    remote = run("-C", str(folder), *args[:1], "--db", dsn, *args[1:])
    return (local.exit_code, local.stdout), (remote.exit_code, remote.stdout)


SEARCHES = [
    "wagner", "maiga", "MAÏGA", "Maïga", "choguel maiga", '"choguel maiga"', '"choguel maiga" OR goita',
    '"choguel maiga" OR goita nation:ML -tag:draft', "wagner -france", "wagner NOT mali", "sahel*", "conf*",
    "AES-confederation", "title:wagner", "summary:coup", "body:prigozhin", "judgment:likely", "judgments:junta",
    "cedeao", "ECOWAS", "africa corps", "wagner nation:niger", "region:sahel domain:defence-security", "tag:coup",
    "actor:france stance:opposes", "stance:support issue:mali-wagner-partnership", "actor:maiga", "lang:en",
    "date:2021..2022", "since:2023 until:2023-09", "id:niger-coup-2023", "tlp:green", "-tlp:green wagner",
    "author:a", "wagner -tag:wagner", "l'armée", "ukraine OR russia -mali", "zzzzqx", "barkhane*", "“mali”",
    "issue:french-military-presence -actor:france", "wagner tag:russia OR tag:ecowas", "tinzaouaten",
]  # fmt: skip


@pytest.mark.parametrize("query", SEARCHES)
def test_search_finds_the_same_briefs_on_both_backends(synced: tuple[Path, str], query: str) -> None:
    (local_code, local), (remote_code, remote) = both(synced, "search", query, "--limit", "0", "--format", "ids")
    assert remote_code == local_code
    assert sorted(remote.split()) == sorted(local.split())


def test_the_cases_are_not_trivial(synced: tuple[Path, str]) -> None:
    """Most cases find some briefs and not all: comparing hit sets means something."""
    sizes = [len(both(synced, "search", q, "--limit", "0", "--format", "ids")[0][1].split()) for q in SEARCHES]
    assert sum(0 < n < 10 for n in sizes) >= len(SEARCHES) * 2 // 3
    assert 0 in sizes


LISTS = [
    [], ["--nation", "niger"], ["--nation", "ML", "--nation", "BF"], ["--since", "2023", "--until", "2023-09"],
    ["--until", "2023-02"], ["--region", "sahel"], ["--domain", "diplomacy"], ["--tag", "Wagner"],
    ["--actor", "Maïga"], ["--actor", "cedeao"], ["--issue", "mali-wagner-partnership"], ["--lang", "en"],
    ["--author", "a"], ["--where", "actors.kind=private-military-company"], ["--where", "language=EN"],
    ["--where", "sources.reliability=b"], ["--tlp", "green"], ["--invalid"], ["--sort", "title"],
    ["--sort", "id", "-r"], ["--sort", "date", "--reverse", "--limit", "3"],
]  # fmt: skip


@pytest.mark.parametrize("options", LISTS, ids=lambda o: " ".join(o) or "all")
def test_list_gives_the_same_briefs_in_the_same_order(synced: tuple[Path, str], options: list[str]) -> None:
    local, remote = both(synced, "list", *options, "--format", "ids")
    assert remote == local
    counted = both(synced, "list", *[o for o in options if o not in ("-r", "--reverse")][:2], "--count")
    assert counted[0] == counted[1]


def test_search_records_carry_the_local_fields_and_the_collection(synced: tuple[Path, str]) -> None:
    (_, local), (_, remote) = both(synced, "search", "maiga", "--format", "json")
    local_hits = {hit["id"]: hit for hit in json.loads(local)["briefs"]}
    remote_hits = {hit["id"]: hit for hit in json.loads(remote)["briefs"]}
    assert set(remote_hits) == set(local_hits)
    for ident, hit in remote_hits.items():
        mine = local_hits[ident]
        assert hit["collection"] == "sahel" and hit["path"] == mine["path"]  # relative to the root in the database
        for key in ("title", "date", "language", "nations", "summary", "valid", "errors", "fields"):
            assert hit[key] == mine[key], (ident, key)
        assert hit["bm25"] is None and hit["rank"] > 0 and 0 <= hit["score"] <= 100
        assert "maïga" in [h.lower() for h in hit["highlights"]], hit["snippet"]
    assert max(hit["score"] for hit in remote_hits.values()) == 100


def test_ranking_puts_title_and_actor_matches_first(synced: tuple[Path, str]) -> None:
    (_, local), (_, remote) = both(synced, "search", "prigozhin", "--format", "json", "--limit", "3")
    first = [json.loads(output)["briefs"][0]["id"] for output in (remote, local)]
    assert first == ["wagner-after-prigozhin-2023"] * 2


def test_snippet_text_is_the_local_full_text(synced: tuple[Path, str]) -> None:
    """query/postgres.py field_text rebuilds the local index's full-text columns from a synced brief's data."""
    import psycopg

    from brief.collection.tables import FTS_COLUMNS
    from brief.query.postgres import field_text

    folder, dsn = synced
    assert run("-C", str(folder), "index").exit_code == 0  # this test's own cache folder
    from brief.collection.stored import register

    index = sqlite3.connect(run("-C", str(folder), "index", "--where").stdout.strip())
    register(index)  # brief_text derives its columns from the stored copies
    local = {row[0]: row[1:] for row in index.execute(
        f"SELECT b.id, {', '.join('t.' + c for c in FTS_COLUMNS)} FROM briefs b JOIN brief_text t ON t.rowid = b.rowid"
    )}  # fmt: skip
    with psycopg.connect(dsn) as conn:
        for ident, data in conn.execute("SELECT id, data FROM brief.briefs").fetchall():
            for column, text in zip(FTS_COLUMNS, local[ident], strict=True):
                assert field_text(data, column) == text, (ident, column)


def test_collections_narrow_and_unknown_ones_are_named(synced: tuple[Path, str]) -> None:
    folder, dsn = synced
    result = run("-C", str(folder), "list", "--db", dsn, "--collection", "sahel", "--count")
    assert result.exit_code == 0 and result.stdout == "10\n"
    result = run("-C", str(folder), "search", "--db", dsn, "wagner", "--collection", "sahle")
    assert result.exit_code == 2
    assert result.stderr == "brief: error: no collection 'sahle' in the database; did you mean 'sahel'?\n"


USAGE_ERRORS = [
    (["list", "--collection", "sahel"], "brief: error: --collection needs --db (it names a collection synced to a "
     "database)\n"),
    (["search", "wagner", "--db", "{dsn}", "briefs"], "brief: error: PATHs do not apply with --db (it answers from "
     "every synced collection; --collection NAME narrows it)\n"),
    (["search", "wagner OR", "--db", "{dsn}"], "brief: error: OR needs a search term on each side\n"),
    (["search", "nation:atlantis", "--db", "{dsn}"], "brief: error: unknown nation 'atlantis'\n"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS)
def test_usage_errors_exit_2(synced: tuple[Path, str], args: list[str], message: str) -> None:
    folder, dsn = synced
    result = run("-C", str(folder), *[a.replace("{dsn}", dsn) for a in args])
    assert (result.exit_code, result.stderr) == (2, message)


def test_no_hit_exits_1_with_suggestions(synced: tuple[Path, str]) -> None:
    folder, dsn = synced
    result = run("-C", str(folder), "search", "--db", dsn, "wagnr")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == "brief: no brief matches 'wagnr'; did you mean 'Wagner'?\n"


def test_search_and_list_from_the_database_load_nothing_of_the_local_index(synced: tuple[Path, str]) -> None:
    """`search --db` and `list --db` pay for psycopg, not for SQLite, YAML or the validators: the modules they share
    with the local commands import those only where the local index is read."""
    import subprocess
    import sys

    folder, dsn = synced
    probe = (
        "import sys\nfrom brief.cli.main import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('LOADED=' + ','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'sqlite3', 'yaml', 'jsonschema', 'jsonschema_rs', 'tabulate', 'multiprocessing'})))"
    )  # fmt: skip
    for args in (["search", "--db", dsn, '"choguel maiga" OR goita nation:ML'], ["list", "--db", dsn, "--count"]):
        result = subprocess.run([sys.executable, "-c", probe, "-C", str(folder), *args], capture_output=True,
                                text=True, check=True)  # fmt: skip
        lines = result.stdout.splitlines()
        assert len(lines) > 1 and lines[-1] == "LOADED=", (args, result.stdout, result.stderr)


def test_a_database_without_a_sync_says_so(pg_server: str) -> None:  # noqa: F811
    with new_database(pg_server) as dsn:
        result = run("list", "--db", dsn)
    assert result.exit_code == 2
    assert result.stderr == "brief: error: the database holds no synced collection yet (brief sync DSN writes one)\n"



# --- ranking: the best hits without reading every hit's whole tsvector (query/postgres.py, "ranking") ---------------


@pytest.fixture(scope="module")
def rich(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    """400 briefs of the benchmark's rich corpus (bench/corpus.py: actors and issues recur, "wagner" is in about
    80 % of them, many hits tie on their title and actors), synced to a database of their own."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("rich")
    subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), "--count", "400", "--seed", "3",
                    str(folder / "briefs")], check=True, capture_output=True)  # fmt: skip
    (folder / "brief.toml").write_text('paths = ["briefs/"]\nname = "rich"\n', encoding="utf-8")
    with new_database(pg_server) as dsn:
        result = run("-C", str(folder), "sync", dsn)
        assert result.exit_code == 0, result.output
        yield dsn


RANKED = ["wagner", "mali", "russia", "maiga", "security", "france", "sahel", "junta", "coup", "wagner nation:ML",
          "wagner -tag:coup", "wagner OR mali", "wagner since:2023", "niger tag:coup", "africa corps",
          '"africa corps"', '"security partnership"', "sahel*", "wagner -niger", "title:wagner", '"choguel maiga"',
          '"choguel maiga" OR goita', "security -tag:coup -partnership"]  # fmt: skip
RANKED_IN_FULL = {"africa corps", '"security partnership"', "sahel*"}  # AND, a phrase alone, a prefix: every hit ranked


@pytest.mark.parametrize("terms", [True, False], ids=["terms", "heads"])
@pytest.mark.parametrize("words", RANKED)
def test_the_best_hits_are_those_of_a_ranking_of_every_hit(rich: str, words: str, terms: bool,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The top hits of a pruned ranking (only the hits that may be among the best are ranked in full) are, in order
    and with their figures, the first hits of a ranking of every hit: with brief.terms read first
    (tests/test_db_terms.py), and without it (the bounds from the heads alone)."""
    import psycopg

    from brief.query import postgres

    if not terms:
        monkeypatch.setattr(postgres, "_from_terms", lambda *args: None)
    from brief.query.filters import Filters
    from brief.query.language import parse_search

    query = parse_search(words)
    with psycopg.connect(rich, autocommit=True) as conn:
        every = postgres.search(conn, query, Filters(), None, False)  # no limit: every hit ranked
        assert len(every) > 25, "too few hits to choose from"
        for limit in (1, 5, 20):
            best = postgres.search(conn, query, Filters(), limit, False)
            assert [(r["path"], r["rank"]) for r in best] == [(r["path"], r["rank"]) for r in every[:limit]]
        prunable = postgres._prunable(postgres.text_query(conn, query))
    assert prunable == (words not in RANKED_IN_FULL)


def test_bounds_of_the_pruned_ranking_hold_for_every_hit(rich: str) -> None:
    """For every hit of a common word: the head's rank <= the full rank <= the head's rank + the tail's bound."""
    import psycopg

    from brief.query.pg_text import rank_weights
    from brief.query.postgres import RANK_SLACK

    weights = rank_weights()
    ranked = "{" + ",".join(str(w) for w in weights) + "}"
    tail = max(weights[:2])
    with psycopg.connect(rich) as conn:
        for word in ("wagner", "mali", "(maiga | (choguel <-> maiga))", "(junta | coup)"):
            rows = conn.execute(
                f"SELECT ts_rank('{ranked}', search_head, %s), ts_rank('{ranked}', search, %s) FROM brief.briefs "
                "WHERE search @@ %s::tsquery",
                [word] * 3,
            ).fetchall()
            assert len(rows) > 50
            for low, full in rows:
                assert low - 1e-6 <= full <= low + tail * (1 - low) + RANK_SLACK / 10
    # the weights fall from class A to B to C and D (which are equal), and none exceeds 1: the bounds need it
    assert 1 == weights[3] >= weights[2] >= weights[1] == weights[0]

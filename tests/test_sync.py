"""`brief sync` end to end, through the real command line, against a real PostgreSQL server (tests/pgserver.py):
a sync of examples/, edits, deletions, a second collection, rows compared with the local index, the TLP rule,
invalid briefs, two syncs at once, a sync killed mid-way, and the schema's versioning."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from conftest import ROOT, run_process
from pgserver import new_database, pg_dsn, pg_server  # noqa: F401  (fixtures)

EXAMPLES = ROOT / "examples"


def make_collection(parent: Path, name: str | None = None, source: Path = EXAMPLES) -> Path:
    """A collection folder with a brief.toml (and a name, if given) holding a copy of `source`'s briefs."""
    folder = parent / (name or "team")
    shutil.copytree(source, folder / "briefs")
    settings = 'paths = ["briefs/"]\n' + (f'name = "{name}"\n' if name else "")
    (folder / "brief.toml").write_text(settings, encoding="utf-8")
    return folder


def sync(folder: Path, dsn: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = run_process("sync", dsn, *args, "--format", "json", cwd=folder, env=env)
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(), result.stderr.decode())


def report(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def query(dsn: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        cursor = conn.execute(sql, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def snapshot(dsn: str) -> dict[str, Any]:
    """Everything a sync may change: each table's rows (less the keys), per collection."""
    tables = ["collections", "briefs", "actors", "actor_aliases", "issues", "positions", "relations", "judgments",
              "figures", "sources"]  # fmt: skip
    out: dict[str, Any] = {}
    for table in tables:
        if table == "collections":
            rows = query(dsn, "SELECT name, synced_at, briefs FROM brief.collections ORDER BY name")
        elif table == "briefs":
            rows = query(dsn, "SELECT c.name, path, hash, title FROM brief.briefs b JOIN brief.collections c ON "
                              "c.id = b.collection ORDER BY 1, 2")  # fmt: skip
        else:
            rows = query(dsn, f"SELECT count(*) FROM brief.{table}")
        out[table] = rows
    return out


def local_index(folder: Path) -> sqlite3.Connection:
    where = run_process("index", "--where", cwd=folder).stdout.decode().strip()
    return sqlite3.connect(where)


# --- a sync of examples/, then edits and deletions -------------------------------------------------------------------


def test_first_sync_of_the_examples_mirrors_the_local_index(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    folder = make_collection(tmp_path, "sahel")
    result = sync(folder, pg_dsn)
    assert result.returncode == 0, result.stderr
    done = report(result)
    assert (done["added"], done["changed"], done["removed"], done["unchanged"]) == (10, 0, 0, 0)
    assert done["collection"] == "sahel" and done["seconds"] > 0
    db = local_index(folder)
    # the same briefs, with the same metadata
    local = {
        row[0]: row[1:] for row in db.execute("SELECT id, title, date, language, summary FROM briefs")
    }  # fmt: skip
    remote = {
        row[0]: (row[1], row[2].isoformat(), row[3], row[4])
        for row in query(pg_dsn, "SELECT id, title, date, language, summary FROM brief.briefs")
    }
    assert remote == local
    # paths relative to the collection's folder, as every checkout has them
    assert sorted(p for (p,) in query(pg_dsn, "SELECT path FROM brief.briefs")) == sorted(
        f"briefs/{name}" for name in os.listdir(EXAMPLES)
    )

    # the same actors, issues, positions and sources as the local index holds
    def local_set(sql: str) -> set[tuple[Any, ...]]:
        return set(db.execute(sql))

    def remote_set(sql: str) -> set[tuple[Any, ...]]:
        return set(query(pg_dsn, sql))

    assert remote_set("SELECT b.id, a.actor_id, a.name, a.kind FROM brief.actors a JOIN brief.briefs b ON b.key = "
                      "a.brief") == local_set("SELECT b.id, a.actor_id, a.name, a.kind FROM actors a JOIN briefs b ON "
                                              "b.rowid = a.brief")  # fmt: skip
    assert remote_set(
        "SELECT b.id, p.actor_id, p.issue_id, p.stance, p.basis, p.confidence FROM brief.positions p JOIN "
        "brief.briefs b ON b.key = p.brief"
    ) == local_set(
        "SELECT b.id, p.actor_id, p.issue_id, p.stance, p.basis, p.confidence FROM positions p JOIN briefs b ON "
        "b.rowid = p.brief"
    )
    assert remote_set("SELECT b.id, i.issue_id FROM brief.issues i JOIN brief.briefs b ON b.key = i.brief") == \
        local_set("SELECT b.id, i.issue_id FROM issues i JOIN briefs b ON b.rowid = i.brief")  # fmt: skip
    assert remote_set(
        "SELECT b.id, s.source_id, s.reliability, s.credibility FROM brief.sources s JOIN brief.briefs b ON "
        "b.key = s.brief"
    ) == local_set(
        "SELECT b.id, s.source_id, s.reliability, s.credibility FROM sources s JOIN briefs b ON b.rowid = s.brief"
    )
    aliases = {(b, a, alias) for b, a, names in db.execute(
        "SELECT b.id, a.actor_id, a.aliases FROM actors a JOIN briefs b ON b.rowid = a.brief") for alias in
        json.loads(names)}  # fmt: skip
    assert remote_set("SELECT b.id, l.actor_id, l.alias FROM brief.actor_aliases l JOIN brief.briefs b ON "
                      "b.key = l.brief") == aliases  # fmt: skip
    # the normalised brief, as `brief show --format json` prints it
    shown = json.loads(run_process("show", "mali-wagner-2021", "--format", "json", cwd=folder).stdout)["brief"]
    (stored,) = query(pg_dsn, "SELECT data FROM brief.briefs WHERE id = 'mali-wagner-2021'")[0]
    assert stored == shown
    # judgments and figures, typed, one row per item of the data
    assert query(pg_dsn, "SELECT count(*) FROM brief.judgments") == query(
        pg_dsn, "SELECT sum(jsonb_array_length(data->'key_judgments'))::bigint FROM brief.briefs")
    (figure,) = query(pg_dsn, "SELECT value, date, date_precision FROM brief.figures WHERE date_precision IS NOT NULL "
                              "ORDER BY brief, ordinal LIMIT 1")  # fmt: skip
    assert isinstance(figure[0], float) and figure[2] in ("year", "month", "day")


def test_a_second_sync_writes_nothing_and_edits_and_deletions_are_mirrored(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    folder = make_collection(tmp_path, "sahel")
    assert sync(folder, pg_dsn).returncode == 0
    before = query(pg_dsn, "SELECT key, path FROM brief.briefs ORDER BY key")
    again = report(sync(folder, pg_dsn))
    assert (again["added"], again["changed"], again["removed"], again["unchanged"]) == (0, 0, 0, 10)
    assert query(pg_dsn, "SELECT key, path FROM brief.briefs ORDER BY key") == before  # nothing rewritten

    edited = folder / "briefs" / "2023-08-niger-coup.yaml"
    edited.write_text(edited.read_text().replace("title: ", "title: EDITED ", 1), encoding="utf-8")
    (folder / "briefs" / "2024-07-aes-confederation.yaml").unlink()
    (folder / "briefs" / "2021-12-wagner-deployment-mali.json").unlink()
    done = report(sync(folder, pg_dsn))
    assert (done["added"], done["changed"], done["removed"], done["unchanged"]) == (0, 1, 2, 7)
    (title,) = query(pg_dsn, "SELECT title FROM brief.briefs WHERE id = 'niger-coup-2023'")[0]
    assert title.startswith("EDITED ")
    assert query(pg_dsn, "SELECT count(*) FROM brief.briefs WHERE id IN ('aes-confederation-2024', "
                         "'wagner-deployment-mali-2021')") == [(0,)]  # fmt: skip
    # the children of removed and replaced briefs go with them
    orphans = query(pg_dsn, "SELECT count(*) FROM brief.positions p WHERE NOT EXISTS (SELECT 1 FROM brief.briefs b "
                            "WHERE b.key = p.brief)")  # fmt: skip
    assert orphans == [(0,)]
    assert query(pg_dsn, "SELECT count(*) FROM brief.positions")[0][0] == local_index(folder).execute(
        "SELECT count(*) FROM positions").fetchone()[0]  # fmt: skip
    assert query(pg_dsn, "SELECT name, briefs FROM brief.collections") == [("sahel", 8)]


def test_a_larger_sync_made_by_worker_processes_mirrors_the_local_index(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    """Past PARALLEL_THRESHOLD briefs worker processes make the rows (remote/sync.py): the same rows as the local
    index holds, every brief's jsonb its normalised data, the full-text entries searchable at once (the GIN
    indexes' pending lists merged)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import corpus

    folder = make_collection(tmp_path, "many")
    corpus.generate(folder / "briefs" / "many", 150, 4, {"yaml": 1, "json": 1}, corpus="small")
    done = report(sync(folder, pg_dsn))
    assert (done["added"], done["invalid"]) == (160, 0)
    db = local_index(folder)
    remote = "SELECT b.id, p.actor_id, p.issue_id, p.stance FROM brief.positions p JOIN brief.briefs b ON b.key = " \
             "p.brief"
    local = "SELECT b.id, p.actor_id, p.issue_id, p.stance FROM positions p JOIN briefs b ON b.rowid = p.brief"
    assert set(query(pg_dsn, remote)) == set(db.execute(local))
    assert query(pg_dsn, "SELECT count(*) FROM brief.actors")[0][0] == db.execute(
        "SELECT count(*) FROM actors").fetchone()[0]  # fmt: skip
    (ident,) = query(pg_dsn, "SELECT id FROM brief.briefs WHERE path LIKE 'briefs/many/%%' ORDER BY path LIMIT 1")[0]
    shown = json.loads(run_process("show", ident, "--format", "json", cwd=folder).stdout)["brief"]
    assert query(pg_dsn, "SELECT data FROM brief.briefs WHERE id = %s", (ident,)) == [(shown,)]
    found = run_process("search", "wagner", "--limit", "0", "--format", "ids", cwd=folder).stdout.decode().split()
    remote_found = run_process("search", "--db", pg_dsn, "wagner", "--limit", "0", "--format", "ids",
                         cwd=folder).stdout.decode().split()  # fmt: skip
    assert sorted(remote_found) == sorted(found) and len(found) > 10


LABELS = (
    "SELECT actor_id, fold FROM brief.actor_labels",
    "SELECT actor_id, name_fold FROM brief.actors UNION SELECT actor_id, fold FROM brief.actor_aliases",
)


def test_actor_labels_follow_edits_deletions_and_collections(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    """brief.actor_labels (what the alias expansion reads) holds each actor's names and aliases once, from the
    briefs the database holds now: after another collection's sync, an edit and a deletion."""
    first = make_collection(tmp_path, "sahel")
    second = make_collection(tmp_path / "other", "team")
    assert sync(first, pg_dsn).returncode == 0
    labels, expected = (set(query(pg_dsn, sql)) for sql in LABELS)
    assert labels == expected and ("abdourahamane-tiani", "general tiani") in labels
    assert len(query(pg_dsn, LABELS[0])) == len(labels)  # one row per actor and folded label
    assert sync(second, pg_dsn).returncode == 0
    assert set(query(pg_dsn, LABELS[0])) == labels  # the same actors again: nothing doubled
    # an alias that one brief of one collection gives: found, and expanded, as on the local index
    edited = first / "briefs" / "2023-08-niger-coup.yaml"
    old = "aliases: [Abdourahamane Tchiani, General Tiani]"
    edited.write_text(edited.read_text(encoding="utf-8").replace(old, old[:-1] + ", Omarou]"), encoding="utf-8")
    assert report(sync(first, pg_dsn))["changed"] == 1
    assert set(query(pg_dsn, LABELS[0])) == set(query(pg_dsn, LABELS[1])) == labels | {("abdourahamane-tiani",
                                                                                         "omarou")}  # fmt: skip

    def ids(*args: str) -> list[str]:
        found = run_process("search", "omarou", "--limit", "0", "--format", "ids", *args, cwd=first)
        return sorted(found.stdout.decode().split())

    assert ids("--db", pg_dsn, "--collection", "sahel") == ids() and len(ids()) > 1  # Tiani's other names too
    # gone with the only brief that gave it: no stale label expands the words to Tiani's other names
    edited.unlink()
    assert report(sync(first, pg_dsn))["removed"] == 1
    assert set(query(pg_dsn, LABELS[0])) == set(query(pg_dsn, LABELS[1])) == labels
    assert run_process("search", "--db", pg_dsn, "omarou", cwd=first).returncode == 1


def test_a_second_collection_is_kept_apart(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    first = make_collection(tmp_path, "sahel")
    second = make_collection(tmp_path / "other", None)  # named after its folder: "team"
    for name in os.listdir(second / "briefs")[3:]:
        (second / "briefs" / name).unlink()
    assert sync(first, pg_dsn).returncode == 0
    done = report(sync(second, pg_dsn))
    assert done["collection"] == "team" and done["added"] == 3
    assert query(pg_dsn, "SELECT c.name, count(*) FROM brief.briefs b JOIN brief.collections c ON c.id = b.collection "
                         "GROUP BY 1 ORDER BY 1") == [("sahel", 10), ("team", 3)]  # fmt: skip
    # deleting every brief of the second touches nothing of the first
    for name in os.listdir(second / "briefs"):
        (second / "briefs" / name).unlink()
    assert report(sync(second, pg_dsn))["removed"] == 3
    assert query(pg_dsn, "SELECT c.name, count(*) FROM brief.briefs b JOIN brief.collections c ON c.id = b.collection "
                         "GROUP BY 1") == [("sahel", 10)]  # fmt: skip
    # --collection on the command line names it instead
    assert report(sync(first, pg_dsn, "--collection", "renamed"))["added"] == 10
    assert report(sync(first, pg_dsn))["unchanged"] == 10


CHILDREN = ["actors", "actor_aliases", "actor_affiliations", "issues", "positions", "relations", "judgments", "figures",
            "sources"]  # fmt: skip


def test_a_briefs_rows_go_with_it_however_it_goes(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    """Schema version 3 keeps the child rows' link to their brief by statement triggers, not foreign keys: a brief
    deleted by a sync, by hand, or with its collection, or the briefs truncated, takes its rows in every table."""

    def rows() -> dict[str, list[tuple[Any, ...]]]:  # per table: (collection, rows), and rows left without a brief
        return {table: query(pg_dsn, f"SELECT coalesce(c.name, 'orphan'), count(*) FROM brief.{table} t LEFT JOIN "
                                     f"brief.briefs b ON b.key = t.brief LEFT JOIN brief.collections c ON "
                                     f"c.id = b.collection GROUP BY 1 ORDER BY 1") for table in CHILDREN}  # fmt: skip

    first, second = make_collection(tmp_path, "sahel"), make_collection(tmp_path / "b", "other")
    assert sync(first, pg_dsn).returncode == sync(second, pg_dsn).returncode == 0
    both = rows()
    assert all([name for name, _ in found] == ["other", "sahel"] for found in both.values()), both
    (first / "briefs" / "2023-08-niger-coup.yaml").unlink()  # removed by a sync
    assert report(sync(first, pg_dsn))["removed"] == 1
    query(pg_dsn, "DELETE FROM brief.briefs WHERE id = 'mali-wagner-2021' AND collection = "
                  "(SELECT id FROM brief.collections WHERE name = 'sahel')")  # by hand
    after = rows()
    assert all(dict(after[t])["other"] == dict(both[t])["other"] and "orphan" not in dict(after[t]) for t in CHILDREN)
    assert sum(dict(after[t])["sahel"] for t in CHILDREN) < sum(dict(both[t])["sahel"] for t in CHILDREN)
    query(pg_dsn, "DELETE FROM brief.collections WHERE name = 'sahel'")  # with its collection
    assert rows() == {t: [("other", dict(both[t])["other"])] for t in CHILDREN}
    query(pg_dsn, "TRUNCATE brief.briefs")
    assert rows() == {t: [] for t in CHILDREN}


# --- what is not synced -----------------------------------------------------------------------------------------------


def test_invalid_briefs_are_not_synced_and_are_counted(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    folder = make_collection(tmp_path, "sahel")
    assert sync(folder, pg_dsn).returncode == 0
    broken = folder / "briefs" / "2023-08-niger-coup.yaml"
    broken.write_text(broken.read_text().replace("stance: ", "stance: sideways-", 1), encoding="utf-8")
    (folder / "briefs" / "garbage.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    result = sync(folder, pg_dsn)
    assert result.returncode == 1
    done = report(result)
    assert done["invalid"] == 2 and done["removed"] == 1 and done["unchanged"] == 9
    assert "brief: 2 invalid briefs not synced: " in result.stderr and "garbage.yaml" in result.stderr
    assert "(brief validate shows why)" in result.stderr
    assert query(pg_dsn, "SELECT count(*) FROM brief.briefs WHERE id = 'niger-coup-2023'") == [(0,)]


def test_the_tlp_rule_withholds_as_export_does(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    folder = make_collection(tmp_path, "sahel")
    red = folder / "briefs" / "2023-08-niger-coup.yaml"
    red.write_text(red.read_text().replace("\ntitle:", "\ntlp: red\ntitle:", 1), encoding="utf-8")
    (folder / "brief.toml").write_text('paths = ["briefs/"]\nname = "sahel"\ntlp = "green"\n', encoding="utf-8")
    result = sync(folder, pg_dsn)
    assert result.returncode == 0, result.stderr
    assert report(result)["added"] == 9
    assert "brief: withheld 1 brief marked above TLP:AMBER: 1 TLP:RED (--max-tlp red syncs them)" in result.stderr
    # the collection's default marking is written with each brief, in its column and its data
    assert query(pg_dsn, "SELECT DISTINCT tlp, data->>'tlp' FROM brief.briefs") == [("green", "green")]
    done = report(sync(folder, pg_dsn, "--max-tlp", "red"))
    assert (done["added"], done["unchanged"]) == (1, 9)
    assert query(pg_dsn, "SELECT tlp FROM brief.briefs WHERE id = 'niger-coup-2023'") == [("red",)]
    # a lower limit later removes what it withholds; a changed default rewrites the briefs it marks
    done = report(sync(folder, pg_dsn, "--max-tlp", "clear"))
    assert (done["removed"], done["briefs"]) == (10, 0)
    (folder / "brief.toml").write_text('paths = ["briefs/"]\nname = "sahel"\ntlp = "clear"\n', encoding="utf-8")
    done = report(sync(folder, pg_dsn))
    assert (done["added"], done["briefs"]) == (9, 9)
    assert query(pg_dsn, "SELECT DISTINCT tlp FROM brief.briefs") == [("clear",)]


def test_a_hostile_body_is_synced_within_postgresql_limits(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    """A brief of 1.6 MB of distinct words (PostgreSQL refuses a tsvector over 1 MB, a word over 2 KB) and control
    characters: synced, its first words searchable, the sync not failed for it."""
    import random

    folder = make_collection(tmp_path, "sahel")
    source = (folder / "briefs" / "2023-08-niger-coup.yaml").read_text(encoding="utf-8")
    rng = random.Random(1)
    words = " ".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(10)) for _ in range(150_000))
    body = "zyxwvutsr firstword \x1b[31m " + "q" * 5000 + " " + words
    huge = source.replace("id: niger-coup-2023", "id: huge-2023").split("\nbody:")[0]
    (folder / "briefs" / "huge.yaml").write_text(huge + "\nbody: " + json.dumps(body) + "\n", encoding="utf-8")
    assert run_process("validate", "briefs/huge.yaml", cwd=folder).returncode == 0
    result = sync(folder, pg_dsn)
    assert result.returncode == 0, result.stderr
    assert report(result)["added"] == 11
    found = run_process("search", "--db", pg_dsn, "zyxwvutsr", "--format", "ids", cwd=folder)
    assert found.stdout == b"huge-2023\n"



def test_the_jsonb_and_rows_made_from_the_stored_text_are_those_made_from_the_data(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    """A sync reads each stored copy with orjson and sends its text as the jsonb (query/mirror.py): the same data,
    rows and jsonb text as reading it with the json module and writing it again gave, for numbers orjson cannot
    hold as integers (a figure past 64 bits), a large float, and text past ASCII too; the database holds it."""
    from brief.base.text import compact_json
    from brief.collection.stored import register
    from brief.format.normal import plain
    from brief.query.mirror import loads, stored
    from brief.remote.rows import brief_rows, empty_rows

    folder = make_collection(tmp_path, "sahel")
    odd = folder / "briefs" / "2023-08-niger-coup.yaml"
    text = odd.read_text(encoding="utf-8").replace("value: 1500", "value: 123456789012345678901234567890", 1)
    text = text.replace("value: 7,", "value: 1.5e300,", 1).replace("\ntitle: ", "\ntitle: Ωμέγα 数据 \U0001f600 ", 1)
    odd.write_text(text, encoding="utf-8")
    assert run_process("validate", "briefs/2023-08-niger-coup.yaml", cwd=folder).returncode == 0
    assert run_process("index", cwd=folder).returncode == 0
    db = local_index(folder)
    register(db)
    texts = dict(db.execute("SELECT b.rowid, brief_json(d.data) FROM briefs b JOIN brief_data d ON "
                            "d.rowid = b.rowid WHERE d.data IS NOT NULL"))  # fmt: skip
    assert len(texts) == 10
    for row, data, columns, document in stored(db, sorted(texts)):
        before = plain(json.loads(texts[row]))
        assert repr(data) == repr(before) and repr(loads(texts[row])) == repr(before)  # int stays int, float float
        assert document == compact_json(before)
        old, new = empty_rows(), empty_rows()
        brief_rows(1, 1, "p", "h", before, columns, old)
        brief_rows(1, 1, "p", "h", data, columns, new, document)
        assert repr(new) == repr(old)
    assert any("123456789012345678901234567890" in t for t in texts.values())
    assert sync(folder, pg_dsn).returncode == 0
    for stored_text in texts.values():  # the jsonb the old way's text makes (the server's numbers are numeric)
        old_text = compact_json(plain(json.loads(stored_text))).decode()
        assert query(pg_dsn, "SELECT data = %s::jsonb FROM brief.briefs WHERE id = %s",
                     (old_text, json.loads(stored_text)["id"])) == [(True,)]  # fmt: skip
    assert query(pg_dsn, "SELECT value FROM brief.figures WHERE value > 1e29 ORDER BY value") == [
        (123456789012345678901234567890.0,), (1.5e300,)]  # fmt: skip



def test_a_batch_made_slice_by_slice_is_the_batch_made_at_once(tmp_path: Path, monkeypatch: Any) -> None:
    """A worker encodes a batch's rows SLICE briefs at a time (remote/sync.py _batch_rows): the same COPY streams,
    byte for byte, and the same labels as the whole batch encoded at once."""
    from brief.remote import sync as syncing

    folder = make_collection(tmp_path, "sahel")
    assert run_process("index", cwd=folder).returncode == 0
    where = run_process("index", "--where", cwd=folder).stdout.decode().strip()
    rows = [row for (row,) in sqlite3.connect(where).execute("SELECT rowid FROM briefs ORDER BY path")]
    batch = [(row, f"briefs/{row}", f"hash{row}", 100 + row, "green" if row % 2 else None) for row in rows]
    syncing._open_index(where, 7)
    made = {}
    for size in (1, 3, 1000):
        monkeypatch.setattr(syncing, "SLICE", size)
        parts, labels = syncing._batch_rows(batch)
        made[size] = ({table: b"".join(found) for table, found in parts.items()}, labels)
        assert all(len(found) == -(-len(batch) // size) for table, found in parts.items() if table == "briefs")
    assert made[1] == made[3] == made[1000]
    streams, labels = made[1000]
    assert set(streams) >= {"briefs", "actors", "actor_aliases", "positions"} and len(labels) > 50


# --- concurrency and failure ------------------------------------------------------------------------------------------


INDEXES = ("SELECT i.indexrelid, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
           "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
           "WHERE n.nspname = 'brief' ORDER BY 2")  # fmt: skip


def generated_collection(parent: Path, name: str, count: int) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    import corpus

    folder = make_collection(parent, name)
    corpus.generate(folder / "briefs" / "many", count, 1, {"yaml": 1}, corpus="small")
    run_process("index", cwd=folder, timeout=300)  # a sync then goes straight to the database
    return folder


def test_a_first_sync_into_an_empty_database_builds_the_indexes_once_with_another_waiting(
    tmp_path: Path, pg_dsn: str  # noqa: F811
) -> None:
    """Into a database whose tables hold no brief, a sync of DEFER_THRESHOLD briefs or more drops the secondary
    indexes and builds them once its rows are in (remote/sync.py _defer_indexes): the same indexes as the schema
    declares, new ones (their OIDs); a second collection's sync started meanwhile waits, then succeeds, and its
    briefs are searchable as the first's are; the next large sync, into tables that hold briefs, leaves them be."""
    from brief.remote.sync import DEFER_THRESHOLD

    big = generated_collection(tmp_path, "big", DEFER_THRESHOLD)
    small = make_collection(tmp_path / "b", "small")
    assert report(sync(small, pg_dsn, "--collection", "warm-up"))["added"] == 10  # the schema, then emptied
    query(pg_dsn, "DELETE FROM brief.briefs")
    declared = query(pg_dsn, INDEXES)
    exe = str(Path(sys.executable).with_name("brief"))
    first = subprocess.Popen([exe, "sync", pg_dsn, "--format", "json"], cwd=big, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not query(pg_dsn, "SELECT 1 FROM pg_stat_activity WHERE application_name = 'brief' AND "
                            "query LIKE 'COPY brief.%%'"):  # fmt: skip
        assert time.monotonic() < deadline and first.poll() is None, "the first sync never copied"
        time.sleep(0.005)
    second = sync(small, pg_dsn)  # waits for the first's commit
    out, _ = first.communicate(timeout=300)
    assert first.returncode == 0 and json.loads(out)["added"] == DEFER_THRESHOLD + 10
    assert report(second)["added"] == 10
    built = query(pg_dsn, INDEXES)
    assert [row[1:] for row in built] == [row[1:] for row in declared]
    renewed = {row[1] for row, old in zip(built, declared, strict=True) if row[0] != old[0]}
    assert {"briefs_search", "actors_name_fold", "positions_stance"} <= {name.split(".")[-1] for name in renewed}
    assert not {name for name in renewed if name.endswith("_pkey")}  # constraints' indexes are kept
    # built GIN first (serial, beside a cold local build's end), then the b-trees (parallel): in order of their OIDs
    gin_first = [" USING gin " in row[2] for row in sorted(built, key=lambda row: int(row[0])) if row[1] in renewed]
    assert gin_first == sorted(gin_first, reverse=True) and any(gin_first) and not all(gin_first)
    for folder in (big, small):
        found = run_process("search", "--db", pg_dsn, "wagner", "--collection", folder.name, "--limit", "0",
                            "--format", "ids", cwd=folder).stdout.split()  # fmt: skip
        assert len(found) == len(run_process("search", "wagner", "--limit", "0", "--format", "ids",
                                             cwd=folder).stdout.split()) > 0  # fmt: skip
    # tables that hold briefs: the indexes stay, updated row by row
    other = generated_collection(tmp_path / "c", "other", DEFER_THRESHOLD)
    assert report(sync(other, pg_dsn))["added"] == DEFER_THRESHOLD + 10
    assert query(pg_dsn, INDEXES) == built


def test_a_killed_first_sync_leaves_the_indexes_as_they_were(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    from brief.remote.sync import DEFER_THRESHOLD

    folder = generated_collection(tmp_path, "big", DEFER_THRESHOLD)
    assert report(sync(make_collection(tmp_path / "b", "small"), pg_dsn))["added"] == 10
    query(pg_dsn, "DELETE FROM brief.briefs")
    before = (query(pg_dsn, INDEXES), snapshot(pg_dsn))
    exe = str(Path(sys.executable).with_name("brief"))
    process = subprocess.Popen([exe, "sync", pg_dsn], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not query(pg_dsn, "SELECT 1 FROM pg_stat_activity WHERE application_name = 'brief' AND "
                            "query LIKE 'COPY brief.%%'"):  # fmt: skip
        assert time.monotonic() < deadline and process.poll() is None, "the sync finished before it could be killed"
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while query(pg_dsn, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'brief'") != [(0,)]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert (query(pg_dsn, INDEXES), snapshot(pg_dsn)) == before




def test_two_syncs_at_once_take_turns_and_both_succeed(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    folder = make_collection(tmp_path, "sahel")
    run_process("index", cwd=folder)  # both then go straight to the database
    exe = str(Path(sys.executable).with_name("brief"))
    env = {**os.environ, "NO_COLOR": "1"}
    command = [exe, "sync", pg_dsn, "--format", "json"]
    processes = [
        subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], [err for _, err in outputs]
    reports = [json.loads(out) for out, _ in outputs]
    # one wrote the briefs; the other, waiting on the lock, found them written
    assert sorted((r["added"], r["unchanged"]) for r in reports) == [(0, 10), (10, 0)]
    assert query(pg_dsn, "SELECT count(*), count(DISTINCT path) FROM brief.briefs") == [(10, 10)]


def test_a_killed_sync_leaves_the_database_as_it_was(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    sys.path.insert(0, str(ROOT / "bench"))
    import corpus

    folder = make_collection(tmp_path, "sahel")
    assert sync(folder, pg_dsn).returncode == 0
    before = snapshot(pg_dsn)
    corpus.generate(folder / "briefs" / "many", 1500, 1, {"yaml": 1}, corpus="small")
    run_process("index", cwd=folder, timeout=300)  # the sync then starts writing at once
    exe = str(Path(sys.executable).with_name("brief"))
    process = subprocess.Popen([exe, "sync", pg_dsn], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    copying = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        # mid-way: the sync holds its lock and is copying briefs into the tables
        active = query(pg_dsn, "SELECT query FROM pg_stat_activity WHERE application_name = 'brief' AND "
                               "state = 'active' AND query LIKE 'COPY brief.%%'")  # fmt: skip
        if active:
            copying = True
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait(timeout=30)
    assert copying, "the sync finished before it could be killed mid-way"
    assert process.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 30  # the server notices the lost connection and rolls its transaction back
    while query(pg_dsn, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'brief'") != [(0,)]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert snapshot(pg_dsn) == before
    # and the next sync does the whole work, its lock free again
    done = report(sync(folder, pg_dsn))
    assert (done["added"], done["unchanged"]) == (1500, 10)


# --- errors -----------------------------------------------------------------------------------------------------------


def test_errors_are_one_line_with_exit_code_2(tmp_path: Path, pg_server: str) -> None:  # noqa: F811
    from psycopg.conninfo import make_conninfo

    folder = make_collection(tmp_path, "sahel")
    env = {"BRIEF_DATABASE_URL": ""}
    result = sync(folder, "", env=env)
    # the empty first argument is no path and no connection string
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    missing = make_conninfo(pg_server, dbname="no_such_database", password="s3cret")
    result = run_process("sync", missing, cwd=folder)
    err = result.stderr.decode()
    assert result.returncode == 2 and err.startswith("brief: error: cannot connect to ") and err.count("\n") == 1
    assert "s3cret" not in err and "no_such_database" in err
    result = run_process("sync", cwd=folder, env={"BRIEF_DATABASE_URL": ""})
    assert result.returncode == 2
    assert result.stderr.decode() == ("brief: error: no database: give a connection string (postgresql://…), set "
                                      "BRIEF_DATABASE_URL, or set `database` in brief.toml\n")  # fmt: skip


def test_the_database_may_come_from_the_environment_or_the_configuration(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    folder = make_collection(tmp_path, "sahel")
    result = run_process("sync", cwd=folder, env={"BRIEF_DATABASE_URL": pg_dsn})
    assert result.returncode == 0 and b"10 added" in result.stdout
    (folder / "brief.toml").write_text(f'paths = ["briefs/"]\nname = "sahel"\ndatabase = "{pg_dsn}"\n')
    result = run_process("sync", cwd=folder, env={"BRIEF_DATABASE_URL": ""})
    assert result.returncode == 0 and b"10 unchanged" in result.stdout


def test_without_psycopg_one_line_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from brief.cli.main import main\n"
        "main(sys.argv[1:])\n"
    )
    for args in (["sync", "postgresql:///x"], ["search", "--db", "postgresql:///x", "wagner"],
                 ["list", "--db", "postgresql:///x"]):  # fmt: skip
        result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path,
                                check=False)  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert result.stderr == ("brief: error: PostgreSQL support is not installed: pip install 'brief[postgres]' "
                                 "(psycopg 3)\n")  # fmt: skip


# --- the schema -------------------------------------------------------------------------------------------------------


def test_the_schema_is_versioned_and_a_newer_one_is_refused(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    from brief.remote.schema import SCHEMA_VERSION

    folder = make_collection(tmp_path, "sahel")
    assert sync(folder, pg_dsn).returncode == 0
    assert query(pg_dsn, "SELECT value FROM brief.meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    query(pg_dsn, "UPDATE brief.meta SET value = %s WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    before = snapshot(pg_dsn)
    for args in (("sync", pg_dsn), ("search", "--db", pg_dsn, "wagner"), ("list", "--db", pg_dsn)):
        result = run_process(*args, cwd=folder)
        assert result.returncode == 2
        assert re.fullmatch(r"brief: error: .*schema version \d+, newer than this brief knows \(\d+\): upgrade brief\n",
                            result.stderr.decode()), result.stderr  # fmt: skip
    assert snapshot(pg_dsn) == before


def test_a_database_at_version_1_migrates_in_place(tmp_path: Path, pg_server: str) -> None:  # noqa: F811
    """A database that a brief of schema version 1 wrote: readers are told to sync; a sync migrates it in place
    (labels and heads made from the rows it holds, nothing written again) and searches find what they found."""
    import psycopg

    from brief.remote.rows import COLUMNS
    from brief.remote.schema import SCHEMA_VERSION, ddl

    folder = make_collection(tmp_path, "sahel")
    with new_database(pg_server) as source, new_database(pg_server) as old:
        assert sync(folder, source).returncode == 0
        # version 1's DDL, holding the rows of version 1's tables, copied from a sync
        with psycopg.connect(source) as src, psycopg.connect(old, autocommit=True) as dst:
            dst.execute("CREATE SCHEMA brief")
            dst.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            (where,) = dst.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = "
                                   "'unaccent'").fetchone() or ("public",)  # fmt: skip
            dst.execute(ddl(1, where).encode())
            dst.execute("INSERT INTO brief.meta VALUES ('schema_version', '1')")
            for table, columns in {"collections": ("id", "name", "synced_at", "brief_version", "briefs"),
                                   **COLUMNS}.items():  # fmt: skip
                listed = ", ".join(c for c in columns if c != "rich_terms")  # a column since version 7
                with src.cursor().copy(f"COPY (SELECT {listed} FROM brief.{table}) TO STDOUT") as out, \
                        dst.cursor().copy(f"COPY brief.{table} ({listed}) FROM STDIN") as into:  # fmt: skip
                    for chunk in out:
                        into.write(chunk)
        before = query(old, "SELECT key, path, hash FROM brief.briefs ORDER BY key")
        refused = run_process("search", "--db", old, "wagner", cwd=folder)
        assert (refused.returncode, refused.stderr.decode()) == (2, (
            f"brief: error: the database holds brief's schema version 1, older than this brief reads "
            f"({SCHEMA_VERSION}): a brief sync with this brief migrates it\n"))  # fmt: skip
        done = report(sync(folder, old))
        assert (done["added"], done["changed"], done["unchanged"]) == (0, 0, 10)  # migrated, not written again
        assert query(old, "SELECT key, path, hash FROM brief.briefs ORDER BY key") == before
        assert query(old, "SELECT value FROM brief.meta") == [(str(SCHEMA_VERSION),)]
        assert set(query(old, LABELS[0])) == set(query(old, LABELS[1])) == set(query(source, LABELS[0]))
        assert query(old, "SELECT count(*) FROM brief.briefs WHERE search_head = ts_filter(search, '{a,b}') AND "
                          "length(search_head) > 0") == [(10,)]  # fmt: skip
        # stored as a new database stores it: the head in the row, rows made smaller only past 4080 bytes
        layout = ("SELECT c.reloptions, a.attstorage FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
                  "WHERE c.oid = 'brief.briefs'::regclass AND a.attname = 'search_head'")  # fmt: skip
        assert query(old, layout) == query(source, layout) == [(["toast_tuple_target=4080"], "m")]
        for words in ("wagner", "maiga", "tiani"):
            found = [run_process("search", "--db", dsn, words, "--format", "ids", cwd=folder).stdout
                     for dsn in (old, source)]  # fmt: skip
            assert found[0] == found[1] and found[0]


# A digest of the DDL of each version: editing a released version's DDL, instead of adding a migration and a new
# SCHEMA_VERSION, fails here (databases already at that version would never get the change).


def test_a_change_to_the_schema_is_a_new_version() -> None:
    from brief.remote.schema import SCHEMA_VERSION, ddl

    digests = {v: hashlib.sha256(ddl(v).encode()).hexdigest()[:16] for v in range(1, SCHEMA_VERSION + 1)}
    assert digests == KNOWN_DDL, "a released schema version changed: add a migration and bump SCHEMA_VERSION"


KNOWN_DDL = {1: "d9308cc8383bc753", 2: "e257828be4c2c33d", 3: "924395cd00382324", 4: "0f534a17a0a07e5d",
             5: "b1a7a1c1be67efbc", 6: "18358ae88f663bdd", 7: "97fd6f5cf0a10074"}


def test_docs_describe_every_table_view_and_column(pg_dsn: str) -> None:  # noqa: F811
    from brief.remote.connect import connect
    from brief.remote.schema import SCHEMA_VERSION, ensure_schema

    with connect(pg_dsn) as conn:
        ensure_schema(conn)
        columns = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'brief' "
            "ORDER BY table_name, ordinal_position"
        ).fetchall()
    document = (ROOT / "docs" / "postgres.md").read_text(encoding="utf-8")
    assert f"schema version {SCHEMA_VERSION}" in document
    missing = []
    for table, column in columns:
        section = re.search(rf"^### `brief\.{table}`\n(.*?)(?=^##|\Z)", document, re.M | re.S)
        if section is None:
            missing.append(table)
        elif f"`{column}`" not in section.group(1):
            missing.append(f"{table}.{column}")
    assert missing == [], "describe these in docs/postgres.md"


def test_the_text_search_configuration_folds_as_brief_does(pg_dsn: str) -> None:  # noqa: F811
    """`brief.fold`, for hand-written SQL, makes the lexemes brief itself writes, but for letters that have no
    decomposition into a base letter and accents (ł, æ, ø: unaccent spells them l, ae, o) and numbers with a
    decimal point (one lexeme for PostgreSQL, two words for brief): docs/postgres.md says so."""
    from brief.query.pg_text import words
    from brief.remote.connect import connect
    from brief.remote.schema import ensure_schema
    from test_architecture import WORDS

    samples = [*WORDS, "AES-confederation", "l'armée", "Wagner Group", "x_y", "3.5"]
    with connect(pg_dsn) as conn:
        ensure_schema(conn)
        for sample in samples:
            made = conn.execute("SELECT array(SELECT lexeme FROM unnest(to_tsvector('brief.fold', %s)) ORDER BY 1)",
                                (sample,)).fetchone()  # fmt: skip
            assert made is not None
            expected = sorted(set(words(sample)))
            if any(letter in sample.lower() for letter in "łæø") or re.search(r"\d\.\d", sample):
                assert made[0] != expected
            else:
                assert made[0] == expected, sample


# characters where a fold token by token could differ from a fold of the whole: compatibility forms that decompose
# to a space (¨, ´) or to several letters (ﬁ, ²), white space of other kinds, marks alone or in a row, quotes fold
# rewrites, a final sigma, a dotted capital I (whose lower case has a mark)
TRICKY = "a é e\u0301\u0302 ¨ ´ ﬁ ² \u00a0 \u2003 \u3000 \u0301 ’ ‘ ς Σ İ ß x_y 3.5 Maïga Côte d’Ivoire l'armée\t\n"


def test_words_token_by_token_are_the_words_of_the_whole_fold() -> None:
    """query/pg_text.py words folds one token at a time (and remembers it): the words the local index makes."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from brief.base.text import fold
    from brief.query.pg_text import _WORD, words

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.one_of(st.sampled_from(TRICKY.split(" ")), st.text(max_size=6)), max_size=12).map(" ".join))
    def same(text: str) -> None:
        assert words(text) == _WORD.findall(fold(text))
        assert words(text) == _WORD.findall(fold(text))  # remembered

    same()
    assert words(TRICKY) == _WORD.findall(fold(TRICKY))

"""The index: kept fresh automatically, rebuilt when outdated or damaged, safe under concurrency and kills."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from brief.collection.config import collection
from brief.collection.index import Index, open_index
from conftest import COLLECTION, run, run_process

NEW = """schema_version: "1.0"
id: new-brief
title: Freshly written about Tiani
date: 2024-01-02
language: en
"""


def listed(folder: Path, *args: str) -> list[str]:
    result = run("list", str(folder), "--format", "ids", "--sort", "id", *args)
    return result.stdout.split()


def test_changes_are_picked_up_without_asking(collection_copy: Path) -> None:
    before = listed(collection_copy)
    (collection_copy / "new.yaml").write_text(NEW, encoding="utf-8")
    assert listed(collection_copy) == sorted([*before, "new-brief"])
    (collection_copy / "new.yaml").write_text(NEW.replace("new-brief", "renamed-brief"), encoding="utf-8")
    assert "renamed-brief" in listed(collection_copy) and "new-brief" not in listed(collection_copy)
    (collection_copy / "new.yaml").unlink()
    assert listed(collection_copy) == before
    # and the full-text index follows: the deleted brief's words are gone
    assert run("search", "freshly", str(collection_copy)).exit_code == 1


def test_refresh_reads_only_what_changed(collection_copy: Path) -> None:
    index = open_index(collection([str(collection_copy)]))
    assert index.refresh().changed is False
    target = collection_copy / "mali-2021.yaml"
    os.utime(target, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))  # touched, same content
    stats = index.refresh()
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (0, 0, 0, 5)
    target.write_text(target.read_text(encoding="utf-8").replace("Mali courts Wagner", "Mali courts Russia"))
    stats = index.refresh()
    assert (stats.added, stats.updated, stats.removed) == (0, 1, 0)
    title = index.connection().execute("SELECT title FROM briefs WHERE id = 'mali-wagner-2021'").fetchone()[0]
    assert title == "Mali courts Russia"


def test_no_refresh_uses_the_index_as_it_is(collection_copy: Path) -> None:
    before = listed(collection_copy)
    (collection_copy / "new.yaml").write_text(NEW, encoding="utf-8")
    assert listed(collection_copy, "--no-refresh") == before
    assert "new-brief" in listed(collection_copy)


def test_index_command_rebuilds_and_reports_counts() -> None:
    result = run("index", str(COLLECTION))
    lines = result.output.splitlines()
    assert lines[0].startswith("Indexed 5 briefs (1 invalid): 10 actors, 3 issues, 5 positions, 0 sources in ")
    assert lines[1].startswith("Index: ")
    assert result.exit_code == 0


def test_index_lives_in_the_cache_folder_not_beside_the_briefs(collection_copy: Path, private_cache: Path) -> None:
    listed(collection_copy)
    assert not [p for p in collection_copy.rglob("*") if "sqlite" in p.name]
    assert list(private_cache.glob("index-*.sqlite"))


def test_cache_location_from_configuration(tmp_path: Path, collection_copy: Path) -> None:
    (tmp_path / "brief.toml").write_text('paths = ["briefs"]\ncache = ".cache"\n', encoding="utf-8")
    run("-C", str(tmp_path), "list")
    assert list((tmp_path / ".cache").glob("index-*.sqlite"))


def test_corrupted_index_is_rebuilt_with_a_notice(collection_copy: Path) -> None:
    listed(collection_copy)
    path = Path(Index(collection([str(collection_copy)])).path)
    path.write_bytes(b"this is not a database" * 100)
    result = run_process("list", str(collection_copy), "--format", "ids")
    assert result.returncode == 0
    assert len(result.stdout.split()) == 5
    notice = result.stderr.decode()
    assert notice.startswith("brief: notice: index ") and "rebuilding it" in notice
    assert notice.count("\n") == 1


def test_outdated_index_format_is_rebuilt(collection_copy: Path) -> None:
    listed(collection_copy)
    path = Path(Index(collection([str(collection_copy)])).path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'old' WHERE key = 'format'")
    result = run_process("list", str(collection_copy), "--format", "ids")
    assert len(result.stdout.split()) == 5
    assert result.stderr.decode() == "brief: notice: index format or schema changed; rebuilding the index\n"


def test_killed_build_leaves_the_previous_index_usable(collection_copy: Path, private_cache: Path) -> None:
    for index in range(300):  # enough work that a kill can land mid-build
        (collection_copy / f"gen-{index}.yaml").write_text(NEW.replace("new-brief", f"gen-{index}"), encoding="utf-8")
    listed(collection_copy)
    exe = Path(sys.executable).with_name("brief")
    env = {**os.environ, "BRIEF_CACHE_DIR": str(private_cache)}
    for delay in (0.05, 0.15, 0.3):  # whatever point the kill lands at, the next command must be right
        process = subprocess.Popen([str(exe), "index", str(collection_copy)], env=env, start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        result = run_process("list", str(collection_copy), "--count")
        assert (result.stdout, result.stderr) == (b"305\n", b"")


def test_files_left_by_a_killed_build_are_cleaned_up(collection_copy: Path, private_cache: Path) -> None:
    listed(collection_copy)
    index_path = Index(collection([str(collection_copy)])).path
    dead = Path(f"{index_path}.tmp-999999999")  # no such process
    dead.write_bytes(b"half-written")
    Path(f"{dead}-0").write_bytes(b"half-written shard")
    assert run("index", str(collection_copy)).exit_code == 0
    assert not list(private_cache.glob("*.tmp-*"))


def test_two_processes_at_once(collection_copy: Path, private_cache: Path) -> None:
    for index in range(200):
        (collection_copy / f"gen-{index}.yaml").write_text(NEW.replace("new-brief", f"gen-{index}"), encoding="utf-8")
    exe = Path(sys.executable).with_name("brief")
    env = {**os.environ, "BRIEF_CACHE_DIR": str(private_cache)}
    processes = [
        subprocess.Popen(
            [str(exe), "list", str(collection_copy), "--count"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [out for out, _ in outputs] == [b"205\n"] * 3
    assert all(b"Traceback" not in err for _, err in outputs)
    (collection_copy / "gen-0.yaml").unlink()
    processes = [
        subprocess.Popen(
            [str(exe), "search", "tiani", str(collection_copy), "--format", "ids", "--limit", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(len(out.split()) == 200 for out, _ in outputs), outputs


def test_freshness_walk_lists_brief_files_only(collection_copy: Path) -> None:
    from brief.collection.freshness import scan

    for index in range(50):
        (collection_copy / "sub" / f"gen-{index}.yaml").write_text(NEW, encoding="utf-8")
    (collection_copy / ".hidden.yaml").write_text(NEW, encoding="utf-8")
    (collection_copy / "notes.txt").write_text("not a brief", encoding="utf-8")
    (collection_copy / "UPPER.YAML").write_text(NEW, encoding="utf-8")
    found = scan([str(collection_copy)])
    assert len(found.files) == 56
    assert not any(".hidden" in path or path.endswith(".txt") for path in found.files)
    assert scan([str(collection_copy)]).digest == found.digest


def _count_briefs(asked: list[int]) -> Callable[[sqlite3.Connection], int]:
    def question(db: sqlite3.Connection) -> int:
        asked.append(1)
        return int(db.execute("SELECT count(*) FROM briefs").fetchone()[0])

    return question


def test_answer_while_checking_asks_once_when_nothing_changed(collection_copy: Path) -> None:
    open_index(collection([str(collection_copy)])).close()  # built and fresh
    asked: list[int] = []
    index = open_index(collection([str(collection_copy)]), defer=True)
    assert index.answer(_count_briefs(asked)) == 5
    assert len(asked) == 1 and not index.pending


def test_answer_while_checking_asks_again_after_a_change(collection_copy: Path) -> None:
    open_index(collection([str(collection_copy)])).close()
    (collection_copy / "new.yaml").write_text(NEW, encoding="utf-8")
    asked: list[int] = []
    index = open_index(collection([str(collection_copy)]), defer=True)
    assert index.answer(_count_briefs(asked)) == 6  # the stale answer (5) is not the one returned
    assert len(asked) == 2


def test_answer_repairs_a_damaged_index(collection_copy: Path) -> None:
    index = open_index(collection([str(collection_copy)]))
    path = Path(index.path)
    index.close()
    path.write_bytes(b"this is not a database" * 100)
    notices: list[str] = []
    index = open_index(collection([str(collection_copy)]), defer=True, notify=notices.append)
    assert index.answer(_count_briefs([])) == 5
    assert len(notices) == 1 and "rebuilding" in notices[0]


def test_a_deferred_check_still_happens_before_direct_use(collection_copy: Path) -> None:
    open_index(collection([str(collection_copy)])).close()
    (collection_copy / "new.yaml").write_text(NEW, encoding="utf-8")
    index = open_index(collection([str(collection_copy)]), defer=True)
    assert index.connection().execute("SELECT count(*) FROM briefs WHERE id = 'new-brief'").fetchone()[0] == 1


def test_the_ids_table_follows_every_change(collection_copy: Path) -> None:
    """brief_ids (what --format ids prints) stays one row per brief, through additions, edits and deletions."""

    def consistent() -> None:
        index = open_index(collection([str(collection_copy)]))
        rows = index.connection().execute(
            "SELECT b.rowid, coalesce(nullif(b.id, ''), b.path), i.label FROM briefs b "
            "LEFT JOIN brief_ids i ON i.rowid = b.rowid"
        ).fetchall()
        assert rows and all(expected == label for _, expected, label in rows)
        assert index.connection().execute("SELECT count(*) FROM brief_ids").fetchone()[0] == len(rows)
        index.close()

    consistent()
    (collection_copy / "new.yaml").write_text(NEW, encoding="utf-8")
    consistent()
    (collection_copy / "new.yaml").write_text(NEW.replace("new-brief", "renamed-brief"), encoding="utf-8")
    consistent()
    (collection_copy / "new.yaml").write_text("title: [unclosed\n", encoding="utf-8")  # no id: its path
    consistent()
    (collection_copy / "new.yaml").unlink()
    consistent()


def test_a_build_removes_the_index_an_older_version_left(collection_copy: Path, private_cache: Path) -> None:
    chosen = collection([str(collection_copy)])
    legacy = Path(chosen.legacy_index_path())
    assert legacy != Path(chosen.index_path()) and legacy.parent == private_cache
    legacy.write_bytes(b"an index of format 6")
    Path(f"{legacy}-wal").write_bytes(b"")
    open_index(chosen).close()
    assert not legacy.exists() and not Path(f"{legacy}-wal").exists()
    assert Path(chosen.index_path()).exists()


def _full_text_intact(index: Index) -> None:
    """FTS5 checks its index against its content (here derived from each brief's stored copy): it raises when a
    brief's words were indexed, or deleted, with other text than the stored copy gives."""
    index.connection().execute("INSERT INTO fts(fts, rank) VALUES ('integrity-check', 1)")


def test_the_full_text_follows_the_stored_copy_through_every_change(collection_copy: Path) -> None:
    odd = collection_copy / "odd.yaml"
    # data JSON has no type for (binary, a mapping with non-string keys) still gives the same words back
    odd.write_text(NEW.replace("title: Freshly written about Tiani", "title: !!binary aGVsbG8=\n1: one")
                   + "summary: Tiani spoke\n", encoding="utf-8")  # fmt: skip
    chosen = collection([str(collection_copy)])
    index = open_index(chosen)
    _full_text_intact(index)
    for text in (NEW, NEW.replace("Tiani", "Goïta"), "title: [unclosed\n"):
        odd.write_text(text, encoding="utf-8")
        index.refresh()
        _full_text_intact(index)
    assert run("search", "goita", str(collection_copy)).exit_code == 1
    odd.write_text(NEW.replace("Tiani", "Goïta"), encoding="utf-8")
    found = run("search", "goita", str(collection_copy), "--format", "json")
    assert [hit["id"] for hit in json.loads(found.stdout)["briefs"]] == ["new-brief"]
    assert "Goïta" in json.loads(found.stdout)["briefs"][0]["snippet"]
    odd.unlink()
    index.refresh()
    _full_text_intact(index)
    index.close()


def test_the_stored_copy_is_the_checked_brief(collection_copy: Path) -> None:
    """What the index keeps of a brief is what the checker made of it, body included (export and --where read it)."""
    from brief.format.checker import Checker

    index = open_index(collection([str(collection_copy)]))
    rows = index.connection().execute(
        "SELECT b.path, brief_json(d.data) FROM briefs b JOIN brief_data d ON d.rowid = b.rowid"
    ).fetchall()
    checker = Checker(None)
    assert len(rows) == 5
    for path, stored in rows:
        data, _ = checker.load_path(path)
        assert (None if stored is None else json.loads(stored)) == data, path
    index.close()


def test_an_index_begun_empty_stores_what_comes_later(tmp_path: Path) -> None:
    """A collection indexed with no brief has no compression dictionary: briefs added later are stored without
    one, and read back as they were written."""
    folder = tmp_path / "briefs"
    folder.mkdir()
    assert run("list", str(folder), "--count").stdout.strip() == "0"
    (folder / "new.yaml").write_text(NEW + "original_language: fr\nsummary: Tiani spoke\n", encoding="utf-8")
    assert run("list", str(folder), "--where", "original_language=fr", "--format", "ids").stdout.split() == [
        "new-brief"
    ]
    found = run("search", "tiani", str(folder), "--format", "json")
    assert "Tiani" in json.loads(found.stdout)["briefs"][0]["snippet"]


def test_a_build_on_every_core_equals_one_on_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers parse chunks, write shards and hand the full-text columns back: the index they make is the one a
    single process makes, row for row, and its full-text table is whole."""

    from conftest import ROOT

    folder = tmp_path / "briefs"
    folder.mkdir()
    for copy in range(20):  # 200 briefs: enough chunks for two workers
        for source in sorted((ROOT / "examples").iterdir()):
            text = source.read_text(encoding="utf-8")
            target = folder / f"c{copy}-{source.name}"
            target.write_text(text.replace('"id": "', f'"id": "c{copy}-', 1).replace("\nid: ", f"\nid: c{copy}-", 1),
                              encoding="utf-8")  # fmt: skip
    tables = {
        "briefs": "SELECT rowid, path, hash, id, title, date, summary, valid, error_count FROM briefs ORDER BY rowid",
        "brief_data": "SELECT rowid, errors, brief_json(data) FROM brief_data ORDER BY rowid",
        "values": "SELECT brief, seq, field, value, fold FROM brief_values ORDER BY brief, seq",
        "actors": "SELECT * FROM actors ORDER BY brief, seq",
        "issues": "SELECT * FROM issues ORDER BY brief, seq",
        "actor_names": "SELECT * FROM actor_names ORDER BY 1, 2, 3",
        # the dictionaries: the same keys, given in the same order
        "actor_keys": "SELECT * FROM actor_keys ORDER BY key",
        "issue_keys": "SELECT * FROM issue_keys ORDER BY key",
        "value_keys": "SELECT * FROM value_keys ORDER BY key",
        "statement_keys": "SELECT * FROM statement_keys ORDER BY key",
        "actor_forms": "SELECT * FROM actor_forms ORDER BY key",
        "form_names": "SELECT * FROM form_names",
        "rows": "SELECT * FROM position_rows ORDER BY rowid",
        "sources": "SELECT * FROM sources",
        "actor_labels": "SELECT * FROM actor_labels",
        "positions": "SELECT * FROM positions ORDER BY rowid",
        "changes": "SELECT * FROM agg_changes ORDER BY date, position",
        "hits": "SELECT rowid, bm25(fts) FROM fts WHERE fts MATCH 'wagner' ORDER BY rowid",
    }
    made = []
    for jobs in (1, 2):
        cache = tmp_path / f"cache-{jobs}"
        monkeypatch.setenv("BRIEF_CACHE_DIR", str(cache))
        index = Index(collection([str(folder)]), jobs=jobs)
        index.rebuild()
        _full_text_intact(index)
        made.append({name: index.connection().execute(sql).fetchall() for name, sql in tables.items()})
        index.close()
        assert [p.name for p in cache.iterdir() if "sqlite" in p.name] == [Path(index.path).name]  # no shard left
    assert len(made[0]["briefs"]) == 200 and made[0]["hits"]
    for name in tables:
        assert made[1][name] == made[0][name], name


def test_what_a_removed_brief_alone_held_is_no_longer_offered(collection_copy: Path) -> None:
    """The index's dictionaries (actor ids, issue ids, list values) keep the entries of removed briefs until a
    rebuild: completion, `--actor`, `--tag`, `--issue` and the summary must not offer or find them."""
    from brief.query.completion import complete, open_read_only

    brief = NEW + (
        "tags: [zz-only-tag]\n"
        "actors:\n  - {id: zz-lone-actor, name: Zz Lone Actor, kind: person, aliases: [Zed]}\n"
        "issues:\n  - {id: zz-lone-issue, statement: Whether zz}\n"
        "positions:\n  - {actor: zz-lone-actor, issue: zz-lone-issue, stance: supports}\n"
    )
    (collection_copy / "new.yaml").write_text(brief, encoding="utf-8")
    chosen = collection([str(collection_copy)])

    def offered() -> list[list[tuple[str, str]]]:
        open_index(chosen).close()  # refreshed
        db = open_read_only(chosen)
        assert db is not None
        try:
            return [complete(db, kind, "zz") for kind in ("actor", "issue", "tag")]
        finally:
            db.close()

    assert offered() == [[("zz-lone-actor", "Zz Lone Actor")], [("zz-lone-issue", "Whether zz")], [("zz-only-tag", "")]]
    for option, value in (("--actor", "zed"), ("--issue", "zz-lone-issue"), ("--tag", "zz-only-tag")):
        assert run("list", str(collection_copy), option, value, "--count").stdout.strip() == "1"
    (collection_copy / "new.yaml").unlink()
    assert offered() == [[], [], []]
    for option, value in (("--actor", "zed"), ("--issue", "zz-lone-issue"), ("--tag", "zz-only-tag")):
        assert run("list", str(collection_copy), option, value, "--count").stdout.strip() == "0"
    summary = json.loads(run("summary", str(collection_copy), "--format", "json").stdout)
    assert "zz-lone-actor" not in json.dumps(summary) and "zz-lone-issue" not in json.dumps(summary)


def test_a_refresh_leaves_the_write_ahead_log_empty(tmp_path: Path) -> None:
    """A process that refreshed the index and exits without closing it leaves no log for the next process to
    read whole before its first answer; a reader holding an older snapshot is not waited for (its log stays)."""
    import shutil

    folder = tmp_path / "briefs"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples", folder)
    chosen = collection([str(folder)])
    open_index(chosen).close()
    log = chosen.index_path() + "-wal"
    target = folder / "2022-02-france-withdrawal-mali.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("stance: opposes", "stance: neutral", 1))
    index = open_index(chosen)  # refreshed, and left open, as a command leaves it
    assert index.counts()["briefs"] == 10 and os.path.getsize(log) == 0
    reader = sqlite3.connect(chosen.index_path())
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM briefs").fetchone()  # a snapshot held
    target.write_text(target.read_text(encoding="utf-8").replace("stance: neutral", "stance: supports", 1))
    index.refresh()
    assert os.path.getsize(log) > 0  # not emptied under a reader, and not waited for
    reader.close()
    index.close()

"""A collection's first sync from a cold index (remote/sync.py _Cold): the rows made by the index build's own
workers and copied in while the build runs. Held to the sync of a warm index (the same database, row for row),
and to the same safety: a sync killed or refused mid-build leaves the database as it was, a build started again
writes nothing twice. Against a real PostgreSQL server (tests/pgserver.py)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from brief.remote.rows import COLUMNS
from conftest import bench_corpus, run_process
from pgserver import new_database, pg_dsn, pg_server  # noqa: F401  (fixtures)
from test_sync import make_collection, query, report, snapshot, sync

NIGER = "2023-08-niger-coup.yaml"


@pytest.fixture
def corpus() -> Iterator[ModuleType]:
    """bench/corpus.py, the benchmark corpus generator."""
    with bench_corpus() as module:
        yield module


def odd_collection(parent: Path, rich: int, corpus: Any) -> Path:
    """examples/ and `rich` generated briefs (past the build's parallel threshold: its workers make the rows), with
    a default marking, and briefs whose rows are easy to get wrong: numbers orjson cannot hold as integers, a large
    float, infinities and NaN (JSON has none: null in the stored copy), text past ASCII, markings of every kind
    (withheld, unreadable, of the default), an invalid brief and a file that is not one."""
    folder = make_collection(parent, "cold")
    (folder / "brief.toml").write_text('paths = ["briefs/"]\nname = "cold"\ntlp = "green"\n', encoding="utf-8")
    if rich:
        corpus.generate(folder / "briefs" / "rich", rich, 3, {"yaml": 2, "json": 1, "md": 1}, corpus="rich")
    source = (folder / "briefs" / NIGER).read_text(encoding="utf-8")
    assert "value: 1500" in source and "\ntitle: " in source

    def variant(name: str, *edits: tuple[str, str]) -> None:
        text = source.replace("id: niger-coup-2023", f"id: {name}", 1)
        for old, new in edits:
            assert old in text
            text = text.replace(old, new, 1)
        (folder / "briefs" / f"{name}.yaml").write_text(text, encoding="utf-8")

    variant("big-int", ("value: 1500", "value: 123456789012345678901234567890"))
    variant("big-float", ("value: 1500", "value: 1.5e300"))
    variant("not-a-number", ("value: 1500", "value: .nan"))
    variant("infinite", ("value: 1500", "value: -.inf"))
    variant("unicode", ("\ntitle: ", "\ntitle: Ωμέγα 数据 \U0001f600 "))
    variant("red", ("\ntitle:", "\ntlp: red\ntitle:"))
    variant("strict", ("\ntitle:", "\ntlp: TLP:AMBER+STRICT\ntitle:"))
    variant("clear", ("\ntitle:", "\ntlp: clear\ntitle:"))
    variant("amber", ("\ntitle:", "\ntlp: amber\ntitle:"))
    variant("unreadable-marking", ("\ntitle:", "\ntlp: [1, 2]\ntitle:"))
    variant("invalid", ("stance: ", "stance: sideways-"))
    (folder / "briefs" / "garbage.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    return folder


def contents(dsn: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a sync writes, each brief's key replaced by its path (keys are the sequence's), sorted."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table, columns in COLUMNS.items():
        if table == "briefs":
            picked = ", ".join(f"b.{c}::text" if c in ("data", "search", "scopes") else f"b.{c}" for c in columns
                               if c not in ("key", "collection"))  # fmt: skip
            sql = f"SELECT {picked} FROM brief.briefs b"
        else:
            picked = ", ".join(f"t.{c}" for c in columns if c != "brief")
            sql = f"SELECT b.path, {picked} FROM brief.{table} t JOIN brief.briefs b ON b.key = t.brief"
        out[table] = sorted(query(dsn, sql), key=repr)
    out["actor_labels"] = sorted(query(dsn, "SELECT actor_id, fold, label FROM brief.actor_labels"))
    out["collections"] = query(dsn, "SELECT name, briefs FROM brief.collections ORDER BY name")
    out["indexes"] = query(dsn, "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
                                "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                                "WHERE n.nspname = 'brief' ORDER BY 1")  # fmt: skip
    return out


class Spied:
    """How a sync run in this process wrote: chunks the build handed over (the cold path), calls of _write (the
    warm one). Wraps the real functions."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from brief.remote import sync as syncing

        self.taken = 0
        self.written = 0
        take, write = syncing._Cold.take, syncing._write

        def spied_take(cold: Any, made: object) -> None:
            self.taken += 1
            take(cold, made)

        def spied_write(*args: Any) -> Any:
            self.written += 1
            return write(*args)

        monkeypatch.setattr(syncing._Cold, "take", spied_take)
        monkeypatch.setattr(syncing, "_write", spied_write)


def sync_here(folder: Path, dsn: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A sync in this process, as `brief sync` runs it (the index opened, its refresh left to the sync)."""
    from brief.collection.config import collection
    from brief.collection.index import open_index
    from brief.remote.sync import sync as run_sync

    monkeypatch.chdir(folder)
    index = open_index(collection(()), refresh=True, defer=True)
    try:
        return run_sync(index, dsn).as_dict()
    finally:
        index.close()


def same_report(done: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in done.items() if k not in ("seconds", "database")}


def test_a_first_sync_from_a_cold_index_writes_what_the_warm_sync_writes(
    tmp_path: Path, pg_server: str, monkeypatch: pytest.MonkeyPatch, corpus: Any  # noqa: F811
) -> None:
    """The same rows in every table, byte for byte (the jsonb and tsvectors as text), the same labels, indexes
    and report (invalid and withheld briefs alike); the index built beside it is the one `brief index` builds;
    the next sync finds nothing to do."""
    folder = odd_collection(tmp_path, 300, corpus)
    spied = Spied(monkeypatch)
    with new_database(pg_server) as cold_dsn, new_database(pg_server) as warm_dsn:
        cold = sync_here(folder, cold_dsn, monkeypatch)
        assert spied.taken > 2 and spied.written == 0  # made by the build's workers, in several chunks
        warm = sync_here(folder, warm_dsn, monkeypatch)  # the index is fresh now: read back from it
        assert spied.written == 1
        assert same_report(cold) == same_report(warm)
        assert cold["added"] == 300 + 10 + 5 and cold["invalid"] == 4  # NaN and infinities: not valid numbers
        assert sorted(os.path.basename(p) for p in cold["invalid_paths"]) == [
            "garbage.yaml", "infinite.yaml", "invalid.yaml", "not-a-number.yaml"]  # fmt: skip
        assert cold["withheld"] == {"amber+strict": 1, "red": 2}
        made, expected = contents(cold_dsn), contents(warm_dsn)
        for table in expected:
            assert made[table] == expected[table], table
        assert len(made["briefs"]) == cold["added"] and len(made["positions"]) > 1000
        briefs = {row[0]: row for row in made["briefs"]}  # path -> row (tlp is the 10th column after path)
        assert briefs["briefs/clear.yaml"][9] == "clear" and briefs[f"briefs/{NIGER}"][9] == "green"
        assert query(cold_dsn, "SELECT count(*) FROM brief.figures WHERE value > 1e29") == [(2,)]
        again = report(sync(folder, cold_dsn))
        assert (again["added"], again["changed"], again["removed"], again["unchanged"]) == (0, 0, 0, cold["added"])
        assert contents(cold_dsn) == made
    # the index the sync built is the one a build alone makes
    where = run_process("index", "--where", cwd=folder).stdout.decode().strip()
    alone = tmp_path / "alone"
    assert run_process("index", cwd=folder, env={"BRIEF_CACHE_DIR": str(alone)}).returncode == 0
    other = run_process("index", "--where", cwd=folder, env={"BRIEF_CACHE_DIR": str(alone)}).stdout.decode().strip()
    assert other != where and index_rows(other) == index_rows(where)


def index_rows(path: str) -> dict[str, list[tuple[Any, ...]]]:
    db = sqlite3.connect(path)
    tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                             "LIKE 'fts%' AND name NOT LIKE 'sqlite%' AND name != 'meta'")]  # fmt: skip
    assert "briefs" in tables and "brief_data" in tables
    found = {table: sorted(db.execute(f"SELECT * FROM {table}"), key=repr) for table in tables}
    found["fts"] = db.execute("SELECT rowid FROM fts WHERE fts MATCH 'wagner' ORDER BY rowid").fetchall()
    db.close()
    return found


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(") ")[-1][:1] != "Z"
    except FileNotFoundError:
        return False


def test_a_first_sync_killed_while_the_index_is_built_leaves_the_database_as_it_was(
    tmp_path: Path, pg_dsn: str, corpus: Any  # noqa: F811
) -> None:
    """Killed while its rows are copied in and the index still being built: nothing of it in the database, no
    worker of it left running (one waiting for the server notices), and the next sync does the whole work."""
    first = make_collection(tmp_path / "a", "first")
    assert report(sync(first, pg_dsn))["added"] == 10
    before = snapshot(pg_dsn)
    folder = make_collection(tmp_path, "big")
    corpus.generate(folder / "briefs" / "many", 2500, 1, {"yaml": 1}, corpus="small")
    where = Path(run_process("index", "--where", cwd=folder).stdout.decode().strip())
    assert not where.exists()
    exe = str(Path(sys.executable).with_name("brief"))
    process = subprocess.Popen([exe, "sync", pg_dsn], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    copying, workers = False, []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if query(pg_dsn, "SELECT 1 FROM pg_stat_activity WHERE application_name = 'brief' AND state = 'active' "
                         "AND query LIKE 'COPY brief.%%'"):  # fmt: skip
            workers = children(process.pid)
            copying = not where.exists()  # the build still running
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait(timeout=30)
    assert copying, "the sync finished its index before it could be killed while copying"
    assert len(workers) >= 2
    deadline = time.monotonic() + 30
    while query(pg_dsn, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'brief'") != [(0,)] or any(
        alive(pid) for pid in workers
    ):
        assert time.monotonic() < deadline, "the server's session or a build worker outlived the sync"
        time.sleep(0.05)
    assert snapshot(pg_dsn) == before
    done = report(sync(folder, pg_dsn))
    assert (done["added"], done["unchanged"]) == (2510, 0)


def test_a_first_sync_the_server_refuses_mid_build_leaves_the_database_as_it_was(
    tmp_path: Path, pg_dsn: str, corpus: Any  # noqa: F811
) -> None:
    """A row the server refuses (here a constraint the database's owner added) while the index is built: one line
    naming the collection, exit code 2, nothing written; once allowed, the next sync writes every brief."""
    first = make_collection(tmp_path / "a", "first")
    assert report(sync(first, pg_dsn))["added"] == 10
    query(pg_dsn, "ALTER TABLE brief.briefs ADD CONSTRAINT no_refused CHECK (title NOT LIKE 'REFUSED%%')")
    before = snapshot(pg_dsn)
    folder = make_collection(tmp_path, "big")
    corpus.generate(folder / "briefs" / "many", 600, 1, {"yaml": 1}, corpus="small")
    niger = (folder / "briefs" / NIGER).read_text(encoding="utf-8")
    refused = niger.replace("id: niger-coup-2023", "id: refused", 1).replace("\ntitle: ", "\ntitle: REFUSED ", 1)
    (folder / "briefs" / "many" / "zz-refused.yaml").write_text(refused, encoding="utf-8")
    result = sync(folder, pg_dsn)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "cannot sync collection 'big'" in result.stderr
    assert "no_refused" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(pg_dsn) == before
    query(pg_dsn, "ALTER TABLE brief.briefs DROP CONSTRAINT no_refused")
    done = report(sync(folder, pg_dsn))
    assert (done["added"], done["unchanged"]) == (611, 0)


def test_a_build_started_again_writes_nothing_twice(
    tmp_path: Path, pg_server: str, monkeypatch: pytest.MonkeyPatch, corpus: Any  # noqa: F811
) -> None:
    """When the cache folder cannot take the new index (here: full, once every chunk's rows are copied), the index
    builds again elsewhere (collection/index.py), its hook told to begin again: what the first build sent is rolled
    back, and the database holds what a sync of a warm index writes."""
    from brief.collection import build as building

    folder = odd_collection(tmp_path, 150, corpus)
    merge, failed = building._merge, []

    def merge_once(*args: Any) -> None:
        if not failed:
            failed.append(True)
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = 13  # type: ignore[attr-defined]  # SQLITE_FULL, as sqlite3 sets it
            raise error
        merge(*args)

    monkeypatch.setattr(building, "_merge", merge_once)
    spied = Spied(monkeypatch)
    with new_database(pg_server) as cold_dsn, new_database(pg_server) as warm_dsn:
        cold = sync_here(folder, cold_dsn, monkeypatch)
        assert failed and spied.taken > 4 and spied.written == 0
        warm = sync_here(folder, warm_dsn, monkeypatch)
        assert same_report(cold) == same_report(warm)
        assert contents(cold_dsn) == contents(warm_dsn)
        keys = query(cold_dsn, "SELECT count(*), count(DISTINCT path) FROM brief.briefs")
        assert keys == [(cold["added"], cold["added"])]


def test_the_report_of_a_cold_first_sync_goes_out_as_json(tmp_path: Path, pg_dsn: str) -> None:  # noqa: F811
    """Through the command line, from a cold index: the JSON report and the messages on standard error."""
    folder = make_collection(tmp_path, "sahel")
    red = folder / "briefs" / NIGER
    red.write_text(red.read_text().replace("\ntitle:", "\ntlp: red\ntitle:", 1), encoding="utf-8")
    result = sync(folder, pg_dsn)
    assert result.returncode == 0, result.stderr
    done = json.loads(result.stdout)
    assert (done["added"], done["briefs"], done["withheld"]) == (9, 9, {"red": 1})
    assert "withheld 1 brief marked above TLP:AMBER" in result.stderr


def test_a_build_that_fails_after_its_rows_are_copied_leaves_the_database_as_it_was(
    tmp_path: Path, pg_dsn: str, monkeypatch: pytest.MonkeyPatch, corpus: Any  # noqa: F811
) -> None:
    """The build fails (here: merging its shards, once every chunk's rows are in and the server builds the indexes):
    the sync raises what the build raised, the database is as it was, no copying thread is left, and the next sync
    writes every brief."""
    import threading

    from brief.collection import build as building

    first = make_collection(tmp_path / "a", "first")
    assert report(sync(first, pg_dsn))["added"] == 10
    before = snapshot(pg_dsn)
    folder = odd_collection(tmp_path, 150, corpus)

    def broken(*args: Any) -> None:
        raise OSError(5, "Input/output error")

    spied = Spied(monkeypatch)
    with monkeypatch.context() as patched:
        patched.setattr(building, "_merge", broken)
        with pytest.raises(OSError, match="Input/output error"):
            sync_here(folder, pg_dsn, monkeypatch)
    assert spied.taken > 4
    assert not [t for t in threading.enumerate() if t.name.startswith("brief-copy")]
    assert snapshot(pg_dsn) == before
    done = sync_here(folder, pg_dsn, monkeypatch)
    assert (done["added"], done["invalid"]) == (165, 4)

"""Writing the index: a full build from scratch (every core, a new file renamed into place) and the update
of changed files in one transaction. Only the index (collection/index.py) calls this module."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator

from brief.base.pool import PARALLEL_THRESHOLD, available_cores, process_pool
from brief.base.text import fold
from brief.collection import aggregates
from brief.collection.config import Collection
from brief.collection.freshness import RefreshStats, Scan, Task, scan, stamp
from brief.collection.rows import (
    INSERT_LABEL,
    INSERT_TEXT,
    Handed,
    Rows,
    create_database,
    file_rows,
    init_rows,
    insert_rows,
)
from brief.collection.stored import dictionary
from brief.collection.tables import CHILD_TABLES, FTS_COLUMNS, INDEXES


def build(path: str, collection: Collection, meta: dict[str, str], found: Scan | None = None,
          jobs: int | None = None) -> RefreshStats:  # fmt: skip
    """Write a complete new index for the collection to a temporary file, then rename it over `path`."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    _remove_abandoned(path)
    legacy = collection.legacy_index_path()
    for suffix in ("", "-wal", "-shm"):
        _unlink(f"{legacy}{suffix}")
    temporary = f"{path}.tmp-{os.getpid()}"
    started = time.time_ns()
    found = found or scan(collection.paths, collection.exclude)
    tasks: list[Task] = [(p, s, m, None) for p, (s, m) in sorted(found.files.items())]
    jobs = min(jobs or available_cores(), max(1, len(tasks) // PARALLEL_THRESHOLD))
    zdict = _dictionary(tasks)
    # Workers parse chunks of files, each chunk's briefs numbered in path order, and write their rows to shards
    # of their own, merged into the new index afterwards; the full-text columns come back to this process, which
    # feeds the full-text table meanwhile. Chunks go to whichever worker is free: a worker slowed by other load
    # holds no share of the files back.
    size = max(16, min(CHUNK, -(-len(tasks) // (4 * jobs))))  # four chunks a worker at least
    chunks = [(k + 1, tasks[k : k + size]) for k in range(0, len(tasks), size)]
    db: sqlite3.Connection | None = None
    count = 0
    try:
        if jobs > 1:
            written: list[tuple[str, dict[str, tuple[int, int]]]] = []  # per chunk: its shard, its rows there
            with process_pool(jobs, _init_shard, (temporary, collection.schema, zdict)) as pool:
                db = _create(temporary)  # after the workers are forked: they inherit no connection
                db.execute("BEGIN")
                for shard, inserted, handed, ranges in pool.imap(_shard_chunk, chunks):
                    written.append((shard, ranges))
                    count += inserted
                    db.executemany(INSERT_TEXT, handed.texts)
                    db.executemany(INSERT_LABEL, handed.labels)
                db.execute("COMMIT")
            _merge(db, written)
        else:
            init_rows(collection.schema, zdict)
            db = _create(temporary)
            db.execute("BEGIN")
            count = insert_rows(db, (file_rows(t) for t in tasks), 1, "names_staged")
            db.execute("COMMIT")
        _remove_shards(temporary)
        # in key order: a WITHOUT ROWID table filled in order has full pages (the staging table's pages are then
        # reused by the secondary indexes)
        db.execute("BEGIN")
        db.execute("INSERT OR IGNORE INTO actor_names SELECT * FROM names_staged ORDER BY fold, actor_id, brief")
        db.execute("DROP TABLE names_staged")
        db.execute("COMMIT")
        db.execute("INSERT INTO brief_dictionary VALUES (?)", (zdict,))
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.executemany("INSERT INTO meta VALUES (?, ?)", stamp(found, started).items())
        db.executescript(INDEXES)
        aggregates.create(db)
        db.execute("PRAGMA analysis_limit = 1000")  # sampled statistics: enough for the planner, and quick
        db.execute("ANALYZE")
        db.close()
        os.replace(temporary, path)
        for suffix in ("-wal", "-shm"):  # belonged to the replaced file
            _unlink(f"{path}{suffix}")
    except BaseException:
        if db is not None:
            db.close()
        _unlink(temporary)
        _remove_shards(temporary)
        raise
    return RefreshStats(added=count, rebuilt=True)


CHUNK = 256  # files a worker parses and writes at a time (a chunk's full-text columns take about a megabyte)


def _create(path: str) -> sqlite3.Connection:
    db = create_database(path)
    db.execute(_NAMES_STAGED)
    return db


_NAMES_STAGED = "CREATE TABLE names_staged(fold TEXT NOT NULL, actor_id TEXT NOT NULL, brief INTEGER NOT NULL)"


def _dictionary(tasks: list[Task], samples: int = 128) -> bytes:
    """The compression dictionary of a new index, from some of its briefs taken across the collection (parsed
    only: any brief-shaped text serves; 128 briefs train a dictionary in about 50 ms)."""
    from brief.format import loading

    chosen = []
    for task in tasks[:: max(1, len(tasks) // samples)][:samples]:
        try:
            chosen.append(loading.load_bytes(loading.read_file(task[0]), task[0], loading.kind_for(task[0]) or "yaml"))
        except loading.LoadError:
            continue
    return dictionary([loaded.data for loaded in chosen])


_MERGED = ("briefs", *CHILD_TABLES, "names_staged")  # actor_labels come with the full-text columns


def _merge(db: sqlite3.Connection, written: list[tuple[str, dict[str, tuple[int, int]]]]) -> None:
    """Copy the workers' rows into the new index chunk by chunk, in SQLite's own code (no row crosses into
    Python), so that every table holds its rows in brief order, as a build in one process writes them."""
    attached: str | None = None
    for shard, ranges in written:
        if shard != attached:
            if attached is not None:
                db.execute("COMMIT")
                db.execute("DETACH DATABASE shard")
            db.execute("ATTACH DATABASE ? AS shard", (shard,))
            db.execute("BEGIN")
            attached = shard
        for table in _MERGED:
            if table in ranges:
                db.execute(f"INSERT INTO main.{table} SELECT * FROM shard.{table} WHERE rowid BETWEEN ? AND ?",
                           ranges[table])  # fmt: skip
    if attached is not None:
        db.execute("COMMIT")
        db.execute("DETACH DATABASE shard")


def _remove_shards(temporary: str) -> None:
    """Every shard of this build, merged or not (a worker given no chunk leaves an empty one)."""
    folder, name = os.path.split(temporary)
    for leftover in os.listdir(folder or "."):
        if leftover.startswith(f"{name}-"):
            _unlink(os.path.join(folder, leftover))


_shard: tuple[str, sqlite3.Connection] | None = None  # a build worker's shard: its path and connection


def _init_shard(temporary: str, schema_path: str | None, zdict: bytes) -> None:
    """Build worker: its checker, the compression dictionary, and a shard database of its own beside the new
    index (named after the build's temporary file, so that a killed build's shards are found and removed)."""
    global _shard
    init_rows(schema_path, zdict)
    shard = f"{temporary}-{os.getpid()}"
    _shard = (shard, _create(shard))


def _shard_chunk(chunk: tuple[int, list[Task]]) -> tuple[str, int, Handed, dict[str, tuple[int, int]]]:
    """Build worker: parse, check and write one chunk of files to this worker's shard, committed (the pool may
    end the worker at any time after the last chunk). Returns the shard, how many briefs, what goes back to the
    building process (their full-text columns, new actor labels), and the rowids the chunk's rows took in each
    table of the shard."""
    assert _shard is not None, "_init_shard() first"
    shard, db = _shard
    first, tasks = chunk
    handed = Handed()
    db.execute("BEGIN")
    before = [db.execute(f"SELECT ifnull(max(rowid), 0) FROM {table}").fetchone()[0] for table in _MERGED]
    count = insert_rows(db, (file_rows(t) for t in tasks), first, "names_staged", handed)
    after = [db.execute(f"SELECT ifnull(max(rowid), 0) FROM {table}").fetchone()[0] for table in _MERGED]
    db.execute("COMMIT")
    ranges = {table: (low + 1, high) for table, low, high in zip(_MERGED, before, after, strict=True) if high > low}
    return shard, count, handed, ranges


def update(db: sqlite3.Connection, found: Scan, started_ns: int, tasks: list[Task], removed: list[str],
           schema_path: str | None, jobs: int | None = None) -> int:  # fmt: skip
    """Apply one refresh in one transaction: drop removed files, replace changed ones, stamp the listing.
    Returns how many of `tasks` turned out unchanged in content (only their size or time moved)."""
    found_zdict = db.execute("SELECT zdict FROM brief_dictionary").fetchone()
    rows = list(_parse(tasks, schema_path, jobs, found_zdict[0] if found_zdict else b""))  # before the write lock
    db.execute("BEGIN IMMEDIATE")
    try:
        changed = [*removed, *(row.path for row in rows if not row.touch_only)]
        keys = aggregates.touched(db, _rowids(db, changed))  # what the old versions counted in
        for path in changed:
            _delete(db, path)
        insert_rows(db, rows)
        aggregates.recompute(db, aggregates.touched(db, _rowids(db, changed), keys))
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", stamp(found, started_ns).items())
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return sum(1 for row in rows if row.touch_only)


def _rowids(db: sqlite3.Connection, paths: list[str]) -> list[int]:
    rowids = []
    for path in paths:
        found = db.execute("SELECT rowid FROM briefs WHERE path = ?", (path,)).fetchone()
        if found is not None:
            rowids.append(found[0])
    return rowids


def _parse(tasks: list[Task], schema_path: str | None, jobs: int | None, zdict: bytes) -> Iterator[Rows]:
    jobs = jobs or available_cores()
    if jobs > 1 and len(tasks) >= PARALLEL_THRESHOLD:
        with process_pool(jobs, init_rows, (schema_path, zdict)) as pool:
            yield from pool.imap(file_rows, tasks, chunksize=PARALLEL_THRESHOLD)
    else:
        init_rows(schema_path, zdict)
        for task in tasks:
            yield file_rows(task)


def _delete(db: sqlite3.Connection, path: str) -> None:
    found = db.execute("SELECT rowid FROM briefs WHERE path = ?", (path,)).fetchone()
    if found is None:
        return
    rowid = found[0]
    columns = ", ".join(FTS_COLUMNS)
    # an external-content FTS table forgets a row only when told its old values (derived from the stored copy)
    db.execute(
        f"INSERT INTO fts(fts, rowid, {columns}) SELECT 'delete', rowid, {columns} FROM brief_text WHERE rowid = ?",
        (rowid,),
    )
    # actor_names is keyed by name: the brief's rows there are the names of its actors
    names = db.execute("SELECT actor_id, name, aliases FROM actors WHERE brief = ?", (rowid,)).fetchall()
    db.executemany(
        "DELETE FROM actor_names WHERE fold = ? AND actor_id = ? AND brief = ?",
        [(label, actor_id, rowid) for actor_id, name, aliases in names
         for label in {fold(actor_id), fold(name), *(fold(alias) for alias in json.loads(aliases))}],
    )  # fmt: skip
    # actor_labels keeps the names of removed briefs' actors until the next rebuild: a stale alternative
    # in an alias expansion can only find what the name itself would
    for table in CHILD_TABLES:
        key = "rowid" if table in ("brief_data", "brief_ids") else "brief"
        db.execute(f"DELETE FROM {table} WHERE {key} = ?", (rowid,))
    db.execute("DELETE FROM briefs WHERE rowid = ?", (rowid,))


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _remove_abandoned(index_path: str) -> None:
    """Delete temporary files of builds whose process no longer exists (killed mid-build)."""
    folder, name = os.path.split(index_path)
    for leftover in os.listdir(folder or "."):
        if not leftover.startswith(f"{name}.tmp-"):
            continue
        pid = leftover.rsplit(".tmp-", 1)[1].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            _unlink(os.path.join(folder, leftover))
        except PermissionError:  # alive, someone else's
            pass

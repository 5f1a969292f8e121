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
from brief.collection.rows import Rows, create_database, file_rows, init_rows, insert_rows
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
    # worker 0 writes the new index file itself; the others write shards merged into it afterwards; each stages
    # its briefs' full-text columns in a file of its own, fed to the full-text table at the end
    shards = [temporary, *(f"{temporary}-{k}" for k in range(1, jobs))]
    share = -(-len(tasks) // jobs)
    zdict = _dictionary(tasks)
    work = [(shard, tasks[k * share : (k + 1) * share], k * share + 1, collection.schema, zdict)
            for k, shard in enumerate(shards)]  # fmt: skip
    db: sqlite3.Connection | None = None
    try:
        if jobs > 1:
            with process_pool(jobs) as pool:
                count = sum(pool.map(build_shard, work))
        else:
            count = build_shard(work[0])
        db = sqlite3.connect(temporary, isolation_level=None)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        for shard in shards[1:]:  # merge in SQLite's own code: no row crosses into Python
            db.execute("ATTACH DATABASE ? AS shard", (shard,))
            db.execute("BEGIN")
            for table in ("briefs", *CHILD_TABLES):
                db.execute(f"INSERT INTO main.{table} SELECT * FROM shard.{table}")
            db.execute("INSERT OR IGNORE INTO main.actor_labels SELECT * FROM shard.actor_labels")
            db.execute("INSERT INTO main.names_staged SELECT * FROM shard.names_staged")
            db.execute("COMMIT")
            db.execute("DETACH DATABASE shard")
            os.unlink(shard)
        columns = ", ".join(FTS_COLUMNS)
        for shard in shards:
            db.execute("ATTACH DATABASE ? AS staged", (_staging(shard),))
            db.execute("BEGIN")
            db.execute(f"INSERT INTO main.fts(rowid, {columns}) SELECT rowid, {columns} FROM staged.text")
            db.execute("COMMIT")
            db.execute("DETACH DATABASE staged")
            os.unlink(_staging(shard))
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
        for shard in shards:
            _unlink(shard)
            _unlink(_staging(shard))
        raise
    return RefreshStats(added=count, rebuilt=True)


def _dictionary(tasks: list[Task], samples: int = 6) -> bytes:
    """The compression dictionary of a new index: a few of its briefs, taken across the collection (parsed only:
    any brief-shaped text serves)."""
    from brief.format import loading

    chosen = []
    for task in tasks[:: max(1, len(tasks) // samples)][:samples]:
        try:
            chosen.append(loading.load_bytes(loading.read_file(task[0]), task[0], loading.kind_for(task[0]) or "yaml"))
        except loading.LoadError:
            continue
    return dictionary([loaded.data for loaded in chosen])


def _staging(shard: str) -> str:
    return f"{shard}-text"


def build_shard(task: tuple[str, list[Task], int, str | None, bytes]) -> int:
    """Worker: parse, check and insert a share of the files into a shard database of its own, numbering its
    briefs from `first`, so that parsing and inserting run on every core and nothing large crosses between
    processes. Their full-text columns go to a staging file beside it."""
    shard_path, tasks, first, schema_path, zdict = task
    init_rows(schema_path, zdict)
    db = create_database(shard_path)
    _unlink(_staging(shard_path))
    db.execute("ATTACH DATABASE ? AS staged", (_staging(shard_path),))
    db.execute("PRAGMA staged.journal_mode = OFF")  # a private file, deleted once read
    db.execute("PRAGMA staged.synchronous = OFF")
    db.execute(f"CREATE TABLE staged.text(rowid INTEGER PRIMARY KEY, {', '.join(FTS_COLUMNS)})")
    db.execute("CREATE TABLE names_staged(fold TEXT NOT NULL, actor_id TEXT NOT NULL, brief INTEGER NOT NULL)")
    db.execute("BEGIN")
    count = insert_rows(db, (file_rows(t) for t in tasks), "staged.text", first, "names_staged")
    db.execute("COMMIT")
    db.close()
    return count


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

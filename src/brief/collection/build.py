"""Writing the index: a full build from scratch (every core, a new file renamed into place) and the update
of changed files in one transaction. Only the index (collection/index.py) calls this module."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from typing import ClassVar, Protocol

from brief.base.pool import PARALLEL_THRESHOLD, available_cores, process_pool, remove_abandoned
from brief.base.text import fold
from brief.collection import aggregates, heads
from brief.collection.config import Collection
from brief.collection.freshness import RefreshStats, Scan, Task, scan, stamp
from brief.collection.rows import (
    INSERT_LABEL,
    INSERT_TEXT,
    Handed,
    Keys,
    Rows,
    create_database,
    file_rows,
    init_rows,
    insert_rows,
)
from brief.collection.stored import dictionary
from brief.collection.tables import CHILD_TABLES, DICTIONARIES, FTS_COLUMNS, INDEXES


class BuildHook(Protocol):
    """Work done beside a full build on the briefs it parses (`brief sync` from a cold index makes the database's
    rows there, remote/sync.py): what the build's workers hold of each file is handed to it once written."""

    def begin(self, files: int) -> None:
        """In the building process, before any file is parsed: how many files the build numbers (from 1, in path
        order: a brief's number is its rowid in the new index). Called again if the build starts again."""

    def chunk(self, first: int, rows: list[Rows]) -> object:
        """In the process that parsed them (a worker, or the building process): the rows of files numbered `first`,
        `first` + 1, …, written, each with its stored copy's data and text (Rows.kept); returns what `take` gets."""

    def take(self, made: object) -> None:
        """In the building process, what `chunk` returned, chunk by chunk in path order."""


def build(path: str, collection: Collection, meta: dict[str, str], found: Scan | None = None,
          jobs: int | None = None, hook: BuildHook | None = None) -> RefreshStats:  # fmt: skip
    """Write a complete new index for the collection to a temporary file, then rename it over `path`; `hook`, if
    given, is handed every chunk of parsed files too."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    remove_abandoned(path)
    legacy = collection.legacy_index_path()
    for suffix in ("", "-wal", "-shm"):
        _unlink(f"{legacy}{suffix}")
    temporary = f"{path}.tmp-{os.getpid()}"
    started = time.time_ns()
    found = found or scan(collection.paths, collection.exclude, cache=collection.listing_path())
    tasks: list[Task] = [(p, s, m, None) for p, (s, m) in sorted(found.files.items())]
    jobs = min(jobs or available_cores(), max(1, len(tasks) // PARALLEL_THRESHOLD))
    zdict = _dictionary(tasks)
    if hook is not None:
        hook.begin(len(tasks))
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
            with process_pool(jobs, _init_shard, (temporary, collection.schema, zdict, hook)) as pool:
                db = _create(temporary)  # after the workers are forked: they inherit no connection
                db.execute("BEGIN")
                for shard, inserted, handed, ranges, made in pool.imap(_shard_chunk, chunks):
                    written.append((shard, ranges))
                    count += inserted
                    db.executemany(INSERT_TEXT, handed.texts)
                    db.executemany(INSERT_LABEL, handed.labels)
                    if hook is not None:
                        hook.take(made)
                db.execute("COMMIT")
            _merge(db, written)
        else:
            init_rows(collection.schema, zdict)
            db = _create(temporary)
            db.execute("BEGIN")
            if hook is None:
                count = insert_rows(db, (file_rows(t) for t in tasks), 1)
            else:
                for first, chunk in chunks:
                    rows = [file_rows(t, keep=True) for t in chunk]
                    count += insert_rows(db, rows, first)
                    hook.take(hook.chunk(first, rows))
            db.execute("COMMIT")
        _remove_shards(temporary)
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
    return create_database(path)


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


_MERGED = ("briefs", *CHILD_TABLES)  # actor_labels come with the full-text columns
# WITHOUT ROWID tables keyed by (brief, seq): a chunk's rows are those of its briefs
_BY_BRIEF = ("value_rows", "actor_rows", "issue_rows", "sources")
# The rows that hold dictionary keys, selected from a shard with the new index's keys instead (the shard's keys
# mapped in temp tables filled by _Rekey); the others are copied as they are.
_REKEYED = {
    "value_rows": "SELECT r.brief, r.seq, v.key FROM shard.value_rows r JOIN temp.map_value_keys v ON "
                  "v.shard_no = ?1 AND v.shard = r.value",
    "actor_rows": "SELECT r.brief, r.seq, a.key, f.key FROM shard.actor_rows r JOIN temp.map_actor_keys a ON "
                  "a.shard_no = ?1 AND a.shard = r.actor JOIN temp.map_actor_forms f ON f.shard_no = ?1 "
                  "AND f.shard = r.form",
    "issue_rows": "SELECT r.brief, r.seq, i.key, s.key FROM shard.issue_rows r JOIN temp.map_issue_keys i ON "
                  "i.shard_no = ?1 AND i.shard = r.issue LEFT JOIN temp.map_statement_keys s ON s.shard_no = ?1 "
                  "AND s.shard = r.statement",
    "position_rows": "SELECT r.brief, a.key, i.key, r.stance, r.basis, r.confidence, r.salience, r.power, r.as_of, "
                     "r.change, r.date FROM shard.position_rows r JOIN temp.map_actor_keys "
                     "a ON a.shard_no = ?1 AND a.shard = r.actor JOIN temp.map_issue_keys i ON i.shard_no = ?1 "
                     "AND i.shard = r.issue",
}  # fmt: skip


class _Rekey:
    """The new index's dictionaries, filled from the shards' chunk by chunk, in SQLite (memory stays bounded
    whatever the number of entries): the entries a shard adds are added to the index's when new (each dictionary's
    text is unique there), and their keys in the shard mapped to the index's, in temp tables the merge joins.
    Entries are added in the order the chunks are merged, so that keys are those a build in one process gives."""

    # each dictionary's text columns, and the unique ones among them (what an entry is looked up by)
    _TEXT: ClassVar[dict[str, tuple[str, str]]] = {
        "actor_keys": ("actor_id", "actor_id"), "issue_keys": ("issue_id", "issue_id"),
        "value_keys": ("field, value, fold", "field, value"), "statement_keys": ("statement", "statement"),
        "actor_forms": ("actor, name, kind, country, aliases", "actor, name, kind, country, aliases"),
    }  # fmt: skip

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        for name in DICTIONARIES:
            db.execute(f"CREATE TEMP TABLE map_{name}(shard_no INTEGER NOT NULL, shard INTEGER NOT NULL, "
                       "key INTEGER NOT NULL, PRIMARY KEY (shard_no, shard)) WITHOUT ROWID")  # fmt: skip

    def add(self, shard_no: int, name: str, low: int, high: int) -> None:
        """Map the entries `low`..`high` of the attached shard's dictionary `name`."""
        columns, unique = self._TEXT[name]
        entries = f"shard.{name} s"
        picked = ", ".join(f"s.{column} AS {column}" for column in columns.split(", "))
        if name == "actor_forms":  # a form names an actor: by the index's key
            entries += " JOIN temp.map_actor_keys a ON a.shard_no = :no AND a.shard = s.actor"
            picked = picked.replace("s.actor AS", "a.key AS", 1)
        last = self.db.execute(f"SELECT ifnull(max(key), 0) FROM main.{name}").fetchone()[0]
        self.db.execute(f"INSERT OR IGNORE INTO main.{name}({columns}) SELECT {picked} FROM {entries} "
                        "WHERE s.key BETWEEN :low AND :high ORDER BY s.key", {"no": shard_no, "low": low, "high": high})
        same = " AND ".join(f"m.{column} = t.{column}" for column in unique.split(", "))
        self.db.execute(f"INSERT INTO temp.map_{name} SELECT :no, t.shard, m.key FROM (SELECT s.key AS shard, {picked} "
                        f"FROM {entries} WHERE s.key BETWEEN :low AND :high) t JOIN main.{name} m ON {same}",
                        {"no": shard_no, "low": low, "high": high})  # fmt: skip
        if name == "actor_forms":  # the new forms' names: their actor id, name and aliases, folded (as rows.py does)
            self.db.executemany("INSERT OR IGNORE INTO main.form_names VALUES (?, ?)", [
                (folded, form) for form, actor_id, label, aliases in self.db.execute(
                    "SELECT f.key, k.actor_id, f.name, f.aliases FROM main.actor_forms f JOIN main.actor_keys k ON "
                    "k.key = f.actor WHERE f.key > ?", (last,))
                for folded in {fold(actor_id), fold(label), *(fold(alias) for alias in json.loads(aliases))}
            ])  # fmt: skip


def _merge(db: sqlite3.Connection, written: list[tuple[str, dict[str, tuple[int, int]]]]) -> None:
    """Copy the workers' rows into the new index chunk by chunk, in SQLite's own code (no row crosses into
    Python but the dictionaries' new entries), so that every table holds its rows in brief order, as a build in
    one process writes them."""
    attached: str | None = None
    rekey = _Rekey(db)
    numbers: dict[str, int] = {}
    for shard, ranges in written:
        if shard != attached:
            if attached is not None:
                db.execute("COMMIT")
                db.execute("DETACH DATABASE shard")
            db.execute("ATTACH DATABASE ? AS shard", (shard,))
            db.execute("BEGIN")
            attached = shard
        number = numbers.setdefault(shard, len(numbers))
        for name in DICTIONARIES:
            if name in ranges:
                rekey.add(number, name, *ranges[name])
        for table in _MERGED:
            if table not in ranges:
                continue
            if table in _REKEYED:
                key, order = ("brief", "r.brief, r.seq") if table in _BY_BRIEF else ("rowid", "r.rowid")
                db.execute(f"INSERT INTO main.{table} {_REKEYED[table]} WHERE r.{key} BETWEEN ?2 AND ?3 "
                           f"ORDER BY {order}", (number, *ranges[table]))  # fmt: skip
            else:
                key = "brief" if table in _BY_BRIEF else "rowid"
                db.execute(f"INSERT INTO main.{table} SELECT * FROM shard.{table} WHERE {key} BETWEEN ? AND ?",
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


_shard: tuple[str, sqlite3.Connection, Keys] | None = None  # a build worker's shard: its path, connection, keys
_hook: BuildHook | None = None  # a build worker's copy of the build's hook


def _init_shard(temporary: str, schema_path: str | None, zdict: bytes, hook: BuildHook | None = None) -> None:
    """Build worker: its checker, the compression dictionary, and a shard database of its own beside the new
    index (named after the build's temporary file, so that a killed build's shards are found and removed)."""
    global _shard, _hook
    init_rows(schema_path, zdict)
    shard = f"{temporary}-{os.getpid()}"
    db = _create(shard)
    _shard = (shard, db, Keys(db))
    _hook = hook


def _shard_chunk(chunk: tuple[int, list[Task]]) -> tuple[str, int, Handed, dict[str, tuple[int, int]], object]:
    """Build worker: parse, check and write one chunk of files to this worker's shard, committed (the pool may
    end the worker at any time after the last chunk). Returns the shard, how many briefs, what goes back to the
    building process (their full-text columns, new actor labels), the rowids the chunk's rows took in each
    table of the shard, and what the build's hook made of them (None without one)."""
    assert _shard is not None, "_init_shard() first"
    shard, db, keys = _shard
    first, tasks = chunk
    handed = Handed()
    tables = [table for table in (*_MERGED, *DICTIONARIES) if table not in _BY_BRIEF]
    db.execute("BEGIN")
    before = [db.execute(f"SELECT ifnull(max(rowid), 0) FROM {table}").fetchone()[0] for table in tables]
    parsed = [file_rows(t, keep=True) for t in tasks] if _hook is not None else None  # kept for the hook
    count = insert_rows(db, (file_rows(t) for t in tasks) if parsed is None else parsed, first, handed, keys)
    after = [db.execute(f"SELECT ifnull(max(rowid), 0) FROM {table}").fetchone()[0] for table in tables]
    db.execute("COMMIT")
    ranges = {table: (low + 1, high) for table, low, high in zip(tables, before, after, strict=True) if high > low}
    ranges |= {table: (first, first + count - 1) for table in _BY_BRIEF if count}
    made = None if _hook is None or parsed is None else _hook.chunk(first, parsed)
    return shard, count, handed, ranges, made


def update(db: sqlite3.Connection, found: Scan, started_ns: int, tasks: list[Task], removed: list[str],
           schema_path: str | None, jobs: int | None = None) -> int:  # fmt: skip
    """Apply one refresh in one transaction: drop removed files, replace changed ones, stamp the listing.
    Returns how many of `tasks` turned out unchanged in content (only their size or time moved)."""
    found_zdict = db.execute("SELECT zdict FROM brief_dictionary").fetchone()
    rows = list(_parse(tasks, schema_path, jobs, found_zdict[0] if found_zdict else b""))  # before the write lock
    db.execute("BEGIN IMMEDIATE")
    try:
        changed = [*removed, *(row.path for row in rows if not row.touch_only)]
        old = _rowids(db, changed)
        keys = aggregates.touched(db, old)  # what the old versions counted in
        for path in changed:
            _delete(db, path)
        insert_rows(db, rows)
        new = _rowids(db, changed)
        aggregates.recompute(db, aggregates.touched(db, new, keys))
        heads.refresh(db, old, new)
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", stamp(found, started_ns).items())
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    _empty_log(db)
    return sum(1 for row in rows if row.touch_only)


def _empty_log(db: sqlite3.Connection) -> None:
    """Copy the write-ahead log into the index and empty it, unless a reader holds it (then, not waiting, leave it
    to the next writer). A log left full is read whole by every process that opens the index next, until one
    writes again: 100 briefs refreshed at 100,000 left 90 MB, and each `search --no-refresh` after it took 0.4 s
    instead of 0.05 s."""
    (busy,) = db.execute("PRAGMA busy_timeout").fetchone()
    db.execute("PRAGMA busy_timeout = 0")
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(busy)}")


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
    # the dictionaries and actor_labels keep what removed briefs held until the next rebuild: readers of a
    # dictionary look for a row using the key, and a stale alternative in an alias expansion can only find what
    # the name itself would
    for table in CHILD_TABLES:
        key = "rowid" if table in ("brief_data", "brief_ids") else "brief"
        db.execute(f"DELETE FROM {table} WHERE {key} = ?", (rowid,))
    db.execute("DELETE FROM briefs WHERE rowid = ?", (rowid,))


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)

"""The collection index: an SQLite cache of every brief's metadata, actors, positions and full text.

It can always be rebuilt from the files. Each command refreshes it cheaply: files whose size and mtime are
unchanged are not read; changed ones are hashed, and only those whose content changed are parsed again;
deleted ones are dropped. A full rebuild writes a new file and renames it into place (atomic); incremental
updates are single transactions, so a killed process or a concurrent one never leaves a half-written index.
An unreadable or outdated index is rebuilt, with a one-line notice.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator

from brief.base.hashing import blake2b
from brief.collection.config import Collection
from brief.collection.freshness import BackgroundScan, Scan, scan

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import TypeVar

    from brief.collection.rows import Rows

    T = TypeVar("T")

INDEX_FORMAT = "7"  # bump when the tables below change: older indexes are rebuilt
TOKENIZER = "unicode61 remove_diacritics 2"
FTS_COLUMNS = ("title", "actors", "summary", "judgments", "body", "other")
FTS_WEIGHTS = (10.0, 8.0, 4.0, 3.0, 1.0, 1.0)  # title and actors above summary above body (BM25 weights)
LIST_FIELDS = ("nations", "regions", "domains", "tags", "authors")

TABLES = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE briefs(
  rowid INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  hash TEXT NOT NULL,
  id TEXT, title TEXT, date TEXT, updated TEXT, language TEXT, original_language TEXT, summary TEXT,
  valid INTEGER NOT NULL,
  error_count INTEGER NOT NULL
);
-- the bulky parts live apart, so that scans and joins over briefs stay on few pages
CREATE TABLE brief_data(rowid INTEGER PRIMARY KEY, errors TEXT NOT NULL, data TEXT);
-- what `--format ids` prints for a brief (its id, else its path), densely packed: looking up 20,000 hits here
-- takes a third of the time it takes in briefs
CREATE TABLE brief_ids(rowid INTEGER PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE brief_values(brief INTEGER NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, fold TEXT NOT NULL);
CREATE TABLE actors(
  brief INTEGER NOT NULL, actor_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT, country TEXT, aliases TEXT
);
CREATE TABLE actor_names(brief INTEGER NOT NULL, actor_id TEXT NOT NULL, fold TEXT NOT NULL);
-- every name and alias each actor id goes by, once: search expands an alias to the other names from here
CREATE TABLE actor_labels(actor_id TEXT NOT NULL, label TEXT NOT NULL, fold TEXT NOT NULL,
  PRIMARY KEY (actor_id, fold)) WITHOUT ROWID;
CREATE TABLE issues(brief INTEGER NOT NULL, issue_id TEXT NOT NULL, statement TEXT);
-- `date` repeats the brief's date so that stances can be followed in time order from an index alone
CREATE TABLE positions(
  brief INTEGER NOT NULL, actor_id TEXT NOT NULL, issue_id TEXT NOT NULL, stance TEXT, basis TEXT,
  confidence TEXT, salience REAL, power REAL, as_of TEXT, rationale TEXT, sources TEXT, change TEXT, date TEXT
);
CREATE TABLE sources(
  brief INTEGER NOT NULL, source_id TEXT NOT NULL, title TEXT, publisher TEXT, url TEXT, date TEXT,
  reliability TEXT, credibility INTEGER
);
CREATE TABLE relations(brief INTEGER NOT NULL, a TEXT, b TEXT, kind TEXT, trend TEXT, factors TEXT);
CREATE TABLE brief_text(rowid INTEGER PRIMARY KEY, {", ".join(FTS_COLUMNS)});
CREATE VIRTUAL TABLE fts USING fts5({", ".join(FTS_COLUMNS)}, content='brief_text', content_rowid='rowid',
  tokenize='{TOKENIZER}');
"""
# Secondary indexes are built once, after a full build has merged its shards (a bulk build is faster than
# keeping them up to date row by row). Several cover the summary's GROUP BY queries entirely.
INDEXES = """
CREATE INDEX briefs_id ON briefs(id);
CREATE INDEX briefs_date ON briefs(date);
CREATE INDEX brief_values_lookup ON brief_values(field, fold);
CREATE INDEX brief_values_counts ON brief_values(field, value, brief);
CREATE INDEX brief_values_brief ON brief_values(brief);
CREATE INDEX actors_brief ON actors(brief);
CREATE INDEX actors_id ON actors(actor_id, brief, name);
CREATE INDEX actors_kind ON actors(kind, brief);
CREATE INDEX actor_names_fold ON actor_names(fold);
CREATE INDEX actor_names_brief ON actor_names(brief, actor_id);
CREATE INDEX actor_labels_fold ON actor_labels(fold);
CREATE INDEX issues_brief ON issues(brief);
CREATE INDEX issues_id ON issues(issue_id);
CREATE INDEX positions_brief ON positions(brief);
CREATE INDEX positions_issue ON positions(issue_id);
CREATE INDEX positions_time ON positions(actor_id, issue_id, date, stance);
CREATE INDEX sources_brief ON sources(brief);
CREATE INDEX relations_brief ON relations(brief);
"""
CHILD_TABLES = (
    "brief_data",
    "brief_ids",
    "brief_values",
    "actors",
    "actor_names",
    "issues",
    "positions",
    "sources",
    "relations",
)


class RefreshStats:
    """What a refresh did (a plain class: see brief.query.Filters)."""

    __slots__ = ("added", "rebuilt", "removed", "unchanged", "updated")

    def __init__(self, added: int = 0, updated: int = 0, removed: int = 0, unchanged: int = 0,
                 rebuilt: bool = False) -> None:  # fmt: skip
        self.added = added
        self.updated = updated
        self.removed = removed
        self.unchanged = unchanged
        self.rebuilt = rebuilt

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)


# --- the index itself -----------------------------------------------------------------------------------------------


class Index:
    """An open index for one collection. `notices` collects one-line messages for the user (repairs)."""

    def __init__(
        self, collection: Collection, jobs: int | None = None, notify: Callable[[str], None] | None = None
    ) -> None:
        self.collection = collection
        self.path = collection.index_path()
        self.jobs = jobs
        self.notices: list[str] = []
        self.notify = notify
        self.pending = False  # a freshness check is owed: done by answer(), or before `db` is first used
        self._db: sqlite3.Connection | None = None
        self._check: BackgroundScan | None = None  # the owed check, running since `open_index`

    # connection ------------------------------------------------------------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        """The connection to an index as fresh as asked for (`open_index`)."""
        if self.pending:
            self.pending = False
            self._refresh_with(self._check.result() if self._check else None)
        return self._connection()

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._open()
        return self._db

    def _notice(self, message: str) -> None:
        self.notices.append(message)
        if self.notify:
            self.notify(message)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _connect(self, path: str) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 30000")
        return db

    def _expected_meta(self) -> dict[str, str]:
        return {"format": INDEX_FORMAT, "tokenizer": TOKENIZER, "schema": _schema_fingerprint(self.collection.schema)}

    def _open(self, found: Scan | None = None) -> sqlite3.Connection:
        """Open the index, rebuilding it when missing, outdated or unreadable."""
        if os.path.exists(self.path):
            try:
                db = self._connect(self.path)
                meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
                if all(meta.get(k) == v for k, v in self._expected_meta().items()):
                    db.execute("PRAGMA journal_mode = WAL")
                    return db
                db.close()
                self._notice("index format or schema changed; rebuilding the index")
            except sqlite3.DatabaseError as exc:
                self._notice(f"index {self.path} was unreadable ({exc}); rebuilding it")
        self._build_fresh(found)
        db = self._connect(self.path)
        db.execute("PRAGMA journal_mode = WAL")
        return db

    # building --------------------------------------------------------------------------------------------------

    def _build_fresh(self, found: Scan | None = None) -> RefreshStats:
        """Write a complete new index to a temporary file, then rename it over the old one."""
        from brief.base.cores import available_cores
        from brief.collection.rows import build_shard, create_database, file_rows, insert_rows
        from brief.format.batch import init_worker

        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        _remove_abandoned(self.path)
        legacy = self.collection.legacy_index_path()
        for suffix in ("", "-wal", "-shm"):
            _unlink(f"{legacy}{suffix}")
        temporary = f"{self.path}.tmp-{os.getpid()}"
        started = time.time_ns()
        found = found or scan(self.collection.paths, self.collection.exclude)
        tasks: list[tuple[str, int, int, str | None]] = [(p, s, m, None) for p, (s, m) in sorted(found.files.items())]
        jobs = min(self.jobs or available_cores(), max(1, len(tasks) // 64))
        # worker 0 writes the new index file itself; the others write shards merged into it afterwards
        shards = [temporary, *(f"{temporary}-{k}" for k in range(1, jobs))]
        db: sqlite3.Connection | None = None
        try:
            if jobs > 1:
                import multiprocessing

                share = -(-len(tasks) // jobs)
                work = [
                    (shard, tasks[k * share : (k + 1) * share], k, self.collection.schema)
                    for k, shard in enumerate(shards)
                ]
                context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
                with context.Pool(jobs) as pool:
                    count = sum(pool.map(build_shard, work))
                db = sqlite3.connect(temporary, isolation_level=None)
                db.execute("PRAGMA journal_mode = OFF")
                db.execute("PRAGMA synchronous = OFF")
                for shard in shards[1:]:  # merge in SQLite's own code: no row crosses into Python
                    db.execute("ATTACH DATABASE ? AS shard", (shard,))
                    db.execute("BEGIN")
                    for table in ("briefs", *CHILD_TABLES, "brief_text"):
                        db.execute(f"INSERT INTO main.{table} SELECT * FROM shard.{table}")
                    db.execute("INSERT OR IGNORE INTO main.actor_labels SELECT * FROM shard.actor_labels")
                    db.execute("COMMIT")
                    db.execute("DETACH DATABASE shard")
                    os.unlink(shard)
            else:
                db = create_database(temporary)
                init_worker(self.collection.schema)
                db.execute("BEGIN")
                count = insert_rows(db, (file_rows(t) for t in tasks))
                db.execute("COMMIT")
            db.executemany("INSERT INTO meta VALUES (?, ?)", self._expected_meta().items())
            db.executemany("INSERT INTO meta VALUES (?, ?)", _freshness(found, started).items())
            db.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
            db.executescript(INDEXES)
            db.execute("PRAGMA analysis_limit = 1000")  # sampled statistics: enough for the planner, and quick
            db.execute("ANALYZE")
            db.close()
            os.replace(temporary, self.path)
            for suffix in ("-wal", "-shm"):  # belonged to the replaced file
                _unlink(f"{self.path}{suffix}")
        except BaseException:
            if db is not None:
                db.close()
            for path in shards:
                _unlink(path)
            raise
        return RefreshStats(added=count, rebuilt=True)

    def _rows(self, tasks: list[tuple[str, int, int, str | None]]) -> Iterator[Rows]:
        from brief.base.cores import available_cores
        from brief.collection.rows import file_rows
        from brief.format.batch import init_worker

        jobs = self.jobs or available_cores()
        if jobs > 1 and len(tasks) >= 64:
            import multiprocessing

            context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
            with context.Pool(jobs, initializer=init_worker, initargs=(self.collection.schema,)) as pool:
                yield from pool.imap(file_rows, tasks, chunksize=64)
        else:
            init_worker(self.collection.schema)
            for task in tasks:
                yield file_rows(task)

    def _delete(self, db: sqlite3.Connection, path: str) -> None:
        found = db.execute("SELECT rowid FROM briefs WHERE path = ?", (path,)).fetchone()
        if found is None:
            return
        rowid = found[0]
        columns = ", ".join(FTS_COLUMNS)
        # an external-content FTS table forgets a row only when told its old values
        db.execute(
            f"INSERT INTO fts(fts, rowid, {columns}) SELECT 'delete', rowid, {columns} FROM brief_text WHERE rowid = ?",
            (rowid,),
        )
        db.execute("DELETE FROM brief_text WHERE rowid = ?", (rowid,))
        # actor_labels keeps the names of removed briefs' actors until the next rebuild: a stale alternative
        # in an alias expansion can only find what the name itself would
        for table in CHILD_TABLES:
            key = "rowid" if table in ("brief_data", "brief_ids") else "brief"
            db.execute(f"DELETE FROM {table} WHERE {key} = ?", (rowid,))
        db.execute("DELETE FROM briefs WHERE rowid = ?", (rowid,))

    # public --------------------------------------------------------------------------------------------------

    def rebuild(self) -> RefreshStats:
        self.close()
        stats = self._build_fresh()
        self._db = self._connect(self.path)
        self._db.execute("PRAGMA journal_mode = WAL")
        return stats

    def refresh(self) -> RefreshStats:
        """Bring the index up to date with the files; cheap when nothing changed (one stat per file)."""
        return self._refresh_with(None)

    def _refresh_with(self, found: Scan | None) -> RefreshStats:
        existed = os.path.exists(self.path)
        try:
            return self._refresh(existed, found)
        except sqlite3.DatabaseError as exc:
            self._notice(f"index {self.path} was damaged ({exc}); rebuilding it")
            return self.rebuild()

    def answer(self, question: Callable[[sqlite3.Connection], T]) -> T:
        """`question(db)` answered from a fresh index: asked of the index as it is while the freshness check runs;
        when the check finds nothing changed, the common case, that answer stands, else the index is updated and
        asked again."""
        if not (self.pending and self._check and os.path.exists(self.path)):
            return question(self.db)  # nothing owed, or no index yet: `db` builds it from the check's scan
        self.pending = False
        try:
            answer: T | None = question(self._connection())
            complete = not self.notices  # a rebuild while opening: answered from the files as they are now
        except sqlite3.DatabaseError:
            answer, complete = None, False  # damaged: repaired below, then asked again
        finally:
            found = self._check.result()  # waits for the check; raises what it raised
        stats = self._refresh_with(found)
        if complete and not stats.changed:
            return answer  # type: ignore[return-value]  # complete: the question was answered
        return question(self.db)

    def _refresh(self, existed: bool, found: Scan | None = None) -> RefreshStats:
        started = time.time_ns()
        found = found or scan(self.collection.paths, self.collection.exclude)
        if self._db is None:
            self._db = self._open(found)  # builds from scratch when missing, outdated or unreadable
        db = self._db
        if not existed or self.notices:
            return RefreshStats(added=found.count, rebuilt=True)
        meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('files', 'refreshed')"))
        if meta.get("files") == found.digest:  # the common case: same files, sizes and times as last time
            return RefreshStats(unchanged=found.count)
        # A file changed within a timestamp tick of the last refresh may show the same mtime: re-hash those.
        racy_after = int(meta.get("refreshed", "0")) - RACY_NS
        known = {path: (size, mtime, digest) for path, size, mtime, digest in db.execute(
            "SELECT path, size, mtime_ns, hash FROM briefs")}  # fmt: skip
        stats = RefreshStats()
        tasks: list[tuple[str, int, int, str | None]] = []
        for path, (size, mtime) in found.files.items():
            previous = known.get(path)
            if previous is None:
                tasks.append((path, size, mtime, None))
                stats.added += 1
            elif previous[0] != size or previous[1] != mtime or mtime >= racy_after:
                tasks.append((path, size, mtime, previous[2]))
                stats.updated += 1
            else:
                stats.unchanged += 1
        removed = [path for path in known if path not in found.files]
        stats.removed = len(removed)
        from brief.collection.rows import insert_rows

        rows = list(self._rows(sorted(tasks)))  # parse before taking the write lock
        db.execute("BEGIN IMMEDIATE")
        try:
            for path in removed:
                self._delete(db, path)
            for row in rows:
                if not row.touch_only:
                    self._delete(db, row.path)
            insert_rows(db, rows, sync_fts=True)
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", _freshness(found, started).items())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        touched = sum(1 for row in rows if row.touch_only)
        stats.updated -= touched
        stats.unchanged += touched
        return stats

    def counts(self) -> dict[str, int]:
        tables = {"briefs": "briefs", "invalid": "briefs WHERE valid = 0", "actors": "actors", "issues": "issues",
                  "positions": "positions", "sources": "sources"}  # fmt: skip
        return {name: self.db.execute(f"SELECT count(*) FROM {sql}").fetchone()[0] for name, sql in tables.items()}


RACY_NS = 2_000_000_000  # coarser than any file system's timestamp granularity


def _freshness(found: Scan, started_ns: int) -> dict[str, str]:
    """What the next refresh compares with. The listing digest is kept only when no file is so recent that
    a further change could leave its mtime as it is (the "racy" case git also guards against)."""
    safe = found.newest_ns < started_ns - RACY_NS
    return {"files": found.digest if safe else "", "refreshed": str(started_ns), "count": str(found.count)}


def _unlink(path: str) -> None:
    import contextlib

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


def _schema_fingerprint(schema_path: str | None) -> str:
    from brief.format.schema import bundled_schema_path

    try:
        with open(schema_path or bundled_schema_path(), "rb") as handle:
            return blake2b(handle.read(), digest_size=8).hexdigest()
    except OSError:
        return "missing"


def open_index(
    collection: Collection, refresh: bool = True, jobs: int | None = None,
    notify: Callable[[str], None] | None = None, defer: bool = False, check: BackgroundScan | None = None,
) -> Index:  # fmt: skip
    """An index for the collection, refreshed unless told not to; notices go to `notify` as they happen. With
    `defer`, the refresh waits for the first question: `Index.answer` then checks the files meanwhile, or takes
    the result of `check`, a scan of the collection started earlier still."""
    index = Index(collection, jobs, notify)
    if refresh and defer:
        index.pending = True
        index._check = check or BackgroundScan(collection.paths, collection.exclude)
    elif refresh:
        index.refresh()
    else:
        index.db  # noqa: B018 - opens, building only if there is no usable index at all
    return index

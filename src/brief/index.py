"""The collection index: an SQLite cache of every brief's metadata, actors, positions and full text.

It can always be rebuilt from the files. Each command refreshes it cheaply: files whose size and mtime are
unchanged are not read; changed ones are hashed, and only those whose content changed are parsed again;
deleted ones are dropped. A full rebuild writes a new file and renames it into place (atomic); incremental
updates are single transactions, so a killed process or a concurrent one never leaves a half-written index.
An unreadable or outdated index is rebuilt, with a one-line notice.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from brief.batch import default_jobs, init_worker, worker_checker
from brief.config import Collection
from brief.hashing import blake2b
from brief.nations import fold
from brief.scanning import Scan, scan

T = TypeVar("T")

INDEX_FORMAT = "6"  # bump when the tables below change: older indexes are rebuilt
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
DDL = TABLES + INDEXES

CHILD_TABLES = ("brief_data", "brief_values", "actors", "actor_names", "issues", "positions", "sources", "relations")


@dataclass(repr=False, eq=False)
class RefreshStats:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    rebuilt: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)


@dataclass(repr=False, eq=False)
class Rows:
    """Everything one file contributes to the index, built in a worker process."""

    path: str
    size: int
    mtime_ns: int
    hash: str
    brief: tuple[Any, ...] = ()
    data: tuple[str, str | None] = ("[]", None)  # errors as JSON, the brief (less its body) as JSON
    values: list[tuple[str, str, str]] = field(default_factory=list)
    actors: list[tuple[Any, ...]] = field(default_factory=list)
    actor_names: list[tuple[str, str]] = field(default_factory=list)
    actor_labels: list[tuple[str, str, str]] = field(default_factory=list)
    issues: list[tuple[Any, ...]] = field(default_factory=list)
    positions: list[tuple[Any, ...]] = field(default_factory=list)
    sources: list[tuple[Any, ...]] = field(default_factory=list)
    relations: list[tuple[Any, ...]] = field(default_factory=list)
    text: tuple[str, ...] = ()
    touch_only: bool = False  # same content as indexed: only size/mtime change


# --- turning one file into rows (runs in worker processes) ----------------------------------------------------------


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _strs(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def file_rows(task: tuple[str, int, int, str | None]) -> Rows:
    """Read, check and flatten one file. Invalid briefs are indexed too, with their errors."""
    from brief import loading
    from brief.diagnostics import Diagnostic

    path, size, mtime_ns, known_hash = task
    try:
        raw = loading.read_file(path)
    except loading.LoadError as exc:
        raw = b""
        error: Diagnostic | None = Diagnostic(path, 0, 0, "$", exc.rule, exc.message)
    else:
        error = None
    digest = blake2b(raw, digest_size=16).hexdigest()
    rows = Rows(path, size, mtime_ns, digest)
    if known_hash == digest and error is None:
        rows.touch_only = True
        return rows
    if error is not None:
        data, diagnostics = None, [error]
    else:
        kind = loading.kind_for(path) or "yaml"
        data, result = worker_checker().load_bytes(raw, path, kind)
        diagnostics = result.diagnostics
    errors = json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False)
    if data is None:
        rows.brief = (path, size, mtime_ns, digest, None, None, None, None, None, None, None, 0, len(diagnostics))
        rows.data = (errors, None)
        rows.text = ("",) * len(FTS_COLUMNS)
        return rows
    body = _text(data.get("body")) or ""
    stored = {key: value for key, value in data.items() if key != "body"}
    rows.brief = (
        path, size, mtime_ns, digest, _text(data.get("id")), _text(data.get("title")), _text(data.get("date")),
        _text(data.get("updated")), _text(data.get("language")), _text(data.get("original_language")),
        _text(data.get("summary")), 0 if diagnostics else 1, len(diagnostics),
    )  # fmt: skip
    rows.data = (errors, json.dumps(stored, ensure_ascii=False, default=str))
    for name in LIST_FIELDS:
        for value in _strs(data.get(name)):
            rows.values.append((name, value, fold(value)))
    actor_text: list[str] = []
    for actor in _dicts(data.get("actors")):
        actor_id = _text(actor.get("id"))
        name = _text(actor.get("name"))
        if actor_id is None or name is None:
            continue
        aliases = _strs(actor.get("aliases"))
        rows.actors.append(
            (
                actor_id,
                name,
                _text(actor.get("kind")),
                _text(actor.get("country")),
                json.dumps(aliases, ensure_ascii=False),
            )
        )
        for label in {fold(actor_id), fold(name), *(fold(alias) for alias in aliases)}:
            rows.actor_names.append((actor_id, label))
        for label in (name, *aliases):
            rows.actor_labels.append((actor_id, label, fold(label)))
        actor_text += [name, *aliases]
    other: list[str] = [*_strs(data.get("tags")), *_strs(data.get("authors"))]
    for issue in _dicts(data.get("issues")):
        if isinstance(issue.get("id"), str):
            rows.issues.append((issue["id"], _text(issue.get("statement"))))
        other += [s for s in (_text(issue.get("statement")), _text(issue.get("description"))) if s]
    for position in _dicts(data.get("positions")):
        if not (isinstance(position.get("actor"), str) and isinstance(position.get("issue"), str)):
            continue
        rationale = _strs(position.get("rationale"))
        rows.positions.append((
            position["actor"], position["issue"], _text(position.get("stance")), _text(position.get("basis")),
            _text(position.get("confidence")), _number(position.get("salience")), _number(position.get("power")),
            _text(position.get("as_of")), json.dumps(rationale, ensure_ascii=False),
            json.dumps(_strs(position.get("sources"))), _text(position.get("change")), _text(data.get("date")),
        ))  # fmt: skip
        other += rationale
        if isinstance(position.get("change"), str):
            other.append(position["change"])
    for source in _dicts(data.get("sources")):
        if not isinstance(source.get("id"), str):
            continue
        credibility = source.get("credibility")
        rows.sources.append((
            source["id"], _text(source.get("title")), _text(source.get("publisher")), _text(source.get("url")),
            _text(source.get("date")), _text(source.get("reliability")),
            credibility if isinstance(credibility, int) and not isinstance(credibility, bool) else None,
        ))  # fmt: skip
        other += [s for s in (_text(source.get("title")), _text(source.get("publisher"))) if s]
    for relation in _dicts(data.get("relations")):
        ends = _strs(relation.get("actors"))
        factors = _strs(relation.get("factors"))
        rows.relations.append((
            ends[0] if ends else None, ends[1] if len(ends) > 1 else None, _text(relation.get("kind")),
            _text(relation.get("trend")), json.dumps(factors, ensure_ascii=False),
        ))  # fmt: skip
        other += factors
    for figure in _dicts(data.get("figures")):
        if isinstance(figure.get("label"), str):
            other.append(figure["label"])
    judgments = [j["statement"] for j in _dicts(data.get("key_judgments")) if isinstance(j.get("statement"), str)]
    rows.text = (
        _text(data.get("title")) or "",
        "\n".join(actor_text),
        _text(data.get("summary")) or "",
        "\n".join(judgments),
        body,
        "\n".join(other),
    )
    return rows


def insert_rows(
    db: sqlite3.Connection, rows: Iterable[Rows], sync_fts: bool = False, next_rowid: int | None = None
) -> int:
    """Insert rows (the caller holds the transaction). With `sync_fts`, also feed the full-text index row by
    row (incremental updates); a fresh build rebuilds it in one pass instead. `next_rowid` gives shards
    disjoint rowids so that they merge without renumbering."""
    count = 0
    columns = ", ".join(FTS_COLUMNS)
    marks = ", ".join("?" * len(FTS_COLUMNS))
    for row in rows:
        if row.touch_only:
            db.execute("UPDATE briefs SET size = ?, mtime_ns = ? WHERE path = ?", (row.size, row.mtime_ns, row.path))
            continue
        count += 1
        cursor = db.execute(
            "INSERT INTO briefs(rowid, path, size, mtime_ns, hash, id, title, date, updated, language, "
            "original_language, summary, valid, error_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (next_rowid, *row.brief),
        )
        rowid = cursor.lastrowid
        db.execute("INSERT INTO brief_data VALUES (?, ?, ?)", (rowid, *row.data))
        if next_rowid is not None:
            next_rowid += 1
        db.executemany("INSERT INTO brief_values VALUES (?, ?, ?, ?)", [(rowid, *v) for v in row.values])
        db.executemany("INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?)", [(rowid, *a) for a in row.actors])
        db.executemany("INSERT INTO actor_names VALUES (?, ?, ?)", [(rowid, *n) for n in row.actor_names])
        db.executemany("INSERT OR IGNORE INTO actor_labels VALUES (?, ?, ?)", row.actor_labels)
        db.executemany("INSERT INTO issues VALUES (?, ?, ?)", [(rowid, *i) for i in row.issues])
        db.executemany(
            "INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [(rowid, *p) for p in row.positions]
        )
        db.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [(rowid, *s) for s in row.sources])
        db.executemany("INSERT INTO relations VALUES (?, ?, ?, ?, ?, ?)", [(rowid, *r) for r in row.relations])
        db.execute(f"INSERT INTO brief_text(rowid, {columns}) VALUES (?, {marks})", (rowid, *row.text))
        if sync_fts:
            db.execute(f"INSERT INTO fts(rowid, {columns}) VALUES (?, {marks})", (rowid, *row.text))
    return count


SHARD_SPAN = 1 << 40  # rowids per shard: shard k numbers its briefs from k * SHARD_SPAN + 1


def _create(path: Path) -> sqlite3.Connection:
    """A new, private database file with the index tables (secondary indexes come after the bulk insert);
    durability only matters once it is renamed into place."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.executescript(TABLES)
    return db


def build_shard(task: tuple[str, list[tuple[str, int, int, str | None]], int, str | None]) -> int:
    """Worker: parse, check and insert a share of the files into a shard database of its own, so that
    parsing and inserting run on every core and nothing large crosses between processes."""
    shard_path, tasks, shard, schema_path = task
    init_worker(schema_path)
    db = _create(Path(shard_path))
    db.execute("BEGIN")
    count = insert_rows(db, (file_rows(t) for t in tasks), next_rowid=shard * SHARD_SPAN + 1)
    db.execute("COMMIT")
    db.close()
    return count


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

    # connection ------------------------------------------------------------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        """The connection to an index as fresh as asked for (`open_index`)."""
        if self.pending:
            self.pending = False
            self.refresh()
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

    def _connect(self, path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 30000")
        return db

    def _expected_meta(self) -> dict[str, str]:
        return {"format": INDEX_FORMAT, "tokenizer": TOKENIZER, "schema": _schema_fingerprint(self.collection.schema)}

    def _open(self, found: Scan | None = None) -> sqlite3.Connection:
        """Open the index, rebuilding it when missing, outdated or unreadable."""
        if self.path.exists():
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

        self.path.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(self.path)
        temporary = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
        started = time.time_ns()
        found = found or scan(self.collection.paths, self.collection.exclude)
        tasks = [(p, s, m, None) for p, (s, m) in sorted(found.files.items())]
        jobs = min(self.jobs or default_jobs(), max(1, len(tasks) // 64))
        # worker 0 writes the new index file itself; the others write shards merged into it afterwards
        shards = [temporary, *(temporary.with_name(f"{temporary.name}-{k}") for k in range(1, jobs))]
        db: sqlite3.Connection | None = None
        try:
            if jobs > 1:
                import multiprocessing

                share = -(-len(tasks) // jobs)
                work = [
                    (str(shard), tasks[k * share : (k + 1) * share], k, self.collection.schema)
                    for k, shard in enumerate(shards)
                ]
                context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
                with context.Pool(jobs) as pool:
                    count = sum(pool.map(build_shard, work))
                db = sqlite3.connect(temporary, isolation_level=None)
                db.execute("PRAGMA journal_mode = OFF")
                db.execute("PRAGMA synchronous = OFF")
                for shard in shards[1:]:  # merge in SQLite's own code: no row crosses into Python
                    db.execute("ATTACH DATABASE ? AS shard", (str(shard),))
                    db.execute("BEGIN")
                    for table in ("briefs", *CHILD_TABLES, "brief_text"):
                        db.execute(f"INSERT INTO main.{table} SELECT * FROM shard.{table}")
                    db.execute("INSERT OR IGNORE INTO main.actor_labels SELECT * FROM shard.actor_labels")
                    db.execute("COMMIT")
                    db.execute("DETACH DATABASE shard")
                    shard.unlink()
            else:
                db = _create(temporary)
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
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except BaseException:
            if db is not None:
                db.close()
            for path in shards:
                path.unlink(missing_ok=True)
            raise
        return RefreshStats(added=count, rebuilt=True)

    def _rows(self, tasks: list[tuple[str, int, int, str | None]]) -> Iterator[Rows]:

        jobs = self.jobs or default_jobs()
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
            key = "rowid" if table == "brief_data" else "brief"
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
        existed = self.path.exists()
        try:
            return self._refresh(existed, found)
        except sqlite3.DatabaseError as exc:
            self._notice(f"index {self.path} was damaged ({exc}); rebuilding it")
            return self.rebuild()

    def answer(self, question: Callable[[sqlite3.Connection], T]) -> T:
        """`question(db)` answered from a fresh index. The freshness check (file system calls, mostly outside
        the GIL) runs in a thread while the question is answered from the index as it is; when the check finds
        nothing changed, the common case, that answer stands, else the index is updated and asked again."""
        import threading

        if not self.pending or not self.path.exists():
            return question(self.db)
        self.pending = False
        found: list[Scan] = []
        failed: list[BaseException] = []

        def check() -> None:
            try:
                found.append(scan(self.collection.paths, self.collection.exclude))
            except BaseException as exc:  # handed to the main thread
                failed.append(exc)

        worker = threading.Thread(target=check, name="brief-freshness", daemon=True)
        worker.start()
        try:
            answer: T | None = question(self._connection())
            complete = not self.notices  # a rebuild while opening: answered from the files as they are now
        except sqlite3.DatabaseError:
            answer, complete = None, False  # damaged: repaired below, then asked again
        finally:
            worker.join()
        if failed:
            raise failed[0]
        stats = self._refresh_with(found[0])
        if complete and not stats.changed:
            return cast(T, answer)
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


def _remove_abandoned(index_path: Path) -> None:
    """Delete temporary files of builds whose process no longer exists (killed mid-build)."""
    for leftover in index_path.parent.glob(f"{index_path.name}.tmp-*"):
        pid = leftover.name.rsplit(".tmp-", 1)[1].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except PermissionError:  # alive, someone else's
            pass


def _schema_fingerprint(schema_path: str | None) -> str:
    from brief.schema import bundled_schema_path

    path = Path(schema_path) if schema_path else bundled_schema_path()
    try:
        return blake2b(path.read_bytes(), digest_size=8).hexdigest()
    except OSError:
        return "missing"


def open_index(
    collection: Collection, refresh: bool = True, jobs: int | None = None,
    notify: Callable[[str], None] | None = None, defer: bool = False,
) -> Index:  # fmt: skip
    """An index for the collection, refreshed unless told not to; notices go to `notify` as they happen. With
    `defer`, the refresh waits for the first question: `Index.answer` then checks the files meanwhile."""
    index = Index(collection, jobs, notify)
    if refresh and defer:
        index.pending = True
    elif refresh:
        index.refresh()
    else:
        index.db  # noqa: B018 - opens, building only if there is no usable index at all
    return index

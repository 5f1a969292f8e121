"""`brief sync` as a function: mirror one collection into PostgreSQL, incrementally and safely.

- What is synced: the briefs `brief export` would write (query/selection.py: the TLP rule withholds those marked
  above `max_tlp`), less the invalid ones, read from the local index, refreshed first (collection/index.py: one
  stat per file, only changed files parsed): each brief's data as `brief show --format json` gives it
  (format/normal.py, but for the order of its keys, which jsonb does not keep) with its marking, and the index's
  full-text columns. Nothing is parsed twice.
- Incremental: each synced brief carries a hash of its content, its marking and the row format; a brief whose
  hash the database already holds is not written; gone ones are removed.
- Safe: one transaction, so readers see the collection before or after a sync, never half of one, and a killed
  sync leaves the database as it was; an advisory lock per collection makes two syncs of it take turns (both
  succeed, the second finding the first's work done); other collections are never touched.
"""

from __future__ import annotations

import os
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from brief.base.hashing import blake2b
from brief.base.vocabulary import DEFAULT_MAX_TLP
from brief.remote.schema import LABELS_LOCK, SCHEMA_LOCK

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from concurrent.futures import Future

    from brief.collection.config import Collection
    from brief.collection.index import Index
    from brief.collection.rows import Rows

ROW_FORMAT = "1.1"  # bump when rows.py writes a brief differently: every brief is written again (not with each
# schema version: a migration brings the rows it holds up to date in place)
BATCH = 500  # briefs whose rows are built and copied at a time
FIRST_BATCH = 32  # the first batches of each process (see _write)


class SyncReport:
    """What a sync did: brief counts, the briefs left out, and the time it took."""

    def __init__(self, collection: str, database: str) -> None:
        self.collection = collection
        self.database = database  # the connection string, password hidden
        self.added = 0
        self.changed = 0
        self.removed = 0
        self.unchanged = 0
        self.invalid: list[str] = []  # paths of invalid briefs, not synced
        self.withheld: dict[str, int] = {}  # marking -> briefs withheld by the TLP rule
        self.seconds = 0.0

    @property
    def total(self) -> int:
        return self.added + self.changed + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        return {
            "collection": self.collection, "database": self.database, "added": self.added, "changed": self.changed,
            "removed": self.removed, "unchanged": self.unchanged, "briefs": self.total, "invalid": len(self.invalid),
            "invalid_paths": self.invalid, "withheld": self.withheld, "seconds": round(self.seconds, 3),
        }  # fmt: skip


def collection_root(collection: Collection) -> str:
    """The folder synced paths are relative to, so that every checkout syncs the same paths: the git repository
    holding the collection, else its configuration's folder, else the folder its paths share."""
    start = os.path.dirname(collection.config_file) if collection.config_file else _common_folder(collection.paths)
    folder = start
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent


def _common_folder(paths: list[str]) -> str:
    folders = [p if os.path.isdir(p) else os.path.dirname(p) for p in paths] or [os.getcwd()]
    return os.path.commonpath(folders)


def collection_name(collection: Collection) -> str:
    """The collection's name in the database: its configured `name`, else its repository's folder name."""
    return collection.name or os.path.basename(collection_root(collection)) or "collection"


def _relative(path: str, root: str) -> str:
    # the index's paths are absolute and normal (the walk joins names onto the configured folders): a path under
    # the root has it cut off, relpath (two abspath calls each) does the rest; 100,000 briefs: 1.3 s -> 0.04 s
    if path.startswith(root) and path[len(root) : len(root) + 1] == os.sep:
        relative = path[len(root) + 1 :]
    else:
        relative = os.path.relpath(path, root)
    return relative.replace(os.sep, "/")


def sync(index: Index, dsn: str, name: str | None = None, max_tlp: str = DEFAULT_MAX_TLP) -> SyncReport:
    """Mirror the collection of `index` into the database `dsn` under `name` (default: collection_name)."""
    from brief.query.filters import Filters
    from brief.query.mirror import content_hashes
    from brief.query.selection import select
    from brief.remote.connect import connect, database_errors, redact
    from brief.remote.schema import ensure_schema

    started = time.perf_counter()
    collection = index.collection
    name = name or collection_name(collection)
    report = SyncReport(name, redact(dsn))
    root = collection_root(collection)
    conn: Any = connect(dsn)
    try:
        ensure_schema(conn)
        with database_errors(f"cannot sync collection '{name}'"), conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (SCHEMA_LOCK >> 32, name))
            conn.execute("SET LOCAL synchronous_commit = on")
            collection_id = conn.execute(
                "INSERT INTO brief.collections(name) VALUES (%s) ON CONFLICT (name) DO UPDATE SET name = excluded.name "
                "RETURNING id",
                (name,),
            ).fetchone()[0]
            remote = dict(
                conn.execute("SELECT path, hash FROM brief.briefs WHERE collection = %s", (collection_id,)).fetchall()
            )
            # the collection's first sync: if the index is built now (cold), its workers make the rows (_Cold)
            cold = _Cold(conn, collection_id, root, collection.tlp, max_tlp) if not remote else None
            index.build_hook = cold
            try:
                db = index.connection()  # refreshed: only changed files are read
                if cold is not None and cold.began:
                    cold.finish()
            finally:
                index.build_hook = None
                if cold is not None:
                    cold.close()
            selection = select(db, Filters(), None, max_tlp)
            report.withheld = selection.withheld
            hashes = content_hashes(db)
            local: dict[str, tuple[int, str]] = {}  # path -> (index row, sync hash)
            markings: dict[str, str | None] = {}  # path -> the marking it is synced with (its own, else the default)
            for chosen in selection.chosen:
                if not chosen.valid or chosen.row is None:
                    report.invalid.append(chosen.path)
                    continue
                path = _relative(chosen.path, root)
                local[path] = (chosen.row, _digest(hashes[chosen.row], chosen.tlp))
                markings[path] = chosen.tlp
            touched: set[str] = set()  # actors whose labels may go
            if cold is not None and cold.began:
                # the build's workers chose what to write as the selection does: held to it
                if cold.written != {path: digest for path, (_, digest) in local.items()}:
                    raise RuntimeError("the briefs written while the index was built are not those it selects")
                report.added = len(local)
                if not cold.completed:  # a build of no file
                    cold.complete()
                written = set()  # their labels: written by cold.complete()
            else:
                write: list[tuple[str, int, str]] = []  # (path, index row, sync hash)
                for path, (row, digest) in local.items():
                    known = remote.get(path)
                    if known == digest:
                        report.unchanged += 1
                        continue
                    if known is None:
                        report.added += 1
                    else:
                        report.changed += 1
                    write.append((path, row, digest))
                gone = [path for path in remote if path not in local]
                report.removed = len(gone)
                stale = gone + [path for path, _, _ in write if path in remote]
                if stale:
                    keys_gone = [
                        key for (key,) in conn.execute(
                            "SELECT key FROM brief.briefs WHERE collection = %s AND path = ANY(%s)",
                            (collection_id, stale),
                        ).fetchall()
                    ]  # fmt: skip
                    touched.update(actor for (actor,) in conn.execute(
                        "SELECT DISTINCT actor_id FROM brief.actors WHERE brief = ANY(%s)", (keys_gone,)
                    ).fetchall())  # fmt: skip
                    conn.execute("DELETE FROM brief.briefs WHERE key = ANY(%s)", (keys_gone,))
                written = _write(conn, index.path, collection_id, write, markings)
            refresh_labels(conn, written, touched)
            from brief import __version__

            conn.execute(
                "UPDATE brief.collections SET synced_at = now(), brief_version = %s, briefs = %s WHERE id = %s",
                (__version__, report.total, collection_id),
            )
    finally:
        conn.close()
    report.seconds = time.perf_counter() - started
    return report


def _digest(content_hash: str, marking: str | None) -> str:
    """A synced brief's hash: its file's content hash (hex), the marking it is synced with, the row format."""
    return blake2b(f"{content_hash}\0{marking or ''}\0{ROW_FORMAT}".encode(), digest_size=16).hexdigest()


def refresh_labels(conn: Any, written: set[tuple[str, str, str]], touched: set[str]) -> None:
    """Keep brief.actor_labels holding each actor's names and aliases (folded) that the database's briefs give it
    now, in every collection (a search expands aliases across all of them): add those of the briefs `written`
    ((actor id, fold, label) triples), and drop those of the `touched` actors (whose briefs were removed or
    replaced) that no brief gives any more. Under LABELS_LOCK, held until the sync commits: two syncs (of different
    collections) take turns here, and the second, reading after the first committed, sees its briefs."""
    if not written and not touched:
        return
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (LABELS_LOCK,))
    if touched:
        conn.execute(
            "DELETE FROM brief.actor_labels l WHERE l.actor_id = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM brief.actors a WHERE a.actor_id = l.actor_id AND a.name_fold = l.fold) "
            "AND NOT EXISTS (SELECT 1 FROM brief.actor_aliases s WHERE s.actor_id = l.actor_id AND s.fold = l.fold)",
            (sorted(touched),),
        )
    if written:
        # one spelling per actor and fold (the first in sort order): every spelling that folds alike searches alike
        ordered = sorted(written)
        conn.execute(
            "INSERT INTO brief.actor_labels (actor_id, fold, label) SELECT * FROM unnest(%s::text[], %s::text[], "
            "%s::text[]) ON CONFLICT DO NOTHING",
            ([r[0] for r in ordered], [r[1] for r in ordered], [r[2] for r in ordered]),
        )


def _merge_pending(conn: Any) -> None:
    """Move the full-text entries the sync wrote from the GIN indexes' pending lists into the indexes proper, in
    one sorted pass each (see _write), so that the first searches after a sync need not scan a long pending list.
    A role that does not own the indexes may not: autovacuum then does it later."""
    try:
        with conn.transaction():  # a savepoint: a refusal leaves the sync's transaction usable
            conn.execute(
                "SELECT gin_clean_pending_list(c.oid) FROM pg_class c JOIN pg_am a ON a.oid = c.relam "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.amname = 'gin' AND n.nspname = 'brief'"
            )
    except Exception as exc:  # psycopg's InsufficientPrivilege, imported with psycopg only
        if getattr(exc, "sqlstate", None) != "42501":
            raise


def _prepare(conn: Any, count: int) -> list[tuple[str, str]]:
    """Before `count` briefs (at most) are copied in: the settings that make it cheaper, and the indexes dropped
    to be built once at the end when the tables are empty (_defer_indexes, which returns them)."""
    # GIN indexes take new entries into a pending list, merged into the index when it is full: one large list
    # merged once at the end (_merge_pending) costs a third less than many small merges along the way
    conn.execute("SET LOCAL gin_pending_list_limit = '256MB'")
    deferred = _defer_indexes(conn) if count >= DEFER_THRESHOLD else []
    # the jsonb brief and the tsvectors are compressed out of line (TOAST): lz4, where the server has it, in a
    # fraction of pglz's time (a sync of 10,000 briefs: a fifth less), and read back whatever the setting
    lz4 = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
    if conn.execute(lz4).fetchone()[0]:
        conn.execute("SET LOCAL default_toast_compression = 'lz4'")
    return deferred


def _finish(conn: Any, deferred: list[tuple[str, str]]) -> None:
    """Once every row is in: the dropped indexes built again, else the GIN indexes' pending lists merged."""
    if deferred:
        for _, definition in deferred:
            conn.execute(definition)
    else:
        _merge_pending(conn)


def _reserve(conn: Any, count: int) -> list[int]:
    """`count` new keys of brief.briefs."""
    return [
        key for (key,) in conn.execute(
            "SELECT nextval(pg_get_serial_sequence('brief.briefs', 'key')) FROM generate_series(1, %s)", (count,)
        ).fetchall()
    ]  # fmt: skip


def _write(conn: Any, index_path: str, collection_id: int, write: list[tuple[str, int, str]],
           markings: dict[str, str | None]) -> set[tuple[str, str, str]]:  # fmt: skip
    """Insert the briefs to write, BATCH at a time, with COPY; returns their actors' labels: (actor id, fold,
    label) of each name and alias."""
    labels: set[tuple[str, str, str]] = set()
    if not write:
        return labels
    deferred = _prepare(conn, len(write))
    keys = _reserve(conn, len(write))
    briefs = [(row, path, digest, key, markings.get(path))
              for (path, row, digest), key in zip(write, keys, strict=True)]  # fmt: skip
    from concurrent.futures import ThreadPoolExecutor

    from brief.base.pool import PARALLEL_THRESHOLD, available_cores, process_pool

    jobs = min(available_cores(), max(1, len(briefs) // PARALLEL_THRESHOLD))
    size = max(16, min(BATCH, -(-len(briefs) // (4 * jobs))))  # four batches a process at least
    # the first batch of each process small, so that the server starts storing rows at once rather than after a
    # whole batch is made (the server's work is the longer of the two: it sets the pace)
    first = min(size, FIRST_BATCH)
    batches = [briefs[start : start + first] for start in range(0, first * jobs, first)]
    batches += [briefs[start : start + size] for start in range(first * jobs, len(briefs), size)]

    # Worker processes make the rows of the batches (reading the stored copies from the index, and the full-text
    # vectors: the bulk of a sync's own work) as binary COPY data (remote/binary.py), a thread here hands each
    # batch's bytes to the server, which stores it meanwhile; at most two batches wait here at once.
    made: Iterator[tuple[dict[str, list[bytes]], set[tuple[str, str, str]]]]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="brief-copy") as copier:
        pending: Future[None] | None = None
        if jobs > 1:
            pool = process_pool(jobs, _open_index, (index_path, collection_id))
            made = pool.imap(_batch_rows, batches)
        else:
            _open_index(index_path, collection_id)
            made = map(_batch_rows, batches)
        try:
            for rows, names in made:
                labels |= names
                if pending is not None:
                    pending.result()  # raises what the COPY raised
                pending = copier.submit(_copy, conn, rows)
            if pending is not None:
                pending.result()
        finally:
            if jobs > 1:
                pool.terminate()
    _finish(conn, deferred)
    return labels


DEFER_THRESHOLD = 1000  # briefs: fewer are written as fast into the indexes as they are


class _NotEmpty(Exception):
    pass


def _defer_indexes(conn: Any) -> list[tuple[str, str]]:
    """The first sync into a database (brief's tables hold no brief at all, of any collection): the tables'
    secondary indexes are dropped, to be built again once every row is in (a build from sorted entries costs less
    than keeping them up to date row by row: a fifth of the server's work at 10,000 briefs). Returns the dropped
    indexes' (name, definition), none when the tables hold briefs, or are in use, or the role may not.

    Safe for others: the tables are locked (ACCESS EXCLUSIVE, without waiting) before they are looked at, so no
    other sync can write in them until this one commits; a reader meanwhile waits for the commit (it would have
    found nothing); a sync killed leaves the indexes as they were (DDL is transactional)."""
    from brief.remote.rows import COLUMNS

    try:
        with conn.transaction():  # a savepoint: on any refusal, the locks taken here go with it
            tables = ", ".join(f"brief.{table}" for table in COLUMNS)
            conn.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE NOWAIT")
            if conn.execute("SELECT EXISTS (SELECT 1 FROM brief.briefs)").fetchone()[0]:
                raise _NotEmpty
            # in the order _finish builds them: GIN indexes first, which PostgreSQL 15 builds in one process (the
            # full text's takes longest), beside the end of a cold local build, which holds the other processor;
            # then the b-trees, which its parallel workers build on every processor, by then free
            indexes: list[tuple[str, str]] = conn.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                "JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_am a ON a.oid = x.relam "
                "WHERE n.nspname = 'brief' AND t.relname = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY a.amname <> 'gin', 1",
                (list(COLUMNS),),
            ).fetchall()
            for name, _ in indexes:
                conn.execute(f"DROP INDEX {name}")
            return indexes
    except _NotEmpty:
        return []
    except Exception as exc:  # psycopg's LockNotAvailable, InsufficientPrivilege: imported with psycopg only
        if getattr(exc, "sqlstate", None) not in ("55P03", "42501"):
            raise
        return []


_source: tuple[Any, int] | None = None  # a row-making process's index connection, and the collection's id


def _open_index(index_path: str, collection_id: int) -> None:
    """A process that makes rows: its own connection to the index, only read from (none is shared across a fork)."""
    global _source
    import sqlite3

    _source = (sqlite3.connect(index_path, timeout=30), collection_id)  # a read-only index file opens too


SLICE = 32  # briefs whose rows are made and encoded at a time within a batch: see _encode


def _batch_rows(batch: list[tuple[int, str, str, int, str | None]]) -> tuple[dict[str, list[bytes]],
                                                                          set[tuple[str, str, str]]]:  # fmt: skip
    """The rows of a batch of briefs ((index row, path, sync hash, key, marking) each), read from the index's
    stored copies, as _encode gives them."""
    from brief.query.mirror import stored

    assert _source is not None, "_open_index() first"
    db, collection_id = _source
    chosen = {row: (path, digest, key, marking) for row, path, digest, key, marking in batch}

    def items() -> Iterator[Brief]:
        for row, data, texts, document in stored(db, [row for row, *_ in batch]):
            path, digest, key, marking = chosen[row]
            yield key, path, digest, marking, data, texts, document

    return _encode(items(), collection_id)


# what the rows of one synced brief are made from: its key, path, sync hash, marking (None: unmarked), data,
# full-text columns, and its stored JSON text (None: made again from the data)
Brief = tuple[int, str, str, "str | None", dict[str, Any], tuple[str, ...], "bytes | None"]


def _encode(briefs: Iterable[Brief], collection_id: int) -> tuple[dict[str, list[bytes]], set[tuple[str, str, str]]]:
    """The rows of `briefs` as binary COPY data for each table (its rows in parts, without the stream's header and
    trailer: _copy adds them), and their actors' labels ((actor id, fold, label) of each name and alias): the
    one place a synced brief's rows are made, whether read back from the index or handed over by its build.

    The rows are made and encoded SLICE briefs at a time, and only the bytes kept: the data and rows of a whole
    batch alive at once (25 MB for 500 rich briefs) made a freshly started worker (a sync from a warm index) a
    quarter slower than the same work on a few megabytes, which the allocator reuses while they are still in the
    processor's cache."""
    from brief.remote.binary import SIGNATURE, TRAILER, encode
    from brief.remote.rows import ACTOR_LABEL, ALIAS_LABEL, KINDS, brief_rows, empty_rows

    rows = empty_rows()
    streams: dict[str, list[bytes]] = {table: [] for table in rows}  # each slice's rows, encoded
    labels: set[tuple[str, str, str]] = set()

    def encode_slice() -> None:
        labels.update(map(ACTOR_LABEL, rows["actors"]))
        labels.update(map(ALIAS_LABEL, rows["actor_aliases"]))
        for table, found in rows.items():
            if found:
                streams[table].append(encode(found, KINDS[table])[len(SIGNATURE) : -len(TRAILER)])
                found.clear()

    for count, (key, path, digest, marking, data, texts, document) in enumerate(briefs, 1):
        if marking is not None and data.get("tlp") != marking:
            data["tlp"] = marking  # the marking travels with the data, as in `brief export`
            document = None  # the stored text is no longer the data: written again
        # the data as read from JSON is plain already (format/normal.py plain would copy it unchanged), and the
        # stored text is the jsonb as it is: the schema's key order, which `brief show` adds, jsonb does not keep
        brief_rows(key, collection_id, path, digest, data, texts, rows, document)
        if count % SLICE == 0:
            encode_slice()
    encode_slice()
    return {table: found for table, found in streams.items() if found}, labels


def _copy(conn: Any, data: dict[str, list[bytes]]) -> None:
    from brief.remote.binary import SIGNATURE, TRAILER
    from brief.remote.rows import COLUMNS

    with conn.cursor() as cursor:
        for table, columns in COLUMNS.items():
            if table in data:
                with cursor.copy(f"COPY brief.{table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(SIGNATURE)
                    for part in data[table]:
                        copy.write(part)
                    copy.write(TRAILER)


QUEUED = 6  # chunks of a cold build whose rows may wait for the server at once (a build worker then waits)


class _Cold:
    """How a collection's first sync (none of its briefs in the database) from a cold index makes its rows: in the
    build's own workers (collection/build.py BuildHook), from each brief they have just parsed and stored, and
    copies them in while the build goes on. The server's work (one process) then runs beside the build's instead
    of after it, and the stored copies are not read back from the index.

    What is written is what the sync of a warm index writes (the same _encode, from the data and text of the same
    stored copy, handed over by the build): the valid briefs less those the TLP rule withholds, each with its
    marking and sync hash, under keys reserved before the build (one per file, by its number in the build). The
    sync then holds the briefs written to those its selection of the new index chooses (sync()). All in the sync's
    transaction: a failed or killed build or sync leaves the database as it was."""

    def __init__(self, conn: Any, collection_id: int, root: str, default: str | None, max_tlp: str) -> None:
        self.conn = conn
        self.collection_id = collection_id
        self.root = root
        self.default = default  # the collection's marking of briefs that carry none
        self.max_tlp = max_tlp
        self.began = False
        self.files = 0  # files the build numbers
        self.taken = 0  # files of the chunks taken so far
        self.completed = False  # the indexes built and the labels written (complete)
        self.keys: list[int] = []  # the key of the brief numbered n is keys[n - 1]
        self.deferred: list[tuple[str, str]] = []
        self.labels: set[tuple[str, str, str]] = set()
        self.written: dict[str, str] = {}  # path -> sync hash
        self._slots: Any = None  # a semaphore: chunks made and not yet copied
        self._copier: Any = None  # a ThreadPoolExecutor, started with the first copy (after the workers fork)
        self._pending: deque[Future[None]] = deque()
        self._parent = 0  # the building process
        self._failed = False  # a COPY failed (the transaction is lost)

    def __getstate__(self) -> dict[str, Any]:
        """What a worker started by spawn (not fork) gets: not the connection, nor the copying thread."""
        return {**self.__dict__, "conn": None, "_copier": None, "_pending": deque(), "labels": set(), "written": {}}

    # in the building process

    def begin(self, files: int) -> None:
        import multiprocessing

        if self.began:  # the build started again (the cache folder could not take the first): its rows go
            self._drain()
            self.conn.execute("ROLLBACK TO SAVEPOINT brief_cold")
        else:
            self.conn.execute("SAVEPOINT brief_cold")
        self.began, self.files, self.taken, self.completed, self._failed = True, files, 0, False, False
        self.labels, self.written = set(), {}
        self.deferred = _prepare(self.conn, files)
        self.keys = _reserve(self.conn, files)
        self._slots = multiprocessing.BoundedSemaphore(QUEUED)
        self._parent = os.getpid()

    def take(self, made: object) -> None:
        from concurrent.futures import ThreadPoolExecutor

        made_: Made = made  # type: ignore[assignment]  # what chunk() returned
        streams, labels, written, files = made_
        self.labels |= labels
        self.written.update(written)
        self.taken += files
        while self._pending and self._pending[0].done():
            self._pending.popleft().result()  # raises what a COPY raised: the build stops
        if self._copier is None:
            self._copier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="brief-copy")
        self._pending.append(self._copier.submit(self._copy, streams))
        if self.taken == self.files:  # every row is in: the server's last work runs while the build ends
            self._pending.append(self._copier.submit(self.complete))

    def complete(self) -> None:
        """Once every row is in: the indexes built (or their pending lists merged), the actors' labels added."""
        if self._failed:
            return
        _finish(self.conn, self.deferred)
        refresh_labels(self.conn, self.labels, set())
        self.completed = True

    def _copy(self, streams: dict[str, list[bytes]]) -> None:
        try:
            if not self._failed:  # after a refusal, the transaction takes nothing more
                _copy(self.conn, streams)
        except BaseException:
            self._failed = True
            raise
        finally:
            self._slots.release()

    def finish(self) -> None:
        """Wait for the last copies; raises what one raised."""
        while self._pending:
            self._pending.popleft().result()

    def _drain(self) -> None:
        while self._pending:
            self._pending.popleft().exception()  # waited for; what it raised, the transaction's end says

    def close(self) -> None:
        self._drain()
        if self._copier is not None:
            self._copier.shutdown()
            self._copier = None

    # in each process that parses files

    def chunk(self, first: int, rows: list[Rows]) -> object:
        """The chunk's rows as COPY data, their labels, and (path, sync hash) of each brief written."""
        written: list[tuple[str, str]] = []
        streams, labels = _encode(self._briefs(first, rows, written), self.collection_id)
        # a slot, released once the chunk is copied: a build that outruns the server waits for it here
        while not self._slots.acquire(timeout=1):
            if os.getpid() != self._parent and os.getppid() != self._parent:
                os._exit(1)  # a worker whose sync was killed: no slot will ever be released
        made: Made = (streams, labels, written, len(rows))
        return made

    def _briefs(self, first: int, rows: list[Rows], written: list[tuple[str, str]]) -> Iterator[Brief]:
        from brief.base.vocabulary import TLP_RANK
        from brief.query.selection import withheld

        for number, row in enumerate(rows, first):
            if row.kept is None or not row.brief[VALID]:
                continue  # invalid: reported by sync() from the index, as the warm sync does
            marking = row.brief[TLP] or self.default  # as query/selection.py select() reads it from the index
            level = marking if marking in TLP_RANK or marking is None else "red"
            if withheld(level, self.max_tlp):
                continue
            path = _relative(row.path, self.root)
            digest = _digest(row.hash.hex(), level)
            written.append((path, digest))
            # the stored copy's data as reading it back gives it (a valid brief holds no NaN, no key but text), its
            # text, and its full-text columns: what the warm sync reads from the index
            data, document = row.kept
            yield self.keys[number - 1], path, digest, level, data, row.text, document


# what _Cold.chunk returns: a chunk's COPY data, labels, (path, sync hash) of each brief written, and its files
Made = tuple[dict[str, list[bytes]], set[tuple[str, str, str]], list[tuple[str, str]], int]
VALID, TLP = 11, 13  # places in collection/rows.py Rows.brief: the index's `valid` and `tlp` columns

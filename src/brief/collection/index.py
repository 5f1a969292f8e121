"""The collection index: an SQLite cache of every brief's metadata, actors, positions and full text.

It can always be rebuilt from the files. Each command refreshes it cheaply (collection/freshness.py says what
changed; collection/build.py writes it): files whose size and mtime are unchanged are not read; changed ones
are hashed, and only those whose content changed are parsed again; deleted ones are dropped. A full rebuild
writes a new file and renames it into place (atomic); incremental updates are single transactions, so a killed
process or a concurrent one never leaves a half-written index. An unreadable or outdated index is rebuilt,
with a one-line notice.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable

from brief.base.hashing import blake2b
from brief.collection.config import Collection
from brief.collection.freshness import BackgroundScan, RefreshStats, Scan, changes, scan
from brief.collection.tables import INDEX_FORMAT, TOKENIZER

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import TypeVar

    from brief.collection.build import BuildHook

    T = TypeVar("T")


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
        self.pending = False  # a freshness check is owed: done by answer(), or before connection() is first used
        self._db: sqlite3.Connection | None = None
        self._check: BackgroundScan | None = None  # the owed check, running since `open_index`
        self._temporary = False  # the cache folder could not be written: an index of this process's own
        self.build_hook: BuildHook | None = None  # handed the parsed briefs of a full build (collection/build.py)

    # connection ------------------------------------------------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        """The connection to an index as fresh as asked for (`open_index`): the first call may refresh or
        rebuild the index, so it is a method, not an attribute."""
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
        from brief.collection.stored import register

        db = sqlite3.connect(path, timeout=30, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 30000")
        register(db)  # the full-text table's content is derived from each brief's stored copy
        return db

    def _build(self, found: Scan | None = None) -> RefreshStats:
        from brief.collection.build import build

        return build(self.path, self.collection, self._expected_meta(), found, self.jobs, self.build_hook)

    def _expected_meta(self) -> dict[str, str]:
        return {"format": INDEX_FORMAT, "tokenizer": TOKENIZER, "schema": _schema_fingerprint(self.collection.schema)}

    def _open(self, found: Scan | None = None) -> sqlite3.Connection:
        """Open the index, rebuilding it when missing, outdated or unreadable."""
        if os.path.exists(self.path):
            try:
                db = self._connect(self.path)
                meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
                if all(meta.get(k) == v for k, v in self._expected_meta().items()):
                    return self._ready(db, meta)
                db.close()
                self._notice("index format or schema changed; rebuilding the index")
            except sqlite3.DatabaseError as exc:
                self._notice(f"index {self.path} was unreadable ({exc}); rebuilding it")
        return self._built(found)[0]

    def _built(self, found: Scan | None) -> tuple[sqlite3.Connection, RefreshStats]:
        """A new index, open; in a temporary folder when the cache folder cannot be written (read-only, full, not
        ours)."""
        try:
            stats = self._build(found)
            return self._ready(self._connect(self.path)), stats
        except (OSError, sqlite3.OperationalError) as exc:
            if self._temporary or not _cannot_write(exc):
                raise
            return self._open_elsewhere(exc, found), RefreshStats(added=found.count if found else 0, rebuilt=True)

    def _open_elsewhere(self, exc: BaseException, found: Scan | None) -> sqlite3.Connection:
        import atexit
        import shutil
        import tempfile

        self.close()
        self._notice(f"cannot write the index in {os.path.dirname(self.path)} ({_reason(exc)}); "
                     "answering from a temporary index")  # fmt: skip
        folder = tempfile.mkdtemp(prefix="brief-index-")
        atexit.register(shutil.rmtree, folder, True)
        self.path = os.path.join(folder, os.path.basename(self.path))
        self._temporary = True
        self._build(found)
        return self._ready(self._connect(self.path))

    def _ready(self, db: sqlite3.Connection, meta: dict[str, str] | None = None) -> sqlite3.Connection:
        """WAL mode, and the collection's default TLP marking in meta, where queries read it (it applies to the
        briefs that carry none: a changed default is one row to write, not a rebuild)."""
        db.execute("PRAGMA journal_mode = WAL")
        # the write-ahead log keeps the size of its largest transaction on disk unless told (a refresh of 100,000
        # briefs' aggregates once left 1.7 GB beside a 0.7 GB index): cut back to 64 MiB after each checkpoint
        db.execute("PRAGMA journal_size_limit = 67108864")
        if meta is None:
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key = 'tlp_default'").fetchall())
        default = self.collection.tlp or ""
        if meta.get("tlp_default") != default:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('tlp_default', ?)", (default,))
        return db

    # public --------------------------------------------------------------------------------------------------

    def rebuild(self) -> RefreshStats:
        self.close()
        self._db, stats = self._built(None)
        return stats

    def refresh(self) -> RefreshStats:
        """Bring the index up to date with the files; cheap when nothing changed (one stat per file)."""
        return self._refresh_with(None)

    def _refresh_with(self, found: Scan | None) -> RefreshStats:
        existed = os.path.exists(self.path)
        try:
            return self._refresh(existed, found)
        except (OSError, sqlite3.DatabaseError) as exc:
            if not self._temporary and _cannot_write(exc):  # an update the cache folder has no room or right for
                self._db = self._open_elsewhere(exc, found)
                return RefreshStats(added=found.count if found else 0, rebuilt=True)
            if isinstance(exc, OSError):
                raise
            self._notice(f"index {self.path} was damaged ({exc}); rebuilding it")
            return self.rebuild()

    def answer(self, question: Callable[[sqlite3.Connection], T]) -> T:
        """`question(db)` answered from a fresh index: asked of the index as it is while the freshness check runs;
        when the check finds nothing changed, the common case, that answer stands, else the index is updated and
        asked again."""
        if not (self.pending and self._check and os.path.exists(self.path)):
            return self._ask(question)  # nothing owed, or no index yet (built from the check's scan)
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
        return self._ask(question)

    def _ask(self, question: Callable[[sqlite3.Connection], T]) -> T:
        """The question asked of the index; a damage found only by asking (a truncated file whose first pages
        read well) is repaired, and the question asked again."""
        try:
            return question(self.connection())
        except sqlite3.DatabaseError as exc:
            if self._temporary or _cannot_write(exc):
                raise
            self._notice(f"index {self.path} was damaged ({exc}); rebuilding it")
            self.rebuild()
            return question(self.connection())

    def _refresh(self, existed: bool, found: Scan | None = None) -> RefreshStats:
        started = time.time_ns()
        found = found or scan(self.collection.paths, self.collection.exclude, cache=self.collection.listing_path())
        if self._db is None:
            self._db = self._open(found)  # builds from scratch when missing, outdated or unreadable
        db = self._db
        if not existed or self.notices:
            return RefreshStats(added=found.count, rebuilt=True)
        meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('files', 'refreshed')"))
        if meta.get("files") == found.digest:  # the common case: same files, sizes and times as last time
            return RefreshStats(unchanged=found.count)
        known = {path: (size, mtime, digest) for path, size, mtime, digest in db.execute(
            "SELECT path, size, mtime_ns, hash FROM briefs")}  # fmt: skip
        tasks, removed, stats = changes(found, meta, known)
        from brief.collection.build import update

        touched = update(db, found, started, tasks, removed, self.collection.schema, self.jobs)
        stats.updated -= touched
        stats.unchanged += touched
        return stats

    def counts(self) -> dict[str, int]:
        tables = {"briefs": "briefs", "invalid": "briefs WHERE valid = 0", "actors": "actor_rows",
                  "issues": "issue_rows", "positions": "position_rows", "sources": "sources"}  # fmt: skip
        db = self.connection()
        return {name: db.execute(f"SELECT count(*) FROM {sql}").fetchone()[0] for name, sql in tables.items()}


# what says the cache folder cannot take the index: no right, no room, a read-only file system
_WRITE_ERRNOS = frozenset({1, 13, 27, 28, 30, 122})  # EPERM, EACCES, EFBIG, ENOSPC, EROFS, EDQUOT
_SQLITE_WRITE = frozenset({3, 8, 13, 14})  # SQLITE_PERM, _READONLY, _FULL, _CANTOPEN (primary codes)
_SQLITE_IOERR_WRITE = frozenset({778, 1034, 1546, 4618, 4874})  # IOERR_WRITE, _FSYNC, _TRUNCATE, _SHMOPEN, _SHMSIZE


def _cannot_write(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return code is not None and (code & 0xFF in _SQLITE_WRITE or code in _SQLITE_IOERR_WRITE)
    return isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS


def _reason(exc: BaseException) -> str:
    return exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)


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
        index._check = check or BackgroundScan(collection.paths, collection.exclude, collection.listing_path())
    elif refresh:
        index.refresh()
    else:
        index.connection()  # opens, building only if there is no usable index at all
    return index

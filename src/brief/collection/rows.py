"""Turning a brief file into the index's rows, and writing them: the part of the index that runs in worker
processes on a build, and only for changed files on a refresh (so a command that finds nothing changed never
imports it)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _json_string  # type: ignore[attr-defined]
from typing import Any

from brief.base.fields import mappings, number, text, texts, tlp
from brief.base.hashing import blake2b
from brief.base.text import fold
from brief.collection.stored import Packer, text_columns
from brief.collection.tables import FTS_COLUMNS, LIST_FIELDS, TABLES
from brief.format.batch import init_worker, worker_checker


@dataclass(repr=False, eq=False)
class Rows:
    """Everything one file contributes to the index, built in a worker process."""

    path: str
    size: int
    mtime_ns: int
    hash: str
    brief: tuple[Any, ...] = ()
    data: tuple[str, bytes | None] = ("[]", None)  # errors as JSON, the stored copy (collection/stored.py)
    values: list[tuple[str, str, str]] = field(default_factory=list)
    actors: list[tuple[Any, ...]] = field(default_factory=list)
    actor_names: list[tuple[str, str]] = field(default_factory=list)
    actor_labels: list[tuple[str, str, str]] = field(default_factory=list)
    issues: list[tuple[Any, ...]] = field(default_factory=list)
    positions: list[tuple[Any, ...]] = field(default_factory=list)
    sources: list[tuple[Any, ...]] = field(default_factory=list)
    text: tuple[str, ...] = ()
    touch_only: bool = False  # same content as indexed: only size/mtime change


# --- turning one file into rows (runs in worker processes) ----------------------------------------------------------

_packer: Packer | None = None
_folded: dict[str, str] = {}  # fold() of what this process has seen: names, tags and nations recur across briefs
_labelled: set[tuple[str, str]] = set()  # (actor id, folded label) this process has given actor_labels already


def init_rows(schema_path: str | None, zdict: bytes) -> None:
    """Give this process (a pool worker, or the caller itself) its checker and the index's compression dictionary."""
    global _packer
    init_worker(schema_path)
    _packer = Packer(zdict)
    _labelled.clear()


def _fold(value: str) -> str:
    folded = _folded.get(value)
    if folded is None:
        if len(_folded) > 200_000:
            _folded.clear()
        folded = _folded[value] = fold(value)
    return folded


def file_rows(task: tuple[str, int, int, str | None]) -> Rows:
    """Read, check and flatten one file. Invalid briefs are indexed too, with their errors."""
    from brief.format import loading
    from brief.format.diagnostics import Diagnostic

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
    errors = json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False) if diagnostics else "[]"
    if data is None:
        rows.brief = (path, size, mtime_ns, digest, None, None, None, None, None, None, None, 0, len(diagnostics), None)
        rows.data = (errors, None)
        rows.text = text_columns(None)
        return rows
    assert _packer is not None, "init_rows() first"
    stored, plain = _packer.pack(data)
    rows.data = (errors, stored)
    rows.text = text_columns(plain)
    get = data.get
    date = text(get("date"))
    rows.brief = (
        path, size, mtime_ns, digest, text(get("id")), text(get("title")), date, text(get("updated")),
        text(get("language")), text(get("original_language")), text(get("summary")), 0 if diagnostics else 1,
        len(diagnostics), tlp(get("tlp")),
    )  # fmt: skip
    values = rows.values
    for name in LIST_FIELDS:
        for value in texts(get(name)):
            values.append((name, value, _fold(value)))
    names, labels = rows.actor_names, rows.actor_labels
    for actor in mappings(get("actors")):
        actor_id = text(actor.get("id"))
        actor_name = text(actor.get("name"))
        if actor_id is None or actor_name is None:
            continue
        aliases = texts(actor.get("aliases"))
        rows.actors.append(
            (actor_id, actor_name, text(actor.get("kind")), text(actor.get("country")), _json_list(aliases))
        )
        folded = {_fold(actor_id)}
        for label in (actor_name, *aliases):
            label_fold = _fold(label)
            folded.add(label_fold)
            if (actor_id, label_fold) not in _labelled:  # the table keeps the first label anyway
                _labelled.add((actor_id, label_fold))
                labels.append((actor_id, label, label_fold))
        names += [(actor_id, label) for label in folded]
    for issue in mappings(get("issues")):
        if isinstance(issue.get("id"), str):
            rows.issues.append((issue["id"], text(issue.get("statement"))))
    for position in mappings(get("positions")):
        pick = position.get
        if not (isinstance(pick("actor"), str) and isinstance(pick("issue"), str)):
            continue
        rows.positions.append((
            position["actor"], position["issue"], text(pick("stance")), text(pick("basis")), text(pick("confidence")),
            number(pick("salience")), number(pick("power")), text(pick("as_of")), _json_list(texts(pick("rationale"))),
            _json_list(texts(pick("sources"))), text(pick("change")), date,
        ))  # fmt: skip
    for source in mappings(get("sources")):
        if not isinstance(source.get("id"), str):
            continue
        pick = source.get
        credibility = pick("credibility")
        rows.sources.append((
            source["id"], text(pick("title")), text(pick("publisher")), text(pick("url")), text(pick("date")),
            text(pick("reliability")),
            credibility if isinstance(credibility, int) and not isinstance(credibility, bool) else None,
        ))  # fmt: skip
    return rows


def _json_list(items: list[str]) -> str:
    """json.dumps(items, ensure_ascii=False), the same text, for a list of strings, without its general machinery."""
    return "[" + ", ".join(map(_json_string, items)) + "]" if items else "[]"


# --- writing rows ---------------------------------------------------------------------------------------------------

_INSERTS = (
    ("briefs", "INSERT INTO briefs(rowid, path, size, mtime_ns, hash, id, title, date, updated, language, "
               f"original_language, summary, valid, error_count, tlp) VALUES (?{', ?' * 14})"),
    ("data", "INSERT INTO brief_data VALUES (?, ?, ?)"),
    ("ids", "INSERT INTO brief_ids VALUES (?, ?)"),
    ("values", "INSERT INTO brief_values VALUES (?, ?, ?, ?)"),
    ("actors", "INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?)"),
    ("actor_names", "INSERT OR IGNORE INTO {names}(fold, actor_id, brief) VALUES (?, ?, ?)"),
    ("actor_labels", "INSERT OR IGNORE INTO actor_labels VALUES (?, ?, ?)"),
    ("issues", "INSERT INTO issues VALUES (?, ?, ?)"),
    ("positions", "INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
    ("sources", "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
)  # fmt: skip
BATCH = 256  # briefs whose rows are inserted together, one executemany per table


INSERT_TEXT = f"INSERT INTO fts(rowid, {', '.join(FTS_COLUMNS)}) VALUES (?{', ?' * len(FTS_COLUMNS)})"
INSERT_LABEL = dict(_INSERTS)["actor_labels"]


def insert_rows(db: sqlite3.Connection, rows: Iterable[Rows], next_rowid: int | None = None,
                names_table: str = "actor_names", handed: Handed | None = None) -> int:  # fmt: skip
    """Insert rows (the caller holds the transaction), numbering briefs from `next_rowid` (by default after
    the last one); actor names into `names_table` (a full build stages them, to fill actor_names in its key
    order); the full-text columns and actor labels into their tables, or, given `handed`, into its lists (a
    worker of a full build hands them to the process that writes those tables). Returns how many briefs were
    inserted (not merely touched)."""
    if next_rowid is None:
        next_rowid = db.execute("SELECT ifnull(max(rowid), 0) + 1 FROM briefs").fetchone()[0]
    count = 0
    batch: dict[str, list[tuple[Any, ...]]] = {name: [] for name, _ in _INSERTS}
    texts: list[tuple[Any, ...]] = []
    if handed is not None:
        texts, batch["actor_labels"] = handed.texts, handed.labels

    def flush() -> None:
        if handed is not None:
            return
        for name, sql in _INSERTS:
            if batch[name]:
                db.executemany(sql.format(names=names_table), batch[name])
                batch[name].clear()
        db.executemany(INSERT_TEXT, texts)
        texts.clear()

    for row in rows:
        if row.touch_only:
            db.execute("UPDATE briefs SET size = ?, mtime_ns = ? WHERE path = ?", (row.size, row.mtime_ns, row.path))
            continue
        rowid = next_rowid
        next_rowid += 1
        count += 1
        batch["briefs"].append((rowid, *row.brief))
        batch["data"].append((rowid, *row.data))
        batch["ids"].append((rowid, row.brief[4] or row.path))
        batch["values"] += [(rowid, *v) for v in row.values]
        batch["actors"] += [(rowid, *a) for a in row.actors]
        batch["actor_names"] += [(label, actor_id, rowid) for actor_id, label in row.actor_names]
        batch["actor_labels"] += row.actor_labels
        batch["issues"] += [(rowid, *i) for i in row.issues]
        batch["positions"] += [(rowid, *p) for p in row.positions]
        batch["sources"] += [(rowid, *s) for s in row.sources]
        texts.append((rowid, *row.text))
        if count % BATCH == 0:
            flush()
    flush()
    if handed is not None:  # the rest of the rows, written here (the lists handed over stay as they are)
        for name, sql in _INSERTS:
            if batch[name] and name != "actor_labels":
                db.executemany(sql.format(names=names_table), batch[name])
    return count


class Handed:
    """What a build worker hands back instead of writing: full-text columns and actor labels (rows of tables
    only the building process writes, in chunk order)."""

    __slots__ = ("labels", "texts")

    def __init__(self) -> None:
        self.texts: list[tuple[Any, ...]] = []
        self.labels: list[tuple[Any, ...]] = []


def create_database(path: str) -> sqlite3.Connection:
    """A new, private database file with the index tables (secondary indexes come after the bulk insert);
    durability only matters once it is renamed into place."""
    if os.path.exists(path):
        os.unlink(path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA page_size = 16384")  # stored copies (1-3 KB each) waste a third of a 4 KB page
    db.executescript(TABLES)
    return db

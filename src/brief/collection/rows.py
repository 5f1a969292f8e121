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
from brief.collection.stored import Packer, kept_positions, source_records, text_columns
from brief.collection.tables import FTS_COLUMNS, LIST_FIELDS, TABLES
from brief.format.batch import init_worker, worker_checker


@dataclass(repr=False, eq=False)
class Rows:
    """Everything one file contributes to the index, built in a worker process."""

    path: str
    size: int
    mtime_ns: int
    hash: bytes
    brief: tuple[Any, ...] = ()
    data: tuple[str, bytes | None] = ("[]", None)  # errors as JSON, the stored copy (collection/stored.py)
    values: list[tuple[str, str, str]] = field(default_factory=list)
    # (actor id, name, kind, country, aliases as JSON, every name it goes by here, folded)
    actors: list[tuple[Any, ...]] = field(default_factory=list)
    actor_labels: list[tuple[str, str, str]] = field(default_factory=list)
    issues: list[tuple[Any, ...]] = field(default_factory=list)
    sources: list[tuple[Any, ...]] = field(default_factory=list)
    positions: list[tuple[Any, ...]] = field(default_factory=list)
    text: tuple[str, ...] = ()
    touch_only: bool = False  # same content as indexed: only size/mtime change
    # the data the stored copy holds and its JSON text, kept when asked (file_rows `keep`)
    kept: tuple[dict[str, Any], bytes] | None = None


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


def file_rows(task: tuple[str, int, int, bytes | None], keep: bool = False) -> Rows:
    """Read, check and flatten one file. Invalid briefs are indexed too, with their errors. With `keep`, the rows
    keep the data of the brief's stored copy (what reading the copy back gives) and its JSON text (`kept`), for a
    build's hook."""
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
    digest = blake2b(raw, digest_size=16).digest()
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
    stored_text: list[bytes] | None = [] if keep else None
    stored, plain = _packer.pack(data, stored_text)
    rows.data = (errors, stored)
    rows.text = text_columns(plain)
    if stored_text:
        rows.kept = (plain, stored_text[0])
    get = data.get
    date = text(get("date"))
    rows.brief = (
        path, size, mtime_ns, digest, text(get("id")), text(get("title")), date, text(get("updated")),
        text(get("language")), text(get("original_language")), text(get("summary")), 0 if diagnostics else 1,
        len(diagnostics), tlp(get("tlp")),
    )  # fmt: skip
    rows.sources = [(seq, s["id"], s.get("reliability"), s.get("credibility"))
                    for seq, s in enumerate(source_records(plain))]  # fmt: skip
    values = rows.values
    for name in LIST_FIELDS:
        for value in texts(get(name)):
            values.append((name, value, _fold(value)))
    labels = rows.actor_labels
    for actor in mappings(get("actors")):
        actor_id = text(actor.get("id"))
        actor_name = text(actor.get("name"))
        if actor_id is None or actor_name is None:
            continue
        aliases = texts(actor.get("aliases"))
        folded = {_fold(actor_id)}
        for label in (actor_name, *aliases):
            label_fold = _fold(label)
            folded.add(label_fold)
            if (actor_id, label_fold) not in _labelled:  # the table keeps the first label anyway
                _labelled.add((actor_id, label_fold))
                labels.append((actor_id, label, label_fold))
        rows.actors.append((actor_id, actor_name, text(actor.get("kind")), text(actor.get("country")),
                            _json_list(aliases), folded))  # fmt: skip
    for issue in mappings(get("issues")):
        if isinstance(issue.get("id"), str):
            rows.issues.append((issue["id"], text(issue.get("statement"))))
    # the positions as the stored copy holds them (their rationale and cited sources are read from it, by place)
    for position in kept_positions(plain):
        pick = position.get
        rows.positions.append((
            position["actor"], position["issue"], text(pick("stance")), text(pick("basis")), text(pick("confidence")),
            number(pick("salience")), number(pick("power")), text(pick("as_of")), text(pick("change")), date,
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
    ("values", "INSERT INTO value_rows VALUES (?, ?, ?)"),
    ("actors", "INSERT INTO actor_rows VALUES (?, ?, ?, ?)"),
    ("actor_labels", "INSERT OR IGNORE INTO actor_labels VALUES (?, ?, ?)"),
    ("issues", "INSERT INTO issue_rows VALUES (?, ?, ?, ?)"),
    ("positions", "INSERT INTO position_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
    ("sources", "INSERT INTO sources VALUES (?, ?, ?, ?, ?)"),
)  # fmt: skip
BATCH = 256  # briefs whose rows are inserted together, one executemany per table


INSERT_TEXT = f"INSERT INTO fts(rowid, {', '.join(FTS_COLUMNS)}) VALUES (?{', ?' * len(FTS_COLUMNS)})"
INSERT_LABEL = dict(_INSERTS)["actor_labels"]


class Keys:
    """The dictionaries' keys (collection/tables.py) of one database: what it holds is looked up once, what it
    does not is added. Remembered per connection: a build worker writes its shard with one."""

    LIMIT = 200_000  # entries remembered per dictionary (hostile collections can have millions)

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.actors: dict[str, int] = {}
        self.issues: dict[str, int] = {}
        self.values: dict[tuple[str, str], int] = {}
        self.forms: dict[tuple[Any, ...], int] = {}
        self.statements: dict[str, int] = {}

    def _key(self, known: dict[Any, int], item: Any, find: str, add: str, args: tuple[Any, ...]) -> int:
        key = known.get(item)
        if key is None:
            found = self.db.execute(find, args).fetchone()
            key = found[0] if found else self.db.execute(add, args).lastrowid
            assert key is not None
            if len(known) >= self.LIMIT:
                known.clear()
            known[item] = key
        return key

    def actor(self, actor_id: str) -> int:
        return self._key(self.actors, actor_id, "SELECT key FROM actor_keys WHERE actor_id = ?",
                         "INSERT INTO actor_keys(actor_id) VALUES (?)", (actor_id,))  # fmt: skip

    def statement(self, statement: str | None) -> int | None:
        if statement is None:
            return None
        return self._key(self.statements, statement, "SELECT key FROM statement_keys WHERE statement = ?",
                         "INSERT INTO statement_keys(statement) VALUES (?)", (statement,))  # fmt: skip

    def issue(self, issue_id: str) -> int:
        return self._key(self.issues, issue_id, "SELECT key FROM issue_keys WHERE issue_id = ?",
                         "INSERT INTO issue_keys(issue_id) VALUES (?)", (issue_id,))  # fmt: skip

    def value(self, field_name: str, value: str, folded: str) -> int:
        key = self.values.get((field_name, value))
        if key is None:
            found = self.db.execute("SELECT key FROM value_keys WHERE field = ? AND value = ?",
                                    (field_name, value)).fetchone()  # fmt: skip
            key = found[0] if found else self.db.execute(
                "INSERT INTO value_keys(field, value, fold) VALUES (?, ?, ?)", (field_name, value, folded)).lastrowid
            assert key is not None
            if len(self.values) >= self.LIMIT:
                self.values.clear()
            self.values[(field_name, value)] = key
        return key

    def form(self, actor: int, name: str, kind: str | None, country: str | None, aliases: str,
             folds: Iterable[str]) -> int:  # fmt: skip
        """The key of an actor as a brief describes it; a new form's names (folded) go to form_names."""
        item = (actor, name, kind or "", country or "", aliases)
        key = self.forms.get(item)
        if key is None:
            found = self.db.execute("SELECT key FROM actor_forms WHERE actor = ? AND name = ? AND kind = ? AND "
                                    "country = ? AND aliases = ?", item).fetchone()  # fmt: skip
            if found:
                key = found[0]
            else:
                key = self.db.execute("INSERT INTO actor_forms(actor, name, kind, country, aliases) "
                                      "VALUES (?, ?, ?, ?, ?)", item).lastrowid  # fmt: skip
                assert key is not None
                self.db.executemany("INSERT OR IGNORE INTO form_names VALUES (?, ?)", [(f, key) for f in folds])
            if len(self.forms) >= self.LIMIT:
                self.forms.clear()
            self.forms[item] = key
        return key


def insert_rows(db: sqlite3.Connection, rows: Iterable[Rows], next_rowid: int | None = None,
                handed: Handed | None = None, keys: Keys | None = None) -> int:  # fmt: skip
    """Insert rows (the caller holds the transaction), numbering briefs from `next_rowid` (by default after
    the last one), their recurring text as the keys of `keys` (by default new ones for this call); the full-text
    columns and actor labels into their tables, or, given `handed`, into its lists (a worker of a full build
    hands them to the process that writes those tables). Returns how many briefs were inserted (not merely
    touched)."""
    if next_rowid is None:
        next_rowid = db.execute("SELECT ifnull(max(rowid), 0) + 1 FROM briefs").fetchone()[0]
    keys = keys or Keys(db)
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
                db.executemany(sql, batch[name])
                batch[name].clear()
        db.executemany(INSERT_TEXT, texts)
        texts.clear()

    actor, issue, value, form, statement = keys.actor, keys.issue, keys.value, keys.form, keys.statement
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
        batch["values"] += [(rowid, seq, value(*v)) for seq, v in enumerate(row.values)]
        for seq, (actor_id, name, kind, country, aliases, folds) in enumerate(row.actors):
            key = actor(actor_id)
            batch["actors"].append((rowid, seq, key, form(key, name, kind, country, aliases, folds)))
        batch["actor_labels"] += row.actor_labels
        batch["issues"] += [(rowid, seq, issue(issue_id), statement(text))
                            for seq, (issue_id, text) in enumerate(row.issues)]  # fmt: skip
        batch["positions"] += [(rowid, actor(p[0]), issue(p[1]), *p[2:]) for p in row.positions]
        batch["sources"] += [(rowid, *s) for s in row.sources]
        texts.append((rowid, *row.text))
        if count % BATCH == 0:
            flush()
    flush()
    if handed is not None:  # the rest of the rows, written here (the lists handed over stay as they are)
        for name, sql in _INSERTS:
            if batch[name] and name != "actor_labels":
                db.executemany(sql, batch[name])
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

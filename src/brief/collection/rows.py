"""Turning a brief file into the index's rows, and writing them: the part of the index that runs in worker
processes on a build, and only for changed files on a refresh (so a command that finds nothing changed never
imports it)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from brief.base.fields import mappings, number, text, texts, tlp
from brief.base.hashing import blake2b
from brief.base.text import fold
from brief.collection.tables import FTS_COLUMNS, LIST_FIELDS, TABLES
from brief.format.batch import worker_checker


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
    errors = json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False)
    if data is None:
        rows.brief = (path, size, mtime_ns, digest, None, None, None, None, None, None, None, 0, len(diagnostics), None)
        rows.data = (errors, None)
        rows.text = ("",) * len(FTS_COLUMNS)
        return rows
    body = text(data.get("body")) or ""
    stored = {key: value for key, value in data.items() if key != "body"}
    rows.brief = (
        path, size, mtime_ns, digest, text(data.get("id")), text(data.get("title")), text(data.get("date")),
        text(data.get("updated")), text(data.get("language")), text(data.get("original_language")),
        text(data.get("summary")), 0 if diagnostics else 1, len(diagnostics), tlp(data.get("tlp")),
    )  # fmt: skip
    rows.data = (errors, json.dumps(stored, ensure_ascii=False, default=str))
    for name in LIST_FIELDS:
        for value in texts(data.get(name)):
            rows.values.append((name, value, fold(value)))
    actor_text: list[str] = []
    descriptions: list[str] = []
    for actor in mappings(data.get("actors")):
        actor_id = text(actor.get("id"))
        actor_name = text(actor.get("name"))
        if actor_id is None or actor_name is None:
            continue
        aliases = texts(actor.get("aliases"))
        rows.actors.append(
            (
                actor_id,
                actor_name,
                text(actor.get("kind")),
                text(actor.get("country")),
                json.dumps(aliases, ensure_ascii=False),
            )
        )
        for label in {fold(actor_id), fold(actor_name), *(fold(alias) for alias in aliases)}:
            rows.actor_names.append((actor_id, label))
        for label in (actor_name, *aliases):
            rows.actor_labels.append((actor_id, label, fold(label)))
        actor_text += [actor_name, *aliases]
        description = text(actor.get("description"))
        if description:
            descriptions.append(description)
    # an actor's description ("seen as Wagner's successor") can be all a brief says of a subject
    other: list[str] = [*texts(data.get("tags")), *texts(data.get("authors")), *descriptions]
    for issue in mappings(data.get("issues")):
        if isinstance(issue.get("id"), str):
            rows.issues.append((issue["id"], text(issue.get("statement"))))
        other += [s for s in (text(issue.get("statement")), text(issue.get("description"))) if s]
    for position in mappings(data.get("positions")):
        if not (isinstance(position.get("actor"), str) and isinstance(position.get("issue"), str)):
            continue
        rationale = texts(position.get("rationale"))
        rows.positions.append((
            position["actor"], position["issue"], text(position.get("stance")), text(position.get("basis")),
            text(position.get("confidence")), number(position.get("salience")), number(position.get("power")),
            text(position.get("as_of")), json.dumps(rationale, ensure_ascii=False),
            json.dumps(texts(position.get("sources"))), text(position.get("change")), text(data.get("date")),
        ))  # fmt: skip
        other += rationale
        if isinstance(position.get("change"), str):
            other.append(position["change"])
    for source in mappings(data.get("sources")):
        if not isinstance(source.get("id"), str):
            continue
        credibility = source.get("credibility")
        rows.sources.append((
            source["id"], text(source.get("title")), text(source.get("publisher")), text(source.get("url")),
            text(source.get("date")), text(source.get("reliability")),
            credibility if isinstance(credibility, int) and not isinstance(credibility, bool) else None,
        ))  # fmt: skip
        other += [s for s in (text(source.get("title")), text(source.get("publisher"))) if s]
    for relation in mappings(data.get("relations")):
        ends = texts(relation.get("actors"))
        factors = texts(relation.get("factors"))
        rows.relations.append((
            ends[0] if ends else None, ends[1] if len(ends) > 1 else None, text(relation.get("kind")),
            text(relation.get("trend")), json.dumps(factors, ensure_ascii=False),
        ))  # fmt: skip
        other += factors
    for figure in mappings(data.get("figures")):
        if isinstance(figure.get("label"), str):
            other.append(figure["label"])
    judgments = [j["statement"] for j in mappings(data.get("key_judgments")) if isinstance(j.get("statement"), str)]
    rows.text = (
        text(data.get("title")) or "",
        "\n".join(actor_text),
        text(data.get("summary")) or "",
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
            "original_language, summary, valid, error_count, tlp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (next_rowid, *row.brief),
        )
        rowid = cursor.lastrowid
        db.execute("INSERT INTO brief_data VALUES (?, ?, ?)", (rowid, *row.data))
        db.execute("INSERT INTO brief_ids VALUES (?, ?)", (rowid, row.brief[4] or row.path))
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


def create_database(path: str) -> sqlite3.Connection:
    """A new, private database file with the index tables (secondary indexes come after the bulk insert);
    durability only matters once it is renamed into place."""
    if os.path.exists(path):
        os.unlink(path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.executescript(TABLES)
    return db

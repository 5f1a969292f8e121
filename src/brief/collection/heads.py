"""The heads of a common word's score classes: what lets a search for a word most briefs hold rank a few hundred
of its hits, with the very order ranking all of them gives.

FTS5's BM25 (fts5_aux.c) scores a hit of a one-word query as idf × f·(k1 + 1) / (f + k1·(1 − b + b·D/avgdl)):
f is the hit's weighted count of the word (each occurrence counts its column's weight), D the brief's length in
tokens. Among hits with the same f (a score class) the score falls as D grows, whatever idf and avgdl are, so
the best `limit` hits are among the `limit` shortest briefs (ties by rowid) of each class. For a word held by
more than COMMON briefs, the first search of it keeps here the first DEPTH briefs of each class, with a flag
saying whether the class holds more; later searches score only those (query/search.py), and the 80,000 other
hits of `wagner` in 100,000 briefs are never visited.

A refresh keeps them exact (`refresh`, in the refresh's transaction): a removed brief leaves its class's head,
which stays the first briefs of the class; a new one joins its class's head when the class is complete or the
brief comes before the head's last. A class whose head has worn down below a search's limit sends that search
the slow way, which fills the heads again. Everything here is derived from the full-text index alone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from brief.collection.tables import FTS_COLUMNS, TOKENIZER

COMMON = 4096  # hits from which a word's heads are kept: below it, ranking every hit takes a few milliseconds
DEPTH = 100  # briefs kept per class: searches with a limit up to this are answered from the heads
REFRESH_LIMIT = 2000  # new briefs past which a refresh drops every head rather than tokenise the briefs again


def _varints(blob: bytes) -> list[int]:
    """The integers of an FTS5 record (SQLite's varints: 7 bits a byte, big-endian, high bit: more follow)."""
    values, value = [], 0
    for byte in blob:
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            values.append(value)
            value = 0
    return values


def lengths(db: sqlite3.Connection, rowids: list[int] | None = None) -> dict[int, int]:
    """Each brief's length in tokens, all columns together (FTS5's xColumnSize(-1)), by rowid."""
    rows: Iterable[tuple[int, bytes]]
    if rowids is None:
        rows = db.execute("SELECT id, sz FROM fts_docsize")
    else:
        sql = "SELECT id, sz FROM fts_docsize WHERE id IN ({})"
        rows = (row for chunk in _chunks(rowids) for row in db.execute(sql.format(_marks(chunk)), chunk))
    return {rowid: sum(size) if size.isascii() else sum(_varints(size)) for rowid, size in rows}


def totals(db: sqlite3.Connection) -> tuple[int, int]:
    """(rows, tokens in all of them): FTS5's xRowCount and xColumnTotalSize(-1), from its averages record."""
    found = db.execute("SELECT block FROM fts_data WHERE id = 1").fetchone()
    values = _varints(found[0]) if found else []
    return (values[0], sum(values[1:])) if values else (0, 0)


def best(
    db: sqlite3.Connection, word: str, weights: tuple[int, ...], limit: int, score: Callable[[int, int], float]
) -> list[tuple[float, int]] | None:
    """The best `limit` hits of the one-token query `word` as (score, rowid), lowest first, `score(f, D)` being
    bm25() of a hit (lower is better), or None when no heads are kept for the word with these weights, or some
    class's head is too short for `limit`. Classes are visited best first, and only while one may still hold a
    hit better than the `limit`-th found so far."""
    if limit > DEPTH:
        return None
    found = db.execute("SELECT weights FROM rank_words WHERE word = ?", (word,)).fetchone()
    if found is None or found[0] != _weights_key(weights):
        return None
    short = db.execute(
        "SELECT 1 FROM rank_classes c WHERE c.word = ? AND NOT c.complete AND "
        "(SELECT count(*) FROM rank_heads h WHERE h.word = c.word AND h.weight = c.weight) < ? LIMIT 1",
        (word, limit),
    ).fetchone()
    if short:
        return None
    # each class's best hit is its shortest brief
    bounds = sorted((score(weight, length), weight) for weight, length in db.execute(
        "SELECT weight, min(length) FROM rank_heads WHERE word = ? GROUP BY weight", (word,)))  # fmt: skip
    chosen: list[tuple[float, int]] = []
    for bound, weight in bounds:
        if len(chosen) == limit and bound > chosen[-1][0]:
            break  # no hit of this class or of the classes after it can enter (an equal score may, by rowid)
        heads = db.execute("SELECT length, brief FROM rank_heads WHERE word = ? AND weight = ? "
                           "ORDER BY length, brief LIMIT ?", (word, weight, limit))  # fmt: skip
        chosen = sorted([*chosen, *((score(weight, length), rowid) for length, rowid in heads)])[:limit]
    return chosen


def fill(
    db: sqlite3.Connection, word: str, weights: tuple[int, ...], hits: int,
    weighed: Callable[[dict[int, int]], list[tuple[int, int]] | None],
) -> bool:  # fmt: skip
    """Keep the heads of `word`'s classes: it has `hits` hits (counted by the caller's MATCH), and `weighed`,
    given every brief's length, gives each hit's weighted count as (rowid, f), or None when it cannot. False when
    no heads are kept: the index cannot be written now (read-only, or another process writing), the query is
    not this one token, or `weighed` failed; the caller then ranks every hit."""
    if db.in_transaction:
        return False
    (busy,) = db.execute("PRAGMA busy_timeout").fetchone()
    db.execute("PRAGMA busy_timeout = 0")  # a search does not wait for another process's refresh to keep heads
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        db.execute(f"PRAGMA busy_timeout = {int(busy)}")
        return False
    try:
        db.execute(f"PRAGMA busy_timeout = {int(busy)}")
        db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.brief_vocabulary USING fts5vocab(main, fts, row)")
        found = db.execute("SELECT doc FROM temp.brief_vocabulary WHERE term = ?", (word,)).fetchone()
        size = lengths(db) if found is not None and found[0] == hits else {}
        counted = weighed(size) if size else None  # the query is this one token as the index has it
        if counted is None:
            db.execute("ROLLBACK")
            return False
        _forget(db, [word])
        db.execute("INSERT INTO rank_words VALUES (?, ?)", (word, _weights_key(weights)))
        classes: dict[int, list[tuple[int, int]]] = {}
        for rowid, weight in counted:
            classes.setdefault(weight, []).append((size.get(rowid, 0), rowid))
        for weight, members in classes.items():
            members.sort()
            db.execute("INSERT INTO rank_classes VALUES (?, ?, ?)", (word, weight, len(members) <= DEPTH))
            db.executemany("INSERT INTO rank_heads VALUES (?, ?, ?, ?)",
                           [(word, weight, length, rowid) for length, rowid in members[:DEPTH]])  # fmt: skip
        db.execute("COMMIT")
        return True
    except sqlite3.OperationalError:  # read-only, full: the search goes on without heads
        db.execute("ROLLBACK")
        return False
    except BaseException:
        db.execute("ROLLBACK")
        raise


def refresh(db: sqlite3.Connection, removed: list[int], added: list[int]) -> None:
    """Keep the heads exact after a refresh removed the rows `removed` and wrote the rows `added` (a changed
    brief is in both), inside the refresh's transaction."""
    words = dict(db.execute("SELECT word, weights FROM rank_words").fetchall())
    if not words:
        return
    for chunk in _chunks(removed):
        db.execute(f"DELETE FROM rank_heads WHERE brief IN ({_marks(chunk)})", chunk)
    if not added:
        return
    if len(added) > REFRESH_LIMIT:  # cheaper to fill again, word by word, when next searched
        _forget(db, list(words))
        return
    # the new briefs' counts, from a full-text table of their own with the same tokenizer
    columns = ", ".join(FTS_COLUMNS)
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.brief_fresh USING fts5({columns}, tokenize='{TOKENIZER}')")
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.brief_fresh_instances "
               "USING fts5vocab(temp, brief_fresh, instance)")  # fmt: skip
    db.execute("DELETE FROM temp.brief_fresh")
    for chunk in _chunks(added):
        db.execute(f"INSERT INTO temp.brief_fresh(rowid, {columns}) SELECT rowid, {columns} FROM brief_text "
                   f"WHERE rowid IN ({_marks(chunk)})", chunk)  # fmt: skip
    size = lengths(db, added)
    names = list(words)
    counts = db.execute(
        f"SELECT term, doc, col, count(*) FROM temp.brief_fresh_instances WHERE term IN ({_marks(names)}) "
        "GROUP BY term, doc, col",
        names,
    ).fetchall()
    db.execute("DELETE FROM temp.brief_fresh")
    column_weights = {word: dict(zip(FTS_COLUMNS, _parse_weights(key), strict=True)) for word, key in words.items()}
    weighed: dict[tuple[str, int], int] = {}
    for word, rowid, column, count in counts:
        weighed[word, rowid] = weighed.get((word, rowid), 0) + column_weights[word][column] * count
    for (word, rowid), weight in weighed.items():
        _join(db, word, weight, size.get(rowid, 0), rowid)


def _join(db: sqlite3.Connection, word: str, weight: int, length: int, rowid: int) -> None:
    found = db.execute("SELECT complete FROM rank_classes WHERE word = ? AND weight = ?", (word, weight)).fetchone()
    if found is None:  # no brief had this count before: a class of one, complete
        db.execute("INSERT INTO rank_classes VALUES (?, ?, 1)", (word, weight))
    elif not found[0]:
        last = db.execute("SELECT length, brief FROM rank_heads WHERE word = ? AND weight = ? "
                          "ORDER BY length DESC, brief DESC LIMIT 1", (word, weight)).fetchone()  # fmt: skip
        if last is None or (length, rowid) > last:
            return  # after the head's last: beyond the head, as before
    db.execute("INSERT INTO rank_heads VALUES (?, ?, ?, ?)", (word, weight, length, rowid))
    beyond = db.execute("SELECT length, brief FROM rank_heads WHERE word = ? AND weight = ? "
                        "ORDER BY length, brief LIMIT -1 OFFSET ?", (word, weight, DEPTH)).fetchall()  # fmt: skip
    if beyond:
        db.executemany("DELETE FROM rank_heads WHERE word = ? AND weight = ? AND length = ? AND brief = ?",
                       [(word, weight, length, brief) for length, brief in beyond])  # fmt: skip
        db.execute("UPDATE rank_classes SET complete = 0 WHERE word = ? AND weight = ?", (word, weight))


def _forget(db: sqlite3.Connection, words: list[str]) -> None:
    for table in ("rank_words", "rank_classes", "rank_heads"):
        db.executemany(f"DELETE FROM {table} WHERE word = ?", [(word,) for word in words])


def _weights_key(weights: tuple[int, ...]) -> str:
    return ",".join(str(weight) for weight in weights)


def _parse_weights(key: str) -> list[int]:
    return [int(weight) for weight in key.split(",")]


def _marks(values: list[int] | list[str]) -> str:
    return ", ".join("?" * len(values))


def _chunks(values: list[int]) -> list[list[int]]:
    return [values[i : i + 500] for i in range(0, len(values), 500)]

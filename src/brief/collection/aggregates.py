"""The summary's aggregates (collection/tables.py: AGGREGATES): computed in full after a build, and after a
refresh brought up to date for exactly the keys the changed briefs touch (a field value, a month, an actor kind,
an actor, an actor–issue pair), in the refresh's transaction. A count is recomputed from the base tables; a
stance history only around the dates the changed briefs' positions had and have, since a position's change
depends on the one before it alone (a popular pair has tens of thousands of positions)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from brief.collection.tables import AGGREGATE_INDEXES, AGGREGATES

COUNTED_FIELDS = ("domains", "regions", "nations")  # the list fields the summary counts

# a position as the stance history reads it: date, stance, the brief's path, position rowid
Row = tuple[str | None, str | None, str, int]

# The counted aggregates, each declared once: table -> (the Keys attribute naming what a refresh touched, the
# condition selecting one key's rows (its parameters: the key), the SELECT that computes the table's rows for the
# rows matching {where}). A build runs each SELECT over everything; a refresh deletes each touched key's rows and
# runs the SELECT for that key alone. They count rows by their dictionary keys, through covering indexes.
_COUNTED = "(" + ", ".join(f"'{field}'" for field in COUNTED_FIELDS) + ")"
_ACTOR_KEY = "(SELECT key FROM actor_keys WHERE actor_id = ?)"
_ISSUE_KEY = "(SELECT key FROM issue_keys WHERE issue_id = ?)"
COUNTS: dict[str, tuple[str, str, str]] = {
    "agg_values": ("values", "k.field = ? AND k.value = ?",
                   "SELECT field, value, n FROM (SELECT k.field, k.value, (SELECT count(*) FROM value_rows r "
                   f"WHERE r.value = k.key) AS n FROM value_keys k WHERE k.field IN {_COUNTED} AND {{where}}) "
                   "WHERE n > 0"),
    "agg_months": ("months", "substr(date, 1, 7) = ?",
                   "SELECT substr(date, 1, 7), count(*) FROM briefs WHERE date IS NOT NULL AND {where} "
                   "GROUP BY substr(date, 1, 7)"),
    "agg_kinds": ("kinds", "f.kind = ?",
                  "SELECT f.kind, count(*), count(DISTINCT r.brief) FROM actor_forms f JOIN actor_rows r ON "
                  "r.form = f.key WHERE f.kind != '' AND {where} GROUP BY f.kind"),
    "agg_actors": ("actors", f"f.actor = {_ACTOR_KEY}",
                   "SELECT actor_id, name, n FROM (SELECT k.actor_id, f.name, sum((SELECT count(*) FROM actor_rows r "
                   "WHERE r.form = f.key)) AS n FROM actor_forms f JOIN actor_keys k ON k.key = f.actor "
                   "WHERE {where} GROUP BY f.actor, f.name) WHERE n > 0"),
}  # fmt: skip
# each aggregate table's key columns, in the order of the parameters of its condition above
KEY_COLUMNS = {"agg_values": ("field", "value"), "agg_months": ("month",), "agg_kinds": ("kind",),
               "agg_actors": ("actor_id",)}  # fmt: skip
# The stance histories (agg_latest, agg_changes) are computed per actor–issue pair in Python, from the positions
# in the order of positions_timeline (issue, actor, date, brief).
_HISTORY = ("SELECT p.issue AS issue, p.actor AS actor, p.date AS date, p.stance AS stance, p.brief AS brief, "
            "p.rowid AS position FROM position_rows p INDEXED BY positions_timeline")  # fmt: skip


class Keys:
    """The aggregate keys some briefs touch."""

    __slots__ = ("actors", "kinds", "months", "pairs", "positions", "values")

    def __init__(self) -> None:
        self.values: set[tuple[str, str]] = set()
        self.months: set[str] = set()
        self.kinds: set[str] = set()
        self.actors: set[str] = set()
        self.pairs: dict[tuple[str, str], set[str | None]] = {}  # each pair's dates its positions had or have
        self.positions: set[int] = set()  # positions of the briefs (rowids): changes they made are recomputed


def create(db: sqlite3.Connection) -> None:
    """Create and fill every aggregate from the base tables (after a full build), in one transaction."""
    db.executescript(AGGREGATES)
    db.execute("BEGIN")
    for table, (_, _, select) in COUNTS.items():
        db.execute(f"INSERT INTO {table} {select.format(where='1')}")
    # positions in the order of their covering index (no sort), each brief's path from a dict (no join); the
    # rows made are written a batch at a time (memory stays bounded), the changes staged and then copied in key
    # order (a table filled in key order has full pages)
    paths = dict(db.execute("SELECT rowid, path FROM briefs"))
    actor_ids = dict(db.execute("SELECT key, actor_id FROM actor_keys"))
    issue_ids = dict(db.execute("SELECT key, issue_id FROM issue_keys"))
    db.execute("CREATE TEMP TABLE changes_staged(position INTEGER NOT NULL, previous INTEGER NOT NULL, "
               "date TEXT NOT NULL)")  # fmt: skip
    latest: list[tuple[str, str, str | None, str | None]] = []
    changes: list[tuple[int, int, str]] = []

    def flush(pair: tuple[int, int], rows: list[Row]) -> None:
        latest.append(_history(actor_ids[pair[1]], issue_ids[pair[0]], rows, changes))
        if len(latest) >= 10_000 or len(changes) >= 10_000:
            db.executemany("INSERT INTO agg_latest VALUES (?, ?, ?, ?)", latest)
            db.executemany("INSERT INTO temp.changes_staged VALUES (?, ?, ?)", changes)
            latest.clear()
            changes.clear()

    pair: tuple[int, int] | None = None
    rows: list[Row] = []
    for issue, actor, date, stance, brief, position in db.execute(f"{_HISTORY} ORDER BY p.issue, p.actor, p.date"):
        if (issue, actor) != pair:
            if pair is not None:
                flush(pair, rows)
            pair, rows = (issue, actor), []
        rows.append((date, stance, paths[brief], position))
    if pair is not None:
        flush(pair, rows)
    db.executemany("INSERT INTO agg_latest VALUES (?, ?, ?, ?)", latest)
    db.executemany("INSERT INTO temp.changes_staged VALUES (?, ?, ?)", changes)
    db.execute("INSERT INTO agg_changes SELECT * FROM temp.changes_staged ORDER BY position")
    db.execute("DROP TABLE temp.changes_staged")
    db.execute("COMMIT")
    db.executescript(AGGREGATE_INDEXES)  # after the bulk insert: faster than keeping them up to date row by row


def touched(db: sqlite3.Connection, rowids: Iterable[int], keys: Keys | None = None) -> Keys:
    """Add to `keys` (a new Keys by default) the aggregate keys the briefs `rowids` hold now."""
    keys = keys or Keys()
    db.execute("CREATE TEMP TABLE IF NOT EXISTS touched(rowid INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM touched")
    db.executemany("INSERT OR IGNORE INTO touched VALUES (?)", ((rowid,) for rowid in rowids))
    chosen = "IN (SELECT rowid FROM temp.touched)"
    keys.values.update(db.execute(
        f"SELECT field, value FROM brief_values WHERE brief {chosen} AND field IN {_COUNTED}"))  # fmt: skip
    keys.months.update(m for (m,) in db.execute(
        f"SELECT substr(date, 1, 7) FROM briefs WHERE rowid {chosen} AND date IS NOT NULL"))  # fmt: skip
    for actor_id, kind in db.execute(f"SELECT actor_id, kind FROM actors WHERE brief {chosen}"):
        keys.actors.add(actor_id)
        if kind is not None:
            keys.kinds.add(kind)
    for actor_id, issue_id, date in db.execute(f"SELECT actor_id, issue_id, date FROM positions WHERE brief {chosen}"):
        keys.pairs.setdefault((actor_id, issue_id), set()).add(date)
    keys.positions.update(row for (row,) in db.execute(f"SELECT rowid FROM position_rows WHERE brief {chosen}"))
    db.execute("DELETE FROM touched")
    return keys


def recompute(db: sqlite3.Connection, keys: Keys) -> None:
    """Recompute the aggregates of `keys` from the base tables (inside the caller's transaction)."""
    for table, (attribute, condition, select) in COUNTS.items():
        stored = " AND ".join(f"{column} = ?" for column in KEY_COLUMNS[table])
        computed = select.format(where=condition)
        for key in getattr(keys, attribute):
            key = key if isinstance(key, tuple) else (key,)
            db.execute(f"DELETE FROM {table} WHERE {stored}", key)
            db.execute(f"INSERT INTO {table} {computed}", key)
    # the changes the briefs' positions made (a removed one's included), then each pair's around its dates
    db.executemany("DELETE FROM agg_changes WHERE position = ?", ((row,) for row in keys.positions))
    for (actor_id, issue_id), dates in keys.pairs.items():
        found = db.execute(f"SELECT {_ISSUE_KEY}, {_ACTOR_KEY}", (issue_id, actor_id)).fetchone()
        if found[0] is None or found[1] is None:
            db.execute("DELETE FROM agg_latest WHERE actor_id = ? AND issue_id = ?", (actor_id, issue_id))
            continue
        _repair(db, (found[0], found[1]), actor_id, issue_id, dates)


def _repair(db: sqlite3.Connection, pair: tuple[int, int], actor_id: str, issue_id: str,
            dates: set[str | None]) -> None:  # fmt: skip
    """Bring one pair's stance history up to date after its positions of `dates` changed: the change of every
    position of those dates and of the first position after each (whose predecessor may have changed), and the
    pair's latest stance. The positions of one date are few; the dates next to them are found through
    positions_timeline (the pair's dates in order)."""
    redo: dict[int, tuple[int, int, str] | None] = {}
    for date in dates:
        head = _group(db, pair, _next_date(db, pair, date, "<"))[-1:] if date is not None else []
        following = _next_date(db, pair, date, ">")
        chain = [*head, *_group(db, pair, date), *(_group(db, pair, following)[:1] if following is not None else [])]
        for index in range(len(head), len(chain)):
            redo[chain[index][3]] = _change(chain[index - 1] if index else None, chain[index])
    db.executemany("DELETE FROM agg_changes WHERE position = ?", ((position,) for position in redo))
    db.executemany("INSERT INTO agg_changes VALUES (?, ?, ?)", (change for change in redo.values() if change))
    latest = db.execute("SELECT max(date) FROM position_rows INDEXED BY positions_timeline WHERE issue = ? AND "
                        "actor = ?", pair).fetchone()[0]  # fmt: skip
    day = _group(db, pair, latest)
    if not day:
        db.execute("DELETE FROM agg_latest WHERE actor_id = ? AND issue_id = ?", (actor_id, issue_id))
        return
    last = _latest(day)
    db.execute("INSERT OR REPLACE INTO agg_latest VALUES (?, ?, ?, ?)", (actor_id, issue_id, last[1], last[0]))


def _group(db: sqlite3.Connection, pair: tuple[int, int], date: str | None) -> list[Row]:
    """The positions of one pair on one date (None: the undated ones), in history order."""
    dated = "p.date IS NULL" if date is None else "p.date = ?"
    rows: list[Row] = db.execute(
        f"SELECT h.date, h.stance, b.path, h.position FROM ({_HISTORY} WHERE p.issue = ? AND p.actor = ? AND "
        f"{dated}) h JOIN briefs b ON b.rowid = h.brief", (*pair, *(() if date is None else (date,)))
    ).fetchall()  # fmt: skip
    rows.sort(key=_order)
    return rows


def _next_date(db: sqlite3.Connection, pair: tuple[int, int], date: str | None, direction: str) -> str | None:
    """The pair's nearest date before (`<`) or after (`>`) `date` (None: the undated positions, which come
    first) that has positions; None when there is none."""
    parameters: tuple[object, ...] = pair
    if date is None:  # after the undated positions: the first date
        query = "date IS NOT NULL"
    else:
        query, parameters = f"date {direction} ?", (*pair, date)
    found: str | None = db.execute(
        f"SELECT {'max' if direction == '<' else 'min'}(date) FROM position_rows INDEXED BY positions_timeline "
        f"WHERE issue = ? AND actor = ? AND {query}", parameters
    ).fetchone()[0]  # fmt: skip
    return found


def _history(actor_id: str, issue_id: str, rows: list[Row],
             changes: list[tuple[int, int, str]]) -> tuple[str, str, str | None, str | None]:  # fmt: skip
    """One actor's stance history on one issue, from its positions: the row of agg_latest (the stance of its
    latest dated position, the first by stance of that date's; of its last position when none has a date), and
    its stance changes added to `changes` (agg_changes rows: a position whose stance differs from the one before
    it, in (date, stance, path) order, none first; the path orders briefs of one day whatever rows the index
    gave them, so that a refresh and a rebuild agree)."""
    rows.sort(key=_order)
    previous: Row | None = None
    for row in rows:
        change = _change(previous, row)
        if change:
            changes.append(change)
        previous = row
    last = _latest([row for row in rows if row[0] == rows[-1][0]])
    return actor_id, issue_id, last[1], last[0]


def _change(previous: Row | None, row: Row) -> tuple[int, int, str] | None:
    """agg_changes' row for a position whose predecessor in its pair's history is `previous` (None: it is the
    first); None when the stance did not change."""
    if previous is None or previous[1] == row[1]:
        return None
    return row[3], previous[3], row[0] or ""


def _latest(day: list[Row]) -> Row:
    """The position agg_latest keeps, of its pair's last date's positions in history order: the first of them
    when dated, the last of the undated ones when none has a date."""
    return day[0] if day[0][0] is not None else day[-1]


def _order(row: Row) -> tuple[bool, str, bool, str, str, int]:
    """A position's place in its pair's history: by date (none first), stance (none first), the brief's path,
    and its place in the brief (positions are numbered in their brief's order, by a build and a refresh alike)."""
    return (row[0] is not None, row[0] or "", row[1] is not None, row[1] or "", row[2], row[3])

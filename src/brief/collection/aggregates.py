"""The summary's aggregates (collection/tables.py: AGGREGATES): computed in full after a build, and after a
refresh recomputed for exactly the keys the changed briefs touch (a field value, a month, an actor kind, an
actor, an actor–issue pair), from the base tables, in the refresh's transaction. Recomputing a key from the
base tables, rather than adding and subtracting, keeps them exact by construction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from brief.collection.tables import AGGREGATE_INDEXES, AGGREGATES

COUNTED_FIELDS = ("domains", "regions", "nations")  # the list fields the summary counts

# a position as the stance history reads it: actor key, issue key, date, the brief's path, stance, position rowid
Row = tuple[int, int, str | None, str, str | None, int]

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
    # SQLite takes the bare column `stance` from the row holding max(date): each actor's latest stance
    "agg_latest": ("pairs", f"p.actor = {_ACTOR_KEY} AND p.issue = {_ISSUE_KEY}",
                   "SELECT a.actor_id, i.issue_id, p.stance, max(p.date) FROM position_rows p INDEXED BY "
                   "positions_time JOIN actor_keys a ON a.key = p.actor JOIN issue_keys i ON i.key = p.issue "
                   "WHERE {where} GROUP BY p.actor, p.issue"),
}  # fmt: skip
# each aggregate table's key columns, in the order of the parameters of its condition above
KEY_COLUMNS = {"agg_values": ("field", "value"), "agg_months": ("month",), "agg_kinds": ("kind",),
               "agg_actors": ("actor_id",), "agg_latest": ("actor_id", "issue_id")}  # fmt: skip

class Keys:
    """The aggregate keys some briefs touch."""

    __slots__ = ("actors", "kinds", "months", "pairs", "values")

    def __init__(self) -> None:
        self.values: set[tuple[str, str]] = set()
        self.months: set[str] = set()
        self.kinds: set[str] = set()
        self.actors: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()


def create(db: sqlite3.Connection) -> None:
    """Create and fill every aggregate from the base tables (after a full build), in one transaction."""
    db.executescript(AGGREGATES)
    db.execute("BEGIN")
    for table, (_, _, select) in COUNTS.items():
        db.execute(f"INSERT INTO {table} {select.format(where='1')}")
    # positions in the order of their covering index (no sort), each brief's path from a dict (no join)
    paths = dict(db.execute("SELECT rowid, path FROM briefs"))
    rows = db.execute(
        "SELECT actor, issue, date, brief, stance, rowid FROM position_rows INDEXED BY positions_time "
        "ORDER BY actor, issue, date, stance"
    )
    ordered = _by_path((a, i, date, paths[brief], stance, row) for a, i, date, brief, stance, row in rows)
    db.executemany("INSERT INTO agg_changes VALUES (?, ?, ?, ?, ?)", _changes(ordered))
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
    keys.pairs.update(db.execute(f"SELECT actor_id, issue_id FROM positions WHERE brief {chosen}"))
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
    for actor_id, issue_id in keys.pairs:
        found = db.execute(f"SELECT {_ACTOR_KEY}, {_ISSUE_KEY}", (actor_id, issue_id)).fetchone()
        if found[0] is None or found[1] is None:
            continue
        db.execute("DELETE FROM agg_changes WHERE actor = ? AND issue = ?", found)
        rows = db.execute(
            "SELECT p.actor, p.issue, p.date, b.path, p.stance, p.rowid FROM position_rows p INDEXED BY "
            "positions_time JOIN briefs b ON b.rowid = p.brief WHERE p.actor = ? AND p.issue = ? "
            "ORDER BY p.date, p.stance",
            found,
        ).fetchall()
        db.executemany("INSERT INTO agg_changes VALUES (?, ?, ?, ?, ?)", _changes(_by_path(rows)))


def _by_path(rows: Iterable[Row]) -> Iterator[Row]:
    """Rows already in (actor, issue, date, stance) order, with each run of equal keys put in path order."""
    run: list[Row] = []
    first: Row | None = None
    for row in rows:
        if first is not None and row[2] == first[2] and row[4] == first[4] and row[:2] == first[:2]:
            run.append(row)
            continue
        if len(run) > 1:  # most runs are one position: nothing to sort
            run.sort(key=lambda item: item[3])
        yield from run
        run = [row]
        first = row
    if len(run) > 1:
        run.sort(key=lambda item: item[3])
    yield from run


def _changes(rows: Iterable[Row]) -> Iterator[tuple[object, ...]]:
    """Stance changes from positions in (actor, issue, date, stance, path) order: a position whose stance differs
    from the one before it for the same actor and issue (the path orders briefs of one day whatever rows the
    index gave them, so that a refresh and a rebuild agree), as rows of agg_changes."""
    previous: tuple[int, int, str | None, int] | None = None
    for actor, issue, date, _, stance, position in rows:
        if previous is not None and previous[0] == actor and previous[1] == issue and previous[2] != stance:
            yield date or "", position, previous[3], actor, issue
        previous = (actor, issue, stance, position)

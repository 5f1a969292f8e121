"""What a set of briefs says, computed in SQL from the index: counts, dates, actors, contested issues,
stance changes, and one line per brief. Returns plain data (the CLI renders it as text, Markdown or JSON).

When nothing is filtered out, the queries read the covering indexes directly; otherwise they join the
temporary table `chosen` that `select` fills.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from brief.base.vocabulary import STANCE_GROUPS, TLP_RANK
from brief.collection.aggregates import COUNTED_FIELDS
from brief.query.filters import Filters, combined_where, effective_tlp, register_functions
from brief.query.language import SearchQuery
from brief.query.search import search_rowids

GROUPINGS = ("nation", "region", "domain", "actor", "month")
LIST_FIELD_OF = {"nation": "nations", "region": "regions", "domain": "domains"}
SAMPLE = 20  # briefs named per actor; the JSON carries the full count


@dataclass
class Selection:
    count: int
    everything: bool  # no filter: the queries need not join `chosen`
    histories: list[tuple[str, str, list[tuple[Any, ...]]]] | None = field(default=None, repr=False)

    def join(self, column: str) -> str:
        return "" if self.everything else f"JOIN chosen c ON c.rowid = {column}"


def select(db: sqlite3.Connection, filters: Filters, query: SearchQuery | None = None) -> Selection:
    """Choose the briefs to summarise (filling the temporary table `chosen` unless all are chosen)."""
    register_functions(db)
    db.execute("CREATE TEMP TABLE IF NOT EXISTS chosen(rowid INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM chosen")
    searching = query is not None and (query.groups or query.negated or not query.include.is_empty() or query.exclude)
    if searching:
        assert query is not None
        rowids = search_rowids(db, query, filters)
        db.executemany("INSERT OR IGNORE INTO chosen VALUES (?)", [(rowid,) for rowid in rowids])
    elif filters.is_empty():
        return Selection(int(db.execute("SELECT count(*) FROM briefs").fetchone()[0]), everything=True)
    else:
        where, params = combined_where(filters, [])
        db.execute(f"INSERT INTO chosen SELECT b.rowid FROM briefs b WHERE {where}", params)
    return Selection(int(db.execute("SELECT count(*) FROM chosen").fetchone()[0]), everything=False)


def _counts(db: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    return [{"value": value, "briefs": count} for value, count in db.execute(sql, params) if value is not None]


def overview(
    db: sqlite3.Connection, selection: Selection, by: str | None = None, brief_limit: int | None = 20,
    top: int = 10, changes: int | None = 20, database: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The overview of the selected briefs (see `select`).

    When everything is selected and the index file is named (`database`), the independent parts run in two
    threads, each with its own read-only connection: SQLite releases the GIL while it works, so a large
    collection is summarised on two cores."""
    parts: dict[str, Any] = {
        "head": lambda c: _head(c, selection),
        "counts": lambda c: _all_counts(c, selection),
        "actors": lambda c: _top_actors(c, selection, top),
        "contested_issues": lambda c: _contested(c, selection, top),
        "stance_changes": lambda c: _changes(c, selection, changes),
        "brief_list": lambda c: _brief_lines(c, selection, brief_limit),
    }
    if by:
        parts["groups"] = lambda c: _groups(c, selection, by, brief_limit)
    if selection.everything and database:
        from concurrent.futures import ThreadPoolExecutor

        def run(name: str) -> Any:
            connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
            try:
                return parts[name](connection)
            finally:
                connection.close()

        with ThreadPoolExecutor(2) as pool:
            done = dict(zip(parts, pool.map(run, parts), strict=True))
    else:
        done = {name: part(db) for name, part in parts.items()}
    result: dict[str, Any] = {**done.pop("head"), "counts": done.pop("counts")}
    result["actors"] = done.pop("actors")
    result["contested_issues"] = done.pop("contested_issues")
    result["stance_change_count"], result["stance_changes"] = done.pop("stance_changes")
    result.update(done)
    return result


def _head(db: sqlite3.Connection, selection: Selection) -> dict[str, Any]:
    if selection.everything:
        total, invalid, first, last = db.execute(
            "SELECT (SELECT count(*) FROM briefs), (SELECT count(*) FROM briefs WHERE valid = 0), "
            "(SELECT min(date) FROM briefs), (SELECT max(date) FROM briefs)"
        ).fetchone()
        months = _counts(db, "SELECT month, n FROM agg_months ORDER BY month")
        return {"briefs": total, "invalid": invalid, "date_range": {"first": first, "last": last}, "months": months}
    on_brief = selection.join("b.rowid")
    total, invalid, first, last = db.execute(
        f"SELECT count(*), sum(b.valid = 0), min(b.date), max(b.date) FROM briefs b {on_brief}"
    ).fetchone()
    months = _counts(
        db,
        f"SELECT substr(b.date, 1, 7) AS m, count(*) FROM briefs b {on_brief} "
        "WHERE b.date IS NOT NULL GROUP BY m ORDER BY m",
    )
    return {"briefs": total, "invalid": invalid or 0, "date_range": {"first": first, "last": last}, "months": months}


def _markings(db: sqlite3.Connection, selection: Selection) -> list[dict[str, Any]]:
    """TLP markings (each brief's own, else the collection's default), least restricted first; None: unmarked."""
    markings = db.execute(
        f"SELECT {effective_tlp('b')} AS t, count(*) FROM briefs b {selection.join('b.rowid')} GROUP BY t"
    ).fetchall()
    markings.sort(key=lambda row: TLP_RANK.get(row[0], len(TLP_RANK)))
    return [{"value": value, "briefs": count} for value, count in markings]


def _all_counts(db: sqlite3.Connection, selection: Selection) -> dict[str, Any]:
    counts: dict[str, Any] = {}
    if selection.everything:
        for field in COUNTED_FIELDS:
            counts[field] = _counts(
                db, "SELECT value, n FROM agg_values WHERE field = ? ORDER BY n DESC, value", (field,)
            )
        counts["actor_kinds"] = [
            {"value": kind, "actors": actors, "briefs": briefs}
            for kind, actors, briefs in db.execute(
                "SELECT kind, actors, briefs FROM agg_kinds ORDER BY actors DESC, kind"
            )
        ]
        counts["tlp"] = _markings(db, selection)
        counts["languages"] = _counts(
            db, "SELECT language, count(*) AS n FROM briefs GROUP BY language ORDER BY n DESC, 1"
        )
        return counts
    for field in COUNTED_FIELDS:
        counts[field] = _counts(
            db,
            f"SELECT k.value, count(*) AS n FROM value_keys k CROSS JOIN value_rows v ON v.value = k.key "
            f"{selection.join('v.brief')} WHERE k.field = ? GROUP BY v.value ORDER BY n DESC, k.value",
            (field,),
        )
    counts["actor_kinds"] = [
        {"value": kind, "actors": actors, "briefs": briefs}
        for kind, actors, briefs in db.execute(
            f"SELECT f.kind, count(*) AS n, count(DISTINCT a.brief) FROM actor_rows a {selection.join('a.brief')} "
            "JOIN actor_forms f ON f.key = a.form WHERE f.kind != '' GROUP BY f.kind ORDER BY n DESC, f.kind"
        )
    ]
    counts["tlp"] = _markings(db, selection)
    counts["languages"] = _counts(
        db,
        f"SELECT b.language, count(*) AS n FROM briefs b {selection.join('b.rowid')} "
        "GROUP BY b.language ORDER BY n DESC, 1",
    )
    return counts


def _names(db: sqlite3.Connection, actor_ids: set[str]) -> dict[str, str]:
    """The most common name of each actor id (ids are brief-local, but collections reuse them)."""
    names: dict[str, str] = {}
    for actor_id in sorted(actor_ids):
        row = db.execute(
            "SELECT name FROM agg_actors WHERE actor_id = ? ORDER BY n DESC, name LIMIT 1", (actor_id,)
        ).fetchone()
        names[actor_id] = row[0] if row else actor_id
    return names


def _top_actors(db: sqlite3.Connection, selection: Selection, top: int) -> list[dict[str, Any]]:
    join = selection.join("a.brief")
    if selection.everything:
        sql = "SELECT actor_id, sum(n) AS total FROM agg_actors GROUP BY actor_id ORDER BY total DESC, actor_id LIMIT ?"
    else:
        sql = (f"SELECT k.actor_id, count(*) AS total FROM actor_rows a {join} JOIN actor_keys k ON k.key = a.actor "
               "GROUP BY a.actor ORDER BY total DESC, k.actor_id LIMIT ?")  # fmt: skip
    rows = db.execute(sql, (top,)).fetchall()
    names = _names(db, {actor_id for actor_id, _ in rows})
    actors = []
    for actor_id, count in rows:
        key, kind = db.execute(
            "SELECT k.key, nullif(f.kind, '') FROM actor_keys k JOIN actor_rows a ON a.actor = k.key "
            "JOIN actor_forms f ON f.key = a.form WHERE k.actor_id = ? ORDER BY a.actor, a.brief LIMIT 1", (actor_id,)
        ).fetchone()  # fmt: skip
        # newest first, from the date index: a common actor's sample is found without sorting all its briefs
        holds = f"b.rowid IN (SELECT a.brief FROM actor_rows a {join} WHERE a.actor = ?)"
        if selection.everything:
            holds = "EXISTS (SELECT 1 FROM actor_rows a WHERE a.brief = b.rowid AND a.actor = ?)"
        briefs = [
            ident
            for (ident,) in db.execute(
                f"SELECT b.id FROM briefs b WHERE {holds} ORDER BY b.date DESC, b.id LIMIT ?", (key, SAMPLE)
            )
        ]
        actors.append({"id": actor_id, "name": names[actor_id], "kind": kind, "brief_count": count, "briefs": briefs})
    return actors


def _contested(db: sqlite3.Connection, selection: Selection, top: int) -> list[dict[str, Any]]:
    """Issues with actors on both sides, most evenly contested first, with who supports and who opposes
    (each actor by its latest stance in the selection)."""
    support, oppose = set(STANCE_GROUPS["support"]), set(STANCE_GROUPS["oppose"])
    sides: dict[str, dict[str, list[str]]] = {}
    if selection.everything:
        latest = _contested_latest(db, top)
    else:
        latest = []
        for actor, issue, rows in _histories(db, selection):
            last = rows[-1]
            if last[0] is not None:  # each actor's latest stance: the first (by stance) of its latest date's
                last = next(row for row in rows if row[0] == last[0])
            latest.append((actor, issue, last[1], last[0]))
    for actor, issue, stance, _ in latest:
        side = "support" if stance in support else "oppose" if stance in oppose else None
        if side:
            sides.setdefault(issue, {"support": [], "oppose": []})[side].append(actor)
    contested = [(issue, s) for issue, s in sides.items() if s["support"] and s["oppose"]]
    contested.sort(key=lambda item: (-min(len(item[1]["support"]), len(item[1]["oppose"])), item[0]))
    contested = contested[:top]
    names = _names(db, {a for _, s in contested for a in s["support"] + s["oppose"]})
    result = []
    for issue, s in contested:
        statement = db.execute(
            "SELECT statement FROM issues WHERE issue_id = ? AND statement IS NOT NULL LIMIT 1", (issue,)
        ).fetchone()
        result.append(
            {
                "issue": issue,
                "statement": statement[0] if statement else None,
                "support": sorted(names[a] for a in s["support"]),
                "oppose": sorted(names[a] for a in s["oppose"]),
            }
        )
    return result


def _contested_latest(db: sqlite3.Connection, top: int) -> list[tuple[str, str, str, str]]:
    """The latest stances on the `top` most evenly contested issues, from the aggregates (a few thousand rows
    rather than every position)."""
    support, oppose = STANCE_GROUPS["support"], STANCE_GROUPS["oppose"]
    marks_s, marks_o = ", ".join("?" * len(support)), ", ".join("?" * len(oppose))
    issues = [issue for issue, _, _ in db.execute(
        f"SELECT issue_id, sum(stance IN ({marks_s})) AS s, sum(stance IN ({marks_o})) AS o FROM agg_latest "
        "GROUP BY issue_id HAVING s > 0 AND o > 0 ORDER BY min(s, o) DESC, issue_id LIMIT ?",
        (*support, *oppose, top),
    )]  # fmt: skip
    rows: list[tuple[str, str, str, str]] = []
    for issue in issues:
        rows += db.execute("SELECT actor_id, issue_id, stance, date FROM agg_latest WHERE issue_id = ?", (issue,))
    return rows


def _changes(db: sqlite3.Connection, selection: Selection, limit: int | None) -> tuple[int, list[dict[str, Any]]]:
    """Each time an actor's stance on an issue differs from its stance in the previous brief (by date):
    how many, and the latest `limit` of them (all with None).

    One pass over the positions in (actor, issue, date) order, straight from a covering index; faster than
    SQLite's window functions, which sort again."""
    if selection.everything:
        total = int(db.execute("SELECT count(*) FROM agg_changes").fetchone()[0])
        # newest first: the rows of the latest dates from the aggregate's key, then those ordered by the brief's
        # path, actor and issue (only the rows of the last date shown can need it)
        newest: list[tuple[str, int, int]] = []
        for date, position, before in db.execute("SELECT date, position, previous FROM agg_changes ORDER BY "
                                                 "date DESC, position DESC"):  # fmt: skip
            if limit is not None and len(newest) >= limit and date != newest[-1][0]:
                break
            newest.append((date, position, before))
        ties = dict(_tie_breaks(db, [row[1] for row in newest]))
        newest.sort(key=lambda row: (row[0], *ties[row[1]], row[1]), reverse=True)
        return total, _change_rows(db, [(row[1], row[2]) for row in newest[:limit]])
    import heapq

    total = 0
    latest: list[tuple[str, int, int]] = []  # (date, position, previous position): a heap of the newest
    for _, _, rows in _histories(db, selection):
        for (_, before, _, previous), (date, stance, _, position) in pairwise(rows):
            if before == stance:
                continue
            total += 1
            item = (date or "", position, previous)
            if limit is None:
                latest.append(item)
            elif len(latest) < limit:
                heapq.heappush(latest, item)
            else:
                heapq.heappushpop(latest, item)
    latest.sort(reverse=True)
    return total, _change_rows(db, [(position, before) for _, position, before in latest])


def _histories(db: sqlite3.Connection, selection: Selection) -> list[tuple[str, str, list[tuple[Any, ...]]]]:
    """Each actor's positions on each issue in the selected briefs: (actor id, issue id, [(date, stance, brief,
    position)]) in (date, stance, brief) order, none first, as SQLite orders them (read once per selection: the
    contested issues and the changes both read them)."""
    if selection.histories is None:
        selection.histories = list(_read_histories(db, selection))
    return selection.histories


def _read_histories(db: sqlite3.Connection, selection: Selection) -> Iterator[tuple[str, str, list[tuple[Any, ...]]]]:
    actor_ids = dict(db.execute("SELECT key, actor_id FROM actor_keys"))
    issue_ids = dict(db.execute("SELECT key, issue_id FROM issue_keys"))
    pair: tuple[int, int] | None = None
    rows: list[tuple[Any, ...]] = []
    for issue, actor, *row in db.execute(
        # the index gives (issue, actor, date) order; SQLite sorts each day's positions by stance and brief
        "SELECT p.issue, p.actor, p.date, p.stance, p.brief, p.rowid FROM position_rows p INDEXED BY "
        f"positions_timeline {selection.join('p.brief')} ORDER BY p.issue, p.actor, p.date, p.stance, p.brief"
    ):
        if (issue, actor) != pair:
            if pair is not None:
                yield actor_ids[pair[1]], issue_ids[pair[0]], rows
            pair, rows = (issue, actor), []
        rows.append(tuple(row))
    if pair is not None:
        yield actor_ids[pair[1]], issue_ids[pair[0]], rows


def _tie_breaks(db: sqlite3.Connection, positions: list[int]) -> list[tuple[int, tuple[str, str, str]]]:
    """Each position's brief path, actor id and issue id: how changes of one date are ordered."""
    found = []
    for start in range(0, len(positions), 500):
        chunk = positions[start : start + 500]
        found += [(row, (path, actor, issue)) for row, path, actor, issue in db.execute(
            "SELECT p.rowid, b.path, a.actor_id, i.issue_id FROM position_rows p JOIN briefs b ON b.rowid = p.brief "
            "JOIN actor_keys a ON a.key = p.actor JOIN issue_keys i ON i.key = p.issue "
            f"WHERE p.rowid IN ({', '.join('?' * len(chunk))})", chunk)]  # fmt: skip
    return found


def _change_rows(db: sqlite3.Connection, changes: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """The changes (position, previous position) with their actors, stances, dates, briefs, explanations."""
    rows = []
    for position, before in changes:
        rows.append(
            db.execute(
                "SELECT p.actor_id, p.issue_id, p.stance, p.date, b.id, p.change, q.stance, q.date, qb.id "
                "FROM positions p JOIN briefs b ON b.rowid = p.brief, positions q JOIN briefs qb ON qb.rowid = q.brief "
                "WHERE p.rowid = ? AND q.rowid = ?",
                (position, before),
            ).fetchone()
        )
    names = _names(db, {row[0] for row in rows})
    return [
        {
            "actor": actor,
            "name": names[actor],
            "issue": issue,
            "from": {"stance": prev_stance, "date": prev_date, "brief": prev_id},
            "to": {"stance": stance, "date": date, "brief": ident},
            "explanation": change,
        }
        for actor, issue, stance, date, ident, change, prev_stance, prev_date, prev_id in rows
    ]


def _brief_lines(
    db: sqlite3.Connection, selection: Selection, limit: int | None, extra: str = "", params: tuple[Any, ...] = ()
) -> dict[str, Any]:
    join = selection.join("b.rowid")
    total = db.execute(f"SELECT count(*) FROM briefs b {join} {extra}", params).fetchone()[0]
    sql = f"SELECT b.date, b.id, b.title, b.summary, b.valid FROM briefs b {join} {extra} ORDER BY b.date DESC, b.id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    items = [
        {"date": date, "id": ident, "title": title, "summary": summary, "valid": bool(valid)}
        for date, ident, title, summary, valid in db.execute(sql, params)
    ]
    return {"total": total, "shown": len(items), "items": items}


def _groups(db: sqlite3.Connection, selection: Selection, by: str, limit: int | None) -> list[dict[str, Any]]:
    """The overview's brief lines grouped by nation, region, domain, actor or month."""
    if by == "month":
        months = db.execute(
            f"SELECT DISTINCT substr(b.date, 1, 7) AS m FROM briefs b {selection.join('b.rowid')} "
            "WHERE b.date IS NOT NULL ORDER BY m DESC"
        )
        keys = [(month, month) for (month,) in months]
        clause = "WHERE substr(b.date, 1, 7) = ?"
    elif by == "actor":
        ranked = db.execute(
            f"SELECT a.actor_id FROM actors a {selection.join('a.brief')} GROUP BY a.actor_id "
            "ORDER BY count(DISTINCT a.brief) DESC, a.actor_id"
        ).fetchall()
        names = _names(db, {actor_id for (actor_id,) in ranked})
        keys = [(actor_id, names[actor_id]) for (actor_id,) in ranked]
        clause = "WHERE b.rowid IN (SELECT brief FROM actors WHERE actor_id = ?)"
    else:
        field = LIST_FIELD_OF[by]
        keys = [
            (value, value)
            for (value,) in db.execute(
                f"SELECT v.value FROM brief_values v {selection.join('v.brief')} WHERE v.field = ? "
                "GROUP BY v.value ORDER BY count(*) DESC, v.value",
                (field,),
            )
        ]
        clause = f"WHERE b.rowid IN (SELECT brief FROM brief_values WHERE field = '{field}' AND value = ?)"
    groups = []
    for key, label in keys:
        if by == "nation":
            from brief.base.countries import name_of

            label = f"{name_of(key)} ({key})"
        lines = _brief_lines(db, selection, limit, clause, (key,))
        groups.append({"key": key, "label": label, "briefs": lines["total"], "brief_list": lines})
    return groups

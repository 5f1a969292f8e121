"""What a set of briefs says, computed in SQL from the index: counts, dates, actors, contested issues,
stance changes, and one line per brief. Returns plain data (the CLI renders it as text, Markdown or JSON)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Any

from brief.query import STANCE_GROUPS, Filters, SearchQuery, combined_where, register_functions, search

GROUPINGS = ("nation", "region", "domain", "actor", "month")
LIST_FIELD_OF = {"nation": "nations", "region": "regions", "domain": "domains"}
SAMPLE = 20  # briefs named per actor; the JSON carries the full count


def select(db: sqlite3.Connection, filters: Filters, query: SearchQuery | None = None) -> int:
    """Fill the temporary table `chosen` with the selected briefs; returns how many there are."""
    register_functions(db)
    db.execute("CREATE TEMP TABLE IF NOT EXISTS chosen(rowid INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM chosen")
    if query is not None and (query.groups or query.negated or not query.include.is_empty() or query.exclude):
        hits = search(db, query, filters, limit=None, snippets=False, details=False)
        db.executemany("INSERT OR IGNORE INTO chosen VALUES (?)", [(hit["_rowid"],) for hit in hits])
    else:
        where, params = combined_where(filters, [])
        db.execute(f"INSERT INTO chosen SELECT b.rowid FROM briefs b WHERE {where}", params)
    return int(db.execute("SELECT count(*) FROM chosen").fetchone()[0])


def _counts(db: sqlite3.Connection, sql: str) -> list[dict[str, Any]]:
    return [{"value": value, "briefs": count} for value, count in db.execute(sql) if value is not None]


def digest(
    db: sqlite3.Connection, by: str | None = None, brief_limit: int | None = 20, top: int = 10
) -> dict[str, Any]:
    """The digest of the briefs in `chosen` (see `select`)."""
    total, invalid, first, last = db.execute(
        "SELECT count(*), sum(b.valid = 0), min(b.date), max(b.date) FROM briefs b JOIN chosen c ON c.rowid = b.rowid"
    ).fetchone()
    result: dict[str, Any] = {
        "briefs": total,
        "invalid": invalid or 0,
        "date_range": {"first": first, "last": last},
        "months": _counts(
            db,
            "SELECT substr(b.date, 1, 7) AS m, count(*) FROM briefs b JOIN chosen c ON c.rowid = b.rowid "
            "WHERE b.date IS NOT NULL GROUP BY m ORDER BY m",
        ),
    }
    counts: dict[str, Any] = {}
    for field in ("domains", "regions", "nations"):
        counts[field] = _counts(
            db,
            f"SELECT v.value, count(DISTINCT v.brief) AS n FROM brief_values v JOIN chosen c ON c.rowid = v.brief "
            f"WHERE v.field = '{field}' GROUP BY v.value ORDER BY n DESC, v.value",
        )
    counts["actor_kinds"] = [
        {"value": kind, "actors": actors, "briefs": briefs}
        for kind, actors, briefs in db.execute(
            "SELECT a.kind, count(*) AS n, count(DISTINCT a.brief) FROM actors a JOIN chosen c ON c.rowid = a.brief "
            "WHERE a.kind IS NOT NULL GROUP BY a.kind ORDER BY n DESC, a.kind"
        )
    ]
    counts["languages"] = _counts(
        db,
        "SELECT b.language, count(*) AS n FROM briefs b JOIN chosen c ON c.rowid = b.rowid "
        "GROUP BY b.language ORDER BY n DESC, b.language",
    )
    result["counts"] = counts
    result["actors"] = _top_actors(db, top)
    result["contested_issues"] = _contested(db, top)
    result["stance_changes"] = _changes(db)
    result["brief_list"] = _brief_lines(db, brief_limit)
    if by:
        result["groups"] = _groups(db, by, brief_limit)
    return result


def _top_actors(db: sqlite3.Connection, top: int) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT a.actor_id, count(DISTINCT a.brief) AS n FROM actors a JOIN chosen c ON c.rowid = a.brief "
        "GROUP BY a.actor_id ORDER BY n DESC, a.actor_id LIMIT ?",
        (top,),
    ).fetchall()
    actors = []
    for actor_id, count in rows:
        name, kind = db.execute(
            "SELECT a.name, a.kind FROM actors a JOIN chosen c ON c.rowid = a.brief WHERE a.actor_id = ? "
            "GROUP BY a.name ORDER BY count(*) DESC LIMIT 1",
            (actor_id,),
        ).fetchone()
        briefs = [
            ident
            for (ident,) in db.execute(
                "SELECT b.id FROM briefs b JOIN chosen c ON c.rowid = b.rowid WHERE b.rowid IN "
                "(SELECT brief FROM actors WHERE actor_id = ?) ORDER BY b.date DESC LIMIT ?",
                (actor_id, SAMPLE),
            )
        ]
        actors.append({"id": actor_id, "name": name, "kind": kind, "brief_count": count, "briefs": briefs})
    return actors


def _actor_names(db: sqlite3.Connection) -> dict[str, str]:
    return dict(
        db.execute("SELECT a.actor_id, a.name FROM actors a JOIN chosen c ON c.rowid = a.brief GROUP BY a.actor_id")
    )


def _contested(db: sqlite3.Connection, top: int) -> list[dict[str, Any]]:
    """Issues with actors on both sides, most evenly contested first, with who supports and who opposes
    (each actor by its latest stance in the selection)."""
    support, oppose = set(STANCE_GROUPS["support"]), set(STANCE_GROUPS["oppose"])
    latest: dict[tuple[str, str], str] = {}
    statements: dict[str, str] = {}
    for actor, issue, stance in db.execute(
        "SELECT p.actor_id, p.issue_id, p.stance FROM positions p JOIN chosen c ON c.rowid = p.brief "
        "JOIN briefs b ON b.rowid = p.brief ORDER BY b.date, b.id"
    ):
        latest[(actor, issue)] = stance
    sides: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"support": [], "oppose": []})
    for (actor, issue), stance in latest.items():
        if stance in support:
            sides[issue]["support"].append(actor)
        elif stance in oppose:
            sides[issue]["oppose"].append(actor)
    contested = [(issue, s) for issue, s in sides.items() if s["support"] and s["oppose"]]
    contested.sort(key=lambda item: (-min(len(item[1]["support"]), len(item[1]["oppose"])), item[0]))
    names = _actor_names(db) if contested else {}
    for issue, statement in db.execute(
        "SELECT i.issue_id, i.statement FROM issues i JOIN chosen c ON c.rowid = i.brief GROUP BY i.issue_id"
    ):
        statements[issue] = statement
    return [
        {
            "issue": issue,
            "statement": statements.get(issue),
            "support": sorted(names.get(a, a) for a in s["support"]),
            "oppose": sorted(names.get(a, a) for a in s["oppose"]),
        }
        for issue, s in contested[:top]
    ]


def _changes(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Each time an actor's stance on an issue differs from its stance in the previous brief (by date)."""
    rows = db.execute(
        "SELECT actor_id, issue_id, stance, date, id, change, prev_stance, prev_date, prev_id FROM ("
        "  SELECT p.actor_id, p.issue_id, p.stance, b.date, b.id, p.change,"
        "    lag(p.stance) OVER w AS prev_stance, lag(b.date) OVER w AS prev_date, lag(b.id) OVER w AS prev_id"
        "  FROM positions p JOIN chosen c ON c.rowid = p.brief JOIN briefs b ON b.rowid = p.brief"
        "  WINDOW w AS (PARTITION BY p.actor_id, p.issue_id ORDER BY b.date, b.id)"
        ") WHERE prev_stance IS NOT NULL AND prev_stance != stance ORDER BY date, actor_id, issue_id"
    ).fetchall()
    names = _actor_names(db) if rows else {}
    return [
        {
            "actor": actor,
            "name": names.get(actor, actor),
            "issue": issue,
            "from": {"stance": prev_stance, "date": prev_date, "brief": prev_id},
            "to": {"stance": stance, "date": date, "brief": ident},
            "explanation": change,
        }
        for actor, issue, stance, date, ident, change, prev_stance, prev_date, prev_id in rows
    ]


def _brief_lines(db: sqlite3.Connection, limit: int | None, extra: str = "", params: tuple[Any, ...] = ()) -> dict:
    total = db.execute(f"SELECT count(*) FROM briefs b JOIN chosen c ON c.rowid = b.rowid {extra}", params).fetchone()
    sql = (
        f"SELECT b.date, b.id, b.title, b.summary, b.valid FROM briefs b JOIN chosen c ON c.rowid = b.rowid {extra} "
        "ORDER BY b.date DESC, b.id"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    items = [
        {"date": date, "id": ident, "title": title, "summary": summary, "valid": bool(valid)}
        for date, ident, title, summary, valid in db.execute(sql, params)
    ]
    return {"total": total[0], "shown": len(items), "items": items}


def _groups(db: sqlite3.Connection, by: str, limit: int | None) -> list[dict[str, Any]]:
    """The digest's brief lines grouped by nation, region, domain, actor or month."""
    if by == "month":
        months = db.execute(
            "SELECT DISTINCT substr(b.date, 1, 7) AS m FROM briefs b JOIN chosen c ON c.rowid = b.rowid "
            "WHERE b.date IS NOT NULL ORDER BY m DESC"
        )
        keys = [(month, month) for (month,) in months]
        clause = "WHERE substr(b.date, 1, 7) = ?"
    elif by == "actor":
        keys = list(
            db.execute(
                "SELECT a.actor_id, a.name FROM actors a JOIN chosen c ON c.rowid = a.brief GROUP BY a.actor_id "
                "ORDER BY count(DISTINCT a.brief) DESC, a.actor_id"
            )
        )
        clause = "WHERE b.rowid IN (SELECT brief FROM actors WHERE actor_id = ?)"
    else:
        field = LIST_FIELD_OF[by]
        keys = [
            (value, value)
            for (value,) in db.execute(
                "SELECT v.value FROM brief_values v JOIN chosen c ON c.rowid = v.brief WHERE v.field = ? "
                "GROUP BY v.value ORDER BY count(*) DESC, v.value",
                (field,),
            )
        ]
        clause = f"WHERE b.rowid IN (SELECT brief FROM brief_values WHERE field = '{field}' AND value = ?)"
    groups = []
    for key, label in keys:
        if by == "nation":
            from brief.nations import name_of

            label = f"{name_of(key)} ({key})"
        lines = _brief_lines(db, limit, clause, (key,))
        groups.append({"key": key, "label": label, "briefs": lines["total"], "brief_list": lines})
    return groups

"""Positions for comparisons, read back from the index's tables (no file is read)."""

from __future__ import annotations

import json
import sqlite3

from brief.query.filters import Filters, combined_where, register_functions

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any


class IndexedBrief:
    """A brief as the index holds it: enough of the data for comparisons, with its validity."""

    __slots__ = ("data", "date", "error_count", "first_error", "id", "path", "valid")

    def __init__(self, id: str, date: str, path: str, data: dict[str, Any], valid: bool, error_count: int,
                 first_error: dict[str, Any] | None = None) -> None:  # fmt: skip
        self.id = id
        self.date = date
        self.path = path
        self.data = data
        self.valid = valid
        self.error_count = error_count
        self.first_error = first_error


def briefs_with_issues(
    db: sqlite3.Connection, issues: list[str], filters: Filters, excludes: list[Filters] | None = None
) -> list[IndexedBrief]:
    """Every brief (matching the filters) that defines or takes a position on one of `issues`, rebuilt from
    the index's tables in a handful of queries: no file is read."""
    register_functions(db)
    where, params = combined_where(filters, excludes or [])
    marks = ", ".join("?" * len(issues))
    db.execute("CREATE TEMP TABLE IF NOT EXISTS chosen(rowid INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM chosen")
    db.execute(
        f"INSERT INTO chosen SELECT b.rowid FROM briefs b WHERE b.rowid IN ("
        f"SELECT brief FROM issues WHERE issue_id IN ({marks}) "
        f"UNION SELECT brief FROM positions WHERE issue_id IN ({marks})) AND {where}",
        [*issues, *issues, *params],
    )
    briefs: dict[int, IndexedBrief] = {}
    for rowid, ident, date, path, title, valid, errors in db.execute(
        "SELECT b.rowid, b.id, b.date, b.path, b.title, b.valid, b.error_count FROM briefs b "
        "JOIN chosen c ON c.rowid = b.rowid ORDER BY b.date, b.path"
    ):
        data = {"id": ident, "date": date, "title": title, "actors": [], "issues": [], "positions": [], "sources": []}
        briefs[rowid] = IndexedBrief(ident or path, date or "", path, data, bool(valid), errors)
    for brief, actor_id, name, kind, country, aliases in db.execute(
        "SELECT a.brief, a.actor_id, a.name, a.kind, a.country, a.aliases "
        "FROM actors a JOIN chosen c ON c.rowid = a.brief"
    ):
        briefs[brief].data["actors"].append(
            {"id": actor_id, "name": name, "kind": kind, "country": country, "aliases": json.loads(aliases or "[]")}
        )
    for brief, issue_id, statement in db.execute(
        "SELECT i.brief, i.issue_id, i.statement FROM issues i JOIN chosen c ON c.rowid = i.brief"
    ):
        briefs[brief].data["issues"].append({"id": issue_id, "statement": statement})
    fields = ("actor", "issue", "stance", "basis", "confidence", "salience", "power", "as_of")
    for row in db.execute(
        "SELECT p.brief, p.actor_id, p.issue_id, p.stance, p.basis, p.confidence, p.salience, p.power, p.as_of, "
        "p.rationale, p.sources, p.change FROM positions p JOIN chosen c ON c.rowid = p.brief"
    ):
        position = {key: value for key, value in zip(fields, row[1:9], strict=True) if value is not None}
        position["rationale"] = json.loads(row[9] or "[]")
        position["sources"] = json.loads(row[10] or "[]")
        if row[11] is not None:
            position["change"] = row[11]
        briefs[row[0]].data["positions"].append(position)
    source_fields = ("id", "title", "publisher", "url", "date", "reliability", "credibility")
    for row in db.execute(
        "SELECT s.brief, s.source_id, s.title, s.publisher, s.url, s.date, s.reliability, s.credibility "
        "FROM sources s JOIN chosen c ON c.rowid = s.brief"
    ):
        briefs[row[0]].data["sources"].append(
            {key: value for key, value in zip(source_fields, row[1:], strict=True) if value is not None}
        )
    for rowid, errors in db.execute(
        "SELECT d.rowid, d.errors FROM brief_data d JOIN chosen c ON c.rowid = d.rowid JOIN briefs b "
        "ON b.rowid = d.rowid WHERE b.valid = 0"
    ):
        first = json.loads(errors or "[]")
        briefs[rowid].first_error = first[0] if first else None
    return list(briefs.values())


def unreadable(db: sqlite3.Connection) -> list[tuple[str, dict[str, Any]]]:
    """Files of the collection that could not be read as a brief at all, with their first error."""
    rows = db.execute(
        "SELECT b.path, d.errors FROM briefs b JOIN brief_data d ON d.rowid = b.rowid "
        "WHERE b.valid = 0 AND d.data IS NULL ORDER BY b.path"
    )
    return [(path, (json.loads(errors or "[]") or [{}])[0]) for path, errors in rows]


def existing_ids(db: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Which of `ids` name a brief of the collection."""
    marks = ", ".join("?" * len(ids))
    return {row[0] for row in db.execute(f"SELECT id FROM briefs WHERE id IN ({marks})", ids)}

"""Positions for comparisons, read back from the index's tables (no file is read).

Two readers. `IssueTimeline` answers what a timeline folded into periods asks (brief.analysis.positions.
TimelineSource): each actor's positions on one issue as a few concatenated strings per actor, read in one pass
over the positions_timeline index, and then only the handful of briefs, actors and positions the folded table
shows. `briefs_with_issues` rebuilds the part of each brief a comparison by brief reads (its positions on the
issues, the actors holding them, the sources they cite), for the unfolded views.
"""

from __future__ import annotations

import json
import sqlite3

from brief.query.filters import Filters, combined_where, register_functions

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable
    from typing import Any

    TrackRow = tuple[str, list[str], list[str], list[str], list[str], list[str]]  # analysis.positions.Track's fields


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


def _json_list(values: Iterable[Any]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


class IssueTimeline:
    """One issue over time, as the index holds it, for the briefs matching `filters`.

    The briefs holding the issue are those defining it, and (only an invalid brief can) those with a position on
    it without defining it. Unfiltered, every position on the issue is in one of them, so positions are read
    straight from the positions_timeline index (issue, actor, date, brief, stance, basis, confidence, change),
    which answers every question of a folded table without reading a row of the positions table."""

    def __init__(
        self, db: sqlite3.Connection, issue: str, filters: Filters, excludes: list[Filters] | None = None,
        invalid: list[int] | None = None,
    ) -> None:  # fmt: skip
        """`invalid`: the rowids of the invalid briefs (invalid_briefs), when the caller read them already."""
        register_functions(db)
        self.db = db
        self.issue = issue
        where, params = combined_where(filters, excludes or [])
        invalid = invalid_briefs(db) if invalid is None else invalid
        # invalid briefs with a position on the issue they do not define: they hold it too
        self._undefined: list[int] = []
        if invalid:
            self._undefined = [row[0] for row in db.execute(
                "SELECT DISTINCT p.brief FROM positions p WHERE p.brief IN (SELECT value FROM json_each(?)) "
                "AND p.issue_id = ? AND NOT EXISTS (SELECT 1 FROM issues i WHERE i.brief = p.brief AND "
                "i.issue_id = p.issue_id)", (_json_list(invalid), issue),
            )]  # fmt: skip
        self._invalid = set(invalid)
        held = "SELECT brief FROM issues WHERE issue_id = ? UNION ALL SELECT value FROM json_each(?)"
        held_params: list[Any] = [issue, _json_list(self._undefined)]
        self.filtered = where != "1"
        if self.filtered:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS timeline_briefs(rowid INTEGER PRIMARY KEY)")
            db.execute("DELETE FROM timeline_briefs")
            db.execute(
                f"INSERT INTO timeline_briefs SELECT b.rowid FROM briefs b WHERE b.rowid IN ({held}) AND {where}",
                [*held_params, *params],
            )
            self._held, self._held_params = "SELECT rowid FROM temp.timeline_briefs", []
            self._only = " AND brief IN (SELECT rowid FROM temp.timeline_briefs)"
        else:
            self._held, self._held_params = held, held_params
            self._only = ""

    # -- what every view needs -------------------------------------------------------------------------------

    def dates(self) -> dict[str, int]:
        rows = self.db.execute(
            f"SELECT ifnull(b.date, ''), count(*) FROM briefs b INDEXED BY briefs_date WHERE b.rowid IN "
            f"({self._held}) GROUP BY b.date", self._held_params,
        )  # fmt: skip
        counts: dict[str, int] = {}
        for date, count in rows:
            counts[date] = counts.get(date, 0) + count
        return counts

    def invalid(self) -> list[tuple[str, int, dict[str, Any] | None]]:
        """The invalid briefs holding the issue: (path, error count, first error), by path."""
        if not self._invalid:
            return []
        rows = self.db.execute(
            f"SELECT b.path, b.error_count, d.errors FROM briefs b JOIN brief_data d ON d.rowid = b.rowid "
            f"WHERE b.rowid IN (SELECT value FROM json_each(?)) AND b.rowid IN ({self._held}) ORDER BY b.path",
            [_json_list(self._invalid), *self._held_params],
        )  # fmt: skip
        return [(path, count, (json.loads(errors or "[]") or [None])[0]) for path, count, errors in rows]

    def statement(self) -> str | None:
        """The issue's statement in the latest brief that words it (as a comparison of parsed briefs reads it)."""
        statements = self.db.execute(
            f"SELECT DISTINCT statement FROM issues WHERE issue_id = ? AND statement IS NOT NULL "
            f"AND brief IN ({self._held}) LIMIT 2", [self.issue, *self._held_params],
        ).fetchall()  # fmt: skip
        if len(statements) < 2:
            return statements[0][0] if statements else None
        row = self.db.execute(
            f"SELECT i.statement FROM issues i JOIN briefs b ON b.rowid = i.brief WHERE i.issue_id = ? AND "
            f"i.statement IS NOT NULL AND i.brief IN ({self._held}) "
            f"ORDER BY ifnull(b.date, '9999') DESC, ifnull(b.id, b.path) DESC, b.path DESC LIMIT 1",
            [self.issue, *self._held_params],
        ).fetchone()  # fmt: skip
        return row[0] if row else None

    def tracks(self) -> list[TrackRow]:
        """Every actor id's positions on the issue in date order: (id, dates, briefs, stances, bases,
        confidences), '' where a value is missing. One row per actor id, each column of its positions
        concatenated (a row per position would cost more than everything else together)."""
        found: list[TrackRow] = []
        rows = self.db.execute(
            "SELECT actor_id, count(*), group_concat(ifnull(date, '')), group_concat(brief), "
            "group_concat(ifnull(stance, '')), group_concat(ifnull(basis, '')), group_concat(ifnull(confidence, '')) "
            f"FROM positions WHERE issue_id = ?{self._only} GROUP BY actor_id", (self.issue,),
        )  # fmt: skip
        for actor, count, *columns in rows:
            split = [column.split(",") for column in columns]
            dates = split[0]
            # a comma in a value (only in an invalid brief), or not in index order (no positions_timeline index)
            if any(len(values) != count for values in split) or dates != sorted(dates):
                found.append(self._track(actor))
            else:
                found.append((actor, *split))
        return found

    def _track(self, actor: str) -> TrackRow:
        rows = self.db.execute(
            "SELECT ifnull(date, ''), CAST(brief AS TEXT), ifnull(stance, ''), ifnull(basis, ''), "
            f"ifnull(confidence, '') FROM positions WHERE issue_id = ? AND actor_id = ?{self._only} "
            "ORDER BY date, brief", (self.issue, actor),
        ).fetchall()  # fmt: skip
        dates, briefs, stances, bases, confidences = (
            [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(5)]
        )
        return actor, dates, briefs, stances, bases, confidences

    def changes(self) -> list[tuple[str, str, str, str, str]]:
        return [
            (actor, date, str(brief), label, change)
            for actor, date, brief, label, change in self.db.execute(
                "SELECT p.actor_id, ifnull(p.date, ''), p.brief, i.label, p.change FROM positions p "
                f"JOIN brief_ids i ON i.rowid = p.brief WHERE p.issue_id = ? AND p.change IS NOT NULL{self._only}",
                (self.issue,),
            )
        ]

    def ranks(self, keys: Collection[str]) -> dict[str, str]:
        if not keys:
            return {}
        rows = self.db.execute(
            "SELECT rowid, label FROM brief_ids WHERE rowid IN (SELECT value FROM json_each(?))",
            (_json_list(int(key) for key in keys),),
        )
        return {str(rowid): label for rowid, label in rows}

    def actors(self, firsts: Collection[tuple[str, str]]) -> dict[tuple[str, str], tuple[str | None, list[str], int]]:
        rows = self.db.execute(
            "SELECT a.actor_id, a.brief, a.name, a.aliases, a.rowid FROM json_each(?) j JOIN actors a "
            "ON a.actor_id = json_extract(j.value, '$[0]') AND a.brief = json_extract(j.value, '$[1]')",
            (_json_list([actor, int(key)] for actor, key in firsts),),
        )
        return {(actor, str(brief)): (name, json.loads(aliases or "[]"), rowid)
                for actor, brief, name, aliases, rowid in rows}  # fmt: skip

    def labels(self, ids: Collection[str]) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        for actor, label, folded in self.db.execute(
            "SELECT actor_id, label, fold FROM actor_labels WHERE actor_id IN (SELECT value FROM json_each(?))",
            (_json_list(ids),),
        ):
            found.setdefault(actor, []).append((label, folded))
        return found

    def answering(self, folded: Collection[str]) -> list[tuple[str, str, str]]:
        rows = self.db.execute(
            "SELECT n.actor_id, n.brief, ifnull(b.date, '') FROM actor_names n JOIN briefs b ON b.rowid = n.brief "
            f"WHERE n.fold IN (SELECT value FROM json_each(?)) AND n.brief IN ({self._held})",
            [_json_list(folded), *self._held_params],
        )  # fmt: skip
        return [(actor, str(brief), date) for actor, brief, date in rows]

    def issue_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT DISTINCT issue_id FROM issues")]

    # -- what json and csv add ----------------------------------------------------------------------------------

    def briefs(self, keys: Collection[str]) -> dict[str, tuple[str, str, str, str | None]]:
        rows = self.db.execute(
            "SELECT rowid, ifnull(id, path), ifnull(date, ''), path, title FROM briefs "
            "WHERE rowid IN (SELECT value FROM json_each(?))", (_json_list(int(key) for key in keys),),
        )  # fmt: skip
        return {str(rowid): (ident, date, path, title) for rowid, ident, date, path, title in rows}

    def details(self, cells: Collection[tuple[str, str]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
        found: dict[tuple[str, str], list[dict[str, Any]]] = {}
        keys = ("stance", "basis", "confidence", "salience", "power", "as_of", "change")
        for brief, actor, *values, rationale, cited in self.db.execute(
            "SELECT p.brief, p.actor_id, p.stance, p.basis, p.confidence, p.salience, p.power, p.as_of, p.change, "
            "p.rationale, p.sources FROM json_each(?) j JOIN positions p ON p.brief = json_extract(j.value, '$[0]') "
            "AND p.actor_id = json_extract(j.value, '$[1]') WHERE p.issue_id = ? ORDER BY p.rowid",
            (_json_list([int(key), actor] for key, actor in cells), self.issue),
        ):  # fmt: skip
            position = dict(zip(keys, values, strict=True))
            position["rationale"] = json.loads(rationale or "[]")
            position["sources"] = json.loads(cited or "[]")
            found.setdefault((str(brief), actor), []).append(position)
        sources: dict[tuple[int, str], dict[str, Any]] = {}
        names = ("id", "title", "publisher", "url", "date", "reliability", "credibility")
        for brief, *values in self.db.execute(
            "SELECT brief, source_id, title, publisher, url, date, reliability, credibility FROM sources "
            "WHERE brief IN (SELECT value FROM json_each(?))", (_json_list({int(key) for key, _ in cells}),),
        ):  # fmt: skip
            source = {name: value for name, value in zip(names, values, strict=True) if value is not None}
            sources.setdefault((brief, source["id"]), source)
        for (key, _), positions in found.items():
            for position in positions:
                position["sources"] = [sources.get((int(key), ident)) or {"id": ident} for ident in position["sources"]]
        return found

    def period_briefs(self) -> list[tuple[str, str]]:
        rows = self.db.execute(
            f"SELECT ifnull(date, ''), ifnull(id, path), path FROM briefs WHERE rowid IN ({self._held})",
            self._held_params,
        ).fetchall()
        rows.sort(key=lambda row: (row[0] or "9999", row[1], row[2]))
        return [(date, ident) for date, ident, _ in rows]


def briefs_with_issues(
    db: sqlite3.Connection, issues: list[str], filters: Filters, excludes: list[Filters] | None = None,
    actors: Iterable[str] = (),
) -> list[IndexedBrief]:  # fmt: skip
    """Every brief (matching the filters) that defines or takes a position on one of `issues`, with what a
    comparison reads of it: its positions on those issues, the actors holding them or answering one of the
    folded names `actors`, the issues' statements, and the sources the positions cite. No file is read."""
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
    for brief, issue_id, statement in db.execute(
        f"SELECT i.brief, i.issue_id, i.statement FROM issues i JOIN chosen c ON c.rowid = i.brief "
        f"WHERE i.issue_id IN ({marks})", issues,
    ):  # fmt: skip
        briefs[brief].data["issues"].append({"id": issue_id, "statement": statement})
    fields = ("actor", "issue", "stance", "basis", "confidence", "salience", "power", "as_of")
    cited: dict[int, set[str]] = {}
    for row in db.execute(
        "SELECT p.brief, p.actor_id, p.issue_id, p.stance, p.basis, p.confidence, p.salience, p.power, p.as_of, "
        f"p.rationale, p.sources, p.change FROM positions p JOIN chosen c ON c.rowid = p.brief "
        f"WHERE p.issue_id IN ({marks}) ORDER BY p.rowid", issues,
    ):  # fmt: skip
        position = {key: value for key, value in zip(fields, row[1:9], strict=True) if value is not None}
        position["rationale"] = json.loads(row[9] or "[]")
        position["sources"] = json.loads(row[10] or "[]")
        cited.setdefault(row[0], set()).update(position["sources"])
        if row[11] is not None:
            position["change"] = row[11]
        briefs[row[0]].data["positions"].append(position)
    folded = _json_list(actors)
    for brief, actor_id, name, kind, country, aliases in db.execute(
        "SELECT a.brief, a.actor_id, a.name, a.kind, a.country, a.aliases FROM actors a JOIN chosen c "
        f"ON c.rowid = a.brief WHERE EXISTS (SELECT 1 FROM positions p WHERE p.brief = a.brief AND "
        f"p.actor_id = a.actor_id AND p.issue_id IN ({marks})) OR EXISTS (SELECT 1 FROM actor_names n "
        "WHERE n.brief = a.brief AND n.actor_id = a.actor_id AND n.fold IN (SELECT value FROM json_each(?))) "
        "ORDER BY a.rowid", [*issues, folded],
    ):  # fmt: skip
        briefs[brief].data["actors"].append(
            {"id": actor_id, "name": name, "kind": kind, "country": country, "aliases": json.loads(aliases or "[]")}
        )
    source_fields = ("id", "title", "publisher", "url", "date", "reliability", "credibility")
    for row in db.execute(
        "SELECT s.brief, s.source_id, s.title, s.publisher, s.url, s.date, s.reliability, s.credibility "
        "FROM sources s JOIN chosen c ON c.rowid = s.brief ORDER BY s.rowid"
    ):
        if row[1] in cited.get(row[0], ()):
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


def invalid_briefs(db: sqlite3.Connection) -> list[int]:
    """The rowids of the collection's invalid briefs (one pass over the briefs table)."""
    return [row[0] for row in db.execute("SELECT rowid FROM briefs WHERE valid = 0")]


def unreadable(db: sqlite3.Connection, invalid: list[int] | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Files of the collection that could not be read as a brief at all, with their first error; `invalid`:
    the invalid briefs' rowids (invalid_briefs), when the caller read them already."""
    if invalid is not None and not invalid:
        return []
    among = "" if invalid is None else " AND b.rowid IN (SELECT value FROM json_each(?))"
    rows = db.execute(
        f"SELECT b.path, d.errors FROM briefs b JOIN brief_data d ON d.rowid = b.rowid WHERE b.valid = 0 "
        f"AND d.data IS NULL{among} ORDER BY b.path", () if invalid is None else (_json_list(invalid),),
    )  # fmt: skip
    return [(path, (json.loads(errors or "[]") or [{}])[0]) for path, errors in rows]


def existing_ids(db: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Which of `ids` name a brief of the collection."""
    marks = ", ".join("?" * len(ids))
    return {row[0] for row in db.execute(f"SELECT id FROM briefs WHERE id IN ({marks})", ids)}

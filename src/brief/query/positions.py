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

from brief.base.vocabulary import CONFIDENCE_LEVELS, STANCES
from brief.query.filters import Filters, combined_where, register_functions

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator
    from typing import Any

    # analysis.positions.Track's arguments: id, dates, briefs, stances, bases, confidences[, None, places]
    TrackRow = tuple[Any, ...]


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


# Stances, bases and confidences as one letter each ('a' for the first value of the format, 'b' for the second…,
# '-' for none, '?' for a value the format does not know): a track's stances as a string, compared without
# splitting it. IssueTimeline.codes() tells brief.analysis.positions how to read them back.
_VALUES = {"stance": STANCES, "basis": ("stated", "inferred"), "confidence": CONFIDENCE_LEVELS}


# Whether each position gives a `change`, one letter each (codes() says which is which): a track's notes are found
# without reading a text, and only the texts shown are read.
_NO_CHANGE, _A_CHANGE = "-", "c"


def _code(column: str) -> str:
    cases = " ".join(f"WHEN '{value}' THEN '{chr(97 + n)}'" for n, value in enumerate(_VALUES[column]))
    return f"CASE {column} {cases} ELSE iif({column} IS NULL, '-', '?') END"


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
        from brief.collection.stored import register

        register_functions(db)
        register(db)  # the stored copies hold the positions' rationale and cited sources
        self.db = db
        self.issue = issue
        found = db.execute("SELECT key FROM issue_keys WHERE issue_id = ?", (issue,)).fetchone()
        self.key = found[0] if found else 0  # the issue's key (0: none, no row has it)
        self._dates: dict[str, int] | None = None
        self._prefetched: _Prefetch | None = None
        where, params = combined_where(filters, excludes or [])
        invalid = invalid_briefs(db) if invalid is None else invalid
        # invalid briefs with a position on the issue they do not define: they hold it too
        self._undefined: list[int] = []
        if invalid:
            self._undefined = [row[0] for row in db.execute(
                "SELECT DISTINCT p.brief FROM position_rows p WHERE p.brief IN (SELECT value FROM json_each(?)) "
                "AND p.issue = ? AND NOT EXISTS (SELECT 1 FROM issue_rows i WHERE i.brief = p.brief AND "
                "i.issue = p.issue)", (_json_list(invalid), self.key),
            )]  # fmt: skip
        self._invalid = set(invalid)
        # only an invalid brief can hold two positions of one actor on the issue
        self._regular = not self._undefined and not (invalid and db.execute(
            "SELECT 1 FROM issue_rows WHERE brief IN (SELECT value FROM json_each(?)) AND issue = ? LIMIT 1",
            (_json_list(invalid), self.key),
        ).fetchone())  # fmt: skip
        held = "SELECT brief FROM issue_rows WHERE issue = ? UNION ALL SELECT value FROM json_each(?)"
        held_params: list[Any] = [self.key, _json_list(self._undefined)]
        self.filtered = where != "1"
        if self.filtered:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS timeline_briefs(rowid INTEGER PRIMARY KEY)")
            db.execute("DELETE FROM timeline_briefs")
            db.execute(
                f"INSERT INTO timeline_briefs SELECT b.rowid FROM briefs b WHERE b.rowid IN ({held}) AND {where}",
                [*held_params, *params],
            )
            self._held, self._held_params = "SELECT rowid FROM temp.timeline_briefs", []
            self._only = " AND {}brief IN (SELECT rowid FROM temp.timeline_briefs)"
        else:
            self._held, self._held_params = held, held_params
            self._only = ""

    def held(self) -> int:
        """How many briefs hold the issue, filters aside (an index-only count)."""
        count: int = self.db.execute("SELECT count(*) FROM issue_rows WHERE issue = ?", (self.key,)).fetchone()[0]
        return count + len(self._undefined)

    def prefetch(self) -> None:
        """Start reading every actor's track (tracks(values=False, names=True)) in a thread, on a connection of its
        own, while the caller asks for the dates (SQLite lets go of the GIL while it reads): the two longest reads
        of a timeline folded into periods then share two cores. Only unfiltered, without invalid briefs."""
        if self._regular and not self.filtered and self._prefetched is None:
            self._prefetched = _Prefetch(self.db, self._lean_tracks)

    # -- what every view needs -------------------------------------------------------------------------------

    def dates(self) -> dict[str, int]:
        if self._dates is None:
            self._dates = self._read_dates()
        return self._dates

    def _read_dates(self) -> dict[str, int]:
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
        """The issue's statement in the latest brief that words it (as a comparison of parsed briefs reads it):
        the briefs are read from the latest back, those without a date first (they sort last)."""
        among = f" AND b.rowid IN ({self._held})" if self.filtered else ""
        query = (
            "SELECT b.date, ifnull(b.id, b.path), b.path, s.statement FROM briefs b INDEXED BY briefs_date "
            "JOIN issue_rows i ON i.brief = b.rowid JOIN statement_keys s ON s.key = i.statement WHERE i.issue = ?{}"
            + among
        )
        params = [self.key, *(self._held_params if self.filtered else [])]
        rows = self.db.execute(query.format(" AND b.date IS NULL"), params).fetchall()
        limit = 64
        while not rows:
            rows = self.db.execute(query.format("") + f" ORDER BY b.date DESC LIMIT {limit}", params).fetchall()
            if not rows:
                return None
            if rows[0][0] == rows[-1][0] and len(rows) == limit:  # so many briefs of one day: read on
                limit *= 8
                rows = []
            else:
                rows = [row for row in rows if row[0] == rows[0][0]]
        statement: str = max(rows, key=lambda row: (row[1], row[2]))[3]
        return statement

    def regular(self) -> bool:
        return self._regular

    def codes(self) -> dict[str, dict[str, str | None]]:
        """How tracks' one-letter codes read: column → letter → value."""
        codes = {column: {"-": None, **{chr(97 + n): value for n, value in enumerate(values)}}
                 for column, values in _VALUES.items()}  # fmt: skip
        return codes | {"change": {_NO_CHANGE: None, _A_CHANGE: "change"}}

    def tracks(self, values: bool = True, names: bool = False) -> list[TrackRow]:
        if self._prefetched is not None and names and not values:
            prefetched, self._prefetched = self._prefetched, None
            found = prefetched.result()
            if found is not None:
                return found
        return self._tracks(self.db, values, names)

    def _lean_tracks(self, db: sqlite3.Connection) -> list[TrackRow]:
        return self._tracks(db, values=False, names=True)

    def _tracks(self, db: sqlite3.Connection, values: bool, names: bool) -> list[TrackRow]:
        """Every actor id's positions on the issue in date order: (id, dates, briefs, stances, bases,
        confidences, None, places, changes), '' where a date is missing. One row per actor id, each column of its
        positions concatenated (a row per position would cost more than everything else together): briefs stay
        one string, and stances, bases and confidences are one-letter codes (codes()); unless a brief may hold
        two positions of one actor, where their text and their place in the brief are read instead. Changes are
        codes (codes()["change"]), their texts read for the notes shown. Without `values`, bases and confidences
        are left out (empty) where the codes are read: the caller reads those of the positions it shows. With
        `names`, each row ends with how many positions the id has and the folded names and aliases it goes by in
        the collection, separated by US (\x1f), or None; and with `names` but not `values`, when no brief is
        invalid, stances are read as text and dates stay one string (split when first read)."""
        found: list[TrackRow] = []
        lean = names and self._regular and not values  # every id, to fold only some: stances as text (cheaper)
        if lean:
            columns = "group_concat(ifnull(stance, ''))"
        elif self._regular:
            read = _VALUES if values else ("stance",)
            columns = ", ".join(f"group_concat({_code(column)}, '')" for column in read)
        else:
            columns = "group_concat(ifnull(stance, '')), group_concat(ifnull(basis, '')), "
            columns += "group_concat(ifnull(confidence, '')), group_concat(rowid)"
        columns += f", group_concat(iif(change IS NULL, '{_NO_CHANGE}', '{_A_CHANGE}'), '')"
        if names:  # an aggregate query's correlated subquery reads the group's actor id
            columns += (", (SELECT group_concat(l.fold, char(31)) FROM actor_labels l WHERE l.actor_id = "
                        "(SELECT actor_id FROM actor_keys WHERE key = p.actor))")  # fmt: skip
        query = (
            "SELECT (SELECT actor_id FROM actor_keys WHERE key = p.actor), count(*), group_concat(ifnull(date, '')), "
            f"group_concat(brief), {columns} FROM position_rows p INDEXED BY positions_timeline WHERE issue = ?"
            f"{self._only.format('')} GROUP BY actor"
        )
        params = (self.key,)
        # Aggregates read the rows in the order of the index scanned: by date within an actor when it is
        # positions_timeline (issue, actor, date, brief, …); any other plan gets its dates checked.
        plan = " ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {query}", params))
        ordered = "COVERING INDEX positions_timeline" in plan and "TEMP B-TREE" not in plan
        rows = db.execute(query, params)
        if lean:  # no comma in a valid brief's date or stance
            for actor, count, dates_text, briefs, stances_text, changes, folds in rows:
                stances = stances_text.split(",")
                if not ordered or dates_text.count(",") + 1 != count or len(stances) != count:
                    found.append((*self._track(actor, db), count, folds))
                else:
                    found.append((actor, dates_text, briefs, stances, "", "", None, None, changes, count, folds))
            found.sort(key=lambda track: track[0])  # by actor id, as grouped by id
            return found
        for actor, count, dates_text, briefs, *columns_read in rows:
            more = (count, columns_read.pop()) if names else ()
            changes = columns_read.pop()
            dates = dates_text.split(",")
            held = columns_read if self._regular else [value.split(",") for value in columns_read]
            # a comma in a value or an unknown one (only in an invalid brief), or not in date order
            if (len(dates) != count or any(len(column) != count or "?" in column for column in held[:3])
                    or (not ordered and dates != sorted(dates))):  # fmt: skip
                found.append((*self._track(actor, db), *more))
            elif self._regular:
                found.append((actor, dates, briefs, *(held if values else (*held, "", "")), None, None, changes,
                              *more))  # fmt: skip
            else:
                found.append((actor, dates, briefs, *held[:3], None, [int(place) for place in held[3]], changes,
                              *more))  # fmt: skip
        found.sort(key=lambda track: track[0])  # by actor id, as grouped by id
        return found

    def _track(self, actor: str, db: sqlite3.Connection) -> TrackRow:
        rows = db.execute(
            "SELECT ifnull(date, ''), CAST(brief AS TEXT), ifnull(stance, ''), ifnull(basis, ''), "
            f"ifnull(confidence, ''), rowid, iif(change IS NULL, '{_NO_CHANGE}', '{_A_CHANGE}') FROM position_rows "
            f"WHERE issue = ? AND actor = (SELECT key FROM actor_keys WHERE actor_id = ?){self._only.format('')} "
            "ORDER BY date, brief, rowid",
            (self.key, actor),
        ).fetchall()  # fmt: skip
        dates, briefs, stances, bases, confidences, places, changes = (
            [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(7)]
        )
        return actor, dates, briefs, stances, bases, confidences, None, places, "".join(changes)

    def positions(
        self, cells: Collection[tuple[str, str]], details: bool
    ) -> dict[tuple[str, str], list[dict[str, Any]]]:
        found: dict[tuple[str, str], list[dict[str, Any]]] = {}
        more = f", p.salience, p.power, p.as_of, p.change, {_PLACE}" if details else ""
        placed: list[tuple[dict[str, Any], int, int]] = []  # (row, brief, place): completed from the stored copy
        for actor, date, rowid, brief, stance, basis, confidence, *extra in self.db.execute(
            f"SELECT a.actor_id, ifnull(p.date, ''), p.rowid, p.brief, p.stance, p.basis, p.confidence{more} "
            "FROM json_each(?) j JOIN actor_keys a ON a.actor_id = json_extract(j.value, '$[0]') JOIN position_rows p "
            "ON p.issue = ? AND p.actor = a.key AND p.date IS nullif(json_extract(j.value, '$[1]'), '')"
            f"{self._only.format('p.')}",
            (_json_list(cells), self.key),
        ):  # fmt: skip
            row = {"actor": actor, "rowid": rowid, "brief": str(brief), "stance": stance, "basis": basis,
                   "confidence": confidence}  # fmt: skip
            if details:
                salience, power, as_of, change, place = extra
                row |= {"salience": salience, "power": power, "as_of": as_of, "change": change, "rationale": [],
                        "sources": []}  # fmt: skip
                placed.append((row, brief, place))
            found.setdefault((actor, date), []).append(row)
        for rows in found.values():
            if len(rows) > 1:
                rows.sort(key=lambda row: row["rowid"])  # a brief's positions in its order
        if details:
            _cite(self.db, placed)
        return found

    def changes(self) -> list[tuple[str, str, str, str, str, int]]:
        """(actor id, date, brief key, brief label, change, place) of the positions giving a change (read from the
        positions_timeline index, which holds the change: no row of the positions table is read)."""
        return self.db.execute(
            "SELECT a.actor_id, ifnull(p.date, ''), CAST(p.brief AS TEXT), i.label, p.change, p.rowid FROM "
            "position_rows p INDEXED BY positions_timeline JOIN actor_keys a ON a.key = p.actor JOIN brief_ids i ON "
            f"i.rowid = p.brief WHERE p.issue = ? AND p.change IS NOT NULL{self._only.format('p.')}", (self.key,),
        ).fetchall()  # fmt: skip

    def change_texts(self, pairs: Collection[tuple[str, str]]) -> list[tuple[str, str, str, str, str, int]]:
        """The same, for the positions of (actor id, brief key) pairs."""
        if not pairs:
            return []
        return self.db.execute(  # each pair as 'brief:actor' (json_extract costs more than the lookup)
            "SELECT a.actor_id, ifnull(p.date, ''), CAST(p.brief AS TEXT), i.label, p.change, p.rowid FROM "
            "json_each(?) j JOIN actor_keys a ON a.actor_id = substr(j.value, instr(j.value, ':') + 1) "
            "JOIN position_rows p INDEXED BY positions_brief ON p.brief = CAST(substr(j.value, 1, "
            "instr(j.value, ':') - 1) AS INTEGER) AND p.actor = a.key AND p.issue = ? "
            "JOIN brief_ids i ON i.rowid = p.brief WHERE p.change IS NOT NULL",
            (_json_list(f"{key}:{actor}" for actor, key in pairs), self.key),
        ).fetchall()  # fmt: skip

    def ranks(self, keys: Collection[str]) -> dict[str, str]:
        if not keys:
            return {}
        rows = self.db.execute(
            "SELECT rowid, label FROM brief_ids WHERE rowid IN (SELECT value FROM json_each(?))",
            (_json_list(int(key) for key in keys),),
        )
        return {str(rowid): label for rowid, label in rows}

    def actors(self, firsts: Collection[tuple[str, str]]) -> dict[tuple[str, str], tuple[str | None, int]]:
        rows = self.db.execute(  # each pair as 'brief:actor' (json_extract costs more than the lookup)
            "SELECT k.actor_id, a.brief, f.name, a.seq FROM json_each(?) j JOIN actor_keys k ON k.actor_id = "
            "substr(j.value, instr(j.value, ':') + 1) JOIN actor_rows a ON a.brief = CAST(substr(j.value, 1, "
            "instr(j.value, ':') - 1) AS INTEGER) AND a.actor = k.key JOIN actor_forms f ON f.key = a.form",
            (_json_list(f"{key}:{actor}" for actor, key in firsts),),
        )  # fmt: skip
        return {(actor, str(brief)): (name, rowid) for actor, brief, name, rowid in rows}

    def labels(self, ids: Collection[str]) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        for actor, label, folded in self.db.execute(
            "SELECT actor_id, label, fold FROM actor_labels WHERE actor_id IN (SELECT value FROM json_each(?))",
            (_json_list(ids),),
        ):
            found.setdefault(actor, []).append((label, folded))
        return found

    def answering(self, folded: Collection[str]) -> list[tuple[str, str, str]]:
        rows = self.db.execute(  # once per folded name, actor id and brief, as actor_names holds them
            "SELECT DISTINCT n.fold, k.actor_id, r.brief, ifnull(b.date, '') FROM form_names n JOIN actor_rows r "
            "ON r.form = n.form JOIN actor_keys k ON k.key = r.actor JOIN briefs b ON b.rowid = r.brief "
            f"WHERE n.fold IN (SELECT value FROM json_each(?)) AND r.brief IN ({self._held}) ORDER BY 1, 2, 3",
            [_json_list(folded), *self._held_params],
        )  # fmt: skip
        return [(actor, str(brief), date) for _, actor, brief, date in rows]

    def issue_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute(
            "SELECT issue_id FROM issue_keys k WHERE EXISTS (SELECT 1 FROM issue_rows r WHERE r.issue = k.key) "
            "ORDER BY issue_id")]  # fmt: skip

    # -- what json and csv add ----------------------------------------------------------------------------------

    def briefs(self, keys: Collection[str]) -> dict[str, tuple[str, str, str, str | None]]:
        rows = self.db.execute(
            "SELECT rowid, ifnull(id, path), ifnull(date, ''), path, title FROM briefs "
            "WHERE rowid IN (SELECT value FROM json_each(?))", (_json_list(int(key) for key in keys),),
        )  # fmt: skip
        return {str(rowid): (ident, date, path, title) for rowid, ident, date, path, title in rows}

    def period_briefs(self) -> list[tuple[str, str]]:
        rows = self.db.execute(
            f"SELECT ifnull(b.date, ''), i.label, b.rowid FROM briefs b INDEXED BY briefs_date JOIN brief_ids i "
            f"ON i.rowid = b.rowid WHERE b.rowid IN ({self._held})", self._held_params,
        ).fetchall()  # fmt: skip
        rows.sort(key=lambda row: (row[0] or "9999", row[1], row[2]))  # as timelines order briefs from an index
        return [(date, ident) for date, ident, _ in rows]


# a position's place among its brief's positions (a brief's rows have consecutive rowids, in its order)
_PLACE = "p.rowid - (SELECT min(q.rowid) FROM position_rows q INDEXED BY positions_brief WHERE q.brief = p.brief)"


def _stored(db: sqlite3.Connection, briefs: Iterable[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(brief, the positions and sources of its stored copy) for each of `briefs` that has one
    (collection/stored.py). SQLite picks them out of the JSON: half the time of parsing all of it in Python."""
    pending = sorted(set(briefs))
    for start in range(0, len(pending), 500):
        chunk = pending[start : start + 500]
        for brief, text in db.execute(
            "SELECT rowid, json_extract(brief_json(data), '$.positions', '$.sources') FROM brief_data WHERE rowid "
            f"IN ({', '.join('?' * len(chunk))}) AND data IS NOT NULL", chunk,
        ).fetchall():  # fmt: skip
            positions, sources = json.loads(text)
            yield brief, {"positions": positions, "sources": sources}


def _cite(db: sqlite3.Connection, placed: Iterable[tuple[dict[str, Any], int, int]],
          records: bool = True) -> dict[int, list[dict[str, Any]]]:  # fmt: skip
    """Give each position row (with its brief and place there) its rationale and the sources it cites, read from the
    brief's stored copy: each source as a record (an undefined one: its id alone), or without `records` its id.
    Returns each brief's sources that some row cites, in the brief's order."""
    from brief.collection.stored import cited, kept_positions, source_records

    rows: dict[int, list[tuple[dict[str, Any], int]]] = {}
    for row, brief, place in placed:
        rows.setdefault(brief, []).append((row, place))
    listed: dict[int, list[dict[str, Any]]] = {}
    for brief, data in _stored(db, rows):
        positions = kept_positions(data)
        found = [(row, *(cited(positions[place]) if 0 <= place < len(positions) else ([], [])))
                 for row, place in rows[brief]]  # fmt: skip
        wanted = {ident for _, _, ids in found for ident in ids}
        listing = source_records(data, wanted) if wanted else []
        sources: dict[str, dict[str, Any]] = {}
        for record in listing:
            sources.setdefault(record["id"], record)
        for row, rationale, ids in found:
            row["rationale"] = rationale
            row["sources"] = [sources.get(ident) or {"id": ident} for ident in ids] if records else ids
        listed[brief] = listing
    return listed


class _Prefetch:
    """read(connection) run in a thread, on a read-only connection of its own to db's database file; result()
    waits for it, and is None when it failed (the caller reads for itself)."""

    def __init__(self, db: sqlite3.Connection, read: Callable[[sqlite3.Connection], list[TrackRow]]) -> None:
        import threading

        self._path = next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "")
        self._read = read
        self._found: list[TrackRow] | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        if self._path:
            self._thread.start()

    def _run(self) -> None:
        try:
            own = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True)
            try:
                self._found = self._read(own)
            finally:
                own.close()
        except sqlite3.Error:
            self._found = None

    def result(self) -> list[TrackRow] | None:
        if self._path:
            self._thread.join()
        return self._found


def briefs_with_issues(
    db: sqlite3.Connection, issues: list[str], filters: Filters, excludes: list[Filters] | None = None,
    actors: Iterable[str] = (),
) -> list[IndexedBrief]:  # fmt: skip
    """Every brief (matching the filters) that defines or takes a position on one of `issues`, with what a
    comparison reads of it: its positions on those issues, the actors holding them or answering one of the
    folded names `actors`, the issues' statements, and the sources the positions cite. No file is read."""
    from brief.collection.stored import register

    register_functions(db)
    register(db)  # the stored copies hold the positions' rationale and cited sources
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
    placed: list[tuple[dict[str, Any], int, int]] = []  # rationale and cited sources: from the stored copies
    for row in db.execute(
        "SELECT p.brief, p.actor_id, p.issue_id, p.stance, p.basis, p.confidence, p.salience, p.power, p.as_of, "
        f"p.change, {_PLACE} FROM positions p JOIN chosen c ON c.rowid = p.brief "
        f"WHERE p.issue_id IN ({marks}) ORDER BY p.rowid", issues,
    ):  # fmt: skip
        position = {key: value for key, value in zip(fields, row[1:9], strict=True) if value is not None}
        position["rationale"] = []
        position["sources"] = []
        if row[9] is not None:
            position["change"] = row[9]
        briefs[row[0]].data["positions"].append(position)
        placed.append((position, row[0], row[10]))
    for brief, sources in _cite(db, placed, records=False).items():
        briefs[brief].data["sources"] = sources
    folded = _json_list(actors)
    for brief, actor_id, name, kind, country, aliases in db.execute(
        "SELECT a.brief, k.actor_id, f.name, nullif(f.kind, ''), nullif(f.country, ''), f.aliases FROM actor_rows a "
        "JOIN chosen c ON c.rowid = a.brief JOIN actor_keys k ON k.key = a.actor JOIN actor_forms f ON f.key = a.form "
        "WHERE EXISTS (SELECT 1 FROM position_rows p INDEXED BY positions_brief WHERE p.brief = a.brief AND "
        f"p.actor = a.actor AND p.issue IN (SELECT key FROM issue_keys WHERE issue_id IN ({marks}))) "
        "OR EXISTS (SELECT 1 FROM actor_rows r WHERE r.brief = a.brief AND r.actor = a.actor AND r.form IN "
        "(SELECT form FROM form_names WHERE fold IN (SELECT value FROM json_each(?)))) ORDER BY a.brief, a.seq",
        [*issues, folded],
    ):  # fmt: skip
        briefs[brief].data["actors"].append(
            {"id": actor_id, "name": name, "kind": kind, "country": country, "aliases": json.loads(aliases or "[]")}
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

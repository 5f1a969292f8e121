"""Comparing actors' positions: on the issues of one brief, or on one issue across briefs over time.

Pure functions and dataclasses: `BriefRecord`s in (brief id, date, path, normalised data), a `Comparison` out,
then views of it (`issue_grid`, `timeline_grid`) and the text of their cells. Nothing here reads files or
prints, so the same code runs on briefs parsed from files (the CLI today) or rows read from an index.

Briefs that failed validation are compared as written: every field is read defensively, and two positions of
one actor on one issue in one brief (a `duplicate-position` error) are kept side by side as a conflict.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple, Protocol, overload

from brief.base import fields
from brief.base.text import closest, fold
from brief.base.vocabulary import (
    CHANGE_MARK,
    CONFIDENCE_LETTERS,
    CONFLICT_MARK,
    INFERRED_MARK,
    OPPOSING,
    STANCE_SCALE,
    STANCES,
    SUPPORTING,
    SYMBOLS,
)

Sort = Literal["stance", "name", "power"]
_RANK = {stance: rank for rank, stance in enumerate(STANCES)}
_NO_POSITION_RANK = len(STANCES) + 1  # after unknown, and after stances no version of the format has


class BriefRecord(NamedTuple):
    """One brief as the comparison reads it; a plain tuple so that index rows can be passed as they are."""

    id: str
    date: str
    path: str
    data: Mapping[str, Any]


def record_from_data(path: str, data: Mapping[str, Any]) -> BriefRecord:
    """A record for a brief loaded from `path`. Invalid briefs may lack an id or date: the path stands in."""
    return BriefRecord(fields.text(data.get("id")) or path, fields.text(data.get("date")) or "", path, data)


# -- the model ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    reliability: str | None = None
    credibility: int | str | None = None  # a number 1-6 in a valid brief; anything, as text, in an invalid one

    @property
    def grading(self) -> str | None:
        """Admiralty grading, e.g. 'B2'; a missing half shows as '-'."""
        if self.reliability is None and self.credibility is None:
            return None
        return f"{self.reliability or '-'}{self.credibility or '-'}"

    @property
    def label(self) -> str:
        """'Reuters [B2]': the publisher (else title, else id) and the grading."""
        name = self.publisher or self.title or self.id
        return f"{name} [{self.grading}]" if self.grading else name

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "url": self.url,
            "date": self.date,
            "reliability": self.reliability,
            "credibility": self.credibility,
            "grading": self.grading,
            "label": self.label,
        }


class Position(NamedTuple):
    """One actor's position on one issue in one brief. A named tuple: a timeline makes one per cell shown, tens of
    thousands over a large collection, and a tuple is made several times faster than a frozen dataclass."""

    actor: str  # key of the actor across briefs (ActorInfo.key)
    brief_actor: str  # the actor's id as written in this brief
    issue: str
    brief: int  # index into the grid's briefs (Comparison.briefs); -1 when not looked up (a folded table)
    stance: str  # one of STANCES in a valid brief; anything (or "") in an invalid one
    basis: str | None = None
    confidence: str | None = None
    salience: float | int | None = None
    power: float | int | None = None
    rationale: tuple[str, ...] = ()
    change: str | None = None
    as_of: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass(slots=True)
class BriefInfo:
    index: int
    id: str
    date: str
    path: str
    title: str | None = None
    issues: list[str] = field(default_factory=list)  # the compared issues it defines or takes positions on

    @property
    def label(self) -> str:
        return f"{self.date or '(no date)'} {self.id}"


@dataclass(slots=True)
class IssueInfo:
    id: str
    statement: str | None = None  # from the latest brief that words it


@dataclass(slots=True)
class ActorInfo:
    key: str  # the id it was first seen under, made unique
    name: str  # the name it was first seen under (the id when no brief names it)
    ids: list[str] = field(default_factory=list)  # every id it has across briefs
    aliases: list[str] = field(default_factory=list)
    briefs: set[int] = field(default_factory=set)  # the briefs it appears in
    requested: bool = False  # named by an `actors` filter
    _keys: set[str] = field(default_factory=set, repr=False)  # folded id, name and aliases, for matching


@dataclass(slots=True)
class Comparison:
    briefs: list[BriefInfo]
    issues: list[IssueInfo]
    actors: list[ActorInfo]  # only those shown: with a position on a compared issue, or requested
    positions: dict[tuple[str, str, int], list[Position]]  # (actor key, issue id, brief index)
    missing_issues: list[str] = field(default_factory=list)  # requested, held by no brief
    missing_actors: list[str] = field(default_factory=list)  # requested, named by no brief compared
    suggestions: dict[str, list[str]] = field(default_factory=dict)  # for each missing name: near misses

    def cell(self, actor: str, issue: str, brief: int) -> tuple[Position, ...]:
        return tuple(self.positions.get((actor, issue, brief), ()))


def compare(
    records: Iterable[BriefRecord | tuple[str, str, str, Mapping[str, Any]]],
    issues: Sequence[str] = (),
    actors: Sequence[str] = (),
) -> Comparison:
    """Collect the positions of `records` on `issues` (all issues when empty), for `actors` (all when empty).

    Briefs holding none of the requested issues are left out (cheaply: this is the inner loop over a whole
    collection). Actors are matched across briefs by id, then by name or alias, case and accents folded; two
    actors of one brief are never merged.
    """
    wanted = list(dict.fromkeys(issues))
    wanted_set = set(wanted)
    requested = {fold(name): name for name in actors}
    kept = []
    skipped = []  # only read again to suggest near misses for an issue no brief holds
    for record in records:
        data = record[3]
        if not isinstance(data, Mapping):
            continue
        if wanted_set and not _holds_any(data, wanted_set):
            skipped.append(data)
            continue
        kept.append(BriefRecord(*record))
    kept.sort(key=lambda r: (r.date or "9999", r.id, r.path))  # undated (invalid) briefs last

    builder = _Builder(wanted, requested)
    for index, record in enumerate(kept):
        builder.add(index, record)
    return builder.finish(skipped)


class _Builder:
    def __init__(self, wanted: list[str], requested: dict[str, str]) -> None:
        self.wanted = wanted
        self.requested = requested
        self.briefs: list[BriefInfo] = []
        self.issues: dict[str, IssueInfo] = {issue: IssueInfo(issue) for issue in wanted}
        self.held: set[str] = set()  # issues some kept brief defines or takes a position on
        self.groups: list[ActorInfo] = []
        self.by_id: dict[str, ActorInfo] = {}
        self.by_name: dict[str, ActorInfo] = {}
        self.keys: set[str] = set()
        self.found: set[str] = set()  # requested names some actor answers to
        self.positions: dict[tuple[str, str, int], list[Position]] = {}

    def add(self, index: int, record: BriefRecord) -> None:
        data = record.data
        info = BriefInfo(index, record.id, record.date, record.path, fields.text(data.get("title")))
        self.briefs.append(info)
        held: dict[str, None] = {}
        for defined_issue in fields.mappings(data.get("issues")):
            issue_id = fields.key(defined_issue.get("id"))
            if issue_id is None or (self.wanted and issue_id not in self.issues):
                continue
            held[issue_id] = None
            issue_info = self.issues.setdefault(issue_id, IssueInfo(issue_id))
            issue_info.statement = fields.text(defined_issue.get("statement")) or issue_info.statement

        positions: list[tuple[str, str, dict[str, Any]]] = []
        for raw in fields.mappings(data.get("positions")):
            actor, issue = fields.key(raw.get("actor")), fields.key(raw.get("issue"))
            if actor is None or issue is None or (self.wanted and issue not in self.issues):
                continue
            held[issue] = None
            self.issues.setdefault(issue, IssueInfo(issue))
            positions.append((actor, issue, raw))
        info.issues = list(held)
        self.held.update(held)

        # Only actors with a compared position or answering to a requested name are matched: an index-fed run
        # over a whole collection stays proportional to what it shows.
        involved = {actor for actor, _, _ in positions}
        defined: dict[str, Mapping[str, Any]] = {}
        for actor_data in fields.mappings(data.get("actors")):
            actor_id = fields.key(actor_data.get("id"))
            if actor_id is None or actor_id in defined:
                continue
            if actor_id in involved or (self.requested and self._answers(actor_id, actor_data)):
                defined[actor_id] = actor_data
        for actor_id in involved:
            defined.setdefault(actor_id, {})  # a position naming an undefined actor is still shown

        claimed: set[int] = set()
        groups: dict[str, ActorInfo] = {}
        for actor_id, actor_fields in defined.items():
            group = self._group(actor_id, actor_fields, claimed)
            group.briefs.add(index)
            groups[actor_id] = group

        sources: dict[str, Source] = {}
        for source in fields.mappings(data.get("sources")):
            source_id = fields.key(source.get("id"))
            if source_id is not None:
                sources.setdefault(source_id, _source(source_id, source))
        for actor_id, issue, raw in positions:
            group = groups[actor_id]
            position = _position(group.key, actor_id, issue, index, raw, sources)
            self.positions.setdefault((group.key, issue, index), []).append(position)

    def _answers(self, actor_id: str, actor: Mapping[str, Any]) -> bool:
        return any(key in self.requested for key in _actor_keys(actor_id, actor))

    def _group(self, actor_id: str, actor: Mapping[str, Any], claimed: set[int]) -> ActorInfo:
        keys = _actor_keys(actor_id, actor)
        group = self.by_id.get(keys[0])
        if group is None or id(group) in claimed:
            candidates = (self.by_name.get(key) for key in keys[1:])
            group = next((g for g in candidates if g is not None and id(g) not in claimed), None)
        if group is None:
            key = actor_id
            suffix = 2
            while key in self.keys:  # an id reused for another actor (an invalid brief): keep rows apart
                key = f"{actor_id}~{suffix}"
                suffix += 1
            self.keys.add(key)
            group = ActorInfo(key, fields.text(actor.get("name")) or actor_id)
            self.groups.append(group)
        claimed.add(id(group))
        if actor_id not in group.ids:
            group.ids.append(actor_id)
        for alias in fields.texts(actor.get("aliases")):
            if alias not in group.aliases:
                group.aliases.append(alias)
        self.by_id.setdefault(keys[0], group)
        for key in keys:
            self.by_name.setdefault(key, group)
            group._keys.add(key)
        return group

    def finish(self, skipped: Sequence[Mapping[str, Any]] = ()) -> Comparison:
        for group in self.groups:
            hits = group._keys & self.requested.keys()
            group.requested = bool(hits)
            self.found |= hits
        if self.requested:
            shown = [g for g in self.groups if g.requested]
        else:
            with_positions = {key for key, _, _ in self.positions}
            shown = [g for g in self.groups if g.key in with_positions]
        missing_issues = [issue for issue in self.wanted if issue not in self.held]
        missing_actors = [name for key, name in self.requested.items() if key not in self.found]
        suggestions: dict[str, list[str]] = {}
        if missing_issues:
            known = [issue for issue in self.issues if issue in self.held]
            for data in skipped:
                ids = (fields.key(issue.get("id")) for issue in fields.mappings(data.get("issues")))
                known += [ident for ident in ids if ident is not None]
            known = list(dict.fromkeys(known))
            for issue in missing_issues:
                suggestions[issue] = closest(issue, known, n=3)
        if missing_actors:
            names = {key: group.key for group in self.groups for key in group._keys}
            for name in missing_actors:
                close = closest(fold(name), list(names), n=3)
                suggestions[name] = list(dict.fromkeys(names[c] for c in close))
        issues = [info for info in self.issues.values() if info.id in self.held]
        return Comparison(self.briefs, issues, shown, self.positions, missing_issues, missing_actors, suggestions)


def _holds_any(data: Mapping[str, Any], wanted: set[str]) -> bool:
    positions = data.get("positions")
    if isinstance(positions, list):
        for position in positions:
            if isinstance(position, dict) and isinstance(issue := position.get("issue"), str) and issue in wanted:
                return True
    issues = data.get("issues")
    if isinstance(issues, list):
        for issue in issues:
            if isinstance(issue, dict) and isinstance(issue_id := issue.get("id"), str) and issue_id in wanted:
                return True
    return False


def _actor_keys(actor_id: str, actor: Mapping[str, Any]) -> list[str]:
    """Folded id first, then folded name and aliases."""
    keys = [fold(actor_id)]
    name = fields.text(actor.get("name"))
    if name:
        keys.append(fold(name))
    keys += [fold(alias) for alias in fields.texts(actor.get("aliases"))]
    return keys


def _position(
    actor: str, brief_actor: str, issue: str, brief: int, raw: Mapping[str, Any], sources: dict[str, Source]
) -> Position:
    cited = []
    for source_id in fields.texts(raw.get("sources")):
        cited.append(sources.get(source_id) or Source(source_id))  # an undefined source: its id is all we have
    return Position(
        actor=actor,
        brief_actor=brief_actor,
        issue=issue,
        brief=brief,
        stance=fields.key(raw.get("stance")) or "",
        basis=fields.text(raw.get("basis")),
        confidence=fields.text(raw.get("confidence")),
        salience=fields.number(raw.get("salience")),
        power=fields.number(raw.get("power")),
        rationale=tuple(fields.texts(raw.get("rationale"))),
        change=fields.text(raw.get("change")),
        as_of=fields.text(raw.get("as_of")),
        sources=tuple(cited),
    )


def _source(source_id: str, raw: Mapping[str, Any]) -> Source:
    return Source(
        source_id,
        title=fields.text(raw.get("title")),
        publisher=fields.text(raw.get("publisher")),
        url=fields.text(raw.get("url")),
        date=fields.text(raw.get("date")),
        reliability=fields.key(raw.get("reliability")),
        credibility=_grade(raw.get("credibility")),
    )


def _grade(value: Any) -> int | str | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else fields.key(value)


# -- periods -----------------------------------------------------------------------------------------------------

By = Literal["brief", "day", "month", "quarter", "year"]
PERIODS: tuple[By, ...] = ("brief", "day", "month", "quarter", "year")  # finest first
UNDATED = "undated"  # the period of briefs without a calendar date: the last column of a folded timeline
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_AFTER = "\U0010ffff"  # a date followed by this sorts after that date and after anything written after it


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@lru_cache(maxsize=1 << 16)  # a collection has a few thousand dates, each read many times
def calendar_date(text: str) -> bool:
    """Whether `text` is a calendar date, YYYY-MM-DD, with a time after 'T' or a space allowed (and ignored)."""
    if len(text) < 10 or (len(text) > 10 and text[10] not in "T "):
        return False
    digits = text[:4] + text[5:7] + text[8:10]
    if text[4] != "-" or text[7] != "-" or not (digits.isascii() and digits.isdigit()):
        return False
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    return 1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month - 1] + (month == 2 and _leap(year))


def _quarter(month_key: str) -> str:
    """'2021-09' → '2021-Q3'."""
    return f"{month_key[:4]}-Q{(int(month_key[5:7]) + 2) // 3}"


def period_of(date: str, by: By) -> str:
    """The period a brief dated `date` falls in: '2021-09-28' (day), '2021-09' (month), '2021-Q3' (quarter: Q1 is
    January to March, Q4 October to December) or '2021' (year); UNDATED when `date` is not a calendar date."""
    if by == "brief":
        raise ValueError("a brief is its own period")
    if not calendar_date(date):
        return UNDATED
    return _PERIOD_KEY[by](date)


_PERIOD_KEY: dict[str, Callable[[str], str]] = {
    "day": lambda date: date[:10],
    "month": lambda date: date[:7],
    "quarter": lambda date: _quarter(date),
    "year": lambda date: date[:4],
}


def period_bounds(key: str, by: By) -> tuple[str, str] | None:
    """The first and last day of a period ('2021-Q4' → ('2021-10-01', '2021-12-31')); None for UNDATED."""
    if key == UNDATED or by == "brief":
        return None
    if by == "day":
        return key, key
    year = int(key[:4])
    if by == "month":
        first = last = int(key[5:7])
    elif by == "quarter":
        last = 3 * int(key[-1])
        first = last - 2
    else:
        first, last = 1, 12
    last_day = _MONTH_DAYS[last - 1] + (last == 2 and _leap(year))
    return f"{key[:4]}-{first:02d}-01", f"{key[:4]}-{last:02d}-{last_day:02d}"


def column_counts(dates: Mapping[str, int]) -> dict[By, int]:
    """How many columns a timeline has by each period, from how many briefs bear each date ('' for none). The
    briefs without a calendar date make one more column, `undated`, in every period but brief."""
    days = {date[:10] for date in dates if calendar_date(date)}
    months = {day[:7] for day in days}
    undated = any(not calendar_date(date) for date in dates)
    return {
        "brief": sum(dates.values()),
        "day": len(days) + undated,
        "month": len(months) + undated,
        "quarter": len({_quarter(month) for month in months}) + undated,
        "year": len({month[:4] for month in months}) + undated,
    }


@dataclass(frozen=True, slots=True)
class Period:
    """A column of a timeline: a period (or, by brief, one brief) and how many briefs it holds."""

    key: str  # '2021-Q3', 'undated'; by brief, the brief's label
    start: str | None  # first and last day (by brief: the brief's date; None when undated)
    end: str | None
    count: int  # briefs holding the issue in the period
    briefs: tuple[str, ...] = ()  # their ids, when asked for (json, csv)

    def as_dict(self) -> dict[str, Any]:
        return {"period": self.key, "start": self.start, "end": self.end, "count": self.count,
                "briefs": list(self.briefs)}  # fmt: skip


# -- tracks: one actor's positions on one issue, folded into periods ---------------------------------------------


class Track:
    """The positions of one actor on one issue, oldest first (the briefs of one day in any order), as parallel
    sequences rather than a Position each: what a timeline reads from an index of tens of thousands of briefs.
    Folding reads every date and stance, but a brief only where a period's last day holds several: `briefs` may
    come as one comma-separated string, split when first read."""

    __slots__ = ("_briefs", "actor", "actors", "bases", "confidences", "dates", "order", "stances")

    def __init__(
        self, actor: str, dates: list[str], briefs: list[str] | str, stances: Sequence[str],
        bases: Sequence[str] = "", confidences: Sequence[str] = "", actors: list[str] | None = None,
        order: list[int] | None = None,
    ) -> None:  # fmt: skip
        self.actor = actor  # the actor's id in the briefs
        self.dates = dates  # the date of the brief holding each position ('' when it has none)
        self._briefs = briefs  # which brief holds each position: a key the caller ranks and describes
        self.stances = stances  # each position's stance ('' if none), or a string of one-letter codes of stances
        self.bases = bases  # the same of basis and confidence (empty when not read: the caller has the positions)
        self.confidences = confidences
        self.actors = actors  # each position's actor id, when the track merges several ids of one actor
        self.order = order  # each position's place in its brief, when two of one brief may not come in order

    @property
    def briefs(self) -> list[str]:
        if isinstance(self._briefs, str):
            self._briefs = self._briefs.split(",")
        return self._briefs

    def first_brief(self) -> str:
        """The brief of the first position, without splitting a string of them."""
        if isinstance(self._briefs, str):
            comma = self._briefs.find(",")
            return self._briefs if comma < 0 else self._briefs[:comma]
        return self._briefs[0]

    def actor_at(self, k: int) -> str:
        return self.actors[k] if self.actors is not None else self.actor


NoteKind = Literal["change", "conflict"]
Run = tuple[str, int, int]  # a track's positions in one period: (period, start, end)


class PendingNote(NamedTuple):
    """A note about a cell, before the grid numbers its notes in reading order."""

    kind: NoteKind
    where: str  # the column label, or the brief's label ("date id") when a cell holds several briefs
    text: str
    brief: str | None = None  # the id and date of the brief it is about (None: a brief's own issue grid)
    date: str | None = None


Defined = tuple[str | None, int]  # an actor as a brief defines it: its name, and its place among the actors


class Folded(NamedTuple):
    """One cell of a folded timeline, before its positions are made: which positions of a track it shows."""

    period: str
    latest: list[int]  # the positions (indexes in the track) of the latest brief of the period: several conflict
    changed: bool  # the actor's stances in the period, and its latest stance before it, are not all the same
    briefs: int  # briefs of the period in which the actor has a position
    notes: list[tuple[NoteKind, str, str]]  # (kind, brief key, text): conflicts, then changes, in brief order


def _dated_first(track: Track, bad_dates: frozenset[str]) -> tuple[Track, int, list[int] | None]:
    """The track with the positions of briefs without a calendar date moved to the end, where they start, and
    the new order of the positions (None: unchanged)."""
    if not bad_dates or bad_dates.isdisjoint(track.dates):
        return track, len(track.dates), None
    dated = [k for k, date in enumerate(track.dates) if date not in bad_dates]
    order = dated + [k for k, date in enumerate(track.dates) if date in bad_dates]

    def pick(values: Sequence[str]) -> Sequence[str]:
        if not values:
            return values
        picked = [values[k] for k in order]
        return "".join(picked) if isinstance(values, str) else picked

    actors = [track.actors[k] for k in order] if track.actors is not None else None
    places = [track.order[k] for k in order] if track.order is not None else None
    moved = Track(track.actor, [track.dates[k] for k in order], [track.briefs[k] for k in order],
                  pick(track.stances), pick(track.bases), pick(track.confidences), actors, places)  # fmt: skip
    return moved, len(dated), order


def spans(track: Track, by: By, dated: int) -> list[tuple[str, int, int]]:
    """The runs of a track's positions in each period, oldest first: (period, start, end). Positions
    [0, dated) bear calendar dates in order; the rest, if any, make the undated period."""
    dates = track.dates
    key = _PERIOD_KEY[by]
    if dated == len(dates) == 1:  # most actors of a large collection: one position
        return [(key(dates[0]), 0, 1)]
    found = []
    start = 0
    while start < dated:
        period = key(dates[start])
        end = bisect_left(dates, _after(period, by), start, dated)
        found.append((period, start, end))
        start = end
    if dated < len(dates):
        found.append((UNDATED, dated, len(dates)))
    return found


@lru_cache(maxsize=1 << 14)
def _after(period: str, by: By) -> str:
    """A string after every date of a period and before every date of the next: its last day, then _AFTER."""
    bounds = period_bounds(period, by)
    assert bounds is not None
    return bounds[1] + _AFTER


def tied(track: Track, runs: list[tuple[str, int, int]]) -> set[str]:
    """The briefs whose order must be known to fold the track: those sharing the last day of a period (and
    the first day of the track, which names the actor), and every undated one."""
    keys: set[str] = set()
    dates = track.dates
    if len(dates) == 1:
        return keys
    for period, start, end in runs:
        if period != UNDATED and (end - start == 1 or dates[end - 2] != dates[end - 1]):
            continue  # one position on the period's last day
        briefs = track.briefs
        if period == UNDATED:
            keys.update(briefs[start:end])
            continue
        last = dates[end - 1]
        first = end - 1
        while first > start and dates[first - 1] == last:
            first -= 1
        if first < end - 1:
            keys.update(briefs[first:end])
    if runs and runs[0][0] != UNDATED and dates[1] == dates[0]:
        day, end = dates[0], runs[0][2]
        first_end = 1
        while first_end < end and dates[first_end] == day:
            first_end += 1
        keys.update(track.briefs[:first_end])
    return keys


def fold_track(
    track: Track, runs: list[tuple[str, int, int]], by: By, order: Callable[[str], Any],
    changes: Sequence[tuple[str, str, str]] = (), regular: bool = False,
) -> list[Folded]:  # fmt: skip
    """The cells of a track, one per period it has a position in (`runs`, from `spans`). `order` ranks the briefs
    that share a date (those `tied` names are enough); `changes` are the track's (date, brief key, `change`
    text), in any order; `regular`: no brief holds two of the track's positions (only an invalid brief can), so
    that none is looked for. Each cell shows the latest brief's positions, marked changed when the actor's stances
    in the period and its latest stance before it are not all the same."""
    dates, stances = track.dates, track.stances
    regular = regular or len(set(track.briefs)) == len(dates)
    by_period: dict[str, list[tuple[str, str, str]]] = {}
    if changes:
        key = _PERIOD_KEY[by]
        for change in changes:
            by_period.setdefault(key(change[0]) if calendar_date(change[0]) else UNDATED, []).append(change)
    folded = []
    previous: set[str] | None = None  # the stances of the latest brief before the period
    for period, start, end in runs:
        last = end - 1
        if period == UNDATED:
            briefs = track.briefs
            best = max(set(briefs[start:end]), key=lambda b: (_undated_key(dates, briefs, b, start, end), order(b)))
            latest = [k for k in range(start, end) if briefs[k] == best]
        elif last == start or dates[last - 1] != dates[last]:  # one position on the period's last day
            latest = [last]
        else:
            briefs = track.briefs
            first = last
            while first > start and dates[first - 1] == dates[last]:
                first -= 1
            best = max(set(briefs[first:end]), key=order)
            latest = [k for k in range(first, end) if briefs[k] == best]
        if len(latest) > 1 and track.order is not None:  # a conflict: the brief's positions in its order
            latest.sort(key=track.order.__getitem__)
        if last == start:
            stance = stances[start]
            changed = previous is not None and (len(previous) > 1 or stance not in previous)
            previous = {stance}
        else:
            held = set(stances[start:end])
            changed = len(held | previous) > 1 if previous is not None else len(held) > 1
            previous = {stances[k] for k in latest}
        count = end - start
        notes: list[tuple[NoteKind, str, str]] = []
        if not regular:
            repeated: dict[str, list[int]] = {}
            for k in range(start, end):
                repeated.setdefault(track.briefs[k], []).append(k)
            count = len(repeated)
            conflicts = [b for b, ks in repeated.items() if len(ks) > 1]
            for brief in sorted(conflicts, key=lambda b: (dates[repeated[b][0]] or "9999", order(b))):
                ks = repeated[brief]
                if track.order is not None:
                    places = track.order
                    ks.sort(key=lambda k: places[k])
                listed = ", ".join(stances[k] or "(none)" for k in ks)
                notes.append(("conflict", brief, _conflict_text(len(ks), listed)))
        if period in by_period:
            seen: set[str] = set()
            for _, brief, text in sorted(by_period[period], key=lambda c: (c[0] or "9999", order(c[1]))):
                if text not in seen:
                    seen.add(text)
                    notes.append(("change", brief, text))
        folded.append(Folded(period, latest, changed, count, notes))
    return folded


def _period_or_undated(date: str, by: By) -> str:
    return _PERIOD_KEY[by](date) if calendar_date(date) else UNDATED


def _undated_key(dates: list[str], briefs: list[str], brief: str, start: int, end: int) -> str:
    """The date an undated brief sorts by (as comparisons order briefs: none sorts last)."""
    return next(dates[k] for k in range(start, end) if briefs[k] == brief) or "9999"


def _conflict_text(count: int, stances: str) -> str:
    return f"{count} positions in one brief, which `brief validate` reports as duplicate-position: {stances}"


# -- views -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    key: str | int  # an issue id (issue_grid), a brief index (timeline by brief) or a period key (folded)
    label: str  # header: the issue id, "date brief-id", or the period
    title: str  # longer description for a legend: the issue statement, or the brief title


@dataclass(slots=True)
class Cell:
    positions: tuple[Position, ...]  # folded: the positions of the latest brief of the period
    changed: bool = False  # the stance differs from the previous brief's (by brief), or changed during the period
    notes: tuple[int, ...] = ()  # numbers of Grid.notes about this cell
    count: int = 1  # folded: the briefs of the period in which the actor has a position
    pending: tuple[PendingNote, ...] = ()  # the notes to number, in order

    @property
    def conflict(self) -> bool:
        return len(self.positions) > 1


@dataclass(slots=True)
class Row:
    actor: ActorInfo
    cells: Sequence[Cell | None]  # a cell per column, None: no position (SparseCells when most are None)


class SparseCells(Sequence["Cell | None"]):
    """A row's cells when nearly all are blank (a timeline by brief over thousands of briefs, where a list of
    actors × briefs would not fit in memory): the filled ones by column, read as the whole row."""

    __slots__ = ("filled", "length")

    def __init__(self, length: int, filled: dict[int, Cell]) -> None:
        self.length = length
        self.filled = filled

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> Cell | None: ...
    @overload
    def __getitem__(self, index: slice) -> list[Cell | None]: ...
    def __getitem__(self, index: int | slice) -> Cell | list[Cell | None] | None:
        if isinstance(index, slice):
            return [self.filled.get(n) for n in range(*index.indices(self.length))]
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(index)
        return self.filled.get(index)

    def __iter__(self) -> Iterator[Cell | None]:
        return (self.filled.get(n) for n in range(self.length))


def filled(cells: Sequence[Cell | None]) -> list[tuple[int, Cell]]:
    """A row's cells holding a position, with their columns, left to right (without reading a sparse row's
    blanks)."""
    if isinstance(cells, SparseCells):
        return sorted(cells.filled.items())
    return [(n, cell) for n, cell in enumerate(cells) if cell is not None]


DENSE_CELLS = 2_000_000  # at most this many cells (actors × briefs) in a timeline by brief before rows go sparse


@dataclass(frozen=True, slots=True)
class Totals:
    support: int = 0  # actors with any supporting stance
    oppose: int = 0  # actors with any opposing stance
    neutral: int = 0
    unknown: int = 0
    positions: int = 0  # cells holding a position

    def as_dict(self) -> dict[str, int]:
        return {
            "support": self.support,
            "oppose": self.oppose,
            "neutral": self.neutral,
            "unknown": self.unknown,
            "positions": self.positions,
        }


class Note(NamedTuple):
    number: int
    kind: NoteKind
    actor: str  # actor name
    column: str  # where: the column label, or in a folded timeline the brief's label ("date id")
    text: str
    brief: str | None = None  # over time, the id and date of the brief the note is about
    date: str | None = None


@dataclass(slots=True)
class Grid:
    kind: Literal["issues", "timeline"]
    title: str
    columns: list[Column]
    rows: list[Row]
    totals: list[Totals]
    notes: list[Note]
    issue: str | None = None  # the issue of a timeline
    brief: int | None = None  # the brief of an issue grid
    by: By = "brief"  # a timeline's columns: briefs, or periods
    periods: list[Period] = field(default_factory=list)  # a timeline's columns, with the briefs they hold
    briefs: list[BriefInfo] = field(default_factory=list)  # what Position.brief indexes
    issues: list[IssueInfo] = field(default_factory=list)  # the issues compared


def issue_grid(comparison: Comparison, brief: int = 0, sort: Sort | None = None) -> Grid:
    """One brief: actors as rows, the compared issues as columns (an issue nobody holds is a blank column)."""
    info = comparison.briefs[brief]
    issues = [i for i in comparison.issues if i.id in info.issues]
    columns = [Column(i.id, i.id, i.statement or "") for i in issues]
    rows = []
    for actor in comparison.actors:
        if brief not in actor.briefs:
            continue
        cells = [_cell(comparison.cell(actor.key, issue.id, brief), issue.id) for issue in issues]
        if any(cells) or actor.requested:
            rows.append(Row(actor, cells))
    title = f"{info.id} ({info.date or 'no date'})" + (f": {info.title}" if info.title else "")
    grid = Grid("issues", title, columns, rows, [], [], brief=brief, briefs=comparison.briefs, issues=issues)
    return _finish(grid, sort, timeline=False)


def timeline_grid(comparison: Comparison, issue: str, sort: Sort | None = None, by: By = "brief") -> Grid:
    """One issue over time: actors as rows; as columns the briefs holding the issue in date order, or (`by` a
    period) the periods holding them, oldest first and `undated` last. By brief, a stance that differs from the
    actor's previous one is marked changed and a brief's `change` text becomes a note. By period, a cell shows
    the actor's latest stance in the period, marked changed when its stances in the period (and the latest before
    it) are not all the same, and every `change` text of the period becomes a note."""
    briefs = [b for b in comparison.briefs if issue in b.issues]
    statement = next((i.statement for i in comparison.issues if i.id == issue and i.statement), None)
    title = issue + (f": {statement}" if statement else "")
    issues = [IssueInfo(issue, statement)]
    if by != "brief":
        return _folded_grid(comparison, briefs, issue, title, issues, sort, by)
    columns = [Column(b.index, b.label, b.title or "") for b in briefs]
    column_of = {b.index: n for n, b in enumerate(briefs)}
    held: dict[str, dict[int, list[Position]]] = {}  # actor → brief → positions: each actor reads its own only
    for (key, position_issue, index), positions in comparison.positions.items():
        if position_issue == issue and index in column_of:
            held.setdefault(key, {})[index] = positions
    sparse = len(briefs) * len(comparison.actors) > DENSE_CELLS
    rows = []
    for actor in comparison.actors:
        mine = held.get(actor.key, {})
        cells: dict[int, Cell] = {}
        previous: set[str] | None = None
        for index in sorted(mine):  # brief order
            b = comparison.briefs[index]
            cell = _cell(tuple(mine[index]), b.label, b)
            if cell is not None:
                stances = {p.stance for p in cell.positions}
                cell.changed = previous is not None and stances != previous
                previous = stances
                cells[column_of[index]] = cell
        if cells or actor.requested:
            row = SparseCells(len(briefs), cells) if sparse else [cells.get(n) for n in range(len(briefs))]
            rows.append(Row(actor, row))
    periods = [Period(b.label, b.date or None, b.date or None, 1, (b.id,)) for b in briefs]
    grid = Grid("timeline", title, columns, rows, [], [], issue=issue, periods=periods, briefs=comparison.briefs,
                issues=issues)  # fmt: skip
    return _finish(grid, sort, timeline=True)


def _folded_grid(
    comparison: Comparison, briefs: list[BriefInfo], issue: str, title: str, issues: list[IssueInfo],
    sort: Sort | None, by: By,
) -> Grid:  # fmt: skip
    """A timeline by period of briefs parsed in memory: each actor's positions as a track, folded."""
    held: dict[str, list[tuple[int, Position]]] = {}
    for (key, position_issue, index), positions in comparison.positions.items():
        if position_issue == issue:
            held.setdefault(key, []).extend((index, p) for p in positions)
    bad_dates = frozenset(b.date for b in briefs if not calendar_date(b.date))
    periods = _periods(((period_of(b.date, by), b.id) for b in briefs), by)
    column_of = {period.key: n for n, period in enumerate(periods)}
    rows = []
    for actor in comparison.actors:
        entries = sorted(held.get(actor.key, []), key=lambda item: item[0])  # brief order: date, id, path
        dates = [comparison.briefs[index].date for index, _ in entries]
        track = Track(actor.key, dates, [str(index) for index, _ in entries], [p.stance for _, p in entries])
        kept = [p for _, p in entries]
        moved, dated, order = _dated_first(track, bad_dates)
        if order is not None:
            kept = [kept[k] for k in order]
        changes = [(comparison.briefs[index].date, str(index), p.change) for index, p in entries if p.change]
        cells: list[Cell | None] = [None] * len(periods)
        for folded in fold_track(moved, spans(moved, by, dated), by, int, changes):
            pending = tuple(_pending(kind, comparison.briefs[int(key)], text) for kind, key, text in folded.notes)
            shown = tuple(kept[k] for k in folded.latest)
            cells[column_of[folded.period]] = Cell(shown, folded.changed, count=folded.briefs, pending=pending)
        if any(cells) or actor.requested:
            rows.append(Row(actor, cells))
    columns = [Column(period.key, period.key, "") for period in periods]
    grid = Grid("timeline", title, columns, rows, [], [], issue=issue, by=by, periods=periods,
                briefs=comparison.briefs, issues=issues)  # fmt: skip
    return _finish(grid, sort, timeline=True)


def _periods(briefs: Iterable[tuple[str, str | None]], by: By, counts: Mapping[str, int] | None = None) -> list[Period]:
    """The periods holding briefs, oldest first and `undated` last, from each brief's (period, id), in brief
    order; or, with `counts` (period → briefs), without the ids."""
    held: dict[str, list[str]] = {}
    for key, ident in briefs:
        held.setdefault(key, []).append(ident or "")
    keys = sorted(held if counts is None else counts, key=lambda key: (key == UNDATED, key))
    found = []
    for key in keys:
        bounds = period_bounds(key, by)
        start, end = bounds if bounds else (None, None)
        ids = held.get(key, [])
        found.append(Period(key, start, end, counts[key] if counts is not None else len(ids), tuple(ids)))
    return found


def _cell(positions: tuple[Position, ...], where: str, brief: BriefInfo | None = None) -> Cell | None:
    """A cell of one brief, with its notes to number: a conflict, and (over time, `brief` given) the `change`
    texts."""
    if not positions:
        return None
    ident, date = (brief.id, brief.date) if brief else (None, None)
    pending: list[PendingNote] = []
    if len(positions) > 1:
        listed = ", ".join(p.stance or "(none)" for p in positions)
        pending.append(PendingNote("conflict", where, _conflict_text(len(positions), listed), ident, date))
    if brief:
        changes = dict.fromkeys(p.change for p in positions if p.change)
        pending += [PendingNote("change", where, change, ident, date) for change in changes]
    return Cell(positions, pending=tuple(pending))


def _finish(grid: Grid, sort: Sort | None, timeline: bool) -> Grid:
    grid.rows = _sorted(grid.rows, sort, timeline)
    grid.totals = _totals(grid.rows, len(grid.columns))
    # notes in reading order: row by row, left to right
    for row in grid.rows:
        for _, cell in filled(row.cells):
            if cell.pending:
                cell.notes = tuple(_note(grid, row.actor.name, pending) for pending in cell.pending)
    return grid


def _note(grid: Grid, actor: str, pending: PendingNote) -> int:
    number = len(grid.notes) + 1
    grid.notes.append(Note(number, pending.kind, actor, pending.where, pending.text, pending.brief, pending.date))
    return number


def _totals(rows: list[Row], columns: int) -> list[Totals]:
    """Each column's totals: actors on each side (one with conflicting positions under each of its stances)."""
    counts = [[0, 0, 0, 0, 0] for _ in range(columns)]  # support, oppose, neutral, unknown, positions
    for row in rows:
        for index, cell in filled(row.cells):
            total = counts[index]
            total[4] += 1
            if len(cell.positions) == 1:
                stance = cell.positions[0].stance
                total[0] += stance in SUPPORTING
                total[1] += stance in OPPOSING
                total[2] += stance == "neutral"
                total[3] += stance == "unknown"
            else:
                stances = {p.stance for p in cell.positions}
                total[0] += bool(stances & SUPPORTING)
                total[1] += bool(stances & OPPOSING)
                total[2] += "neutral" in stances
                total[3] += "unknown" in stances
    return [Totals(*total) for total in counts]


def _sorted(rows: list[Row], sort: Sort | None, timeline: bool) -> list[Row]:
    """Brief order by default. stance: most supportive first; power: most powerful first. In an issue grid both
    compare the issues left to right; in a timeline, the actor's latest recorded stance or power. Then names."""
    if sort is None:
        return rows

    def name(row: Row) -> str:
        return fold(row.actor.name)

    if sort == "name":
        return sorted(rows, key=name)

    def cells(row: Row) -> Sequence[Cell | None]:
        if timeline:  # the latest cell holding a position; a row with none sorts last
            held = filled(row.cells)
            return [held[-1][1] if held else None]
        return row.cells

    if sort == "stance":

        def stance_key(row: Row) -> tuple[Any, ...]:
            ranks = [min(_rank(p.stance) for p in c.positions) if c else _NO_POSITION_RANK for c in cells(row)]
            return (*ranks, name(row))

        return sorted(rows, key=stance_key)

    def power_key(row: Row) -> tuple[Any, ...]:
        powers = []
        for cell in cells(row):
            values = [p.power for p in cell.positions if p.power is not None] if cell else []
            powers.append((0, -max(values)) if values else (1, 0))  # unrecorded power last
        return (*powers, name(row))

    return sorted(rows, key=power_key)


def _rank(stance: str) -> int:
    return _RANK.get(stance, len(STANCES))


# -- a timeline from an index ------------------------------------------------------------------------------------


class TimelineSource(Protocol):
    """What a folded timeline reads from a collection's index (brief.query.positions.IssueTimeline answers it):
    plain values, so that the query layer needs nothing of this module. Brief keys are the index's own."""

    def statement(self) -> str | None: ...  # the issue's statement, from the latest brief wording it

    def dates(self) -> dict[str, int]: ...  # the dates of the briefs holding the issue ('' none): how many each

    def regular(self) -> bool: ...  # no brief holds two positions of one actor on the issue (none invalid)

    def codes(self) -> Mapping[str, Mapping[str, str | None]]: ...  # how tracks' codes read: column → code → value

    def tracks(self) -> Sequence[tuple[Any, ...]]:
        """Every actor id with a position on the issue, in date order: Track's arguments (id, dates, briefs,
        stances, bases, confidences[, None, places in the brief]), briefs as one comma-separated string or a
        list, the others as lists or strings of one-letter codes (codes())."""
        ...

    def ranks(self, keys: Collection[str]) -> dict[str, str]: ...  # brief key → its id (else path), for order

    def actors(self, firsts: Collection[tuple[str, str]]) -> dict[tuple[str, str], tuple[str | None, int]]:
        """(actor id, brief key) → the actor's name there, and its place among the brief's actors."""
        ...

    def labels(self, ids: Collection[str]) -> dict[str, list[tuple[str, str]]]:
        """Every name and alias each id goes by in the collection, with its accent fold (base.text.fold)."""
        ...

    def answering(self, folded: Collection[str]) -> list[tuple[str, str, str]]:
        """Actor ids of the briefs holding the issue answering one of the folded names: (id, brief key, date)."""
        ...

    def changes(self) -> list[tuple[str, str, str, str, str]]: ...  # (actor id, date, brief key, id, text)

    def briefs(self, keys: Collection[str]) -> dict[str, tuple[str, str, str, str | None]]:
        """Brief key → (id or path, date, path, title): what json and csv say of the briefs shown."""
        ...

    def positions(
        self, cells: Collection[tuple[str, str]], details: bool
    ) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """(actor id, date) → that actor's positions on the issue on that day, in brief order: their actor, brief
        key, stance, basis and confidence, and with `details` every other field, with the sources cited."""
        ...

    def period_briefs(self) -> list[tuple[str, str]]: ...  # (date, id) of every brief holding the issue, in order

    def issue_ids(self) -> list[str]: ...  # every issue of the briefs compared, for "did you mean"


def index_timeline(
    source: TimelineSource, issue: str, by: By, sort: Sort | None = None, actors: Sequence[str] = (),
    details: bool = False,
) -> tuple[Comparison, Grid]:  # fmt: skip
    """One issue over time by period (not by brief), from an index, without a Position per position: each actor's
    positions arrive as a track and are folded in place; only the positions shown are read. Actors are matched
    across briefs by id, then by any name or alias their ids go by in the collection, but two actors with
    positions in one brief are never matched. `details` (json, csv, sorting by power) reads every field of the
    positions shown, the briefs they are in, and the ids of every brief of each period. Returns the comparison
    (what was found, what was not) and the grid."""
    if by == "brief":
        raise ValueError("index_timeline folds briefs into periods; by brief, compare the briefs themselves")
    requested = {fold(name): name for name in actors}
    dates = source.dates()
    regular = source.regular()
    codes = source.codes()
    tracks = [Track(*row) for row in source.tracks()]
    held = bool(dates or tracks)
    statement = source.statement() if held else None
    issues = [IssueInfo(issue, statement)]
    bad_dates = frozenset(date for date in dates if not calendar_date(date))

    # 1. each actor id's runs of positions by period, and the briefs to rank: those tied on a day, first ones
    folding: dict[str, tuple[Track, int, list[Run]]] = {}
    keys: set[str] = set()
    for track in tracks:
        moved, dated, _ = _dated_first(track, bad_dates)
        runs = spans(moved, by, dated)
        folding[track.actor] = (moved, dated, runs)
        keys.update(tied(moved, runs))
        keys.add(moved.first_brief())
        if not regular and len(set(moved.briefs)) < len(moved.briefs):  # two positions in one brief: ranked
            seen: set[str] = set()
            for brief in moved.briefs:
                if brief in seen:
                    keys.add(brief)
                seen.add(brief)
    extra = source.answering(requested.keys()) if requested else []
    keys.update(key for _, key, _ in extra)
    labels = source.ranks(keys)

    def order(key: str) -> tuple[str, int]:
        return labels.get(key, ""), int(key)

    # 2. where each id first appears (its name there, and its place among that brief's actors), then actors
    firsts = {ident: _first(track, dated, order) for ident, (track, dated, _) in folding.items()}
    for ident, key, date in extra:
        if ident not in firsts or (date or "9999", order(key)) < (firsts[ident][0] or "9999", order(firsts[ident][1])):
            firsts[ident] = (date, key)
    defined = source.actors({(ident, key) for ident, (_, key) in firsts.items()})

    def appearance(ident: str) -> tuple[Any, ...]:
        date, key = firsts[ident]
        return date or "9999", order(key), defined.get((ident, key), (None, 1 << 30))[1], ident

    ids = sorted(firsts, key=appearance)
    groups = _group_ids(ids, source.labels(ids), defined, firsts, folding, requested)

    # 3. fold each actor's track (several ids of one actor: their tracks merged), then lay out the periods
    changes: dict[str, list[tuple[str, str, str]]] = {}
    described: dict[str, tuple[str, str]] = {}  # brief key → (date, id), for the notes
    for ident, date, key, label, text in source.changes():
        changes.setdefault(ident, []).append((date, key, text))
        described[key] = (date, label)
        if key not in labels:
            labels[key] = label  # the order of changes of one day
    tracked: list[tuple[ActorInfo, Track | None, list[Run]]] = []
    more: set[str] = set()
    for group, members in groups:
        if requested and not group.requested:
            continue
        with_positions = [m for m in members if m in folding]
        if len(with_positions) > 1:
            track, dated, _ = _dated_first(_merge([folding[m][0] for m in with_positions], codes), bad_dates)
            runs = spans(track, by, dated)
            more.update(key for key in tied(track, runs) if key not in labels)
            tracked.append((group, track, runs))
        elif with_positions:
            track, _, runs = folding[with_positions[0]]
            tracked.append((group, track, runs))
        else:
            tracked.append((group, None, []))
    if more:
        labels.update(source.ranks(more))
    folded_rows = []
    for group, kept, runs in tracked:
        ids_changes = [change for m in group.ids for change in changes.get(m, ())]
        folded_rows.append((group, kept, fold_track(kept, runs, by, order, ids_changes, regular) if kept else []))
    counts = _period_counts(dates, by)
    for _, _, folded in folded_rows:
        for cell in folded:
            counts.setdefault(cell.period, 0)  # a position in a brief the dates missed: none should
    periods = _periods([], by, counts=counts)
    column_of = {period.key: n for n, period in enumerate(periods)}

    # 4. the cells: their positions from the tracks, or with details read from the index (every field, and the
    # briefs they are in), with the ids of the briefs of each period
    shown: dict[tuple[str, str], list[dict[str, Any]]] = {}
    briefs: list[BriefInfo] = []
    index_of: dict[str, int] = {}
    if details:
        wanted = {(kept.actor_at(k), kept.dates[k]) for _, kept, folded in folded_rows if kept
                  for cell in folded for k in cell.latest}  # fmt: skip
        shown = source.positions(wanted, True)
        infos = source.briefs({row["brief"] for rows in shown.values() for row in rows})
        for key, (ident, date, path, brief_title) in sorted(infos.items(), key=lambda i: (i[1][1] or "9999",
                                                                                            order(i[0]))):  # fmt: skip
            index_of[key] = len(briefs)
            briefs.append(BriefInfo(len(briefs), ident, date, path, brief_title, [issue]))
        ids_by_period: dict[str, list[str]] = {}
        for date, ident in source.period_briefs():
            ids_by_period.setdefault(_period_or_undated(date, by), []).append(ident)
        periods = [Period(p.key, p.start, p.end, p.count, tuple(ids_by_period.get(p.key, ()))) for p in periods]
    stance_of, basis_of, confidence_of = (codes.get(column, {}) for column in ("stance", "basis", "confidence"))
    sparse = len(periods) * len(folded_rows) > DENSE_CELLS
    rows = []
    for group, kept, folded in folded_rows:
        cells: dict[int, Cell] = {}
        for cell in folded:
            assert kept is not None
            if details:
                k = cell.latest[0]
                found = shown.get((kept.actor_at(k), kept.dates[k]), [])
                if len(found) > 1:  # several briefs of that day: the latest's, or a conflict in one brief
                    latest = kept.briefs[k]
                    found = [row for row in found if row["brief"] == latest]
                positions = tuple(_index_position(group.key, row, issue, index_of.get(row["brief"], -1))
                                  for row in found)  # fmt: skip
            elif isinstance(kept.stances, str):  # codes
                positions = tuple(
                    Position(group.key, kept.actors[k] if kept.actors else kept.actor, issue, -1,
                             stance_of[kept.stances[k]] or "", basis_of[kept.bases[k]],
                             confidence_of[kept.confidences[k]])
                    for k in cell.latest
                )  # fmt: skip
            else:
                positions = tuple(
                    Position(group.key, kept.actor_at(k), issue, -1, kept.stances[k], kept.bases[k] or None,
                             kept.confidences[k] or None)
                    for k in cell.latest
                )  # fmt: skip
            pending = (tuple(_index_note(kind, kept, key, text, described, labels) for kind, key, text in cell.notes)
                       if cell.notes else ())  # fmt: skip
            cells[column_of[cell.period]] = Cell(positions, cell.changed, count=cell.briefs, pending=pending)
        if group.requested or (not requested and cells):  # with --actor, the actors named (even blank)
            row = SparseCells(len(periods), cells) if sparse else [cells.get(n) for n in range(len(periods))]
            rows.append(Row(group, row))
    title = issue + (f": {statement}" if statement else "")
    columns = [Column(period.key, period.key, "") for period in periods]
    grid = Grid("timeline", title, columns, rows, [], [], issue=issue, by=by, periods=periods, briefs=briefs,
                issues=issues)  # fmt: skip
    _finish(grid, sort, timeline=True)

    comparison = Comparison(briefs, issues if held else [], [row.actor for row in grid.rows], {})
    if not held:
        comparison.missing_issues = [issue]
        comparison.suggestions[issue] = closest(issue, source.issue_ids(), n=3)
    answered = {key for group, _ in groups for key in group._keys}
    comparison.missing_actors = [name for key, name in requested.items() if key not in answered]
    names = {key: group.key for group, _ in groups for key in group._keys}
    for name in comparison.missing_actors:
        close = closest(fold(name), list(names), n=3)
        comparison.suggestions[name] = list(dict.fromkeys(names[c] for c in close))
    return comparison, grid


def _first(track: Track, dated: int, order: Callable[[str], Any]) -> tuple[str, str]:
    """Where a track starts: (date, brief key) of its first brief in brief order (date as written, none last,
    then id), whether or not that date is a calendar date."""
    dates = track.dates
    if dated == len(dates) and (dated == 1 or dates[1] != dates[0]):  # one first brief, all dated
        return dates[0], track.first_brief()
    briefs = track.briefs
    candidates = [k for k in range(dated) if dates[k] == dates[0]] + list(range(dated, len(dates)))
    k = min(candidates, key=lambda k: (dates[k] or "9999", order(briefs[k])))
    return dates[k], briefs[k]


def _group_ids(
    ids: list[str], labels: Mapping[str, list[tuple[str, str]]], defined: Mapping[tuple[str, str], Defined],
    firsts: Mapping[str, tuple[str, str]], folding: Mapping[str, tuple[Track, int, list[Run]]],
    requested: Mapping[str, str],
) -> list[tuple[ActorInfo, list[str]]]:  # fmt: skip
    """Actor ids (in order of first appearance) → actors: an id joins the actor that an earlier id of the same
    folded form, else one of its names or aliases, belongs to, unless the two have positions in one brief. An
    actor is named as its first id is where it first appears."""
    groups: list[tuple[ActorInfo, list[str]]] = []
    by_id: dict[str, int] = {}
    by_name: dict[str, int] = {}
    keys_used: set[str] = set()
    held: dict[int, set[str]] = {}  # group → the briefs where its ids have positions (made when first asked)
    briefs: dict[str, set[str]] = {}

    def briefs_of(ident: str) -> set[str]:
        found = briefs.get(ident)
        if found is None:
            found = briefs[ident] = set(folding[ident][0].briefs) if ident in folding else set()
        return found

    def apart(ident: str, number: int) -> bool:
        together = held.get(number)
        if together is None:
            together = held[number] = set().union(*(briefs_of(m) for m in groups[number][1]))
        return not together.isdisjoint(briefs_of(ident))

    for ident in ids:
        name, _ = defined.get((ident, firsts[ident][1]), (None, 0))
        known = labels.get(ident) or []
        own = fold(ident)
        keys = [own, *dict.fromkeys(folded for _, folded in known)]  # an id's names match even when it is one
        number = by_id.get(own)
        if number is not None and apart(ident, number):
            number = None
        if number is None:
            number = next((n for key in keys[1:] if (n := by_name.get(key)) is not None and not apart(ident, n)),
                          None)  # fmt: skip
        if number is None:
            key = ident
            suffix = 2
            while key in keys_used:  # an id reused for another actor: keep rows apart
                key = f"{ident}~{suffix}"
                suffix += 1
            keys_used.add(key)
            number = len(groups)
            groups.append((ActorInfo(key, name or ident), []))
        group, members = groups[number]
        members.append(ident)
        if number in held:
            held[number] |= briefs_of(ident)
        group.ids.append(ident)
        for label, _ in known:
            if label != group.name and label not in group.aliases:
                group.aliases.append(label)
        by_id.setdefault(own, number)
        for key in keys:
            by_name.setdefault(key, number)
            group._keys.add(key)
    for group, _ in groups:
        group.requested = bool(group._keys & requested.keys())
    return groups


def _merge(tracks: list[Track], codes: Mapping[str, Mapping[str, str | None]]) -> Track:
    """One track of several ids' tracks, in date order, each position keeping its id; their values as text when
    some tracks hold codes and others not."""
    as_codes = all(isinstance(t.stances, str) for t in tracks) or not any(isinstance(t.stances, str) for t in tracks)

    def value(track: Track, column: str, values: Sequence[str], k: int) -> str:
        if as_codes or not isinstance(values, str):
            return values[k] if values else ""
        return codes[column].get(values[k]) or ""

    entries = sorted(
        (track.dates[k], track.briefs[k], track.order[k] if track.order else 0,
         value(track, "stance", track.stances, k), value(track, "basis", track.bases, k),
         value(track, "confidence", track.confidences, k), track.actor_at(k))
        for track in tracks for k in range(len(track.dates))
    )  # fmt: skip
    dates, briefs, places, stances, bases, confidences, actors = (
        [list(column) for column in zip(*entries, strict=True)] if entries else [[] for _ in range(7)]
    )
    text = isinstance(tracks[0].stances, str) and as_codes
    order = places if any(t.order for t in tracks) else None
    return Track(tracks[0].actor, dates, briefs, "".join(stances) if text else stances,
                 "".join(bases) if text else bases, "".join(confidences) if text else confidences,
                 actors, order)  # fmt: skip


def _pending(kind: NoteKind, brief: BriefInfo, text: str) -> PendingNote:
    return PendingNote(kind, brief.label, text, brief.id, brief.date)


def _index_note(
    kind: NoteKind, track: Track, key: str, text: str, described: Mapping[str, tuple[str, str]],
    labels: Mapping[str, str],
) -> PendingNote:  # fmt: skip
    """A note of a folded cell, about one brief, labelled as that brief's column is by brief ("date id")."""
    if key in described:
        date, ident = described[key]
    else:
        date = next((d for d, b in zip(track.dates, track.briefs, strict=True) if b == key), "")
        ident = labels.get(key, key)
    return PendingNote(kind, f"{date or '(no date)'} {ident}", text, ident, date)


def _period_counts(dates: Mapping[str, int], by: By) -> dict[str, int]:
    counts: dict[str, int] = {}
    for date, count in dates.items():
        key = _period_or_undated(date, by)
        counts[key] = counts.get(key, 0) + count
    return counts


def _index_position(actor: str, row: Mapping[str, Any], issue: str, brief: int) -> Position:
    """A position shown in a folded timeline, from the index's row; `brief` indexes Grid.briefs (-1: not looked
    up)."""
    if "rationale" not in row:
        return Position(actor, row["actor"], issue, brief, row["stance"] or "", row["basis"], row["confidence"])
    sources = tuple(_source(s["id"], s) for s in row["sources"] if isinstance(s, Mapping) and s.get("id"))
    return Position(
        actor=actor,
        brief_actor=row["actor"],
        issue=issue,
        brief=brief,
        stance=row["stance"] or "",
        basis=fields.text(row["basis"]),
        confidence=fields.text(row["confidence"]),
        salience=fields.number(row.get("salience")),
        power=fields.number(row.get("power")),
        rationale=tuple(fields.texts(row.get("rationale"))),
        change=fields.text(row.get("change")),
        as_of=fields.text(row.get("as_of")),
        sources=sources,
    )


# -- cell text ---------------------------------------------------------------------------------------------------


def stance_text(position: Position, words: bool = False) -> str:
    """'+* M' (symbols: stance, * if inferred, confidence letter) or 'supports (inferred, moderate)' (words)."""
    if words:
        details = [d for d in (position.basis, position.confidence) if d]
        stance = position.stance or "(no stance)"
        return f"{stance} ({', '.join(details)})" if details else stance
    symbol = SYMBOLS.get(position.stance) or f"'{position.stance}'"  # a value the format does not know
    if position.basis == "inferred":
        symbol += INFERRED_MARK
    letter = CONFIDENCE_LETTERS.get(position.confidence or "")
    return f"{symbol} {letter}" if letter else symbol


def cell_text(cell: Cell | None, words: bool = False) -> str:
    """A cell: blank for no position; '→' first when the stance changed; '!' and both stances for a conflict;
    note numbers last, as '[1]', or '[4-7]' for a run of three or more."""
    if cell is None:
        return ""
    text = " / ".join(stance_text(p, words) for p in cell.positions)
    if cell.conflict:
        text = f"{CONFLICT_MARK} {text}"
    if cell.changed:
        text = f"{CHANGE_MARK} {text}"
    if cell.notes:
        text += " " + note_refs(cell.notes)
    return text


def note_refs(numbers: Sequence[int]) -> str:
    """'[1][2]', '[4-7]' (a run of three or more consecutive numbers), '[1][4-6]'."""
    refs = []
    start = 0
    while start < len(numbers):
        end = start + 1
        while end < len(numbers) and numbers[end] == numbers[end - 1] + 1:
            end += 1
        if end - start >= 3:
            refs.append(f"[{numbers[start]}-{numbers[end - 1]}]")
        else:
            refs += [f"[{n}]" for n in numbers[start:end]]
        start = end
    return "".join(refs)


def totals_text(totals: Totals, words: bool = False) -> str:
    if words:
        return f"{totals.support} support, {totals.oppose} oppose, {totals.unknown} unknown"
    return f"{totals.support}+ {totals.oppose}- {totals.unknown}?"


def legend(grid: Grid, words: bool = False) -> list[str]:
    """The lines explaining a grid's cells, only mentioning marks it uses beyond the basic scheme."""
    cells = [cell for row in grid.rows for _, cell in filled(row.cells)]
    marks = []
    if any(c.changed for c in cells):
        if grid.by == "brief":
            marks.append(f"{CHANGE_MARK} changed since the previous brief")
        else:
            marks.append(f"{CHANGE_MARK} changed during the {grid.by}, or since the stance before")
    if any(c.conflict for c in cells):
        marks.append(f"{CONFLICT_MARK} conflicting positions in one brief")
    if grid.notes:
        marks.append("[n] see note n")
    if words:
        lines = [
            "In brackets: basis (stated by the actor, or inferred by the analyst) and confidence.",
            "Blank: no position. Totals count actors on each side, at any level.",
        ]
    else:
        symbols = [f"{stance.symbol} {stance.words}" for stance in STANCE_SCALE]
        letters, levels = "/".join(CONFIDENCE_LETTERS.values()), "/".join(CONFIDENCE_LETTERS)
        lines = [  # the scale over two lines, as it reads best in 90 columns
            ", ".join(symbols[:5]) + ",",
            ", ".join(symbols[5:]) + f", blank: no position; {INFERRED_MARK} inferred (else stated);",
            f"{letters} {levels} confidence; totals: N+ support, N- oppose, N? unknown (any level).",
        ]
    if grid.by != "brief":
        lines.append(f"By {grid.by}: each cell is the actor's latest stance in the {grid.by}.")
    if marks:
        lines.append("; ".join(marks) + ".")
    return lines

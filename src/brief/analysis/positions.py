"""Comparing actors' positions: on the issues of one brief, or on one issue across briefs over time.

Pure functions and dataclasses: `BriefRecord`s in (brief id, date, path, normalised data), a `Comparison` out,
then views of it (`issue_grid`, `timeline_grid`) and the text of their cells. Nothing here reads files or
prints, so the same code runs on briefs parsed from files (the CLI today) or rows read from an index.

Briefs that failed validation are compared as written: every field is read defensively, and two positions of
one actor on one issue in one brief (a `duplicate-position` error) are kept side by side as a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from brief.base import fields
from brief.base.text import closest, fold
from brief.base.vocabulary import (
    STANCES,
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


class ActorMatcher:
    """Actors matched across briefs: by id, then by name or alias, case and accents folded; two actors of one brief
    (those in `claimed`) are never merged. The comparison and the actor network (analysis/network.py) share it."""

    def __init__(self) -> None:
        self.groups: list[ActorInfo] = []
        self.by_id: dict[str, ActorInfo] = {}
        self.by_name: dict[str, ActorInfo] = {}
        self.keys: set[str] = set()

    def match(self, actor_id: str, actor: Mapping[str, Any], claimed: set[int]) -> ActorInfo:
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


class _Builder:
    def __init__(self, wanted: list[str], requested: dict[str, str]) -> None:
        self.wanted = wanted
        self.requested = requested
        self.briefs: list[BriefInfo] = []
        self.issues: dict[str, IssueInfo] = {issue: IssueInfo(issue) for issue in wanted}
        self.held: set[str] = set()  # issues some kept brief defines or takes a position on
        self.matcher = ActorMatcher()
        self.groups = self.matcher.groups
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
            group = self.matcher.match(actor_id, actor_fields, claimed)
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

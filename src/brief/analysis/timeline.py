"""A timeline of one issue built from the index's rows (query/positions.py) rather than from parsed briefs:
the positions of each actor as tracks, folded into periods, as the in-memory comparison would show them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Protocol

from brief.analysis.grids import (
    Cell,
    Column,
    Grid,
    Row,
    SparseCells,
    _finish,
    _periods,
    goes_sparse,
)
from brief.analysis.periods import (
    By,
    Defined,
    NoteKind,
    PendingNote,
    Period,
    Run,
    Track,
    _dated_first,
    _period_or_undated,
    calendar_date,
    fold_track,
    spans,
    tied,
)
from brief.analysis.positions import (
    ActorInfo,
    BriefInfo,
    Comparison,
    IssueInfo,
    Position,
    Sort,
    _source,
)
from brief.base import fields
from brief.base.text import closest, fold

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
    sparse = goes_sparse(len(periods) * len(folded_rows))
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

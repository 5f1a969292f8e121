"""A timeline of one issue built from the index's rows (query/positions.py) rather than from parsed briefs:
the positions of each actor as tracks, folded into periods, as the in-memory comparison would show them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
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
    CHANGED,
    UNCHANGED,
    UNDATED,
    By,
    Defined,
    Folded,
    NoteKind,
    PendingNote,
    Period,
    Run,
    Track,
    _dated_first,
    _period_or_undated,
    calendar_date,
    change_keys,
    fold_track,
    period_key,
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

    def tracks(self, values: bool = True, names: bool = False) -> Sequence[tuple[Any, ...]]:
        """Every actor id with a position on the issue, in date order: Track's arguments (id, dates, briefs,
        stances, bases, confidences, None, places in the brief or None, changes), dates and briefs as one
        comma-separated string or a list, the others as lists or strings of one-letter codes (codes()); without
        `values`, bases and confidences may be left empty (positions() has them); with `names`, each row ends with
        how many positions it has and the folded names and aliases the id goes by in the collection, separated by
        \x1f (None: none)."""
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

    def changes(self) -> Sequence[tuple[str, str, str, str, str, int]]:
        """(actor id, date, brief key, brief id, text, place) of every position giving a change."""
        ...

    def change_texts(self, pairs: Collection[tuple[str, str]]) -> Sequence[tuple[str, str, str, str, str, int]]:
        """The same, of the positions of (actor id, brief key) pairs."""
        ...

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
    details: bool = False, top: int | None = None,
) -> tuple[Comparison, Grid]:  # fmt: skip
    """One issue over time by period (not by brief), from an index, without a Position per position: each actor's
    positions arrive as a track and are folded in place; only the positions shown are read. Actors are matched
    across briefs by id, then by any name or alias their ids go by in the collection, but two actors with
    positions in one brief are never matched. `top` keeps the `top` actors with positions in the most briefs (ties:
    the first to appear), as top_rows does, and only their tracks are read when no invalid brief holds the issue
    (an actor's count and first brief come from the index). With `actors`, the rows are those actors. `details`
    (json, csv, sorting by power) reads every field of the positions shown, the briefs they are in, every change of
    each cell and the ids of every brief of each period. Returns the comparison (what was found, what was not) and
    the grid."""
    if by == "brief":
        raise ValueError("index_timeline folds briefs into periods; by brief, compare the briefs themselves")
    requested = {fold(name): name for name in actors}
    if requested:
        top = None  # the rows are the actors named
    dates = source.dates()
    regular = source.regular()
    codes = source.codes()
    bad_dates = frozenset(date for date in dates if not calendar_date(date))
    labels: dict[str, str] = {}  # brief key → its id (else path): the order of briefs of one day

    def order(key: str) -> tuple[str, int]:
        return labels.get(key, ""), int(key)

    # 1. every actor id with a position: its track, in how many briefs, and where it first appears. Without invalid
    # briefs, a track is taken apart and folded only when shown, and the index says which names each id goes by.
    fast = regular and not bad_dates
    as_read: dict[str, Track] = {}  # id → its track as read (fast)
    folding: dict[str, tuple[Track, int, list[Run]]] = {}  # id → its track, how many dated positions, its runs
    weight: dict[str, int] = {}  # id → briefs where it has a position
    firsts: dict[str, tuple[str, str]] = {}
    defined: dict[tuple[str, str], Defined] = {}
    keys: set[str] = set()  # briefs to rank
    folds: dict[str, list[str]] = {}  # id → the folded names and aliases it goes by
    if fast:
        ties: dict[str, list[str]] = {}
        for *values, count, names in source.tracks(values=False, names=True):
            track = as_read[values[0]] = Track(*values)
            ident = track.actor
            weight[ident] = count
            first, same = track.first_day()
            firsts[ident] = (first, track.first_brief())
            folds[ident] = names.split("\x1f") if names else []
            if same > 1:  # several briefs on its first day
                ties[ident] = track.briefs[:same]
                keys.update(ties[ident])
    else:
        for row in source.tracks():
            moved, dated, runs = _folding(Track(*row), by, bad_dates, codes)
            folding[moved.actor] = (moved, dated, runs)
            weight[moved.actor] = len(moved.dates) if regular else len(set(moved.briefs))
            keys.update(tied(moved, runs))
            keys.update(change_keys(moved, runs))
            keys.add(moved.first_brief())
            if not regular and len(set(moved.briefs)) < len(moved.briefs):  # two positions in one brief: ranked
                seen: set[str] = set()
                for brief in moved.briefs:
                    if brief in seen:
                        keys.add(brief)
                    seen.add(brief)
    held = bool(dates or weight)
    statement = source.statement() if held else None
    issues = [IssueInfo(issue, statement)]
    extra = source.answering(requested.keys()) if requested else []
    keys.update(key for _, key, _ in extra)
    labels.update(source.ranks(keys - labels.keys()))

    # 2. where each id first appears (its name there, and its place among that brief's actors), in that order
    if fast:
        for ident, candidates in ties.items():
            firsts[ident] = (firsts[ident][0], min(candidates, key=order))
    else:
        firsts = {ident: _first(track, dated, order) for ident, (track, dated, _) in folding.items()}
    for ident, key, date in extra:
        if ident not in firsts or (date or "9999", order(key)) < (firsts[ident][0] or "9999", order(firsts[ident][1])):
            firsts[ident] = (date, key)
    if not fast:
        defined.update(source.actors([(ident, key) for ident, (_, key) in firsts.items()]))

    def settle(among: Collection[str]) -> None:
        """Read what orders `among` by appearance: the ids of the briefs where several first appear on one day,
        and the places of those first appearing in one brief (only these are compared)."""
        on_day: dict[str, list[str]] = {}
        for ident in among:
            on_day.setdefault(firsts[ident][0], []).append(ident)
        shared = [ident for same in on_day.values() if len(same) > 1 for ident in same]
        unranked = {firsts[ident][1] for ident in shared} - labels.keys()
        if unranked:
            labels.update(source.ranks(unranked))
        in_brief: dict[str, list[str]] = {}
        for ident in shared:
            in_brief.setdefault(firsts[ident][1], []).append(ident)
        unplaced = {(ident, key) for key, same in in_brief.items() if len(same) > 1 for ident in same}
        if unplaced - defined.keys():
            defined.update(source.actors(unplaced - defined.keys()))

    def appearance(ident: str) -> tuple[Any, ...]:  # brief order (date, then id), then the place in the brief
        date, key = firsts[ident]
        return date or "9999", labels.get(key, ""), int(key), defined.get((ident, key), (None, 1 << 30))[1], ident

    known = {} if fast else source.labels(list(firsts))  # names and aliases (fast: of the actors shown)
    for ident in firsts.keys() - folds.keys():
        folds[ident] = [folded for _, folded in known.get(ident) or ()] if not fast else []
    if fast and extra:  # ids answering --actor without a position
        for ident, labelled in source.labels([i for i, _, _ in extra if i not in weight]).items():
            folds[ident] = [folded for _, folded in labelled]
    keys_of, alike = _keys(firsts, folds)

    def briefs_of(ident: str) -> set[str]:  # to keep two actors of one brief apart
        track = as_read[ident] if ident in as_read else folding[ident][0] if ident in folding else None
        return set(track.briefs) if track else set()

    settle(alike)  # which actor an id joins depends on the order of those alike; the others are actors alone
    groups = _group_ids(sorted(alike, key=appearance), keys_of, briefs_of)
    groups += [(ident, [ident]) for ident in firsts if ident not in alike]

    # 3. the actors shown: those named, or those with positions (the `top` in the most briefs; ties: the first to
    # appear), in order of appearance, named as their first id is where it first appears
    matched: dict[str, str] = {}  # every folded id, name and alias → the actor's key (for --actor)
    if requested:
        for key, members in groups:
            for ident in members:
                for label in keys_of[ident]:
                    matched.setdefault(label, key)
        asked = {matched[name] for name in requested if name in matched}
        picked = [(key, members) for key, members in groups if key in asked]
    else:
        picked = [(key, members) for key, members in groups if any(m in weight for m in members)]
    hidden = 0
    if top is not None and len(picked) > top:
        totals = {key: weight.get(members[0], 0) if len(members) == 1 else sum(weight.get(m, 0) for m in members)
                  for key, members in picked}  # fmt: skip
        least = sorted(totals.values(), reverse=True)[top - 1]
        above = [pair for pair in picked if totals[pair[0]] > least]
        tied_at = [pair for pair in picked if totals[pair[0]] == least]
        settle([members[0] for _, members in tied_at])
        tied_at.sort(key=lambda pair: appearance(pair[1][0]))
        hidden = len(picked) - top
        picked = above + tied_at[: top - len(above)]
    settle([members[0] for _, members in picked])
    picked.sort(key=lambda pair: appearance(pair[1][0]))
    unnamed = {(members[0], firsts[members[0]][1]) for _, members in picked} - defined.keys()
    if unnamed:
        defined.update(source.actors(unnamed))
    if fast:
        known = source.labels([m for _, members in picked for m in members])
    shown = [(_actor(key, members, keys_of, known, defined, firsts, bool(requested)), members)
             for key, members in picked]  # fmt: skip
    if fast:
        keys = set()
        for ident in (m for _, members in shown for m in members if m in as_read):
            moved, dated, runs = _folding(as_read[ident], by, bad_dates, codes)
            folding[ident] = (moved, dated, runs)
            keys.update(tied(moved, runs))
            keys.update(change_keys(moved, runs))
        labels.update(source.ranks(keys - labels.keys()))

    # 4. fold each actor's track (several ids of one actor: their tracks merged), then lay out the periods
    described: dict[tuple[str, str], list[tuple[int, str, str, str]]] = {}  # (id, brief) → (place, date, id, text)
    if details:  # every change of the cells shown, ranked for their order
        wanted = {m for _, members in shown for m in members}
        for ident, date, key, label, text, place in source.changes():
            if ident in wanted:
                described.setdefault((ident, key), []).append((place, date, label, text))
                labels.setdefault(key, label)
    tracked: list[tuple[ActorInfo, Track | None, list[Run]]] = []
    more: set[str] = set()
    for group, members in shown:
        with_positions = [m for m in members if m in folding]
        if len(with_positions) > 1:
            track, dated, _ = _dated_first(_merge([folding[m][0] for m in with_positions], codes), bad_dates)
            runs = spans(track, by, dated)
            more.update(key for key in tied(track, runs) | change_keys(track, runs) if key not in labels)
            tracked.append((group, track, runs))
        elif with_positions:
            track, _, runs = folding[with_positions[0]]
            tracked.append((group, track, runs))
        else:
            tracked.append((group, None, []))
    if more:
        labels.update(source.ranks(more))
    folded_rows = [(group, kept, fold_track(kept, runs, by, order, regular, details) if kept else [])
                   for group, kept, runs in tracked]  # fmt: skip
    if not details:  # the texts of the changes noted
        noted = {(kept.actor_at(k), kept.briefs[k]) for _, kept, folded in folded_rows if kept
                 for cell in folded for kind, _, _, k in cell.notes if kind == "change"}  # fmt: skip
        for ident, date, key, label, text, place in source.change_texts(noted):
            described.setdefault((ident, key), []).append((place, date, label, text))
    counts = _period_counts(dates, by, bad_dates)
    for _, _, folded in folded_rows:
        for cell in folded:
            counts.setdefault(cell.period, 0)  # a position in a brief the dates missed: none should
    periods = _periods([], by, counts=counts)
    column_of = {period.key: n for n, period in enumerate(periods)}

    # 5. the cells: their positions from the tracks, or with details read from the index (every field, and the
    # briefs they are in), with the ids of the briefs of each period
    shown_positions: dict[tuple[str, str], list[dict[str, Any]]] = {}
    briefs: list[BriefInfo] = []
    index_of: dict[str, int] = {}
    read = details or fast  # the positions shown read from the index (fast: their tracks hold only stances)
    if read:
        wanted_cells = {(kept.actor_at(k), kept.dates[k]) for _, kept, folded in folded_rows if kept
                        for cell in folded for k in cell.latest}  # fmt: skip
        shown_positions = source.positions(wanted_cells, details)
    if details:
        infos = source.briefs({row["brief"] for rows in shown_positions.values() for row in rows})
        in_order = sorted(infos.items(), key=lambda i: (i[1][1] or "9999", i[1][0], int(i[0])))  # date, id
        for key, (ident, date, path, brief_title) in in_order:
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
            if read:
                k = cell.latest[0]
                found_rows = shown_positions.get((kept.actor_at(k), kept.dates[k]), [])
                if len(found_rows) > 1:  # several briefs of that day: the latest's, or a conflict in one brief
                    latest = kept.briefs[k]
                    found_rows = [row for row in found_rows if row["brief"] == latest]
                positions = tuple(_index_position(group.key, row, issue, index_of.get(row["brief"], -1))
                                  for row in found_rows)  # fmt: skip
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
            pending = tuple(_index_note(kind, kept, k, text, described, labels, cell) for kind, _, text, k
                            in cell.notes) if cell.notes else ()  # fmt: skip
            every = (tuple(_index_note("change", kept, k, "", described, labels) for k in cell.changes)
                     if details else None)  # fmt: skip
            cells[column_of[cell.period]] = Cell(positions, cell.changed, count=cell.briefs, pending=pending,
                                                 changes=every)  # fmt: skip
        if group.requested or (not requested and cells):  # with --actor, the actors named (even blank)
            line = SparseCells(len(periods), cells) if sparse else [cells.get(n) for n in range(len(periods))]
            rows.append(Row(group, line))
    title = issue + (f": {statement}" if statement else "")
    columns = [Column(period.key, period.key, "") for period in periods]
    grid = Grid("timeline", title, columns, rows, [], [], issue=issue, by=by, periods=periods, briefs=briefs,
                issues=issues, hidden=hidden, top=top)  # fmt: skip
    _finish(grid, sort, timeline=True)

    comparison = Comparison(briefs, issues if held else [], [row.actor for row in grid.rows], {})
    if not held:
        comparison.missing_issues = [issue]
        comparison.suggestions[issue] = closest(issue, source.issue_ids(), n=3)
    comparison.missing_actors = [name for key, name in requested.items() if key not in matched]
    for name in comparison.missing_actors:
        close = closest(fold(name), list(matched), n=3)
        comparison.suggestions[name] = list(dict.fromkeys(matched[c] for c in close))
    return comparison, grid


def _folding(track: Track, by: By, bad_dates: frozenset[str], codes: Mapping[str, Mapping[str, str | None]]
             ) -> tuple[Track, int, list[Run]]:  # fmt: skip
    """A track as read, ready to fold: its changes as Track's codes, undated positions last, its runs."""
    mine: dict[str, str | int | None] = {code: UNCHANGED if value is None else CHANGED
                                         for code, value in codes.get("change", {}).items()}  # fmt: skip
    if isinstance(track.changes, str) and track.changes and any(code != ours for code, ours in mine.items()):
        track.changes = track.changes.translate(str.maketrans(mine))
    moved, dated, _ = _dated_first(track, bad_dates)
    return moved, dated, spans(moved, by, dated)


def _keys(ids: Iterable[str], folds: Mapping[str, list[str]]) -> tuple[dict[str, list[str]], set[str]]:
    """Each id's keys (its folded form, then its folded names and aliases), and the ids sharing a key with another:
    those that may join another's actor."""
    keys_of: dict[str, list[str]] = {}
    holder: dict[str, str] = {}  # key → the first id holding it
    alike: set[str] = set()
    for ident in ids:
        keys = [fold(ident), *folds[ident]]
        keys_of[ident] = keys
        for key in keys:
            other = holder.setdefault(key, ident)
            if other != ident:
                alike.add(ident)
                alike.add(other)
    return keys_of, alike


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
    ids: list[str], keys_of: Mapping[str, list[str]], held_in: Callable[[str], set[str]]
) -> list[tuple[str, list[str]]]:  # fmt: skip
    """Actor ids sharing keys with others (in order of first appearance) → actors, each as its key and its ids: an
    id joins the actor that an earlier id of the same folded form, else one of its names or aliases (keys_of: an
    id's folded form, then its folded names and aliases), belongs to, unless the two have positions in one brief
    (`held_in`: the briefs where an id has one). An actor's key is its first id."""
    groups: list[tuple[str, list[str]]] = []
    by_id: dict[str, int] = {}
    by_name: dict[str, int] = {}
    held: dict[int, set[str]] = {}  # group → the briefs where its ids have positions (made when first asked)
    briefs: dict[str, set[str]] = {}

    def briefs_of(ident: str) -> set[str]:
        found = briefs.get(ident)
        if found is None:
            found = briefs[ident] = held_in(ident)
        return found

    def apart(ident: str, number: int) -> bool:
        together = held.get(number)
        if together is None:
            together = held[number] = set().union(*(briefs_of(m) for m in groups[number][1]))
        return not together.isdisjoint(briefs_of(ident))

    for ident in ids:
        keys = keys_of[ident]
        number = by_id.get(keys[0])
        if number is not None and apart(ident, number):
            number = None
        if number is None:
            number = next((n for key in keys[1:] if (n := by_name.get(key)) is not None and not apart(ident, n)),
                          None)  # fmt: skip
        if number is None:
            number = len(groups)
            groups.append((ident, []))
        groups[number][1].append(ident)
        if number in held:
            held[number] |= briefs_of(ident)
        by_id.setdefault(keys[0], number)
        for key in keys:
            by_name.setdefault(key, number)
    return groups


def _actor(
    key: str, members: list[str], keys_of: Mapping[str, list[str]], labels: Mapping[str, list[tuple[str, str]]],
    defined: Mapping[tuple[str, str], Defined], firsts: Mapping[str, tuple[str, str]], requested: bool,
) -> ActorInfo:  # fmt: skip
    """An actor shown, named as its first id is where it first appears, with the other names and aliases of its
    ids."""
    first = members[0]
    name = defined.get((first, firsts[first][1]), (None, 0))[0] or first
    actor = ActorInfo(key, name, list(members), requested=requested)
    seen = {name}
    for ident in members:
        actor._keys.update(keys_of[ident])
        for label, _ in labels.get(ident) or ():
            if label not in seen:
                seen.add(label)
                actor.aliases.append(label)
    return actor


def _merge(tracks: list[Track], codes: Mapping[str, Mapping[str, str | None]]) -> Track:
    """One track of several ids' tracks, in date order (then brief, then place), each position keeping its id;
    their values as text when some tracks hold codes and others not."""
    as_codes = all(isinstance(t.stances, str) for t in tracks) or not any(isinstance(t.stances, str) for t in tracks)

    def column(name: str, held: list[Sequence[str]]) -> list[str]:
        found: list[str] = []
        for track, values in zip(tracks, held, strict=True):
            if not values:
                found += [""] * len(track.dates)
            elif as_codes or not isinstance(values, str):
                found += values
            else:
                found += [codes[name].get(value) or "" for value in values]
        return [found[k] for k in order]

    dates = [date for track in tracks for date in track.dates]
    briefs = [brief for track in tracks for brief in track.briefs]
    places = [place for track in tracks for place in (track.order or [0] * len(track.dates))]
    by = list(zip(dates, briefs, places, strict=True))
    order = sorted(range(len(dates)), key=by.__getitem__)  # tuples compared in C
    stances = column("stance", [t.stances for t in tracks])
    bases = column("basis", [t.bases for t in tracks])
    confidences = column("confidence", [t.confidences for t in tracks])
    changes = [code for track in tracks for code in (track.changes or UNCHANGED * len(track.dates))]  # codes
    actors = [track.actor_at(k) for track in tracks for k in range(len(track.dates))]
    text = isinstance(tracks[0].stances, str) and as_codes
    return Track(tracks[0].actor, [dates[k] for k in order], [briefs[k] for k in order],
                 "".join(stances) if text else stances, "".join(bases) if text else bases,
                 "".join(confidences) if text else confidences, [actors[k] for k in order],
                 [places[k] for k in order] if any(t.order for t in tracks) else None,
                 "".join(changes[k] for k in order))  # fmt: skip


Described = Mapping[tuple[str, str], list[tuple[int, str, str, str]]]  # (id, brief key) → (place, date, id, text)


def _index_note(
    kind: NoteKind, track: Track, k: int, text: str, described: Described, labels: Mapping[str, str],
    cell: Folded | None = None,
) -> PendingNote:  # fmt: skip
    """A note of a folded cell about the position k of a track (its brief's change, or a conflict there), labelled
    as that brief's column is by brief ("date id"); a cell's change says how many earlier ones its period has."""
    key = track.briefs[k]
    date, ident = track.dates[k], labels.get(key, key)
    if kind == "change":
        found = described.get((track.actor_at(k), key)) or [(0, date, ident, "")]
        if len(found) > 1 and track.order is not None:  # two positions of the actor in the brief: its own
            found = [entry for entry in found if entry[0] == track.order[k]] or found
        _, date, ident, text = found[0]
    where = f"{date or '(no date)'} {ident}"
    if cell is not None and kind == "change":
        return PendingNote(kind, where, text, ident, date, cell.earlier, cell.period)
    return PendingNote(kind, where, text, ident, date)


def _period_counts(dates: Mapping[str, int], by: By, bad_dates: frozenset[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    key = period_key(by)
    for date, count in dates.items():
        period = UNDATED if date in bad_dates else key(date)
        counts[period] = counts.get(period, 0) + count
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

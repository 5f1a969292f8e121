"""Time in comparisons over time: calendar periods (day, month, quarter, year) and the tracks of one actor's
positions on one issue folded into them. Pure functions over strings and tuples; nothing reads files."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, NamedTuple

# -- periods -----------------------------------------------------------------------------------------------------

By = Literal["brief", "day", "month", "quarter", "year"]
PERIODS: tuple[By, ...] = ("brief", "day", "month", "quarter", "year")  # finest first
UNDATED = "undated"  # the period of briefs without a calendar date: the last column of a folded timeline
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_AFTER = "\U0010ffff"  # a date followed by this sorts after that date and after anything written after it


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# every month and day a calendar date can have ('02-29' in a leap year only)
_MONTH_DAYS_OF_YEAR = frozenset(f"{month:02d}-{day:02d}" for month in range(1, 13)
                                for day in range(1, _MONTH_DAYS[month - 1] + 1 + (month == 2)))  # fmt: skip


@lru_cache(maxsize=1 << 16)  # a collection has a few thousand dates, each read many times
def calendar_date(text: str) -> bool:
    """Whether `text` is a calendar date, YYYY-MM-DD, with a time after 'T' or a space allowed (and ignored)."""
    if len(text) < 10 or (len(text) > 10 and text[10] not in "T ") or text[4] != "-" or text[7] != "-":
        return False
    year, month_day = text[:4], text[5:10]
    if not (year.isascii() and year.isdigit()) or month_day not in _MONTH_DAYS_OF_YEAR:
        return False
    return month_day != "02-29" or _leap(int(year))


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

    __slots__ = ("_briefs", "_dates", "actor", "actors", "bases", "changes", "confidences", "order", "stances")

    def __init__(
        self, actor: str, dates: list[str] | str, briefs: list[str] | str, stances: Sequence[str],
        bases: Sequence[str] = "", confidences: Sequence[str] = "", actors: list[str] | None = None,
        order: list[int] | None = None, changes: Sequence[str] = "",
    ) -> None:  # fmt: skip
        self.actor = actor  # the actor's id in the briefs
        self._dates = dates  # the date of the brief holding each position ('' when it has none), or them joined by ','

        self._briefs = briefs  # which brief holds each position: a key the caller ranks and describes
        self.stances = stances  # each position's stance ('' if none), or a string of one-letter codes of stances
        self.bases = bases  # the same of basis and confidence (empty when not read: the caller has the positions)
        self.confidences = confidences
        self.actors = actors  # each position's actor id, when the track merges several ids of one actor
        self.order = order  # each position's place in its brief, when two of one brief may not come in order
        # each position's `change` text ('' if none), or a string of CHANGED / UNCHANGED codes whose texts the
        # caller reads for the notes shown; empty: no change anywhere
        self.changes = changes

    @property
    def dates(self) -> list[str]:
        if isinstance(self._dates, str):
            self._dates = self._dates.split(",")
        return self._dates

    def first_day(self) -> tuple[str, int]:
        """The first date, and how many positions bear it (without splitting a string of dates for one)."""
        dates = self._dates
        if isinstance(dates, str):
            comma = dates.find(",")
            if comma < 0:
                return dates, 1
            second = dates.find(",", comma + 1)
            if dates[comma + 1 : second if second >= 0 else len(dates)] != dates[:comma]:
                return dates[:comma], 1
            dates = self.dates
        same = 1
        while same < len(dates) and dates[same] == dates[0]:
            same += 1
        return (dates[0] if dates else ""), same

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
CHANGED, UNCHANGED = "c", "-"  # a track's changes as codes: whether each position gives a `change`


class PendingNote(NamedTuple):
    """A note about a cell, before the grid numbers its notes in reading order."""

    kind: NoteKind
    where: str  # the column label, or the brief's label ("date id") when a cell holds several briefs
    text: str
    brief: str | None = None  # the id and date of the brief it is about (None: a brief's own issue grid)
    date: str | None = None
    earlier: int = 0  # a change in a period: how many earlier changes of the actor the period holds
    period: str | None = None  # …and that period


Defined = tuple[str | None, int]  # an actor as a brief defines it: its name, and its place among the actors


class Folded(NamedTuple):
    """One cell of a folded timeline, before its positions are made: which positions of a track it shows."""

    period: str
    latest: list[int]  # the positions (indexes in the track) of the latest brief of the period: several conflict
    changed: bool  # the actor's stances in the period, and its latest stance before it, are not all the same
    briefs: int  # briefs of the period in which the actor has a position
    # (kind, brief key, text, position): conflicts in brief order, then the latest change of the period (its
    # text '' when the track holds codes: the caller reads it)
    notes: list[tuple[NoteKind, str, str, int]]
    earlier: int = 0  # changes of the period before the one noted
    changes: Sequence[int] = ()  # with every_change: each position of the period giving a change, in brief order


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
                  pick(track.stances), pick(track.bases), pick(track.confidences), actors, places,
                  pick(track.changes))  # fmt: skip
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


def changed_at(track: Track, start: int, end: int) -> list[int]:
    """The positions in [start, end) that give a `change`, in track order."""
    changes = track.changes
    if not changes:
        return []
    if isinstance(changes, str):
        found = []
        k = changes.find(CHANGED, start, end)
        while k >= 0:
            found.append(k)
            k = changes.find(CHANGED, k + 1, end)
        return found
    return [k for k in range(start, end) if changes[k]]


def _last_changes(track: Track, period: str, start: int, end: int) -> list[int]:
    """The positions of a run that may be its latest change: those giving a change on the latest day that has one
    (several to rank by brief), or in the undated period every one; [] when none gives a change."""
    changes = track.changes
    if not changes:
        return []
    if period == UNDATED:
        return changed_at(track, start, end)
    if isinstance(changes, str):
        last = changes.rfind(CHANGED, start, end)
    else:
        last = next((k for k in range(end - 1, start - 1, -1) if changes[k]), -1)
    if last < 0:
        return []
    dates = track.dates
    coded = isinstance(changes, str)
    found = [last]
    k = last - 1
    while k >= start and dates[k] == dates[last]:  # the dated positions of a run are in date order
        if (changes[k] == CHANGED) if coded else changes[k]:
            found.append(k)
        k -= 1
    return found


def change_keys(track: Track, runs: list[tuple[str, int, int]]) -> set[str]:
    """The briefs whose order must be known to find each period's latest change: those sharing its day."""
    keys: set[str] = set()
    if not track.changes:
        return keys
    for period, start, end in runs:
        candidates = _last_changes(track, period, start, end)
        if len(candidates) > 1:
            briefs = track.briefs
            keys.update(briefs[k] for k in candidates)
    return keys


def fold_track(
    track: Track, runs: list[tuple[str, int, int]], by: By, order: Callable[[str], Any], regular: bool = False,
    every_change: bool = False,
) -> list[Folded]:  # fmt: skip
    """The cells of a track, one per period it has a position in (`runs`, from `spans`). `order` ranks the briefs
    that share a date (those `tied` and `change_keys` name are enough); `regular`: no brief holds two of the
    track's positions (only an invalid brief can), so that none is looked for. Each cell shows the latest brief's
    positions, marked changed when the actor's stances in the period and its latest stance before it are not all
    the same. Its note is the period's latest `change` (the one that led to the stance shown, when the briefs
    explain it), with how many earlier ones the period holds; `every_change` lists them all."""
    dates, stances = track.dates, track.stances
    regular = regular or len(set(track.briefs)) == len(dates)
    places = track.order

    def change_rank(k: int) -> tuple[Any, ...]:  # brief order: date (none last), then the brief, then its place
        return dates[k] or "9999", order(track.briefs[k]), places[k] if places is not None else k

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
        if len(latest) > 1 and places is not None:  # a conflict: the brief's positions in its order
            latest.sort(key=places.__getitem__)
        if last == start:
            stance = stances[start]
            changed = previous is not None and (len(previous) > 1 or stance not in previous)
            previous = {stance}
        else:
            held = set(stances[start:end])
            changed = len(held | previous) > 1 if previous is not None else len(held) > 1
            previous = {stances[k] for k in latest}
        count = end - start
        notes: list[tuple[NoteKind, str, str, int]] = []
        if not regular:
            repeated: dict[str, list[int]] = {}
            for k in range(start, end):
                repeated.setdefault(track.briefs[k], []).append(k)
            count = len(repeated)
            conflicts = [b for b, ks in repeated.items() if len(ks) > 1]
            for brief in sorted(conflicts, key=lambda b: (dates[repeated[b][0]] or "9999", order(b))):
                ks = repeated[brief]
                if places is not None:
                    ks.sort(key=places.__getitem__)
                listed = ", ".join(stances[k] or "(none)" for k in ks)
                notes.append(("conflict", brief, _conflict_text(len(ks), listed), ks[0]))
        earlier = 0
        every: list[int] = []
        candidates = _last_changes(track, period, start, end)
        if candidates:
            noted = max(candidates, key=change_rank) if len(candidates) > 1 else candidates[0]
            text = "" if isinstance(track.changes, str) else track.changes[noted]
            notes.append(("change", track.briefs[noted], text, noted))
            if every_change:
                every = sorted(changed_at(track, start, end), key=change_rank)
                earlier = len(every) - 1
            elif isinstance(track.changes, str):
                earlier = track.changes.count(CHANGED, start, end) - 1
            else:
                earlier = len(changed_at(track, start, end)) - 1
        folded.append(Folded(period, latest, changed, count, notes, earlier, every))
    return folded


def period_key(by: By) -> Callable[[str], str]:
    """The period of a calendar date ('2021-09-28' → '2021-Q3' by quarter), without checking that it is one."""
    if by == "brief":
        raise ValueError("a brief is its own period")
    return _PERIOD_KEY[by]


def _period_or_undated(date: str, by: By) -> str:
    return _PERIOD_KEY[by](date) if calendar_date(date) else UNDATED


def _undated_key(dates: list[str], briefs: list[str], brief: str, start: int, end: int) -> str:
    """The date an undated brief sorts by (as comparisons order briefs: none sorts last)."""
    return next(dates[k] for k in range(start, end) if briefs[k] == brief) or "9999"


def _conflict_text(count: int, stances: str) -> str:
    return f"{count} positions in one brief, which `brief validate` reports as duplicate-position: {stances}"

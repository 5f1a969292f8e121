"""Views of a comparison: grids of one brief (actors × issues) and timelines of one issue (actors × briefs or
periods), their cells, notes and totals, and the text of cells and legends."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, overload

from brief.analysis.periods import (
    UNDATED,
    By,
    Folded,
    NoteKind,
    PendingNote,
    Period,
    Track,
    _conflict_text,
    _dated_first,
    calendar_date,
    fold_track,
    period_bounds,
    period_of,
    spans,
)
from brief.analysis.positions import (
    _NO_POSITION_RANK,
    _RANK,
    ActorInfo,
    BriefInfo,
    Comparison,
    IssueInfo,
    Position,
    Sort,
)
from brief.base.text import fold
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
    # every change the cell's briefs give (folded: each of the period, in brief order; json and csv list them),
    # when they were read; else the change notes
    changes: tuple[PendingNote, ...] | None = None

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


def goes_sparse(cells: int) -> bool:
    """Whether a timeline of this many cells keeps only each row's filled cells (SparseCells)."""
    return cells > DENSE_CELLS


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
    earlier: int = 0  # a folded cell's change: how many earlier changes its period holds (not noted)
    period: str | None = None


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
    hidden: int = 0  # actors with positions left out by a cap on rows (top), the fewest briefs first
    top: int | None = None  # that cap


def issue_grid(comparison: Comparison, brief: int = 0, sort: Sort | None = None, top: int | None = None) -> Grid:
    """One brief: actors as rows, the compared issues as columns (an issue nobody holds is a blank column); with
    `top`, the `top` actors holding the most positions (see top_rows)."""
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
    return _finish(grid, sort, timeline=False, top=top)


def timeline_grid(
    comparison: Comparison, issue: str, sort: Sort | None = None, by: By = "brief", top: int | None = None
) -> Grid:
    """One issue over time: actors as rows; as columns the briefs holding the issue in date order, or (`by` a
    period) the periods holding them, oldest first and `undated` last. By brief, a stance that differs from the
    actor's previous one is marked changed and a brief's `change` text becomes a note. By period, a cell shows
    the actor's latest stance in the period, marked changed when its stances in the period (and the latest before
    it) are not all the same, and the period's latest `change` text becomes a note (with how many earlier ones it
    holds). With `top`, the `top` actors with positions in the most briefs (see top_rows)."""
    briefs = [b for b in comparison.briefs if issue in b.issues]
    statement = next((i.statement for i in comparison.issues if i.id == issue and i.statement), None)
    title = issue + (f": {statement}" if statement else "")
    issues = [IssueInfo(issue, statement)]
    if by != "brief":
        return _folded_grid(comparison, briefs, issue, title, issues, sort, by, top)
    columns = [Column(b.index, b.label, b.title or "") for b in briefs]
    column_of = {b.index: n for n, b in enumerate(briefs)}
    held: dict[str, dict[int, list[Position]]] = {}  # actor → brief → positions: each actor reads its own only
    for (key, position_issue, index), positions in comparison.positions.items():
        if position_issue == issue and index in column_of:
            held.setdefault(key, {})[index] = positions
    sparse = goes_sparse(len(briefs) * len(comparison.actors))
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
    return _finish(grid, sort, timeline=True, top=top)


def _folded_grid(
    comparison: Comparison, briefs: list[BriefInfo], issue: str, title: str, issues: list[IssueInfo],
    sort: Sort | None, by: By, top: int | None,
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
        track = Track(actor.key, dates, [str(index) for index, _ in entries], [p.stance for _, p in entries],
                      changes=[p.change or "" for _, p in entries])  # fmt: skip
        kept = [p for _, p in entries]
        moved, dated, order = _dated_first(track, bad_dates)
        if order is not None:
            kept = [kept[k] for k in order]
        cells: list[Cell | None] = [None] * len(periods)
        for folded in fold_track(moved, spans(moved, by, dated), by, int, every_change=True):
            pending = tuple(_pending(kind, comparison.briefs[int(key)], text, folded, n == len(folded.notes) - 1)
                            for n, (kind, key, text, _) in enumerate(folded.notes))  # fmt: skip
            every = tuple(_pending("change", comparison.briefs[int(moved.briefs[k])], kept[k].change or "")
                          for k in folded.changes)  # fmt: skip
            shown = tuple(kept[k] for k in folded.latest)
            cells[column_of[folded.period]] = Cell(shown, folded.changed, count=folded.briefs, pending=pending,
                                                   changes=every)  # fmt: skip
        if any(cells) or actor.requested:
            rows.append(Row(actor, cells))
    columns = [Column(period.key, period.key, "") for period in periods]
    grid = Grid("timeline", title, columns, rows, [], [], issue=issue, by=by, periods=periods,
                briefs=comparison.briefs, issues=issues)  # fmt: skip
    return _finish(grid, sort, timeline=True, top=top)


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


def top_rows(rows: list[Row], top: int) -> tuple[list[Row], int]:
    """The `top` rows whose actors hold positions in the most briefs (a folded cell counts the briefs of its period
    the actor has a position in; an issue grid's, one each), in their order; ties go to the earlier row. Actors
    named by --actor (requested) are always kept. Returns the rows kept and how many with positions were not."""
    if len(rows) <= top:
        return rows, 0
    weight = {id(row): sum(cell.count for _, cell in filled(row.cells)) for row in rows}
    ranked = sorted((row for row in rows if not row.actor.requested), key=lambda row: -weight[id(row)])
    kept = {id(row) for row in ranked[:top]} | {id(row) for row in rows if row.actor.requested}
    hidden = sum(1 for row in ranked[top:] if weight[id(row)])
    return [row for row in rows if id(row) in kept], hidden


def _finish(grid: Grid, sort: Sort | None, timeline: bool, top: int | None = None) -> Grid:
    if top is not None:
        grid.rows, grid.hidden = top_rows(grid.rows, top)
        grid.top = top
    grid.rows = _sorted(grid.rows, sort, timeline)
    grid.totals = _totals(grid.rows, len(grid.columns))
    # notes in reading order: row by row, left to right
    for row in grid.rows:
        for _, cell in filled(row.cells):
            if cell.pending:
                cell.notes = tuple(_note(grid, row.actor.name, pending) for pending in cell.pending)
    return grid


def _pending(kind: NoteKind, brief: BriefInfo, text: str, folded: Folded | None = None, last: bool = False
             ) -> PendingNote:  # fmt: skip
    """A note about a brief; the last note of a folded cell (its change) says how many earlier ones it has."""
    if folded is not None and last and kind == "change":
        return PendingNote(kind, brief.label, text, brief.id, brief.date, folded.earlier, folded.period)
    return PendingNote(kind, brief.label, text, brief.id, brief.date)


def _note(grid: Grid, actor: str, pending: PendingNote) -> int:
    number = len(grid.notes) + 1
    grid.notes.append(Note(number, pending.kind, actor, pending.where, pending.text, pending.brief, pending.date,
                           pending.earlier, pending.period))  # fmt: skip
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

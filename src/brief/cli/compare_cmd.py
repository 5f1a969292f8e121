"""`brief compare`: actors' positions on issues, in one brief (actors × issues) or on one issue over time.

The comparison itself is brief.analysis (pure), its rendering brief.render.compare; this module
parses the options, loads the briefs (reporting the ones that are invalid or unreadable), and maps problems to
exit codes. Heavy modules (tabulate, csv, json, the checker, the index) are imported inside functions so that
`brief compare --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

from brief.base.text import neutralise
from brief.base.vocabulary import CHANGE_MARK, CONFIDENCE_LETTERS, CONFLICT_MARK, INFERRED_MARK, STANCE_SCALE
from brief.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from brief.cli.completion import completer
from brief.cli.options import (
    TableFormat,
    filter_options,
    filters_from,
    handle_errors,
    load_ref_or_exit,
    open_collection,
)
from brief.render.compare import COMPARE_FORMATS
from brief.render.records import current_prefix, display_path

if TYPE_CHECKING:
    import sqlite3

    from brief.analysis.grids import Grid
    from brief.analysis.periods import By
    from brief.analysis.positions import BriefRecord, Comparison, Sort
    from brief.format.diagnostics import FileResult
    from brief.query.positions import IssueTimeline

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:
    # click 8.2+ types ParamType by what it converts to; older clicks (which pyproject allows) cannot subscript it
    IntBase = click.ParamType[int]
else:
    IntBase = click.ParamType

DEFAULT_TOP = 25  # the actors a table shows, those with positions in the most briefs (--top; --long, csv, json: all)
ALL = 0  # --top all


class Top(IntBase):
    """--top N (at least 1) or all (also 0)."""

    name = "N|all"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().lower()
        if text == "all":
            return ALL
        if text.isdigit():
            return int(text)
        self.fail(f"{value!r} is not a number of actors or 'all'", param, ctx)


def _help_lines(items: list[str], first: str, width: int = 80) -> str:
    """Items joined with spaces, as many to a line as fit in `width`, none split across lines."""
    lines = [first]
    for item in items:
        if len(lines[-1]) + 1 + len(item) > width:
            lines.append(item)
        else:
            lines[-1] += " " + item
    return "\n    ".join(lines)


# the symbols of the table, from the vocabulary (as the legend under a table)
_SYMBOLS_HELP = _help_lines(
    [f"{stance.symbol} {stance.words}," for stance in STANCE_SCALE]
    + ["blank no position;", f"{INFERRED_MARK} inferred (else stated);"]
    + [f"{'/'.join(CONFIDENCE_LETTERS.values())} confidence;", f"{CHANGE_MARK} changed;"]
    + [f"{CONFLICT_MARK} conflicting positions."],
    "Symbols:",
)


def _with_symbols(command: F) -> F:
    """Writes the symbols into the command's help (its docstring's {symbols})."""
    command.__doc__ = (command.__doc__ or "").replace("{symbols}", _SYMBOLS_HELP)
    return command


@click.command()
@click.argument("refs", nargs=-1, metavar="[REF]...", shell_complete=completer("brief"))
@click.option("--issue", "issues", multiple=True, metavar="ID", help="Compare this issue (repeatable).",
              shell_complete=completer("issue"))  # fmt: skip
@click.option(
    "--actor", "actors", multiple=True, metavar="ID", help="Show this actor, by id, name or alias (repeatable).",
    shell_complete=completer("actor"),
)
@click.option(
    "--by",
    type=click.Choice(["brief", "day", "month", "quarter", "year"]),
    help="Over time, one column per brief or per period (the latest stance in each) [default: the finest that "
    "fits the terminal; 12 columns at most when not on one].",
)
@click.option(
    "--top",
    type=Top(),
    help=f"Show the N actors with positions in the most briefs, or all [default: {DEFAULT_TOP} in a table, "
    "all with --long, csv and json].",
)
@click.option(
    "--sort",
    type=click.Choice(["stance", "name", "power"]),
    help="Order rows: most supportive first, by name, or most powerful first [default: as in the brief].",
)
@click.option("--words", is_flag=True, help="Stances in words instead of symbols.")
@click.option(
    "--long",
    "long_view",
    is_flag=True,
    help="One issue in full: a row per actor (over time, per actor and brief) with basis, confidence, salience, "
    "power, rationale and sources.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(COMPARE_FORMATS),
    default="table",
    show_default=True,
    help="table for people; csv (one row per position) and json for programs; markdown or html to publish.",
)
@click.option(
    "--tablefmt",
    type=TableFormat(),
    help="tabulate style of --format table: simple (default), grid (default with --long), github, latex, …",
)
@filter_options(skip=("actor", "issue"))
@click.option("--no-refresh", is_flag=True, help="Use the collection's index as it is (across briefs).")
@handle_errors
@_with_symbols
def compare(
    refs: tuple[str, ...],
    issues: tuple[str, ...],
    actors: tuple[str, ...],
    by: str | None,
    top: int | None,
    sort: str | None,
    words: bool,
    long_view: bool,
    output_format: str,
    tablefmt: str | None,
    no_refresh: bool,
    **filters: Any,
) -> None:
    """Compare actors' positions on issues.

    With one REF (a brief file): its actors as rows and its issues as columns. With --issue ID and PATHs
    (several files, or folders searched recursively): each actor's stance on that issue over time, one
    column per brief in date order, or per day, month, quarter or year when that many columns would not fit
    (--by). Without a path, --issue searches the current folder.

    \b
    {symbols}

    \b
    Exit codes: 0 compared (invalid briefs are compared as written, with a warning);
    1 an --issue or --actor no brief holds, or an unreadable brief; 2 usage error.
    """
    from brief.analysis.grids import issue_grid
    from brief.analysis.positions import compare as compare_positions

    if tablefmt and output_format != "table":
        raise click.UsageError(f"--tablefmt styles --format table; it does not apply to --format {output_format}.")
    single = len(refs) == 1 and not os.path.isdir(refs[0])
    if not refs and not issues:
        raise click.UsageError("give a brief to compare, or --issue ID and the files or folders to follow it in.")
    if not single and not issues:
        raise click.UsageError("comparing several briefs (or a folder) needs --issue ID: the issue to follow.")
    order = cast("Sort | None", sort)
    width = _table_width() if output_format == "table" else None
    if top is None and not long_view and output_format not in ("json", "csv"):
        top = DEFAULT_TOP
    rows = None if actors or top == ALL else top  # the actors named are the rows

    if single:
        record = _load_one(refs[0])
        comparison = compare_positions([record], issues, actors)
        _check_found([comparison], f"in brief {record.id}")
        grids = [issue_grid(comparison, 0, order, rows)]
        if long_view and len(grids[0].columns) != 1:
            held = ", ".join(column.label for column in grids[0].columns) or "none"
            raise click.UsageError(f"--long shows one issue: add --issue ID (this brief's issues: {held}).")
    else:
        view = _Timelines(refs, filters, actors, order, words, tablefmt, output_format, rows)
        grids, comparisons = view.answer(no_refresh, list(dict.fromkeys(issues)), cast("By | None", by), long_view,
                                         width)  # fmt: skip
        _check_found(comparisons, "in any brief compared")

    from brief.render.compare import render_comparison

    period = cast("By", by) if long_view and by and by != "brief" else None
    with _no_cycle_collection():
        text = render_comparison(grids, output_format, tablefmt, words, long_view, width, period)
    click.echo(text, nl=not text.endswith("\n"))
    sys.exit(EXIT_OK)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: a timeline over tens of thousands of briefs makes a million small objects
    and no cycles, and the collector's passes over them took a third of the time (references still free them)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Timelines:
    """Timelines of issues across a collection, from its index: folded by period when that many columns would
    not fit (or as asked), by brief otherwise."""

    def __init__(
        self, refs: tuple[str, ...], options: dict[str, Any], actors: tuple[str, ...], sort: Sort | None,
        words: bool, tablefmt: str | None, output_format: str, top: int | None,
    ) -> None:  # fmt: skip
        from brief.base.text import fold

        self.refs = refs
        self.options = options
        self.actors = actors
        self.folded_actors = [fold(name) for name in actors]
        self.sort = sort
        self.top = top
        self.words = words
        self.tablefmt = tablefmt
        self.details = output_format in ("json", "csv") or sort == "power"
        self.table = output_format not in ("json", "csv")
        self.warnings: list[str] = []  # said once the answer stands (a question asked twice would say them twice)
        self.warned: set[str] = set()

    def answer(
        self, no_refresh: bool, issues: list[str], by: By | None, long_view: bool, width: int | None
    ) -> tuple[list[Grid], list[Comparison]]:
        """The grids and comparisons of `issues`, asked of the index while its freshness check runs (as search
        does): when nothing changed, the common case, that answer stands, else it is asked again of the updated
        index. The question only collects what it has to say; it is said here, once."""
        paths = tuple(ref for ref in self.refs if os.path.exists(ref))
        index = open_collection(paths, no_refresh)
        self.filters = filters_from(self.options, index.collection.schema)
        self.filters.ids = [ref for ref in self.refs if not os.path.exists(ref)]

        def question(db: sqlite3.Connection) -> tuple[list[Grid], list[Comparison]] | Exception:
            self.db = db
            self.warnings, self.warned = [], set()
            try:
                with _no_cycle_collection():
                    return self._ask(issues, by, long_view, width)
            except (click.UsageError, _Missing) as exc:  # on a stale index it may not hold: decided on the answer
                return exc

        answered = index.answer(question)
        for message in self.warnings:
            _warn(message)
        if isinstance(answered, _Missing):
            _fail(str(answered), EXIT_USAGE)
        if isinstance(answered, Exception):
            raise answered
        return answered

    def _ask(
        self, issues: list[str], by: By | None, long_view: bool, width: int | None
    ) -> tuple[list[Grid], list[Comparison]]:
        from brief.query.positions import existing_ids, invalid_briefs, unreadable

        ids = self.filters.ids
        if ids:
            found = existing_ids(self.db, ids)
            for missing in (ident for ident in ids if ident not in found):
                raise _Missing(f"no brief file or id '{missing}'")
        self.invalid = invalid_briefs(self.db)
        for path, first in unreadable(self.db, self.invalid):
            where = f" at {first.get('line')}:{first.get('column')}" if first.get("line") else ""
            message = f"{first.get('rule')}{where}: {first.get('message')}"
            self.warnings.append(f"{display_path(path)}: cannot be read ({message}); skipped")
        return self.build(issues, by, long_view, width)

    def build(
        self, issues: list[str], by: By | None, long_view: bool, width: int | None
    ) -> tuple[list[Grid], list[Comparison]]:
        from brief.analysis.periods import column_counts
        from brief.analysis.positions import Comparison
        from brief.query.positions import IssueTimeline

        grids, comparisons = [], []
        for issue in issues:
            source = IssueTimeline(self.db, issue, self.filters, invalid=self.invalid)
            if not long_view and by != "brief" and source.held() > (width // 10 if width else MAX_COLUMNS):
                source.prefetch()  # too many briefs for a column each (10 wide at least): folded, read ahead
            for path, count, first in source.invalid():
                self._warn_invalid(path, count, first)
            dates = source.dates()
            if not dates:
                from brief.base.text import closest

                near = {issue: closest(issue, source.issue_ids(), n=3)}
                comparisons.append(Comparison([], [], [], {}, missing_issues=[issue], suggestions=near))
                continue
            made: dict[str, tuple[Comparison, Grid]] = {}
            if long_view:
                chosen: By = "brief"
            elif by is not None:
                chosen = by
                columns = column_counts(dates)[by]
                if self.table and columns > MAX_TABLE_COLUMNS:
                    raise click.UsageError(
                        f"--by {by} would make {columns:,} columns for {issue}, more than a table shows "
                        f"({MAX_TABLE_COLUMNS:,}); fold them further (--by month, quarter or year), or list "
                        "every brief with --long, --format csv or --format json."
                    )
            else:
                chosen = self._choose(column_counts(dates), width, source, issue, made)
            comparison, grid = made.get(chosen) or self._grid(source, issue, chosen)
            comparisons.append(comparison)
            grids.append(grid)
        return grids, comparisons

    def _grid(self, source: IssueTimeline, issue: str, by: By) -> tuple[Comparison, Grid]:
        from brief.analysis.grids import timeline_grid
        from brief.analysis.positions import compare as compare_positions
        from brief.analysis.timeline import index_timeline

        if by == "brief":
            comparison = compare_positions(self._records(issue), [issue], self.actors)
            return comparison, timeline_grid(comparison, issue, self.sort, top=self.top)
        comparison, grid = index_timeline(source, issue, by, self.sort, self.actors, self.details, self.top)
        prefix = current_prefix()
        for brief in grid.briefs:
            brief.path = display_path(brief.path, prefix) or brief.path
        return comparison, grid

    def _choose(
        self, counts: dict[By, int], width: int | None, source: IssueTimeline, issue: str,
        made: dict[str, tuple[Comparison, Grid]],
    ) -> By:  # fmt: skip
        """The finest period whose table fits the terminal (its columns numbered if need be), or that makes at
        most 12 columns when not writing to a terminal; years when none does. The grids tried are kept in
        `made`."""
        from brief.analysis.periods import PERIODS
        from brief.render.compare import fits

        if width is None:
            return next((period for period in PERIODS if counts[period] <= MAX_COLUMNS), "year")
        narrowest = 32 if self.words else 10  # a column is at least as wide as its totals, and two spaces
        for period in PERIODS:
            if len("totals") + counts[period] * narrowest > width:
                continue
            made[period] = self._grid(source, issue, period)
            if fits(made[period][1], width, self.tablefmt, self.words):
                return period
        return "year"

    def _records(self, issue: str) -> list[BriefRecord]:
        """Every brief holding the issue, as records of what a comparison by brief reads (no file is parsed)."""
        from brief.analysis.positions import BriefRecord
        from brief.query.positions import briefs_with_issues

        prefix = current_prefix()
        briefs = briefs_with_issues(self.db, [issue], self.filters, actors=self.folded_actors)
        return [BriefRecord(b.id, b.date, display_path(b.path, prefix) or b.path, b.data) for b in briefs]

    def _warn_invalid(self, path: str, count: int, first: dict[str, Any] | None) -> None:
        if path in self.warned:
            return
        self.warned.add(path)
        first = first or {}
        where = f" at {first.get('line')}:{first.get('column')}" if first.get("line") else ""
        self.warnings.append(
            f"{display_path(path)}: invalid brief ({count} error{'s' if count != 1 else ''}, first "
            f"{first.get('rule')}{where}: {first.get('message')}); compared as written"
        )


class _Missing(Exception):
    """A brief id named on the command line that no brief of the collection has (exit 2)."""


MAX_COLUMNS = 12  # the most columns a timeline has when it is not written to a terminal (unless --by says)
MAX_TABLE_COLUMNS = 2_000  # the most columns of a table asked for with --by (long views, csv and json: no limit)


# -- loading (the adapter from files to records; an index can produce the same records) ---------------------------


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"brief: error: {neutralise(message)}", err=True)
    sys.exit(code)


def _warn(message: str) -> None:
    click.echo(f"brief: warning: {neutralise(message)}", err=True)


def _problem(result: FileResult) -> str:
    first = result.diagnostics[0]
    where = f" at {first.line}:{first.column}" if first.line else ""
    count = len(result.diagnostics)
    return f"{count} error{'s' if count != 1 else ''}, first {first.rule}{where}: {first.message}"


def _load_one(ref: str) -> BriefRecord:
    from brief.analysis.positions import record_from_data

    resolved = load_ref_or_exit(ref)
    if resolved.data is None:
        _fail(f"{resolved.path}: cannot be read ({_problem(resolved.result)})", EXIT_PROBLEMS)
    if resolved.result.diagnostics:
        _warn(f"{resolved.path}: invalid brief ({_problem(resolved.result)}); compared as written")
    return record_from_data(resolved.path, resolved.data)


def _check_found(comparisons: list[Comparison], where: str) -> None:
    """An --issue or --actor nothing holds is an error (exit 1), with the near misses: an actor is missing when
    no comparison (no issue's briefs) finds it."""
    problems = []
    suggestions: dict[str, list[str]] = {}
    for comparison in comparisons:
        for name, close in comparison.suggestions.items():
            suggestions.setdefault(name, close)
    for issue in dict.fromkeys(issue for comparison in comparisons for issue in comparison.missing_issues):
        problems.append(f"no issue '{issue}' {where}{_did_you_mean(suggestions.get(issue))}")
    held = [comparison for comparison in comparisons if not comparison.missing_issues]
    missing = [set(comparison.missing_actors) for comparison in held]
    for actor in held[0].missing_actors if held else []:
        if all(actor in others for others in missing):
            problems.append(f"no actor '{actor}' {where}{_did_you_mean(suggestions.get(actor))}")
    if not comparisons and not problems:
        problems.append("no briefs to compare")
    for problem in problems[:-1]:
        click.echo(f"brief: error: {neutralise(problem)}", err=True)
    if problems:
        _fail(problems[-1], EXIT_PROBLEMS)


def _did_you_mean(candidates: list[str] | None) -> str:
    return f"; did you mean {' or '.join(repr(c) for c in candidates)}?" if candidates else ""


def _table_width() -> int | None:
    """The terminal's width when writing to one, or when COLUMNS says so (80 if COLUMNS is no number); None
    when piped: no limit."""
    from brief.render.terminal import terminal_width

    width = terminal_width(sys.stdout)
    if width is None and (os.environ.get("COLUMNS") or sys.stdout.isatty()):
        return 80  # what shutil.get_terminal_size falls back to
    return width

"""`brief compare`: actors' positions on issues, in one brief (actors × issues) or on one issue over time.

The comparison itself is brief.analysis.positions (pure), its rendering brief.render.compare; this module
parses the options, loads the briefs (reporting the ones that are invalid or unreadable), and maps problems to
exit codes. Heavy modules (tabulate, csv, json, the checker, the index) are imported inside functions so that
`brief compare --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

from brief.base.text import neutralise
from brief.base.vocabulary import CHANGE_MARK, CONFIDENCE_LETTERS, CONFLICT_MARK, INFERRED_MARK, STANCE_SCALE
from brief.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from brief.cli.options import (
    TableFormat,
    filter_options,
    filters_from,
    handle_errors,
    load_ref_or_exit,
    open_collection,
)
from brief.render.compare import COMPARE_FORMATS
from brief.render.records import display_path

if TYPE_CHECKING:
    from brief.analysis.positions import BriefRecord, Comparison, Sort
    from brief.format.diagnostics import FileResult

F = TypeVar("F", bound=Callable[..., Any])


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
@click.argument("refs", nargs=-1, metavar="[REF]...")
@click.option("--issue", "issues", multiple=True, metavar="ID", help="Compare this issue (repeatable).")
@click.option(
    "--actor", "actors", multiple=True, metavar="ID", help="Show this actor, by id, name or alias (repeatable)."
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
    help="One issue in full: a row per actor with basis, confidence, salience, power, rationale and sources.",
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
    column per brief in date order. Without a path, --issue searches the current folder.

    \b
    {symbols}

    \b
    Exit codes: 0 compared (invalid briefs are compared as written, with a warning);
    1 an --issue or --actor no brief holds, or an unreadable brief; 2 usage error.
    """
    from brief.analysis.positions import compare as compare_positions
    from brief.analysis.positions import issue_grid, timeline_grid

    if tablefmt and output_format != "table":
        raise click.UsageError(f"--tablefmt styles --format table; it does not apply to --format {output_format}.")
    single = len(refs) == 1 and not os.path.isdir(refs[0])
    if not refs and not issues:
        raise click.UsageError("give a brief to compare, or --issue ID and the files or folders to follow it in.")
    if not single and not issues:
        raise click.UsageError("comparing several briefs (or a folder) needs --issue ID: the issue to follow.")

    records = [_load_one(refs[0])] if single else _from_index(refs, list(issues), no_refresh, filters)
    comparison = compare_positions(records, issues, actors)
    _check_found(comparison, f"in brief {records[0].id}" if single else "in any brief compared")
    order = cast("Sort | None", sort)
    if single:
        grids = [issue_grid(comparison, 0, order)]
        if long_view and len(grids[0].columns) != 1:
            held = ", ".join(column.label for column in grids[0].columns) or "none"
            raise click.UsageError(f"--long shows one issue: add --issue ID (this brief's issues: {held}).")
    else:
        grids = [timeline_grid(comparison, issue, order) for issue in dict.fromkeys(issues)]

    from brief.render.compare import render_comparison

    width = _table_width() if output_format == "table" else None
    text = render_comparison(comparison, grids, output_format, tablefmt, words, long_view, width)
    click.echo(text, nl=not text.endswith("\n"))
    sys.exit(EXIT_OK)


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


def _from_index(refs: tuple[str, ...], issues: list[str], no_refresh: bool, options: dict[str, Any]) -> list[Any]:
    """Records of every brief holding the issues, from the collection's index (no file is parsed): PATHs
    choose the collection, other REFs are brief ids, and the list filters narrow it."""
    from brief.analysis.positions import BriefRecord
    from brief.query.positions import briefs_with_issues, existing_ids, unreadable

    paths = tuple(ref for ref in refs if os.path.exists(ref))
    ids = [ref for ref in refs if not os.path.exists(ref)]
    index = open_collection(paths, no_refresh)
    filters = filters_from(options, index.collection.schema)
    filters.ids = ids
    briefs = briefs_with_issues(index.connection(), issues, filters)
    if ids:
        found = {brief.id for brief in briefs} | existing_ids(index.connection(), ids)
        for missing in (ident for ident in ids if ident not in found):
            _fail(f"no brief file or id '{missing}'", EXIT_USAGE)
    for path, first in unreadable(index.connection()):
        where = f" at {first.get('line')}:{first.get('column')}" if first.get("line") else ""
        _warn(f"{display_path(path)}: cannot be read ({first.get('rule')}{where}: {first.get('message')}); skipped")
    records = []
    for brief in briefs:
        if not brief.valid:
            first = brief.first_error or {}
            where = f" at {first.get('line')}:{first.get('column')}" if first.get("line") else ""
            count = brief.error_count
            _warn(
                f"{display_path(brief.path)}: invalid brief ({count} error{'s' if count != 1 else ''}, first "
                f"{first.get('rule')}{where}: {first.get('message')}); compared as written"
            )
        records.append(BriefRecord(brief.id, brief.date, display_path(brief.path) or brief.path, brief.data))
    return records


def _check_found(comparison: Comparison, where: str) -> None:
    """An --issue or --actor nothing holds is an error (exit 1), with the near misses."""
    problems = []
    for issue in comparison.missing_issues:
        problems.append(f"no issue '{issue}' {where}{_did_you_mean(comparison.suggestions.get(issue))}")
    for actor in comparison.missing_actors:
        problems.append(f"no actor '{actor}' {where}{_did_you_mean(comparison.suggestions.get(actor))}")
    if not comparison.briefs and not problems:
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

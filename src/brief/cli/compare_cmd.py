"""`brief compare`: actors' positions on issues, in one brief (actors × issues) or on one issue over time.

The comparison itself is `brief.compare` (pure); this module loads briefs, reports the ones that are invalid
or unreadable, and renders the result. Heavy modules (tabulate, csv, json, html, the checker) are imported
inside functions so that `brief --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn, cast

import click

from brief.base.text import neutralise
from brief.cli.main import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from brief.cli.options import (
    TableFormat,
    filter_options,
    filters_from,
    handle_errors,
    load_ref_or_exit,
    open_collection,
)
from brief.render.records import display_path, format_table

if TYPE_CHECKING:
    from brief.analysis.positions import BriefRecord, Comparison, Grid, Position, Sort
    from brief.format.diagnostics import FileResult

FORMATS = ("table", "csv", "json", "markdown", "html")
CSV_FIELDS = (
    "brief",
    "date",
    "actor",
    "actor_name",
    "brief_actor",
    "issue",
    "stance",
    "basis",
    "confidence",
    "salience",
    "power",
    "rationale",
    "sources",
    "change",
    "as_of",
    "changed",
    "conflict",
    "path",
)
# Formats where a newline inside a cell would start a new table row: there, lines are joined with "; ".
_ONE_LINE_FORMATS = frozenset({"pipe", "github", "orgtbl", "jira"})

Escape = Callable[[str], str]


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
    type=click.Choice(FORMATS),
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
    Symbols: ++ strongly supports, + supports, (+) leans supports, 0 neutral,
    (-) leans opposes, - opposes, -- strongly opposes, ? unknown, blank no position;
    * inferred (else stated); L/M/H confidence; → changed; ! conflicting positions.

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

    if output_format == "json":
        text = _json(comparison, grids)
    elif output_format == "csv":
        text = _csv(comparison, grids)
    else:
        text = _render(grids, output_format, tablefmt, words, long_view)
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
    briefs = briefs_with_issues(index.db, issues, filters)
    if ids:
        found = {brief.id for brief in briefs} | existing_ids(index.db, ids)
        for missing in (ident for ident in ids if ident not in found):
            _fail(f"no brief file or id '{missing}'", EXIT_USAGE)
    for path, first in unreadable(index.db):
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


# -- json and csv: every field of every position ------------------------------------------------------------------


def _positions(comparison: Comparison, grids: list[Grid]) -> Iterator[tuple[Position, bool, bool, str]]:
    """Each position shown, in table order, with its changed and conflict flags and its actor's name."""
    for grid in grids:
        for row in grid.rows:
            for cell in row.cells:
                if cell is not None:
                    for position in cell.positions:
                        yield position, cell.changed, cell.conflict, row.actor.name


def _position_dict(comparison: Comparison, position: Position, changed: bool, conflict: bool, name: str) -> dict:
    brief = comparison.briefs[position.brief]
    return {
        "actor": position.actor,
        "actor_name": name,
        "brief_actor": position.brief_actor,
        "issue": position.issue,
        "brief": brief.id,
        "date": brief.date,
        "path": brief.path,
        "stance": position.stance,
        "basis": position.basis,
        "confidence": position.confidence,
        "salience": position.salience,
        "power": position.power,
        "rationale": list(position.rationale),
        "sources": [source.as_dict() for source in position.sources],
        "change": position.change,
        "as_of": position.as_of,
        "changed": changed,
        "conflict": conflict,
    }


def _json(comparison: Comparison, grids: list[Grid]) -> str:
    import json
    import re

    shown = {row.actor.key: row.actor for grid in grids for row in grid.rows}
    totals = []
    for grid in grids:
        for column, total in zip(grid.columns, grid.totals, strict=True):
            # an issue grid's columns are issues of one brief; a timeline's are briefs of one issue
            index = grid.brief if grid.kind == "issues" else column.key
            assert isinstance(index, int)
            brief = comparison.briefs[index]
            issue = column.key if grid.kind == "issues" else grid.issue
            totals.append({"issue": issue, "brief": brief.id, "date": brief.date, **total.as_dict()})
    document = {
        "view": grids[0].kind if grids else "issues",
        "briefs": [{"id": b.id, "date": b.date, "path": b.path, "title": b.title} for b in comparison.briefs],
        "issues": [{"id": i.id, "statement": i.statement} for i in comparison.issues],
        "actors": [{"id": a.key, "name": a.name, "ids": a.ids, "aliases": a.aliases} for a in shown.values()],
        "positions": [_position_dict(comparison, *item) for item in _positions(comparison, grids)],
        "totals": totals,
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    # json escapes C0 controls itself; DEL and C1 (which can drive a terminal too) get \u escapes, still exact
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _csv(comparison: Comparison, grids: list[Grid]) -> str:
    """Tidy: one row per position (actor × issue × brief), so it loads straight into pandas."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for item in _positions(comparison, grids):
        record = _position_dict(comparison, *item)
        record["rationale"] = "; ".join(record["rationale"])
        record["sources"] = "; ".join(source.label for source in item[0].sources)
        row = {}
        for key in CSV_FIELDS:
            value = record[key]
            if isinstance(value, bool):
                value = "true" if value else "false"
            row[key] = "" if value is None else neutralise(str(value))
        writer.writerow(row)
    return out.getvalue()


# -- table, markdown, html --------------------------------------------------------------------------------------


def _markdown_escape(text: str) -> str:
    for char in "\\`*_[]<>|":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "<br>")


def _html_escape(text: str) -> str:
    import html

    return html.escape(text).replace("\n", "<br>")


def _pipe_escape(text: str) -> str:
    return text.replace("|", "\\|")


def _plain(text: str) -> str:
    return text


def _number(value: float | int | None) -> str:
    return "" if value is None else f"{value:g}"


def _width() -> int | None:
    """The terminal's width when writing to one (or when COLUMNS says so); None when piped: no limit."""
    import shutil

    if os.environ.get("COLUMNS") or sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def _render(grids: list[Grid], output_format: str, tablefmt: str | None, words: bool, long: bool) -> str:
    from tabulate import multiline_formats

    from brief.analysis.positions import legend

    if output_format == "markdown":
        style, escape, width = "github", _markdown_escape, None
    elif output_format == "html":
        style, escape, width = "unsafehtml", _html_escape, None  # escaped here, so <br> can mark line breaks
    else:
        style = tablefmt or ("grid" if long else "simple")
        escape = {"pipe": _pipe_escape, "github": _pipe_escape, "unsafehtml": _html_escape}.get(style, _plain)
        width = _width()
    # markdown and html cells break lines with <br>; of tabulate's own styles, some can hold multi-line cells
    multiline = (style in multiline_formats and style not in _ONE_LINE_FORMATS) or output_format != "table"

    blocks = []
    for grid in grids:
        parts = [_paragraphs(output_format, escape, [grid.title])]
        if not grid.rows:
            parts.append(_paragraphs(output_format, escape, [_empty_notice(grid)]))
            blocks.append("\n".join(parts))
            continue
        if long:
            parts.append(_long_table(grid, style, escape, width, multiline) + "\n")
            after = []
        else:
            table, abbreviations = _grid_table(grid, style, escape, width, words)
            parts.append(table + "\n")
            after = legend(grid, words)
            if output_format != "table":  # a paragraph in a document, not lines under a terminal table
                after = [" ".join(after)]
            after += abbreviations
        notes = [note for note in grid.notes if not (long and note.kind == "change")]
        after += [f"[{note.number}] {note.actor}, {note.column}: {note.text}" for note in notes]
        if after:
            parts.append(_paragraphs(output_format, escape, after))
        blocks.append("\n".join(parts))
    return "\n".join(blocks)


def _paragraphs(output_format: str, escape: Escape, lines: list[str]) -> str:
    """Text around a table: lines as they are, one <p> each in html, hard line breaks in markdown."""
    lines = [escape(neutralise(line)) for line in lines]
    if output_format == "html":
        return "".join(f"<p>{line}</p>\n" for line in lines)
    if output_format == "markdown":
        return "\n".join(line + "\n" for line in lines)
    return "".join(line + "\n" for line in lines)


def _empty_notice(grid: Grid) -> str:
    if grid.kind == "timeline":
        return f"No positions: no brief compared records a stance on {grid.issue}."
    if grid.columns:
        held = ", ".join(column.label for column in grid.columns)
        return f"No positions: nobody in this brief has a recorded stance on {held}."
    return "No positions: this brief records no actors' stances on issues, so there is nothing to compare."


def _too_wide(table: str, width: int | None) -> bool:
    return width is not None and max(map(len, table.splitlines()), default=0) > width


def _grid_table(grid: Grid, style: str, escape: Escape, width: int | None, words: bool) -> tuple[str, list[str]]:
    """The table and, when its column labels had to be abbreviated to fit the terminal, their legend."""
    from brief.analysis.positions import cell_text, totals_text

    def safe(text: str) -> str:
        return escape(neutralise(text))

    rows = [[safe(row.actor.name)] + [safe(cell_text(cell, words)) for cell in row.cells] for row in grid.rows]
    rows.append(["totals"] + [safe(totals_text(total, words)) for total in grid.totals])
    labels = [column.label for column in grid.columns]
    table = format_table(rows, ["actor"] + [safe(label) for label in labels], style)
    if not _too_wide(table, width):
        return table, []
    # Long issue ids (or "date brief-id" headers) wrapped into columns would be unreadable: number them.
    prefix = "I" if grid.kind == "issues" else "B"
    short = [f"{prefix}{n}" for n in range(1, len(labels) + 1)]
    table = format_table(rows, ["actor", *short], style)
    legend = []
    for abbreviation, column in zip(short, grid.columns, strict=True):
        described = f"{column.label}: {column.title}" if column.title else column.label
        legend.append(f"{abbreviation} {described}")
    return table, legend


def _long_table(grid: Grid, style: str, escape: Escape, width: int | None, multiline: bool) -> str:
    """One row per position: stance, basis, confidence, salience, power, rationale, sources (with grading)."""
    import textwrap

    from brief.analysis.positions import CHANGE_MARK, CONFLICT_MARK

    timeline = grid.kind == "timeline"
    conflicts = {note.number for note in grid.notes if note.kind == "conflict"}  # changes have their own column
    joiner = "\n" if multiline else "; "
    records: list[dict[str, Any]] = []
    for row in grid.rows:
        cells = [(column, cell) for column, cell in zip(grid.columns, row.cells, strict=True) if cell is not None]
        if not cells:
            records.append({"actor": row.actor.name, "stance": "(no position)"})
        for column, cell in cells:
            for position in cell.positions:
                marks = (f"{CHANGE_MARK} " if cell.changed else "") + (f"{CONFLICT_MARK} " if cell.conflict else "")
                notes = "".join(f" [{n}]" for n in cell.notes if n in conflicts)
                records.append(
                    {
                        "actor": row.actor.name,
                        "brief": column.label,
                        "stance": marks + (position.stance or "(none)") + notes,
                        "basis": position.basis or "",
                        "confidence": position.confidence or "",
                        "salience": _number(position.salience),
                        "power": _number(position.power),
                        "rationale": list(position.rationale),
                        "sources": [source.label for source in position.sources],
                        "change": position.change or "",
                    }
                )
    headers = ["actor", *(["brief"] if timeline else []), "stance", "basis", "confidence", "salience", "power"]
    headers += ["rationale", "sources"]
    if any(record.get("change") for record in records):
        headers.append("change")

    def build(wrap: int | None) -> str:
        rows = []
        for record in records:
            row = []
            for header in headers:
                value = record.get(header, "")
                if isinstance(value, list):
                    if multiline and header == "rationale" and len(value) > 1:
                        # a dash per reason, so that reasons stay apart once wrapped
                        value = ["\n".join(textwrap.wrap(line, wrap or len(line) + 2, initial_indent="- ",
                                                          subsequent_indent="  ")) for line in value]  # fmt: skip
                    elif wrap and header == "rationale":
                        value = ["\n".join(textwrap.wrap(line, wrap)) for line in value]
                    value = joiner.join(value)
                row.append(escape(neutralise(value)))
            rows.append(row)
        return format_table(rows, headers, style)

    table = build(None)
    if multiline and _too_wide(table, width):
        # wrap the reasons (the widest column) so that the table fits, each reason still starting a line
        assert width is not None
        overflow = max(map(len, table.splitlines())) - width
        longest = max((len(line) for record in records for line in record.get("rationale", [])), default=0)
        table = build(max(24, longest - overflow))
    return table

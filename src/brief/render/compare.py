"""Rendering a comparison of positions (brief.analysis): the grid or timeline tables with their
legends, notes and totals, the long view, and the formats table (any tabulate style), csv, json, markdown, html.

Pure functions to strings; the command (brief/cli/compare_cmd.py) builds the comparison and its grids, and
chooses the width. Heavy modules (tabulate, csv, json, html) are imported inside functions, so that importing
this module (for COMPARE_FORMATS) keeps `brief compare --help` fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from brief.base.text import neutralise
from brief.base.vocabulary import CHANGE_MARK, CONFLICT_MARK
from brief.render.escape import html_escape, json_text, md_cell, md_escape, pipe_escape
from brief.render.records import format_table

if TYPE_CHECKING:
    from brief.analysis.grids import Cell, Grid, Note
    from brief.analysis.periods import By
    from brief.analysis.positions import Position

COMPARE_FORMATS = ("table", "csv", "json", "markdown", "html")
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
# a timeline's csv adds what each cell's period holds (by brief: the brief itself)
TIMELINE_CSV_FIELDS = (*CSV_FIELDS, "period", "period_start", "period_end", "period_briefs", "count", "changes")
# Formats where a newline inside a cell would start a new table row: there, lines are joined with "; ".
_ONE_LINE_FORMATS = frozenset({"pipe", "github", "orgtbl", "jira"})

Escape = Callable[[str], str]


def render_comparison(
    grids: list[Grid],
    output_format: str = "table",
    tablefmt: str | None = None,
    words: bool = False,
    long: bool = False,
    width: int | None = None,
    period: By | None = None,
) -> str:
    """The grids in one of COMPARE_FORMATS. `tablefmt` styles --format table (simple, or grid with `long`);
    `width` (the terminal's, None for no limit) only applies to it: wider tables get numbered column labels,
    wider long views wrapped reasons. `period`: a long view's column of the period of each brief."""
    if output_format == "json":
        return render_json(grids)
    if output_format == "csv":
        return render_csv(grids)
    if output_format in COMPARE_FORMATS:
        return _render_tables(grids, output_format, tablefmt, words, long, width, period)
    raise ValueError(f"unknown format {output_format!r}; expected one of {', '.join(COMPARE_FORMATS)}")


def fits(grid: Grid, width: int, tablefmt: str | None = None, words: bool = False) -> bool:
    """Whether the grid's table (its column labels numbered if need be) fits in `width` columns."""
    table, _ = _grid_table(grid, tablefmt or "simple", _plain, width, words)
    return not _too_wide(table, width)


# -- json and csv: every field of every position ------------------------------------------------------------------


def _positions(grids: list[Grid]) -> Iterator[tuple[Grid, int, Cell, Position, str]]:
    """Each position shown, in table order, with its grid, column and cell, and its actor's name."""
    from brief.analysis.grids import filled

    for grid in grids:
        for row in grid.rows:
            for column, cell in filled(row.cells):
                for position in cell.positions:
                    yield grid, column, cell, position, row.actor.name


def _position_dict(grid: Grid, column: int, cell: Cell, position: Position, name: str) -> dict[str, Any]:
    brief = grid.briefs[position.brief]
    record = {
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
        "changed": cell.changed,
        "conflict": cell.conflict,
    }
    if grid.kind == "timeline":
        period = grid.periods[column]
        if cell.changes is not None:  # every change of the period
            changes = [(p.brief, p.date, p.text) for p in cell.changes]
        else:
            changes = [(n.brief, n.date, n.text) for n in (grid.notes[k - 1] for k in cell.notes) if n.kind == "change"]
        record |= {
            "period": period.key,
            "period_start": period.start,
            "period_end": period.end,
            "period_briefs": period.count,
            "count": cell.count,
            "changes": [{"brief": brief, "date": date, "text": text} for brief, date, text in changes],
        }
    return record


# the `version` of the json document (schemas/output/compare.schema.json): raised when its shape changes
JSON_VERSION = 1


def render_json(grids: list[Grid]) -> str:
    briefs = {(b.id, b.path): b for grid in grids for b in grid.briefs}
    issues = {i.id: i for grid in grids for i in grid.issues}
    shown = {row.actor.key: row.actor for grid in grids for row in grid.rows}
    totals = []
    periods = []
    for grid in grids:
        for column, (heading, total) in enumerate(zip(grid.columns, grid.totals, strict=True)):
            if grid.kind == "issues":  # an issue grid's columns are issues of one brief
                assert grid.brief is not None
                brief = grid.briefs[grid.brief]
                totals.append({"issue": heading.key, "brief": brief.id, "date": brief.date, **total.as_dict()})
                continue
            period = grid.periods[column]
            where: dict[str, Any] = {"issue": grid.issue, "period": period.key}
            if grid.by == "brief":  # a timeline by brief: its columns are briefs
                assert isinstance(heading.key, int)
                where |= {"brief": grid.briefs[heading.key].id, "date": grid.briefs[heading.key].date}
            else:
                where |= {"start": period.start, "end": period.end}
            totals.append({**where, **total.as_dict()})
            periods.append({"issue": grid.issue, **period.as_dict()})
    document: dict[str, Any] = {"version": JSON_VERSION, "view": grids[0].kind if grids else "issues"}
    if grids and grids[0].kind == "timeline":
        document["by"] = grids[0].by if len({grid.by for grid in grids}) == 1 else [grid.by for grid in grids]
    document |= {
        "briefs": [{"id": b.id, "date": b.date, "path": b.path, "title": b.title} for b in briefs.values()],
        "issues": [{"id": i.id, "statement": i.statement} for i in issues.values()],
        "actors": [{"id": a.key, "name": a.name, "ids": a.ids, "aliases": a.aliases} for a in shown.values()],
    }
    if periods:
        document["periods"] = periods
    hidden = sum(grid.hidden for grid in grids)
    if hidden:  # --top left actors out
        document["more_actors"] = hidden
    document |= {"positions": [_position_dict(*item) for item in _positions(grids)], "totals": totals}
    return _json_document(document)


def _json_document(document: dict[str, Any]) -> str:
    """The document with one item of each list to a line: readable and greppable over thousands of positions, and
    written by json's C encoder (indenting every level is pure Python: seconds at 100,000 briefs). json escapes C0
    controls itself; DEL and C1 (which can drive a terminal too) get \\u escapes (json_text), still exact."""
    lines = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            items = ",\n    ".join(json_text(item, indent=None) for item in value)
            lines.append(f"  {json_text(key)}: [\n    {items}\n  ]")
        else:
            lines.append(f"  {json_text(key)}: {json_text(value, indent=None)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def render_csv(grids: list[Grid]) -> str:
    """Tidy: one row per position shown (actor × issue × brief, or by period the latest brief's), so it loads
    straight into pandas; a timeline's rows say which period they show and what it holds."""
    import csv
    import io

    timeline = any(grid.kind == "timeline" for grid in grids)
    names = TIMELINE_CSV_FIELDS if timeline else CSV_FIELDS
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for item in _positions(grids):
        record = _position_dict(*item)
        record["rationale"] = "; ".join(record["rationale"])
        record["sources"] = "; ".join(source.label for source in item[3].sources)
        if timeline:
            changes = record["changes"]
            record["changes"] = "; ".join(f"{c['date'] or '(no date)'} {c['brief']}: {c['text']}" for c in changes)
        values = [_csv_value(record.get(key)) for key in names]
        joined = "\n".join(values)  # one pass over the row: newlines are kept as they are
        if neutralise(joined) != joined:
            values = [neutralise(value) for value in values]
        writer.writerow(values)
    return out.getvalue()


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


# -- table, markdown, html --------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    return text


def _number(value: float | int | None) -> str:
    return "" if value is None else f"{value:g}"


def _render_tables(
    grids: list[Grid], output_format: str, tablefmt: str | None, words: bool, long: bool, width: int | None,
    period: By | None,
) -> str:  # fmt: skip
    from brief.analysis.grids import legend

    # `cell` escapes table cells (their line breaks included), `text` the paragraphs around the tables
    cell: Escape
    text: Escape
    if output_format == "markdown":
        style, cell, text, width = "github", md_cell, md_escape, None
    elif output_format == "html":
        style, cell, text, width = "unsafehtml", html_escape, html_escape, None  # escaped here: <br> breaks lines
    else:
        style = tablefmt or ("grid" if long else "simple")
        cell = text = {"pipe": pipe_escape, "github": pipe_escape, "unsafehtml": html_escape}.get(style, _plain)
    # markdown and html cells break lines with <br>; of tabulate's own styles, some can hold multi-line cells
    # (only the long view has any: tabulate, slow to import, is not asked otherwise)
    multiline = output_format != "table" or (long and style not in _ONE_LINE_FORMATS and _multiline(style))

    blocks = []
    for grid in grids:
        parts = [_paragraphs(output_format, text, [grid.title])]
        if not grid.rows:
            parts.append(_paragraphs(output_format, text, [_empty_notice(grid)]))
            blocks.append("\n".join(parts))
            continue
        if long:
            parts.append(_long_table(grid, style, cell, width, multiline, period) + "\n")
            after = []
        else:
            table, abbreviations = _grid_table(grid, style, cell, width, words)
            parts.append(table + "\n")
            after = legend(grid, words)
            if output_format != "table":  # a paragraph in a document, not lines under a terminal table
                after = [" ".join(after)]
            after = ([more_actors(grid)] if grid.hidden else []) + after + abbreviations
        notes = [note for note in grid.notes if not (long and note.kind == "change")]
        after += [note_line(note) for note in notes]
        if after:
            parts.append(_paragraphs(output_format, text, after))
        blocks.append("\n".join(parts))
    return "\n".join(blocks)


def more_actors(grid: Grid) -> str:
    """The line under a table whose rows were capped: how many actors it leaves out, and how to see them."""
    shown = sum(1 for row in grid.rows if not row.actor.requested)
    which = f"the {shown:,} actors" if shown != 1 else "the actor"
    more = "actor" if grid.hidden == 1 else "actors"
    return (
        f"Shown: {which} with positions in the most briefs; {grid.hidden:,} more {more}: --top N or --top all "
        "shows them, --actor ID picks one."
    )


def note_line(note: Note) -> str:
    """'[1] France, 2021-12-27 deployment-2021-12: Hardened. (Latest of 3 changes in 2021.)'"""
    line = f"[{note.number}] {note.actor}, {note.column}: {note.text}"
    if note.earlier:
        line += f" (Latest of {note.earlier + 1:,} changes in {note.period}.)"
    return line


def _multiline(style: str) -> bool:
    from tabulate import multiline_formats

    return style in multiline_formats


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
    from brief.analysis.grids import cell_text, totals_text

    def safe(text: str) -> str:
        return escape(neutralise(text)) if text else text

    rows = [[safe(row.actor.name), *(safe(cell_text(cell, words)) if cell else "" for cell in row.cells)]
            for row in grid.rows]  # fmt: skip
    rows.append(["totals"] + [safe(totals_text(total, words)) for total in grid.totals])
    labels = [column.label for column in grid.columns]
    table = format_table(rows, ["actor"] + [safe(label) for label in labels], style)
    if not _too_wide(table, width) or grid.by != "brief":  # periods are short labels already
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


def _long_table(grid: Grid, style: str, escape: Escape, width: int | None, multiline: bool, period: By | None) -> str:
    """One row per position: stance, basis, confidence, salience, power, rationale, sources (with grading); over
    time, a row per brief (and with `period`, the period of each)."""
    import textwrap

    from brief.analysis.grids import filled
    from brief.analysis.periods import period_of

    timeline = grid.kind == "timeline"
    conflicts = {note.number for note in grid.notes if note.kind == "conflict"}  # changes have their own column
    joiner = "\n" if multiline else "; "
    records: list[dict[str, Any]] = []
    for row in grid.rows:
        cells = [(grid.columns[column], cell) for column, cell in filled(row.cells)]
        if not cells:
            records.append({"actor": row.actor.name, "stance": "(no position)"})
        for column, cell in cells:
            for position in cell.positions:
                marks = (f"{CHANGE_MARK} " if cell.changed else "") + (f"{CONFLICT_MARK} " if cell.conflict else "")
                notes = "".join(f" [{n}]" for n in cell.notes if n in conflicts)
                records.append(
                    {
                        "actor": row.actor.name,
                        "period": period_of(grid.briefs[int(column.key)].date, period) if period else "",
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
    headers = ["actor", *(["period"] if timeline and period else []), *(["brief"] if timeline else [])]
    headers += ["stance", "basis", "confidence", "salience", "power"]
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

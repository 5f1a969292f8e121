"""Rendering lists of records: table (any tabulate style), json, jsonl, csv, markdown, ids."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from brief.base.text import neutralise
from brief.render.escape import json_text, md_escape
from brief.render.terminal import terminal_width

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any, TextIO

RECORD_FORMATS = ("table", "json", "jsonl", "csv", "markdown", "ids")
# the `version` of the json document of list and search, `{"version": 1, "briefs": [...]}` (schemas/output/):
# raised when its shape changes. jsonl lines are the same records, one per line.
JSON_VERSION = 1


def display_path(path: str | None, prefix: str | None = None) -> str | None:
    """Paths relative to the current folder when they are inside it. Callers with many paths pass
    `prefix=current_prefix()` once, rather than asking the system for the current folder per path."""
    if path is None:
        return None
    prefix = prefix or current_prefix()
    return path[len(prefix) :] if path.startswith(prefix) else path


def current_prefix() -> str:
    return os.path.join(os.getcwd(), "")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(neutralise(str(v)) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return neutralise(str(value))


def render_records(
    records: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, stream: TextIO, tablefmt: str | None = None,
    headers: dict[str, str] | None = None, fit: tuple[str, ...] = (), marks: tuple[str, str, str, str] | None = None,
) -> None:  # fmt: skip
    """Write records in the chosen format. `columns` choose and order table/csv columns; json keeps all public
    keys. `fit` names a column to shorten so a table fits the terminal. `marks` (mark start, mark end,
    replacement start, replacement end) turns highlight marks into colour after untrusted text is neutralised."""
    public = [{k: v for k, v in record.items() if not k.startswith("_")} for record in records]
    if fmt == "json":
        stream.write(json_text({"version": JSON_VERSION, "briefs": public}) + "\n")
    elif fmt == "jsonl":
        for record in public:
            stream.write(json_text(record, indent=None) + "\n")
    elif fmt == "ids":
        for record in public:
            stream.write(f"{neutralise(str(record.get('id') or record.get('path')))}\n")
    elif fmt == "csv":
        import csv

        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for record in public:
            writer.writerow([_cell(record.get(c)) for c in columns])
    else:
        style = "github" if fmt == "markdown" else (tablefmt or "simple")
        rows = [[_cell(record.get(c)) for c in columns] for record in public]
        if fmt == "markdown":
            rows = [[md_escape(value) for value in row] for row in rows]
        names = [(headers or {}).get(c, c) for c in columns]
        width = _table_width(stream)
        if fit and fmt == "table" and rows and width:
            _fit(rows, names, [list(columns).index(name) for name in fit], width, marks)
        if marks:  # highlights become colour (or nothing) before the layout, which measures what is visible
            rows = [[cell.replace(marks[0], marks[2]).replace(marks[1], marks[3]) for cell in row] for row in rows]
        stream.write(format_table(rows, names, style) + "\n")


LIST_COLUMNS = ["id", "date", "title", "nations", "status"]
SEARCH_COLUMNS = ["id", "date", "score", "title", "snippet"]


def write_list(records: list[dict[str, Any]], fmt: str, stream: TextIO, tablefmt: str | None = None) -> None:
    """`brief list`: the briefs, with a status column marking invalid ones (not in json, which has the figures)."""
    prefix = current_prefix()
    for record in records:
        record["path"] = display_path(record["path"], prefix)
        errors = record["errors"]
        record["status"] = "" if record["valid"] else f"✗ {errors} error{'s' if errors != 1 else ''}"
        if fmt in ("json", "jsonl"):
            record.pop("status")
    columns = LIST_COLUMNS if fmt != "csv" else [*LIST_COLUMNS, "path"]
    render_records(records, columns, fmt, stream, tablefmt, fit=("title",))


def write_search(results: list[dict[str, Any]], fmt: str, stream: TextIO, tablefmt: str | None = None,
                 colour: bool = False) -> None:  # fmt: skip
    """`brief search`: hits with their score, the fields that matched and a snippet whose matched words are
    coloured in a table on a terminal, and listed apart (`highlights`) for programs."""
    from brief.query.ranking import HIGHLIGHT_END, HIGHLIGHT_START

    prefix = current_prefix()
    for record in results:
        record["path"] = display_path(record["path"], prefix)
        snippet = neutralise(record.pop("snippet", "") or "")
        if fmt == "table":
            record["snippet"] = snippet  # marks become colour (or nothing) once the table is laid out
        else:
            record["snippet"] = snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
            record["highlights"] = re.findall(f"{HIGHLIGHT_START}(.*?){HIGHLIGHT_END}", snippet)
        if fmt == "csv":  # the fields that matched, as one cell (json and jsonl have the list, `fields`)
            record["field"] = ", ".join(record.get("fields") or [])
    columns = list(SEARCH_COLUMNS)
    width = _table_width(stream)
    if fmt == "table" and width is not None and width < 100:
        columns.remove("date")  # on a narrow terminal the title and snippet need the room more (json has it)
    if fmt == "csv":
        columns = ["id", "date", "score", "field", "title", "path", "snippet"]
    colours = ("\x1b[1;33m", "\x1b[0m") if colour and fmt == "table" else ("", "")
    render_records(results, columns, fmt, stream, tablefmt, fit=("title", "snippet"),
                   marks=(HIGHLIGHT_START, HIGHLIGHT_END, *colours))  # fmt: skip


def write_ids(ids: list[str], stream: TextIO) -> None:
    """`--format ids` straight from the query: one id per line."""
    if ids:
        stream.write(neutralise("\n".join(ids)) + "\n")


def _table_width(stream: TextIO) -> int | None:
    """The width a table must fit: the terminal's, or COLUMNS when set; None (whole lines) for a pipe or file."""
    if stream_is_terminal(stream):
        return terminal_width(stream) or 100
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def _fit(rows: list[list[str]], names: list[str], fitted: list[int], width: int,
         marks: tuple[str, str, str, str] | None) -> None:  # fmt: skip
    """Shorten the `fitted` columns (with "…") so that the table fits `width`; the last of them gets the room
    the others leave (a snippet after a title). Highlight marks are zero-width on screen and stay paired."""
    hidden = (marks[0], marks[1]) if marks else ()

    def shown(text: str) -> int:
        return len(text) - sum(text.count(mark) for mark in hidden)

    # as simple_table lays them out: a column is at least its header and two spaces wide
    widths = [max(shown(name) + 2, *(shown(row[i]) for row in rows)) for i, name in enumerate(names)]
    room = width - sum(w for i, w in enumerate(widths) if i not in fitted) - 2 * (len(names) - 1)
    if sum(widths[i] for i in fitted) <= room:
        return
    limits = {}
    for index in fitted[:-1]:  # the first columns get a share; the last one what is left
        limits[index] = min(widths[index], max(12, room * 2 // (3 * len(fitted))))
        room -= limits[index]
    limits[fitted[-1]] = max(12, room)
    for row in rows:
        for index, limit in limits.items():
            if shown(row[index]) > limit:
                row[index] = _shorten(row[index], limit, hidden)


def _shorten(text: str, limit: int, hidden: tuple[str, ...]) -> str:
    """`text` cut to `limit` visible characters with "…", closing a highlight the cut leaves open."""
    out, visible, open_mark = [], 0, False
    for char in text:
        if char in hidden:
            open_mark = char == hidden[0]
            out.append(char)
            continue
        if visible == limit - 1:
            break
        out.append(char)
        visible += 1
    if open_mark:
        out.append(hidden[1])
    return "".join(out) + "…"


def stream_is_terminal(stream: TextIO) -> bool:
    return hasattr(stream, "isatty") and stream.isatty()


# Why simple_table rather than tabulate for the default style (issue 9 asked for tabulate back unless a benchmark
# showed a difference a user notices). Whole-process wall time, medians of interleaved runs, the same code with
# format_table always calling tabulate (0.10.0) instead, on the shared 2-core machine (load ~3.5):
#   brief list (examples/, 10 briefs)                  31 ms vs 73 ms (31 rounds; --no-refresh: 28 vs 69 ms)
#   brief compare --issue mali-wagner-partnership DIR  5,000 briefs, a 5,000-column timeline, piped:
#                                                      1.88 s vs 2.08 s with --no-refresh (+0.2 s); in-process,
#                                                      the table alone takes 11 ms vs 221 ms (2,500 columns:
#                                                      9 ms vs 137 ms)
# tabulate's import (it loads importlib.metadata) more than doubles a short command, and its column-type
# detection adds 0.2 s to a wide comparison: both over the bar, so the default style keeps its own layout.
def format_table(rows: list[list[str]], headers: list[str], style: str) -> str:
    """A table of text cells in a tabulate style; "simple", the default, without importing tabulate (see the
    measurements above)."""
    if style == "simple" and not any("\n" in cell for row in [headers, *rows] for cell in row):
        return simple_table(rows, headers)
    from tabulate import tabulate

    # numparse off: "0" (neutral) and "-" must stay text, aligned like the other symbols
    return tabulate(rows, headers=headers, tablefmt=style, disable_numparse=True)


def simple_table(rows: list[list[str]], headers: list[str]) -> str:
    """tabulate's "simple" layout of text cells, written out; tests/test_compare.py checks both agree. Also faster
    on wide tables: a comparison over time can have thousands of columns, and tabulate spends most of its time
    detecting column types that are all text here."""
    widths = [len(header) + 2 for header in headers]  # tabulate's minimum padding around headers
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], _visible(cell))

    def pad(cell: str, width: int) -> str:
        return cell + " " * (width - _visible(cell))

    lines = ["  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _visible(cell: str) -> int:
    """A cell's width on screen: the colour codes brief adds take none (as tabulate counts them)."""
    return len(_SGR.sub("", cell)) if "\x1b" in cell else len(cell)

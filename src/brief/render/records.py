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
    headers: dict[str, str] | None = None, fit: str | None = None, marks: tuple[str, str, str, str] | None = None,
) -> None:  # fmt: skip
    """Write records in the chosen format. `columns` choose and order table/csv columns; json keeps all public
    keys. `fit` names a column to shorten so a table fits the terminal. `marks` (mark start, mark end,
    replacement start, replacement end) turns highlight marks into colour after untrusted text is neutralised."""
    public = [{k: v for k, v in record.items() if not k.startswith("_")} for record in records]
    if fmt == "json":
        stream.write(json_text(public) + "\n")
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
        if fit and fmt == "table" and rows and stream_is_terminal(stream):
            index = list(columns).index(fit)
            width = terminal_width(stream) or 100
            others = sum(max(len(names[i]), *(len(r[i]) for r in rows)) + 2 for i in range(len(columns)) if i != index)
            room = max(20, width - others - 2)
            for row in rows:
                if len(row[index]) > room:
                    row[index] = row[index][: room - 1] + "…"
        text = format_table(rows, names, style)
        if marks:
            text = text.replace(marks[0], marks[2]).replace(marks[1], marks[3])
        stream.write(text + "\n")


LIST_COLUMNS = ["id", "date", "title", "nations", "status"]
SEARCH_COLUMNS = ["id", "date", "score", "field", "snippet"]


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
    render_records(records, columns, fmt, stream, tablefmt, fit="title")


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
        record["field"] = ", ".join(record.get("fields") or [])
        if fmt in ("table", "markdown") and record["score"] is not None:
            record["score"] = f"{record['score']:.2f}"  # for reading; json, jsonl and csv keep the figure
    columns = list(SEARCH_COLUMNS)
    if fmt == "csv":
        columns[4:4] = ["title", "path"]
    colours = ("\x1b[1;33m", "\x1b[0m") if colour and fmt == "table" else ("", "")
    render_records(results, columns, fmt, stream, tablefmt, fit="snippet",
                   marks=(HIGHLIGHT_START, HIGHLIGHT_END, *colours))  # fmt: skip


def write_ids(ids: list[str], stream: TextIO) -> None:
    """`--format ids` straight from the query: one id per line."""
    if ids:
        stream.write(neutralise("\n".join(ids)) + "\n")


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
            widths[index] = max(widths[index], len(cell))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)

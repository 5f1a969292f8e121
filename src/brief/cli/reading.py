"""What `brief list` and `brief search` do once their options are parsed, free of click: the click commands
(list_cmd.py, search_cmd.py) and the quick path (quick.py) both call these with the same arguments."""

from __future__ import annotations

import sys

from brief.base.text import neutralise
from brief.cli.common import EXIT_PROBLEMS, filters_from, handle_errors, open_collection, say
from brief.render.records import current_prefix, display_path, render_records
from brief.render.terminal import use_colour

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any

LIST_COLUMNS = ["id", "date", "title", "nations", "status"]


@handle_errors
def list_briefs(paths: tuple[str, ...], no_refresh: bool, sort: str, reverse: bool, limit: int | None, count: bool,
                fmt: str, tablefmt: str | None, **kwargs: Any) -> None:  # fmt: skip
    index = open_collection(paths, no_refresh)  # the freshness check starts now, in a thread
    from brief.query.search import count_briefs
    from brief.query.search import list_briefs as run_list

    filters = filters_from(kwargs, index.collection.schema)
    if count:
        sys.stdout.write(f"{index.answer(lambda db: count_briefs(db, filters))}\n")
        return
    records = index.answer(lambda db: run_list(db, filters, sort=sort, reverse=reverse, limit=limit))
    prefix = current_prefix()
    for record in records:
        record["path"] = display_path(record["path"], prefix)
        record["status"] = (
            "" if record["valid"] else f"✗ {record['errors']} error{'s' if record['errors'] != 1 else ''}"
        )
    if fmt in ("json", "jsonl"):
        for record in records:
            record.pop("status")
    render_records(records, LIST_COLUMNS if fmt != "csv" else [*LIST_COLUMNS, "path"], fmt, sys.stdout, tablefmt,
                   fit="title")  # fmt: skip


@handle_errors
def search_briefs(query: str, paths: tuple[str, ...], no_refresh: bool, limit: int, sort: str, reverse: bool,
                  fmt: str, tablefmt: str | None, **kwargs: Any) -> None:  # fmt: skip
    index = open_collection(paths, no_refresh)  # the freshness check starts now, in a thread
    from brief.query.language import check_search, parse_search
    from brief.query.ranking import HIGHLIGHT_END, HIGHLIGHT_START
    from brief.query.search import search as run_search
    from brief.query.search import search_ids, suggestions

    parsed = parse_search(query)  # a malformed query fails before the index is touched
    check_search(parsed, index.collection.schema)
    filters = filters_from(kwargs, index.collection.schema)
    order_by = None if sort == "score" else sort
    if fmt == "ids":  # nothing but ids, possibly tens of thousands: no record per hit
        ids = index.answer(lambda db: search_ids(db, parsed, filters, limit or None, order_by, reverse))
        if ids:
            sys.stdout.write(neutralise("\n".join(ids)) + "\n")
            return
        results: list[dict[str, Any]] = []
    else:
        results = index.answer(lambda db: run_search(db, parsed, filters, limit or None, True, order_by, reverse))
    if not results:
        near = suggestions(index.connection(), parsed.words)
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        say(f"brief: no brief matches {query!r}{hint}")
        sys.exit(EXIT_PROBLEMS)
    colour = fmt == "table" and use_colour(sys.stdout)
    prefix = current_prefix()
    for record in results:
        record["path"] = display_path(record["path"], prefix)
        snippet = neutralise(record.pop("snippet", "") or "")
        if fmt == "table":
            record["snippet"] = snippet  # marks become colour (or nothing) once the table is laid out
        else:
            record["snippet"] = snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
            record["highlights"] = _highlights(snippet)
        record["field"] = ", ".join(record.get("fields") or [])
        if fmt in ("table", "markdown") and record["score"] is not None:
            record["score"] = f"{record['score']:.2f}"  # for reading; json, jsonl and csv keep the figure
    columns = ["id", "date", "score", "field", "snippet"]
    if fmt == "csv":
        columns[4:4] = ["title", "path"]
    colours = ("\x1b[1;33m", "\x1b[0m") if colour else ("", "")
    render_records(results, columns, fmt, sys.stdout, tablefmt, fit="snippet",
                   marks=(HIGHLIGHT_START, HIGHLIGHT_END, *colours))  # fmt: skip


def _highlights(snippet: str) -> list[str]:
    """The matched words of a snippet (for json consumers that do their own highlighting)."""
    import re

    from brief.query.ranking import HIGHLIGHT_END, HIGHLIGHT_START

    return re.findall(f"{HIGHLIGHT_START}(.*?){HIGHLIGHT_END}", snippet)

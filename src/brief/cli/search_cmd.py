"""`brief search`: ranked full-text search with metadata terms, from the index."""

from __future__ import annotations

import sys
from typing import Any

import click

from brief.cli.main import EXIT_PROBLEMS
from brief.cli.options import (
    TableFormat,
    collection_options,
    filter_options,
    filters_from,
    handle_errors,
    open_collection,
)
from brief.cli.output import neutralise, use_colour
from brief.cli.tables import RECORD_FORMATS, current_prefix, display_path, render_records


@click.command()
@click.argument("query")
@collection_options
@filter_options
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True, help="0 for every hit.")
@click.option("--sort", type=click.Choice(["score", "date", "title", "id"]), default="score", show_default=True)
@click.option("-r", "--reverse", is_flag=True, help="Reverse the order (with --sort date|title|id).")
@click.option("--format", "fmt", type=click.Choice(RECORD_FORMATS), default="table", show_default=True)
@click.option("--tablefmt", type=TableFormat(), help="tabulate style for --format table.")
@handle_errors
def search(query: str, paths: tuple[str, ...], no_refresh: bool, limit: int, sort: str, reverse: bool, fmt: str,
           tablefmt: str | None, **kwargs: Any) -> None:  # fmt: skip
    """Search briefs: ranked, case- and accent-insensitive (maiga finds Maïga).

    \b
    QUERY words are ANDed; also:
      "choguel maiga"     a phrase          wagner OR africa-corps   either
      -term, NOT term     exclude           sahel*                   prefix
      title:, summary:, body:, judgment:    search one field
      nation:ML region:sahel domain:… tag:… actor:france issue:… lang:fr
      author:… stance:opposes date:2021..2022 since:2022 until:2023-06 id:…
      -tag:draft          exclude briefs with that metadata
    The list filters (--nation, …) apply too. Exit codes like grep:
    0 at least one hit, 1 none, 2 error.
    """
    from brief.query import HIGHLIGHT_END, HIGHLIGHT_START, check_search, parse_search, suggestions
    from brief.query import search as run_search

    parsed = parse_search(query)  # a malformed query fails before the collection is even looked at
    index = open_collection(paths, no_refresh)
    check_search(parsed, index.collection.schema)
    filters = filters_from(kwargs, index.collection.schema)
    results = index.answer(lambda db: run_search(
        db, parsed, filters, limit=limit or None, snippets=fmt != "ids", sort=None if sort == "score" else sort,
        reverse=reverse, details=fmt != "ids",
    ))  # fmt: skip
    if not results:
        near = suggestions(index.db, parsed.words)
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        click.echo(f"brief: no brief matches {query!r}{hint}", err=True)
        sys.exit(EXIT_PROBLEMS)
    if fmt == "ids":  # nothing but ids: skip the per-hit decoration (many hits with --limit 0)
        sys.stdout.write("".join(f"{neutralise(str(r['id'] or r['path']))}\n" for r in results))
        return
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

    from brief.query import HIGHLIGHT_END, HIGHLIGHT_START

    return re.findall(f"{HIGHLIGHT_START}(.*?){HIGHLIGHT_END}", snippet)

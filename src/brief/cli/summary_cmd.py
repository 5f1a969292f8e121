"""`brief summary`: what a collection (or a filtered part of it) says, or a short summary of one brief."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from brief.base.text import neutralise
from brief.cli.colour import colour_option
from brief.cli.common import EXIT_PROBLEMS
from brief.cli.completion import completer
from brief.cli.options import filter_options, filters_from, handle_errors, load_ref_or_exit, open_collection
from brief.render.terminal import use_colour

GROUPINGS = ("nation", "region", "domain", "actor", "month")


@click.command()
@click.argument("refs", nargs=-1, metavar="[REF|PATH]...", shell_complete=completer("brief"))
@click.option("-q", "--query", "query_text", metavar="QUERY", help="Search terms, as in brief search.")
@filter_options
@click.option("--by", type=click.Choice(GROUPINGS), help="Group the brief lines by this field.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Brief lines (0: all).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Actors and issues shown.")
@click.option(
    "--changes", type=click.IntRange(min=0), default=20, show_default=True, help="Latest stance changes shown (0: all)."
)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="text to read, markdown to publish, json for programs.")  # fmt: skip
@click.option("--no-refresh", is_flag=True, help="Use the index as it is, without checking the files.")
@colour_option
@handle_errors
def summary(refs: tuple[str, ...], query_text: str | None, by: str | None, limit: int, top: int, changes: int,
            fmt: str, no_refresh: bool, **options: Any) -> None:  # fmt: skip
    """Summarise the collection, or what the filters and query select.

    \b
    Counts by domain, region, nation, actor kind and language; the date range
    and a per-month histogram; the most-referenced actors; the most contested
    issues (actors on both sides); stance changes between briefs; and one line
    per brief. With one REF (a brief id or file): a short summary of that brief.
    """
    if len(refs) == 1 and not os.path.isdir(refs[0]):
        _single(refs[0], fmt)
        return
    from brief.query.language import check_search, parse_search
    from brief.query.overview import overview, select

    # a malformed query fails before the collection is even looked at
    query = parse_search(query_text) if query_text else None
    index = open_collection(refs, no_refresh)
    if query is not None:
        check_search(query, index.collection.schema)
    filters = filters_from(options, index.collection.schema)
    selection = select(index.connection(), filters, query)
    result = overview(index.connection(), selection, by=by, brief_limit=limit or None, top=top, changes=changes or None,
                    database=str(index.path))  # fmt: skip
    from brief.render import summary as render

    if fmt == "json":
        click.echo(render.render_summary_json(result))
    elif fmt == "markdown":
        click.echo(render.render_summary_markdown(result), nl=False)
    else:
        colour = use_colour(sys.stdout)
        click.echo(render.render_summary_text(result, _width(), colour), nl=False, color=colour)


def _width() -> int:
    """The terminal's width (COLUMNS first), at most 160; 100 when piped or when the terminal gives none."""
    from brief.render.terminal import terminal_width

    return min(terminal_width(sys.stdout) or 100, 160) if sys.stdout.isatty() else 100


def _single(ref: str, fmt: str) -> None:
    from brief.render.summary import brief_summary, brief_summary_json

    resolved = load_ref_or_exit(ref)
    if resolved.data is None:
        first = resolved.result.diagnostics[0]
        click.echo(f"brief: error: {neutralise(resolved.path)}: cannot be read: {neutralise(first.message)}", err=True)
        sys.exit(EXIT_PROBLEMS)
    if fmt == "json":
        click.echo(brief_summary_json(resolved.path, resolved.data))
    else:
        click.echo(brief_summary(resolved.data), nl=False)  # neutralised by the renderer

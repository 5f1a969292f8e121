"""`brief search`: ranked full-text search with metadata terms, from the index."""

from __future__ import annotations

from typing import Any

import click

from brief.cli.options import TableFormat, collection_options, filter_options
from brief.cli.reading import search_briefs
from brief.render.records import RECORD_FORMATS


@click.command()
@click.argument("query")
@collection_options
@filter_options
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True, help="0 for every hit.")
@click.option("--sort", type=click.Choice(["score", "date", "title", "id"]), default="score", show_default=True)
@click.option("-r", "--reverse", is_flag=True, help="Reverse the order (with --sort date|title|id).")
@click.option("--format", "fmt", type=click.Choice(RECORD_FORMATS), default="table", show_default=True)
@click.option("--tablefmt", type=TableFormat(), help="tabulate style for --format table.")
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
    search_briefs(query, paths, no_refresh, limit, sort, reverse, fmt, tablefmt, **kwargs)

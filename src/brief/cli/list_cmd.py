"""`brief list`: the briefs of the collection, filtered and sorted, from the index."""

from __future__ import annotations

from typing import Any

import click

from brief.cli.options import TableFormat, collection_options, filter_options
from brief.cli.reading import list_briefs
from brief.render.records import RECORD_FORMATS


@click.command("list")
@collection_options
@filter_options
@click.option("--sort", type=click.Choice(["date", "title", "id"]), default="date", show_default=True)
@click.option("-r", "--reverse", is_flag=True, help="Reverse the order.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many briefs.")
@click.option("--count", is_flag=True, help="Print only how many briefs match.")
@click.option("--format", "fmt", type=click.Choice(RECORD_FORMATS), default="table", show_default=True)
@click.option("--tablefmt", type=TableFormat(), help="tabulate style for --format table (grid, github, latex, …).")
def list_(paths: tuple[str, ...], no_refresh: bool, sort: str, reverse: bool, limit: int | None, count: bool,
          fmt: str, tablefmt: str | None, **kwargs: Any) -> None:  # fmt: skip
    """List briefs, with filters on any metadata field.

    Repeated options OR within a field and AND across fields:
    `brief list --nation ML --nation NE --domain defence-security --since 2022`.
    Invalid briefs are listed too, marked; `--invalid` lists only them.
    """
    list_briefs(paths, no_refresh, sort, reverse, limit, count, fmt, tablefmt, **kwargs)

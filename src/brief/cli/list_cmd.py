"""`brief list`: the briefs of the collection, filtered and sorted, from the index."""

from __future__ import annotations

import sys
from typing import Any

import click

from brief.cli.options import (
    TableFormat,
    collection_options,
    filter_options,
    filters_from,
    handle_errors,
    open_collection,
)
from brief.cli.tables import RECORD_FORMATS, current_prefix, display_path, render_records

LIST_COLUMNS = ["id", "date", "title", "nations", "status"]


@click.command("list")
@collection_options
@filter_options
@click.option("--sort", type=click.Choice(["date", "title", "id"]), default="date", show_default=True)
@click.option("-r", "--reverse", is_flag=True, help="Reverse the order.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many briefs.")
@click.option("--count", is_flag=True, help="Print only how many briefs match.")
@click.option("--format", "fmt", type=click.Choice(RECORD_FORMATS), default="table", show_default=True)
@click.option("--tablefmt", type=TableFormat(), help="tabulate style for --format table (grid, github, latex, …).")
@handle_errors
def list_(paths: tuple[str, ...], no_refresh: bool, sort: str, reverse: bool, limit: int | None, count: bool,
          fmt: str, tablefmt: str | None, **kwargs: Any) -> None:  # fmt: skip
    """List briefs, with filters on any metadata field.

    Repeated options OR within a field and AND across fields:
    `brief list --nation ML --nation NE --domain defence-security --since 2022`.
    Invalid briefs are listed too, marked; `--invalid` lists only them.
    """
    from brief.query import count_briefs, list_briefs

    index = open_collection(paths, no_refresh)
    filters = filters_from(kwargs, index.collection.schema)
    if count:
        click.echo(index.answer(lambda db: count_briefs(db, filters)))
        return
    records = index.answer(lambda db: list_briefs(db, filters, sort=sort, reverse=reverse, limit=limit))
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

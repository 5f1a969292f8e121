"""`brief list`: the briefs of the collection, filtered and sorted, from the index."""

from __future__ import annotations

from typing import Any

import click

from brief.cli.declarations import LIST
from brief.cli.options import declared_options
from brief.cli.reading import list_briefs


@click.command("list")
@declared_options(LIST)
def list_(**options: Any) -> None:
    """List briefs, with filters on any metadata field.

    Repeated options OR within a field and AND across fields:
    `brief list --nation ML --nation NE --domain defence-security --since 2022`.
    Invalid briefs are listed too, marked; `--invalid` lists only them.
    """
    list_briefs(**options)

"""`brief search`: ranked full-text search with metadata terms, from the index."""

from __future__ import annotations

from typing import Any

import click

from brief.cli.declarations import SEARCH
from brief.cli.options import declared_options
from brief.cli.reading import search_briefs


@click.command()
@declared_options(SEARCH)
def search(**options: Any) -> None:
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
    search_briefs(**options)

"""`brief sync`: mirror the collection into PostgreSQL, and say what changed."""

from __future__ import annotations

import os
import sys

import click

from brief.base.vocabulary import TLP_LEVELS
from brief.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, say
from brief.cli.options import handle_errors, max_tlp_option

NAMED = 5  # invalid files named in the message; more are counted
JSON_VERSION = 1  # the `version` of --format json (schemas/output/sync.schema.json): raised when its shape changes


def _looks_like_dsn(value: str) -> bool:
    return "://" in value or "=" in value


@click.command()
@click.argument("arguments", nargs=-1, metavar="[DSN] [PATH]...")
@click.option("--collection", "name", metavar="NAME", help="The collection's name in the database "
              "[default: `name` in brief.toml, else the repository's folder name].")  # fmt: skip
@max_tlp_option("Withhold briefs marked above this TLP level (they are removed from the database).")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for programs (CI).")  # fmt: skip
@handle_errors
def sync(arguments: tuple[str, ...], name: str | None, max_tlp: str, fmt: str) -> None:
    """Mirror the collection into a PostgreSQL database, incrementally.

    DSN is a connection string (postgresql://user@host/db, or host=… dbname=…);
    without one, BRIEF_DATABASE_URL, else `database` in brief.toml. Only briefs
    whose content changed are written, deleted ones are removed, in one
    transaction; other collections in the database are left alone.

    \b
    Invalid briefs are not synced (counted on standard error). Briefs marked
    above --max-tlp (TLP:AMBER+STRICT and TLP:RED by default) are withheld.

    \b
    Exit codes: 0 synced; 1 synced, but some briefs are invalid and were
    left out; 2 usage, configuration or database error.
    """
    paths = list(arguments)
    given = None
    if paths and not os.path.exists(paths[0]) and _looks_like_dsn(paths[0]):
        given = paths.pop(0)
    for path in paths:
        if not os.path.exists(path):
            say(f"brief: error: no file or folder {path!r} (a connection string is the first argument)")
            sys.exit(EXIT_USAGE)
    from brief.cli.common import open_collection
    from brief.remote.connect import driver, resolve

    driver()  # before any work: say what to install
    index = open_collection(tuple(paths), no_refresh=False)
    dsn = resolve(given, index.collection.database)
    from brief.remote.sync import sync as run_sync

    report = run_sync(index, dsn, name, max_tlp)
    if fmt == "json":
        from brief.base.text import json_text

        click.echo(json_text({"version": JSON_VERSION, **report.as_dict()}))
    else:
        from brief.base.text import neutralise

        click.echo(
            f"Synced collection '{neutralise(report.collection)}' to {neutralise(report.database)}: "
            f"{report.added} added, {report.changed} changed, {report.removed} removed, {report.unchanged} unchanged "
            f"({report.total} briefs) in {report.seconds:.1f} s."
        )
    if report.withheld:
        count = sum(report.withheld.values())
        levels = ", ".join(f"{n} {TLP_LEVELS[level]}" for level, n in report.withheld.items())
        say(f"brief: withheld {count} brief{'s' if count != 1 else ''} marked above {TLP_LEVELS[max_tlp]}: {levels} "
            f"(--max-tlp {list(report.withheld)[-1]} syncs them)")  # fmt: skip
    if report.invalid:
        from brief.base.text import neutralise
        from brief.render.records import current_prefix, display_path

        prefix = current_prefix()
        shown = [neutralise(display_path(p, prefix) or p) for p in report.invalid[:NAMED]]
        more = f" and {len(report.invalid) - NAMED} more" if len(report.invalid) > NAMED else ""
        count = len(report.invalid)
        say(f"brief: {count} invalid brief{'s' if count != 1 else ''} not synced: {', '.join(shown)}{more} "
            "(brief validate shows why)")  # fmt: skip
    sys.exit(EXIT_PROBLEMS if report.invalid else EXIT_OK)

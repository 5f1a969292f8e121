"""`brief export`: the briefs that the list filters and a query select, as JSON, NDJSON (or an OpenSearch `_bulk`
body), CSV or a STIX 2.1 bundle, to standard output or a file written atomically."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from brief.base.vocabulary import TLP_LEVELS
from brief.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, say
from brief.cli.options import filter_options, filters_from, handle_errors, max_tlp_option, open_collection
from brief.cli.selecting import briefs_count, named_paths

# Kept here so that `brief export --help` imports nothing of the export itself; tests/test_export.py checks them.
FORMATS = ("json", "ndjson", "csv", "stix")
TABLES = ("briefs", "positions", "actors", "relations", "judgments", "sources")
BRIEF_SUFFIXES = (".yaml", ".yml", ".md", ".json")


@click.command()
@click.argument("arguments", nargs=-1, metavar="[QUERY] [PATH]...")
@click.option("-q", "--query", "query_text", metavar="QUERY", help="Search terms, as in brief search.")
@filter_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="json (default), ndjson, csv or stix.")
@click.option("--table", type=click.Choice(TABLES), help="CSV of one row per brief (default) or per item.")
@click.option("--bulk", "bulk_index", metavar="INDEX", help="NDJSON with OpenSearch _bulk actions for INDEX.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically) instead of standard output.")
@max_tlp_option("Withhold briefs marked above this TLP level.")
@click.option("--include-invalid", is_flag=True, help="Export invalid briefs too, as written.")
@click.option("--no-refresh", is_flag=True, help="Use the index as it is, without checking the files.")
@handle_errors
def export(arguments: tuple[str, ...], query_text: str | None, fmt: str | None, table: str | None,
           bulk_index: str | None, output: str | None, max_tlp: str, include_invalid: bool, no_refresh: bool,
           **options: Any) -> None:  # fmt: skip
    """Export the briefs the filters and QUERY select, in date order.

    QUERY is the first argument when it is not a file or folder (or give
    --query): `brief export 'wagner nation:ML' --format stix`. The list
    filters (--nation, --since, …) apply as in brief list.

    \b
    Briefs marked above --max-tlp (TLP:AMBER+STRICT and TLP:RED by default)
    are withheld, and counted on standard error. Invalid briefs are left out,
    and named, unless --include-invalid.

    \b
    Exit codes: 0 exported; 1 some selected brief is invalid or unreadable
    (the others are exported); 2 usage or configuration error.
    """
    paths, query_text = _arguments(arguments, query_text)
    fmt = _format(fmt, table, bulk_index)
    if output is not None and output != "-" and not os.path.isdir(os.path.dirname(os.path.abspath(output))):
        _usage(f"cannot write {output}: no such folder")
    from brief.query.language import check_search, parse_search

    query = parse_search(query_text) if query_text else None  # a malformed query fails before any work
    index = open_collection(paths, no_refresh)
    if query is not None:
        check_search(query, index.collection.schema)
    filters = filters_from(options, index.collection.schema)
    from brief.export.briefs import Exported
    from brief.export.output import output as open_output
    from brief.query.selection import select

    selection = index.answer(lambda db: select(db, filters, query, max_tlp))
    exported = Exported(selection, index.collection.tlp, max_tlp, include_invalid, index.collection.schema, index.path)
    with open_output(output) as out:
        if fmt == "stix":
            from brief.export.stix import bundle_id, write_stix

            write_stix(exported.briefs(), out, bundle_id(c.id or c.path for c in selection.chosen))
        elif fmt == "csv":
            from brief.export.tables import write_csv

            write_csv(exported.briefs(), out, table or "briefs")
        elif bulk_index is not None:
            from brief.export.documents import write_bulk

            write_bulk(exported.briefs(), out, bulk_index)
        elif fmt == "ndjson":
            from brief.export.documents import write_ndjson

            write_ndjson(exported.briefs(), out)
        else:
            from brief.export.documents import write_json

            write_json(exported.briefs(), out)
    sys.exit(_report(exported, output, max_tlp))


def _usage(message: str) -> None:
    say(f"brief: error: {message}")
    sys.exit(EXIT_USAGE)


def _arguments(arguments: tuple[str, ...], query_text: str | None) -> tuple[tuple[str, ...], str | None]:
    """(PATHs, QUERY): the first argument is the query when it is not a file or folder."""
    paths = list(arguments)
    if paths and not os.path.exists(paths[0]) and not _looks_like_a_path(paths[0]):
        if query_text is not None:
            _usage(f"give the query once: as the first argument ({paths[0]!r}) or with --query, not both")
        query_text = paths.pop(0)
    for position, path in enumerate(paths):
        if not os.path.exists(path):
            first = position == 0 and query_text is None
            hint = "to search for it, use --query" if first else "a query is the first argument, quoted as one"
            _usage(f"no file or folder {path!r} ({hint})")
    return tuple(paths), query_text


def _looks_like_a_path(value: str) -> bool:
    return os.sep in value or "/" in value or value.lower().endswith(BRIEF_SUFFIXES)


def _format(fmt: str | None, table: str | None, bulk_index: str | None) -> str:
    if bulk_index is not None:
        if fmt not in (None, "ndjson"):
            _usage("--bulk writes NDJSON: leave out --format, or give --format ndjson")
        if not bulk_index or bulk_index.startswith(("_", "-", "+")) or bulk_index != bulk_index.lower():
            _usage(f"--bulk: {bulk_index!r} is not an index name (lower case, not starting with _, - or +)")
        return "ndjson"
    if table is not None:
        if fmt not in (None, "csv"):
            _usage("--table is for --format csv")
        return "csv"
    return fmt or "json"


def _report(exported: Any, output: str | None, max_tlp: str) -> int:
    """Say on stderr what was left out and why (never silently), and return the exit code."""
    if exported.withheld_count:
        levels = ", ".join(f"{count} {TLP_LEVELS[level]}" for level, count in exported.withheld.items())
        widest = list(exported.withheld)[-1]
        say(
            f"brief: withheld {briefs_count(exported.withheld_count)} marked above {TLP_LEVELS[max_tlp]}: {levels} "
            f"(--max-tlp {widest} exports them)"
        )
    if exported.unreadable:
        say(f"brief: {len(exported.unreadable)} unreadable file(s) not exported: {named_paths(exported.unreadable)} "
            "(brief validate shows why)")  # fmt: skip
    if exported.invalid and exported.include_invalid:
        say(f"brief: exported {briefs_count(len(exported.invalid))} with validation errors, as written: "
            f"{named_paths(exported.invalid)}")  # fmt: skip
    elif exported.invalid:
        say(f"brief: {briefs_count(len(exported.invalid))} with validation errors not exported: "
            f"{named_paths(exported.invalid)} "
            "(brief validate shows why; --include-invalid exports them as written)")  # fmt: skip
    if exported.unmarked:
        say(f"brief: notice: {briefs_count(exported.unmarked)} exported without a TLP marking "
            "(give them `tlp`, or set a default `tlp` in brief.toml)")  # fmt: skip
    if not exported.selection.chosen and not exported.withheld_count:
        say("brief: no brief matches the filters and query: nothing to export")
    if output is not None and output != "-":
        say(f"brief: exported {briefs_count(exported.written)} to {output}")
    return EXIT_PROBLEMS if exported.invalid or exported.unreadable else EXIT_OK

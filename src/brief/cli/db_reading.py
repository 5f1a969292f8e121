"""`brief list --db` and `brief search --db`: the bodies of list and search (cli/reading.py) when the answer comes
from the PostgreSQL database `brief sync` writes. The same filters, query language, output formats and exit codes;
PATHs do not apply (the database holds every synced collection; `--collection` narrows it)."""

from __future__ import annotations

import sys

from brief.cli.common import EXIT_PROBLEMS, EXIT_USAGE, filters_from, say
from brief.render.terminal import use_colour

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any


def _open(paths: tuple[str, ...], db: str | None, collections: tuple[str, ...]) -> tuple[Any, str | None]:
    """(a connection, the configured schema) for --db; usage errors end here with exit code 2."""
    if db is None:
        say("brief: error: --collection needs --db (it names a collection synced to a database)")
        sys.exit(EXIT_USAGE)
    if paths:
        say("brief: error: PATHs do not apply with --db (it answers from every synced collection; "
            "--collection NAME narrows it)")  # fmt: skip
        sys.exit(EXIT_USAGE)
    from brief.collection.config import collection
    from brief.remote.connect import connect, driver, resolve

    driver()
    configured = collection(())
    conn = connect(resolve(db, configured.database))
    from brief.remote.schema import SCHEMA_VERSION, _version

    found = _version(conn)
    if found != SCHEMA_VERSION:
        from brief.remote.connect import DatabaseError

        if found == 0:
            raise DatabaseError("the database holds no synced collection yet (brief sync DSN writes one)")
        if found > SCHEMA_VERSION:
            raise DatabaseError(f"the database holds brief's schema version {found}, newer than this brief knows "
                                f"({SCHEMA_VERSION}): upgrade brief")  # fmt: skip
        # readers may only SELECT: migrating is the job of a sync, with the rights to do it
        raise DatabaseError(f"the database holds brief's schema version {found}, older than this brief reads "
                            f"({SCHEMA_VERSION}): a brief sync with this brief migrates it")  # fmt: skip
    return conn, configured.schema


def list_from_db(paths: tuple[str, ...], db: str | None, collections: tuple[str, ...], sort: str, reverse: bool,
                 limit: int | None, count: bool, fmt: str, tablefmt: str | None,
                 options: dict[str, Any]) -> None:  # fmt: skip
    conn, schema = _open(paths, db, collections)
    from brief.query import postgres
    from brief.remote.connect import database_errors

    filters = filters_from(options, schema)
    with database_errors("cannot list briefs"), conn:
        chosen = postgres.collection_ids(conn, list(collections))
        if count:
            sys.stdout.write(f"{postgres.count_briefs(conn, filters, chosen)}\n")
            return
        records = postgres.list_briefs(conn, filters, sort, reverse, limit, chosen)
    from brief.render.records import write_list

    write_list(records, fmt, sys.stdout, tablefmt)


def search_db(query: str, paths: tuple[str, ...], db: str | None, collections: tuple[str, ...], limit: int,
              sort: str, reverse: bool, fmt: str, tablefmt: str | None, options: dict[str, Any],
              quiet: bool = False) -> None:  # fmt: skip
    from brief.query.language import check_search, parse_search

    parsed = parse_search(query)  # a malformed query fails before the database is reached
    conn, schema = _open(paths, db, collections)
    from brief.query import postgres
    from brief.remote.connect import database_errors

    check_search(parsed, schema)
    filters = filters_from(options, schema)
    order_by = None if sort == "score" else sort
    with database_errors("cannot search"), conn:
        chosen = postgres.collection_ids(conn, list(collections))
        if quiet:  # as grep -q: is there a hit?
            found = bool(postgres.search_ids(conn, parsed, filters, 1, None, False, chosen))
        elif fmt == "ids":
            ids = postgres.search_ids(conn, parsed, filters, limit or None, order_by, reverse, chosen)
            found = bool(ids)
        else:
            results = postgres.search(conn, parsed, filters, limit or None, True, order_by, reverse, chosen)
            found = bool(results)
        near = [] if found or quiet else postgres.suggestions(conn, parsed.words)
    if quiet:
        if not found:
            sys.exit(EXIT_PROBLEMS)
        return
    if fmt == "ids":
        from brief.render.records import write_ids

        write_ids(ids, sys.stdout)
    elif found or fmt == "json":  # a program reading json gets a document, with no briefs, whatever the exit code
        from brief.render.records import write_search

        write_search(results, fmt, sys.stdout, tablefmt, use_colour(sys.stdout))
    if not found:
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        say(f"brief: no brief matches {query!r}{hint}")
        sys.exit(EXIT_PROBLEMS)

"""What `brief list` and `brief search` do once their options are parsed, free of click: the click commands
(list_cmd.py, search_cmd.py) and the quick path (quick.py) both call these with the same arguments."""

from __future__ import annotations

import sys

from brief.cli.common import EXIT_PROBLEMS, filters_from, handle_errors, open_collection, say
from brief.render.terminal import choose_colour, use_colour

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any


@handle_errors
def list_briefs(paths: tuple[str, ...], no_refresh: bool, sort: str, reverse: bool, limit: int | None, count: bool,
                fmt: str, tablefmt: str | None, db: str | None = None, collections: tuple[str, ...] = (),
                **kwargs: Any) -> None:  # fmt: skip
    if db is not None or collections:  # the PostgreSQL mirror (brief sync), not the local index
        from brief.cli.db_reading import list_from_db

        return list_from_db(paths, db, collections, sort, reverse, limit, count, fmt, tablefmt, kwargs)
    index = open_collection(paths, no_refresh)  # the freshness check starts now, in a thread
    from brief.query.search import count_briefs
    from brief.query.search import list_briefs as run_list
    from brief.render.records import write_list

    filters = filters_from(kwargs, index.collection.schema)
    if count:
        sys.stdout.write(f"{index.answer(lambda db: count_briefs(db, filters))}\n")
        return
    records = index.answer(lambda db: run_list(db, filters, sort=sort, reverse=reverse, limit=limit))
    write_list(records, fmt, sys.stdout, tablefmt)


@handle_errors
def search_briefs(query: str, paths: tuple[str, ...], no_refresh: bool, limit: int, sort: str, reverse: bool,
                  fmt: str, tablefmt: str | None, db: str | None = None, collections: tuple[str, ...] = (),
                  color: str = "auto", quiet: bool = False, **kwargs: Any) -> None:  # fmt: skip
    choose_colour(color)
    if db is not None or collections:  # the PostgreSQL mirror (brief sync), not the local index
        from brief.cli.db_reading import search_db

        return search_db(query, paths, db, collections, limit, sort, reverse, fmt, tablefmt, kwargs, quiet)
    index = open_collection(paths, no_refresh)  # the freshness check starts now, in a thread
    from brief.query.language import check_search, parse_search
    from brief.query.search import search as run_search
    from brief.query.search import search_any, search_ids, suggestions
    from brief.render.records import write_ids, write_search

    parsed = parse_search(query)  # a malformed query fails before the index is touched
    check_search(parsed, index.collection.schema)
    filters = filters_from(kwargs, index.collection.schema)
    order_by = None if sort == "score" else sort
    if quiet:  # as grep -q: is there a hit? (the first one found will do)
        if not index.answer(lambda db: search_any(db, parsed, filters)):
            sys.exit(EXIT_PROBLEMS)
        return
    if fmt == "ids":  # nothing but ids, possibly tens of thousands: no record per hit
        ids = index.answer(lambda db: search_ids(db, parsed, filters, limit or None, order_by, reverse))
        found = bool(ids)
        write_ids(ids, sys.stdout)
    else:
        results = index.answer(lambda db: run_search(db, parsed, filters, limit or None, True, order_by, reverse))
        found = bool(results)
        if found or fmt == "json":  # a program reading json gets a document, with no briefs, whatever the exit code
            write_search(results, fmt, sys.stdout, tablefmt, use_colour(sys.stdout))
    if not found:
        near = suggestions(index.connection(), parsed.words)
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        say(f"brief: no brief matches {query!r}{hint}")
        sys.exit(EXIT_PROBLEMS)

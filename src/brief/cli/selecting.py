"""What `brief graph` and `brief report` draw from: the briefs that PATHs, brief ids and a QUERY name, with the
list filters and the `--max-tlp` rule of `brief export` (query/selection.py), read as export reads them
(export/briefs.py), and what was left out said on standard error, never silently.

Arguments, in any order: a file or folder that exists is a PATH (the collection, as for `brief list`); a word that
is the id of one of the collection's briefs is a REF (several are OR-ed); the other words make the QUERY, in the
search language (`wagner nation:ML`), as `--query` does.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from brief.base.vocabulary import TLP_LEVELS
from brief.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, say

BRIEF_SUFFIXES = (".yaml", ".yml", ".md", ".json")
NAMED = 5  # files named in a message; more are counted


class Picked:
    """The briefs read, in brief order, with their markings, and what was left out."""

    def __init__(self, briefs: list[dict[str, Any]], exported: Any, described: list[str], query: str | None,
                 refs: list[str]) -> None:  # fmt: skip
        self.briefs = briefs
        self.exported = exported  # export.briefs.Exported: the tallies of what was withheld, invalid, unreadable
        self.described = described  # the selection in words, for a report's cover
        self.query = query
        self.refs = refs


def usage(message: str) -> None:
    say(f"brief: error: {message}")
    sys.exit(EXIT_USAGE)


def split_arguments(arguments: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """(PATHs, other words): a word that looks like a path but names nothing is a usage error, not a query."""
    paths, words = [], []
    for argument in arguments:
        if os.path.exists(argument):
            paths.append(argument)
        elif os.sep in argument or "/" in argument or argument.lower().endswith(BRIEF_SUFFIXES):
            usage(f"no file or folder {argument!r}")
        else:
            words.append(argument)
    return tuple(paths), words


def pick(arguments: tuple[str, ...], query_text: str | None, options: dict[str, Any], max_tlp: str,
         include_invalid: bool, no_refresh: bool) -> Picked:  # fmt: skip
    """Select and read the briefs (see the module's doc). Usage errors exit with code 2."""
    from brief.cli.common import filters_from, open_collection
    from brief.query.language import check_search, parse_search
    from brief.query.positions import existing_ids

    paths, words = split_arguments(arguments)
    given = options_given(options)
    index = open_collection(paths, no_refresh)
    known = index.answer(lambda db: existing_ids(db, words)) if words else set()
    refs = [word for word in words if word in known]
    rest = [word for word in words if word not in known]
    if rest and query_text is not None:
        usage(f"give the query once: as arguments ({' '.join(rest)!r}) or with --query, not both")
    text = " ".join(rest) if rest else query_text
    query = parse_search(text) if text else None
    if query is not None:
        check_search(query, index.collection.schema)
    filters = filters_from(options, index.collection.schema)
    if refs:
        filters.ids = list(dict.fromkeys(filters.ids + refs))
    from brief.export.briefs import Exported
    from brief.query.selection import select

    selection = index.answer(lambda db: select(db, filters, query, max_tlp))
    exported = Exported(selection, index.collection.tlp, max_tlp, include_invalid, index.collection.schema, index.path)
    briefs = list(exported.briefs())
    described = _described(paths, refs, text, given, max_tlp)
    return Picked(briefs, exported, described, text, refs)


def options_given(options: dict[str, Any]) -> list[str]:
    """The filters given, as typed on a command line (`--nation ML`), for the cover of a report. Read before
    `filters_from` consumes them."""
    from brief.cli.declarations import FILTERS

    shown = []
    for option in FILTERS:
        value = options.get(option.dest)
        if value in (None, False, (), []):
            continue
        if value is True:
            shown.append(option.flags[-1])
            continue
        for item in value if isinstance(value, (list, tuple)) and option.kind == "multiple" else [value]:
            shown.append(f"{option.flags[-1]} {'='.join(item) if isinstance(item, tuple) else item}")
    return shown


def _described(paths: tuple[str, ...], refs: list[str], query: str | None, filters: list[str],
               max_tlp: str) -> list[str]:  # fmt: skip
    lines = [f"Collection: {', '.join(paths) if paths else 'the configured collection'}"]
    if refs:
        lines.append(f"Briefs: {', '.join(refs)}")
    if query:
        lines.append(f"Query: {query}")
    if filters:
        lines.append(f"Filters: {' '.join(filters)}")
    lines.append(f"Markings up to {TLP_LEVELS[max_tlp]}")
    return lines


def named_paths(paths: list[str]) -> str:
    """The first few paths as the user would type them, and how many more (for one-line messages)."""
    from brief.base.text import neutralise
    from brief.render.records import current_prefix, display_path

    prefix = current_prefix()
    shown = [neutralise(display_path(path, prefix) or path) for path in paths[:NAMED]]
    more = f" and {len(paths) - NAMED} more" if len(paths) > NAMED else ""
    return ", ".join(shown) + more


def briefs_count(count: int) -> str:
    return f"{count} brief{'s' if count != 1 else ''}"


def report_left_out(picked: Picked, max_tlp: str, verb: str) -> int:
    """Say on stderr what was left out and why, and return the exit code: 1 when a brief selected is invalid or
    unreadable (the others are drawn), else 0. `verb`: what the command does with briefs ('drawn', 'reported')."""
    exported = picked.exported
    if exported.withheld_count:
        levels = ", ".join(f"{count} {TLP_LEVELS[level]}" for level, count in exported.withheld.items())
        widest = list(exported.withheld)[-1]
        say(f"brief: withheld {briefs_count(exported.withheld_count)} marked above {TLP_LEVELS[max_tlp]}: {levels} "
            f"(--max-tlp {widest} includes them)")  # fmt: skip
    if exported.unreadable:
        say(f"brief: {len(exported.unreadable)} unreadable file(s) not {verb}: {named_paths(exported.unreadable)} "
            "(brief validate shows why)")  # fmt: skip
    if exported.invalid and exported.include_invalid:
        say(f"brief: {briefs_count(len(exported.invalid))} with validation errors {verb} as written: "
            f"{named_paths(exported.invalid)}")  # fmt: skip
    elif exported.invalid:
        say(f"brief: {briefs_count(len(exported.invalid))} with validation errors not {verb}: "
            f"{named_paths(exported.invalid)} "
            "(brief validate shows why; --include-invalid includes them as written)")  # fmt: skip
    if not exported.selection.chosen and not exported.withheld_count:
        say("brief: no brief matches the arguments, filters and query")
    return EXIT_PROBLEMS if exported.invalid or exported.unreadable else EXIT_OK


def records(briefs: list[dict[str, Any]]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(id, date, path, data) of each brief read, for the analysis (analysis/positions.py's BriefRecord)."""
    from brief.base.fields import text

    found = []
    for number, data in enumerate(briefs):
        ident = text(data.get("id")) or f"(brief {number + 1} without an id)"
        found.append((ident, text(data.get("date")) or "", f"{number:09d}", data))
    return found

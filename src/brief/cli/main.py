"""`brief` entry point. Subcommands are imported only when run, so `brief --help` stays fast; `brief list` and
`brief search` with everyday options take the quick path (cli/quick.py), which does not even import click."""

from __future__ import annotations

import os
import sys

# re-exported: the exit codes every command uses
from brief.cli.common import EXIT_OK as EXIT_OK
from brief.cli.common import EXIT_PROBLEMS as EXIT_PROBLEMS
from brief.cli.common import EXIT_USAGE as EXIT_USAGE

# typing.TYPE_CHECKING without importing typing (type checkers know the name): `brief list` and `brief search`
# start ~4 ms sooner without it, and tests/test_quick.py keeps it out of their path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

QUICK_COMMANDS = frozenset({"list", "search"})  # the commands cli/quick.py can run without click

# name -> (module, attribute, one-line help shown by `brief --help` without importing the module)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "validate": ("brief.cli.validate_cmd", "validate", "Check brief files against the schema and the format's rules."),
    "list": ("brief.cli.list_cmd", "list_", "List briefs, filtered on any metadata field."),
    "search": ("brief.cli.search_cmd", "search", "Search briefs: ranked, accent-insensitive, with metadata terms."),
    "index": ("brief.cli.index_cmd", "index", "Rebuild the collection's index and report its counts."),
    "summary": ("brief.cli.summary_cmd", "summary", "Summarise the collection, a filtered part of it, or one brief."),
    "show": ("brief.cli.show_cmd", "show", "Show one brief, readably or as JSON, YAML or Markdown."),
    "compare": ("brief.cli.compare_cmd", "compare", "Compare actors' positions on issues, in one brief or over time."),
}


def main(argv: list[str] | None = None) -> Any:
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        if QUICK_COMMANDS.intersection(args[:3]):  # only list and search pay for the quick path's imports
            from brief.cli.quick import run_quick

            if run_quick(args):
                return None
        from brief.cli.app import cli

        return cli.main(args=args, prog_name="brief")
    except BrokenPipeError:
        reader_left()
    except KeyboardInterrupt:
        sys.exit(130)


def reader_left() -> NoReturn:
    """`brief … | head`: the reader has gone; end quietly with success, as the output was not the problem."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # Python's final flush must not fail again
    sys.exit(EXIT_OK)

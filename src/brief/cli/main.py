"""`brief` entry point. Subcommands are imported only when run, so `brief --help` stays fast; `brief list` and
`brief search` with everyday options take the quick path (cli/quick.py), which does not even import click."""

from __future__ import annotations

import os
import sys

from brief.cli.commands import QUICK_COMMANDS

# re-exported: the exit codes every command uses
from brief.cli.common import EXIT_OK as EXIT_OK
from brief.cli.common import EXIT_PROBLEMS as EXIT_PROBLEMS
from brief.cli.common import EXIT_USAGE as EXIT_USAGE
from brief.cli.common import reader_left

# typing.TYPE_CHECKING without importing typing (type checkers know the name): the quick path of `brief list`
# and `brief search` must not import typing, and tests/test_quick.py keeps it out of their path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def main(argv: list[str] | None = None) -> Any:
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        if QUICK_COMMANDS.intersection(args[:3]):  # only list and search pay for the quick path's imports
            from brief.cli.quick import run_quick

            if run_quick(args):
                return None
        if "_BRIEF_COMPLETE" in os.environ:  # a shell asks for completions (click answers)
            from brief.cli.completion import register_shells

            register_shells()
        from brief.cli.app import cli

        return cli.main(args=args, prog_name="brief")
    except BrokenPipeError:
        reader_left()
    except KeyboardInterrupt:
        sys.exit(130)

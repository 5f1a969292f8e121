"""`brief` entry point. Subcommands are imported only when run, so `brief --help` stays fast."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, NoReturn

import click

from brief import __version__

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

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _reader_left()  # before click turns it into exit status 1, which would read as "problems found"

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="brief", message="%(prog)s %(version)s")
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, exists=True),
    metavar="DIR",
    help="Run as if brief was started in DIR.",
)
def cli(directory: str | None) -> None:
    """Validate, list, search and compare structured geopolitical and security briefs.

    \b
    Exit codes: 0 success; 1 problems found (invalid briefs, or no match);
    2 usage or configuration error.
    """
    if directory:
        os.chdir(directory)


def main(argv: list[str] | None = None) -> Any:
    try:
        return cli.main(args=argv, prog_name="brief")
    except BrokenPipeError:
        _reader_left()
    except KeyboardInterrupt:
        sys.exit(130)


def _reader_left() -> NoReturn:
    """`brief … | head`: the reader has gone; end quietly with success, as the output was not the problem."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # Python's final flush must not fail again
    sys.exit(EXIT_OK)

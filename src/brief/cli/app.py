"""The click application: the `brief` group, whose subcommands are imported only when run."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from brief import __version__
from brief.cli.commands import COMMANDS
from brief.cli.common import reader_left


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
            reader_left()  # before click turns it into exit status 1, which would read as "problems found"
        except KeyboardInterrupt:
            sys.exit(130)  # Ctrl-C, as shells report SIGINT (click would say "Aborted!" and exit 1)
        except click.UsageError as exc:  # it quotes what was typed: never an escape sequence
            from brief.base.text import neutralise

            raise click.UsageError(neutralise(exc.format_message()), exc.ctx) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def print_version(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    """`--version`, naming the freshness check, the YAML builder and the sync's encoder in use (C or Python): pip
    does not show the build's warning when a C module could not be compiled. Only asked here, so start-up pays
    nothing for it."""
    if not value or ctx.resilient_parsing:
        return
    from brief.collection.freshness import native_stat_folder
    from brief.format.loading import native_yaml_built
    from brief.remote.native import native_built

    def which(native: bool) -> str:
        return "C" if native else "Python"

    click.echo(f"brief {__version__} (freshness check: {which(native_stat_folder() is not None)}, "
               f"YAML: {which(native_yaml_built())}, sync: {which(native_built())})")  # fmt: skip
    ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=print_version,
    help="Show the version and the freshness check in use (C or Python), and exit.",
)
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

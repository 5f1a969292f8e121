"""Options shared by the reading commands (as sqlite-utils' output_options): collection, filters, output.

open_collection, filters_from and handle_errors live in cli/common.py (no click there) and are re-exported."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from brief.cli.common import EXIT_USAGE, is_partial_date, parse_where

# re-exported for the command modules
from brief.cli.common import filters_from as filters_from
from brief.cli.common import handle_errors as handle_errors
from brief.cli.common import open_collection as open_collection

if TYPE_CHECKING:
    from brief.collection.refs import ResolvedBrief


class WhereType(click.ParamType):
    name = "FIELD=VALUE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        parsed = parse_where(str(value))
        if parsed is None:
            self.fail(f"{value!r} is not FIELD=VALUE (for example actors.kind=private-military-company)", param, ctx)
        return parsed


class PartialDate(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if not is_partial_date(str(value)):
            self.fail(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD", param, ctx)
        return str(value)


class TableFormat(click.ParamType):
    """Any tabulate style, with a "did you mean"; checked lazily so that --help does not import tabulate."""

    name = "STYLE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        import difflib

        from tabulate import tabulate_formats

        if value in tabulate_formats:
            return str(value)
        close = difflib.get_close_matches(str(value), tabulate_formats, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        self.fail(f"{value!r} is not one of {', '.join(map(repr, tabulate_formats))}.{hint}", param, ctx)


def filter_options(command: Callable[..., Any] | None = None, skip: tuple[str, ...] = ()) -> Any:
    """--nation/--region/… filters; OR within a field, AND across fields. `skip` leaves out options a command
    uses otherwise (compare's own --actor and --issue): `@filter_options(skip=("actor", "issue"))`."""
    options = {
        "nation": click.option(
            "--nation", "nations", multiple=True, help="ISO code or English/French name (repeatable)."
        ),
        "region": click.option("--region", "regions", multiple=True, help="Region, e.g. sahel (repeatable)."),
        "domain": click.option(
            "--domain", "domains", multiple=True, help="Domain, e.g. defence-security (repeatable)."
        ),
        "tag": click.option("--tag", "tags", multiple=True, help="Tag (repeatable)."),
        "actor": click.option(
            "--actor", "actors", multiple=True, help="Actor id, name or alias; accents and case ignored."
        ),
        "issue": click.option("--issue", "issues", multiple=True, help="Issue id (repeatable)."),
        "lang": click.option("--lang", "langs", multiple=True, help="Language code, e.g. fr (repeatable)."),
        "author": click.option("--author", "authors", multiple=True, help="Author name or part of it (repeatable)."),
        "since": click.option("--since", type=PartialDate(), help="Briefs dated on or after DATE (YYYY[-MM[-DD]])."),
        "until": click.option(
            "--until", type=PartialDate(), help="Briefs dated on or before DATE (a year includes all of it)."
        ),
        "where": click.option(
            "--where", "where", multiple=True, type=WhereType(), help="Any schema field, e.g. actors.kind=party."
        ),
        "invalid": click.option("--invalid", is_flag=True, help="Only briefs with validation errors."),
    }

    def decorate(target: Callable[..., Any]) -> Callable[..., Any]:
        for name, option in reversed(options.items()):
            if name not in skip:
                target = option(target)
        return target

    return decorate(command) if command is not None else decorate


def collection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--no-refresh", is_flag=True, help="Use the index as it is, without checking the files (CI, network drives)."
    )(command)
    return click.argument("paths", nargs=-1, type=click.Path(exists=True), metavar="[PATH]...")(command)


def load_ref_or_exit(ref: str) -> ResolvedBrief:
    """The brief REF names; an unknown or ambiguous REF is one line with the candidates, and exit code 2."""
    from brief.base.text import neutralise
    from brief.collection.refs import RefError, load_ref

    try:
        return load_ref(ref)
    except RefError as exc:
        hint = f"; did you mean: {', '.join(exc.candidates)}?" if exc.candidates else ""
        click.echo(f"brief: error: {neutralise(exc.message + hint)}", err=True)
        sys.exit(EXIT_USAGE)

"""Options shared by the reading commands (as sqlite-utils' output_options): collection, filters, output."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from brief.cli.main import EXIT_USAGE

if TYPE_CHECKING:
    from brief.index import Index
    from brief.query import Filters
    from brief.refs import ResolvedBrief


class WhereType(click.ParamType):
    name = "FIELD=VALUE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        field, sep, wanted = str(value).partition("=")
        if not sep or not field.strip() or not re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*", field.strip()):
            self.fail(f"{value!r} is not FIELD=VALUE (for example actors.kind=private-military-company)", param, ctx)
        return field.strip(), wanted.strip()


class PartialDate(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(value)):
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


def filters_from(kwargs: dict[str, Any], schema_path: str | None = None) -> Filters:
    """The checked filters of the list options in `kwargs` (which it consumes)."""
    from brief.query import Filters, normalise_filters

    return normalise_filters(Filters(
        nations=list(kwargs.pop("nations", ())), regions=list(kwargs.pop("regions", ())),
        domains=list(kwargs.pop("domains", ())), tags=list(kwargs.pop("tags", ())),
        actors=list(kwargs.pop("actors", ())), issues=list(kwargs.pop("issues", ())),
        langs=list(kwargs.pop("langs", ())), authors=list(kwargs.pop("authors", ())),
        since=kwargs.pop("since", None), until=kwargs.pop("until", None), where=list(kwargs.pop("where", ())),
        invalid=bool(kwargs.pop("invalid", False)),
    ), schema_path)  # fmt: skip


def open_collection(paths: tuple[str, ...], no_refresh: bool) -> Index:
    """The collection's index, refreshed (unless `no_refresh`) before its first use, or while its first question
    is answered when asked through `Index.answer`; repairs are announced on stderr in one line each."""
    from brief.config import collection
    from brief.index import open_index

    def notify(message: str) -> None:
        click.echo(f"brief: notice: {message}", err=True)

    return open_index(collection(paths), refresh=not no_refresh, notify=notify, defer=True)


def load_ref_or_exit(ref: str) -> ResolvedBrief:
    """The brief REF names; an unknown or ambiguous REF is one line with the candidates, and exit code 2."""
    from brief.cli.output import neutralise
    from brief.refs import RefError, load_ref

    try:
        return load_ref(ref)
    except RefError as exc:
        hint = f"; did you mean: {', '.join(exc.candidates)}?" if exc.candidates else ""
        click.echo(f"brief: error: {neutralise(exc.message + hint)}", err=True)
        sys.exit(EXIT_USAGE)


def handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Domain errors become one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from brief.diagnostics import BriefError

        try:
            return command(*args, **kwargs)
        except BriefError as exc:
            click.echo(f"brief: error: {exc}", err=True)
            sys.exit(EXIT_USAGE)

    return wrapper

"""Options shared by the reading commands (as sqlite-utils' output_options): collection, filters, output, made
click options from their declarations (cli/declarations.py), which the quick path (cli/quick.py) parses too.

open_collection, filters_from and handle_errors live in cli/common.py (no click there) and are re-exported."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

import click

from brief.base.text import closest
from brief.base.vocabulary import DEFAULT_MAX_TLP, TLP_LEVELS
from brief.cli.common import EXIT_USAGE, is_partial_date, parse_where
from brief.cli.common import filters_from as filters_from  # re-exported for the command modules
from brief.cli.common import handle_errors as handle_errors
from brief.cli.common import open_collection as open_collection
from brief.cli.declarations import FILTERS, NO_REFRESH, Command, Option

if TYPE_CHECKING:
    from brief.collection.refs import ResolvedBrief

    # click 8.2+ types ParamType by what it converts to; older clicks (which pyproject allows) cannot subscript it
    WhereBase = click.ParamType[tuple[str, str]]
    TextBase = click.ParamType[str]
else:
    WhereBase = TextBase = click.ParamType

F = TypeVar("F", bound=Callable[..., Any])


class WhereType(WhereBase):
    name = "FIELD=VALUE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        parsed = parse_where(str(value))
        if parsed is None:
            self.fail(f"{value!r} is not FIELD=VALUE (for example actors.kind=private-military-company)", param, ctx)
        return parsed


class PartialDate(TextBase):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if not is_partial_date(str(value)):
            self.fail(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD", param, ctx)
        return str(value)


class TableFormat(TextBase):
    """Any tabulate style, with a "did you mean"; checked lazily so that --help does not import tabulate."""

    name = "STYLE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from tabulate import tabulate_formats

        if value in tabulate_formats:
            return str(value)
        close = closest(str(value), tabulate_formats)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        self.fail(f"{value!r} is not one of {', '.join(map(repr, tabulate_formats))}.{hint}", param, ctx)


def click_option(option: Option) -> Callable[[F], F]:
    """The click option of a declaration (cli/declarations.py)."""
    settings: dict[str, Any] = {"help": option.help}
    if option.kind != "value":
        settings["is_flag" if option.kind == "flag" else "multiple"] = True
    if option.check is not None:
        settings["type"] = _click_type(option.check)
    if option.kind == "value" and option.default is not None:
        settings.update(default=option.default, show_default=True)
    if option.complete is not None:
        from brief.cli.completion import completer

        settings["shell_complete"] = completer(option.complete)
    return click.option(*option.flags, option.dest, **settings)


def _click_type(check: str | tuple[str, ...]) -> click.ParamType[Any]:
    if isinstance(check, tuple):
        return click.Choice(check)
    if check.startswith("int>="):
        return click.IntRange(min=int(check[5:]))
    return {"date": PartialDate, "where": WhereType, "style": TableFormat}[check]()


def _apply(target: F, decorators: list[Callable[[F], F]]) -> F:
    """`target` decorated as if by the decorators written above it, in this order."""
    for decorator in reversed(decorators):
        target = decorator(target)
    return target


@overload
def filter_options(command: F, skip: tuple[str, ...] = ()) -> F: ...
@overload
def filter_options(command: None = None, skip: tuple[str, ...] = ()) -> Callable[[F], F]: ...
def filter_options(command: F | None = None, skip: tuple[str, ...] = ()) -> F | Callable[[F], F]:
    """--nation/--region/… filters; OR within a field, AND across fields. `skip` leaves out options a command
    uses otherwise (compare's own --actor and --issue): `@filter_options(skip=("actor", "issue"))`."""

    def decorate(target: F) -> F:
        return _apply(target, [click_option(option) for option in FILTERS if option.name not in skip])

    return decorate(command) if command is not None else decorate


_PATHS = click.argument("paths", nargs=-1, type=click.Path(exists=True), metavar="[PATH]...")


def max_tlp_option(help: str) -> Callable[[F], F]:
    """--max-tlp, as every command that lets briefs leave the collection takes it (export, graph, report, sync);
    `help` says what this command does with the briefs above it."""
    return click.option("--max-tlp", type=click.Choice(tuple(TLP_LEVELS)), default=DEFAULT_MAX_TLP,
                        show_default=True, help=help)  # fmt: skip


def collection_options(command: F) -> F:
    """[PATH]... and --no-refresh."""
    return _apply(command, [_PATHS, click_option(NO_REFRESH)])


def declared_options(declared: Command) -> Callable[[F], F]:
    """The arguments and options of a declared command (cli/declarations.py), as click parameters."""
    arguments = [click.argument(name) for name in declared.arguments]
    return lambda command: _apply(command, [*arguments, _PATHS, *map(click_option, declared.options)])


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

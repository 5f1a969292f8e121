"""The quick path: `brief list` and `brief search` with everyday options, parsed without importing click.

Scripts and editors run search and list over and over, and importing click is a large share of so short a
process. This parser reads the declarations click's options are made from (cli/declarations.py) and produces
exactly the arguments click would pass (tests/test_quick.py checks it does); for anything else — help, an
unknown or malformed option, a value click would reject, `--`, another command — it declines, and click parses
the command line as usual, errors and all."""

from __future__ import annotations

import os

from brief.cli.common import is_partial_date, parse_where
from brief.cli.declarations import LIST, SEARCH

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any

    from brief.cli.declarations import Check, Command, Option

COMMANDS = {command.name: command for command in (SEARCH, LIST)}


def _flags(command: Command) -> dict[str, Option]:
    """Flag -> option, for the options this parser takes: not --tablefmt, whose check (TableFormat) imports
    tabulate's list of styles and suggests the nearest one in its error."""
    return {flag: option for option in command.options if option.check != "style" for flag in option.flags}


FLAGS = {name: _flags(command) for name, command in COMMANDS.items()}


def run_quick(args: list[str]) -> bool:
    """Run `args` if they are a command line the quick path takes, and say whether it did."""
    if os.environ.get("BRIEF_QUICK") == "0":
        return False
    directory = None
    if len(args) > 2 and args[0] == "-C":  # the global option: run as if started in DIR
        directory, args = args[1], args[2:]
    if not args or args[0] not in COMMANDS:
        return False
    command = COMMANDS[args[0]]
    parsed = parse(command, args[1:])
    if parsed is None:
        return False
    origin = os.getcwd()
    if directory is not None:
        if not os.path.isdir(directory):
            return False
        os.chdir(directory)
    if not all(os.path.exists(path) for path in parsed["paths"]):
        os.chdir(origin)  # click must see the command line from where it started, and report the path
        return False
    from brief.cli import reading

    getattr(reading, command.function)(**parsed)
    return True


def parse(command: Command, args: list[str]) -> dict[str, Any] | None:
    """The keyword arguments click would pass to the command (paths not yet checked), or None to decline."""
    flags = FLAGS[command.name]
    values: dict[str, Any] = {option.dest: option.default for option in command.options}
    positional: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        i += 1
        if not token.startswith("-"):
            positional.append(token)
            continue
        name, equals, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        option = flags.get(name)
        if option is None:
            return None  # help, --, -, a short-option cluster, an unknown option: click's to handle
        if option.kind == "flag":
            if equals:
                return None
            values[option.dest] = True
            continue
        if equals:
            value = inline
        elif i < len(args) and not args[i].startswith("-"):
            value = args[i]
            i += 1
        else:
            return None
        converted = _convert(value, option.check)
        if converted is None:
            return None
        values[option.dest] = (*values[option.dest], converted) if option.kind == "multiple" else converted
    if len(positional) < len(command.arguments):
        return None
    for name, value in zip(command.arguments, positional, strict=False):
        values[name] = value
    values["paths"] = tuple(positional[len(command.arguments) :])
    return values


def _convert(value: str, check: Check) -> Any:
    """The value as click would convert it, or None where click would refuse it."""
    if check is None:
        return value
    if isinstance(check, tuple):
        return value if value in check else None
    if check == "date":
        return value if is_partial_date(value) else None
    if check == "where":
        return parse_where(value)
    if check.startswith("int>="):
        try:
            number = int(value)
        except ValueError:
            return None
        return number if number >= int(check[5:]) else None
    raise AssertionError(f"unknown check {check!r}")

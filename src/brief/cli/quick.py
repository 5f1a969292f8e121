"""The quick path: `brief list` and `brief search` with everyday options, parsed without importing click.

Importing click costs ~25 ms per process here, a third of a `brief search --no-refresh` on 100,000 briefs, and
search and list are what scripts and editors run over and over. This parser knows exactly the options of those
two commands and produces exactly the arguments click would pass (tests/test_quick.py checks both, option by
option); for anything else — help, an unknown or malformed option, a value click would reject, `--`, another
command — it declines, and click parses the command line as usual, errors and all."""

from __future__ import annotations

import os

from brief.cli.common import is_partial_date, parse_where
from brief.render.records import RECORD_FORMATS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any

# option -> (destination, kind, check); kind: "flag", "value" or "multiple"; check: None (any text),
# "date", "where", "int>=N", or a tuple of choices. Written out from the click declarations; test_quick.py
# compares them with click's.
Option = tuple[str, str, object]

_COLLECTION: dict[str, Option] = {"--no-refresh": ("no_refresh", "flag", None)}
_FILTERS: dict[str, Option] = {
    "--nation": ("nations", "multiple", None),
    "--region": ("regions", "multiple", None),
    "--domain": ("domains", "multiple", None),
    "--tag": ("tags", "multiple", None),
    "--actor": ("actors", "multiple", None),
    "--issue": ("issues", "multiple", None),
    "--lang": ("langs", "multiple", None),
    "--author": ("authors", "multiple", None),
    "--since": ("since", "value", "date"),
    "--until": ("until", "value", "date"),
    "--where": ("where", "multiple", "where"),
    "--invalid": ("invalid", "flag", None),
}
_FILTER_DEFAULTS: dict[str, Any] = {
    "no_refresh": False, "nations": (), "regions": (), "domains": (), "tags": (), "actors": (), "issues": (),
    "langs": (), "authors": (), "since": None, "until": None, "where": (), "invalid": False,
}  # fmt: skip


class Command:
    def __init__(self, function: str, arguments: tuple[str, ...], options: dict[str, Option], defaults: dict[str, Any]):
        self.function = function  # in brief.cli.reading
        self.arguments = arguments  # required positional arguments, before the paths
        self.options = options
        self.defaults = defaults


COMMANDS = {
    "search": Command(
        "search_briefs",
        ("query",),
        {
            **_COLLECTION,
            **_FILTERS,
            "--limit": ("limit", "value", "int>=0"),
            "--sort": ("sort", "value", ("score", "date", "title", "id")),
            "-r": ("reverse", "flag", None),
            "--reverse": ("reverse", "flag", None),
            "--format": ("fmt", "value", RECORD_FORMATS),
        },
        {**_FILTER_DEFAULTS, "limit": 20, "sort": "score", "reverse": False, "fmt": "table", "tablefmt": None},
    ),
    "list": Command(
        "list_briefs",
        (),
        {
            **_COLLECTION,
            **_FILTERS,
            "--sort": ("sort", "value", ("date", "title", "id")),
            "-r": ("reverse", "flag", None),
            "--reverse": ("reverse", "flag", None),
            "--limit": ("limit", "value", "int>=1"),
            "--count": ("count", "flag", None),
            "--format": ("fmt", "value", RECORD_FORMATS),
        },
        {
            **_FILTER_DEFAULTS,
            "sort": "date",
            "reverse": False,
            "limit": None,
            "count": False,
            "fmt": "table",
            "tablefmt": None,
        },
    ),
}
# Options click knows that the quick path leaves to it: --tablefmt (checked against tabulate's styles).
DECLINED = {"search": {"--tablefmt"}, "list": {"--tablefmt"}}


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
    values = dict(command.defaults)
    positional: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        i += 1
        if not token.startswith("-"):
            positional.append(token)
            continue
        name, equals, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        option = command.options.get(name)
        if option is None:
            return None  # help, --, -, a short-option cluster, an unknown option: click's to handle
        destination, kind, check = option
        if kind == "flag":
            if equals:
                return None
            values[destination] = True
            continue
        if equals:
            value = inline
        elif i < len(args) and not args[i].startswith("-"):
            value = args[i]
            i += 1
        else:
            return None
        converted = _convert(value, check)
        if converted is None:
            return None
        values[destination] = (*values[destination], converted) if kind == "multiple" else converted
    if len(positional) < len(command.arguments):
        return None
    for name, value in zip(command.arguments, positional, strict=False):
        values[name] = value
    values["paths"] = tuple(positional[len(command.arguments) :])
    return values


def _convert(value: str, check: Any) -> Any:
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

"""What the commands share that does not need click: exit codes, the checks behind the option types, opening
the collection, and turning domain errors into one line and exit code 2. The quick path (cli/quick.py) runs
`brief list` and `brief search` with these alone, without importing click."""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any, NoReturn, TypeVar

    from brief.collection.index import Index
    from brief.query.filters import Filters

    F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

_FIELD_PATH = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def parse_where(value: str) -> tuple[str, str] | None:
    """FIELD=VALUE as (field, value), or None when it is not that."""
    field, sep, wanted = value.partition("=")
    if not sep or not _FIELD_PATH.fullmatch(field.strip()):
        return None
    return field.strip(), wanted.strip()


def is_partial_date(value: str) -> bool:
    return _PARTIAL_DATE.fullmatch(value) is not None


def say(message: str) -> None:
    """One line for the user on stderr (errors, notices): what it quotes of a file, an option or a query can hold
    terminal escape sequences, shown as visible escapes."""
    from brief.base.text import neutralise

    sys.stderr.write(f"{neutralise(message)}\n")
    sys.stderr.flush()


def handle_errors(command: F) -> F:
    """Domain errors become one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from brief.base.errors import BriefError

        try:
            return command(*args, **kwargs)
        except BriefError as exc:
            say(f"brief: error: {exc}")
            sys.exit(EXIT_USAGE)

    return wrapper  # type: ignore[return-value]


def open_collection(paths: tuple[str, ...], no_refresh: bool) -> Index:
    """The collection's index, refreshed (unless `no_refresh`) before its first use, or while its first question
    is answered when asked through `Index.answer`; repairs are announced on stderr in one line each."""
    from brief.collection.config import collection

    chosen = collection(paths)
    check = None
    if not no_refresh:  # before importing the index (and sqlite3): the scan runs meanwhile
        from brief.collection.freshness import BackgroundScan

        check = BackgroundScan(chosen.paths, chosen.exclude, chosen.listing_path())
    from brief.collection.index import open_index

    def notify(message: str) -> None:
        say(f"brief: notice: {message}")

    return open_index(chosen, refresh=not no_refresh, notify=notify, defer=True, check=check)


def filters_from(kwargs: dict[str, Any], schema_path: str | None = None) -> Filters:
    """The checked filters of the list options in `kwargs` (which it consumes)."""
    from brief.query.filters import Filters, check_filters

    return check_filters(Filters(
        nations=list(kwargs.pop("nations", ())), regions=list(kwargs.pop("regions", ())),
        domains=list(kwargs.pop("domains", ())), tags=list(kwargs.pop("tags", ())),
        actors=list(kwargs.pop("actors", ())), issues=list(kwargs.pop("issues", ())),
        langs=list(kwargs.pop("langs", ())), authors=list(kwargs.pop("authors", ())),
        since=kwargs.pop("since", None), until=kwargs.pop("until", None), where=list(kwargs.pop("where", ())),
        invalid=bool(kwargs.pop("invalid", False)), tlps=list(kwargs.pop("tlps", ())),
    ), schema_path)  # fmt: skip


def reader_left() -> NoReturn:
    """`brief … | head`: the reader has gone; end quietly with success, as the output was not the problem."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # Python's final flush must not fail again
    sys.exit(EXIT_OK)
